//! The app's command line: `tweevoud-app [--data-dir DIR] [FILE]`.
//!
//! Two arguments do not need an argument-parsing crate, and the app should not compile the
//! `tweevoud` CLI's (see the Makefile's `app-deps` check). The parser keeps the conventions
//! people know from other programs: `--data-dir DIR` or `--data-dir=DIR`, the environment
//! variable `TWEEVOUD_DATA_DIR` when the option is absent, `--` before a file whose name
//! starts with a dash, `-h`/`--help` and `-V`/`--version` on standard output with status 0,
//! and a wrong argument said on standard error with the usage line and status 2.

use std::ffi::{OsStr, OsString};
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::path::PathBuf;

/// The environment variable that names the profile directory when `--data-dir` is absent.
pub const DATA_DIR_ENV: &str = "TWEEVOUD_DATA_DIR";

const NAME: &str = "tweevoud-app";
const USAGE: &str = "Usage: tweevoud-app [OPTIONS] [FILE]";
const DATA_DIR: &str = "--data-dir <DIR>";
const FILE: &str = "[FILE]";

/// What the app was started with.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Options {
    /// The profile directory: keys, contacts and the archive live here. Defaults to the one
    /// the `tweevoud` CLI uses (on Linux ~/.local/share/tweevoud).
    pub data_dir: Option<PathBuf>,
    /// A file to verify as the window opens: an agreement file or a PDF, as a file manager
    /// hands it. If the app is already open on this profile, that window verifies it instead.
    pub file: Option<PathBuf>,
}

/// What a command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// Open the window with these options.
    Run(Options),
    /// Print the help.
    Help,
    /// Print the name and version.
    Version,
}

/// A command line that cannot be run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UsageError {
    /// An option the app does not know.
    Unexpected(String),
    /// A second file.
    Extra(String),
    /// An option or the file given with an empty value, or an option without its value.
    MissingValue(&'static str),
    /// `--data-dir` given twice.
    Repeated(&'static str),
}

impl fmt::Display for UsageError {
    /// Worded as the app has always said it (the words of clap, which it once used): the
    /// error, a tip and the usage line where they help, and where to read more.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UsageError::Unexpected(arg) => {
                writeln!(f, "error: unexpected argument '{arg}' found")?;
                writeln!(f, "\n  tip: to pass '{arg}' as a value, use '-- {arg}'")?;
                writeln!(f, "\n{USAGE}")?;
            }
            UsageError::Extra(arg) => {
                writeln!(f, "error: unexpected argument '{arg}' found")?;
                writeln!(f, "\n{USAGE}")?;
            }
            UsageError::MissingValue(what) => {
                writeln!(
                    f,
                    "error: a value is required for '{what}' but none was supplied"
                )?;
            }
            UsageError::Repeated(what) => {
                writeln!(
                    f,
                    "error: the argument '{what}' cannot be used multiple times"
                )?;
                writeln!(f, "\n{USAGE}")?;
            }
        }
        write!(f, "\nFor more information, try '--help'.")
    }
}

impl std::error::Error for UsageError {}

impl Options {
    /// The options of this process's command line and environment. Prints the help or the
    /// version and exits with status 0 when asked for them; says what is wrong with the
    /// command line and exits with status 2 when it cannot be run.
    pub fn parse() -> Options {
        let env = std::env::var_os(DATA_DIR_ENV);
        match parse(std::env::args_os().skip(1), env.clone()) {
            Ok(Request::Run(options)) => options,
            Ok(Request::Help) => {
                println!("{}", help(env.as_deref()));
                std::process::exit(0)
            }
            Ok(Request::Version) => {
                println!("{}", version());
                std::process::exit(0)
            }
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(2)
            }
        }
    }
}

/// Reads `args` (without the program's name) and the value of [`DATA_DIR_ENV`], in order:
/// the first `-h`/`--help` or `-V`/`--version` is the answer, whatever follows it.
pub fn parse(
    args: impl IntoIterator<Item = OsString>,
    env: Option<OsString>,
) -> Result<Request, UsageError> {
    let mut options = Options::default();
    let mut args = args.into_iter().peekable();
    let mut only_files = false;
    // `--data-dir` followed by an option: that option is read as one, and the value is missing.
    let mut value_missing = false;
    while let Some(arg) = args.next() {
        let text = arg.to_string_lossy();
        if only_files || text == "-" || !text.starts_with('-') {
            if arg.is_empty() {
                return Err(UsageError::MissingValue(FILE));
            }
            if options.file.is_some() {
                return Err(UsageError::Extra(text.into_owned()));
            }
            options.file = Some(PathBuf::from(arg));
            continue;
        }
        match text.as_ref() {
            "--" => only_files = true,
            "-h" | "--help" => return Ok(Request::Help),
            "-V" | "--version" => return Ok(Request::Version),
            "--data-dir" => {
                let value = match args.next_if(|next| !looks_like_option(next)) {
                    Some(value) => value,
                    None => {
                        value_missing = true;
                        continue;
                    }
                };
                set_data_dir(&mut options, value)?;
            }
            _ => match split_value(&arg) {
                Some(value) => set_data_dir(&mut options, value)?,
                None => return Err(UsageError::Unexpected(text.into_owned())),
            },
        }
    }
    if value_missing {
        return Err(UsageError::MissingValue(DATA_DIR));
    }
    if options.data_dir.is_none() {
        if let Some(value) = env {
            set_data_dir(&mut options, value)?;
        }
    }
    Ok(Request::Run(options))
}

/// Whether an argument would be read as an option rather than as a value.
fn looks_like_option(arg: &OsStr) -> bool {
    let text = arg.to_string_lossy();
    text.starts_with('-') && text != "-"
}

/// The value of `--data-dir=VALUE`, if `arg` is that, byte for byte (a path need not be
/// Unicode).
fn split_value(arg: &OsStr) -> Option<OsString> {
    let value = arg.as_bytes().strip_prefix(b"--data-dir=")?;
    Some(OsStr::from_bytes(value).to_os_string())
}

fn set_data_dir(options: &mut Options, value: OsString) -> Result<(), UsageError> {
    if options.data_dir.is_some() {
        return Err(UsageError::Repeated(DATA_DIR));
    }
    if value.is_empty() {
        return Err(UsageError::MissingValue(DATA_DIR));
    }
    options.data_dir = Some(PathBuf::from(value));
    Ok(())
}

/// `tweevoud-app 0.1.0`.
pub fn version() -> String {
    format!("{NAME} {}", env!("CARGO_PKG_VERSION"))
}

/// The help, showing the environment variable's value when it has one.
pub fn help(env: Option<&OsStr>) -> String {
    let env = env.map(|v| v.to_string_lossy()).unwrap_or_default();
    format!(
        "Tweevoud: fill in, sign and verify agreements\n\
         \n\
         {USAGE}\n\
         \n\
         Arguments:\n  \
         [FILE]  A file to verify as the window opens: an agreement file or a PDF, as a file \
         manager hands it. If the app is already open on this profile, that window verifies it \
         instead\n\
         \n\
         Options:\n      \
         --data-dir <DIR>  The profile directory: keys, contacts and the archive live here. \
         Defaults to the one the `tweevoud` CLI uses (on Linux ~/.local/share/tweevoud) \
         [env: {DATA_DIR_ENV}={env}]\n  \
         -h, --help            Print help\n  \
         -V, --version         Print version"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<OsString> {
        list.iter().map(OsString::from).collect()
    }

    fn run(list: &[&str], env: Option<&str>) -> Result<Request, UsageError> {
        parse(args(list), env.map(OsString::from))
    }

    fn options(data_dir: Option<&str>, file: Option<&str>) -> Request {
        Request::Run(Options {
            data_dir: data_dir.map(PathBuf::from),
            file: file.map(PathBuf::from),
        })
    }

    #[test]
    fn nothing_opens_the_default_profile() {
        assert_eq!(run(&[], None), Ok(options(None, None)));
    }

    #[test]
    fn data_dir_as_two_words_or_with_an_equals_sign() {
        assert_eq!(
            run(&["--data-dir", "/p"], None),
            Ok(options(Some("/p"), None))
        );
        assert_eq!(run(&["--data-dir=/p"], None), Ok(options(Some("/p"), None)));
        assert_eq!(
            run(&["--data-dir=/a=b"], None),
            Ok(options(Some("/a=b"), None))
        );
    }

    #[test]
    fn a_file_alone_or_next_to_the_profile() {
        assert_eq!(run(&["a.pdf"], None), Ok(options(None, Some("a.pdf"))));
        // As `make e2e` starts it: the profile, then the file.
        assert_eq!(
            run(&["--data-dir", "/p", "/x/a.tweevoud"], None),
            Ok(options(Some("/p"), Some("/x/a.tweevoud")))
        );
        assert_eq!(
            run(&["a.pdf", "--data-dir", "/p"], None),
            Ok(options(Some("/p"), Some("a.pdf")))
        );
        assert_eq!(run(&["-"], None), Ok(options(None, Some("-"))));
    }

    #[test]
    fn a_file_named_like_an_option_after_two_dashes() {
        assert_eq!(
            run(&["--", "--x.pdf"], None),
            Ok(options(None, Some("--x.pdf")))
        );
        assert_eq!(
            run(&["--", "--help"], None),
            Ok(options(None, Some("--help")))
        );
        assert_eq!(
            run(&["--", "a", "--b"], None),
            Err(UsageError::Extra("--b".into()))
        );
    }

    #[test]
    fn the_environment_names_the_profile_unless_the_option_does() {
        assert_eq!(run(&[], Some("/env")), Ok(options(Some("/env"), None)));
        assert_eq!(
            run(&["--data-dir", "/p"], Some("/env")),
            Ok(options(Some("/p"), None))
        );
        assert_eq!(
            run(&[], Some("")),
            Err(UsageError::MissingValue("--data-dir <DIR>"))
        );
    }

    #[test]
    fn help_and_version_win_from_where_they_stand() {
        for help in ["-h", "--help"] {
            assert_eq!(run(&[help], None), Ok(Request::Help));
            assert_eq!(
                run(&["--data-dir=/p", help, "extra"], None),
                Ok(Request::Help)
            );
        }
        for version in ["-V", "--version"] {
            assert_eq!(run(&[version], None), Ok(Request::Version));
        }
        assert_eq!(run(&["--version", "--help"], None), Ok(Request::Version));
        assert_eq!(
            run(&["--bogus", "--help"], None),
            Err(UsageError::Unexpected("--bogus".into()))
        );
        assert_eq!(
            version(),
            format!("tweevoud-app {}", env!("CARGO_PKG_VERSION"))
        );
        assert!(help(None).contains("[env: TWEEVOUD_DATA_DIR=]"));
        assert!(help(Some(OsStr::new("/p"))).contains("[env: TWEEVOUD_DATA_DIR=/p]"));
        assert!(help(None).contains("Usage: tweevoud-app [OPTIONS] [FILE]"));
    }

    #[test]
    fn wrong_command_lines_are_refused() {
        assert_eq!(
            run(&["--bogus"], None),
            Err(UsageError::Unexpected("--bogus".into()))
        );
        assert_eq!(run(&["-x"], None), Err(UsageError::Unexpected("-x".into())));
        assert_eq!(
            run(&["--data-d", "x"], None),
            Err(UsageError::Unexpected("--data-d".into()))
        );
        assert_eq!(run(&["a", "b"], None), Err(UsageError::Extra("b".into())));
        assert_eq!(run(&[""], None), Err(UsageError::MissingValue("[FILE]")));
        for missing in [&["--data-dir"][..], &["--data-dir="], &["--data-dir", ""]] {
            assert_eq!(
                run(missing, None),
                Err(UsageError::MissingValue("--data-dir <DIR>"))
            );
        }
        assert_eq!(
            run(&["--data-dir", "-x"], None),
            Err(UsageError::Unexpected("-x".into()))
        );
        assert_eq!(
            run(&["--data-dir", "a", "--data-dir", "b"], None),
            Err(UsageError::Repeated("--data-dir <DIR>"))
        );
    }

    #[test]
    fn errors_read_as_before() {
        assert_eq!(
            UsageError::Unexpected("--bogus".into()).to_string(),
            "error: unexpected argument '--bogus' found\n\n  \
             tip: to pass '--bogus' as a value, use '-- --bogus'\n\n\
             Usage: tweevoud-app [OPTIONS] [FILE]\n\n\
             For more information, try '--help'."
        );
        assert_eq!(
            UsageError::Extra("--b".into()).to_string(),
            "error: unexpected argument '--b' found\n\n\
             Usage: tweevoud-app [OPTIONS] [FILE]\n\n\
             For more information, try '--help'."
        );
        assert_eq!(
            UsageError::MissingValue(DATA_DIR).to_string(),
            "error: a value is required for '--data-dir <DIR>' but none was supplied\n\n\
             For more information, try '--help'."
        );
        assert_eq!(
            UsageError::Repeated(DATA_DIR).to_string(),
            "error: the argument '--data-dir <DIR>' cannot be used multiple times\n\n\
             Usage: tweevoud-app [OPTIONS] [FILE]\n\n\
             For more information, try '--help'."
        );
    }

    #[test]
    fn paths_need_not_be_unicode() {
        let raw = |b: &[u8]| OsStr::from_bytes(b).to_os_string();
        let got = parse(vec![raw(b"--data-dir=/p\xff"), raw(b"/f\xfe.pdf")], None);
        assert_eq!(
            got,
            Ok(Request::Run(Options {
                data_dir: Some(PathBuf::from(raw(b"/p\xff"))),
                file: Some(PathBuf::from(raw(b"/f\xfe.pdf"))),
            }))
        );
    }
}
