//! One window per profile: a second launch hands its file to the window already open.
//!
//! A file manager starts `tweevoud-app FILE` for every file the user opens with Tweevoud. The
//! first launch for a profile listens on a Unix socket, `instance.sock` in the profile
//! directory (private to the user); a later launch for the same profile connects, sends the
//! file's absolute path (or nothing: just show the window), waits for the word `ok` and exits
//! without opening a window. A socket left by an app that ended is removed and taken over.
//!
//! What arrives is a path, read with limits (size and time), and nothing more: the running app
//! verifies that file as if it had been dropped on its window.

use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The socket's file name in the profile directory.
pub const SOCKET: &str = "instance.sock";
/// The longest path a launch may hand over.
const MAX_MESSAGE: u64 = 16 * 1024;
/// How long either side waits for the other.
const PATIENCE: Duration = Duration::from_secs(5);
/// The longest socket path Linux takes (`sun_path` holds 108 bytes with its NUL).
const MAX_SOCKET_PATH: usize = 107;

/// What this launch is.
#[derive(Debug)]
pub enum Launch {
    /// The first for its profile: it opens the window and listens for later launches.
    First(Listener),
    /// Another launch is open on this profile and took the file: this one is done.
    Handed,
}

/// The first launch's socket.
#[derive(Debug)]
pub struct Listener {
    socket: Option<UnixListener>,
}

/// Finds out whether an app is open on the profile in `data_dir`; if so, hands it `file`.
///
/// A profile directory whose socket path is too long for Unix sockets gets no hand-over
/// (every launch opens its own window), as does one where the socket cannot be made.
pub fn launch(data_dir: &Path, file: Option<&Path>) -> io::Result<Launch> {
    let path = data_dir.join(SOCKET);
    if path.as_os_str().len() > MAX_SOCKET_PATH {
        return Ok(Launch::First(Listener { socket: None }));
    }
    for _ in 0..2 {
        match hand_over(&path, file) {
            Ok(()) => return Ok(Launch::Handed),
            // Nobody listens: the socket is left from an app that ended, or there is none.
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::ConnectionRefused | io::ErrorKind::NotFound
                ) => {}
            Err(e) => {
                return Err(io::Error::new(
                    e.kind(),
                    format!("Tweevoud is open on this profile but did not take the file: {e}"),
                ))
            }
        }
        remove_stale(&path)?;
        match UnixListener::bind(&path) {
            Ok(socket) => {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
                return Ok(Launch::First(Listener {
                    socket: Some(socket),
                }));
            }
            // Another launch bound it in between: hand the file to that one.
            Err(e) if e.kind() == io::ErrorKind::AddrInUse => continue,
            Err(_) => break,
        }
    }
    Ok(Launch::First(Listener { socket: None }))
}

/// Sends `file` (or nothing) to the app listening on `path` and waits for its `ok`.
fn hand_over(path: &Path, file: Option<&Path>) -> io::Result<()> {
    let mut stream = UnixStream::connect(path)?;
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    if let Some(file) = file {
        stream.write_all(file.as_os_str().as_bytes())?;
    }
    stream.shutdown(std::net::Shutdown::Write)?;
    let mut answer = Vec::new();
    stream.take(16).read_to_end(&mut answer)?;
    if answer == b"ok\n" {
        Ok(())
    } else {
        Err(io::Error::new(io::ErrorKind::InvalidData, "no answer"))
    }
}

/// Removes the socket file at `path` if there is one; anything else there is left alone and
/// stops the hand-over.
fn remove_stale(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_socket() => std::fs::remove_file(path),
        Ok(_) => Err(io::Error::new(
            io::ErrorKind::AlreadyExists,
            format!("{} is not a socket", path.display()),
        )),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

impl Listener {
    /// Answers later launches on a thread of its own, for as long as the app runs: each file
    /// handed over goes to `opened` (`None`: show the window).
    pub fn serve(self, opened: impl Fn(Option<PathBuf>) + Send + 'static) {
        let Some(socket) = self.socket else {
            return;
        };
        std::thread::spawn(move || {
            for stream in socket.incoming() {
                let Ok(mut stream) = stream else { continue };
                if let Ok(file) = receive(&mut stream) {
                    let _ = stream.write_all(b"ok\n");
                    opened(file);
                }
            }
        });
    }
}

/// Reads what a launch sent: a path, or nothing.
fn receive(stream: &mut UnixStream) -> io::Result<Option<PathBuf>> {
    stream.set_read_timeout(Some(PATIENCE))?;
    stream.set_write_timeout(Some(PATIENCE))?;
    let mut bytes = Vec::new();
    stream.take(MAX_MESSAGE + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_MESSAGE || bytes.contains(&0) {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "not a path"));
    }
    let path = PathBuf::from(std::ffi::OsStr::from_bytes(&bytes));
    Ok((!bytes.is_empty() && path.is_absolute()).then_some(path))
}

#[cfg(test)]
mod tests {
    use std::sync::mpsc;

    use super::*;

    #[test]
    fn a_second_launch_hands_its_file_to_the_first() {
        let dir = tempfile::tempdir().unwrap();
        let Launch::First(listener) = launch(dir.path(), None).unwrap() else {
            panic!("the first launch is the first");
        };
        let (tx, rx) = mpsc::channel();
        listener.serve(move |file| tx.send(file).unwrap());
        let file = Path::new("/tmp/some agreement.pdf");
        assert!(matches!(
            launch(dir.path(), Some(file)).unwrap(),
            Launch::Handed
        ));
        assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), Some(file.to_path_buf()));
        assert!(matches!(launch(dir.path(), None).unwrap(), Launch::Handed));
        assert_eq!(rx.recv_timeout(PATIENCE).unwrap(), None);
    }

    #[test]
    fn a_socket_left_by_an_app_that_ended_is_taken_over() {
        let dir = tempfile::tempdir().unwrap();
        drop(UnixListener::bind(dir.path().join(SOCKET)).unwrap());
        assert!(matches!(
            launch(dir.path(), None).unwrap(),
            Launch::First(Listener { socket: Some(_) })
        ));
        let mode = std::fs::metadata(dir.path().join(SOCKET))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
    }

    #[test]
    fn something_else_in_the_sockets_place_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(SOCKET), "mine").unwrap();
        assert!(launch(dir.path(), None).is_err());
        assert_eq!(
            std::fs::read_to_string(dir.path().join(SOCKET)).unwrap(),
            "mine"
        );
    }

    #[test]
    fn what_arrives_is_a_path_or_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(SOCKET);
        let socket = UnixListener::bind(&path).unwrap();
        for (sent, expected) in [
            (b"relative/file.pdf".to_vec(), Ok(None)),
            (b"/a\0b".to_vec(), Err(())),
            (vec![b'/'; MAX_MESSAGE as usize + 1], Err(())),
            (
                b"/abs/file.tweevoud".to_vec(),
                Ok(Some("/abs/file.tweevoud")),
            ),
        ] {
            let mut client = UnixStream::connect(&path).unwrap();
            let writer = std::thread::spawn(move || {
                let _ = client.write_all(&sent);
                let _ = client.shutdown(std::net::Shutdown::Write);
            });
            let (mut server, _) = socket.accept().unwrap();
            let got = receive(&mut server).map_err(|_| ());
            writer.join().unwrap();
            assert_eq!(got, expected.map(|p| p.map(PathBuf::from)));
        }
    }
}
