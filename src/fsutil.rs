//! Writing files so that a crash never leaves half a file behind, and reading files with a
//! bound on their size.
//!
//! A path given to be read must name a regular file (or a link to one): a directory, a named
//! pipe (FIFO), a device or a socket is refused before it is opened, with words that say what
//! it is ([`NotAFile`]), and the file is opened without blocking and looked at again once open,
//! so that a pipe put in its place in between can neither hold the reader nor be read.
//!
//! A write goes through a temporary file beside its target whose name is random (16 hex
//! digits from the operating system's random source) and which is created new
//! (`O_CREAT | O_EXCL`): an existing file or symbolic link of that name, planted by someone
//! who can write to the directory, makes the open fail instead of being followed or
//! truncated (POSIX: with `O_EXCL`, a symbolic link is never followed).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use rand_core::{OsRng, RngCore};

/// Writes `bytes` to `path` atomically: to a temporary file in the same directory, flushed to
/// disk, renamed over `path`, and the directory flushed. A reader sees the old file or the
/// new one, never a mix, even if the process or the machine dies half-way.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_mode(path, bytes, None)
}

/// Like [`write_atomic`], for files only the user may read: on Unix the file has mode 0600
/// from before the first byte is written (the temporary file too), whatever the umask.
pub fn write_atomic_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomic_mode(path, bytes, Some(0o600))
}

/// Creates `dir` and any missing parents. The directories it creates are private to the user
/// (mode 0700 on Unix); directories that already exist are left as they are.
pub fn create_private_dir(dir: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir)
}

/// How many random names a write tries before it gives up (each collision is a file someone
/// made with a name no one could predict; more than one means something is wrong).
const TEMPORARY_ATTEMPTS: usize = 4;

/// Creates the temporary file a write of `path` (in `dir`) goes through:
/// `.<name>.tmp-<16 random hex digits>`, created new (never an existing file, never through
/// a symbolic link), with `mode` on Unix if given. Returns it open for writing, and its path.
fn create_temporary(dir: &Path, path: &Path, mode: Option<u32>) -> io::Result<(File, PathBuf)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file path"))?;
    let mut last = None;
    for _ in 0..TEMPORARY_ATTEMPTS {
        let mut random = [0u8; 8];
        OsRng
            .try_fill_bytes(&mut random)
            .map_err(|e| io::Error::other(format!("no randomness for a file name: {e}")))?;
        let tmp = dir.join(format!(
            ".{}.tmp-{}",
            name.to_string_lossy(),
            hex::encode(random)
        ));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if let Some(mode) = mode {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(mode);
        }
        #[cfg(not(unix))]
        let _ = mode;
        match options.open(&tmp) {
            Ok(f) => return Ok((f, tmp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last.unwrap_or_else(|| io::Error::other("no temporary file could be created")))
}

fn write_atomic_mode(path: &Path, bytes: &[u8], mode: Option<u32>) -> io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let (mut f, tmp) = create_temporary(dir, path, mode)?;
    let result = (|| {
        #[cfg(unix)]
        if let Some(mode) = mode {
            // The umask may have taken bits away: set the mode before writing.
            use std::os::unix::fs::PermissionsExt;
            f.set_permissions(fs::Permissions::from_mode(mode))?;
        }
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        fs::rename(&tmp, path)?;
        sync_dir(dir)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// Writes several files of one directory atomically, as [`write_atomic`] writes one: each to
/// a temporary file that is flushed to disk, then each renamed over its name, then the
/// directory flushed once for all of them. If a file cannot be written, none is renamed (the
/// temporary files are removed); a rename that fails leaves those before it in place.
pub fn write_atomic_all(dir: &Path, files: &[(&Path, &[u8])]) -> io::Result<()> {
    if files.is_empty() {
        return Ok(());
    }
    let mut temps: Vec<std::path::PathBuf> = Vec::with_capacity(files.len());
    let result = (|| {
        for (path, bytes) in files {
            if path.parent() != Some(dir) {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "every file must be in the directory given",
                ));
            }
            let (mut f, tmp) = create_temporary(dir, path, None)?;
            temps.push(tmp);
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        for ((path, _), tmp) in files.iter().zip(&temps) {
            fs::rename(tmp, path)?;
        }
        sync_dir(dir)
    })();
    if result.is_err() {
        for tmp in &temps {
            let _ = fs::remove_file(tmp);
        }
    }
    result
}

/// Flushes a directory's entries to disk (so that a rename in it survives a crash).
pub fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)?.sync_all()
}

/// What a path to be read names when it is not a regular file: the error inside the
/// [`io::Error`] that [`open_regular`] and [`read_limited`] return for it (find it with
/// [`not_a_file`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NotAFile {
    /// What it is, in English: "a directory", "a named pipe (FIFO)", "a device", ...
    pub what: &'static str,
}

impl std::fmt::Display for NotAFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "it is {}, not a regular file", self.what)
    }
}

impl std::error::Error for NotAFile {}

/// The [`NotAFile`] inside `e`, when `e` says the path is not a regular file.
pub fn not_a_file(e: &io::Error) -> Option<&NotAFile> {
    e.get_ref()?.downcast_ref::<NotAFile>()
}

/// The refusal of something that is not a regular file: [`io::ErrorKind::IsADirectory`] for a
/// directory, [`io::ErrorKind::InvalidInput`] for anything else.
fn refuse_not_a_file(kind: fs::FileType) -> io::Error {
    let what = what_it_is(kind);
    let error_kind = if kind.is_dir() {
        io::ErrorKind::IsADirectory
    } else {
        io::ErrorKind::InvalidInput
    };
    io::Error::new(error_kind, NotAFile { what })
}

/// What a file type other than a regular file is, in words.
#[cfg(unix)]
fn what_it_is(kind: fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt;
    if kind.is_dir() {
        "a directory"
    } else if kind.is_fifo() {
        "a named pipe (FIFO)"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else if kind.is_socket() {
        "a socket"
    } else {
        "something other than a file"
    }
}

/// What a file type other than a regular file is, in words.
#[cfg(not(unix))]
fn what_it_is(kind: fs::FileType) -> &'static str {
    if kind.is_dir() {
        "a directory"
    } else {
        "something other than a file"
    }
}

/// Opens `path` for reading when it names a regular file (following symbolic links), and
/// refuses anything else before opening it: a directory, a named pipe, a device, a socket
/// ([`NotAFile`]). On Unix the file is opened with `O_NONBLOCK` (which changes nothing for a
/// regular file), and what was opened is looked at again: a named pipe put in the file's place
/// between the look and the open is refused, without waiting for a writer.
pub fn open_regular(path: &Path) -> io::Result<File> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(refuse_not_a_file(meta.file_type()));
    }
    let mut options = OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(refuse_not_a_file(meta.file_type()));
    }
    Ok(file)
}

/// Reads a file of at most `limit` bytes. What is not a regular file is refused before it is
/// opened ([`open_regular`]); a larger file is refused before it is read, and a file that
/// grows is read no further than `limit` bytes: memory stays bounded whatever the path names.
pub fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let too_large = || {
        io::Error::new(
            io::ErrorKind::FileTooLarge,
            format!(
                "the file is larger than {}; no file this program reads is that large",
                human_size(limit)
            ),
        )
    };
    let file = open_regular(path)?;
    let meta = file.metadata()?;
    if meta.len() > limit {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    Ok(bytes)
}

/// "64 MiB", "8 KiB", "100 bytes".
fn human_size(n: u64) -> String {
    match n {
        n if n >= 1 << 20 && n % (1 << 20) == 0 => format!("{} MiB", n >> 20),
        n if n >= 1 << 10 && n % (1 << 10) == 0 => format!("{} KiB", n >> 10),
        n => format!("{n} bytes"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_atomic(&p, b"one").unwrap();
        write_atomic(&p, b"two").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("secret.pem");
        write_atomic_private(&p, b"x").unwrap();
        let mode = fs::metadata(&p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

    #[test]
    fn fail_read_limited_refuses_large_and_endless_files() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big");
        File::create(&p).unwrap().set_len(500 << 20).unwrap(); // sparse: nothing is written
        let e = read_limited(&p, 8 << 20).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("larger than 8 MiB"), "{e}");
        assert!(read_limited(dir.path(), 10).is_err());
        write_atomic(&p, b"small").unwrap();
        assert_eq!(read_limited(&p, 5).unwrap(), b"small");
    }

    /// A directory, a device and a named pipe are refused before they are opened, each with
    /// what it is; the pipe, which no one writes to, does not hold the reader.
    #[cfg(unix)]
    #[test]
    fn fail_what_is_not_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let link = dir.path().join("link-to-pipe");
        std::os::unix::fs::symlink(&fifo, &link).unwrap();
        for (path, what) in [
            (dir.path(), "a directory"),
            (Path::new("/dev/zero"), "a device"),
            (Path::new("/dev/null"), "a device"),
            (fifo.as_path(), "a named pipe (FIFO)"),
            (link.as_path(), "a named pipe (FIFO)"),
        ] {
            let e = read_limited(path, 1 << 10).unwrap_err();
            assert_eq!(
                not_a_file(&e),
                Some(&NotAFile { what }),
                "{}",
                path.display()
            );
            assert_eq!(e.to_string(), format!("it is {what}, not a regular file"));
            assert!(open_regular(path).is_err());
        }
        let e = read_limited(dir.path(), 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::IsADirectory);
        // A missing file is not "not a file": it is missing.
        let e = read_limited(&dir.path().join("none"), 10).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::NotFound);
        assert!(not_a_file(&e).is_none());
    }

    #[test]
    fn writes_several_files_and_leaves_no_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        let b = dir.path().join("b.pdf");
        write_atomic(&a, b"old").unwrap();
        write_atomic_all(dir.path(), &[(&a, b"one"), (&b, b"two")]).unwrap();
        assert_eq!(fs::read(&a).unwrap(), b"one");
        assert_eq!(fs::read(&b).unwrap(), b"two");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 2);
    }

    #[test]
    fn fail_write_atomic_all_outside_its_directory() {
        let dir = tempfile::tempdir().unwrap();
        let other = tempfile::tempdir().unwrap();
        let a = dir.path().join("a.pdf");
        let b = other.path().join("b.pdf");
        let e = write_atomic_all(dir.path(), &[(&a, b"one"), (&b, b"two")]).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
        assert!(!a.exists() && !b.exists());
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    /// The temporary file is never one that is already there, nor reached through a symbolic
    /// link someone planted: its name cannot be guessed, and it is created new.
    #[cfg(unix)]
    #[test]
    fn temporary_files_are_new_and_unpredictable() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("a.json");
        let (_, one) = create_temporary(dir.path(), &target, None).unwrap();
        let (_, two) = create_temporary(dir.path(), &target, None).unwrap();
        assert_ne!(one, two);
        let name = one.file_name().unwrap().to_string_lossy().into_owned();
        assert!(name.starts_with(".a.json.tmp-") && name.len() == ".a.json.tmp-".len() + 16);
        // A link where the temporary file will be: creating it new refuses to follow it.
        let victim = dir.path().join("victim");
        fs::write(&victim, b"keep").unwrap();
        let planted = dir.path().join("planted");
        std::os::unix::fs::symlink(&victim, &planted).unwrap();
        let e = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&planted)
            .unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::AlreadyExists);
        write_atomic(&target, b"new").unwrap();
        assert_eq!(fs::read(&victim).unwrap(), b"keep");
        assert_eq!(fs::read(&target).unwrap(), b"new");
    }

    #[test]
    fn fail_missing_directory() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("no/such/dir/a.json");
        assert!(write_atomic(&p, b"x").is_err());
    }

    #[cfg(unix)]
    #[test]
    fn private_dirs_are_0700() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let keys = dir.path().join("profile/keys");
        create_private_dir(&keys).unwrap();
        for d in [dir.path().join("profile"), keys] {
            let mode = fs::metadata(&d).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o700, "{}", d.display());
        }
    }
}
