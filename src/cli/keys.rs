//! `tweevoud key ...` and `tweevoud contact ...`: the signer's own keys, and the public keys
//! of the other parties.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::{Args, Subcommand};
use serde::Serialize;
use tweevoud::contact::{Added, Verified};
use tweevoud::profile::KeyPaths;
use tweevoud::{passphrase_strength, ContactBook, KeyInfo, KeyStore, Profile, StrengthLevel};
use zeroize::Zeroizing;

use super::{now, print_json, safe, shown, Outcome};

/// The environment variable that holds the passphrase, for scripts.
const PASSPHRASE_ENV: &str = "TWEEVOUD_PASSPHRASE";

/// Which profile (data directory) to use.
#[derive(Args)]
pub struct ProfileArgs {
    /// The profile's data directory [default: the platform's data directory]
    #[arg(long, value_name = "DIR", env = "TWEEVOUD_DATA_DIR", global = true)]
    data_dir: Option<PathBuf>,
}

impl ProfileArgs {
    /// The profile these arguments name.
    pub(crate) fn profile(&self) -> Result<Profile> {
        Ok(Profile::resolve(self.data_dir.clone())?)
    }
}

#[derive(Args)]
pub struct KeyArgs {
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(subcommand)]
    command: KeyCommand,
}

#[derive(Subcommand)]
enum KeyCommand {
    /// Make a new Ed25519 signing key, protected by a passphrase.
    New(NewKeyArgs),
    /// List this profile's signing keys.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print a key's public key (SPKI PEM), to give to the other party.
    Export {
        /// The key: its name or fingerprint (at least 8 hex digits).
        key: String,
        /// Write it to this file instead of standard output.
        #[arg(short, long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Import an Ed25519 secret key made elsewhere (an encrypted PKCS#8 PEM file).
    Import(ImportKeyArgs),
    /// Check that a passphrase unlocks a key.
    Check {
        /// The key: its name or fingerprint (at least 8 hex digits).
        key: String,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
}

/// Where the passphrase comes from.
#[derive(Args)]
pub struct PassphraseArgs {
    /// Read the passphrase from the first line of FILE [default: $TWEEVOUD_PASSPHRASE, else
    /// ask on the terminal]
    #[arg(long, value_name = "FILE")]
    passphrase_file: Option<PathBuf>,
}

impl PassphraseArgs {
    /// The passphrase file, if one was given.
    pub(crate) fn file(&self) -> Option<&Path> {
        self.passphrase_file.as_deref()
    }
}

#[derive(Args)]
struct NewKeyArgs {
    /// The signer's name, as it will appear in agreements.
    #[arg(long)]
    name: String,
    /// The signer's organisation.
    #[arg(long)]
    org: Option<String>,
    /// The signer's function, e.g. CEO.
    #[arg(long)]
    function: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Args)]
struct ImportKeyArgs {
    /// The encrypted secret key (PEM, "ENCRYPTED PRIVATE KEY").
    file: PathBuf,
    /// The signer's name, as it will appear in agreements.
    #[arg(long)]
    name: String,
    /// The signer's organisation.
    #[arg(long)]
    org: Option<String>,
    /// The signer's function, e.g. CEO.
    #[arg(long)]
    function: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Args)]
pub struct ContactArgs {
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(subcommand)]
    command: ContactCommand,
}

#[derive(Subcommand)]
enum ContactCommand {
    /// Remember another party's public key under their name.
    Add {
        /// Their public key: SPKI PEM (as `tweevoud key export` or `openssl pkey -pubout` write).
        file: PathBuf,
        /// Their name.
        #[arg(long)]
        name: String,
        /// Their organisation.
        #[arg(long)]
        org: String,
        /// You have compared the key's fingerprint with them (by phone or in person).
        #[arg(long)]
        verified: bool,
    },
    /// List the contacts.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Mark a contact's key verified, once you have compared its fingerprint with them.
    Verify {
        /// The contact: its fingerprint (at least 8 hex digits) or name.
        contact: String,
    },
}

/// Reads a key, certificate or passphrase file: small UTF-8 text (at most 64 KiB), kept in
/// memory that is wiped when dropped.
fn read_small_text(path: &Path) -> Result<Zeroizing<String>> {
    let bytes = Zeroizing::new(
        tweevoud::fsutil::read_limited(path, 64 << 10)
            .with_context(|| format!("cannot read {}", shown(path)))?,
    );
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| anyhow::anyhow!("{} is not text (UTF-8)", shown(path)))?;
    Ok(Zeroizing::new(text.to_string()))
}

/// Reads a passphrase: the first line of `file` (its line ending stripped), else
/// `TWEEVOUD_PASSPHRASE`, else from the terminal without echo, asked twice when `confirm`.
/// The copy returned is zeroed when dropped (the environment's own copy, if that is where it
/// came from, stays in the process environment: the variable is for scripts and tests).
pub(crate) fn read_passphrase(
    file: Option<&Path>,
    confirm: bool,
    prompt: &str,
) -> Result<Zeroizing<String>> {
    if let Some(path) = file {
        let text = read_small_text(path).context("cannot read the passphrase file")?;
        let line = text.split('\n').next().unwrap_or_default();
        return Ok(Zeroizing::new(
            line.strip_suffix('\r').unwrap_or(line).to_string(),
        ));
    }
    if let Some(value) = std::env::var_os(PASSPHRASE_ENV) {
        let value = Zeroizing::new(
            value
                .into_string()
                .map_err(|_| anyhow::anyhow!("{PASSPHRASE_ENV} is not valid UTF-8"))?,
        );
        return Ok(value);
    }
    let no_terminal = || {
        format!(
            "cannot ask for the passphrase on a terminal; \
             use --passphrase-file FILE or set {PASSPHRASE_ENV}"
        )
    };
    let first = Zeroizing::new(rpassword::prompt_password(safe(prompt)).with_context(no_terminal)?);
    if confirm {
        let again = Zeroizing::new(
            rpassword::prompt_password("Repeat the passphrase: ").with_context(no_terminal)?,
        );
        if *first != *again {
            bail!("the two passphrases differ; nothing was changed, try again");
        }
    }
    Ok(first)
}

pub fn key(args: KeyArgs) -> Result<Outcome> {
    let profile = args.profile.profile()?;
    let store = KeyStore::open(&profile);
    match args.command {
        KeyCommand::New(a) => {
            let passphrase = read_passphrase(
                a.passphrase.passphrase_file.as_deref(),
                true,
                &format!("New passphrase for the key of {}: ", a.name.trim()),
            )?;
            tweevoud::key::check_new_passphrase(&passphrase)?;
            hint_strength(&passphrase);
            let info = store.create(
                &a.name,
                a.org.as_deref(),
                a.function.as_deref(),
                &passphrase,
                now()?,
            )?;
            print_created("Created", &store, &info);
        }
        KeyCommand::List { json } => {
            let keys = store.list()?;
            if json {
                let rows: Vec<KeyRow> = keys
                    .iter()
                    .map(|info| KeyRow::new(&store, info))
                    .collect::<Result<_>>()?;
                print_json(&rows)?;
            } else if keys.is_empty() {
                outln!(
                    "No keys in {} yet; make one with `tweevoud key new --name NAME`.",
                    shown(store.dir())
                );
            } else {
                for info in &keys {
                    outln!(
                        "{}  {}{}  created {}",
                        info.fingerprint(),
                        safe(&info.display_name()),
                        safe(
                            &info
                                .function()
                                .map(|f| format!(", {f}"))
                                .unwrap_or_default()
                        ),
                        info.created().format("%Y-%m-%d")
                    );
                }
            }
        }
        KeyCommand::Export { key, output } => {
            let info = store.get(&key)?;
            let pem = store.public_key(&info)?.to_pem();
            match output {
                Some(path) => {
                    tweevoud::fsutil::write_atomic(&path, pem.as_bytes())
                        .with_context(|| format!("cannot write {}", shown(&path)))?;
                    outln!(
                        "Wrote the public key of {} to {}\nfingerprint  {}",
                        safe(&info.display_name()),
                        shown(&path),
                        info.fingerprint()
                    );
                }
                None => out!("{pem}"),
            }
        }
        KeyCommand::Import(a) => {
            // The key store's bounded reader (what the key fuzz target reads through).
            let pem = tweevoud::profile::read_pem_file(&a.file)
                .with_context(|| format!("cannot read {}", shown(&a.file)))?;
            let passphrase = read_passphrase(
                a.passphrase.passphrase_file.as_deref(),
                false,
                &format!("Passphrase of {}: ", shown(&a.file)),
            )?;
            let info = store
                .import(
                    &pem,
                    &passphrase,
                    &a.name,
                    a.org.as_deref(),
                    a.function.as_deref(),
                    now()?,
                )
                .with_context(|| format!("cannot import {}", shown(&a.file)))?;
            print_created("Imported", &store, &info);
            outln!("(stored re-encrypted with the same passphrase)");
        }
        KeyCommand::Check { key, passphrase } => {
            let info = store.get(&key)?;
            let pass = read_passphrase(
                passphrase.passphrase_file.as_deref(),
                false,
                &format!("Passphrase for the key of {}: ", safe(info.name())),
            )?;
            let unlocked = store.unlock(&info.fingerprint().hex(), &pass)?;
            outln!(
                "The passphrase unlocks the key of {}, fingerprint {}.",
                safe(&unlocked.info().display_name()),
                unlocked.info().fingerprint().short()
            );
        }
    }
    Ok(Outcome::Ok)
}

/// Tells on standard error how strong a new passphrase looks, unless it looks strong.
fn hint_strength(passphrase: &str) {
    let strength = passphrase_strength(passphrase);
    let level = match strength.level {
        StrengthLevel::Strong => return,
        StrengthLevel::Fair => "fair",
        StrengthLevel::Weak => "weak",
    };
    errln!(
        "tweevoud: passphrase strength: {level} ({})",
        safe(&strength.reason)
    );
}

fn print_created(verb: &str, store: &KeyStore, info: &KeyInfo) {
    let KeyPaths { secret, public, .. } = store.paths(info.fingerprint());
    outln!(
        "{verb} the key of {}{}",
        safe(&info.display_name()),
        safe(
            &info
                .function()
                .map(|f| format!(", {f}"))
                .unwrap_or_default()
        )
    );
    outln!("fingerprint  {}", info.fingerprint());
    outln!(
        "secret key   {} (encrypted with your passphrase)",
        shown(&secret)
    );
    outln!("public key   {}", shown(&public));
}

/// A key in `key list --json`.
#[derive(Serialize)]
struct KeyRow<'a> {
    #[serde(flatten)]
    info: &'a KeyInfo,
    fingerprint_grouped: String,
    public_key: String,
    dir: String,
}

impl<'a> KeyRow<'a> {
    fn new(store: &KeyStore, info: &'a KeyInfo) -> Result<KeyRow<'a>> {
        Ok(KeyRow {
            info,
            fingerprint_grouped: info.fingerprint().to_string(),
            public_key: store.public_key(info)?.to_base64(),
            dir: store.paths(info.fingerprint()).dir.display().to_string(),
        })
    }
}

pub fn contact(args: ContactArgs) -> Result<Outcome> {
    let profile = args.profile.profile()?;
    let book = ContactBook::open(&profile);
    match args.command {
        ContactCommand::Add {
            file,
            name,
            org,
            verified,
        } => {
            // The contact book's bounded reader (what the contact fuzz target reads through).
            let added = book
                .add_file(&file, &name, Some(&org), verified, now()?)
                .with_context(|| format!("cannot add {} as a contact", shown(&file)))?;
            match added {
                Added::New(c) => {
                    outln!("Added the contact {}", safe(&c.display_name()));
                    outln!("fingerprint  {}", c.fingerprint());
                    match c.verified() {
                        Some(_) => outln!("Marked verified."),
                        None => outln!(
                            "Not verified yet: compare this fingerprint with {} (by phone or in \
                             person), then run `tweevoud contact verify {}`.",
                            safe(c.name()),
                            c.fingerprint().hex()
                        ),
                    }
                }
                Added::AlreadyKnown(c) => {
                    outln!(
                        "This key is already a contact, as {} ({}); nothing was changed.",
                        safe(&c.display_name()),
                        c.fingerprint().short()
                    );
                }
            }
        }
        ContactCommand::List { json } => {
            let contacts = book.list()?;
            if json {
                print_json(&contacts)?;
            } else if contacts.is_empty() {
                outln!(
                    "No contacts yet; add one with `tweevoud contact add PUBLIC.pem --name NAME --org ORG`."
                );
            } else {
                for c in &contacts {
                    outln!(
                        "{}  {}  {}",
                        c.fingerprint(),
                        safe(&c.display_name()),
                        match c.verified() {
                            Some(t) => format!("verified {}", t.format("%Y-%m-%d")),
                            None => "not verified".into(),
                        }
                    );
                }
            }
        }
        ContactCommand::Verify { contact } => {
            let c = book.get(&contact)?;
            match book.mark_verified(c.fingerprint(), now()?)? {
                Verified::Now(c) => outln!(
                    "Marked the key of {} verified\nfingerprint  {}",
                    safe(&c.display_name()),
                    c.fingerprint()
                ),
                Verified::Already(c) => outln!(
                    "The key of {} was already verified on {}; nothing was changed.",
                    safe(&c.display_name()),
                    c.verified()
                        .map(|t| t.format("%Y-%m-%d").to_string())
                        .unwrap_or_default()
                ),
            }
        }
    }
    Ok(Outcome::Ok)
}
