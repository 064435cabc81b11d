//! `tweevoud sign` and `tweevoud verify`: one code path for the first signature and the
//! countersignature, and the verdict in words.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use serde::Serialize;
use tweevoud::contact::{self, Trust};
use tweevoud::key::{Fingerprint, KeyStore, PublicKey};
use tweevoud::profile::Profile;
use tweevoud::verify::SignatureCheck;
use tweevoud::{verify, Agreement, Party, Status, Verification};

use super::keys::{read_passphrase, PassphraseArgs, ProfileArgs};
use super::{now, print_json, shown, Outcome};

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
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    archive: super::archive::ArchiveDirArgs,
}

pub fn sign(a: SignArgs) -> Result<Outcome> {
    let mut agreement = Agreement::load(&a.file)?;
    let out = super::export::output_path(&a.file, a.output.as_deref())?;
    let profile = a.profile.profile()?;
    let store = KeyStore::open(&profile);
    let info = store.get(&a.key)?;
    let before = verify(&agreement);
    for s in &before.signatures {
        outln!(
            "already signed for the {} by {}: {}",
            s.role,
            s.name,
            trust_words(Some(&profile), s)
        );
    }
    let passphrase = read_passphrase(
        a.passphrase.file(),
        false,
        &format!("Passphrase for {}: ", info.display_name()),
    )?;
    let key = store.unlock(&a.key, &passphrase)?;
    drop(passphrase);
    let record = agreement.sign(&key, a.party, Some(info.name()), a.leave_open_for, now()?)?;
    let fingerprint = Fingerprint::of_raw_public_key(&key.public().to_bytes());
    outln!(
        "signed as the {} by {}, key {}",
        a.party,
        record.statement.signer.name,
        fingerprint
    );
    agreement
        .save(&out)
        .with_context(|| "the signature was not saved")?;
    let after = verify(&agreement);
    outln!("{}: {}", shown(&out), after.summary());
    Ok(Outcome::Ok)
}

/// The trust in one signature's key, in words.
fn trust_of(profile: Option<&Profile>, check: &SignatureCheck) -> Option<Trust> {
    let key = PublicKey::from_base64(&check.public_key).ok()?;
    contact::trust(profile?, &key).ok()
}

fn trust_words(profile: Option<&Profile>, check: &SignatureCheck) -> String {
    match trust_of(profile, check) {
        Some(t) => t.describe(),
        None => "a key that cannot be read".to_string(),
    }
}

#[derive(Serialize)]
struct TrustJson {
    status: &'static str,
    description: String,
}

#[derive(Serialize)]
struct SignatureJson<'a> {
    #[serde(flatten)]
    check: &'a SignatureCheck,
    trust: TrustJson,
}

#[derive(Serialize)]
struct VerifyJson<'a> {
    file: String,
    status: Status,
    summary: String,
    awaiting: Option<Party>,
    template: &'a str,
    template_sha256: &'a str,
    text_sha256: &'a str,
    signatures: Vec<SignatureJson<'a>>,
    problems: &'a [tweevoud::Reason],
    unsigned_values: &'a [String],
    /// For an exemplar PDF: which exemplar, and whether its pages are the ones its agreement gives.
    #[serde(skip_serializing_if = "Option::is_none")]
    exemplar: Option<ExemplarJson<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    archive: Option<&'a super::archive::ArchiveVerdict>,
}

impl<'a> VerifyJson<'a> {
    /// The report on `file`, with the trust this profile has in each signer's key.
    fn new(
        file: &Path,
        report: &'a Verification,
        profile: Option<&Profile>,
        exemplar: Option<ExemplarJson<'a>>,
        archive: Option<&'a super::archive::ArchiveVerdict>,
    ) -> VerifyJson<'a> {
        VerifyJson {
            file: shown(file),
            status: report.status,
            summary: report.summary(),
            awaiting: report.awaiting,
            template: &report.template,
            template_sha256: &report.template_sha256,
            text_sha256: &report.text_sha256,
            signatures: report
                .signatures
                .iter()
                .map(|c| SignatureJson {
                    check: c,
                    trust: trust_json(profile, c),
                })
                .collect(),
            problems: &report.problems,
            unsigned_values: &report.unsigned_values,
            exemplar,
            archive,
        }
    }
}

fn trust_json(profile: Option<&Profile>, check: &SignatureCheck) -> TrustJson {
    match trust_of(profile, check) {
        Some(t) => TrustJson {
            status: match t {
                Trust::OwnKey { .. } => "own_key",
                Trust::VerifiedContact { .. } => "verified_contact",
                Trust::UnverifiedContact { .. } => "unverified_contact",
                _ => "unknown",
            },
            description: t.describe(),
        },
        None => TrustJson {
            status: "unknown",
            description: "a key that cannot be read".to_string(),
        },
    }
}

/// Why a file is not a verifiable agreement, when it cannot even be read as one.
fn not_an_agreement(path: &Path, bytes: &[u8], reason: String, json: bool) -> Result<Outcome> {
    let kind = tweevoud::identify(bytes);
    let looks_like_ours = kind.is_tweevoud();
    let summary = if looks_like_ours {
        format!("INVALID: {reason}")
    } else {
        "not a Tweevoud agreement file".to_string()
    };
    if json {
        print_json(&serde_json::json!({
            "file": shown(path),
            "status": "invalid",
            "summary": summary,
            "awaiting": null,
            "signatures": [],
            "problems": [tweevoud::Reason::Unreadable { kind, detail: reason.clone() }],
            "unsigned_values": [],
        }))?;
    } else {
        outln!("{}: {summary}", shown(path));
        if !looks_like_ours {
            outln!("  {reason}");
        }
    }
    Ok(Outcome::Negative)
}

pub fn verify_command(a: VerifyArgs) -> Result<Outcome> {
    if tweevoud::pdf::is_pdf_file(&a.file).unwrap_or(false) {
        return verify_exemplar_command(&a);
    }
    let bytes = tweevoud::fsutil::read_limited(&a.file, tweevoud::pdf::MAX_PDF_BYTES)
        .with_context(|| format!("cannot read {}", shown(&a.file)))?;
    let agreement = match std::str::from_utf8(&bytes)
        .map_err(|_| "the file is not UTF-8 text".to_string())
        .and_then(|t| Agreement::from_json(t).map_err(|e| e.to_string()))
    {
        Ok(a) => a,
        Err(reason) => return not_an_agreement(&a.file, &bytes, reason, a.json),
    };
    // Trust is looked up in the profile when there is one; validity never depends on it.
    let profile = a.profile.profile().ok();
    let report = verify(&agreement);
    // What the archive knows of this very file: a stored exemplar, a changed copy, unknown.
    let stored = a
        .archive
        .dir(&a.profile)
        .ok()
        .map(|dir| super::archive::verdict(&dir, &bytes));
    if a.json {
        print_json(&VerifyJson::new(
            &a.file,
            &report,
            profile.as_ref(),
            None,
            stored.as_ref(),
        ))?;
    } else {
        print_report(&a.file, &agreement, &report, profile.as_ref());
        if let Some(v) = &stored {
            outln!("  archive: {}", v.description);
        }
    }
    Ok(match report.status {
        _ if stored.as_ref().is_some_and(|v| v.negative) => Outcome::Negative,
        Status::Complete | Status::AwaitingCountersignature => Outcome::Ok,
        _ => Outcome::Negative,
    })
}

fn print_report(path: &Path, agreement: &Agreement, r: &Verification, profile: Option<&Profile>) {
    outln!("{}: {}", shown(path), r.summary());
    outln!(
        "  template {} ({}), text sha256 {}",
        r.template,
        &r.template_sha256[..16],
        &r.text_sha256[..16]
    );
    for c in &r.signatures {
        let fingerprint = PublicKey::from_base64(&c.public_key)
            .map(|k| k.fingerprint().to_string())
            .unwrap_or_else(|_| "unreadable".to_string());
        outln!(
            "  signature {} for the {}: {}, {}, {} — {}",
            c.index + 1,
            c.role,
            c.name,
            c.function,
            c.organisation,
            if c.valid { "valid" } else { "INVALID" }
        );
        outln!("    signed {} with Ed25519 key {fingerprint}", c.time);
        outln!("    whose key is: {}", trust_words(profile, c));
        for p in &c.problems {
            outln!("    problem: {p}");
        }
    }
    for p in &r.problems {
        outln!("  problem: {p}");
    }
    if r.status == Status::AwaitingCountersignature {
        if let Some(last) = agreement.signatures().last() {
            let open: Vec<&str> = last
                .statement
                .open
                .iter()
                .map(|o| o.blank.as_str())
                .collect();
            if !open.is_empty() {
                outln!("  left open for the other party: {}", open.join(", "));
            }
        }
        if !r.unsigned_values.is_empty() {
            outln!(
                "  filled since, not yet signed: {}",
                r.unsigned_values.join(", ")
            );
        }
    }
}

/// `verify` of an exemplar PDF: the agreement inside, as for an agreement file, and whether
/// the visible document is the exemplar that agreement gives (docs/pdf.md).
fn verify_exemplar_command(a: &VerifyArgs) -> Result<Outcome> {
    use tweevoud::pdf;
    let bytes = match pdf::read_pdf_file(&a.file) {
        Ok(bytes) => bytes,
        Err(tweevoud::AgreementError::InFile { source, .. }) => {
            return not_an_exemplar(&a.file, source.to_string(), true, a.json)
        }
        Err(e) => return Err(e.into()),
    };
    let check = match pdf::verify_exemplar(&bytes) {
        Ok(check) => check,
        Err(e) => {
            // A PDF that cannot be read, or that carries no agreement file, is not an
            // exemplar; one whose agreement file is broken is an invalid exemplar.
            let ours = tweevoud::identify(&bytes).is_tweevoud();
            return not_an_exemplar(&a.file, e.to_string(), ours, a.json);
        }
    };
    let profile = a.profile.profile().ok();
    let report = &check.verification;
    let stored = a
        .archive
        .dir(&a.profile)
        .ok()
        .map(|dir| super::archive::verdict(&dir, &bytes));
    if a.json {
        let exemplar = ExemplarJson {
            id: check.exemplar.map(|e| e.id()),
            label: check.label.as_deref(),
            visible_document_matches: check.visible_document_matches,
        };
        print_json(&VerifyJson::new(
            &a.file,
            report,
            profile.as_ref(),
            Some(exemplar),
            stored.as_ref(),
        ))?;
    } else {
        print_report(&a.file, &check.agreement, report, profile.as_ref());
        outln!(
            "  exemplar: {} — the visible document {}",
            check.label.as_deref().unwrap_or("(unknown)"),
            if check.visible_document_matches {
                "is the one the signed agreement gives"
            } else {
                "is NOT the one the signed agreement gives"
            }
        );
        if let Some(v) = &stored {
            outln!("  archive: {}", v.description);
        }
    }
    Ok(match report.status {
        _ if stored.as_ref().is_some_and(|v| v.negative) => Outcome::Negative,
        Status::Complete | Status::AwaitingCountersignature => Outcome::Ok,
        _ => Outcome::Negative,
    })
}

/// What `verify --json` prints for an exemplar PDF: the fields of an agreement file's report,
/// and `exemplar`.
#[derive(Serialize)]
struct ExemplarJson<'a> {
    id: Option<&'static str>,
    label: Option<&'a str>,
    visible_document_matches: bool,
}

/// A PDF that is not a readable exemplar: "not a Tweevoud exemplar", or invalid with the reason.
fn not_an_exemplar(path: &Path, reason: String, ours: bool, json: bool) -> Result<Outcome> {
    let kind = if ours {
        tweevoud::FileKind::Exemplar
    } else {
        tweevoud::FileKind::OtherPdf
    };
    let summary = if ours {
        format!("INVALID: {reason}")
    } else {
        "not a Tweevoud exemplar".to_string()
    };
    if json {
        print_json(&serde_json::json!({
            "file": shown(path),
            "status": "invalid",
            "summary": summary,
            "awaiting": null,
            "signatures": [],
            "problems": [tweevoud::Reason::Unreadable { kind, detail: reason.clone() }],
            "unsigned_values": [],
        }))?;
    } else {
        outln!("{}: {summary}", shown(path));
        if !ours {
            outln!("  {reason}");
        }
    }
    Ok(Outcome::Negative)
}
