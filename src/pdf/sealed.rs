//! Renderer 3's seals (docs/pdf.md, "The seal"): the seal of the party that made the PDF, the
//! second seal the other party may add as an incremental update, and checking both. Where
//! they go, byte for byte, is `seal_layout`'s.
//!
//! Everything outside a seal's `/Contents` is a function of the agreement (and, for the second
//! seal, of the first revision's length), so a verifier renders the PDF again, compares every
//! byte outside the seals, and then checks each seal.

use super::eid_seal::{self, EidRules};
use super::foreign::{self, OtherSignature};
use super::read;
use super::seal_layout::{
    digest, increment, signed_ranges, Slots, SEAL_FIELD_1, SEAL_FIELD_2, SEAL_SPACE,
};
use super::PdfError;
use crate::eid::{Card, CardHash};
use crate::seal::qualified::{self, Algorithm, QualifiedSealError};
use crate::seal::{self, Identity, Opened, SealKey, SealProblem};
use crate::verify::Reason;

/// A signature timestamp for a seal: given the seal's signature value, a token over it
/// (RFC 3161), or `None` when none could be had.
pub type Stamp<'a> = &'a (dyn Fn(&[u8]) -> Option<Vec<u8>> + Sync);

/// What a PDF is sealed with: the companion of a signer's key (`crate::seal`), or a signer's
/// Belgian eID (a qualified seal, `crate::seal::qualified`).
pub(crate) enum SealWith<'a> {
    /// The companion of the key that signed as `identity`.
    Companion {
        /// The companion and its binding.
        key: &'a SealKey,
        /// The signatory as the agreement names them.
        identity: &'a Identity,
    },
    /// The card's Signature key, with the OCSP answer had for its certificate, if any.
    Card {
        /// The card.
        card: &'a dyn Card,
        /// The OCSP answer (an `OCSPResponse`, DER).
        ocsp: Option<&'a [u8]>,
    },
}

/// The algorithms of the qualified seal a card makes.
fn card_algorithm(card: &dyn Card) -> Algorithm {
    match card.hash() {
        CardHash::Sha256 => Algorithm::RsaSha256,
        CardHash::Sha384 => Algorithm::EcdsaP384Sha384,
    }
}

/// Seals the PDF in `bytes` at `contents`, with a signature timestamp if `stamp` gives one.
fn seal_at(
    bytes: &mut [u8],
    contents: (usize, usize),
    with: &SealWith<'_>,
    stamp: Option<Stamp<'_>>,
) -> Result<(), PdfError> {
    let der = match with {
        SealWith::Companion { key, identity } => {
            let sealed = seal::seal(key, identity, &digest(bytes, contents));
            let token = stamp.and_then(|s| s(sealed.signature()));
            let der = sealed.to_der(token.as_deref());
            if der.len() > SEAL_SPACE {
                // A TSA whose token (with its certificates) does not fit: sealed without it.
                sealed.to_der(None)
            } else {
                der
            }
        }
        SealWith::Card { card, ocsp } => {
            let algorithm = card_algorithm(*card);
            let prepared = qualified::prepare(
                algorithm,
                card.certificate(),
                card.chain(),
                *ocsp,
                &algorithm.digest(&signed_ranges(bytes, contents)),
                SEAL_SPACE,
            )
            .map_err(PdfError::QualifiedSeal)?;
            let signature = card
                .sign_digest(&prepared.to_sign())
                .map_err(PdfError::Card)?;
            let sealed = prepared.signed(signature);
            let token = stamp.and_then(|s| s(sealed.signature()));
            // Too large with everything: without the root, then without the timestamp.
            sealed
                .fitting(token.as_deref(), SEAL_SPACE)
                .ok_or(PdfError::QualifiedSeal(QualifiedSealError::TooLarge {
                    max: SEAL_SPACE,
                }))?
        }
    };
    let hex = hex::encode(&der);
    bytes[contents.0 + 1..contents.0 + 1 + hex.len()].copy_from_slice(hex.as_bytes());
    Ok(())
}

/// Seals a PDF a renderer that seals wrote: the seal of the party that made it.
pub(crate) fn seal_first(
    bytes: &mut [u8],
    slots: &Slots,
    with: &SealWith<'_>,
    stamp: Option<Stamp<'_>>,
) -> Result<(), PdfError> {
    seal_at(bytes, slots.contents(), with, stamp)
}

/// Adds the second seal to a sealed PDF of one revision (`base`, whose slots are `slots`).
pub(crate) fn seal_second(
    base: &[u8],
    slots: &Slots,
    with: &SealWith<'_>,
    stamp: Option<Stamp<'_>>,
) -> Result<Vec<u8>, PdfError> {
    let (mut out, contents) = increment(base, slots)?;
    seal_at(&mut out, contents, with, stamp)?;
    Ok(out)
}

/// A seal found in a PDF, and checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundSeal {
    /// 1 for the seal made with the PDF, 2 for the one the other party added.
    pub number: u8,
    /// The Ed25519 public key the seal's certificate is bound to.
    pub ed25519: [u8; 32],
    /// The seal's signature value: what its signature timestamp stamps.
    pub signature: Vec<u8>,
    /// Its signature timestamp token, if it carries one.
    pub token: Option<Vec<u8>>,
    /// Its certificate (DER).
    pub certificate: Vec<u8>,
    /// What its signature timestamp attests, when it carries one that holds.
    pub timestamp: Option<crate::verify::Stamped>,
    /// For a qualified seal, made with a signer's eID: whose, and whether revocation was
    /// checked. `None` for a companion seal.
    pub eid: Option<EidSealer>,
}

/// Who made a qualified seal with their eID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EidSealer {
    /// The certificate's holder, as shown (never the national register number).
    pub holder: String,
    /// Whether the seal carries an OCSP answer that says the certificate was not revoked
    /// (`false`: revocation not checked).
    pub revocation_checked: bool,
}

/// What the seals of a PDF are checked against: who of the agreement's signers holds an
/// Ed25519 key (for a companion seal), and the rules of a qualified seal.
pub(crate) struct SealRules<'a> {
    /// Who of the agreement's signers holds an Ed25519 key, as their signature states it.
    pub identity_of: &'a dyn Fn(&[u8; 32]) -> Option<Identity>,
    /// What a qualified seal is checked against.
    pub eid: EidRules<'a>,
}

/// The seal between `<` and `>`: lower-case hex of the DER, then zeros. `Ok(None)` for zeros
/// only (no seal).
fn seal_bytes(hex_text: &[u8]) -> Result<Option<Vec<u8>>, SealProblem> {
    let odd = || {
        SealProblem::Unreadable("its /Contents is not the hex of one seal followed by zeros".into())
    };
    if hex_text.iter().all(|b| *b == b'0') {
        return Ok(None);
    }
    if !hex_text
        .iter()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
    {
        return Err(odd());
    }
    let bytes = hex::decode(hex_text).map_err(|_| odd())?;
    // The DER's own length says where the seal ends; zeros follow it.
    let len = match bytes.get(1) {
        Some(&n) if n < 0x80 => 2 + usize::from(n),
        Some(&0x82) if bytes.len() > 4 => 4 + (usize::from(bytes[2]) << 8 | usize::from(bytes[3])),
        _ => return Err(odd()),
    };
    if len > bytes.len() || bytes[len..].iter().any(|b| *b != 0) {
        return Err(odd());
    }
    Ok(Some(bytes[..len].to_vec()))
}

/// Checks one seal at `contents` of `bytes` (the PDF up to the end of the revision it seals):
/// a companion seal, or else a qualified seal.
fn check_seal(
    bytes: &[u8],
    contents: (usize, usize),
    number: u8,
    rules: &SealRules<'_>,
) -> Result<FoundSeal, Reason> {
    let problem = |problem| Reason::Seal { number, problem };
    let der = match seal_bytes(&bytes[contents.0 + 1..contents.1]).map_err(problem)? {
        Some(der) => der,
        None => return Err(Reason::SealMissing),
    };
    // A CMS that is not a companion seal is a qualified seal (docs/pdf.md, "Verifying the
    // seals"); what reads as neither is refused as a companion seal that cannot be read.
    let qualified = (!seal::is_companion(&der))
        .then(|| eid_seal::read(&der))
        .flatten();
    if let Some(cms) = qualified {
        let checked = eid_seal::check(&der, &cms, &signed_ranges(bytes, contents), &rules.eid)
            .map_err(problem)?;
        return Ok(FoundSeal {
            number,
            ed25519: checked.ed25519,
            signature: checked.signature,
            token: checked.token,
            certificate: checked.certificate,
            timestamp: None,
            eid: Some(EidSealer {
                holder: checked.holder.name,
                revocation_checked: checked.revocation_checked,
            }),
        });
    }
    let opened: Opened<'_> = seal::open(&der).map_err(problem)?;
    let identity = (rules.identity_of)(opened.ed25519());
    seal::check(&opened, identity.as_ref(), &digest(bytes, contents)).map_err(problem)?;
    Ok(FoundSeal {
        number,
        ed25519: *opened.ed25519(),
        signature: opened.signature().to_vec(),
        token: opened.token().map(<[u8]>::to_vec),
        certificate: opened.certificate().to_vec(),
        timestamp: None,
        eid: None,
    })
}

/// The first seal of a PDF checked before the PDF is rendered again, where the PDF's own
/// `/ByteRange` places it: [`check`] takes its result only if the rendering puts the seal in
/// that very place in a first revision of that very length (checking a seal is a function of
/// those bytes and that place alone), so that its cryptography can run beside the rendering.
pub(crate) struct Ahead {
    base_len: usize,
    contents: (usize, usize),
    seal: Result<FoundSeal, Reason>,
}

impl Ahead {
    /// The seal, if it holds.
    pub(crate) fn found(&self) -> Option<&FoundSeal> {
        self.seal.as_ref().ok()
    }

    /// Where it was checked: the length of the first revision, and the seal's `/Contents`.
    #[cfg(test)]
    pub(crate) fn place(&self) -> (usize, (usize, usize)) {
        (self.base_len, self.contents)
    }
}

/// Checks the first seal where the first `/ByteRange` in `bytes` places it; `None` when that
/// is not a place a seal of ours can be: `[0 a b c]` with `<` at `a`, `>` at `b - 1`, the
/// seal's space between them, and the revision's `b + c` bytes within the PDF.
pub(crate) fn check_ahead(bytes: &[u8], rules: &SealRules<'_>) -> Option<Ahead> {
    const KEY: &[u8] = b"/ByteRange";
    let at = bytes.windows(KEY.len()).position(|w| w == KEY)? + KEY.len();
    let rest = bytes[at..].strip_prefix(b"[")?;
    // Four numbers of at most ten digits, one space between them: `[0 a b c]`.
    let mut numbers = [0usize; 4];
    let mut i = 0;
    for (k, n) in numbers.iter_mut().enumerate() {
        if k > 0 {
            i += usize::from(rest.get(i) == Some(&b' '));
        }
        let digits = rest[i.min(rest.len())..]
            .iter()
            .take(11)
            .take_while(|b| b.is_ascii_digit())
            .count();
        if digits == 0 || digits > 10 {
            return None;
        }
        *n = std::str::from_utf8(&rest[i..i + digits])
            .ok()?
            .parse()
            .ok()?;
        i += digits;
    }
    let [zero, lt, after, tail] = numbers;
    let gt = after.checked_sub(1)?;
    let base_len = after.checked_add(tail)?;
    let fits = zero == 0
        && gt.checked_sub(lt) == Some(SEAL_SPACE * 2 + 1)
        && base_len <= bytes.len()
        && bytes[lt] == b'<'
        && bytes[gt] == b'>';
    fits.then(|| Ahead {
        base_len,
        contents: (lt, gt),
        seal: check_seal(&bytes[..base_len], (lt, gt), 1, rules),
    })
}

/// Whether `bytes` equals `expected` outside the seal at `contents`.
fn same_outside(bytes: &[u8], expected: &[u8], contents: (usize, usize)) -> bool {
    bytes.len() == expected.len()
        && bytes[..=contents.0] == expected[..=contents.0]
        && bytes[contents.1..] == expected[contents.1..]
}

/// What checking a sealed PDF found: the seals that hold, and what does not.
pub(crate) struct SealCheck {
    /// Whether every byte outside the seals is the one Tweevoud writes.
    pub layout_matches: bool,
    /// The seals that hold.
    pub seals: Vec<FoundSeal>,
    /// The signatures other programs appended after the seals, in updates that change
    /// nothing shown.
    pub others: Vec<OtherSignature>,
    /// What does not hold.
    pub problems: Vec<Reason>,
}

/// Checks a PDF against `expected`, the first revision as the renderer writes it (seal
/// zeros): the first revision byte for byte outside its seal, its seal, then, if the PDF goes
/// on, the second seal's update and that seal if it is there, and then the updates other
/// programs appended, each of which must only add a signature (`read::appended`; else
/// `foreign_update`). Each seal is checked by `rules`.
pub(crate) fn check(
    bytes: &[u8],
    expected: &[u8],
    slots: &Slots,
    rules: &SealRules<'_>,
    ahead: Option<&Ahead>,
) -> SealCheck {
    let mut result = SealCheck {
        layout_matches: false,
        seals: Vec::new(),
        others: Vec::new(),
        problems: Vec::new(),
    };
    let base_len = expected.len();
    if bytes.len() < base_len || !same_outside(&bytes[..base_len], expected, slots.contents()) {
        result.problems.push(Reason::VisibleDiffers);
        return result;
    }
    let base = &bytes[..base_len];
    // The first seal as checked ahead, if it was checked where it is.
    let first = match ahead {
        Some(a) if a.base_len == base_len && a.contents == slots.contents() => a.seal.clone(),
        _ => check_seal(base, slots.contents(), 1, rules),
    };
    match first {
        Ok(seal) => result.seals.push(seal),
        Err(reason) => result.problems.push(reason),
    }
    // Tweevoud's revisions end here: after the first, or after the second seal's update.
    let mut ours_end = base_len;
    if bytes.len() > base_len {
        if let Ok((again, contents)) = increment(base, slots) {
            let ours = bytes.get(..again.len());
            if let Some(ours) = ours.filter(|ours| same_outside(ours, &again, contents)) {
                ours_end = again.len();
                match check_seal(ours, contents, 2, rules) {
                    Ok(seal) if result.seals.iter().any(|s| s.ed25519 == seal.ed25519) => {
                        result.problems.push(Reason::ForeignUpdate);
                        return result;
                    }
                    Ok(seal) => result.seals.push(seal),
                    Err(reason) => result.problems.push(reason),
                }
            }
        }
    }
    if bytes.len() > ours_end {
        match read::appended(bytes, ours_end) {
            // A signature in a field named as Tweevoud's seals that is not Tweevoud's own
            // update (a second seal changed, or one more) passes for a seal: not accepted.
            Ok(appended)
                if !appended
                    .iter()
                    .any(|a| matches!(a.field.as_deref(), Some(SEAL_FIELD_1 | SEAL_FIELD_2))) =>
            {
                result.others = foreign::check(bytes, &appended)
            }
            Ok(_) | Err(_) => {
                result.problems.push(Reason::ForeignUpdate);
                return result;
            }
        }
    }
    result.layout_matches = true;
    result
}
