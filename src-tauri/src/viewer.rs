//! Opening a PDF in the system's viewer.
//!
//! `xdg-open` on Linux. Test hook, only in the app built with the `e2e-hooks` feature (see
//! `hooks`): the end-to-end test may name another program to run with the file instead, and
//! so records what would have been opened.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::Error;

/// Starts the viewer on `path` and returns at once. Only a file named `*.pdf` is handed to the
/// system's opener, which picks the program by the name: what the app opens is a PDF it
/// wrote, under a name it chose.
pub fn open(path: &Path) -> Result<(), Error> {
    if path.extension().and_then(|e| e.to_str()) != Some("pdf") {
        return Err(Error::Viewer {
            path: path.to_path_buf(),
            reason: "only a PDF (a file named *.pdf) is opened in the viewer".into(),
        });
    }
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
