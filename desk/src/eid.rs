//! (feature "fs") The Belgian eID at the desk: what the card reader holds, binding a key to
//! the card, and sealing the exemplars with it (docs/eid.md). Only the desktop app reaches a
//! card reader; the browser edition verifies what a card made, as the core does everywhere.
//!
//! The PIN, when the token has no protected authentication path, is the one the window asked
//! in its own dialog, given here for one operation: it lives in a [`Zeroizing`] string until
//! the card has signed, and is never kept.

use chrono::{DateTime, FixedOffset, Utc};
use serde::Serialize;
use tweevoud::eid::device::{find_module, CardInfo, Device, EidCard, PinEntry, PinState};
use tweevoud::eid::ocsp_fetch::{ask_status, Asked};
use tweevoud::eid::{check_signature_certificate, trusted_anchors, Binding, Card, Validated};
use tweevoud::error::CodedJson;
use tweevoud::pdf::{ExemplarPdf, Sealer};
use tweevoud::profile::eid::EidSettings;
use tweevoud::{KeyStore, Profile};
use zeroize::Zeroizing;

use crate::command::current;
use crate::view::KeyView;
use crate::{DeskError, Place, Work};

/// What the card readers hold, for "Keys and contacts".
#[derive(Debug, Serialize)]
pub struct EidView {
    /// The PKCS #11 module's own description, when it was loaded.
    module: Option<String>,
    /// The eID card in a reader, when one can be read.
    card: Option<CardView>,
    /// Why no card is shown: no module, no card, a card that cannot be read.
    problem: Option<DeskError>,
}

/// An eID card in a reader, as its Signature certificate says (read without a PIN).
#[derive(Debug, Serialize)]
pub struct CardView {
    /// The holder's name: given names and surname.
    holder: String,
    /// The national register number, masked but for its last two digits.
    number: String,
    /// The Signature key's kind (`RSA-2048`, `ECDSA P-384`).
    key: String,
    /// Whether Tweevoud can sign with that key.
    usable: bool,
    /// The certificate's notAfter, `yyyy-mm-dd`.
    valid_until: String,
    /// The root it chains to now, when it does.
    anchor: Option<String>,
    /// Why it does not chain to a trusted root now, or is not valid now (a reason).
    trust_problem: Option<serde_json::Value>,
    /// Whether Tweevoud asks the PIN (the token has no protected authentication path: no
    /// pinpad, no dialog of the eID software).
    asks_pin: bool,
    /// What the token says of its PIN: `good`, `count_low`, `final_try` or `locked`.
    pin: &'static str,
}

impl CardView {
    fn of(info: &CardInfo, asks_pin: bool, pin: PinState, now: DateTime<Utc>) -> CardView {
        let trust = trusted_anchors().and_then(|anchors| {
            check_signature_certificate(&info.certificate, &info.chain, now, &anchors)
        });
        let (anchor, trust_problem) = match trust {
            Ok(valid) => (Some(valid.path.anchor), None),
            Err(problem) => (None, serde_json::to_value(CodedJson(&problem)).ok()),
        };
        CardView {
            holder: info.holder.name.clone(),
            number: info.holder.number.masked(),
            key: info.key.to_string(),
            usable: info.key.hash().is_some(),
            valid_until: info.not_after.format("%Y-%m-%d").to_string(),
            anchor,
            trust_problem,
            asks_pin,
            pin: match pin {
                PinState::Good => "good",
                PinState::CountLow => "count_low",
                PinState::FinalTry => "final_try",
                PinState::Locked => "locked",
            },
        }
    }
}

/// The module the profile names (`tweevoud eid use-module`), else the eID middleware's,
/// loaded.
fn device(profile: &Profile) -> Result<Device, DeskError> {
    let saved = EidSettings::open(profile).module()?;
    Ok(Device::open(&find_module(saved.as_deref())?)?)
}

/// What the card readers hold: the first eID card's holder, key, validity and trust now, or
/// why there is none.
pub fn eid_status(profile: &Profile, now: DateTime<FixedOffset>) -> EidView {
    let refused = |module: Option<String>, problem: DeskError| EidView {
        module,
        card: None,
        problem: Some(problem),
    };
    let device = match device(profile) {
        Ok(device) => device,
        Err(problem) => return refused(None, problem),
    };
    let module = Some(device.description());
    let slots = match device.slots() {
        Ok(slots) => slots,
        Err(e) => return refused(module, e.into()),
    };
    let tokens: Vec<_> = slots.iter().filter_map(|s| s.token.as_ref()).collect();
    let Some(token) = tokens.iter().find(|t| t.card.is_some()) else {
        let problem = if tokens.is_empty() {
            tweevoud::eid::CardError::NoCard
        } else {
            tweevoud::eid::CardError::OtherTokens {
                tokens: tokens
                    .iter()
                    .map(|t| t.label.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }
        };
        return refused(module, problem.into());
    };
    match &token.card {
        Some(Ok(info)) => EidView {
            module,
            card: Some(CardView::of(
                info,
                !token.protected_path,
                token.pin,
                now.with_timezone(&Utc),
            )),
            problem: None,
        },
        Some(Err(e)) => refused(module, e.clone().into()),
        None => refused(module, tweevoud::eid::CardError::NoCard.into()),
    }
}

/// The PIN the window asked, for each signature of one operation; none when the token has a
/// protected authentication path (then it is never asked for).
fn pin_entry<'a>(pin: Option<Zeroizing<String>>) -> PinEntry<'a> {
    Box::new(move |_| pin.clone().filter(|p| !p.is_empty()))
}

/// The card in the reader once `usable` accepts it, its Signature certificate checked against
/// the trusted roots now (before any PIN is asked: a certificate that does not hold would give
/// nothing a verifier accepts), and the OCSP answer about it when its responder gives one.
fn checked_card<'a>(
    device: &'a Device,
    pin: Option<Zeroizing<String>>,
    now: DateTime<FixedOffset>,
    usable: impl FnOnce(&EidCard<'a>) -> Result<(), DeskError>,
) -> Result<(EidCard<'a>, Option<Vec<u8>>), DeskError> {
    let card = device.card(pin_entry(pin))?;
    usable(&card)?;
    let valid = check_signature_certificate(
        card.certificate(),
        card.chain(),
        now.with_timezone(&Utc),
        &trusted_anchors()?,
    )?;
    let ocsp = ocsp_answer(&card, &valid, now.with_timezone(&Utc))?;
    Ok((card, ocsp))
}

/// The OCSP answer about the card's certificate from the responder it names, when one that
/// holds is had; a certificate it says is revoked (or does not know) is refused. Without an
/// answer (no responder, none reached), the binding or seal is made and says revocation was
/// not checked.
fn ocsp_answer(
    card: &dyn Card,
    valid: &Validated,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>, DeskError> {
    let Some(issuer) = valid.path.issuer() else {
        return Ok(None);
    };
    match ask_status(card.certificate(), issuer, now)? {
        Asked::Good { answer, .. } => Ok(Some(answer)),
        Asked::NotChecked(_) => Ok(None),
    }
}

/// Binds the profile's key `fingerprint` (unlocked with `passphrase`) to the eID in the
/// reader: the card's Signature key (with `pin`, unless the reader or the eID software asks
/// it) and the key sign one statement, kept with the key; every signature the key makes then
/// carries it. The key, as the window shows it now.
pub fn bind_eid(
    profile: &Profile,
    fingerprint: &str,
    passphrase: &str,
    pin: Option<Zeroizing<String>>,
    now: DateTime<FixedOffset>,
) -> Result<KeyView, DeskError> {
    let store = KeyStore::open(profile);
    let info = store.get(fingerprint)?;
    // The passphrase first: a wrong one costs no PIN try.
    let key = store.unlock(fingerprint, passphrase)?;
    let device = device(profile)?;
    let (card, ocsp) = checked_card(&device, pin, now, |_| Ok(()))?;
    let binding = Binding::make(&card, &key, now, ocsp.as_deref())?;
    let key = key.with_binding(binding)?;
    store.bind(&key)?;
    Ok(KeyView::of(profile, &info))
}

/// The PDFs of the agreement on the desk (the one to send, or both exemplars), sealed with
/// the eID in the reader: a qualified seal in the place of the companion's. The card's holder
/// must be the one an eID binding that holds names for a signer of the agreement (the core's
/// [`tweevoud::pdf::eid_signer`]: whom verifying the seal names); `pin` as for [`bind_eid`].
/// Each PDF asks the card for one signature.
pub fn eid_exemplars(
    profile: &Profile,
    work: &Option<Work>,
    pin: Option<Zeroizing<String>>,
    now: DateTime<FixedOffset>,
) -> Result<Vec<ExemplarPdf>, DeskError> {
    let work = current(work)?;
    let device = device(profile)?;
    let (card, ocsp) = checked_card(&device, pin, now, |card| {
        tweevoud::pdf::eid_signer(&work.agreement, card.certificate())
            .map(|_| ())
            .ok_or(DeskError::OtherHolder)
    })?;
    let stamps = profile.stamps();
    let seal_stamp = |signature: &[u8]| stamps.as_deref().and_then(|s| s.seal(signature));
    let sealer = Sealer::with_card(&card, ocsp, Some(&seal_stamp))?;
    Ok(tweevoud::pdf::exemplars(&work.agreement, &sealer)?)
}
