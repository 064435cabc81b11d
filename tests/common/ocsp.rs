//! A live OCSP responder for the tests: a test PKI made by `tests/eid/make-pki.sh DIR PORT`
//! (its Signature certificates name http://127.0.0.1:PORT as their responder) and
//! `openssl ocsp` answering for one of its CAs on 127.0.0.1:PORT, stopped when dropped.
#![allow(dead_code)]

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use tempfile::TempDir;

/// A test PKI in a temporary directory whose certificates name a free port of 127.0.0.1 as
/// their OCSP responder.
pub struct Pki {
    dir: TempDir,
    /// The port its certificates name.
    pub port: u16,
}

impl Pki {
    /// Makes the PKI (a few seconds: make-pki.sh makes its keys).
    pub fn new() -> Pki {
        let port = free_port();
        let dir = TempDir::new().unwrap();
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/eid/make-pki.sh");
        let out = Command::new("bash")
            .arg(&script)
            .arg(dir.path())
            .arg(port.to_string())
            .output()
            .expect("bash runs");
        assert!(
            out.status.success(),
            "make-pki.sh: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Pki { dir, port }
    }

    /// Its directory (make-pki.sh's files).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Starts `openssl ocsp` for its CA `ca` ("rsa" or "ec") on its port.
    pub fn responder(&self, ca: &str) -> Responder {
        Responder::start(self.dir(), self.port, ca)
    }
}

/// A port of 127.0.0.1 that was free a moment ago.
fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// A running `openssl ocsp`, stopped when dropped.
pub struct Responder {
    child: Child,
    /// Where it answers.
    pub url: String,
    log: PathBuf,
}

impl Responder {
    /// `openssl ocsp -index index-CA.txt -port PORT -rsigner ca-CA.pem -rkey ca-CA.key -CA
    /// ca-CA.pem` in `pki`, once it accepts connections.
    pub fn start(pki: &Path, port: u16, ca: &str) -> Responder {
        let log = pki.join(format!("ocsp-{ca}.log"));
        let log_file = std::fs::File::create(&log).unwrap();
        // The CA issued several certificates to one name (a card and its successors):
        // openssl reads such an index only when its attributes say so, and make-pki.sh
        // leaves none.
        std::fs::write(
            pki.join(format!("index-{ca}.txt.attr")),
            "unique_subject = no\n",
        )
        .unwrap();
        let child = Command::new("openssl")
            .current_dir(pki)
            .env("OPENSSL_CONF", "/dev/null")
            .args(["ocsp", "-index", &format!("index-{ca}.txt")])
            .args(["-port", &port.to_string()])
            .args(["-rsigner", &format!("ca-{ca}.pem")])
            .args(["-rkey", &format!("ca-{ca}.key")])
            .args(["-CA", &format!("ca-{ca}.pem")])
            .args(["-ndays", "1"])
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().unwrap())
            .stderr(log_file)
            .spawn()
            .expect("openssl runs");
        let mut responder = Responder {
            child,
            url: format!("http://127.0.0.1:{port}"),
            log,
        };
        // Ready when it says it accepts (a connection made only to see whether it listens,
        // with no request, would hold openssl's one-at-a-time loop).
        let deadline = Instant::now() + Duration::from_secs(10);
        while !std::fs::read_to_string(&responder.log)
            .unwrap_or_default()
            .contains("ACCEPT")
        {
            if let Ok(Some(status)) = responder.child.try_wait() {
                panic!(
                    "openssl ocsp ended ({status}): {}",
                    std::fs::read_to_string(&responder.log).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "openssl ocsp does not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        responder
    }
}

impl Drop for Responder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
