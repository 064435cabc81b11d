//! `tweevoud tsa` (the time-stamping authorities the profile names), `tweevoud timestamp`
//! (trusted timestamps for signatures that have none) and `tweevoud seal` (the second seal on
//! a received exemplar).

use std::path::PathBuf;

use anyhow::{Context as _, Result};
use clap::{Args, Subcommand};
use tweevoud::tsa::TsaList;
use tweevoud::{pdf, Agreement, Coded};

use super::keys::ProfileArgs;
use super::sealing::{SealStamps, Sealing, SealingArgs};
use super::{print_json, safe, shown, Outcome};

#[derive(Args)]
pub struct TsaArgs {
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(subcommand)]
    command: TsaCommand,
}

#[derive(Subcommand)]
enum TsaCommand {
    /// Name a TSA, trusted through a certificate (its own, or a CA's above it); TSAs are
    /// asked in the order they were added.
    Add {
        /// Where it answers: an http:// address (RFC 3161 over HTTP).
        url: String,
        /// The certificate trusted for it, PEM or DER.
        #[arg(long, value_name = "FILE")]
        cert: PathBuf,
    },
    /// List the TSAs, in the order they are asked.
    List {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Stop asking a TSA, and stop trusting its certificate.
    Remove {
        /// Its address, as listed.
        url: String,
    },
}

pub fn tsa(a: TsaArgs) -> Result<Outcome> {
    let profile = a.profile.profile()?;
    let list = TsaList::open(&profile);
    match a.command {
        TsaCommand::Add { url, cert } => {
            let bytes = tweevoud::fsutil::read_limited(&cert, 1 << 20)
                .with_context(|| format!("cannot read {}", shown(&cert)))?;
            let tsa = list.add(&url, &bytes)?;
            let anchor = tsa.anchor()?;
            outln!(
                "added {} (trusted through {}, certificate sha256 {})",
                safe(&tsa.url),
                safe(&anchor.subject()),
                anchor.sha256()
            );
        }
        TsaCommand::List { json } => {
            let tsas = list.list()?;
            if json {
                let rows: Vec<serde_json::Value> = tsas
                    .iter()
                    .map(|t| {
                        let anchor = t.anchor().ok();
                        serde_json::json!({
                            "url": t.url,
                            "trusted_through": anchor.as_ref().map(|a| a.subject()),
                            "certificate_sha256": anchor.as_ref().map(|a| a.sha256()),
                        })
                    })
                    .collect();
                print_json(&rows)?;
            } else if tsas.is_empty() {
                outln!("no time-stamping authority: signatures get no trusted timestamp (add one with `tweevoud tsa add URL --cert CERT.pem`)");
            } else {
                for t in tsas {
                    match t.anchor() {
                        Ok(a) => {
                            outln!("{}  trusted through {}", safe(&t.url), safe(&a.subject()))
                        }
                        Err(e) => outln!(
                            "{}  (its certificate cannot be read: {})",
                            safe(&t.url),
                            safe(&e)
                        ),
                    }
                }
            }
        }
        TsaCommand::Remove { url } => {
            list.remove(&url)?;
            outln!("removed {}", safe(&url));
        }
    }
    Ok(Outcome::Ok)
}

/// Asks the profile's TSAs for a timestamp of every signature of `agreement` that has none,
/// and adds each token obtained. Prints what happened; returns how many signatures are still
/// without one.
pub(crate) fn stamp_signatures(agreement: &mut Agreement, list: &TsaList) -> usize {
    (0..agreement.signatures().len())
        .map(|i| stamp_signatures_at(agreement, list, i))
        .sum()
}

/// [`stamp_signatures`] for signature `i` alone: 1 if it is still without a timestamp.
pub(crate) fn stamp_signatures_at(agreement: &mut Agreement, list: &TsaList, i: usize) -> usize {
    let Some(record) = agreement.signatures().get(i) else {
        return 0;
    };
    if !record.timestamps.is_empty() {
        return 0;
    }
    let name = safe(&record.statement.signer.name);
    let Some(bytes) = record.signature_bytes() else {
        return 1;
    };
    let token = match list.stamp(&bytes) {
        Ok(token) => token,
        Err(failures) if failures.is_empty() => {
            errln!(
                "tweevoud: no timestamp for {name}'s signature: this profile names no time-stamping authority (`tweevoud tsa add URL --cert CERT.pem`)"
            );
            return 1;
        }
        Err(failures) => {
            for (url, e) in failures {
                errln!(
                    "tweevoud: no timestamp for {name}'s signature from {}: {} ({})",
                    safe(&url),
                    safe(&e),
                    e.code()
                );
            }
            return 1;
        }
    };
    if let Err(e) = agreement.add_timestamp(i, &token) {
        errln!(
            "tweevoud: the timestamp of {name}'s signature was refused: {}",
            safe(&e)
        );
        return 1;
    }
    if let Ok(a) = tweevoud::timestamp::check_token(&token, &bytes, &list.anchors()) {
        outln!(
            "timestamped the signature of {name}: {} by {}{}",
            a.time.to_rfc3339(),
            safe(&a.tsa),
            if a.trusted {
                ""
            } else {
                " (a TSA this profile does not trust)"
            }
        );
    }
    0
}

#[derive(Args)]
pub struct TimestampArgs {
    /// The agreement file (or an exemplar PDF: then the agreement file is written beside it).
    file: PathBuf,
    /// Write the agreement file here instead of changing FILE.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    profile: ProfileArgs,
}

/// `tweevoud timestamp`: trusted timestamps for the signatures that have none (made offline,
/// or when no TSA answered). Exit 1 if a signature is still without one.
pub fn timestamp(a: TimestampArgs) -> Result<Outcome> {
    let mut agreement = Agreement::load(&a.file)?;
    let out = super::export::output_path(&a.file, a.output.as_deref())?;
    let profile = a.profile.profile()?;
    let before = agreement.to_json();
    let missing = stamp_signatures(&mut agreement, &TsaList::open(&profile));
    if agreement.to_json() != before {
        agreement
            .save(&out)
            .with_context(|| "the timestamps were not saved")?;
        outln!("{}: saved", shown(&out));
    } else if missing == 0 {
        outln!(
            "{}: every signature has a timestamp already",
            shown(&a.file)
        );
    }
    Ok(if missing == 0 {
        Outcome::Ok
    } else {
        Outcome::Negative
    })
}

#[derive(Args)]
pub struct SealArgs {
    /// A sealed exemplar PDF you received (exported by Tweevoud from renderer 3 on).
    file: PathBuf,
    /// Write the PDF with your seal here instead of changing FILE.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    sealing: SealingArgs,
}

/// `tweevoud seal`: adds your seal to an exemplar the other party sealed, as an incremental
/// update, so that the PDF itself shows that both parties hold it.
pub fn seal(a: SealArgs) -> Result<Outcome> {
    let bytes = tweevoud::fsutil::read_limited(&a.file, pdf::MAX_PDF_BYTES)
        .with_context(|| format!("cannot read {}", shown(&a.file)))?;
    let checked = pdf::check_exemplar(&bytes)?;
    let sealed = a
        .sealing
        .with_sealing(&checked.agreement, |profile, sealing| {
            let list = TsaList::open(profile);
            let stamps = SealStamps::new(&list, a.sealing.no_timestamp());
            let stamp = |signature: &[u8]| stamps.stamp(signature);
            let sealed = match sealing {
                Sealing::Key(key) => pdf::add_seal(&bytes, key.as_ref(), Some(&stamp))?,
                Sealing::Card { card, ocsp } => {
                    pdf::add_card_seal(&bytes, card.as_ref(), ocsp.clone(), Some(&stamp))?
                }
            };
            stamps.warn();
            Ok(sealed)
        })?;
    let out = a.output.unwrap_or(a.file);
    tweevoud::fsutil::write_atomic(&out, &sealed)
        .with_context(|| format!("cannot write {}", shown(&out)))?;
    outln!(
        "{}  {}",
        tweevoud::canonical::sha256_hex(&sealed),
        shown(&out)
    );
    Ok(Outcome::Ok)
}
