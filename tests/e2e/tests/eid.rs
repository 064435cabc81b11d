//! The Belgian eID in the app, end to end, with a SoftHSM2 test token laid out as Tom
//! Hendrix's card (tests/common/token.rs) and the tests' root trusted (a debug build with
//! `TWEEVOUD_TEST_EID_ROOTS`): "Keys and contacts" shows the card, binds the key to it with
//! the PIN typed in the app's own dialog (a wrong one first), the agreement signed with the
//! bound key shows its signer "confirmed by Belgian eID", and the PDF to send is sealed with
//! the card and saved. The token has no protected authentication path, so the app asks the
//! PIN; a pinpad reader or the middleware's own dialog cannot be driven here (docs/eid.md's
//! checklist).

#[path = "../../common/token.rs"]
mod token;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use thirtyfour::prelude::*;
use token::{CardKind, SoftHsm, PIN};
use tweevoud_e2e::page::{
    answer_next_dialog, assert_no_error, attr_is, choose_language, click, displayed, hook, shown,
    text_of, type_into, wait_text,
};
use tweevoud_e2e::{Options, Session, CLI_PASSPHRASE};

/// The tests' eID PKI (tests/eid/make-pki.sh's output).
fn fixtures() -> PathBuf {
    tweevoud_e2e::workspace_dir().join("tests/fixtures/eid")
}

/// The CLI on `profile`, seeing the test token; it must succeed.
fn cli(profile: &Path, hsm: &SoftHsm, args: &[&str]) -> String {
    let out = Command::new(tweevoud_e2e::cli_binary())
        .args(args)
        .env("TWEEVOUD_DATA_DIR", profile)
        .env("TWEEVOUD_PASSPHRASE", CLI_PASSPHRASE)
        .env("SOFTHSM2_CONF", hsm.conf())
        .env("TWEEVOUD_TEST_EID_ROOTS", fixtures().join("root.pem"))
        .stdin(Stdio::null())
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.success(),
        "tweevoud {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_key_bound_to_the_eid_signs_and_the_card_seals() {
    let files = tempfile::Builder::new()
        .prefix("tweevoud-e2e-eid-")
        .tempdir()
        .expect("a temporary directory");
    let dir = files.path().to_path_buf();
    let hsm = SoftHsm::card_from(&fixtures(), CardKind::Rsa);
    let profile = dir.join("profile");
    cli(
        &profile,
        &hsm,
        &[
            "key",
            "new",
            "--name",
            "Tom Hendrix",
            "--org",
            "Xtreme Internet Solutions BV",
            "--function",
            "CEO",
        ],
    );
    // The profile reaches the token through SoftHSM2's module (`eid use-module`).
    let module = hsm.module();
    cli(
        &profile,
        &hsm,
        &["eid", "use-module", module.to_str().unwrap()],
    );
    let options = Options {
        profile: Some(profile.clone()),
        env: vec![
            ("SOFTHSM2_CONF".into(), hsm.conf().into()),
            (
                "TWEEVOUD_TEST_EID_ROOTS".into(),
                fixtures().join("root.pem").into(),
            ),
        ],
        ..Options::default()
    };
    tweevoud_e2e::run_with("eid", options, move |s| {
        Box::pin(body(s, dir, profile, hsm))
    })
    .await;
}

async fn body(s: &Session, dir: PathBuf, profile: PathBuf, hsm: SoftHsm) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "nl").await?;

    // Keys and contacts: the card in the reader, whose, its key, until when, trusted; the
    // national register number only masked.
    click(d, "[data-testid='nav-keys']").await?;
    wait_text(d, "[data-testid='eid-card']", "eID-kaart van Tom Hendrix").await?;
    assert_eq!(
        text_of(d, "[data-testid='eid-key-kind']").await?,
        "RSA-2048"
    );
    let number = text_of(d, "[data-testid='eid-number']").await?;
    assert!(number.starts_with("••.••.••-•••."), "{number}");
    attr_is(d, "[data-testid='eid-trust']", "data-trusted", "true").await?;
    wait_text(
        d,
        "[data-testid='eid-pin-note']",
        "Tweevoud vraagt de pincode",
    )
    .await?;
    assert!(!shown(d, "[data-testid='eid-browser']").await?);
    d.find(By::Css("[data-testid='eid-panel']"))
        .await?
        .scroll_into_view()
        .await?;
    s.shot("eid-panel").await;

    // Bind the key: its passphrase and the card's PIN, in the app's own dialog.
    click(d, "[data-testid='bind-eid']").await?;
    displayed(d, "[data-testid='eid-dialog'][data-purpose='bind']").await?;
    assert!(shown(d, "[data-testid='eid-pin']").await?);
    type_into(d, "[data-testid='eid-passphrase']", CLI_PASSPHRASE).await?;
    type_into(d, "[data-testid='eid-pin']", "0000").await?;
    click(d, "[data-testid='eid-submit']").await?;
    attr_is(d, "[data-testid='eid-error']", "data-kind", "eid_pin_wrong").await?;
    // The PIN field is emptied after each try; nothing was bound.
    let pin = d.find(By::Css("[data-testid='eid-pin']")).await?;
    assert_eq!(pin.prop("value").await?.unwrap_or_default(), "");
    assert!(!profile_has_binding(&profile));
    s.shot("eid-pin-wrong").await;
    type_into(d, "[data-testid='eid-passphrase']", CLI_PASSPHRASE).await?;
    type_into(d, "[data-testid='eid-pin']", PIN).await?;
    s.shot("eid-pin-dialog").await;
    click(d, "[data-testid='eid-submit']").await?;
    wait_text(
        d,
        "[data-testid='key-eid'][data-state='bound']",
        "Gekoppeld aan de eID van Tom Hendrix",
    )
    .await?;
    assert!(!shown(d, "[data-testid='eid-dialog']").await?);
    assert!(d
        .find_all(By::Css("[data-testid='bind-eid']"))
        .await?
        .is_empty());
    assert!(profile_has_binding(&profile));
    // No OCSP responder answers in the tests' PKI: bound, revocation not checked.
    displayed(d, "[data-testid='key-eid-revocation']").await?;
    s.shot("eid-bound").await;

    // The provider signs the DPA with the bound key (the CLI): the signature carries the
    // binding.
    let draft = dir.join("dpa.tweevoud");
    let path = draft.to_str().unwrap();
    cli(
        &profile,
        &hsm,
        &[
            "new",
            "--template",
            "xis-verwerkersovereenkomst",
            "-o",
            path,
        ],
    );
    cli(
        &profile,
        &hsm,
        &[
            "sign",
            path,
            "--key",
            "Tom Hendrix",
            "--as",
            "provider",
            "--leave-open-for",
            "customer",
            "--no-timestamp",
        ],
    );

    // Opened in the app: the signer is confirmed by Belgian eID, apart from a contact's trust.
    hook(d, "e2e_drop", &draft).await?;
    displayed(d, "[data-testid='review']").await?;
    let card = "[data-testid='review'] [data-testid='signature-card'][data-role='provider']";
    attr_is(d, card, "data-trust", "eid").await?;
    wait_text(
        d,
        &format!("{card} [data-testid='signature-trust']"),
        "Bevestigd door Belgische eID: Tom Hendrix",
    )
    .await?;
    attr_is(
        d,
        &format!("{card} [data-testid='eid-note']"),
        "data-code",
        "eid_revocation_not_checked",
    )
    .await?;
    s.shot("eid-review").await;
    click(d, "[data-testid='review-continue']").await?;

    // The PDF to send, sealed with the card: the PIN asked in the app's dialog, then saved.
    displayed(d, "[data-testid='export-eid-button']").await?;
    click(d, "[data-testid='export-eid-button']").await?;
    displayed(d, "[data-testid='eid-dialog'][data-purpose='seal']").await?;
    assert!(!shown(d, "[data-testid='eid-passphrase']").await?);
    type_into(d, "[data-testid='eid-pin']", PIN).await?;
    s.shot("eid-seal-dialog").await;
    let pdf = dir.join("te-ondertekenen.pdf");
    answer_next_dialog(d, &pdf).await?;
    click(d, "[data-testid='eid-submit']").await?;
    wait_text(d, "[data-testid='notice']", ".pdf").await?;
    assert!(!shown(d, "[data-testid='eid-dialog']").await?);
    let bytes = std::fs::read(&pdf).expect("the eID-sealed PDF saved");
    assert!(bytes.starts_with(b"%PDF-"));
    s.shot("eid-sealed-saved").await;

    // The verify screen, for the agreement file: confirmed by Belgian eID, the note.
    choose_language(d, "en").await?;
    click(d, "[data-testid='nav-verify']").await?;
    answer_next_dialog(d, &draft).await?;
    click(d, "[data-testid='verify-pick']").await?;
    wait_text(
        d,
        "[data-testid='verdict'] [data-testid='signature-trust']",
        "Confirmed by Belgian eID: Tom Hendrix",
    )
    .await?;
    wait_text(
        d,
        "[data-testid='verdict'] [data-testid='eid-note']",
        "Revocation not checked",
    )
    .await?;
    s.shot("eid-verify").await;

    // And the PDF sealed with the card: its seal is a qualified seal, worded apart from a
    // key's seal, with the revocation note (no OCSP responder answers in the tests' PKI).
    hook(d, "e2e_drop", &pdf).await?;
    attr_is(
        d,
        "[data-testid='verdict']",
        "data-verdict",
        "awaiting_countersignature",
    )
    .await?;
    attr_is(d, "[data-testid='seal']", "data-kind", "eid").await?;
    wait_text(
        d,
        "[data-testid='seal-by']",
        "Seal 1: qualified seal with the Belgian eID of Tom Hendrix",
    )
    .await?;
    displayed(d, "[data-testid='seal-revocation']").await?;
    d.find(By::Css("[data-testid='verdict-seals']"))
        .await?
        .scroll_into_view()
        .await?;
    s.shot("eid-verify-pdf").await;
    assert_no_error(d).await
}

/// Whether a binding is kept with a key of `profile`.
fn profile_has_binding(profile: &Path) -> bool {
    let Ok(keys) = std::fs::read_dir(profile.join("keys")) else {
        return false;
    };
    keys.flatten()
        .any(|k| k.path().join("eid-binding.json").is_file())
}
