//! `tweevoud sign` and `tweevoud verify`: one code path for the first signature and the
//! countersignature, and the verdict in words.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, Result};
use clap::Args;
use tweevoud::archive::Lookup;
use tweevoud::judgement::{judge_agreement, ArchiveCheck};
use tweevoud::key::Fingerprint;
use tweevoud::profile::KeyStore;
use tweevoud::{judge_file, Agreement, Context, Judgement, Keyring, Party, VerdictCode};

use super::keys::{read_passphrase, PassphraseArgs, ProfileArgs};
use super::{now, print_json, safe, shown, Outcome};

#[derive(Args)]
pub struct SignArgs {
    /// The agreement file.
    file: PathBuf,
    /// Your signing key: a fingerprint (or its first 8+ hex digits) or the key's name.
    #[arg(long)]
    key: String,
    /// The party you sign for.
    #[arg(long = "as", value_name = "PARTY")]
    party: Party,
    /// Leave the other party's empty blanks open for it to fill when it countersigns.
    #[arg(long, value_name = "PARTY")]
    leave_open_for: Option<Party>,
    /// Write the signed agreement here instead of changing FILE.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// Do not ask the profile's TSAs for a trusted timestamp of the signature (add one later
    /// with `tweevoud timestamp FILE`).
    #[arg(long)]
    no_timestamp: bool,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// An agreement file, or an exemplar PDF.
    file: PathBuf,
    /// Print JSON (documented in docs/format.md).
    #[arg(long)]
    json: bool,
    /// Exit 1, not 3, when the signatures are valid but a signer's key is neither yours nor a
    /// contact you verified.
    #[arg(long)]
    require_confirmed: bool,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    archive: super::archive::ArchiveDirArgs,
}

pub fn sign(a: SignArgs) -> Result<Outcome> {
    let mut agreement = Agreement::load(&a.file)?;
    let out = super::export::output_path(&a.file, a.output.as_deref())?;
    let profile = a.profile.profile()?;
    let ctx = Context {
        keyring: Some(&profile),
        archive: None,
    };
    let store = KeyStore::open(&profile);
    let info = store.get(&a.key)?;
    for s in judge_agreement(&agreement, None, &ctx).signatures {
        outln!(
            "already signed for the {} by {}: {}",
            s.check.role,
            safe(&s.check.name),
            safe(&s.trust.description)
        );
    }
    let passphrase = read_passphrase(
        a.passphrase.file(),
        false,
        &format!("Passphrase for {}: ", safe(&info.display_name())),
    )?;
    let key = store.unlock(&a.key, &passphrase)?;
    drop(passphrase);
    let record = agreement.sign(&key, a.party, Some(info.name()), a.leave_open_for, now()?)?;
    let fingerprint = Fingerprint::of_raw_public_key(&key.public().to_bytes());
    outln!(
        "signed as the {} by {}, key {}",
        a.party,
        safe(&record.statement.signer.name),
        fingerprint
    );
    // A trusted time for the signature, when a TSA answers; signing does not depend on it.
    if !a.no_timestamp {
        let list = tweevoud::tsa::TsaList::open(&profile);
        let index = agreement.signatures().len() - 1;
        if super::stamp::stamp_signatures_at(&mut agreement, &list, index) > 0 {
            errln!(
                "tweevoud: the signature stands without a trusted timestamp; add one later with `tweevoud timestamp {}`",
                shown(&out)
            );
        }
    }
    agreement
        .save(&out)
        .with_context(|| "the signature was not saved")?;
    let after = judge_agreement(&agreement, None, &ctx);
    outln!("{}: {}", shown(&out), safe(&after.summary));
    Ok(Outcome::Ok)
}

/// `tweevoud verify`: the core's judgement of the file, in words or as JSON, and its exit code.
pub fn verify_command(a: VerifyArgs) -> Result<Outcome> {
    // Trust is looked up in the profile when there is one; validity never depends on it.
    let profile = a.profile.profile().ok();
    let archive = a.archive.dir(&a.profile).ok();
    // A profile connected to a team archive compares the file with it (its member's index,
    // the entries it authenticated), as with a local archive.
    let judgement = match super::archive::connected_team(&a.profile, &a.archive) {
        Some(team) => {
            let ctx = Context {
                keyring: profile.as_ref().map(|p| p as &dyn Keyring),
                archive: None,
            };
            tweevoud::judgement::judge_file_looked_up(&a.file, &ctx, |bytes| {
                team.and_then(|t| t.lookup(bytes).map_err(|e| e.to_string()))
            })?
        }
        None => {
            let ctx = Context {
                keyring: profile.as_ref().map(|p| p as &dyn Keyring),
                archive: archive.as_deref(),
            };
            judge_file(&a.file, &ctx)?
        }
    };
    if a.json {
        print_json(&VerifyJson {
            file: a.file.display().to_string(),
            judgement: &judgement,
        })?;
    } else {
        print_judgement(&a.file, &judgement);
    }
    let code = judgement.verdict.code;
    Ok(match code.exit_code() {
        0 => Outcome::Ok,
        3 if !a.require_confirmed => Outcome::Unconfirmed,
        _ => Outcome::Negative,
    })
}

/// What `verify --json` prints: the judgement, and the file's name.
#[derive(serde::Serialize)]
struct VerifyJson<'a> {
    file: String,
    #[serde(flatten)]
    judgement: &'a Judgement,
}

fn print_judgement(path: &Path, j: &Judgement) {
    outln!("{}: {}", shown(path), safe(&j.summary));
    let short = |h: &Option<String>| {
        h.as_deref()
            .and_then(|h| h.get(..16))
            .unwrap_or("")
            .to_string()
    };
    if let Some(template) = &j.template {
        outln!(
            "  template {} ({}), text sha256 {}",
            safe(template),
            short(&j.template_sha256),
            short(&j.text_sha256)
        );
    }
    for s in &j.signatures {
        let c = &s.check;
        outln!(
            "  signature {} for the {}: {}, {}, {} — {}",
            c.index + 1,
            c.role,
            safe(&c.name),
            safe(&c.function),
            safe(&c.organisation),
            if c.valid { "valid" } else { "INVALID" }
        );
        let fingerprint = match s.fingerprint_grouped.as_str() {
            "" => "that cannot be read",
            f => f,
        };
        outln!(
            "    signed {} with Ed25519 key {fingerprint}",
            safe(&c.time)
        );
        outln!(
            "    whose key is: {}{}",
            safe(&s.trust.description),
            if s.trust.confirmed {
                ""
            } else {
                " — NOT CONFIRMED"
            }
        );
        if let Some(eid) = &s.trust.eid {
            let c = &eid.confirmation;
            outln!(
                "    eID Signature certificate under {}, valid until {}; revocation: {}",
                safe(&c.root),
                safe(&c.valid_until),
                match &c.revocation {
                    tweevoud::eid::Revocation::Good { this_update } =>
                        format!("not revoked (OCSP answer of {})", safe(this_update)),
                    tweevoud::eid::Revocation::RevokedLater { revoked } =>
                        format!("revoked on {}, after it signed", safe(revoked)),
                    tweevoud::eid::Revocation::NotChecked => "not checked".to_string(),
                }
            );
            for n in &eid.notes {
                outln!("    note: {}", safe(n));
            }
        }
        if s.attested.is_empty() && c.valid {
            outln!("    no trusted timestamp: the signing time rests on the signer's word");
        }
        for t in &s.attested {
            outln!("    {}", timestamp_words(t));
        }
        for p in &c.problems {
            outln!("    problem: {}", safe(p));
        }
    }
    // A file that could not be read has its one reason in the summary already.
    if j.agreement.is_some() {
        for p in &j.problems {
            outln!("  problem: {}", safe(p));
        }
    }
    if !j.left_open.is_empty() {
        let open: Vec<String> = j.left_open.iter().map(|o| safe(&o.blank)).collect();
        outln!("  left open for the other party: {}", open.join(", "));
    }
    if !j.unsigned_values.is_empty() {
        outln!(
            "  filled since, not yet signed: {}",
            safe(&j.unsigned_values.join(", "))
        );
    }
    if !j.unsigned_audit.is_empty() {
        let entries: Vec<String> = j.unsigned_audit.iter().map(u64::to_string).collect();
        outln!(
            "  audit entries after the last signature, which no signature covers: {}",
            entries.join(", ")
        );
    }
    if let Some(pdf) = &j.exemplar {
        outln!(
            "  exemplar: {} — the visible document {}",
            safe(pdf.label.as_deref().unwrap_or("(unknown)")),
            if pdf.visible_document_matches {
                "is the one the signed agreement gives"
            } else {
                "is NOT the one the signed agreement gives"
            }
        );
    }
    for seal in &j.seals {
        let by = match &seal.eid {
            Some(e) => format!(
                "sealed with the Belgian eID of {} (a qualified seal{})",
                safe(&e.holder),
                if e.revocation_checked {
                    ""
                } else {
                    "; revocation not checked"
                }
            ),
            None => format!("sealed by {}", safe(&seal.name)),
        };
        outln!(
            "  seal {}: {by}{}, key {}",
            seal.number,
            seal.role
                .map(|r| format!(" for the {r}"))
                .unwrap_or_default(),
            seal.fingerprint_grouped
        );
        match &seal.timestamp {
            Some(t) => outln!("    {}", timestamp_words(t)),
            None => outln!("    no timestamp of the seal"),
        }
    }
    for other in &j.other_signatures {
        outln!(
            "  signature appended by another program{}: {}",
            other
                .field
                .as_deref()
                .map(|f| format!(" (field {})", safe(f)))
                .unwrap_or_default(),
            match (&other.problem, &other.name) {
                (Some(problem), _) => format!(
                    "does NOT hold ({}): {problem}",
                    tweevoud::Coded::code(problem)
                ),
                (None, name) => format!(
                    "holds, signed by {}{} — {}",
                    safe(name.as_deref().unwrap_or("(unnamed)")),
                    other
                        .time
                        .as_deref()
                        .map(|t| format!(" at {} (as it states)", safe(t)))
                        .unwrap_or_default(),
                    if other.trusted {
                        "its certificate chains to a Belgian eID root"
                    } else {
                        "NOT a certificate Tweevoud trusts"
                    }
                ),
            }
        );
    }
    if !j.other_signatures.is_empty() {
        outln!("    (signatures appended after the seals do not change the verdict: it is the agreement's)");
    }
    if let Some(archive) = &j.archive {
        outln!("  archive: {}", archive_words(archive));
    }
    if matches!(
        j.verdict.code,
        VerdictCode::CompleteUnconfirmed | VerdictCode::AwaitingUnconfirmed
    ) {
        outln!(
            "  to confirm a signer: compare the fingerprint above with the signer (by phone, in person), then `tweevoud contact add KEY.pem --verified` or `tweevoud contact verify NAME`"
        );
    }
}

/// A timestamp, in words: when, by whom, and whether the profile trusts its TSA.
fn timestamp_words(t: &tweevoud::judgement::JudgedTimestamp) -> String {
    let mut words = format!(
        "timestamped {} by {} — {}",
        safe(&t.stamped.time),
        safe(&t.stamped.tsa),
        if t.trusted {
            "a TSA you trust"
        } else {
            "NOT a TSA you trust, so its time is not attested (`tweevoud tsa add`)"
        }
    );
    for note in &t.notes {
        words.push_str(&format!("\n    note: {}", safe(note)));
    }
    words
}

/// What the archive knows of the file, in words.
fn archive_words(check: &ArchiveCheck) -> String {
    let lookup = match check {
        ArchiveCheck::Unavailable { detail } => {
            return format!("the archive cannot be consulted: {}", safe(detail))
        }
        ArchiveCheck::Consulted(lookup) => lookup,
    };
    let of = |s: &tweevoud::archive::Summary| {
        format!(
            "agreement {} with {}",
            safe(&s.id),
            safe(s.customer.as_deref().unwrap_or("(customer not filled in)"))
        )
    };
    let day = |t: &str| t.get(..10).unwrap_or(t).to_string();
    match lookup {
        Lookup::NoArchive => "unknown to this archive (there is no archive)".to_string(),
        Lookup::Exemplar {
            agreement,
            number,
            of: count,
            archived,
        } => format!(
            "exemplar {number} of {count} of {}, archived on {}",
            of(agreement),
            safe(&day(archived))
        ),
        Lookup::AgreementFile {
            agreement,
            current,
            archived,
        } => format!(
            "the {} agreement file of {}, archived on {}",
            if *current { "current" } else { "earlier" },
            of(agreement),
            safe(&day(archived))
        ),
        Lookup::SameContent { agreement } => {
            format!("the same agreement as the archived {}", of(agreement))
        }
        Lookup::OtherVersion { agreement } => format!(
            "another version of the archived {}, not itself archived",
            of(agreement)
        ),
        Lookup::DiffersFromExemplars { agreement } => format!(
            "DIFFERS from every stored exemplar of {}: this copy was changed",
            of(agreement)
        ),
        _ => "unknown to this archive".to_string(),
    }
}
