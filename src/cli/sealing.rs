//! Who seals the PDFs a command writes (`--key`, the passphrase, the profile; or `--eid`, the
//! card) and where the seals' timestamps come from: shared by `tweevoud export` (the first
//! seal) and `tweevoud seal` (the other party's).

use anyhow::Result;
use chrono::Utc;
use clap::Args;
use tweevoud::eid::device::{Device, EidCard};
use tweevoud::eid::{check_signature_certificate, trusted_anchors, Card};
use tweevoud::pdf::{self, Sealer, Stamp};
use tweevoud::profile::KeyStore;
use tweevoud::tsa::TsaList;
use tweevoud::{Agreement, Profile, UnlockedKey};

use super::eid::{ocsp_answer, pin_entry, ModuleArgs};
use super::keys::{read_passphrase, PassphraseArgs, ProfileArgs};
use super::safe;

/// Who seals the PDFs a command writes, and whether it asks for their timestamps.
#[derive(Args)]
pub(crate) struct SealingArgs {
    /// The key that seals the PDFs: yours, and one that signed the agreement [default: the
    /// key of yours that signed it last].
    #[arg(long)]
    key: Option<String>,
    /// Do not ask the profile's TSAs for a timestamp of each seal (PAdES B-T); a timestamp
    /// this profile obtained for the same seal before is still used.
    #[arg(long)]
    no_timestamp: bool,
    /// Seal with your Belgian eID instead of your key (a qualified seal, docs/pdf.md): its
    /// Signature key signs each PDF (the card asks its PIN for each), its certificate and
    /// the OCSP answer its responder gives go in the seal. Your key that signed the agreement
    /// must be bound to that eID (`tweevoud eid bind`).
    #[arg(long, conflicts_with = "key")]
    eid: bool,
    #[command(flatten)]
    module: ModuleArgs,
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

/// What seals: the profile's key, unlocked, or the eID card with the OCSP answer had for it.
pub(crate) enum Sealing<'a> {
    Key(Box<UnlockedKey>),
    Card {
        card: Box<EidCard<'a>>,
        ocsp: Option<Vec<u8>>,
    },
}

impl Sealing<'_> {
    /// The sealer of `agreement`'s PDFs, with `stamp` asked for each seal's timestamp.
    pub(crate) fn sealer<'s>(
        &'s self,
        agreement: &Agreement,
        stamp: Stamp<'s>,
    ) -> Result<Sealer<'s>, pdf::PdfError> {
        match self {
            Sealing::Key(key) => Sealer::new(agreement, key.as_ref(), Some(stamp)),
            Sealing::Card { card, ocsp } => {
                Sealer::with_card(card.as_ref(), ocsp.clone(), Some(stamp))
            }
        }
    }
}

impl SealingArgs {
    /// Runs `seal` with the profile and what seals `agreement`'s PDFs: its key, unlocked
    /// ([`sealing_key`]), or with `--eid` the card, once its certificate chains to a trusted
    /// root, is valid now and its holder is one a binding of the agreement names for a signer
    /// (else nothing is asked of the card).
    pub(crate) fn with_sealing<T>(
        &self,
        agreement: &Agreement,
        seal: impl FnOnce(&Profile, &Sealing<'_>) -> Result<T>,
    ) -> Result<T> {
        let profile = self.profile.profile()?;
        if !self.eid {
            let key = sealing_key(
                agreement,
                &KeyStore::open(&profile),
                self.key.as_deref(),
                &self.passphrase,
            )?;
            return seal(&profile, &Sealing::Key(Box::new(key)));
        }
        let device = Device::open(&self.module.find(&profile)?)?;
        let card = device.card(pin_entry())?;
        let now = super::now()?.with_timezone(&Utc);
        let valid = check_signature_certificate(
            card.certificate(),
            card.chain(),
            now,
            &trusted_anchors()?,
        )?;
        if pdf::eid_signer(agreement, card.certificate()).is_none() {
            anyhow::bail!(
                "no signature of this agreement is by a key bound to the eID of {}, and only a party that signed it seals its PDFs: bind the key that signed to this eID (tweevoud eid bind) before signing, or seal without --eid",
                safe(&valid.holder.name)
            );
        }
        let ocsp = ocsp_answer(&card, &valid, now)?;
        let sealing = Sealing::Card {
            card: Box::new(card),
            ocsp,
        };
        let sealed = seal(&profile, &sealing);
        drop(sealing);
        sealed
    }

    /// Whether the profile's TSAs are to be asked.
    pub(crate) fn no_timestamp(&self) -> bool {
        self.no_timestamp
    }
}

/// Unlocks the key of the profile that seals an agreement's PDFs: `selector` if given, else
/// the profile's key that signed the agreement last. Every PDF Tweevoud makes is sealed by a
/// party that signed it (docs/pdf.md, "The seal").
fn sealing_key(
    agreement: &Agreement,
    store: &KeyStore,
    selector: Option<&str>,
    passphrase: &PassphraseArgs,
) -> Result<UnlockedKey> {
    let info = match selector {
        Some(s) => store.get(s)?,
        None => {
            let signers: Vec<[u8; 32]> = agreement
                .signatures()
                .iter()
                .filter_map(|r| r.statement.public_key_bytes().ok())
                .collect();
            let mine = store.list()?;
            signers
                .iter()
                .rev()
                .find_map(|k| {
                    let fingerprint = tweevoud::key::Fingerprint::of_raw_public_key(k);
                    mine.iter().find(|i| *i.fingerprint() == fingerprint)
                })
                .cloned()
                .ok_or_else(|| {
                    anyhow::anyhow!(
                        "none of your keys signed this agreement, and only a party that signed it seals its PDFs; pass --key if the key is yours under another name"
                    )
                })?
        }
    };
    let pass = read_passphrase(
        passphrase.file(),
        false,
        &format!(
            "Passphrase for {} (to seal the PDFs): ",
            info.display_name()
        ),
    )?;
    Ok(store.unlock(&info.fingerprint().hex(), &pass)?)
}

/// The timestamps of seals: the one the profile keeps for a seal, else (unless told not to)
/// one from its TSAs; and whether some seal went without, to say so once.
pub(crate) struct SealStamps<'a> {
    list: &'a TsaList,
    ask: bool,
    missed: std::sync::atomic::AtomicBool,
}

impl<'a> SealStamps<'a> {
    pub(crate) fn new(list: &'a TsaList, no_timestamp: bool) -> SealStamps<'a> {
        SealStamps {
            list,
            ask: !no_timestamp,
            missed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    pub(crate) fn stamp(&self, signature: &[u8]) -> Option<Vec<u8>> {
        let token = if self.ask {
            self.list.seal_stamp(signature)
        } else {
            self.list.kept_seal_stamp(signature)
        };
        if token.is_none() {
            self.missed
                .store(true, std::sync::atomic::Ordering::Relaxed);
        }
        token
    }

    /// Says so when a seal went without a timestamp although the profile names TSAs.
    pub(crate) fn warn(&self) {
        let named = self.list.list().map(|l| l.len()).unwrap_or(0);
        if self.ask && named > 0 && self.missed.load(std::sync::atomic::Ordering::Relaxed) {
            errln!(
                "tweevoud: no time-stamping authority answered, so a seal has no timestamp (the TSAs are listed by `tweevoud tsa list`)"
            );
        }
    }
}
