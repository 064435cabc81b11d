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
//!
//! No launch can hold the socket for the others: each is answered on a thread of its own, at
//! most [`MAX_CLIENTS`] at once (one more is turned away at once), and has [`DEADLINE`] in all
//! to send its path and take the answer, however slowly it sends.

use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The socket's file name in the profile directory.
pub const SOCKET: &str = "instance.sock";
/// The longest path a launch may hand over.
const MAX_MESSAGE: u64 = 16 * 1024;
/// How long a launch waits for the app's answer.
const PATIENCE: Duration = Duration::from_secs(5);
/// How long the app gives a launch, in all, to send its path and take the answer.
pub const DEADLINE: Duration = Duration::from_secs(2);
/// The most launches the app answers at once.
pub const MAX_CLIENTS: usize = 8;
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
    /// Answers later launches for as long as the app runs, each on a thread of its own (at
    /// most [`MAX_CLIENTS`] at once, each within [`DEADLINE`]): each file handed over goes to
    /// `opened` (`None`: show the window).
    pub fn serve(self, opened: impl Fn(Option<PathBuf>) + Send + Sync + 'static) {
        let Some(socket) = self.socket else {
            return;
        };
        let opened = Arc::new(opened);
        let busy = Arc::new(AtomicUsize::new(0));
        std::thread::spawn(move || {
            for stream in socket.incoming() {
                let Ok(stream) = stream else { continue };
                // A launch past the cap is turned away (its connection closed) at once.
                let Some(slot) = Slot::take(&busy) else {
                    continue;
                };
                let opened = Arc::clone(&opened);
                // If no thread can be made, the closure is dropped: the connection is
                // closed and the slot given back.
                let _ = std::thread::Builder::new()
                    .name("instance-client".into())
                    .spawn(move || {
                        let _slot = slot;
                        answer(stream, Instant::now() + DEADLINE, &*opened);
                    });
            }
        });
    }
}

/// One of the [`MAX_CLIENTS`] launches being answered; given back when dropped.
struct Slot(Arc<AtomicUsize>);

impl Slot {
    fn take(busy: &Arc<AtomicUsize>) -> Option<Slot> {
        busy.fetch_update(Ordering::AcqRel, Ordering::Acquire, |n| {
            (n < MAX_CLIENTS).then_some(n + 1)
        })
        .ok()
        .map(|_| Slot(Arc::clone(busy)))
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}

/// Reads what a launch sent and answers `ok` before `deadline`, then hands the file to
/// `opened`; a launch that sends too much, too slowly or not a path gets no answer.
fn answer(mut stream: UnixStream, deadline: Instant, opened: &dyn Fn(Option<PathBuf>)) {
    let Ok(file) = receive(&mut stream, deadline) else {
        return;
    };
    let left = deadline.saturating_duration_since(Instant::now());
    if stream
        .set_write_timeout(Some(left.max(Duration::from_millis(1))))
        .is_ok()
    {
        let _ = stream.write_all(b"ok\n");
    }
    opened(file);
}

/// Reads what a launch sent before `deadline`: a path, or nothing. Every read waits only as
/// long as is left, so a launch that sends a byte at a time is cut off at the deadline.
fn receive(stream: &mut UnixStream, deadline: Instant) -> io::Result<Option<PathBuf>> {
    let mut bytes = Vec::new();
    let mut buffer = [0u8; 4096];
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::Error::new(io::ErrorKind::TimedOut, "too slow"));
        }
        stream.set_read_timeout(Some(left))?;
        match stream.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                bytes.extend_from_slice(&buffer[..n]);
                if bytes.len() as u64 > MAX_MESSAGE {
                    return Err(io::Error::new(io::ErrorKind::InvalidData, "too long"));
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    if bytes.contains(&0) {
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

    /// The first launch, answering on `dir`'s socket; what it is handed arrives on the channel.
    fn first(dir: &Path) -> mpsc::Receiver<Option<PathBuf>> {
        let Launch::First(listener) = launch(dir, None).unwrap() else {
            panic!("the first launch is the first");
        };
        let (tx, rx) = mpsc::channel();
        listener.serve(move |file| {
            let _ = tx.send(file);
        });
        rx
    }

    /// A launch that connects and says nothing, and one that sends a byte at a time, hold
    /// nobody up: another launch is answered at once; the slow ones are cut off at the
    /// deadline, with no answer and nothing handed over.
    #[test]
    fn a_slow_launch_does_not_hold_up_another() {
        let dir = tempfile::tempdir().unwrap();
        let rx = first(dir.path());
        let path = dir.path().join(SOCKET);
        let mut silent = UnixStream::connect(&path).unwrap();
        let mut dribbler = UnixStream::connect(&path).unwrap();
        let dribbling = std::thread::spawn(move || {
            for _ in 0..100 {
                if dribbler.write_all(b"/").is_err() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
        });
        std::thread::sleep(Duration::from_millis(100));
        let started = Instant::now();
        let file = Path::new("/tmp/the second launch.pdf");
        assert!(matches!(
            launch(dir.path(), Some(file)).unwrap(),
            Launch::Handed
        ));
        let took = started.elapsed();
        assert!(took < Duration::from_secs(1), "{took:?}");
        assert_eq!(
            rx.recv_timeout(Duration::from_secs(1)).unwrap(),
            Some(file.to_path_buf())
        );
        // The silent launch is cut off at the deadline: closed, with no answer.
        silent.set_read_timeout(Some(DEADLINE * 3)).unwrap();
        let mut answer = Vec::new();
        silent.read_to_end(&mut answer).unwrap();
        assert!(answer.is_empty());
        let took = started.elapsed();
        assert!(took < DEADLINE + Duration::from_secs(1), "{took:?}");
        dribbling.join().unwrap();
        assert!(
            rx.try_recv().is_err(),
            "nothing of the slow launches was handed over"
        );
    }

    /// Past [`MAX_CLIENTS`] silent launches, one more is turned away at once (not kept
    /// waiting); once the silent ones are cut off, launches are answered again.
    #[test]
    fn launches_past_the_cap_are_turned_away_and_answered_again_later() {
        let dir = tempfile::tempdir().unwrap();
        let rx = first(dir.path());
        let path = dir.path().join(SOCKET);
        let silent: Vec<UnixStream> = (0..MAX_CLIENTS)
            .map(|_| UnixStream::connect(&path).unwrap())
            .collect();
        std::thread::sleep(Duration::from_millis(200));
        let started = Instant::now();
        assert!(launch(dir.path(), None).is_err());
        assert!(started.elapsed() < Duration::from_secs(1));
        std::thread::sleep(DEADLINE + Duration::from_millis(500));
        assert!(matches!(launch(dir.path(), None).unwrap(), Launch::Handed));
        assert_eq!(rx.recv_timeout(Duration::from_secs(1)).unwrap(), None);
        drop(silent);
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
            let got = receive(&mut server, Instant::now() + DEADLINE).map_err(|_| ());
            writer.join().unwrap();
            assert_eq!(got, expected.map(|p| p.map(PathBuf::from)));
        }
    }
}
