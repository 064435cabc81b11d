//! Exemplar PDFs: the agreement as a printed document with its signature block, and the
//! agreement file inside it, so that one PDF is both the human copy and the machine-verifiable
//! copy.
//!
//! An agreement awaiting its countersignature gives one PDF to send ("to be signed by the
//! customer"); a complete one gives the two exemplars the text speaks of, one for each party.
//! Rendering is deterministic: the same agreement gives the same bytes on any machine, so a
//! verifier can re-render the exemplar a PDF claims to be and compare bytes
//! ([`verify_exemplar`]). What the PDF holds, the QR code's content and how an exemplar is
//! identified are specified in `docs/pdf.md`.

mod eid_seal;
mod foreign;
mod layout;
mod qr;
mod read;
mod seal_layout;
mod sealed;
mod texts;
mod write;

use std::fmt;

use serde::Serialize;

use crate::agreement::{Agreement, AgreementError};
use crate::eid::{Card, CardError};
use crate::error::{param, with_params, Coded, Params};
use crate::party::Party;
use crate::seal::qualified::QualifiedSealError;
use crate::seal::{Identity, SealKey};
use crate::signature::Signer;
use crate::timestamp::TokenProblem;
use crate::verify::{verify, Reason, Status, Verification};

pub use foreign::OtherSignature;
use sealed::SealWith;
pub use sealed::{EidSealer, FoundSeal, Stamp};

pub use qr::qr_content;
pub use read::{embedded_agreement, is_pdf, Embedded};

/// Largest PDF read, in bytes. An exemplar of a long agreement is a few hundred kilobytes.
pub const MAX_PDF_BYTES: u64 = 64 << 20;

/// Whether the file at `path` starts like a PDF.
#[cfg(feature = "fs")]
pub fn is_pdf_file(path: &std::path::Path) -> std::io::Result<bool> {
    use std::io::Read;

    let mut head = [0u8; 5];
    let mut file = crate::fsutil::open_regular(path)?;
    let mut read = 0;
    while read < head.len() {
        match file.read(&mut head[read..])? {
            0 => break,
            n => read += n,
        }
    }
    Ok(is_pdf(&head[..read]))
}

/// The renderer version new exemplars are made with, recorded in each PDF
/// (`/TweevoudRenderer`). A PDF is compared byte for byte with a re-rendering, so any change
/// that changes a byte must come with a new version, and the old versions stay: a PDF is
/// verified with the renderer it names ([`RENDERER_VERSIONS`]).
pub const RENDERER_VERSION: &str = Renderer::CURRENT.id();

/// The renderer versions this program renders and verifies, oldest first. They give the same
/// layout; they differ only in how hard the PDF's streams are compressed (`docs/pdf.md`).
pub const RENDERER_VERSIONS: [&str; 3] = [Renderer::V1.id(), Renderer::V2.id(), Renderer::V3.id()];

/// A version of the exemplar renderer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Renderer {
    /// The streams compressed at zlib level 9 (best), as lopdf's `Document::compress` does.
    V1,
    /// The same layout, its streams compressed at zlib level 3: a PDF about 3% larger,
    /// compressed in less than half the time.
    V2,
    /// Version 2's pages, sealed: a signature field whose value is the seal of the party that
    /// made the PDF (PAdES), and room for one more seal in an incremental update.
    V3,
}

impl Renderer {
    /// The version new exemplars are made with.
    pub(crate) const CURRENT: Renderer = Renderer::V3;

    /// How a PDF names it (`/TweevoudRenderer`).
    pub(crate) const fn id(self) -> &'static str {
        match self {
            Renderer::V1 => "1",
            Renderer::V2 => "2",
            Renderer::V3 => "3",
        }
    }

    /// The renderer a PDF's `/TweevoudRenderer` names, if this program has it.
    pub(crate) fn from_id(id: &str) -> Option<Renderer> {
        [Renderer::V1, Renderer::V2, Renderer::V3]
            .into_iter()
            .find(|r| r.id() == id)
    }

    /// The zlib compression level of the PDF's streams (a stream that compression would not
    /// make at least 20 bytes smaller stays uncompressed, in every version).
    pub(crate) const fn deflate_level(self) -> u32 {
        match self {
            Renderer::V1 => 9,
            Renderer::V2 | Renderer::V3 => 3,
        }
    }

    /// Whether its PDFs carry a seal.
    pub(crate) const fn seals(self) -> bool {
        matches!(self, Renderer::V3)
    }
}

/// The agreement's short fingerprint, printed in every page's footer: the first 16 hexadecimal
/// digits of the SHA-256 of its canonical text, upper-case, in groups of four
/// (`CBE4 AB74 A3AD BF81`).
pub fn text_fingerprint(agreement: &Agreement) -> String {
    let hex = agreement.text_sha256().to_ascii_uppercase();
    hex.as_bytes()[..16]
        .chunks(4)
        .map(|g| String::from_utf8_lossy(g).into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Which exemplar a PDF is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Exemplar {
    /// The PDF sent for countersignature, while one party has yet to sign.
    ToSign,
    /// One of the two final exemplars: number 1 for the provider, number 2 for the customer.
    Copy(Party),
}

impl Exemplar {
    /// The exemplars an agreement with this verdict has: the one PDF to send while it awaits
    /// its countersignature, exemplars 1 and 2 once it is complete, none otherwise.
    pub fn for_status(status: Status) -> Vec<Exemplar> {
        match status {
            Status::Complete => vec![
                Exemplar::Copy(Party::Provider),
                Exemplar::Copy(Party::Customer),
            ],
            Status::AwaitingCountersignature => vec![Exemplar::ToSign],
            Status::Unsigned | Status::Invalid => Vec::new(),
        }
    }

    /// How the PDF records it (`/TweevoudExemplar` in its document information): `to-sign`,
    /// `1` or `2`.
    pub fn id(self) -> &'static str {
        match self {
            Exemplar::ToSign => "to-sign",
            Exemplar::Copy(Party::Provider) => "1",
            Exemplar::Copy(Party::Customer) => "2",
        }
    }

    /// The exemplar an id names.
    pub fn from_id(id: &str) -> Option<Exemplar> {
        match id {
            "to-sign" => Some(Exemplar::ToSign),
            "1" => Some(Exemplar::Copy(Party::Provider)),
            "2" => Some(Exemplar::Copy(Party::Customer)),
            _ => None,
        }
    }

    /// The label printed in the footer, in the template's language: "Exemplaar 1 van 2 — voor
    /// XIS", "Ter ondertekening door de Klant".
    pub fn label(self, agreement: &Agreement) -> String {
        texts::label(self, agreement)
    }

    /// A file name for it: `verwerkersovereenkomst-<customer>-exemplaar-1-van-2.pdf`.
    pub fn file_name(self, agreement: &Agreement) -> String {
        texts::file_name(self, agreement)
    }
}

impl fmt::Display for Exemplar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Exemplar::ToSign => f.write_str("to be signed"),
            Exemplar::Copy(p) => write!(f, "exemplar for the {p}"),
        }
    }
}

/// The name to offer the agreement file under (the app's save dialog, the browser's
/// download), after where it stands: `verwerkersovereenkomst.tweevoud` before anyone signed,
/// `verwerkersovereenkomst-<customer>-ter-ondertekening.tweevoud` while a party has still to
/// sign, `verwerkersovereenkomst-<customer>-ondertekend.tweevoud` once both signed, in the
/// template's language.
pub fn agreement_file_name(agreement: &Agreement) -> String {
    texts::agreement_file_name(agreement)
}

/// A rendered exemplar.
#[derive(Debug, Clone)]
pub struct ExemplarPdf {
    /// Which one.
    pub exemplar: Exemplar,
    /// The file name it should be saved under.
    pub file_name: String,
    /// The PDF.
    pub bytes: Vec<u8>,
}

/// A PDF could not be made or read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PdfError {
    /// Larger than [`MAX_PDF_BYTES`].
    #[error(
        "the PDF is larger than {} bytes; an exemplar is far smaller",
        MAX_PDF_BYTES
    )]
    TooLarge,
    /// The bytes do not start with `%PDF-`.
    #[error("not a PDF (it does not start with %PDF-)")]
    NotPdf,
    /// The PDF's structure cannot be read.
    #[error("the PDF cannot be read: {0}")]
    Malformed(String),
    /// The PDF carries no agreement file.
    #[error("not a Tweevoud exemplar: the PDF carries no agreement file")]
    NoAgreement,
    /// The PDF carries more than one agreement file.
    #[error("the PDF carries {0} agreement files; an exemplar carries exactly one")]
    SeveralAgreements(usize),
    /// The embedded agreement file cannot be taken out.
    #[error("the agreement file inside the PDF cannot be read: {0}")]
    Attachment(String),
    /// The embedded agreement file is not a valid agreement.
    #[error("the agreement file inside the PDF is not valid: {0}")]
    EmbeddedAgreement(Box<AgreementError>),
    /// Exemplars are made of signed agreements only.
    #[error("the agreement is not signed by anyone yet: sign it first, then export it")]
    Unsigned,
    /// Exemplars are not made of agreements that do not verify.
    #[error("the agreement does not verify, so no exemplar is made of it: {0}")]
    Invalid(String),
    /// The key given to seal the PDFs did not sign the agreement.
    #[error("only a party that signed the agreement seals its PDFs, and this key did not sign it")]
    NotASigner,
    /// A second seal goes only on an exemplar that seals (renderer 3 on).
    #[error("this PDF was made before Tweevoud sealed its PDFs, so it cannot take a second seal: export the agreement again")]
    NotSealable,
    /// The PDF holds its two seals already.
    #[error("the PDF holds two seals already")]
    AlreadySealedTwice,
    /// The key's holder sealed the PDF already.
    #[error("{0} sealed this PDF already")]
    AlreadySealedBy(String),
    /// The font has no glyph for a character of the agreement.
    #[error("the character {ch:?} (U+{:04X}) cannot be set in the exemplar's font", *ch as u32)]
    MissingGlyph {
        /// The character.
        ch: char,
    },
    /// The embedded font could not be read (a build problem, not an input problem).
    #[error("the exemplar font cannot be loaded: {0}")]
    Font(String),
    /// The eID's certificates or OCSP answer cannot make a qualified seal.
    #[error(transparent)]
    QualifiedSeal(QualifiedSealError),
    /// The eID card did not sign (no card, a wrong PIN, ...).
    #[error("the eID did not seal the PDF: {0}")]
    Card(CardError),
}

impl PdfError {
    /// Every code of [`PdfError`], so that a user interface can check it words them all.
    pub const CODES: &'static [&'static str] = &[
        "pdf_too_large",
        "not_pdf",
        "pdf_malformed",
        "pdf_without_agreement",
        "pdf_several_agreements",
        "pdf_attachment_unreadable",
        "embedded_agreement_invalid",
        "unsigned",
        "not_intact",
        "missing_glyph",
        "pdf_font",
        "not_a_signer",
        "not_sealable",
        "sealed_twice",
        "sealed_already",
        "eid_seal_unusable",
        "eid_seal_too_large",
        "eid_seal_card",
    ];
}

/// Parameters: `max` (bytes), `count`, `found` (a character), `code_point` (as `U+00E9`),
/// `detail` (English words), `cause` (the embedded agreement's problem's code, or the eID
/// card's; its parameters follow).
impl Coded for PdfError {
    fn code(&self) -> &'static str {
        match self {
            PdfError::TooLarge => "pdf_too_large",
            PdfError::NotPdf => "not_pdf",
            PdfError::Malformed(_) => "pdf_malformed",
            PdfError::NoAgreement => "pdf_without_agreement",
            PdfError::SeveralAgreements(_) => "pdf_several_agreements",
            PdfError::Attachment(_) => "pdf_attachment_unreadable",
            PdfError::EmbeddedAgreement(_) => "embedded_agreement_invalid",
            PdfError::Unsigned => "unsigned",
            PdfError::Invalid(_) => "not_intact",
            PdfError::MissingGlyph { .. } => "missing_glyph",
            PdfError::Font(_) => "pdf_font",
            PdfError::NotASigner => "not_a_signer",
            PdfError::NotSealable => "not_sealable",
            PdfError::AlreadySealedTwice => "sealed_twice",
            PdfError::AlreadySealedBy(_) => "sealed_already",
            PdfError::QualifiedSeal(e) => e.code(),
            PdfError::Card(_) => "eid_seal_card",
        }
    }

    fn params(&self) -> Params {
        match self {
            PdfError::TooLarge => vec![param("max", MAX_PDF_BYTES)],
            PdfError::Malformed(detail)
            | PdfError::Attachment(detail)
            | PdfError::Invalid(detail)
            | PdfError::Font(detail) => vec![param("detail", detail)],
            PdfError::SeveralAgreements(count) => vec![param("count", count)],
            PdfError::EmbeddedAgreement(e) => with_params(vec![param("cause", e.code())], e),
            PdfError::MissingGlyph { ch } => vec![
                param("found", ch),
                param("code_point", format!("U+{:04X}", u32::from(*ch))),
            ],
            PdfError::AlreadySealedBy(name) => vec![param("signer", name)],
            PdfError::QualifiedSeal(e) => e.params(),
            PdfError::Card(e) => with_params(vec![param("cause", e.code())], e),
            PdfError::NotPdf
            | PdfError::NoAgreement
            | PdfError::Unsigned
            | PdfError::NotASigner
            | PdfError::NotSealable
            | PdfError::AlreadySealedTwice => Vec::new(),
        }
    }
}

/// Who seals the PDFs being made: one of the agreement's signers, with their key's companion
/// (`crate::seal`) or with their Belgian eID (`crate::seal::qualified`), and where a signature
/// timestamp for each seal comes from.
pub struct Sealer<'a> {
    by: SealedBy<'a>,
    stamp: Option<Stamp<'a>>,
}

/// What a [`Sealer`] seals with.
enum SealedBy<'a> {
    /// The companion of a signer's key.
    Companion {
        key: Box<SealKey>,
        identity: Identity,
    },
    /// A signer's eID, with the OCSP answer had for its certificate, if any.
    Card {
        card: &'a dyn Card,
        ocsp: Option<Vec<u8>>,
        name: String,
    },
}

impl<'a> Sealer<'a> {
    /// The signer `key` as the agreement names them: only a party that signed the agreement
    /// seals its PDFs ([`PdfError::NotASigner`] otherwise). `stamp`, if given, is asked for a
    /// signature timestamp token over each seal's signature value (a seal without one is
    /// still a seal).
    pub fn new(
        agreement: &Agreement,
        key: &dyn Signer,
        stamp: Option<Stamp<'a>>,
    ) -> Result<Sealer<'a>, PdfError> {
        let public = key.public_key_bytes();
        let identity = identity_of(agreement, &public).ok_or(PdfError::NotASigner)?;
        let key = key.seal_key().ok_or(PdfError::NotASigner)?;
        Ok(Sealer {
            by: SealedBy::Companion {
                key: Box::new(key),
                identity,
            },
            stamp,
        })
    }

    /// A signer's Belgian eID (docs/pdf.md, "The qualified seal"): each PDF is sealed with the
    /// card's Signature key (one signature asked of the card per PDF, one after the other),
    /// its certificates and `ocsp`, the OCSP answer had for its certificate (DER
    /// `OCSPResponse`), if any. `stamp` as for [`Sealer::new`].
    pub fn with_card(
        card: &'a dyn Card,
        ocsp: Option<Vec<u8>>,
        stamp: Option<Stamp<'a>>,
    ) -> Result<Sealer<'a>, PdfError> {
        let name = holder_of(card.certificate())
            .map(|h| h.name)
            .ok_or_else(|| {
                PdfError::QualifiedSeal(QualifiedSealError::Unreadable(
                    "the card's Signature certificate names no holder".into(),
                ))
            })?;
        Ok(Sealer {
            by: SealedBy::Card { card, ocsp, name },
            stamp,
        })
    }

    /// The signatory who seals: as the agreement names them, or, with an eID, as its
    /// certificate does.
    pub fn name(&self) -> &str {
        match &self.by {
            SealedBy::Companion { identity, .. } => &identity.name,
            SealedBy::Card { name, .. } => name,
        }
    }

    /// What the seal is made with.
    fn with(&self) -> SealWith<'_> {
        match &self.by {
            SealedBy::Companion { key, identity } => SealWith::Companion { key, identity },
            SealedBy::Card { card, ocsp, .. } => SealWith::Card {
                card: *card,
                ocsp: ocsp.as_deref(),
            },
        }
    }

    /// The companion and identity, when the seal is made with them: what the threads that
    /// write exemplars seal with (a card signs one PDF after the other).
    fn companion(&self) -> Option<(&SealKey, &Identity)> {
        match &self.by {
            SealedBy::Companion { key, identity } => Some((key, identity)),
            SealedBy::Card { .. } => None,
        }
    }
}

/// The holder an eID Signature certificate names (read within the certificate's limit), not
/// yet checked: the name a qualified seal is made under.
fn holder_of(certificate: &[u8]) -> Option<crate::eid::Holder> {
    use der::Decode;
    if certificate.len() > crate::eid::MAX_CERTIFICATE_BYTES {
        return None;
    }
    let cert = x509_cert::Certificate::from_der(certificate).ok()?;
    crate::eid::Holder::from_subject(&cert.tbs_certificate.subject)
}

/// The time a qualified seal's certificate must have been valid at: the seal's `/M`, the time
/// of the agreement's last signature (the Unix epoch for an agreement without one, which no
/// certificate is valid at).
fn seal_time(agreement: &Agreement) -> chrono::DateTime<chrono::Utc> {
    agreement
        .signatures()
        .last()
        .and_then(|r| chrono::DateTime::parse_from_rfc3339(&r.statement.time).ok())
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

/// The Ed25519 key of the agreement's signer whose eID binding, which holds (checked against
/// this process's anchors), names the holder of the Signature certificate `certificate`: whom
/// a qualified seal made with that certificate seals for, as verifying it will say. `None`
/// when no binding names that holder: such a seal would be `eid_seal_not_signer`.
pub fn eid_signer(agreement: &Agreement, certificate: &[u8]) -> Option<[u8; 32]> {
    let holder = holder_of(certificate)?;
    bound_signer(agreement, &crate::eid::process_anchors(), &holder)
}

/// The Ed25519 key of the agreement's signer whose eID binding, checked at the signature's
/// stated time against `anchors`, holds and names `holder` (the same national register
/// number): who of the signers a qualified seal's holder is.
fn bound_signer(
    agreement: &Agreement,
    anchors: &crate::eid::Anchors,
    holder: &crate::eid::Holder,
) -> Option<[u8; 32]> {
    agreement.signatures().iter().find_map(|r| {
        let binding = r.eid_binding.as_ref()?;
        let key = r.statement.public_key_bytes().ok()?;
        let at = chrono::DateTime::parse_from_rfc3339(&r.statement.time).ok()?;
        let confirmed = binding.check(&key, at, anchors).ok()?;
        confirmed.holder.same_person(holder).then_some(key)
    })
}

/// Who of the agreement's signers holds the Ed25519 key `public`, as their signature states
/// it: what a seal's certificate names.
fn identity_of(agreement: &Agreement, public: &[u8; 32]) -> Option<Identity> {
    agreement.signatures().iter().find_map(|r| {
        let st = &r.statement;
        (st.public_key_bytes().ok()? == *public).then_some(())?;
        Some(Identity {
            name: st.signer.name.clone(),
            function: st.signer.function.clone(),
            organisation: st.signer.organisation.clone(),
            time: chrono::DateTime::parse_from_rfc3339(&st.time).ok()?,
        })
    })
}

/// The exemplars of an agreement, as `tweevoud export` writes them, each sealed by `sealer`:
/// for an agreement awaiting its countersignature, the one PDF to send; for a complete
/// agreement, exemplar 1 (the provider's) and exemplar 2 (the customer's). An agreement that
/// nobody signed, or that does not verify, gives none.
pub fn exemplars(agreement: &Agreement, sealer: &Sealer<'_>) -> Result<Vec<ExemplarPdf>, PdfError> {
    layout::Fonts::warm_up();
    let report = verify(agreement);
    let kinds = match report.status {
        Status::Complete | Status::AwaitingCountersignature => Exemplar::for_status(report.status),
        Status::Unsigned => return Err(PdfError::Unsigned),
        Status::Invalid => {
            return Err(PdfError::Invalid(
                report
                    .first_problem()
                    .unwrap_or_else(|| "unknown problem".to_string()),
            ))
        }
    };
    // The text and the signature block are set once: only the footers differ between the
    // exemplars. Then each exemplar is written on its own thread: they are independent, and
    // each takes milliseconds.
    let fonts = layout::Fonts::get()?;
    let pages = layout::paginated(agreement, fonts, Renderer::CURRENT.seals())?;
    // The streams the exemplars share are compressed once.
    let compressed = write::Compressed::new(Renderer::CURRENT);
    // A companion seals on the threads; a card is asked for one signature after the other,
    // once the PDFs are written.
    let companion = sealer.companion();
    let stamp = sealer.stamp;
    let render = |e: Exemplar| {
        let pages = layout::with_footers(pages.clone(), agreement, e, fonts)?;
        let written = write::write(agreement, e, fonts, &pages, &compressed)?;
        match companion {
            Some((key, identity)) => {
                sealed_pdf(written, &SealWith::Companion { key, identity }, stamp)
            }
            None => Ok(written),
        }
    };
    // WebAssembly in a browser has no threads: there they are written one after the other.
    #[cfg(target_arch = "wasm32")]
    let rendered: Vec<Result<write::Written, PdfError>> =
        kinds.iter().map(|&e| render(e)).collect();
    #[cfg(not(target_arch = "wasm32"))]
    let rendered: Vec<Result<write::Written, PdfError>> = std::thread::scope(|scope| {
        let others: Vec<_> = kinds[1..]
            .iter()
            .map(|&e| scope.spawn(move || render(e)))
            .collect();
        let mut all = vec![render(kinds[0])];
        for handle in others {
            all.push(
                handle
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        all
    });
    kinds
        .into_iter()
        .zip(rendered)
        .map(|(exemplar, written)| {
            let written = match companion {
                Some(_) => written?,
                None => sealed_pdf(written?, &sealer.with(), sealer.stamp)?,
            };
            Ok(ExemplarPdf {
                exemplar,
                file_name: exemplar.file_name(agreement),
                bytes: written.bytes,
            })
        })
        .collect()
}

/// A PDF written by the current renderer, sealed.
fn sealed_pdf(
    mut written: write::Written,
    with: &SealWith<'_>,
    stamp: Option<Stamp<'_>>,
) -> Result<write::Written, PdfError> {
    let slots = written
        .slots
        .as_ref()
        .ok_or_else(|| PdfError::Malformed("the renderer left no place for the seal".into()))?;
    sealed::seal_first(&mut written.bytes, slots, with, stamp)?;
    Ok(written)
}

/// Renders one exemplar of an agreement, whatever its state, with the current renderer
/// ([`RENDERER_VERSION`]), sealed by `sealer`: the same agreement, exemplar and sealer always
/// give the same bytes (but for a signature timestamp, which `sealer`'s stamp adds).
pub fn render(
    agreement: &Agreement,
    exemplar: Exemplar,
    sealer: &Sealer<'_>,
) -> Result<Vec<u8>, PdfError> {
    sealed_pdf(
        render_with(agreement, exemplar, Renderer::CURRENT)?,
        &sealer.with(),
        sealer.stamp,
    )
    .map(|written| written.bytes)
}

/// Renders one exemplar as the renderer version named `version` ([`RENDERER_VERSIONS`])
/// makes it, unsealed: the bytes an exemplar made by that version of Tweevoud has (for a
/// version that seals, with the seal's place empty). `None` for a version this program does
/// not know.
pub fn render_version(
    agreement: &Agreement,
    exemplar: Exemplar,
    version: &str,
) -> Option<Result<Vec<u8>, PdfError>> {
    Renderer::from_id(version).map(|r| render_with(agreement, exemplar, r).map(|w| w.bytes))
}

/// Renders one exemplar with the given renderer version.
fn render_with(
    agreement: &Agreement,
    exemplar: Exemplar,
    renderer: Renderer,
) -> Result<write::Written, PdfError> {
    let fonts = layout::Fonts::get()?;
    let pages = layout::typeset(agreement, exemplar, fonts, renderer.seals())?;
    write::write(
        agreement,
        exemplar,
        fonts,
        &pages,
        &write::Compressed::new(renderer),
    )
}

/// Adds the seal of `key`, a signer of the agreement inside, to a sealed exemplar that holds
/// one seal (renderer 3 on), as an incremental update: what the party receiving an exemplar
/// does to say, in the PDF itself, that it holds it too. The PDF must verify as it is
/// ([`check_exemplar`]) and not be sealed by `key` already.
pub fn add_seal(
    pdf: &[u8],
    key: &dyn Signer,
    stamp: Option<Stamp<'_>>,
) -> Result<Vec<u8>, PdfError> {
    add_seal_by(pdf, |agreement| Sealer::new(agreement, key, stamp))
}

/// Adds a qualified seal made with `card` ([`Sealer::with_card`]) to a sealed exemplar that
/// holds one seal, as [`add_seal`] adds a companion seal; not when the PDF's seal was made
/// with the same certificate already.
pub fn add_card_seal<'a>(
    pdf: &[u8],
    card: &'a dyn Card,
    ocsp: Option<Vec<u8>>,
    stamp: Option<Stamp<'a>>,
) -> Result<Vec<u8>, PdfError> {
    add_seal_by(pdf, |_| Sealer::with_card(card, ocsp, stamp))
}

/// Adds the seal of the sealer `sealer` makes for the agreement inside `pdf`.
fn add_seal_by<'a>(
    pdf: &[u8],
    sealer: impl FnOnce(&Agreement) -> Result<Sealer<'a>, PdfError>,
) -> Result<Vec<u8>, PdfError> {
    let checked = check_exemplar(pdf)?;
    if let Some(problem) = checked.pdf.problems.first() {
        return Err(PdfError::Invalid(problem.to_string()));
    }
    if checked.verification.status == Status::Invalid {
        return Err(PdfError::Invalid(
            checked
                .verification
                .first_problem()
                .unwrap_or_else(|| "unknown problem".to_string()),
        ));
    }
    let (Some(exemplar), Some(renderer)) = (
        checked.pdf.exemplar,
        checked.pdf.renderer.as_deref().and_then(Renderer::from_id),
    ) else {
        return Err(PdfError::NotSealable);
    };
    let written = render_with(&checked.agreement, exemplar, renderer)?;
    let Some(slots) = written.slots else {
        return Err(PdfError::NotSealable);
    };
    if pdf.len() != written.bytes.len() {
        return Err(PdfError::AlreadySealedTwice);
    }
    let sealer = sealer(&checked.agreement)?;
    let sealed_already = checked.pdf.seals.iter().any(|s| match &sealer.by {
        SealedBy::Companion { key, .. } => s.ed25519 == *key.ed25519(),
        SealedBy::Card { card, .. } => s.certificate == card.certificate(),
    });
    if sealed_already {
        return Err(PdfError::AlreadySealedBy(sealer.name().to_string()));
    }
    sealed::seal_second(pdf, &slots, &sealer.with(), sealer.stamp)
}

/// What the PDF itself says and shows, beside the agreement inside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ExemplarCheck {
    /// The exemplar the PDF says it is (`1`, `2`, `to-sign`), if it says so in a way this
    /// program knows.
    #[serde(rename = "id", serialize_with = "exemplar_id")]
    pub exemplar: Option<Exemplar>,
    /// Its label, in the template's language.
    pub label: Option<String>,
    /// The renderer version the PDF names (cut to 40 characters), if it names one.
    pub renderer: Option<String>,
    /// Whether the PDF is, byte for byte, the exemplar rendered from the agreement inside
    /// (outside its seals, for a renderer that seals).
    pub visible_document_matches: bool,
    /// The seals that hold (renderer 3 on): the one made with the PDF, and the one the other
    /// party may have added.
    #[serde(skip)]
    pub seals: Vec<FoundSeal>,
    /// The signatures other programs appended after the seals, in updates that change
    /// nothing shown (docs/pdf.md, "Other tools' signatures"): reported, whether they hold or
    /// not, without changing the verdict. Their `trusted` is decided by the judgement.
    #[serde(skip)]
    pub other_signatures: Vec<OtherSignature>,
    /// What does not hold about the PDF itself: [`Reason::ExemplarUnlabelled`],
    /// [`Reason::RendererVersion`], [`Reason::VisibleDiffers`], [`Reason::LabelMismatch`].
    /// Any of them means the PDF must not be trusted, whatever the agreement inside says.
    pub problems: Vec<Reason>,
}

impl ExemplarCheck {
    /// Folds the PDF's own problems into the verification of the agreement inside: any makes
    /// it [`Status::Invalid`], whatever the agreement says.
    pub fn fold_into(&self, verification: &mut Verification) {
        if !self.problems.is_empty() {
            verification.status = Status::Invalid;
            verification.awaiting = None;
            verification.problems.extend(self.problems.iter().cloned());
        }
    }
}

fn exemplar_id<S: serde::Serializer>(e: &Option<Exemplar>, s: S) -> Result<S::Ok, S::Error> {
    match e {
        Some(e) => s.serialize_some(e.id()),
        None => s.serialize_none(),
    }
}

/// An exemplar PDF read and checked: the agreement inside, its verification, and the check of
/// the PDF itself.
#[derive(Debug, Clone)]
pub struct CheckedExemplar {
    /// The agreement inside.
    pub agreement: Agreement,
    /// The verification of the agreement inside, on its own.
    pub verification: Verification,
    /// The check of the PDF itself.
    pub pdf: ExemplarCheck,
}

/// What verifying an exemplar PDF found.
#[derive(Debug, Clone)]
pub struct ExemplarVerification {
    /// The exemplar the PDF says it is, if it says so in a way this program knows.
    pub exemplar: Option<Exemplar>,
    /// Its label, in the template's language.
    pub label: Option<String>,
    /// The agreement inside.
    pub agreement: Agreement,
    /// The verification of the agreement inside, with the check of the visible document
    /// folded in: when the PDF is not exactly the exemplar this agreement gives, the status
    /// is [`Status::Invalid`] and `problems` says so.
    pub verification: Verification,
    /// Whether the PDF is, byte for byte, the exemplar rendered from the agreement inside.
    pub visible_document_matches: bool,
}

/// The reason given when a PDF is not the exemplar its agreement gives.
pub use crate::verify::VISIBLE_DIFFERS;

/// A string taken from a PDF, cut to at most 40 characters (a renderer name is a few; a
/// hostile PDF may carry megabytes there, which no reason should repeat).
fn shortened(s: &str) -> String {
    match s.char_indices().nth(40) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_string(),
    }
}

/// Reads and checks an exemplar PDF: takes out the agreement file and verifies it as any
/// agreement file, then re-renders the exemplar the PDF claims to be, with the renderer
/// version it names, and compares bytes. A PDF naming a version this program does not have
/// is reported as [`Reason::RendererVersion`]; a PDF whose visible text was edited while the
/// attachment stayed intact (or that another program re-saved, or that an incremental update
/// extended) as [`VISIBLE_DIFFERS`]. The error is for a PDF that carries no agreement file
/// that can be read.
pub fn check_exemplar(bytes: &[u8]) -> Result<CheckedExemplar, PdfError> {
    // The re-rendering needs the fonts; parse them while the PDF is read and verified.
    layout::Fonts::warm_up();
    let embedded = embedded_agreement(bytes)?;
    let agreement = Agreement::from_json(&embedded.json)
        .map_err(|e| PdfError::EmbeddedAgreement(Box::new(e)))?;
    let exemplar = embedded.exemplar.as_deref().and_then(Exemplar::from_id);
    let renderer = embedded.renderer.as_deref().and_then(Renderer::from_id);
    // The agreement's verification and the PDF's own check are independent: side by side
    // where there are cores. The re-rendering takes longest; beside it go the agreement's
    // verification and the first seal's cryptography, checked where the PDF's own
    // `/ByteRange` places it (used only if the rendering puts it in the same place).
    let sealing = renderer.is_some_and(Renderer::seals) && exemplar.is_some();
    let (expected, (verification, ahead)) = crate::parallel::join(
        || match (exemplar, renderer) {
            (Some(e), Some(renderer)) => render_with(&agreement, e, renderer).map(Some),
            _ => Ok(None),
        },
        || {
            let ahead = sealing.then(|| check_ahead(bytes, &agreement)).flatten();
            (verify(&agreement), ahead)
        },
    );
    let checked =
        expected?.map(|expected| check_rendering(bytes, &agreement, expected, ahead.as_ref()));
    let mut problems = Vec::new();
    let mut rendered = Rendered::default();
    match (exemplar, renderer, checked) {
        (None, _, _) => problems.push(Reason::ExemplarUnlabelled),
        (Some(_), None, _) => problems.push(Reason::RendererVersion {
            found: shortened(embedded.renderer.as_deref().unwrap_or("(none)")),
            ours: RENDERER_VERSIONS.join(", "),
        }),
        (Some(e), Some(_), checked) => {
            rendered = checked.unwrap_or_default();
            problems.append(&mut rendered.problems);
            let fits = matches!(
                (e, verification.status),
                (Exemplar::Copy(_), Status::Complete)
                    | (Exemplar::ToSign, Status::AwaitingCountersignature)
                    | (_, Status::Invalid)
            );
            if !fits {
                problems.push(Reason::LabelMismatch {
                    label: e.label(&agreement),
                    state: verification.status,
                });
            }
        }
    }
    Ok(CheckedExemplar {
        pdf: ExemplarCheck {
            label: exemplar.map(|e| e.label(&agreement)),
            exemplar,
            renderer: embedded.renderer.as_deref().map(shortened),
            visible_document_matches: rendered.visible_document_matches,
            seals: rendered.seals,
            other_signatures: rendered.other_signatures,
            problems,
        },
        agreement,
        verification,
    })
}

/// What comparing a PDF with its rendering found, beside the agreement's own verification.
#[derive(Default)]
struct Rendered {
    visible_document_matches: bool,
    seals: Vec<FoundSeal>,
    other_signatures: Vec<OtherSignature>,
    problems: Vec<Reason>,
}

/// The rules a sealed exemplar's seals are checked by, for `agreement`, given to `f`.
fn with_seal_rules<R>(agreement: &Agreement, f: impl FnOnce(&sealed::SealRules<'_>) -> R) -> R {
    let anchors = crate::eid::process_anchors();
    f(&sealed::SealRules {
        identity_of: &|key| identity_of(agreement, key),
        eid: eid_seal::EidRules {
            anchors: &anchors,
            at: seal_time(agreement),
            signer_of: &|holder| bound_signer(agreement, &anchors, holder),
        },
    })
}

/// The time the agreement's last signature states: what a seal's timestamp is set against.
fn stated_time(agreement: &Agreement) -> String {
    agreement
        .signatures()
        .last()
        .map(|s| s.statement.time.clone())
        .unwrap_or_default()
}

/// What a seal's signature timestamp attests: the check of its token over its signature
/// value.
fn seal_stamp(seal: &FoundSeal) -> Option<Result<crate::timestamp::Attested, TokenProblem>> {
    let token = seal.token.as_ref()?;
    Some(crate::timestamp::check_token(token, &seal.signature, &[]))
}

/// The first seal of a sealed exemplar and its signature timestamp, checked where the PDF's
/// own `/ByteRange` places the seal, before (or while) the PDF is rendered again.
struct Ahead {
    seal: sealed::Ahead,
    stamp: Option<Result<crate::timestamp::Attested, TokenProblem>>,
}

fn check_ahead(bytes: &[u8], agreement: &Agreement) -> Option<Ahead> {
    let seal = with_seal_rules(agreement, |rules| sealed::check_ahead(bytes, rules))?;
    let stamp = seal.found().and_then(seal_stamp);
    Some(Ahead { seal, stamp })
}

/// Compares `bytes` with `expected`, exemplar `exemplar` of `agreement` rendered again: byte
/// for byte, or, for a renderer that seals, outside the seals, then the seals and their
/// signature timestamps. `ahead` is the first seal as checked beside the rendering, if it was.
fn check_rendering(
    bytes: &[u8],
    agreement: &Agreement,
    expected: write::Written,
    ahead: Option<&Ahead>,
) -> Rendered {
    let mut rendered = Rendered::default();
    let Some(slots) = &expected.slots else {
        rendered.visible_document_matches = expected.bytes == bytes;
        if !rendered.visible_document_matches {
            rendered.problems.push(Reason::VisibleDiffers);
        }
        return rendered;
    };
    let found = with_seal_rules(agreement, |rules| {
        sealed::check(bytes, &expected.bytes, slots, rules, ahead.map(|a| &a.seal))
    });
    rendered.visible_document_matches = found.layout_matches;
    rendered.seals = found.seals;
    rendered.other_signatures = found.others;
    rendered.problems = found.problems;
    // A seal's signature timestamp must hold over its signature value (checked already for
    // the very seal checked ahead).
    let stated = stated_time(agreement);
    for seal in &mut rendered.seals {
        let early = ahead
            .filter(|a| a.seal.found().is_some_and(|s| s == seal))
            .map(|a| a.stamp.clone());
        let Some(stamp) = early.unwrap_or_else(|| seal_stamp(seal)) else {
            continue;
        };
        match stamp {
            Ok(attested) => {
                seal.timestamp = Some(crate::verify::Stamped::of(&attested, &stated));
            }
            Err(problem) => rendered.problems.push(Reason::SealTimestamp {
                number: seal.number,
                problem,
            }),
        }
    }
    rendered
}

/// Verifies an exemplar PDF ([`check_exemplar`]), with the check of the PDF folded into the
/// agreement's verification: any problem of the PDF makes it [`Status::Invalid`].
pub fn verify_exemplar(bytes: &[u8]) -> Result<ExemplarVerification, PdfError> {
    let CheckedExemplar {
        agreement,
        mut verification,
        pdf,
    } = check_exemplar(bytes)?;
    pdf.fold_into(&mut verification);
    Ok(ExemplarVerification {
        exemplar: pdf.exemplar,
        label: pdf.label,
        agreement,
        verification,
        visible_document_matches: pdf.visible_document_matches,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::canonical::sha256_hex;

    fn dpa() -> Agreement {
        Agreement::from_json(include_str!("../../tests/vectors/dpa-complete.tweevoud")).unwrap()
    }

    /// Verifiers compare exemplars byte for byte with a rendering of their own, so a change
    /// that makes rendering faster must not change a byte (any change is a new renderer
    /// version): the DPA's two exemplars keep the SHA-256 that docs/pdf.md shows.
    #[test]
    fn the_dpa_exemplars_keep_their_bytes() {
        // Sealed by the customer's test key (seed 2), which countersigned the vector.
        let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let agreement = dpa();
        let sealer = Sealer::new(&agreement, &customer, None).unwrap();
        let sums: Vec<String> = exemplars(&agreement, &sealer)
            .unwrap()
            .iter()
            .map(|e| sha256_hex(&e.bytes))
            .collect();
        assert_eq!(
            sums,
            [
                "1e5085f31492e019c965841d57ba330c42536e71e92eb4ad8dc8c9f5549b89be",
                "00059b40f072680d28e6c0f62099e0b368f4f78103ea9f54f63bdc1c43e7070a",
            ]
        );
    }

    /// Renderer 2 stays as it was.
    #[test]
    fn renderer_2_keeps_its_bytes() {
        let agreement = dpa();
        let sums: Vec<String> = [Party::Provider, Party::Customer]
            .into_iter()
            .map(|p| {
                sha256_hex(
                    &render_with(&agreement, Exemplar::Copy(p), Renderer::V2)
                        .unwrap()
                        .bytes,
                )
            })
            .collect();
        assert_eq!(
            sums,
            [
                "f8d676a20f4dd81e2ad2386b291f8223e548803ea3ad5f5950384f8b1a030099",
                "dcd1e7a4202ca8873c12aaa694eb3d6f0e596200c1149ba37bf05f38207c67b4",
            ]
        );
    }

    /// Renderer 1 stays as it was: exemplars it made years ago are verified by rendering
    /// them again with it, byte for byte.
    #[test]
    fn renderer_1_keeps_its_bytes() {
        let agreement = dpa();
        let sums: Vec<String> = [Party::Provider, Party::Customer]
            .into_iter()
            .map(|p| {
                sha256_hex(
                    &render_with(&agreement, Exemplar::Copy(p), Renderer::V1)
                        .unwrap()
                        .bytes,
                )
            })
            .collect();
        assert_eq!(
            sums,
            [
                "df5fb9d013ba6ed85122f654587435420cc39c85a7d72783d6b1fc1943f33549",
                "21921e0a94848e9038a4835db028a5fc89e1371164cc9820fb13793195424729",
            ]
        );
    }

    /// A second seal by the signer of the first is not an update Tweevoud writes (`add_seal`
    /// refuses it): made here by hand, it is `foreign_update` (docs/pdf.md, "Verifying the
    /// seals").
    #[test]
    fn fail_a_second_seal_by_the_first_sealer() {
        let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let agreement = dpa();
        let sealer = Sealer::new(&agreement, &customer, None).unwrap();
        let one = exemplars(&agreement, &sealer).unwrap().remove(0).bytes;
        let exemplar = Exemplar::Copy(Party::Provider);
        let slots = render_with(&agreement, exemplar, Renderer::CURRENT)
            .unwrap()
            .slots
            .unwrap();
        let twice = sealed::seal_second(&one, &slots, &sealer.with(), None).unwrap();
        let checked = check_exemplar(&twice).unwrap();
        let codes: Vec<&str> = checked.pdf.problems.iter().map(|r| r.code()).collect();
        assert_eq!(codes, ["foreign_update"]);
        assert_eq!(
            checked.pdf.seals.len(),
            1,
            "only the first seal is reported"
        );
    }

    /// The first seal is checked beside the re-rendering, where the PDF's own `/ByteRange`
    /// places it: for an exemplar as written, that is where the rendering puts it, so the
    /// early check is the one used; a `/ByteRange` that names no place a seal can be in is
    /// not followed.
    #[test]
    fn the_first_seal_is_checked_ahead_where_the_rendering_puts_it() {
        let customer = ed25519_dalek::SigningKey::from_bytes(&[2; 32]);
        let agreement = dpa();
        let sealer = Sealer::new(&agreement, &customer, None).unwrap();
        let one = exemplars(&agreement, &sealer).unwrap().remove(0).bytes;
        let written = render_with(
            &agreement,
            Exemplar::Copy(Party::Provider),
            Renderer::CURRENT,
        )
        .unwrap();
        let ahead = check_ahead(&one, &agreement).expect("the seal's place is read");
        assert_eq!(
            ahead.seal.place(),
            (written.bytes.len(), written.slots.unwrap().contents())
        );
        assert!(ahead.seal.found().is_some(), "the seal holds");
        assert!(ahead.stamp.is_none(), "it carries no timestamp");
        let at = one.windows(11).position(|w| w == b"/ByteRange[").unwrap() + 11;
        for wrong in [&b"1"[..], b"x", b" "] {
            let mut changed = one.clone();
            changed[at..at + wrong.len()].copy_from_slice(wrong);
            assert!(check_ahead(&changed, &agreement).is_none());
        }
    }

    #[test]
    fn renderer_versions_name_each_renderer_once() {
        assert_eq!(RENDERER_VERSIONS, ["1", "2", "3"]);
        assert_eq!(RENDERER_VERSION, "3");
        for id in RENDERER_VERSIONS {
            assert_eq!(Renderer::from_id(id).map(Renderer::id), Some(id));
        }
        for id in ["", "0", "4", "01", "2 ", "V2"] {
            assert_eq!(Renderer::from_id(id), None, "{id:?}");
        }
    }
}
