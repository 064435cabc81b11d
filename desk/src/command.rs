//! The commands the window calls, written once for both editions.
//!
//! The desktop app's Tauri commands and the browser's `Desk.call` only translate: they take
//! the arguments, lock or borrow what they hold (the [`Place`] and the [`Work`] on the desk),
//! call the function here of the same name, and send its answer; the files they read and
//! write (behind the app's dialogs, or given and taken by the page) are theirs. What differs
//! between the editions (where keys and contacts are kept, an archive, time-stamping
//! authorities) is the [`Place`]'s to say.
//!
//! [`COMMANDS`] names the commands both editions expose under the same name; each edition's
//! tests compare it with the commands it registers.

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use tweevoud::key::{KeyError, PublicKey, MAX_PEM_BYTES};
use tweevoud::open::MAX_FILE_BYTES;
use tweevoud::pdf::ExemplarPdf;
use tweevoud::template::{Template, TemplateError, TemplateSummary};
use tweevoud::verify::Reason;
use tweevoud::{Agreement, FileKind, OpenError, Party, Strength};

use crate::view::{
    AgreementView, AppInfo, Checked, ContactView, Imported, KeyView, SignPreview, TextFile,
};
use crate::{DeskError, Opened, Place, Work};

/// The commands written here that both editions expose under these names, with the same
/// arguments and answers. (Commands about files are written here too, as the functions
/// below, but each edition names them for how it gets and gives files: a dialog in the app,
/// the file's contents in the browser.)
pub const COMMANDS: &[&str] = &[
    "app_info",
    "list_templates",
    "list_keys",
    "passphrase_strength",
    "create_key",
    "list_contacts",
    "verify_contact",
    "remember_signer",
    "new_agreement",
    "current_agreement",
    "check_value",
    "fill_blank",
    "acknowledge_signatures",
    "sign_preview",
    "sign_agreement",
    "timestamp_agreement",
    "open_verified",
];

/// The commands an edition must expose: the desk's, and its own (each listed with why the
/// other edition has it not under that name), sorted. Panics if a name is listed twice, for
/// the editions' tests.
pub fn expected(own: &[(&str, &str)]) -> Vec<String> {
    let mut names: Vec<String> = COMMANDS
        .iter()
        .chain(own.iter().map(|(name, _)| name))
        .map(|s| s.to_string())
        .collect();
    names.sort();
    let listed = names.len();
    names.dedup();
    assert_eq!(listed, names.len(), "a command is listed twice");
    names
}

/// The agreement on the desk to change, or `no_agreement`.
pub fn current_mut(work: &mut Option<Work>) -> Result<&mut Work, DeskError> {
    work.as_mut().ok_or(DeskError::NoAgreement)
}

/// The agreement on the desk to look at, or `no_agreement`.
pub fn current(work: &Option<Work>) -> Result<&Work, DeskError> {
    work.as_ref().ok_or(DeskError::NoAgreement)
}

/// Which Tweevoud this is (`desktop` or `web`), the profile directory in use, and a file
/// waiting to be opened or verified.
pub fn app_info(
    edition: &'static str,
    data_dir: Option<String>,
    waiting_file: Option<String>,
) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        edition,
        data_dir,
        waiting_file,
    }
}

/// Every template offered, the DPA first.
pub fn list_templates(templates: &[Template]) -> Vec<TemplateSummary> {
    templates.iter().map(|t| t.summary()).collect()
}

/// The place's keys, oldest first.
pub fn list_keys(place: &dyn Place) -> Result<Vec<KeyView>, DeskError> {
    Ok(place
        .keys()?
        .iter()
        .map(|k| KeyView::of(place, k))
        .collect())
}

/// How strong a passphrase looks (a hint while it is typed).
pub fn passphrase_strength(passphrase: &str) -> Strength {
    tweevoud::passphrase_strength(passphrase)
}

/// Makes a new signing key, its secret encrypted with `passphrase`, which `confirmation`
/// must repeat.
pub fn create_key(
    place: &mut dyn Place,
    name: &str,
    organisation: &str,
    function: &str,
    passphrase: &str,
    confirmation: &str,
    now: DateTime<FixedOffset>,
) -> Result<KeyView, DeskError> {
    if passphrase != confirmation {
        return Err(DeskError::PassphrasesDiffer);
    }
    let info = place.create_key(name, organisation, function, passphrase, now)?;
    Ok(KeyView::from(&info))
}

/// The public key of the own key `fingerprint`, as a file to hand out: its name says whose.
pub fn public_key_file(place: &dyn Place, fingerprint: &str) -> Result<TextFile, DeskError> {
    let info = place.key_info(fingerprint)?;
    Ok(TextFile {
        file_name: format!("{}.pub.pem", dashed(info.name())),
        text: place.public_pem(fingerprint)?,
    })
}

/// A name as part of a file name: its spaces as dashes.
pub fn dashed(name: &str) -> String {
    name.replace(char::is_whitespace, "-")
}

/// The contacts, by name.
pub fn list_contacts(place: &dyn Place) -> Result<Vec<ContactView>, DeskError> {
    Ok(place.contacts()?.iter().map(ContactView::from).collect())
}

/// Imports a counterparty's public key (the text of a PEM file) under `name`, not verified.
pub fn import_contact(
    place: &mut dyn Place,
    text: &str,
    name: &str,
    organisation: Option<&str>,
    now: DateTime<FixedOffset>,
) -> Result<Imported, DeskError> {
    key_text(text)?;
    let key = PublicKey::parse(text)?;
    Ok(place.add_contact(&key, name, organisation, now)?.into())
}

/// A key file's text: small, as a key is.
pub fn key_text(text: &str) -> Result<(), KeyError> {
    if text.len() as u64 <= MAX_PEM_BYTES {
        return Ok(());
    }
    Err(KeyError::Malformed {
        reason: format!("the file is larger than {MAX_PEM_BYTES} bytes; a key file is far smaller"),
    })
}

/// Marks the contact `fingerprint` verified: the user compared it with the person.
pub fn verify_contact(
    place: &mut dyn Place,
    fingerprint: &str,
    now: DateTime<FixedOffset>,
) -> Result<(), DeskError> {
    Ok(place.verify_contact(fingerprint, now)?)
}

/// Remembers the key of signature `index` of the agreement on the desk as a contact, under
/// the name and organisation it was signed with, not verified.
pub fn remember_signer(
    place: &mut dyn Place,
    work: &Option<Work>,
    index: usize,
    now: DateTime<FixedOffset>,
) -> Result<Imported, DeskError> {
    let record = current(work)?
        .agreement
        .signatures()
        .get(index)
        .ok_or(DeskError::NoSignature { index })?;
    let statement = record.statement.clone();
    let key = PublicKey::from_base64(&statement.public_key)?;
    let added = place.add_contact(
        &key,
        &statement.signer.name,
        Some(&statement.signer.organisation),
        now,
    )?;
    Ok(added.into())
}

/// Starts an agreement from the template `template`, prepared by the provider.
pub fn new_agreement(
    place: &dyn Place,
    templates: &[Template],
    work: &mut Option<Work>,
    template: &str,
    now: DateTime<FixedOffset>,
) -> Result<AgreementView, DeskError> {
    let template = templates
        .iter()
        .find(|t| t.id() == template)
        .ok_or_else(|| TemplateError::NotFound(template.to_string()))?
        .clone();
    let new = Work::new(Agreement::new(template, Party::Provider, now));
    Ok(AgreementView::of(place, work.insert(new)))
}

/// The agreement on the desk as it stands (after its signers' trust changed, say).
pub fn current_agreement(
    place: &dyn Place,
    work: &Option<Work>,
) -> Result<AgreementView, DeskError> {
    Ok(AgreementView::of(place, current(work)?))
}

/// Checks a value for a blank of the agreement on the desk without changing anything.
pub fn check_value(work: &Option<Work>, blank: &str, value: &str) -> Result<Checked, DeskError> {
    let agreement = &current(work)?.agreement;
    let value = agreement.check_value(blank, value)?;
    let template = agreement.template();
    let display = template
        .blank(blank)
        .map(|b| b.kind.display(&value, template.language()));
    Ok(Checked {
        display: display.unwrap_or_else(|| value.clone()),
        value,
    })
}

/// Fills a blank as the acting party (an empty value empties it); nothing changes if the
/// value is refused.
pub fn fill_blank(
    place: &dyn Place,
    work: &mut Option<Work>,
    blank: String,
    value: String,
    now: DateTime<FixedOffset>,
) -> Result<AgreementView, DeskError> {
    let work = current_mut(work)?;
    let party = work.filler(place)?;
    let before = work.agreement.audit().len();
    if value.trim().is_empty() {
        work.agreement.clear(party, &[blank], now)?;
    } else {
        work.agreement.fill(party, &[(blank, value)], now)?;
    }
    work.saved &= work.agreement.audit().len() == before;
    Ok(AgreementView::of(place, work))
}

/// The user has seen the signatures already on the agreement: filling in may begin.
pub fn acknowledge_signatures(
    place: &dyn Place,
    work: &mut Option<Work>,
) -> Result<AgreementView, DeskError> {
    let work = current_mut(work)?;
    work.reviewed = true;
    Ok(AgreementView::of(place, work))
}

/// What signing now would sign, and with which keys.
pub fn sign_preview(
    place: &dyn Place,
    work: &Option<Work>,
    now: DateTime<FixedOffset>,
) -> Result<SignPreview, DeskError> {
    SignPreview::of(place, current(work)?, now)
}

/// Signs as the acting party with the own key `key`, unlocked with `passphrase`, leaving the
/// other party's empty blanks open for it; timestamped where the place has a TSA that
/// answers, and filed in its archive where it has one (if archiving fails, the signature
/// stands and the view says why). A wrong passphrase changes nothing.
pub fn sign_agreement(
    place: &dyn Place,
    work: &mut Option<Work>,
    key: &str,
    passphrase: &str,
    now: DateTime<FixedOffset>,
) -> Result<AgreementView, DeskError> {
    let owner = place.key_info(key)?.name().to_string();
    let unlocked = place.unlock(key, passphrase)?;
    let work = current_mut(work)?;
    let stamps = place.stamps();
    work.sign(place, &unlocked, &owner, now, stamps.as_deref())?;
    match place.file_signed(&work.agreement, &unlocked, now) {
        Ok(id) => work.archived = id,
        Err(e) => work.archive_error = Some(e.to_window()),
    }
    Ok(AgreementView::of(place, work))
}

/// Asks the place's time-stamping authorities for a trusted timestamp of every signature
/// that has none (signed offline, or when no TSA answered). `no_timestamp` when none could be
/// added for a signature that has none.
pub fn timestamp_agreement(
    place: &dyn Place,
    work: &mut Option<Work>,
) -> Result<AgreementView, DeskError> {
    let work = current_mut(work)?;
    let stamps = place.stamps();
    let named = stamps.as_ref().map_or(0, |s| s.authorities());
    let before = work.agreement.to_json();
    let missing = match &stamps {
        Some(stamps) => work.timestamp(stamps.as_ref()),
        None => work.unstamped(),
    };
    if missing > 0 && work.agreement.to_json() == before {
        return Err(DeskError::NoTimestamp { tsas: named });
    }
    Ok(AgreementView::of(place, work))
}

/// Puts the agreement in the file `file` (its `bytes`) on the desk: an agreement file, or the
/// one inside an exemplar PDF that shows it. A file that is refused leaves the desk as it was.
pub fn open(
    place: &dyn Place,
    work: &mut Option<Work>,
    file: PathBuf,
    bytes: &[u8],
) -> Result<AgreementView, DeskError> {
    let refused = |kind, reason| OpenError::Refused {
        path: file.clone(),
        kind,
        reason,
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        // Refused before it is read, as the core refuses such a file on disk.
        return Err(refused(
            FileKind::Other,
            Reason::Unreadable {
                kind: FileKind::Other,
                detail: format!(
                    "the file is larger than {MAX_FILE_BYTES} bytes; no agreement file or exemplar is that large"
                ),
            },
        )
        .into());
    }
    let opened = Opened::read(bytes).map_err(|r| refused(r.kind, r.reason))?;
    let opened = Work::opened(place, opened, file);
    Ok(AgreementView::of(place, work.insert(opened)))
}

/// The name the agreement on the desk is saved under, and its file's text.
pub fn agreement_file(work: &Option<Work>) -> Result<TextFile, DeskError> {
    let work = current(work)?;
    Ok(TextFile {
        file_name: work.file_name(),
        text: work.agreement.to_json(),
    })
}

/// The agreement on the desk, saved as `file`: nothing is lost by closing it now.
pub fn saved_as(
    place: &dyn Place,
    work: &mut Option<Work>,
    file: PathBuf,
) -> Result<AgreementView, DeskError> {
    let work = current_mut(work)?;
    work.file = Some(file);
    work.saved = true;
    Ok(AgreementView::of(place, work))
}

/// The PDFs of the agreement on the desk to save: those sealed right after signing here, or
/// sealed now by the own key `key` unlocked with `passphrase` (timestamped where the place
/// has a TSA); without them, `seal_key_needed` when a key must seal them.
pub fn exemplars(
    place: &dyn Place,
    work: &Option<Work>,
    key: Option<&str>,
    passphrase: Option<&str>,
) -> Result<Vec<ExemplarPdf>, DeskError> {
    let work = current(work)?;
    match (key, passphrase) {
        (Some(key), Some(passphrase)) => {
            let unlocked = place.unlock(key, passphrase)?;
            let stamps = place.stamps();
            work.seal(&unlocked, stamps.as_deref())
        }
        _ => work.sealed_pdfs(),
    }
}
