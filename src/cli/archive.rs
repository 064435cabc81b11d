//! `tweevoud archive ...`: store agreements and their exemplars, find them again, verify the
//! whole archive, erase on request. All the work is the library's (`tweevoud::archive`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::{Args, Subcommand, ValueEnum};
use tweevoud::archive::{
    self, AddOutcome, IdPrefix, Progress, Summary, TeamPlace, TeamRecord, Trust,
};
use tweevoud::key::{Fingerprint, KeyInfo};
use tweevoud::{Archive, ArchiveError, ContactBook, KeyStore, Profile, Status, UnlockedKey};

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
    /// Connect this profile to a team archive: its log in PostgreSQL, its objects in an
    /// S3-compatible bucket.
    ///
    /// Every archive command then works on it (`disconnect` goes back to the local
    /// archive). The profile records the two addresses, never a secret: the
    /// database's password and the bucket's keys come from the environment
    /// (TWEEVOUD_TEAM_DATABASE_PASSWORD, TWEEVOUD_TEAM_ACCESS_KEY_ID,
    /// TWEEVOUD_TEAM_SECRET_ACCESS_KEY) or from --secrets FILE, at each command.
    Connect {
        /// The database: postgresql://USER@HOST:PORT/DB?sslmode=require, without a password
        /// (without TLS only on this machine).
        #[arg(long, value_name = "URL")]
        database: String,
        /// The bucket: https://HOST[:PORT]/BUCKET (http:// only on this machine).
        #[arg(long, value_name = "URL")]
        objects: String,
        /// The bucket's region.
        #[arg(long, default_value = "us-east-1")]
        region: String,
        /// Read the secrets from this file, which only you may read (mode 0600): lines
        /// NAME=value with the environment variables' names.
        #[arg(long, value_name = "FILE")]
        secrets: Option<PathBuf>,
        /// The key that began the team archive (its fingerprint, or the name of a contact or
        /// of one of your keys), compared with its holder: the members it signed are the
        /// keys whose entries are acted on. Not needed by the creator, who begins it with
        /// `archive init`.
        #[arg(long, value_name = "KEY")]
        creator: Option<String>,
        /// Check the servers' TLS certificates against the certificate authorities in this
        /// PEM file, and only those (the profile keeps them); without it, against the
        /// system's.
        #[arg(long, value_name = "FILE")]
        ca: Option<PathBuf>,
    },
    /// Go back to the profile's local archive (the team archive is left as it is).
    Disconnect,
    /// Begin the connected team archive, as its creator: the first entry of its log, signed
    /// with your key, lists its members (you among them).
    Init {
        /// A member's key besides yours: its fingerprint, or the name of a contact or of one
        /// of your keys (repeatable).
        #[arg(long = "member", value_name = "KEY")]
        members: Vec<String>,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Change the connected team archive's members (its creator only): a signed log entry.
    Members {
        #[command(subcommand)]
        change: MembersChange,
    },
    /// Copy the local archive (the profile's, or --archive-dir) into the connected team
    /// archive.
    ///
    /// Entry by entry: its agreements with their files, its erasures as erasures. Running
    /// it again copies nothing.
    Push {
        #[command(flatten)]
        key: LogKeyArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum MembersChange {
    /// Keys that may write the team archive from now on.
    Add {
        /// Their fingerprints, or names of contacts or of your keys.
        #[arg(required = true, value_name = "MEMBER")]
        members: Vec<String>,
        #[command(flatten)]
        key: LogKeyArgs,
    },
    /// Keys that may no longer write it (what they wrote stays theirs).
    Remove {
        /// Their fingerprints, or names of contacts or of your keys.
        #[arg(required = true, value_name = "MEMBER")]
        members: Vec<String>,
        #[command(flatten)]
        key: LogKeyArgs,
    },
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

/// Where the archive commands work: a local archive's directory, or the team archive the
/// profile is connected to (`--archive-dir` names a local one whatever the profile is
/// connected to).
enum Place {
    Local(PathBuf),
    Team(Box<Team>),
}

/// The connected team archive (the core's, shared with the desktop app).
type Team = TeamPlace;

impl Place {
    /// Its name in reports: the directory, or the database without its password.
    fn name(&self) -> String {
        match self {
            Place::Local(dir) => shown(dir),
            Place::Team(t) => safe(&t.record.place()),
        }
    }
}

fn place(profile: &ProfileArgs, dir: &ArchiveDirArgs) -> Result<Place> {
    if let Some(d) = &dir.archive_dir {
        return Ok(Place::Local(d.clone()));
    }
    let p = profile.profile()?;
    match TeamRecord::load(&p.team_archive_file())? {
        None => Ok(Place::Local(p.archive_dir())),
        Some(record) => Ok(Place::Team(Box::new(team(&p, record)?))),
    }
}

/// The team archive the profile is connected to, open as the profile trusts it, when no
/// `--archive-dir` names a local one: `None` when it is not connected; the error in words
/// when the team archive cannot be opened.
pub(crate) fn connected_team(
    profile: &ProfileArgs,
    dir: &ArchiveDirArgs,
) -> Option<std::result::Result<Archive, String>> {
    match place(profile, dir) {
        Ok(Place::Local(_)) => None,
        Ok(team @ Place::Team(_)) => Some(open(profile, &team).map_err(|e| format!("{e:#}"))),
        // A profile that cannot be read names no team archive; one whose record cannot be
        // read does, and the judgement says why it was not consulted.
        Err(e) => match profile.profile() {
            Ok(p) if p.team_archive_file().exists() => Some(Err(format!("{e:#}"))),
            _ => None,
        },
    }
}

/// The team archive `record` names, with its secrets read now (from the record's file, else
/// from the environment).
fn team(p: &Profile, record: TeamRecord) -> Result<Team> {
    Ok(TeamPlace::new(p, record, |name| std::env::var(name).ok())?)
}

/// The team archive the profile is connected to; refused when it is not.
fn connected(profile: &ProfileArgs) -> Result<Team> {
    let p = profile.profile()?;
    match TeamRecord::load(&p.team_archive_file())? {
        Some(record) => team(&p, record),
        None => Err(ArchiveError::TeamConnection {
            problem: "this profile is not connected to a team archive (`tweevoud archive connect`)"
                .into(),
        }
        .into()),
    }
}

fn own_keys(profile: &Profile) -> Result<Vec<Fingerprint>> {
    Ok(KeyStore::open(profile)
        .list()?
        .iter()
        .map(|k| *k.fingerprint())
        .collect())
}

/// What this profile trusts of the archive at `place`: its own keys, and its checkpoint;
/// of a team archive, the members its pinned creator signed.
fn trust(profile: &Profile, place: &Place) -> Result<Trust> {
    let own = own_keys(profile)?;
    match place {
        Place::Local(dir) => Ok(Trust::keys(own).with_checkpoint(profile.archive_checkpoint(dir))),
        Place::Team(t) => Ok(t.trust(own)?),
    }
}

/// The archive at `place`, open as this profile trusts it: only entries signed by its own
/// keys (a team archive's: its members') are acted on, and every write is checked against
/// its checkpoint.
fn open(profile: &ProfileArgs, place: &Place) -> Result<Archive> {
    let trust = trust(&profile.profile()?, place)?;
    Ok(match place {
        Place::Local(dir) => Archive::open_trusted(dir, &trust)?,
        Place::Team(t) => t.open(&trust)?,
    })
}

/// A key named on the command line, as a team archive's member or creator: a fingerprint
/// (64 hex digits, in groups or not), or the name (or fingerprint prefix) of one of the
/// profile's keys or contacts.
fn key_named(profile: &Profile, selector: &str) -> Result<Fingerprint> {
    if let Ok(fp) = selector.parse::<Fingerprint>() {
        return Ok(fp);
    }
    if let Ok(info) = KeyStore::open(profile).get(selector) {
        return Ok(*info.fingerprint());
    }
    Ok(*ContactBook::open(profile).get(selector)?.fingerprint())
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
    let place = || place(&a.profile, &a.dir);
    match a.command {
        ArchiveCommand::Connect {
            database,
            objects,
            region,
            secrets,
            creator,
            ca,
        } => connect(
            &a.profile, &database, &objects, &region, secrets, creator, ca,
        ),
        ArchiveCommand::Disconnect => disconnect(&a.profile),
        ArchiveCommand::Init { members, key } => init(&a.profile, &members, &key),
        ArchiveCommand::Members { change } => change_members(&a.profile, change),
        ArchiveCommand::Push { key, json } => push(&a.profile, &a.dir, &key, json),
        ArchiveCommand::Add { files, key, json } => add(&a.profile, &place()?, &files, &key, json),
        ArchiveCommand::List { status, json } => {
            let list = open(&a.profile, &place()?)?.list(status.map(Status::from))?;
            print_list(&list, json)?;
            Ok(Outcome::Ok)
        }
        ArchiveCommand::Search { query, json } => {
            let found = open(&a.profile, &place()?)?.search(&query.join(" "))?;
            print_list(&found, json)?;
            Ok(if found.is_empty() {
                Outcome::Negative
            } else {
                Outcome::Ok
            })
        }
        ArchiveCommand::Show { id, json } => show(&a.profile, &place()?, id.as_str(), json),
        ArchiveCommand::Export { id, output, key } => {
            let place = place()?;
            let key = unlock_required(&a.profile, &key)?;
            let mut archive = open(&a.profile, &place)?;
            let done = archive.export(id.as_str(), &output, now()?, Some(&key))?;
            outln!("exported {} to {}:", safe(&done.id), shown(&output));
            for f in &done.files {
                outln!("  {}", shown(f));
            }
            Ok(Outcome::Ok)
        }
        ArchiveCommand::Verify { json, key } => verify(&a.profile, &place()?, &key, json),
        ArchiveCommand::Delete { id, reason, key } => {
            let place = place()?;
            let key = unlock_required(&a.profile, &key)?;
            let mut archive = open(&a.profile, &place)?;
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
            let place = place()?;
            let trust = trust(&a.profile.profile()?, &place)?;
            let done = match &place {
                Place::Local(dir) => Archive::rebuild_index_trusted(dir, &trust)?,
                Place::Team(t) => Archive::rebuild_team_index(&t.cache, &t.connection, &trust)?,
            };
            outln!(
                "rebuilt the index of {} from {} log entries: {} agreement(s)",
                place.name(),
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
    place: &Place,
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
    let mut archive = open(profile, place)?;
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

fn show(profile: &ProfileArgs, place: &Place, id: &str, json: bool) -> Result<Outcome> {
    let d = open(profile, place)?.show(id)?;
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

fn verify(profile: &ProfileArgs, place: &Place, key: &LogKeyArgs, json: bool) -> Result<Outcome> {
    let key = unlock(profile, key)?;
    let trust = trust(&profile.profile()?, place)?;
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
    let report = match place {
        Place::Local(dir) => {
            archive::verify_trusted(dir, &trust, now()?, signer(&key), &mut progress)?
        }
        Place::Team(t) => t.verify(&trust, now()?, signer(&key), &mut progress)?,
    };
    if terminal {
        eprint!("\r\x1b[K");
    }
    if json {
        print_json(&report)?;
    } else {
        if report.is_sound() {
            outln!(
                "archive {}: sound: {} agreement(s), {} object(s), {} signature(s), {} log entries ({} signed)",
                place.name(),
                report.agreements,
                report.objects,
                report.signatures,
                report.log_entries,
                report.signed_entries
            );
        } else {
            outln!(
                "archive {}: {} PROBLEM(S)",
                place.name(),
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

/// `archive connect`: checks the addresses, reads the secrets and reaches the archive (its
/// database and bucket) before the profile records anything; never records a secret.
fn connect(
    profile: &ProfileArgs,
    database: &str,
    objects: &str,
    region: &str,
    secrets: Option<PathBuf>,
    creator: Option<String>,
    ca: Option<PathBuf>,
) -> Result<Outcome> {
    let p = profile.profile()?;
    let secrets = match secrets {
        Some(file) => Some(
            std::path::absolute(&file).with_context(|| format!("cannot use {}", shown(&file)))?,
        ),
        None => None,
    };
    let mut record = TeamRecord::new(database, objects, region, secrets)?;
    if let Some(file) = &ca {
        record = record.with_ca_file(file)?;
    }
    record.creator = creator.map(|c| key_named(&p, &c)).transpose()?;
    let team = team(&p, record)?;
    // Reached now, with the secrets given: a connection that cannot work is not recorded.
    let mut trust = Trust::keys(own_keys(&p)?).with_checkpoint(team.checkpoint.clone());
    if let Some(c) = team.record.creator {
        trust = trust.with_creator(c);
    }
    let archive = team.open(&trust)?;
    let begun_by = archive
        .first_entry()?
        .filter(|e| e.event == archive::LogEvent::Members)
        .and_then(|e| e.signed_by);
    if let (Some(pinned), Some(by)) = (&team.record.creator, &begun_by) {
        if pinned.hex() != by.as_str() {
            return Err(ArchiveError::TeamConnection {
                problem: format!(
                    "the team archive was begun by key {}, not by the creator given ({}); nothing was recorded",
                    by.as_str(),
                    pinned.hex()
                ),
            }
            .into());
        }
    }
    team.record.save(&p.team_archive_file())?;
    let from = match &team.record.secrets_file {
        Some(file) => format!("the file {}", shown(file)),
        None => "the environment".to_string(),
    };
    outln!(
        "connected to the team archive {} (objects in {}; secrets from {from})",
        safe(&team.record.place()),
        safe(&team.record.objects)
    );
    if let Some(file) = &ca {
        outln!(
            "  the servers' certificates are checked against the certificate authorities of {} only",
            shown(file)
        );
    }
    match (&team.record.creator, begun_by) {
        (Some(c), Some(_)) => outln!("  begun by key {}, pinned", c.hex()),
        (Some(c), None) => outln!(
            "  not begun yet: its creator, key {}, begins it with `tweevoud archive init`",
            c.hex()
        ),
        (None, Some(by)) => {
            outln!(
                "  begun by key {}: compare it with its creator's, then connect again with --creator {}",
                by.as_str(),
                by.as_str()
            );
            outln!("  (until then, no entry of it is acted on)");
        }
        (None, None) => {
            outln!("  not begun yet: its creator begins it with `tweevoud archive init`")
        }
    }
    Ok(Outcome::Ok)
}

/// `archive disconnect`: back to the local archive.
fn disconnect(profile: &ProfileArgs) -> Result<Outcome> {
    let p = profile.profile()?;
    let path = p.team_archive_file();
    let was = TeamRecord::load(&path).ok().flatten();
    if TeamRecord::remove(&path)? {
        outln!(
            "disconnected{}: the archive commands use the local archive {} again",
            was.map(|r| format!(" from the team archive {}", safe(&r.place())))
                .unwrap_or_default(),
            shown(&p.archive_dir())
        );
    } else {
        outln!(
            "not connected to a team archive: the archive commands use the local archive {}",
            shown(&p.archive_dir())
        );
    }
    Ok(Outcome::Ok)
}

/// `archive init`: the creator begins the connected team archive and pins itself.
fn init(profile: &ProfileArgs, members: &[String], k: &LogKeyArgs) -> Result<Outcome> {
    let p = profile.profile()?;
    let mut team = connected(profile)?;
    let keys = members
        .iter()
        .map(|m| key_named(&p, m))
        .collect::<Result<Vec<_>>>()?;
    let key = unlock_required(profile, k)?;
    let creator = *key.info().fingerprint();
    // The creator pinned first: the cache and the checkpoint are those of the archive as
    // this creator's members write it.
    team.record.creator = Some(creator);
    let team = self::team(&p, team.record)?;
    let trust = Trust::keys(own_keys(&p)?)
        .with_checkpoint(team.checkpoint.clone())
        .with_creator(creator);
    let mut archive = team.open(&trust)?;
    let entry = archive.begin_team(&keys, now()?, &key)?;
    team.record.save(&p.team_archive_file())?;
    outln!(
        "began the team archive {} at log entry {}: {} member(s), created by key {}",
        safe(&team.record.place()),
        entry.seq,
        entry.members.len(),
        creator.hex()
    );
    Ok(Outcome::Ok)
}

/// `archive members add|remove`: the creator changes the members.
fn change_members(profile: &ProfileArgs, change: MembersChange) -> Result<Outcome> {
    let p = profile.profile()?;
    let (members, k, joining) = match &change {
        MembersChange::Add { members, key } => (members, key, true),
        MembersChange::Remove { members, key } => (members, key, false),
    };
    let keys = members
        .iter()
        .map(|m| key_named(&p, m))
        .collect::<Result<Vec<_>>>()?;
    let team = connected(profile)?;
    let place = Place::Team(Box::new(team));
    let key = unlock_required(profile, k)?;
    let mut archive = open(profile, &place)?;
    let (add, remove): (&[Fingerprint], &[Fingerprint]) =
        if joining { (&keys, &[]) } else { (&[], &keys) };
    let entry = archive.change_members(add, remove, now()?, &key)?;
    outln!(
        "the members of the team archive {} changed at log entry {}: {} member(s)",
        place.name(),
        entry.seq,
        entry.members.len()
    );
    for m in &entry.members {
        outln!("  {}", m.as_str());
    }
    Ok(Outcome::Ok)
}

/// `archive push`: the local archive copied into the connected team archive.
fn push(
    profile: &ProfileArgs,
    dir: &ArchiveDirArgs,
    k: &LogKeyArgs,
    json: bool,
) -> Result<Outcome> {
    let local_dir = dir.dir(profile)?;
    let team = Place::Team(Box::new(connected(profile)?));
    let key = unlock_required(profile, k)?;
    let local = open(profile, &Place::Local(local_dir.clone()))?;
    let mut archive = open(profile, &team)?;
    let pushed = local.push_into(&mut archive, now()?, &key)?;
    if json {
        print_json(&pushed)?;
        return Ok(Outcome::Ok);
    }
    outln!(
        "pushed {} into the team archive {}: {} agreement version(s) copied, {} already there, {} erased",
        shown(&local_dir),
        team.name(),
        pushed.copied.len(),
        pushed.already,
        pushed.erased.len()
    );
    for added in &pushed.copied {
        outln!(
            "  copied {}{}",
            safe(&added.id),
            safe(
                &added
                    .customer
                    .as_deref()
                    .map(|c| format!(" with {c}"))
                    .unwrap_or_default()
            )
        );
    }
    for id in &pushed.erased {
        outln!("  erased {}", safe(id));
    }
    if pushed.skipped_erased > 0 {
        outln!(
            "  {} version(s) not copied: the local archive erased them",
            pushed.skipped_erased
        );
    }
    Ok(Outcome::Ok)
}
