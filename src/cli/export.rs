//! `tweevoud export`: the exemplar PDFs of a signed agreement; and where commands that change
//! an agreement write it when they were given an exemplar PDF.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};
use clap::Args;
use tweevoud::canonical::sha256_hex;
use tweevoud::pdf::{self, PdfError};
use tweevoud::{Agreement, Coded};

use super::sealing::{SealStamps, SealingArgs};
use super::{safe, shown, Outcome};

#[derive(Args)]
pub struct ExportArgs {
    /// An agreement file, or an exemplar PDF.
    file: PathBuf,
    /// The directory to write the PDFs in [default: the directory of FILE].
    #[arg(short, long, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Replace existing PDFs of the same name whose content differs.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    sealing: SealingArgs,
}

/// The line that says why no exemplar is made of `file` (exit 1): `tweevoud: not
/// exported[CODE]: FILE: WORDS`, with the core's code (README, "Exit codes").
fn not_exported(file: &Path, e: &PdfError) -> String {
    format!(
        "tweevoud: not exported[{}]: {}: {}",
        e.code(),
        shown(file),
        safe(e)
    )
}

/// Writes the exemplars and prints, per file, its SHA-256 and its path (as `sha256sum` does).
pub fn export(a: ExportArgs) -> Result<Outcome> {
    let agreement = Agreement::load(&a.file)?;
    // Nothing to seal: say why before asking for a passphrase.
    let report = tweevoud::verify::verify(&agreement);
    let nothing = match report.status {
        tweevoud::verify::Status::Unsigned => Some(PdfError::Unsigned),
        tweevoud::verify::Status::Invalid => Some(PdfError::Invalid(
            report.first_problem().unwrap_or_default(),
        )),
        _ => None,
    };
    if let Some(e) = nothing {
        errln!("{}", not_exported(&a.file, &e));
        return Ok(Outcome::Negative);
    }
    let pdfs = a.sealing.with_sealing(&agreement, |profile, sealing| {
        // A seal's timestamp is kept in the profile, so that exporting again gives the same
        // bytes.
        let list = tweevoud::tsa::TsaList::open(profile);
        let stamps = SealStamps::new(&list, a.sealing.no_timestamp());
        let stamp = |signature: &[u8]| stamps.stamp(signature);
        let sealer = sealing.sealer(&agreement, &stamp)?;
        let pdfs = pdf::exemplars(&agreement, &sealer);
        stamps.warn();
        Ok(pdfs)
    })?;
    let pdfs = match pdfs {
        Ok(pdfs) => pdfs,
        Err(e @ (PdfError::Unsigned | PdfError::Invalid(_))) => {
            errln!("{}", not_exported(&a.file, &e));
            return Ok(Outcome::Negative);
        }
        Err(e) => return Err(e.into()),
    };
    let dir = match &a.output {
        Some(dir) => dir.clone(),
        None => match a.file.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        },
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", shown(&dir)))?;
    // Check every name first, so that nothing is half exported. A file that already holds
    // exactly these bytes is left as it is (with --force too): rewriting it would change
    // nothing but cost two flushes to disk.
    let paths: Vec<PathBuf> = pdfs.iter().map(|p| dir.join(&p.file_name)).collect();
    let mut to_write: Vec<(&Path, &[u8])> = Vec::new();
    for (p, path) in pdfs.iter().zip(&paths) {
        let same = path.is_file()
            && tweevoud::fsutil::read_limited(path, p.bytes.len() as u64)
                .is_ok_and(|old| old == p.bytes);
        if same {
            continue;
        }
        if !a.force && path.exists() {
            anyhow::bail!(
                "{} exists and is another PDF; pass --force to replace it, or -o another directory",
                shown(path)
            );
        }
        to_write.push((path.as_path(), p.bytes.as_slice()));
    }
    // Written as one batch: each file flushed, then renamed, then the directory flushed once.
    tweevoud::fsutil::write_atomic_all(&dir, &to_write).with_context(|| {
        let names: Vec<String> = to_write.iter().map(|(p, _)| shown(p)).collect();
        format!("cannot write {}", names.join(", "))
    })?;
    for (p, path) in pdfs.iter().zip(&paths) {
        outln!("{}  {}", sha256_hex(&p.bytes), shown(path));
    }
    Ok(Outcome::Ok)
}

/// Where a command that changes an agreement writes it: `-o` if given; beside an exemplar PDF
/// with the extension `.tweevoud` (never over an existing file, never into a PDF); otherwise
/// over the agreement file itself.
pub(crate) fn output_path(input: &Path, output: Option<&Path>) -> Result<PathBuf> {
    let is_pdf_name = |p: &Path| p.extension().is_some_and(|e| e.eq_ignore_ascii_case("pdf"));
    if let Some(out) = output {
        if is_pdf_name(out) {
            anyhow::bail!(
                "{} names a PDF, but an agreement file is written; choose a name ending in .tweevoud",
                shown(out)
            );
        }
        return Ok(out.to_path_buf());
    }
    if !pdf::is_pdf_file(input).unwrap_or(false) {
        return Ok(input.to_path_buf());
    }
    let out = input.with_extension("tweevoud");
    if out.exists() {
        anyhow::bail!(
            "{} is an exemplar PDF, and {} exists already: work on that agreement file, or choose where to write with -o",
            shown(input),
            shown(&out)
        );
    }
    Ok(out)
}
