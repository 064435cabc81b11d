//! Opening a PDF in the system's viewer.
//!
//! `xdg-open` on Linux. Test hook: `TWEEVOUD_PDF_VIEWER` names another program to run with
//! the file instead (the end-to-end test records what would have been opened).

use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// Starts the viewer on `path` and returns at once.
pub fn open(path: &Path) -> Result<(), Error> {
    let program = std::env::var_os("TWEEVOUD_PDF_VIEWER").unwrap_or_else(|| "xdg-open".into());
    Command::new(&program)
        .arg(path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map(drop)
        .map_err(|e| Error::Viewer {
            path: path.to_path_buf(),
            reason: format!("{}: {e}", Path::new(&program).display()),
        })
}
