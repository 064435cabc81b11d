//! `tweevoud eid`: the Belgian eID in a card reader (docs/eid.md). `eid status` says what the
//! readers hold; `eid use-module` keeps the PKCS #11 module to load in the profile.
//!
//! The module is `--pkcs11-module PATH` when given, else the profile's (`eid use-module`),
//! else the eID middleware's usual install path. The PIN, when the reader has no pinpad and
//! the module no dialog of its own, is `TWEEVOUD_PIN` (for scripts and tests) or asked on the
//! terminal, once per signature; it is never kept.

use std::path::PathBuf;

use anyhow::Result;
use chrono::{DateTime, Utc};
use clap::{Args, Subcommand};
use tweevoud::eid::device::{self, CardInfo, Device, PinEntry, PinRequest, PinState, SlotStatus};
use tweevoud::eid::ocsp_fetch::{ask_status, Asked};
use tweevoud::eid::{
    check_signature_certificate, trusted_anchors, Anchors, Binding, Card, CardError, PathProblem,
    Validated,
};
use tweevoud::profile::eid::EidSettings;
use tweevoud::profile::Profile;
use tweevoud::KeyStore;
use zeroize::Zeroizing;

use super::keys::{read_passphrase, PassphraseArgs, ProfileArgs};
use super::{print_json, safe, shown, Outcome};

/// The environment variable a script gives the PIN in.
const PIN_ENV: &str = "TWEEVOUD_PIN";

#[derive(Args)]
pub struct EidArgs {
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(subcommand)]
    command: EidCommand,
}

/// Which PKCS #11 module to load.
#[derive(Args)]
pub(crate) struct ModuleArgs {
    /// The PKCS #11 module to load [default: the profile's (`eid use-module`), else the eID
    /// middleware's]
    #[arg(long, value_name = "PATH")]
    pkcs11_module: Option<PathBuf>,
}

impl ModuleArgs {
    /// The module: the option's, else the profile's, else the middleware's usual path.
    pub(crate) fn find(&self, profile: &Profile) -> Result<PathBuf> {
        let saved = match &self.pkcs11_module {
            Some(_) => None,
            None => EidSettings::open(profile).module()?,
        };
        let given = self.pkcs11_module.as_deref().or(saved.as_deref());
        Ok(device::find_module(given)?)
    }
}

#[derive(Subcommand)]
enum EidCommand {
    /// Say what the card readers hold: for an eID card, its holder, key and validity (no PIN
    /// asked), and whether its certificate chains to the Belgian roots now. Exit 2 when no eID
    /// card is in a reader.
    Status {
        #[command(flatten)]
        module: ModuleArgs,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Bind your signing key to your eID: the card's Signature key and yours sign one
    /// statement, kept with the key; every signature the key makes then carries it, and a
    /// verifier confirms you by the card. Asks the card's PIN (unless the reader or the eID
    /// software asks it), and the certificate's OCSP responder for its status.
    Bind {
        /// Your signing key: a fingerprint (or its first 8+ hex digits) or the key's name.
        #[arg(long)]
        key: String,
        #[command(flatten)]
        module: ModuleArgs,
        #[command(flatten)]
        passphrase: PassphraseArgs,
    },
    /// Keep the PKCS #11 module to load in the profile (another reader's module, e.g.
    /// OpenSC's), or with --usual, go back to the eID middleware's.
    UseModule {
        /// The module's path.
        #[arg(required_unless_present = "usual")]
        path: Option<PathBuf>,
        /// Forget the module kept: use the eID middleware's usual install path.
        #[arg(long, conflicts_with = "path")]
        usual: bool,
    },
}

pub fn eid(a: EidArgs) -> Result<Outcome> {
    let profile = a.profile.profile()?;
    match a.command {
        EidCommand::Status { module, json } => status(&profile, &module, json),
        EidCommand::Bind {
            key,
            module,
            passphrase,
        } => bind(&profile, &key, &module, &passphrase),
        EidCommand::UseModule { path, usual } => {
            let settings = EidSettings::open(&profile);
            match path.filter(|_| !usual) {
                Some(path) => {
                    let path = device::find_module(Some(&path))?;
                    let path = path.canonicalize().unwrap_or(path);
                    let device = Device::open(&path)?;
                    settings.set_module(Some(&path))?;
                    outln!(
                        "the eID's reader is reached through {} ({})",
                        shown(&path),
                        safe(&device.description())
                    );
                }
                None => {
                    settings.set_module(None)?;
                    outln!("the eID middleware's module is used (its usual install path)");
                }
            }
            Ok(Outcome::Ok)
        }
    }
}

/// Whether a card's Signature certificate holds now: its chain to an anchor Tweevoud trusts
/// (the Belgian roots), its validity; the anchor's name, or the problem.
fn trust(card: &CardInfo, anchors: &Anchors, now: DateTime<Utc>) -> Result<String, PathProblem> {
    check_signature_certificate(&card.certificate, &card.chain, now, anchors).map(|v| v.path.anchor)
}

fn status(profile: &Profile, module: &ModuleArgs, json: bool) -> Result<Outcome> {
    let path = module.find(profile)?;
    let device = Device::open(&path)?;
    let slots = device.slots()?;
    let anchors = trusted_anchors()?;
    let now = super::now()?.with_timezone(&Utc);
    let trust = |card: &CardInfo| trust(card, &anchors, now);
    if json {
        print_json(&status_json(&device, &slots, &trust))?;
    } else {
        print_status(&device, &slots, &trust);
    }
    let cards = slots
        .iter()
        .filter_map(|s| s.token.as_ref()?.card.as_ref())
        .collect::<Vec<_>>();
    if let Some(Err(e)) = cards.first() {
        return Err(e.clone().into());
    }
    if cards.is_empty() {
        let others: Vec<&str> = slots
            .iter()
            .filter_map(|s| Some(s.token.as_ref()?.label.as_str()))
            .collect();
        return Err(if others.is_empty() {
            CardError::NoCard
        } else {
            CardError::OtherTokens {
                tokens: others.join(", "),
            }
        }
        .into());
    }
    Ok(Outcome::Ok)
}

fn pin_words(pin: PinState) -> Option<&'static str> {
    match pin {
        PinState::Good => None,
        PinState::CountLow => Some("a wrong PIN was given lately"),
        PinState::FinalTry => Some("one more wrong PIN blocks it"),
        PinState::Locked => Some("the PIN is blocked"),
    }
}

type Trust<'a> = dyn Fn(&CardInfo) -> Result<String, PathProblem> + 'a;

fn print_status(device: &Device, slots: &[SlotStatus], trust: &Trust) {
    outln!(
        "module: {} ({})",
        shown(device.module()),
        safe(&device.description())
    );
    if slots.is_empty() {
        outln!("no card reader");
    }
    for slot in slots {
        outln!("reader: {}", safe(&slot.reader));
        let Some(token) = &slot.token else {
            outln!("  no card");
            continue;
        };
        match &token.card {
            None => outln!("  not an eID card: {}", safe(&token.label)),
            Some(Err(e)) => outln!("  eID card that cannot be read: {}", safe(e)),
            Some(Ok(card)) => {
                outln!("  eID card of {}", safe(&card.holder.name));
                outln!("  key: {}", card.key);
                outln!(
                    "  Signature certificate valid from {} until {}",
                    card.not_before.format("%Y-%m-%d"),
                    card.not_after.format("%Y-%m-%d")
                );
                match trust(card) {
                    Ok(anchor) => outln!("  trusted: it chains to {}", safe(&anchor)),
                    Err(problem) => outln!("  not trusted now: {}", safe(&problem)),
                }
                outln!(
                    "  PIN: {}",
                    if token.protected_path {
                        "asked by the reader or the eID software, never by Tweevoud"
                    } else {
                        "asked by Tweevoud for each signature"
                    }
                );
            }
        }
        if let Some(words) = pin_words(token.pin) {
            outln!("  note: {words}");
        }
    }
}

fn status_json(device: &Device, slots: &[SlotStatus], trust: &Trust) -> serde_json::Value {
    use tweevoud::error::CodedJson;
    let readers: Vec<serde_json::Value> = slots
        .iter()
        .map(|slot| {
            let token = slot.token.as_ref().map(|token| {
                let card = token.card.as_ref().map(|card| match card {
                    Ok(card) => serde_json::json!({
                        "holder": card.holder.name,
                        "number": card.holder.number.masked(),
                        "key": card.key.to_string(),
                        "not_before": card.not_before.to_rfc3339(),
                        "not_after": card.not_after.to_rfc3339(),
                        "trust": match trust(card) {
                            Ok(anchor) => serde_json::json!({ "anchor": anchor }),
                            Err(problem) => serde_json::json!({ "problem": CodedJson(&problem) }),
                        },
                    }),
                    Err(e) => serde_json::json!({ "problem": CodedJson(e) }),
                });
                serde_json::json!({
                    "label": token.label,
                    "protected_path": token.protected_path,
                    "pin": match token.pin {
                        PinState::Good => "good",
                        PinState::CountLow => "count_low",
                        PinState::FinalTry => "final_try",
                        PinState::Locked => "locked",
                    },
                    "card": card,
                })
            });
            serde_json::json!({ "reader": slot.reader, "token": token })
        })
        .collect();
    serde_json::json!({
        "module": device.module().display().to_string(),
        "description": device.description(),
        "readers": readers,
    })
}

/// The PIN for a signature: `TWEEVOUD_PIN` when set, else asked on the terminal; None when the
/// person gives none (an empty value or line, or no terminal).
pub(crate) fn pin_entry<'a>() -> PinEntry<'a> {
    Box::new(|request: &PinRequest| {
        if let Some(value) = std::env::var_os(PIN_ENV) {
            let pin = Zeroizing::new(value.into_string().ok()?);
            return (!pin.is_empty()).then_some(pin);
        }
        if let Some(words) = pin_words(request.state) {
            errln!("tweevoud: careful: {words}");
        }
        let prompt = format!("PIN of the eID card of {}: ", safe(&request.holder));
        let pin = Zeroizing::new(rpassword::prompt_password(prompt).ok()?);
        (!pin.is_empty()).then_some(pin)
    })
}

/// The OCSP answer about the card's certificate, from the responder it names, when one is
/// had that holds; a revoked or unknown certificate is refused (its code). Without one, the
/// binding (or the qualified seal) is made and says revocation was not checked.
pub(crate) fn ocsp_answer(
    card: &dyn Card,
    valid: &Validated,
    now: DateTime<Utc>,
) -> Result<Option<Vec<u8>>> {
    let Some(issuer) = valid.path.issuer() else {
        return Ok(None);
    };
    match ask_status(card.certificate(), issuer, now)? {
        Asked::Good { answer, said } => {
            outln!(
                "revocation: not revoked, said {} by {}",
                said.this_update.format("%Y-%m-%d %H:%M UTC"),
                safe(&said.responder)
            );
            Ok(Some(answer))
        }
        Asked::NotChecked(why) => {
            errln!("tweevoud: revocation not checked: {}", safe(&why));
            Ok(None)
        }
    }
}

fn bind(
    profile: &Profile,
    selector: &str,
    module: &ModuleArgs,
    passphrase: &PassphraseArgs,
) -> Result<Outcome> {
    let store = KeyStore::open(profile);
    let info = store.get(selector)?;
    let path = module.find(profile)?;
    let device = Device::open(&path)?;
    let card = device.card(pin_entry())?;
    let now = super::now()?;
    // A certificate that does not chain to the trusted roots, or is not valid now, would bind
    // nothing a verifier accepts: refused before any PIN is asked.
    let valid = check_signature_certificate(
        card.certificate(),
        card.chain(),
        now.with_timezone(&Utc),
        &trusted_anchors()?,
    )?;
    outln!(
        "eID card of {} ({}), certificate chaining to {}",
        safe(&valid.holder.name),
        card.info().key,
        safe(&valid.path.anchor)
    );
    let ocsp = ocsp_answer(&card, &valid, now.with_timezone(&Utc))?;
    let pass = read_passphrase(
        passphrase.file(),
        false,
        &format!("Passphrase for {}: ", safe(&info.display_name())),
    )?;
    let key = store.unlock(selector, &pass)?;
    drop(pass);
    let binding = Binding::make(&card, &key, now, ocsp.as_deref())?;
    let key = key.with_binding(binding)?;
    store.bind(&key)?;
    outln!(
        "bound {} to the eID of {}{}",
        safe(&info.display_name()),
        safe(&valid.holder.name),
        if ocsp.is_some() {
            ", the OCSP answer kept"
        } else {
            "; revocation not checked"
        }
    );
    Ok(Outcome::Ok)
}
