//! Opening a PDF in the system's viewer.
//!
//! `xdg-open` on Linux. Test hook, only in the app built with the `e2e-hooks` feature (see
//! `hooks`): the end-to-end test may name another program to run with the file instead, and
//! so records what would have been opened.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// Starts the viewer on `path` and returns at once.
pub fn open(path: &Path) -> Result<(), Error> {
    let program: std::ffi::OsString = "xdg-open".into();
    #[cfg(feature = "e2e-hooks")]
    let program = crate::hooks::pdf_viewer().unwrap_or(program);
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
