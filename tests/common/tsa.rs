//! A real time-stamping authority for the tests: `scripts/tsa.py` (Python's standard library
//! and `openssl ts -reply`), on 127.0.0.1 only, stopped when dropped.

use std::io::{BufRead, BufReader, ErrorKind, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

/// A running `scripts/tsa.py`, stopped when dropped.
pub struct Tsa {
    child: Child,
    /// Where it answers.
    pub url: String,
    /// Its directory: `ca.pem` (its CA), `tsa.pem` (its certificate) and its keys.
    pub dir: PathBuf,
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a TSA keeping its CA and keys in `dir` (made on first use), with an `rsa` or `ec`
/// key.
pub fn start_tsa(dir: &Path, key: &str) -> Tsa {
    let script = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("scripts/tsa.py")
        .canonicalize()
        .or_else(|_| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../scripts/tsa.py")
                .canonicalize()
        })
        .expect("scripts/tsa.py");
    let child = Command::new("python3")
        .arg(&script)
        .args(["--port", "0", "--key", key, "--dir"])
        .arg(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) if e.kind() == ErrorKind::NotFound => {
            panic!("python3 is not installed; the timestamp tests need it (and openssl)")
        }
        Err(e) => panic!("cannot run python3: {e}"),
    };
    let mut line = String::new();
    let stdout = child.stdout.take().expect("stdout");
    BufReader::new(stdout).read_line(&mut line).expect("read");
    let Some(url) = line.trim().strip_prefix("listening ") else {
        let mut err = String::new();
        let _ = child
            .stderr
            .take()
            .expect("stderr")
            .read_to_string(&mut err);
        let _ = child.kill();
        let _ = child.wait();
        panic!("scripts/tsa.py did not start (is openssl installed?): {line}{err}");
    };
    Tsa {
        url: url.to_string(),
        child,
        dir: dir.to_path_buf(),
    }
}
