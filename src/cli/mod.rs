//! Argument parsing and dispatch. Exit codes: 0 success, 1 a negative verdict (an invalid
//! template, missing blanks, an agreement that is not authentic), 2 a usage, input or I/O
//! error, 3 (`verify` only) valid signatures by a signer whose key is not confirmed. An error
//! is one line, `tweevoud: error[CODE]: WORDS`, with the core's stable code when it has one
//! (README, "Exit codes").

use std::process::ExitCode;

use anyhow::{Context, Result};
use chrono::{DateTime, FixedOffset};
use clap::{Parser, Subcommand};
use tweevoud::error::{Coded, Params};

/// `println!` for the CLI's results: when the reader of standard output has gone away
/// (`tweevoud verify FILE | head -1`), the program ends quietly instead of panicking.
macro_rules! outln {
    () => {
        $crate::cli::write_out(format_args!("\n"))
    };
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!("{}\n", format_args!($($arg)*)))
    };
}

/// `print!` with the same care as [`outln!`].
macro_rules! out {
    ($($arg:tt)*) => {
        $crate::cli::write_out(format_args!($($arg)*))
    };
}

/// `eprintln!` for the CLI's warnings and errors, made safe for a terminal as [`outln!`] is.
macro_rules! errln {
    ($($arg:tt)*) => {
        $crate::cli::write_err(format_args!("{}\n", format_args!($($arg)*)))
    };
}

mod archive;
mod draft;
mod eid;
mod export;
mod keys;
mod sealing;
mod sign;
mod stamp;
mod templates;
mod terminal;

pub(crate) use terminal::safe;

/// Fill in, sign, countersign, archive and verify agreements.
#[derive(Parser)]
#[command(name = "tweevoud", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// List, show and check templates.
    #[command(subcommand)]
    Template(templates::TemplateCommand),
    /// Start an agreement from a template.
    New(draft::NewArgs),
    /// Fill in (or clear) blanks of an agreement.
    Fill(draft::FillArgs),
    /// Show what is still missing in an agreement, per party (exit 1 if anything required is).
    Check(draft::CheckArgs),
    /// Print the agreement's canonical text.
    Render(draft::RenderArgs),
    /// Sign an agreement, first or as countersignature.
    Sign(sign::SignArgs),
    /// Verify any file: what it is, who signed what, whether anything changed since, and whether
    /// you know the signers (exit 0 authentic, 3 valid but a signer not confirmed, 1 not).
    Verify(sign::VerifyArgs),
    /// Write the exemplar PDFs of a signed agreement (the one to send for countersignature,
    /// or both final exemplars) and print their SHA-256.
    Export(export::ExportArgs),
    /// Make, list, export and import signing keys.
    Key(keys::KeyArgs),
    /// Remember the other parties' public keys, and mark them verified.
    Contact(keys::ContactArgs),
    /// Store, find, export, verify and erase archived agreements and their exemplars.
    Archive(archive::ArchiveArgs),
    /// Name the time-stamping authorities (RFC 3161) asked for trusted timestamps, and trusted.
    Tsa(stamp::TsaArgs),
    /// Add trusted timestamps to the signatures that have none (exit 1 if some still have
    /// none).
    Timestamp(stamp::TimestampArgs),
    /// Add your seal to an exemplar PDF the other party sealed (an incremental update).
    Seal(stamp::SealArgs),
    /// The Belgian eID in a card reader: what it holds, and the PKCS #11 module to reach it.
    Eid(eid::EidArgs),
}

/// What a command decided: success, or a negative verdict.
pub(crate) enum Outcome {
    Ok,
    Negative,
    /// Valid signatures, a signer not confirmed (`verify`).
    Unconfirmed,
}

/// The options every command takes, which may come before the command's name too.
const GLOBAL_OPTIONS: [&str; 2] = ["--data-dir", "--archive-dir"];

/// The arguments with the global options given before the command moved after its name
/// (`tweevoud --data-dir D verify F` is `tweevoud verify --data-dir D F`), where clap accepts
/// them: they are declared with the commands that use them.
fn with_global_options_after_command(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    let mut out = Vec::with_capacity(args.len());
    let mut moved = Vec::new();
    let mut rest = args.into_iter();
    if let Some(program) = rest.next() {
        out.push(program);
    }
    while let Some(arg) = rest.next() {
        let text = arg.to_string_lossy();
        let is_global = |name: &str| text == name || text.starts_with(&format!("{name}="));
        match GLOBAL_OPTIONS.into_iter().find(|&g| is_global(g)) {
            Some(g) => {
                let takes_next = text == g;
                moved.push(arg);
                if takes_next {
                    moved.extend(rest.next());
                }
            }
            None => {
                // The first argument that is not a global option names the command.
                out.push(arg);
                out.extend(moved);
                out.extend(rest);
                return out;
            }
        }
    }
    out.extend(moved);
    out
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse_from(with_global_options_after_command(
        std::env::args_os().collect(),
    )) {
        Ok(cli) => cli,
        Err(e) => {
            // clap's own words; an argument it quotes (an unknown one) is the user's, and
            // is made safe to show as any other text.
            let words = e.render().to_string();
            if e.use_stderr() {
                errln!("{}", words.trim_end_matches('\n'));
            } else {
                outln!("{}", words.trim_end_matches('\n'));
            }
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    let result = match cli.command {
        Command::Template(cmd) => templates::run(cmd),
        Command::New(args) => draft::new(args),
        Command::Fill(args) => draft::fill(args),
        Command::Check(args) => draft::check(args),
        Command::Render(args) => draft::render(args),
        Command::Sign(args) => sign::sign(args),
        Command::Verify(args) => sign::verify_command(args),
        Command::Export(args) => export::export(args),
        Command::Tsa(args) => stamp::tsa(args),
        Command::Timestamp(args) => stamp::timestamp(args),
        Command::Seal(args) => stamp::seal(args),
        Command::Key(args) => keys::key(args),
        Command::Contact(args) => keys::contact(args),
        Command::Archive(args) => archive::run(args),
        Command::Eid(args) => eid::eid(args),
    };
    match result {
        Ok(Outcome::Ok) => ExitCode::SUCCESS,
        Ok(Outcome::Negative) => ExitCode::from(1),
        Ok(Outcome::Unconfirmed) => ExitCode::from(3),
        Err(e) => {
            errln!("{}", error_line(&e));
            if let Some(advice) = advice(&e) {
                errln!("tweevoud: {}", safe(&advice));
            }
            ExitCode::from(2)
        }
    }
}

/// The current time with the local offset; `TWEEVOUD_NOW` (RFC 3339) fixes it, for
/// reproducible scripts and tests.
pub(crate) fn now() -> Result<DateTime<FixedOffset>> {
    match std::env::var("TWEEVOUD_NOW") {
        Ok(s) => DateTime::parse_from_rfc3339(&s)
            .with_context(|| format!("TWEEVOUD_NOW={s:?} is not an RFC 3339 time")),
        Err(_) => Ok(chrono::Local::now().fixed_offset()),
    }
}

/// Prints a value as pretty JSON on stdout (every control and formatting character escaped:
/// [`terminal::json_safe`]).
pub(crate) fn print_json<T: serde::Serialize>(value: &T) -> Result<()> {
    let json = serde_json::to_string_pretty(value)?;
    outln!("{}", terminal::json_safe(&json));
    Ok(())
}

/// A path, for messages: a file name is outside text, made safe to show ([`safe`]).
pub(crate) fn shown(p: &std::path::Path) -> String {
    safe(&p.display())
}

/// Writes to standard output, made safe for a terminal ([`terminal::clean_output`]); a closed
/// pipe ends the program as SIGPIPE would (status 141), any other write error is reported.
pub(crate) fn write_out(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let text = args.to_string();
    let text = terminal::clean_output(&text);
    if let Err(e) = std::io::stdout().lock().write_all(text.as_bytes()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            errln!("tweevoud: error: cannot write to standard output: {e}");
        }
        std::process::exit(if e.kind() == std::io::ErrorKind::BrokenPipe {
            141
        } else {
            2
        });
    }
}

/// Writes to standard error, made safe for a terminal ([`terminal::clean_output`]); a failed
/// write is ignored (there is nowhere left to say it).
pub(crate) fn write_err(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    let text = args.to_string();
    let _ = std::io::stderr()
        .lock()
        .write_all(terminal::clean_output(&text).as_bytes());
}

/// The line that reports an error: `tweevoud: error[CODE]: WORDS` when a cause is a core
/// error (its stable code, which a script may rely on), else `tweevoud: error: WORDS`.
fn error_line(e: &anyhow::Error) -> String {
    let words = safe(&error_words(e));
    match core_code(e) {
        Some((code, _)) => format!("tweevoud: error[{code}]: {words}"),
        None => format!("tweevoud: error: {words}"),
    }
}

/// The core's code and parameters of the first of the error's causes that is a core error.
fn core_code(e: &anyhow::Error) -> Option<(&'static str, Params)> {
    fn coded<T: Coded + std::error::Error + 'static>(
        cause: &(dyn std::error::Error + 'static),
    ) -> Option<(&'static str, Params)> {
        cause.downcast_ref::<T>().map(|c| (c.code(), c.params()))
    }
    e.chain().find_map(|cause| {
        coded::<tweevoud::AgreementError>(cause)
            .or_else(|| coded::<tweevoud::ChangeError>(cause))
            .or_else(|| coded::<tweevoud::KeyError>(cause))
            .or_else(|| coded::<tweevoud::ContactError>(cause))
            .or_else(|| coded::<tweevoud::ArchiveError>(cause))
            .or_else(|| coded::<tweevoud::ProfileError>(cause))
            .or_else(|| coded::<tweevoud::TemplateError>(cause))
            .or_else(|| coded::<tweevoud::pdf::PdfError>(cause))
            .or_else(|| coded::<tweevoud::OpenError>(cause))
            .or_else(|| coded::<tweevoud::tsa::TsaListError>(cause))
            .or_else(|| coded::<tweevoud::timestamp::AnchorError>(cause))
            .or_else(|| coded::<tweevoud::timestamp::TsaError>(cause))
            .or_else(|| coded::<tweevoud::timestamp::TokenProblem>(cause))
            .or_else(|| coded::<tweevoud::TemplateProblem>(cause))
            .or_else(|| coded::<tweevoud::signature::SignatureError>(cause))
            .or_else(|| coded::<tweevoud::seal::SealProblem>(cause))
            .or_else(|| coded::<tweevoud::key::BadSignature>(cause))
            .or_else(|| coded::<tweevoud::key::InvalidFingerprint>(cause))
            .or_else(|| coded::<tweevoud::party::UnknownParty>(cause))
            .or_else(|| coded::<tweevoud::archive::CheckpointError>(cause))
            .or_else(|| coded::<tweevoud::archive::BadHex>(cause))
            .or_else(|| coded::<tweevoud::eid::CardError>(cause))
            .or_else(|| coded::<tweevoud::eid::BindError>(cause))
            .or_else(|| coded::<tweevoud::eid::BindingProblem>(cause))
            .or_else(|| coded::<tweevoud::eid::OcspProblem>(cause))
            .or_else(|| coded::<tweevoud::eid::PathProblem>(cause))
            .or_else(|| coded::<tweevoud::eid::ocsp_fetch::OcspFetchError>(cause))
            .or_else(|| coded::<tweevoud::profile::eid::EidSettingsError>(cause))
    })
}

/// What to do about an error on the command line, by the core's code: the core's own words
/// name no command or option, since the app shows them too.
fn advice(e: &anyhow::Error) -> Option<String> {
    let (code, params) = core_code(e)?;
    let param = |name: &str| {
        params
            .iter()
            .find(|(n, _)| *n == name)
            .map_or("", |(_, v)| v.as_str())
            .to_string()
    };
    Some(match code {
        "key_not_found" => "the profile's keys are listed by `tweevoud key list`".to_string(),
        "no_key" => "make one with `tweevoud key new` (or `tweevoud key import`)".to_string(),
        "key_to_choose" => "name one with --key (its name or fingerprint)".to_string(),
        "not_ed25519" => "make an Ed25519 key with `tweevoud key new`".to_string(),
        "contact_not_found" => "the contacts are listed by `tweevoud contact list`".to_string(),
        "missing_name" => "give the name with --name, e.g. --name \"Tom Hendrix\"".to_string(),
        "no_data_dir" => format!(
            "pass --data-dir DIR or set {}",
            tweevoud::profile::DATA_DIR_ENV
        ),
        "must_leave_open" => format!(
            "fill them, or leave them open with --leave-open-for {}",
            param("party")
        ),
        "index_missing" | "index_schema" => {
            "rebuild the index with `tweevoud archive rebuild-index`".to_string()
        }
        "log_mismatch" | "checkpoint_mismatch" => {
            "see what is wrong with `tweevoud archive verify`".to_string()
        }
        "tsa_not_found" => "the TSAs are listed by `tweevoud tsa list`".to_string(),
        "eid_no_module" => {
            "install the eID middleware (eid.belgium.be), or name another reader's PKCS #11 \
             module with --pkcs11-module PATH or `tweevoud eid use-module PATH`"
                .to_string()
        }
        "eid_pin_blocked" => "unblock the PIN at your municipality with the PUK code".to_string(),
        "not_a_signer" => {
            "only the parties that signed seal the PDFs; pass --key with your key that signed"
                .to_string()
        }
        _ => return None,
    })
}

/// An error and its causes in one line, each cause said once: the core's errors already
/// include their cause in their own words, and context added here may not.
pub(crate) fn error_words(e: &anyhow::Error) -> String {
    let mut words = String::new();
    for cause in e.chain() {
        let said = cause.to_string();
        if words.contains(&said) {
            continue;
        }
        if !words.is_empty() {
            words.push_str(": ");
        }
        words.push_str(&said);
    }
    words
}
