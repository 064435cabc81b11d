//! `tweevoud archive ...`: store agreements and their exemplars, find them again, verify the
//! whole archive, erase on request. All the work is the library's (`tweevoud::archive`).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use tweevoud::archive::{self, AddOutcome, IdPrefix, Progress, Summary, Trust};
use tweevoud::key::KeyInfo;
use tweevoud::{Archive, KeyStore, Profile, Status, UnlockedKey};

use super::keys::{read_passphrase, PassphraseArgs, ProfileArgs};
use super::{now, print_json, safe, shown, Outcome};

#[derive(Args)]
pub struct ArchiveArgs {
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    dir: ArchiveDirArgs,
    #[command(subcommand)]
    command: ArchiveCommand,
}

/// Which archive to use.
#[derive(Args)]
pub struct ArchiveDirArgs {
    /// The archive's directory [default: the profile's archive, DATA_DIR/archive]
    #[arg(long, value_name = "DIR", global = true)]
    archive_dir: Option<PathBuf>,
}

impl ArchiveDirArgs {
    /// The archive directory these arguments and the profile name.
    pub(crate) fn dir(&self, profile: &ProfileArgs) -> Result<PathBuf> {
        match &self.archive_dir {
            Some(d) => Ok(d.clone()),
            None => Ok(profile.profile()?.archive_dir()),
        }
    }
}

/// Signing the log entries.
#[derive(Args)]
struct LogKeyArgs {
    /// Sign the archive's log entry with this key of yours (its name or fingerprint): every
    /// entry must be signed by one of the profile's keys. Where one must be written (add,
    /// export, delete), the profile's only key when it holds one.
    #[arg(long)]
    key: Option<String>,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// An agreement id, or its first 8 or more hex digits.
fn id_arg(s: &str) -> std::result::Result<IdPrefix, String> {
    IdPrefix::parse(s)
        .map_err(|_| "an agreement id is 64 hex digits (or at least the first 8 of them)".into())
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Store agreement files (or exemplar PDFs): the agreement, its template, and both
    /// exemplars when it is complete. A later version updates the archived one.
    Add {
        /// The files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        #[command(flatten)]
        key: LogKeyArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// List the archived agreements.
    List {
        /// Only those with this status.
        #[arg(long)]
        status: Option<StatusArg>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Find agreements by customer, enterprise number (any form), signer, id, key
    /// fingerprint or words of the text.
    Search {
        /// What to look for.
        #[arg(required = true)]
        query: Vec<String>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Show one agreement: its parties, signatures, stored files and history.
    Show {
        /// Its id (or the first 8+ hex digits).
        #[arg(value_parser = id_arg)]
        id: IdPrefix,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy an agreement's file and exemplars out of the archive.
    Export {
        /// Its id (or the first 8+ hex digits).
        #[arg(value_parser = id_arg)]
        id: IdPrefix,
        /// The directory to write to (created if need be).
        #[arg(short, long, value_name = "DIR")]
        output: PathBuf,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Check every object, every signature, the log (each entry signed by one of this
    /// profile's keys, and reaching the profile's checkpoint) and the index (exit 1 if
    /// anything is wrong). With --key, the verification is recorded in the log.
    Verify {
        /// Print JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Erase an agreement on request: its files and index rows go, a tombstone with the
    /// reason stays in the log.
    Delete {
        /// Its id (or the first 8+ hex digits).
        #[arg(value_parser = id_arg)]
        id: IdPrefix,
        /// Why (recorded in the log).
        #[arg(long)]
        reason: String,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Rebuild the index from the objects and the log.
    RebuildIndex,
}

#[derive(Clone, Copy, ValueEnum)]
enum StatusArg {
    Complete,
    #[value(alias = "awaiting")]
    AwaitingCountersignature,
    Unsigned,
}

impl From<StatusArg> for Status {
    fn from(s: StatusArg) -> Status {
        match s {
            StatusArg::Complete => Status::Complete,
            StatusArg::AwaitingCountersignature => Status::AwaitingCountersignature,
            StatusArg::Unsigned => Status::Unsigned,
        }
    }
}

/// The key that signs a log entry: required, since an unsigned entry is one `archive verify`
/// reports (anyone who can write the archive's directory could have written it). Without
/// `--key`, the profile's only key; with several, which one is not guessed (they are named).
fn unlock_required(profile: &ProfileArgs, k: &LogKeyArgs) -> Result<UnlockedKey> {
    let store = KeyStore::open(&profile.profile()?);
    let info = match &k.key {
        Some(selector) => store.get(selector)?,
        None => store.only()?,
    };
    unlock_info(&store, &info, k)
}

/// The key `--key` names, if one is named.
fn unlock(profile: &ProfileArgs, k: &LogKeyArgs) -> Result<Option<UnlockedKey>> {
    let Some(selector) = &k.key else {
        return Ok(None);
    };
    let store = KeyStore::open(&profile.profile()?);
    let info = store.get(selector)?;
    unlock_info(&store, &info, k).map(Some)
}

fn unlock_info(store: &KeyStore, info: &KeyInfo, k: &LogKeyArgs) -> Result<UnlockedKey> {
    let passphrase = read_passphrase(
        k.passphrase.file(),
        false,
        &format!("Passphrase for {}: ", info.display_name()),
    )?;
    Ok(store.unlock(&info.fingerprint().hex(), &passphrase)?)
}

fn signer(key: &Option<UnlockedKey>) -> Option<&dyn tweevoud::Signer> {
    key.as_ref().map(|k| k as &dyn tweevoud::Signer)
}

/// What this profile trusts of the archive in `dir`: its own keys, and its checkpoint.
fn trust(profile: &Profile, dir: &Path) -> Result<Trust> {
    let own = KeyStore::open(profile)
        .list()?
        .iter()
        .map(|k| *k.fingerprint())
        .collect();
    Ok(Trust::keys(own).with_checkpoint(profile.archive_checkpoint(dir)))
}

/// The archive in `dir`, open as this profile trusts it: only entries signed by its own keys
/// are acted on, and every write is checked against its checkpoint.
fn open(profile: &ProfileArgs, dir: &Path) -> Result<Archive> {
    Ok(Archive::open_trusted(
        dir,
        &trust(&profile.profile()?, dir)?,
    )?)
}

fn status_words(s: Status) -> &'static str {
    match s {
        Status::Complete => "complete",
        Status::AwaitingCountersignature => "awaiting countersignature",
        Status::Unsigned => "unsigned draft",
        Status::Invalid => "INVALID",
    }
}

fn day(time: &str) -> &str {
    time.get(..10).unwrap_or(time)
}

fn who(s: &Summary) -> &str {
    s.customer.as_deref().unwrap_or("(customer not filled in)")
}

pub fn run(a: ArchiveArgs) -> Result<Outcome> {
    let dir = a.dir.dir(&a.profile)?;
    match a.command {
        ArchiveCommand::Add { files, key, json } => add(&a.profile, &dir, &files, &key, json),
        ArchiveCommand::List { status, json } => {
            let list = open(&a.profile, &dir)?.list(status.map(Status::from))?;
            print_list(&list, json)?;
            Ok(Outcome::Ok)
        }
        ArchiveCommand::Search { query, json } => {
            let found = open(&a.profile, &dir)?.search(&query.join(" "))?;
            print_list(&found, json)?;
            Ok(if found.is_empty() {
                Outcome::Negative
            } else {
                Outcome::Ok
            })
        }
        ArchiveCommand::Show { id, json } => show(&a.profile, &dir, id.as_str(), json),
        ArchiveCommand::Export { id, output, key } => {
            let key = unlock_required(&a.profile, &key)?;
            let mut archive = open(&a.profile, &dir)?;
            let done = archive.export(id.as_str(), &output, now()?, Some(&key))?;
            outln!("exported {} to {}:", safe(&done.id), shown(&output));
            for f in &done.files {
                outln!("  {}", shown(f));
            }
            Ok(Outcome::Ok)
        }
        ArchiveCommand::Verify { json, key } => verify(&a.profile, &dir, &key, json),
        ArchiveCommand::Delete { id, reason, key } => {
            let key = unlock_required(&a.profile, &key)?;
            let mut archive = open(&a.profile, &dir)?;
            let done = archive.delete(id.as_str(), &reason, now()?, Some(&key))?;
            outln!(
                "erased agreement {}: {} file(s) removed, tombstone at log entry {}",
                safe(&done.id),
                done.objects.len(),
                done.seq
            );
            if !done.kept.is_empty() {
                outln!(
                    "  kept {} file(s) that other agreements also use (their template)",
                    done.kept.len()
                );
            }
            Ok(Outcome::Ok)
        }
        ArchiveCommand::RebuildIndex => {
            let done = Archive::rebuild_index_trusted(&dir, &trust(&a.profile.profile()?, &dir)?)?;
            outln!(
                "rebuilt the index of {} from {} log entries: {} agreement(s)",
                shown(&dir),
                done.entries,
                done.agreements
            );
            for p in &done.problems {
                outln!("  problem: {}", safe(p));
            }
            Ok(if done.problems.is_empty() {
                Outcome::Ok
            } else {
                Outcome::Negative
            })
        }
    }
}

fn add(
    profile: &ProfileArgs,
    dir: &Path,
    files: &[PathBuf],
    key: &LogKeyArgs,
    json: bool,
) -> Result<Outcome> {
    // The files first: a file that cannot be read is said before a passphrase is asked for.
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        let bytes = tweevoud::fsutil::read_limited(file, tweevoud::pdf::MAX_PDF_BYTES)
            .with_context(|| format!("cannot read {}", shown(file)))?;
        // What is not an agreement, or a PDF that does not show the agreement inside, is
        // refused before any key is asked for: nothing is written.
        let refused = match tweevoud::open::read(&bytes) {
            Err(u) => Some(u.reason()),
            Ok(contents) => contents.pdf_problem().cloned(),
        };
        if let Some(reason) = refused {
            anyhow::bail!("{}: not archived: {}", shown(file), safe(&reason));
        }
        read.push((file, bytes));
    }
    let key = unlock_required(profile, key)?;
    let mut archive = open(profile, dir)?;
    let mut outcome = Outcome::Ok;
    let mut results = Vec::new();
    for (file, bytes) in read {
        let added = match archive.add(&bytes, now()?, Some(&key)) {
            Ok(added) => added,
            Err(e @ tweevoud::ArchiveError::Invalid(_)) => {
                outln!("{}: {}", shown(file), safe(&e));
                outcome = Outcome::Negative;
                continue;
            }
            Err(e) => return Err(e).with_context(|| shown(file)),
        };
        if !json {
            let with = added
                .customer
                .as_deref()
                .map(|c| format!(" with {c}"))
                .unwrap_or_default();
            let id = &added.id;
            let what = match added.outcome {
                AddOutcome::New => {
                    format!("archived as {id}{with}, {}", status_words(added.status))
                }
                AddOutcome::Updated { was } => format!(
                    "updated {id}{with}: {} → {}",
                    status_words(was),
                    status_words(added.status)
                ),
                AddOutcome::AlreadyArchived => {
                    format!("already archived as {id}{with}: nothing changed")
                }
                AddOutcome::LaterVersionArchived => {
                    format!("a later version is already archived as {id}{with}: nothing changed")
                }
                _ => format!("{id}{with}"),
            };
            outln!("{}: {}", shown(file), safe(&what));
            let exemplars = added
                .objects
                .iter()
                .filter(|o| o.kind == archive::ObjectKind::Exemplar)
                .count();
            if added.seq.is_some() {
                outln!("  stored the agreement file, its template and {exemplars} exemplar(s)");
            }
        }
        results.push(added);
    }
    if json {
        print_json(&results)?;
    }
    Ok(outcome)
}

fn print_list(list: &[Summary], json: bool) -> Result<()> {
    if json {
        return print_json(&list);
    }
    if list.is_empty() {
        outln!("no agreements");
    }
    for s in list {
        outln!(
            "{}  {:<25}  {}  {}  ({})",
            safe(s.id.get(..16).unwrap_or(&s.id)),
            status_words(s.status),
            safe(day(&s.updated)),
            safe(who(s)),
            safe(&s.title)
        );
    }
    Ok(())
}

fn show(profile: &ProfileArgs, dir: &Path, id: &str, json: bool) -> Result<Outcome> {
    let d = open(profile, dir)?.show(id)?;
    if json {
        print_json(&d)?;
        return Ok(Outcome::Ok);
    }
    let s = &d.summary;
    outln!("agreement {}", safe(&s.id));
    outln!(
        "  {} ({}), {}",
        safe(&s.title),
        safe(&s.template),
        status_words(s.status)
    );
    outln!(
        "  provider: {}{}",
        safe(s.provider.as_deref().unwrap_or("(not filled in)")),
        safe(
            &s.provider_enterprise_number
                .as_deref()
                .map(|n| format!(", {n}"))
                .unwrap_or_default()
        )
    );
    outln!(
        "  customer: {}{}",
        safe(who(s)),
        safe(
            &s.customer_enterprise_number
                .as_deref()
                .map(|n| format!(", {n}"))
                .unwrap_or_default()
        )
    );
    outln!(
        "  created {}, archived {}, updated {}",
        safe(&s.created),
        safe(&s.archived),
        safe(&s.updated)
    );
    for sig in &d.signatures {
        outln!(
            "  signed for the {} by {} ({}, {}) on {}, key {}",
            sig.role,
            safe(&sig.name),
            safe(&sig.function),
            safe(&sig.organisation),
            safe(&sig.time),
            safe(sig.fingerprint.get(..16).unwrap_or(&sig.fingerprint))
        );
    }
    for o in &d.objects {
        let what = match (o.kind, o.number) {
            (archive::ObjectKind::Exemplar, Some(n)) => format!("exemplar {n}"),
            (kind, _) if o.sha256 == s.object => format!("{} (current)", kind.as_str()),
            (kind, _) => kind.as_str().to_string(),
        };
        outln!(
            "  {what:<20} {}  stored {}",
            safe(&o.sha256),
            safe(&o.added)
        );
    }
    for e in &d.history {
        outln!(
            "  log {:>5}  {}  {}{}",
            e.seq,
            safe(&e.time),
            e.event.as_str(),
            e.signed_by
                .as_ref()
                .map(|f| format!(", signed by key {}", f.short(16)))
                .unwrap_or_default()
        );
    }
    Ok(Outcome::Ok)
}

fn verify(profile: &ProfileArgs, dir: &Path, key: &LogKeyArgs, json: bool) -> Result<Outcome> {
    let key = unlock(profile, key)?;
    let trust = trust(&profile.profile()?, dir)?;
    let terminal = std::io::stderr().is_terminal();
    let mut last = (String::new(), 0usize);
    let mut progress = |p: Progress| {
        if !terminal {
            return;
        }
        // At most one update per percent, so a large archive does not flood the terminal.
        let pct = (p.done * 100).checked_div(p.total).unwrap_or(100);
        if last.0 != p.stage || last.1 != pct {
            last = (p.stage.to_string(), pct);
            let mut err = std::io::stderr();
            let _ = write!(
                err,
                "\r\x1b[Kchecking {}: {}/{} ({pct}%)",
                safe(p.stage),
                p.done,
                p.total
            );
            let _ = err.flush();
        }
    };
    let report = archive::verify_trusted(dir, &trust, now()?, signer(&key), &mut progress)?;
    if terminal {
        eprint!("\r\x1b[K");
    }
    if json {
        print_json(&report)?;
    } else {
        if report.is_sound() {
            outln!(
                "archive {}: sound: {} agreement(s), {} object(s), {} signature(s), {} log entries ({} signed)",
                shown(dir),
                report.agreements,
                report.objects,
                report.signatures,
                report.log_entries,
                report.signed_entries
            );
        } else {
            outln!(
                "archive {}: {} PROBLEM(S)",
                shown(dir),
                report.problems.len()
            );
        }
        for p in &report.problems {
            outln!("  problem [{}]: {}", p.code, safe(&p.message));
        }
        for n in &report.notes {
            outln!("  note: {}", safe(n));
        }
    }
    Ok(if report.is_sound() {
        Outcome::Ok
    } else {
        Outcome::Negative
    })
}
