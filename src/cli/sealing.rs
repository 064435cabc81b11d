//! Who seals the PDFs a command writes (`--key`, the passphrase, the profile) and where the
//! seals' timestamps come from: shared by `tweevoud export` (the first seal) and `tweevoud
//! seal` (the other party's).

use anyhow::Result;
use clap::Args;
use tweevoud::profile::KeyStore;
use tweevoud::tsa::TsaList;
use tweevoud::{Agreement, Profile, UnlockedKey};

use super::keys::{read_passphrase, PassphraseArgs, ProfileArgs};

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
    #[command(flatten)]
    profile: ProfileArgs,
    #[command(flatten)]
    passphrase: PassphraseArgs,
}

impl SealingArgs {
    /// The profile, and its key that seals `agreement`'s PDFs, unlocked ([`sealing_key`]).
    pub(crate) fn unlock(&self, agreement: &Agreement) -> Result<(Profile, UnlockedKey)> {
        let profile = self.profile.profile()?;
        let key = sealing_key(
            agreement,
            &KeyStore::open(&profile),
            self.key.as_deref(),
            &self.passphrase,
        )?;
        Ok((profile, key))
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
