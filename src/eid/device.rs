//! (feature "fs") The Belgian eID as a device: its card reader reached through a PKCS #11
//! module (the eID middleware's `libbeidpkcs11`, or another module such as OpenSC's or a test
//! token's), with the `cryptoki` crate.
//!
//! - [`find_module`]: the module given, else the middleware's usual install paths.
//! - [`Device::open`] loads and initializes it; [`Device::slots`] says what each reader holds
//!   (the card's holder, key and validity, read from its Signature certificate); and
//!   [`Device::card`] opens the card (the token labelled [`TOKEN_LABEL`]) as a [`Card`].
//! - [`EidCard::sign_digest`] hashes nothing: the host hashed, and the card signs raw
//!   (`CKM_RSA_PKCS` over the DigestInfo, or `CKM_ECDSA`, whose `r||s` is made DER here).
//!
//! The PIN: when the token has a protected authentication path (a pinpad reader, or a module
//! that asks it in its own dialog), Tweevoud never asks it. Otherwise the caller's
//! [`PinEntry`] is asked once per signature; the PIN lives in a [`Zeroizing`] string (and
//! within `cryptoki` in a zeroized secret) for that one operation, is never logged, and the
//! session is logged out when it ends. A key with `CKA_ALWAYS_AUTHENTICATE` gets its
//! context-specific login between `C_SignInit` and `C_Sign` (`tweevoud_p11`). Every failure is
//! a [`CardError`] with its own code; nothing is changed on the card. docs/eid.md.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as P11Error, Rv, RvError};
use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, AttributeInfo, AttributeType, ObjectClass, ObjectHandle};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::{Slot, TokenInfo};
use cryptoki::types::RawAuthPin;
use zeroize::Zeroizing;

use super::pki::read as read_certificate;
use super::{
    signature_certificate_holder, Card, CardError, CardHash, Holder, MAX_CERTIFICATE_BYTES,
};

/// The label of an eID card's token, as the middleware names it.
pub const TOKEN_LABEL: &str = "BELPIC";

/// Where the eID middleware installs its PKCS #11 module, in the order they are tried.
#[cfg(target_os = "linux")]
pub const USUAL_MODULES: &[&str] = &[
    "/usr/lib/x86_64-linux-gnu/libbeidpkcs11.so.0",
    "/usr/lib/aarch64-linux-gnu/libbeidpkcs11.so.0",
    "/usr/lib/i386-linux-gnu/libbeidpkcs11.so.0",
    "/usr/lib64/libbeidpkcs11.so.0",
    "/usr/lib/libbeidpkcs11.so.0",
    "/usr/local/lib/libbeidpkcs11.so.0",
    "/opt/lib/libbeidpkcs11.so.0",
];
/// Where the eID middleware installs its PKCS #11 module, in the order they are tried.
#[cfg(target_os = "macos")]
pub const USUAL_MODULES: &[&str] = &[
    "/Library/Belgium Identity Card/Pkcs11/beid-pkcs11.bundle/Contents/MacOS/libbeidpkcs11.dylib",
    "/usr/local/lib/beid-pkcs11.bundle/Contents/MacOS/libbeidpkcs11.dylib",
    "/usr/local/lib/libbeidpkcs11.dylib",
];
/// Where the eID middleware installs its PKCS #11 module, in the order they are tried.
#[cfg(target_os = "windows")]
pub const USUAL_MODULES: &[&str] = &[
    "C:\\Windows\\System32\\beidpkcs11.dll",
    "C:\\Windows\\SysWOW64\\beidpkcs11.dll",
];
/// Where the eID middleware installs its PKCS #11 module, in the order they are tried.
#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
pub const USUAL_MODULES: &[&str] = &["/usr/local/lib/libbeidpkcs11.so.0"];

/// Most slots looked at: a machine has a few readers; a module listing more is not a reader's.
const MAX_SLOTS: usize = 64;

/// The module to load: `given` (an option, or the profile's setting) when there is one, which
/// must exist; else the first of [`USUAL_MODULES`] that does.
pub fn find_module(given: Option<&Path>) -> Result<PathBuf, CardError> {
    if let Some(path) = given {
        return if path.is_file() {
            Ok(path.to_path_buf())
        } else {
            Err(CardError::NoModule {
                reason: format!("there is no module at {}", path.display()),
            })
        };
    }
    USUAL_MODULES
        .iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())
        .ok_or_else(|| CardError::NoModule {
            reason: format!(
                "it is not installed (looked for {})",
                USUAL_MODULES.join(", ")
            ),
        })
}

pub use super::KeyKind;

/// What a token says of its user PIN.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinState {
    /// Nothing to say.
    Good,
    /// A wrong PIN was given lately (`CKF_USER_PIN_COUNT_LOW`).
    CountLow,
    /// One more wrong PIN blocks it (`CKF_USER_PIN_FINAL_TRY`).
    FinalTry,
    /// Blocked (`CKF_USER_PIN_LOCKED`): only the commune can unblock it.
    Locked,
}

impl PinState {
    fn of(token: &TokenInfo) -> PinState {
        if token.user_pin_locked() {
            PinState::Locked
        } else if token.user_pin_final_try() {
            PinState::FinalTry
        } else if token.user_pin_count_low() {
            PinState::CountLow
        } else {
            PinState::Good
        }
    }

    /// The tries left it tells: 1 on the final try, else not told.
    fn tries_left(self) -> Option<u32> {
        (self == PinState::FinalTry).then_some(1)
    }
}

/// What an eID card's certificates say: read without a PIN.
#[derive(Debug, Clone)]
pub struct CardInfo {
    /// The holder the Signature certificate names.
    pub holder: Holder,
    /// The Signature key's kind.
    pub key: KeyKind,
    /// The Signature certificate's notBefore.
    pub not_before: DateTime<Utc>,
    /// The Signature certificate's notAfter.
    pub not_after: DateTime<Utc>,
    /// The Signature certificate, DER.
    pub certificate: Vec<u8>,
    /// The CA certificates the card holds: the `CA` (Citizen CA), then the `Root`, DER.
    pub chain: Vec<Vec<u8>>,
}

/// What a reader (a slot of the module) holds.
#[derive(Debug)]
pub struct SlotStatus {
    /// The reader's name, as the module gives it.
    pub reader: String,
    /// The token in it, None when the reader is empty.
    pub token: Option<TokenStatus>,
}

/// A token in a reader.
#[derive(Debug)]
pub struct TokenStatus {
    /// Its label (`BELPIC` for an eID card).
    pub label: String,
    /// Whether the PIN is given on the reader's pinpad or in the module's own dialog, never to
    /// Tweevoud.
    pub protected_path: bool,
    /// What it says of its PIN.
    pub pin: PinState,
    /// For an eID card, what its certificates say, or why they cannot be read; None for
    /// another token.
    pub card: Option<Result<CardInfo, CardError>>,
}

/// Asks the person for the PIN; None when they decline. Asked once per signature, and never
/// when the token has a protected authentication path.
pub type PinEntry<'a> = Box<dyn Fn(&PinRequest) -> Option<Zeroizing<String>> + 'a>;

/// What a [`PinEntry`] is told.
#[derive(Debug, Clone)]
pub struct PinRequest {
    /// The holder of the card whose PIN is asked.
    pub holder: String,
    /// What the token says of its PIN (a wrong PIN given lately, the final try).
    pub state: PinState,
}

/// A loaded and initialized PKCS #11 module.
pub struct Device {
    module: PathBuf,
    ctx: Option<Pkcs11>,
    signer: OnceLock<tweevoud_p11::Signer>,
}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Device")
            .field("module", &self.module)
            .finish()
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        if let Some(ctx) = self.ctx.take() {
            let _ = ctx.finalize();
        }
    }
}

impl Device {
    /// Loads the module at `module` and initializes it.
    pub fn open(module: &Path) -> Result<Device, CardError> {
        let unloadable = |reason: String| CardError::ModuleUnloadable {
            path: module.display().to_string(),
            reason,
        };
        let ctx = Pkcs11::new(module).map_err(|e| unloadable(e.to_string()))?;
        match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) | Err(P11Error::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => {}
            Err(e) => return Err(unloadable(e.to_string())),
        }
        Ok(Device {
            module: module.to_path_buf(),
            ctx: Some(ctx),
            signer: OnceLock::new(),
        })
    }

    /// The module's path.
    pub fn module(&self) -> &Path {
        &self.module
    }

    fn ctx(&self) -> &Pkcs11 {
        self.ctx.as_ref().expect("set until dropped")
    }

    /// The module's own description ("Belgium eID PKCS#11 interface v2", "SoftHSM").
    pub fn description(&self) -> String {
        self.ctx()
            .get_library_info()
            .map(|i| {
                format!("{} {}", i.manufacturer_id(), i.library_description())
                    .trim()
                    .to_string()
            })
            .unwrap_or_default()
    }

    /// What each reader holds, an eID card's certificates read.
    pub fn slots(&self) -> Result<Vec<SlotStatus>, CardError> {
        let ctx = self.ctx();
        let slots = ctx.get_all_slots().map_err(|e| failed(&e))?;
        let mut out = Vec::new();
        for slot in slots.into_iter().take(MAX_SLOTS) {
            let Ok(info) = ctx.get_slot_info(slot) else {
                continue;
            };
            let reader = crate::shown::replaced(info.slot_description().trim(), 200);
            let token = if info.token_present() {
                let token = ctx.get_token_info(slot).ok();
                token.filter(TokenInfo::token_initialized).map(|t| {
                    let label = crate::shown::replaced(t.label().trim(), 64);
                    let card = (t.label().trim() == TOKEN_LABEL).then(|| self.read_card(slot));
                    TokenStatus {
                        label,
                        protected_path: t.protected_authentication_path(),
                        pin: PinState::of(&t),
                        card,
                    }
                })
            } else {
                None
            };
            out.push(SlotStatus { reader, token });
        }
        Ok(out)
    }

    /// The first card in a reader, to sign with; `pin` is asked for the PIN of each signature
    /// (never when the token has a protected authentication path).
    pub fn card<'a>(&'a self, pin: PinEntry<'a>) -> Result<EidCard<'a>, CardError> {
        let ctx = self.ctx();
        let slots = ctx.get_slots_with_token().map_err(|e| failed(&e))?;
        let mut others = Vec::new();
        for slot in slots.into_iter().take(MAX_SLOTS) {
            let Ok(token) = ctx.get_token_info(slot) else {
                continue;
            };
            if !token.token_initialized() {
                continue;
            }
            if token.label().trim() != TOKEN_LABEL {
                others.push(crate::shown::replaced(token.label().trim(), 64));
                continue;
            }
            let info = self.read_card(slot)?;
            let hash = info.key.hash().ok_or_else(|| CardError::CardFailed {
                reason: format!("its Signature key is an {}", info.key),
            })?;
            return Ok(EidCard {
                device: self,
                slot,
                info,
                hash,
                pin,
            });
        }
        if others.is_empty() {
            Err(CardError::NoCard)
        } else {
            Err(CardError::OtherTokens {
                tokens: others.join(", "),
            })
        }
    }

    /// The card's four certificates by their labels, the Signature certificate read.
    fn read_card(&self, slot: Slot) -> Result<CardInfo, CardError> {
        let session = self
            .ctx()
            .open_ro_session(slot)
            .map_err(|e| card_error(&e, PinState::Good))?;
        let certificate = read_object(&session, ObjectClass::CERTIFICATE, "Signature")?
            .ok_or_else(|| CardError::CardFailed {
                reason: "the card has no Signature certificate".into(),
            })?;
        let mut chain = Vec::new();
        for label in ["CA", "Root"] {
            chain.extend(read_object(&session, ObjectClass::CERTIFICATE, label)?);
        }
        let unreadable = |reason: &str| CardError::CardFailed {
            reason: format!("its Signature certificate cannot be read: {reason}"),
        };
        let cert = read_certificate(&certificate)
            .map_err(|e| unreadable(e.reason()))?
            .cert;
        let holder =
            signature_certificate_holder(&certificate).map_err(|e| unreadable(e.reason()))?;
        let validity = &cert.tbs_certificate.validity;
        let time =
            |t| DateTime::<Utc>::from_timestamp(crate::x509::seconds(t), 0).unwrap_or_default();
        Ok(CardInfo {
            holder,
            key: KeyKind::of(&cert),
            not_before: time(validity.not_before),
            not_after: time(validity.not_after),
            certificate,
            chain,
        })
    }

    fn signer(&self) -> Result<&tweevoud_p11::Signer, CardError> {
        if let Some(signer) = self.signer.get() {
            return Ok(signer);
        }
        let signer =
            tweevoud_p11::Signer::load(&self.module).map_err(|e| CardError::ModuleUnloadable {
                path: self.module.display().to_string(),
                reason: format!("{e:?}"),
            })?;
        Ok(self.signer.get_or_init(|| signer))
    }
}

/// The value of the object of `class` labelled `label`, at most [`MAX_CERTIFICATE_BYTES`];
/// None when there is none.
fn read_object(
    session: &Session,
    class: ObjectClass,
    label: &str,
) -> Result<Option<Vec<u8>>, CardError> {
    let template = [
        Attribute::Class(class),
        Attribute::Label(label.as_bytes().to_vec()),
    ];
    let found = session
        .find_objects(&template)
        .map_err(|e| card_error(&e, PinState::Good))?;
    let Some(&object) = found.first() else {
        return Ok(None);
    };
    let too_large = || CardError::CardFailed {
        reason: format!("its {label} certificate is larger than {MAX_CERTIFICATE_BYTES} bytes"),
    };
    let size = session
        .get_attribute_info(object, &[AttributeType::Value])
        .map_err(|e| card_error(&e, PinState::Good))?;
    if let Some(AttributeInfo::Available(n)) = size.first() {
        if *n > MAX_CERTIFICATE_BYTES {
            return Err(too_large());
        }
    }
    let attributes = session
        .get_attributes(object, &[AttributeType::Value])
        .map_err(|e| card_error(&e, PinState::Good))?;
    match attributes.into_iter().next() {
        Some(Attribute::Value(v)) if v.len() <= MAX_CERTIFICATE_BYTES => Ok(Some(v)),
        Some(Attribute::Value(_)) => Err(too_large()),
        _ => Ok(None),
    }
}

/// An eID card in a reader, as a [`Card`].
pub struct EidCard<'a> {
    device: &'a Device,
    slot: Slot,
    info: CardInfo,
    hash: CardHash,
    pin: PinEntry<'a>,
}

impl fmt::Debug for EidCard<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EidCard")
            .field("slot", &self.slot.id())
            .field("holder", &self.info.holder.name)
            .field("key", &self.info.key)
            .finish()
    }
}

impl EidCard<'_> {
    /// What its certificates say.
    pub fn info(&self) -> &CardInfo {
        &self.info
    }

    /// Logs in and signs `data` (the DigestInfo or the digest) on `session`.
    fn sign_in(
        &self,
        session: &Session,
        pin: Option<&RawAuthPin>,
        data: &[u8],
        state: PinState,
    ) -> Result<Vec<u8>, CardError> {
        let login = |user: UserType| match pin {
            Some(pin) => session.login_with_raw(user, pin),
            None => session.login(user, None),
        };
        match login(UserType::User) {
            Ok(()) | Err(P11Error::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => {}
            Err(e) => return Err(self.login_error(&e, state)),
        }
        let template = [
            Attribute::Class(ObjectClass::PRIVATE_KEY),
            Attribute::Label(b"Signature".to_vec()),
        ];
        let key: ObjectHandle = *session
            .find_objects(&template)
            .map_err(|e| card_error(&e, state))?
            .first()
            .ok_or_else(|| CardError::CardFailed {
                reason: "the card has no Signature key".into(),
            })?;
        let always_authenticate = matches!(
            session
                .get_attributes(key, &[AttributeType::AlwaysAuthenticate])
                .map_err(|e| card_error(&e, state))?
                .first(),
            Some(Attribute::AlwaysAuthenticate(true))
        );
        let mechanism = match self.info.key {
            KeyKind::P384 => Mechanism::Ecdsa,
            _ => Mechanism::RsaPkcs,
        };
        if !always_authenticate {
            return session
                .sign(&mechanism, key, data)
                .map_err(|e| card_error(&e, state));
        }
        session
            .sign_init(&mechanism, key)
            .map_err(|e| card_error(&e, state))?;
        if let Err(e) = login(UserType::ContextSpecific) {
            return Err(self.login_error(&e, state));
        }
        self.device
            .signer()?
            .sign(session.handle(), data)
            .map_err(|e| match e {
                tweevoud_p11::Error::Rv(rv) => match Rv::from(rv) {
                    Rv::Ok => CardError::CardFailed {
                        reason: "no signature".into(),
                    },
                    Rv::Error(rv) => rv_error(rv, "C_Sign", state),
                },
                other => CardError::CardFailed {
                    reason: format!("{other:?}"),
                },
            })
    }

    /// A failed login's error, a wrong PIN with the tries left the token then says.
    fn login_error(&self, e: &P11Error, before: PinState) -> CardError {
        match e {
            P11Error::Pkcs11(RvError::PinIncorrect, _) => {
                let now = self
                    .device
                    .ctx()
                    .get_token_info(self.slot)
                    .map(|t| PinState::of(&t))
                    .unwrap_or(before);
                if now == PinState::Locked {
                    CardError::PinBlocked
                } else {
                    CardError::PinWrong {
                        tries_left: now.tries_left(),
                    }
                }
            }
            e => card_error(e, before),
        }
    }
}

impl Card for EidCard<'_> {
    fn certificate(&self) -> &[u8] {
        &self.info.certificate
    }

    fn chain(&self) -> &[Vec<u8>] {
        &self.info.chain
    }

    fn hash(&self) -> CardHash {
        self.hash
    }

    fn sign_digest(&self, digest: &[u8]) -> Result<Vec<u8>, CardError> {
        let data = match self.hash {
            CardHash::Sha256 if digest.len() == 32 => digest_info::<sha2::Sha256>(digest),
            CardHash::Sha384 if digest.len() == 48 => digest.to_vec(),
            _ => {
                return Err(CardError::CardFailed {
                    reason: format!(
                        "a digest of {} bytes is not one this card signs",
                        digest.len()
                    ),
                })
            }
        };
        let ctx = self.device.ctx();
        let token = ctx
            .get_token_info(self.slot)
            .map_err(|e| card_error(&e, PinState::Good))?;
        if token.label().trim() != TOKEN_LABEL {
            return Err(CardError::CardRemoved);
        }
        let state = PinState::of(&token);
        if state == PinState::Locked {
            return Err(CardError::PinBlocked);
        }
        let pin = if token.protected_authentication_path() {
            None
        } else {
            let request = PinRequest {
                holder: self.info.holder.name.clone(),
                state,
            };
            let given = (self.pin)(&request).ok_or(CardError::PinCancelled)?;
            Some(RawAuthPin::new(Box::new(given.as_bytes().to_vec())))
        };
        let session = ctx
            .open_ro_session(self.slot)
            .map_err(|e| card_error(&e, state))?;
        let signed = self.sign_in(&session, pin.as_ref(), &data, state);
        let _ = session.logout();
        drop(pin);
        let raw = signed?;
        match self.info.key {
            KeyKind::P384 => p384::ecdsa::Signature::from_slice(&raw)
                .map(|s| s.to_der().as_bytes().to_vec())
                .map_err(|_| CardError::CardFailed {
                    reason: format!(
                        "the card's ECDSA signature ({} bytes) is not r||s",
                        raw.len()
                    ),
                }),
            _ => Ok(raw),
        }
    }
}

/// The DER DigestInfo of `digest` with hash `D` (PKCS #1 v1.5), which `CKM_RSA_PKCS` pads and
/// signs.
fn digest_info<D: sha2::Digest + const_oid::AssociatedOid>(digest: &[u8]) -> Vec<u8> {
    let mut info = rsa::Pkcs1v15Sign::new::<D>().prefix.to_vec();
    info.extend_from_slice(digest);
    info
}

/// A failure of the module that is not a login's: a card taken out, a PIN dialog cancelled,
/// a blocked PIN, or a failure in words.
fn card_error(e: &P11Error, state: PinState) -> CardError {
    match e {
        P11Error::Pkcs11(rv, function) => rv_error(*rv, &function.to_string(), state),
        e => failed(e),
    }
}

fn rv_error(rv: RvError, function: &str, state: PinState) -> CardError {
    match rv {
        RvError::DeviceRemoved
        | RvError::TokenNotPresent
        | RvError::SessionHandleInvalid
        | RvError::SessionClosed
        | RvError::SlotIdInvalid => CardError::CardRemoved,
        RvError::FunctionCanceled => CardError::PinCancelled,
        RvError::PinLocked => CardError::PinBlocked,
        RvError::PinIncorrect | RvError::PinLenRange | RvError::PinInvalid => CardError::PinWrong {
            tries_left: state.tries_left(),
        },
        rv => CardError::CardFailed {
            reason: format!("{function} returned {rv:?}"),
        },
    }
}

fn failed(e: &P11Error) -> CardError {
    CardError::CardFailed {
        reason: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_have_their_own_codes() {
        use crate::error::Coded;
        let code = |rv| rv_error(rv, "C_Login", PinState::Good).code();
        assert_eq!(code(RvError::DeviceRemoved), "eid_card_removed");
        assert_eq!(code(RvError::TokenNotPresent), "eid_card_removed");
        assert_eq!(code(RvError::SessionHandleInvalid), "eid_card_removed");
        assert_eq!(code(RvError::FunctionCanceled), "eid_pin_cancelled");
        assert_eq!(code(RvError::PinLocked), "eid_pin_blocked");
        assert_eq!(code(RvError::PinIncorrect), "eid_pin_wrong");
        assert_eq!(code(RvError::GeneralError), "eid_card_failed");
        assert_eq!(
            rv_error(RvError::PinIncorrect, "C_Login", PinState::FinalTry),
            CardError::PinWrong {
                tries_left: Some(1)
            }
        );
    }

    #[test]
    fn a_missing_module_is_named() {
        let e = find_module(Some(Path::new("/nonexistent/libbeidpkcs11.so"))).unwrap_err();
        assert!(matches!(e, CardError::NoModule { .. }), "{e:?}");
        assert!(
            e.to_string().contains("/nonexistent/libbeidpkcs11.so"),
            "{e}"
        );
        let e = Device::open(Path::new("/etc/hostname")).unwrap_err();
        assert!(matches!(e, CardError::ModuleUnloadable { .. }), "{e:?}");
    }

    #[test]
    fn digest_infos_are_pkcs1() {
        let info = digest_info::<sha2::Sha256>(&[0u8; 32]);
        assert_eq!(info.len(), 19 + 32);
        assert_eq!(info[..2], [0x30, 0x31]);
    }
}
