//! What the window is sent: the core's values, arranged for showing. Nothing here decides
//! anything the core decides; it only gathers the core's answers in one place per screen.
//! The desktop app and the browser edition send the same views, so that one window (ui/)
//! shows both.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use tweevoud::contact::{Added, Contact};
use tweevoud::judgement::VerdictCode;
use tweevoud::key::{Fingerprint, KeyInfo};
use tweevoud::template::{Block, TemplateSummary};
use tweevoud::{Agreement, Judgement, Labels, Missing, Party, Share, Status, Turn};

use crate::{file_name, DeskError, Place, Work};

/// A fingerprint both ways: in groups for people, in hex for commands.
#[derive(Debug, Clone, Serialize)]
pub struct FingerprintView {
    /// 16 groups of 4 upper-case hex digits.
    pub grouped: String,
    /// 64 lower-case hex digits.
    pub hex: String,
    /// The first 4 groups: enough to tell keys apart at a glance.
    pub short: String,
}

impl From<&Fingerprint> for FingerprintView {
    fn from(f: &Fingerprint) -> Self {
        FingerprintView {
            grouped: f.to_string(),
            hex: f.hex(),
            short: f.short(),
        }
    }
}

/// A SHA-256 in hex (a text's, an archive id) in the groups a key's fingerprint is shown in
/// (the core's [`Fingerprint`] display, the one grouping); what is not 64 hex digits as it is.
pub fn grouped_hex(hex: &str) -> String {
    hex.parse::<Fingerprint>()
        .map(|f| f.to_string())
        .unwrap_or_else(|_| hex.to_string())
}

/// One of the profile's own signing keys.
#[derive(Debug, Serialize)]
pub struct KeyView {
    name: String,
    organisation: Option<String>,
    function: Option<String>,
    created: String,
    fingerprint: FingerprintView,
    /// Its binding to its owner's Belgian eID, when it was bound.
    eid: Option<BoundView>,
}

impl From<&KeyInfo> for KeyView {
    fn from(k: &KeyInfo) -> Self {
        KeyView {
            name: k.name().to_string(),
            organisation: k.organisation().map(str::to_string),
            function: k.function().map(str::to_string),
            created: k.created().format("%Y-%m-%d").to_string(),
            fingerprint: k.fingerprint().into(),
            eid: None,
        }
    }
}

impl KeyView {
    /// The key `k` of `place`, with its eID binding if it was bound.
    pub fn of(place: &dyn Place, k: &KeyInfo) -> KeyView {
        KeyView {
            eid: place.binding(k).map(|b| BoundView::of(&b)),
            ..KeyView::from(k)
        }
    }
}

/// A key's binding to a Belgian eID, as a verifier judges it: checked at the time it was made,
/// against the roots this process trusts.
#[derive(Debug, Serialize)]
pub struct BoundView {
    /// The holder the eID certificate names, when it can be read.
    holder: Option<String>,
    /// When it was bound, `yyyy-mm-dd`.
    bound: String,
    /// Until when the eID certificate is valid, `yyyy-mm-dd`, when the binding holds.
    valid_until: Option<String>,
    /// Whether an OCSP answer saying the certificate was good is kept with it.
    revocation_checked: bool,
    /// Why it does not hold (a reason), when it does not.
    problem: Option<serde_json::Value>,
}

impl BoundView {
    fn of(binding: &tweevoud::eid::Binding) -> BoundView {
        let bound = binding
            .statement
            .time
            .get(..10)
            .unwrap_or_default()
            .to_string();
        let checked = match (
            binding.public_key(),
            chrono::DateTime::parse_from_rfc3339(&binding.statement.time),
        ) {
            (Some(key), Ok(at)) => binding.check(&key, at, &tweevoud::eid::process_anchors()),
            _ => Err(tweevoud::eid::BindingProblem::Unreadable {
                reason: "its key or time cannot be read".into(),
            }),
        };
        match checked {
            Ok(confirmed) => BoundView {
                holder: Some(confirmed.confirmation.holder),
                bound,
                valid_until: confirmed
                    .confirmation
                    .valid_until
                    .get(..10)
                    .map(str::to_string),
                revocation_checked: confirmed.confirmation.revocation
                    != tweevoud::eid::Revocation::NotChecked,
                problem: None,
            },
            Err(problem) => BoundView {
                holder: None,
                bound,
                valid_until: None,
                revocation_checked: false,
                problem: serde_json::to_value(tweevoud::error::CodedJson(&problem)).ok(),
            },
        }
    }
}

/// A counterparty's key.
#[derive(Debug, Serialize)]
pub struct ContactView {
    name: String,
    organisation: Option<String>,
    added: String,
    verified: Option<String>,
    fingerprint: FingerprintView,
}

impl From<&Contact> for ContactView {
    fn from(c: &Contact) -> Self {
        ContactView {
            name: c.name().to_string(),
            organisation: c.organisation().map(str::to_string),
            added: c.added().format("%Y-%m-%d").to_string(),
            verified: c.verified().map(|t| t.format("%Y-%m-%d").to_string()),
            fingerprint: c.fingerprint().into(),
        }
    }
}

/// What importing a contact did.
#[derive(Debug, Serialize)]
pub struct Imported {
    /// The contact.
    pub contact: ContactView,
    /// False when the key was already a contact (nothing changed).
    pub new: bool,
}

impl From<Added> for Imported {
    fn from(added: Added) -> Imported {
        let (contact, new) = match &added {
            Added::New(c) => (c, true),
            Added::AlreadyKnown(c) => (c, false),
        };
        Imported {
            contact: ContactView::from(contact),
            new,
        }
    }
}

/// A value as the core would store it.
#[derive(Debug, Serialize)]
pub struct Checked {
    /// The normal form.
    pub value: String,
    /// As it would read in the text.
    pub display: String,
}

/// What the window shows about the app itself.
#[derive(Debug, Serialize)]
pub struct AppInfo {
    /// The version.
    pub version: &'static str,
    /// Which Tweevoud this is: `desktop` or `web`.
    pub edition: &'static str,
    /// The profile directory in use (none in the browser).
    pub data_dir: Option<String>,
    /// The name of a file waiting to be opened or verified.
    pub waiting_file: Option<String>,
}

/// A file to hand to the user, as text: its name and contents.
#[derive(Debug, Serialize)]
pub struct TextFile {
    /// The name it is offered under.
    pub file_name: String,
    /// Its contents.
    pub text: String,
}

/// Which archive the archive screen shows, so that a user knows where an agreement goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ArchiveWhere {
    /// The archive in the profile's directory.
    Local {
        /// Its directory.
        dir: String,
    },
    /// The team archive the profile is connected to (`tweevoud archive connect`).
    Team {
        /// Its database, without any password (`postgresql://user@host:port/db`).
        database: String,
        /// Its bucket (`http://host:port/bucket`, which holds no secret).
        objects: String,
        /// Whether the profile pinned the key that began it (until then nothing of it is
        /// acted on).
        pinned: bool,
    },
}

/// How an answer of the archive about a file reads: good news, a warning, bad news, or
/// plain (the archive does not know the file).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    /// The archive holds these very bytes, or the same agreement.
    Ok,
    /// An earlier or other version, or an archive that cannot be read.
    Warn,
    /// An exemplar that matches none the archive stored: changed.
    Bad,
    /// Nothing in the archive matches.
    Plain,
}

#[cfg(feature = "fs")]
impl Tone {
    /// The tone of what the archive said of a file.
    pub fn of(check: &tweevoud::judgement::ArchiveCheck) -> Option<Tone> {
        use tweevoud::archive::Lookup;
        use tweevoud::judgement::ArchiveCheck;
        Some(match check {
            ArchiveCheck::Unavailable { .. } => Tone::Warn,
            ArchiveCheck::Consulted(lookup) => match lookup {
                Lookup::NoArchive => return None,
                Lookup::Exemplar { .. } | Lookup::SameContent { .. } => Tone::Ok,
                Lookup::AgreementFile { current: true, .. } => Tone::Ok,
                Lookup::AgreementFile { current: false, .. } | Lookup::OtherVersion { .. } => {
                    Tone::Warn
                }
                Lookup::DiffersFromExemplars { .. } => Tone::Bad,
                // Nothing matches (`Unknown`), or an answer this desk does not know yet.
                _ => Tone::Plain,
            },
        })
    }
}

/// The core's judgement of an agreement, with what the window needs to word it.
#[derive(Debug, Serialize)]
pub struct VerificationView {
    /// The judgement: verdict, each signature with its signer's trust, the reasons.
    #[serde(flatten)]
    judgement: Judgement,
    /// The text's fingerprint in groups.
    text_sha256_grouped: String,
    /// The labels of the template's blanks, by id, to name a blank in a reason.
    labels: BTreeMap<String, Labels>,
    /// The names of the signers whose keys are not confirmed.
    unconfirmed: Vec<String>,
    /// The tone of what the archive said of the file, when it was asked.
    archive_tone: Option<Tone>,
}

impl VerificationView {
    /// The window's view of `judgement`.
    pub fn of(judgement: Judgement) -> VerificationView {
        let labels = judgement
            .agreement
            .as_ref()
            .map(blank_labels)
            .unwrap_or_default();
        VerificationView {
            text_sha256_grouped: judgement
                .text_sha256
                .as_deref()
                .map(grouped_hex)
                .unwrap_or_default(),
            unconfirmed: judgement
                .unconfirmed_signers()
                .into_iter()
                .map(str::to_string)
                .collect(),
            labels,
            #[cfg(feature = "fs")]
            archive_tone: judgement.archive.as_ref().and_then(Tone::of),
            #[cfg(not(feature = "fs"))]
            archive_tone: None,
            judgement,
        }
    }
}

/// A filled blank.
#[derive(Debug, Serialize)]
pub struct ValueView {
    blank: String,
    /// The normal form, as stored and signed.
    value: String,
    /// As it reads in the text.
    display: String,
    filled_by: Party,
}

/// Where the agreement on the desk stands, for the window to say (the turn's phase).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Its signatures do not hold: nothing may be added.
    Invalid,
    /// The signatures on it are to be looked at before anything is filled in.
    Review,
    /// Signed here: the other party, elsewhere, has still to sign.
    Waiting,
    /// Nobody has to fill in or sign any more here.
    Done,
    /// The acting party fills in and signs.
    #[serde(rename = "fills")]
    Filling,
}

impl Phase {
    /// The phase of `work`, whose judgement is `judgement`.
    fn of(work: &Work, judgement: &Judgement) -> Phase {
        if judgement.status == Status::Invalid {
            Phase::Invalid
        } else if !work.reviewed {
            Phase::Review
        } else if work.acting.is_some() {
            Phase::Filling
        } else if judgement.awaiting.is_some() {
            Phase::Waiting
        } else {
            Phase::Done
        }
    }
}

/// The agreement on the desk, as the window shows it.
#[derive(Debug, Serialize)]
pub struct AgreementView {
    summary: TemplateSummary,
    /// The template's fingerprint in groups.
    template_sha256_grouped: String,
    blocks: Vec<Block>,
    values: Vec<ValueView>,
    acting: Option<Party>,
    reviewed: bool,
    /// The blanks the acting party may type in now: the core's [`Turn::editable`] but those
    /// the program fills (the signing date).
    editable: Vec<String>,
    /// The own keys that signed the agreement: those that may seal its PDFs.
    seal_keys: Vec<String>,
    /// Those of `seal_keys` bound to an eID: the PDFs may be sealed with the eID instead (in
    /// the desktop app, with the card in a reader).
    eid_seal_keys: Vec<String>,
    /// The core's answer to what may be done next: the window reads its flags.
    turn: Turn,
    /// Where it stands: what the window says of who acts.
    phase: Phase,
    /// The acting party's required blanks still empty (signing is refused until they are
    /// filled).
    own_missing: Vec<String>,
    /// Whether the acting party may sign now: the core allows it and its required blanks are
    /// filled.
    may_sign_now: bool,
    /// Whether a signature that holds has no timestamp that holds yet (as the window shows
    /// its timestamps), in an agreement that may be shared: one may be asked for.
    may_timestamp: bool,
    missing: Vec<Missing>,
    verification: VerificationView,
    file: Option<String>,
    saved: bool,
    label: Option<String>,
    archived: Option<String>,
    archive_error: Option<serde_json::Value>,
}

impl AgreementView {
    /// Everything the window needs about `work`, done at `place`.
    pub fn of(place: &dyn Place, work: &Work) -> AgreementView {
        let a = &work.agreement;
        let template = a.template();
        let turn = work.turn(place);
        let judgement = work.judgement(place);
        let phase = Phase::of(work, &judgement);
        let missing = a.missing();
        let own_missing: Vec<String> = missing
            .iter()
            .filter(|m| Some(m.party) == work.acting)
            .flat_map(|m| m.required.iter().cloned())
            .collect();
        let may_timestamp = turn.share != Share::None
            && judgement
                .signatures
                .iter()
                .any(|s| s.check.valid && s.attested.is_empty());
        let own = place.own_keys();
        let seal_keys: Vec<String> = judgement
            .signatures
            .iter()
            .filter(|s| own.iter().any(|k| k.hex() == s.check.fingerprint))
            .map(|s| s.check.fingerprint.clone())
            .collect();
        let eid_seal_keys = if seal_keys.is_empty() {
            Vec::new()
        } else {
            let keys = place.keys().unwrap_or_default();
            seal_keys
                .iter()
                .filter(|hex| {
                    keys.iter()
                        .any(|k| k.fingerprint().hex() == **hex && place.binding(k).is_some())
                })
                .cloned()
                .collect()
        };
        let verification = VerificationView::of(judgement);
        AgreementView {
            summary: template.summary(),
            template_sha256_grouped: grouped_hex(&template.summary().sha256),
            blocks: template.blocks().to_vec(),
            values: a
                .values()
                .into_iter()
                .map(|f| ValueView {
                    blank: f.blank.clone(),
                    value: f.value.clone(),
                    display: template
                        .blank(&f.blank)
                        .map(|b| b.kind.display(&f.value, template.language()))
                        .unwrap_or_else(|| f.value.clone()),
                    filled_by: f.filled_by,
                })
                .collect(),
            acting: work.acting,
            reviewed: work.reviewed,
            editable: turn
                .editable
                .iter()
                .filter(|id| template.blank(id).is_some_and(|b| b.auto.is_none()))
                .cloned()
                .collect(),
            seal_keys,
            eid_seal_keys,
            may_sign_now: turn.may_sign && own_missing.is_empty(),
            turn,
            phase,
            own_missing,
            may_timestamp,
            missing,
            verification,
            file: work.file.as_deref().map(file_name),
            saved: work.saved,
            label: work.pdf.as_ref().and_then(|p| p.label.clone()),
            archived: work.archived.clone(),
            archive_error: work.archive_error.clone(),
        }
    }
}

/// The labels of the agreement's blanks, by id: how the UI names a blank in a reason or in the
/// audit trail.
pub fn blank_labels(agreement: &Agreement) -> BTreeMap<String, Labels> {
    agreement
        .template()
        .blanks()
        .iter()
        .map(|b| (b.id.clone(), b.label.clone()))
        .collect()
}

/// The verdict on any file the user asked to verify: the core's judgement of it.
#[derive(Debug, Serialize)]
pub struct FileVerdict {
    /// The file's name.
    pub file: String,
    /// Whether the file may be opened to work on (look at, fill in, sign, archive): an
    /// agreement that is neither altered nor something else.
    pub openable: bool,
    /// The judgement, worded by the window from its codes.
    #[serde(flatten)]
    pub view: VerificationView,
}

impl FileVerdict {
    /// The verdict on the file at `path`.
    pub fn of(path: &Path, judgement: Judgement) -> FileVerdict {
        FileVerdict {
            file: file_name(path),
            openable: !matches!(
                judgement.verdict.code,
                VerdictCode::Altered | VerdictCode::NotTweevoud
            ),
            view: VerificationView::of(judgement),
        }
    }
}

/// What signing now would sign: shown before the passphrase is asked.
#[derive(Debug, Serialize)]
pub struct SignPreview {
    /// The party signing.
    role: Party,
    /// The signatory, function and organisation the agreement names for it.
    name: Option<String>,
    function: Option<String>,
    organisation: Option<String>,
    /// SHA-256 of the text that will be signed (with the signing date filled in), grouped.
    text_sha256_grouped: String,
    /// How many values the signature covers.
    values: usize,
    /// The signer's own required blanks still empty: signing is refused until they are filled.
    own_missing: Vec<String>,
    /// Blanks of the signer that get the signing date.
    automatic: Vec<String>,
    /// The other party's empty blanks, left open for it.
    left_open: Vec<String>,
    /// The party they are left open for (none once it signed: nothing is left open).
    left_open_for: Option<Party>,
    /// The profile's keys, and the one whose name is the signatory's.
    keys: Vec<KeyView>,
    suggested_key: Option<String>,
}

impl SignPreview {
    /// The preview for the acting party of `work`, signing at `now`: the core's
    /// [`Agreement::signing_preview`], with the keys of `place`.
    pub fn of(
        place: &dyn Place,
        work: &Work,
        now: chrono::DateTime<chrono::FixedOffset>,
    ) -> Result<SignPreview, DeskError> {
        let role = work.filler(place)?;
        let leave_open = work.leave_open_for(role);
        let p = work.agreement.signing_preview(role, leave_open, now)?;
        let keys = place.keys()?;
        let suggested_key = keys
            .iter()
            .find(|k| p.names_signatory(k.name()))
            .or(keys.first())
            .map(|k| k.fingerprint().hex());
        Ok(SignPreview {
            role,
            name: p.name,
            function: p.function,
            organisation: p.organisation,
            text_sha256_grouped: grouped_hex(&p.text_sha256),
            values: p.values.len(),
            own_missing: p.own_missing,
            automatic: p.automatic,
            left_open: p
                .open
                .into_iter()
                .filter(|o| o.party == role.other())
                .map(|o| o.blank)
                .collect(),
            left_open_for: leave_open,
            keys: keys.iter().map(KeyView::from).collect(),
            suggested_key,
        })
    }
}
