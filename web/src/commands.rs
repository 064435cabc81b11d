//! The browser's desk and its commands: the desktop app's commands of the same names, with the
//! same JSON answers (the views of [`tweevoud_desk::view`]), and in place of the app's file
//! dialogs, commands that take and give the files' contents.

use std::path::{Path, PathBuf};

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tweevoud::key::{KeyError, KeyInfo, UnlockedKey};
use tweevoud::template::{self, Template};
use tweevoud::Context;
use tweevoud_desk::command;
use tweevoud_desk::view::{AgreementView, FileVerdict, KeyView, TextFile};
use tweevoud_desk::{DeskError, Place, Work};
use zeroize::Zeroizing;

use crate::clock::now;
use crate::error::WebError;
use crate::store::Store;

/// The browser's commands that the desktop app has not under the same name, and why: the page
/// gives them a file's contents, or takes one to download, where the app shows a dialog (over
/// the same function of the desk), or they are the browser's by nature. The others are the
/// desk's ([`command::COMMANDS`]).
pub const WEB_ONLY: &[(&str, &str)] = &[
    ("open_bytes", "the file's bytes; the app's open dialog or a dropped file: `open_agreement`, `open_dropped`"),
    ("verify_bytes", "the file's bytes; the app's open dialog or a dropped file: `verify_file`, `verify_dropped`"),
    ("agreement_file", "a file to download; the app's save dialog: `save_agreement`"),
    ("exemplar_files", "files to download; the app's save dialog: `export_exemplars`"),
    ("public_key_file", "a file to download; the app's save dialog: `export_public_key`"),
    ("import_contact_text", "the file's text; the app's open dialog: `import_contact`"),
    ("secret_key_file", "the browser keeps its keys only in the page: the user keeps the key file"),
    ("load_key_file", "the browser keeps its keys only in the page: a key file brings one back"),
];

/// The browser's desk: its keys and contacts, the templates, the agreement being worked on,
/// and the file last verified.
#[derive(Debug)]
pub struct WebDesk {
    store: Store,
    templates: Vec<Template>,
    work: Option<Work>,
    verified: Option<(String, Vec<u8>)>,
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
    #[serde(flatten)]
    file: TextFile,
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

    /// Runs `command` with `args` (JSON): its answer as JSON, or why it was refused. The
    /// commands of [`command::COMMANDS`] are the desk's; the others are this edition's ways
    /// of taking and giving files ([`WEB_ONLY`]).
    pub fn call(&mut self, command: &str, args_json: &str) -> Result<String, WebError> {
        let a = args_json;
        let store = &mut self.store;
        let work = &mut self.work;
        match command {
            "app_info" => answer(command::app_info("web", None, None)),
            "list_templates" => answer(command::list_templates(&self.templates)),
            "list_keys" => answer(command::list_keys(store)?),
            "passphrase_strength" => {
                let p: PassphraseArgs = args(command, a)?;
                let passphrase = Zeroizing::new(p.passphrase);
                answer(command::passphrase_strength(&passphrase))
            }
            "create_key" => {
                let k: CreateKeyArgs = args(command, a)?;
                let (passphrase, confirmation) =
                    (Zeroizing::new(k.passphrase), Zeroizing::new(k.confirmation));
                answer(command::create_key(
                    store,
                    &k.name,
                    &k.organisation,
                    &k.function,
                    &passphrase,
                    &confirmation,
                    now(),
                )?)
            }
            "load_key_file" => self.load_key_file(args(command, a)?),
            "public_key_file" => {
                let f: FingerprintArgs = args(command, a)?;
                answer(command::public_key_file(store, &f.fingerprint)?)
            }
            "secret_key_file" => {
                let f: FingerprintArgs = args(command, a)?;
                let info = store.key_info(&f.fingerprint)?;
                answer(TextFile {
                    file_name: format!("{}.secret.pem", command::dashed(info.name())),
                    text: store.secret_pem(&f.fingerprint)?.to_string(),
                })
            }
            "list_contacts" => answer(command::list_contacts(store)?),
            "import_contact_text" => {
                let c: ContactArgs = args(command, a)?;
                answer(command::import_contact(
                    store,
                    &c.text,
                    &c.name,
                    c.organisation.as_deref(),
                    now(),
                )?)
            }
            "verify_contact" => {
                let f: FingerprintArgs = args(command, a)?;
                answer(command::verify_contact(store, &f.fingerprint, now())?)
            }
            "remember_signer" => {
                let i: IndexArgs = args(command, a)?;
                answer(command::remember_signer(store, work, i.index, now())?)
            }
            "new_agreement" => {
                let t: TemplateArgs = args(command, a)?;
                answer(command::new_agreement(
                    store,
                    &self.templates,
                    work,
                    &t.template,
                    now(),
                )?)
            }
            "current_agreement" => answer(command::current_agreement(store, work)?),
            "check_value" => {
                let v: ValueArgs = args(command, a)?;
                answer(command::check_value(work, &v.blank, &v.value)?)
            }
            "fill_blank" => {
                let v: ValueArgs = args(command, a)?;
                answer(command::fill_blank(store, work, v.blank, v.value, now())?)
            }
            "acknowledge_signatures" => answer(command::acknowledge_signatures(store, work)?),
            "sign_preview" => answer(command::sign_preview(store, work, now())?),
            "sign_agreement" => {
                let s: SignArgs = args(command, a)?;
                let passphrase = Zeroizing::new(s.passphrase);
                answer(command::sign_agreement(
                    store,
                    work,
                    &s.key,
                    &passphrase,
                    now(),
                )?)
            }
            "timestamp_agreement" => answer(command::timestamp_agreement(store, work)?),
            "open_bytes" => {
                let f: BytesArgs = args(command, a)?;
                let bytes = decode(command, &f.bytes)?;
                answer(command::open(store, work, PathBuf::from(f.name), &bytes)?)
            }
            "verify_bytes" => {
                let f: BytesArgs = args(command, a)?;
                let bytes = decode(command, &f.bytes)?;
                let judgement = tweevoud::judge(&bytes, &Context::known_by(store.keyring()));
                let verdict = FileVerdict::of(Path::new(&f.name), judgement);
                self.verified = Some((f.name, bytes));
                answer(verdict)
            }
            "open_verified" => {
                let (name, bytes) = self.verified.as_ref().ok_or(DeskError::NothingVerified)?;
                answer(command::open(store, work, PathBuf::from(name), bytes)?)
            }
            "agreement_file" => {
                let file = command::agreement_file(work)?;
                let view = command::saved_as(store, work, PathBuf::from(&file.file_name))?;
                answer(AgreementFile { file, view })
            }
            "exemplar_files" => {
                // Sealed right after signing here, or by the key given.
                let s: SealArgs = args(command, a)?;
                let passphrase = s.passphrase.map(Zeroizing::new);
                let pdfs = command::exemplars(
                    store,
                    work,
                    s.key.as_deref(),
                    passphrase.as_deref().map(|p| p.as_str()),
                )?;
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

    /// Keeps a key from a key file: an encrypted PKCS#8 PEM (the desktop's `secret.pem`, the
    /// browser's own, or one `openssl` made), unlocked with its passphrase to check both.
    /// What it is for comes from the desktop's `key.json` (`info`) if given, else from `name`,
    /// `organisation` and `function` (a key without a name is refused: `missing_name`). It is
    /// kept encrypted again with the same passphrase, as the desktop's key store keeps an
    /// imported key, so that every key kept has the same cost to guess.
    fn load_key_file(&mut self, a: LoadKeyArgs) -> Result<String, WebError> {
        let passphrase = Zeroizing::new(a.passphrase);
        let text = Zeroizing::new(a.text);
        command::key_text(&text)?;
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
}

#[cfg(test)]
mod tests {
    /// The names `WebDesk::call` dispatches, read from its `match`.
    fn dispatched() -> Vec<String> {
        let source = include_str!("commands.rs");
        let start = source
            .find("        match command {")
            .expect("the dispatch");
        let end = start
            + source[start..]
                .find("            _ => Err(")
                .expect("its end");
        let mut names: Vec<String> = source[start..end]
            .lines()
            .filter_map(|l| l.strip_prefix("            \""))
            .filter_map(|l| l.split_once("\" =>"))
            .map(|(name, _)| name.to_string())
            .collect();
        names.sort();
        names
    }

    /// Both editions expose the desk's commands under the same names; the browser's others
    /// are listed in [`super::WEB_ONLY`] with the reason (the app's in tweevoud-app).
    #[test]
    fn the_commands_are_the_desks_and_the_browsers_own() {
        let expected = tweevoud_desk::command::expected(super::WEB_ONLY);
        assert_eq!(dispatched(), expected);
    }
}
