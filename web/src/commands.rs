//! The browser's desk and its commands: the desktop app's commands of the same names, with the
//! same JSON answers (the views of [`tweevoud_desk::view`]), and in place of the app's file
//! dialogs, commands that take and give the files' contents.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tweevoud::contact::Added;
use tweevoud::key::{KeyError, KeyInfo, PublicKey, UnlockedKey, MAX_PEM_BYTES};
use tweevoud::open::MAX_FILE_BYTES;
use tweevoud::template::{self, Template, TemplateError};
use tweevoud::verify::Reason;
use tweevoud::{Agreement, Context, FileKind, OpenError, Party};
use tweevoud_desk::view::{AgreementView, ContactView, FileVerdict, KeyView, SignPreview};
use tweevoud_desk::{file_name, DeskError, Opened, Place, Work};
use zeroize::Zeroizing;

use crate::clock::now;
use crate::error::WebError;
use crate::store::Store;

/// The browser's desk: its keys and contacts, the templates, the agreement being worked on,
/// and the file last verified.
#[derive(Debug)]
pub struct WebDesk {
    store: Store,
    templates: Vec<Template>,
    work: Option<Work>,
    verified: Option<(String, Vec<u8>)>,
}

/// The app's `app_info`, for the browser: no profile directory, no waiting file.
#[derive(Debug, Serialize)]
struct AppInfo {
    version: &'static str,
    edition: &'static str,
    data_dir: Option<String>,
    waiting_file: Option<String>,
}

/// A value as the core would store it (the app's `check_value` answer).
#[derive(Debug, Serialize)]
struct Checked {
    value: String,
    display: String,
}

/// What importing a contact did (the app's `import_contact` answer).
#[derive(Debug, Serialize)]
struct Imported {
    contact: ContactView,
    new: bool,
}

impl From<Added> for Imported {
    fn from(added: Added) -> Imported {
        match added {
            Added::New(c) => Imported {
                contact: ContactView::from(&c),
                new: true,
            },
            Added::AlreadyKnown(c) => Imported {
                contact: ContactView::from(&c),
                new: false,
            },
        }
    }
}

/// A file to download, as text.
#[derive(Debug, Serialize)]
struct TextFile {
    file_name: String,
    text: String,
}

/// A file to download, as bytes (base64).
#[derive(Debug, Serialize)]
struct BytesFile {
    file_name: String,
    bytes: String,
}

/// The agreement file to download, and the agreement after (saved).
#[derive(Debug, Serialize)]
struct AgreementFile {
    file_name: String,
    text: String,
    view: AgreementView,
}

#[derive(Deserialize)]
struct PassphraseArgs {
    passphrase: String,
}

#[derive(Deserialize)]
struct CreateKeyArgs {
    name: String,
    #[serde(default)]
    organisation: String,
    #[serde(default)]
    function: String,
    passphrase: String,
    confirmation: String,
}

#[derive(Deserialize)]
struct FingerprintArgs {
    fingerprint: String,
}

#[derive(Deserialize)]
struct IndexArgs {
    index: usize,
}

#[derive(Deserialize)]
struct TemplateArgs {
    template: String,
}

#[derive(Deserialize)]
struct ValueArgs {
    blank: String,
    value: String,
}

#[derive(Deserialize)]
struct SignArgs {
    key: String,
    passphrase: String,
}

/// The key that seals the PDFs, when they were not sealed when signing here.
#[derive(Deserialize, Default)]
struct SealArgs {
    #[serde(default)]
    key: Option<String>,
    #[serde(default)]
    passphrase: Option<String>,
}

#[derive(Deserialize)]
struct BytesArgs {
    name: String,
    bytes: String,
}

#[derive(Deserialize)]
struct LoadKeyArgs {
    text: String,
    passphrase: String,
    /// The desktop key store's `key.json` of the key, if the user has it: its name,
    /// organisation, function and creation time.
    #[serde(default)]
    info: Option<String>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    organisation: Option<String>,
    #[serde(default)]
    function: Option<String>,
}

#[derive(Deserialize)]
struct ContactArgs {
    text: String,
    name: String,
    #[serde(default)]
    organisation: Option<String>,
}

/// The arguments of `command` read from `args` (JSON; empty is none).
fn args<T: DeserializeOwned>(command: &str, args: &str) -> Result<T, WebError> {
    let args = if args.trim().is_empty() { "{}" } else { args };
    serde_json::from_str(args).map_err(|e| WebError::bad_arguments(command, e))
}

/// The bytes of a file, sent as base64.
fn decode(command: &str, bytes: &str) -> Result<Vec<u8>, WebError> {
    BASE64
        .decode(bytes.trim())
        .map_err(|e| WebError::bad_arguments(command, format!("bytes: not base64 ({e})")))
}

/// The answer as JSON.
fn answer(value: impl Serialize) -> Result<String, WebError> {
    Ok(serde_json::to_string(&value).expect("an answer serializes"))
}

/// A file no agreement file or exemplar can be, refused before it is read (as the desktop
/// refuses it: `open::read_file`).
fn too_large(name: &str, bytes: &[u8]) -> Result<(), OpenError> {
    if bytes.len() as u64 <= MAX_FILE_BYTES {
        return Ok(());
    }
    Err(OpenError::Refused {
        path: name.into(),
        kind: FileKind::Other,
        reason: Reason::Unreadable {
            kind: FileKind::Other,
            detail: format!(
                "the file is larger than {MAX_FILE_BYTES} bytes; no agreement file or exemplar is that large"
            ),
        },
    })
}

/// A key file's text: small, as a key is.
fn key_text(text: &str) -> Result<(), KeyError> {
    if text.len() as u64 <= MAX_PEM_BYTES {
        return Ok(());
    }
    Err(KeyError::Malformed {
        reason: format!("the file is larger than {MAX_PEM_BYTES} bytes; a key file is far smaller"),
    })
}

impl WebDesk {
    /// The desk, with the keys and contacts `saved` holds (what [`saved`](Self::saved) gave
    /// before; `""` for none).
    pub fn new(saved: &str) -> Result<WebDesk, WebError> {
        Ok(WebDesk {
            store: Store::load(saved)?,
            templates: template::builtin(),
            work: None,
            verified: None,
        })
    }

    /// What the page keeps: the keys (their secrets encrypted only) and the contacts.
    pub fn saved(&self) -> String {
        self.store.saved()
    }

    /// Runs `command` with `args` (JSON): its answer as JSON, or why it was refused.
    pub fn call(&mut self, command: &str, args_json: &str) -> Result<String, WebError> {
        let a = args_json;
        match command {
            "app_info" => answer(AppInfo {
                version: env!("CARGO_PKG_VERSION"),
                edition: "web",
                data_dir: None,
                waiting_file: None,
            }),
            "list_templates" => answer(
                self.templates
                    .iter()
                    .map(|t| t.summary())
                    .collect::<Vec<_>>(),
            ),
            "list_keys" => answer(self.key_views()),
            "passphrase_strength" => {
                let p: PassphraseArgs = args(command, a)?;
                let passphrase = Zeroizing::new(p.passphrase);
                answer(tweevoud::passphrase_strength(&passphrase))
            }
            "create_key" => self.create_key(args(command, a)?),
            "load_key_file" => self.load_key_file(args(command, a)?),
            "public_key_file" => {
                let f: FingerprintArgs = args(command, a)?;
                let info = self.store.key_info(&f.fingerprint)?;
                answer(TextFile {
                    file_name: format!("{}.pub.pem", dashed(info.name())),
                    text: self.store.public_pem(&f.fingerprint)?,
                })
            }
            "secret_key_file" => {
                let f: FingerprintArgs = args(command, a)?;
                let info = self.store.key_info(&f.fingerprint)?;
                answer(TextFile {
                    file_name: format!("{}.secret.pem", dashed(info.name())),
                    text: self.store.secret_pem(&f.fingerprint)?.to_string(),
                })
            }
            "list_contacts" => answer(
                self.store
                    .contacts()
                    .iter()
                    .map(ContactView::from)
                    .collect::<Vec<_>>(),
            ),
            "import_contact_text" => {
                let c: ContactArgs = args(command, a)?;
                key_text(&c.text)?;
                let key = PublicKey::parse(&c.text)?;
                let added =
                    self.store
                        .add_contact(&key, &c.name, c.organisation.as_deref(), now())?;
                answer(Imported::from(added))
            }
            "verify_contact" => {
                let f: FingerprintArgs = args(command, a)?;
                self.store.verify_contact(&f.fingerprint, now())?;
                answer(())
            }
            "remember_signer" => {
                let i: IndexArgs = args(command, a)?;
                let work = self.work.as_ref().ok_or(DeskError::NoAgreement)?;
                let record = work.agreement.signatures().get(i.index).ok_or_else(|| {
                    WebError::bad_arguments(command, format!("there is no signature {}", i.index))
                })?;
                let statement = record.statement.clone();
                let key = PublicKey::from_base64(&statement.public_key)?;
                let added = self.store.add_contact(
                    &key,
                    &statement.signer.name,
                    Some(&statement.signer.organisation),
                    now(),
                )?;
                answer(Imported::from(added))
            }
            "new_agreement" => {
                let t: TemplateArgs = args(command, a)?;
                let template = self
                    .templates
                    .iter()
                    .find(|x| x.id() == t.template)
                    .ok_or_else(|| TemplateError::NotFound(t.template.clone()))?
                    .clone();
                let work = Work::new(Agreement::new(template, Party::Provider, now()));
                let view = AgreementView::of(&self.store, &work);
                self.work = Some(work);
                answer(view)
            }
            "current_agreement" => answer(AgreementView::of(&self.store, self.work()?)),
            "check_value" => {
                let v: ValueArgs = args(command, a)?;
                let agreement = &self.work()?.agreement;
                let value = agreement.check_value(&v.blank, &v.value)?;
                let template = agreement.template();
                let display = template
                    .blank(&v.blank)
                    .map(|b| b.kind.display(&value, template.language()));
                answer(Checked {
                    display: display.unwrap_or_else(|| value.clone()),
                    value,
                })
            }
            "fill_blank" => {
                let v: ValueArgs = args(command, a)?;
                let work = self.work.as_mut().ok_or(DeskError::NoAgreement)?;
                let party = work.filler(&self.store)?;
                let before = work.agreement.audit().len();
                if v.value.trim().is_empty() {
                    work.agreement.clear(party, &[v.blank], now())?;
                } else {
                    work.agreement.fill(party, &[(v.blank, v.value)], now())?;
                }
                work.saved &= work.agreement.audit().len() == before;
                answer(AgreementView::of(&self.store, work))
            }
            "acknowledge_signatures" => {
                let work = self.work.as_mut().ok_or(DeskError::NoAgreement)?;
                work.reviewed = true;
                answer(AgreementView::of(&self.store, work))
            }
            "sign_preview" => answer(SignPreview::of(&self.store, self.work()?, now())?),
            "sign_agreement" => {
                let s: SignArgs = args(command, a)?;
                let passphrase = Zeroizing::new(s.passphrase);
                let owner = self.store.key_info(&s.key)?.name().to_string();
                let key = self.store.unlock(&s.key, &passphrase)?;
                let work = self.work.as_mut().ok_or(DeskError::NoAgreement)?;
                work.sign(&self.store, &key, &owner, now(), None)?;
                answer(AgreementView::of(&self.store, work))
            }
            "open_bytes" => {
                let f: BytesArgs = args(command, a)?;
                let bytes = decode(command, &f.bytes)?;
                answer(self.open(&f.name, &bytes)?)
            }
            "verify_bytes" => {
                let f: BytesArgs = args(command, a)?;
                let bytes = decode(command, &f.bytes)?;
                let judgement = tweevoud::judge(&bytes, &Context::known_by(self.store.keyring()));
                let verdict = FileVerdict::of(Path::new(&f.name), judgement);
                self.verified = Some((f.name, bytes));
                answer(verdict)
            }
            "open_verified" => {
                let (name, bytes) = self.verified.take().ok_or(WebError::NothingVerified)?;
                let opened = self.open(&name, &bytes);
                self.verified = Some((name, bytes));
                answer(opened?)
            }
            "agreement_file" => {
                let work = self.work.as_mut().ok_or(DeskError::NoAgreement)?;
                let name = match &work.file {
                    Some(path) => file_name(&path.with_extension("tweevoud")),
                    None => format!("{}.tweevoud", work.agreement.template().id()),
                };
                let text = work.agreement.to_json();
                work.file = Some(PathBuf::from(&name));
                work.saved = true;
                answer(AgreementFile {
                    file_name: name,
                    text,
                    view: AgreementView::of(&self.store, work),
                })
            }
            "exemplar_files" => {
                // Sealed right after signing here, or by the key given.
                let s: SealArgs = args(command, a)?;
                let work = self.work()?;
                let pdfs = match (s.key, s.passphrase) {
                    (Some(key), Some(passphrase)) => {
                        let passphrase = Zeroizing::new(passphrase);
                        work.seal(&self.store.unlock(&key, &passphrase)?, None)?
                    }
                    _ => work.sealed_pdfs()?,
                };
                answer(
                    pdfs.into_iter()
                        .map(|p| BytesFile {
                            file_name: p.file_name,
                            bytes: BASE64.encode(&p.bytes),
                        })
                        .collect::<Vec<_>>(),
                )
            }
            _ => Err(WebError::UnknownCommand {
                command: command.to_string(),
            }),
        }
    }

    /// The agreement on the desk.
    fn work(&self) -> Result<&Work, DeskError> {
        self.work.as_ref().ok_or(DeskError::NoAgreement)
    }

    fn key_views(&self) -> Vec<KeyView> {
        self.store
            .keys()
            .unwrap_or_default()
            .iter()
            .map(KeyView::from)
            .collect()
    }

    /// Makes a new key, kept with its secret encrypted with the passphrase.
    fn create_key(&mut self, a: CreateKeyArgs) -> Result<String, WebError> {
        let (passphrase, confirmation) =
            (Zeroizing::new(a.passphrase), Zeroizing::new(a.confirmation));
        if passphrase != confirmation {
            return Err(WebError::PassphrasesDiffer);
        }
        // As the desktop's key store: the name first, then the passphrase.
        if a.name.trim().is_empty() {
            return Err(KeyError::MissingName.into());
        }
        tweevoud::key::check_new_passphrase(&passphrase)?;
        let key = UnlockedKey::generate(&a.name, Some(&a.organisation), Some(&a.function), now())?;
        let info = self.store.add_key(&key, &passphrase)?;
        answer(KeyView::from(&info))
    }

    /// Keeps a key from a key file: an encrypted PKCS#8 PEM (the desktop's `secret.pem`, the
    /// browser's own, or one `openssl` made), unlocked with its passphrase to check both.
    /// What it is for comes from the desktop's `key.json` (`info`) if given, else from `name`,
    /// `organisation` and `function` (a key without a name is refused: `missing_name`). It is
    /// kept encrypted again with the same passphrase, as the desktop's key store keeps an
    /// imported key, so that every key kept has the same cost to guess.
    fn load_key_file(&mut self, a: LoadKeyArgs) -> Result<String, WebError> {
        let passphrase = Zeroizing::new(a.passphrase);
        let text = Zeroizing::new(a.text);
        key_text(&text)?;
        let key = match a.info {
            Some(json) => {
                let info: KeyInfo =
                    serde_json::from_str(&json).map_err(|e| KeyError::Malformed {
                        reason: format!("the key's description (key.json) cannot be read: {e}"),
                    })?;
                UnlockedKey::unlock_pem(&text, &passphrase, info)?
            }
            None => UnlockedKey::import_pem(
                &text,
                &passphrase,
                a.name.as_deref().unwrap_or_default(),
                a.organisation.as_deref(),
                a.function.as_deref(),
                now(),
            )?,
        };
        let info = self.store.add_key(&key, &passphrase)?;
        answer(KeyView::from(&info))
    }

    /// Reads the agreement in the file `name` with these bytes and puts it on the desk; a file
    /// that is refused leaves the desk as it was.
    fn open(&mut self, name: &str, bytes: &[u8]) -> Result<AgreementView, WebError> {
        too_large(name, bytes)?;
        let opened = Opened::read(bytes).map_err(|r| OpenError::Refused {
            path: name.into(),
            kind: r.kind,
            reason: r.reason,
        })?;
        let work = Work::opened(&self.store, opened, PathBuf::from(name));
        let view = AgreementView::of(&self.store, &work);
        self.work = Some(work);
        Ok(view)
    }
}

/// A name as part of a file name: its spaces as dashes (as the desktop's export names it).
fn dashed(name: &str) -> String {
    name.replace(char::is_whitespace, "-")
}
