//! The browser's desk driven through `call` only, as the page drives it: two parties, two
//! browsers, an agreement signed and countersigned, the files they exchange, and what each
//! browser keeps.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};
use tweevoud::{Agreement, KeyStore, Profile, UnlockedKey};
use tweevoud_web::WebDesk;

mod common;
use common::{call, refused};

const DPA: &str = "xis-verwerkersovereenkomst";
const PROVIDER_PASS: &str = "correct horse battery staple";
const CUSTOMER_PASS: &str = "vier losse woorden zijn sterk";

fn create_key(desk: &mut WebDesk, name: &str, organisation: &str, passphrase: &str) -> String {
    let key = call(
        desk,
        "create_key",
        json!({"name": name, "organisation": organisation, "function": "CEO",
               "passphrase": passphrase, "confirmation": passphrase}),
    );
    key["fingerprint"]["hex"].as_str().unwrap().to_string()
}

/// A file the page downloaded, as the bytes the other browser opens.
fn bytes_of(file: &Value) -> Vec<u8> {
    BASE64.decode(file["bytes"].as_str().unwrap()).unwrap()
}

fn base64_arg(name: &str, bytes: &[u8]) -> Value {
    json!({"name": name, "bytes": BASE64.encode(bytes)})
}

/// The provider's browser: a key, the DPA signed. Its desk and the key's fingerprint.
fn provider_signed() -> (WebDesk, String) {
    let mut provider = WebDesk::new("").unwrap();
    let fingerprint = create_key(
        &mut provider,
        "Tom Hendrix",
        "Xtreme Internet Solutions BV",
        PROVIDER_PASS,
    );
    let view = call(&mut provider, "new_agreement", json!({"template": DPA}));
    assert_eq!(view["acting"], "provider");
    let preview = call(&mut provider, "sign_preview", json!({}));
    assert_eq!(preview["suggested_key"], fingerprint.as_str());
    let view = call(
        &mut provider,
        "sign_agreement",
        json!({"key": fingerprint, "passphrase": PROVIDER_PASS}),
    );
    // The customer signs next, elsewhere: nobody acts here.
    assert_eq!(view["acting"], Value::Null);
    assert_eq!(
        view["verification"]["verdict"]["code"],
        "awaiting_countersignature"
    );
    (provider, fingerprint)
}

#[test]
fn two_parties_sign_in_two_browsers() {
    let (mut provider, provider_key) = provider_signed();
    let files = call(&mut provider, "exemplar_files", json!({}));
    let files = files.as_array().unwrap();
    assert_eq!(files.len(), 1, "one PDF to send for countersignature");
    let to_sign = bytes_of(&files[0]);
    let to_sign_name = files[0]["file_name"].as_str().unwrap().to_string();
    assert!(to_sign.starts_with(b"%PDF-"));
    let public = call(
        &mut provider,
        "public_key_file",
        json!({"fingerprint": provider_key}),
    );
    assert_eq!(public["file_name"], "Tom-Hendrix.pub.pem");

    // The customer's browser.
    let mut customer = WebDesk::new("").unwrap();
    create_key(
        &mut customer,
        "Anne-Marie D'Hondt",
        "Brouwerij De Zwarte Kat BV",
        CUSTOMER_PASS,
    );
    let view = call(
        &mut customer,
        "open_bytes",
        base64_arg(&to_sign_name, &to_sign),
    );
    assert_eq!(view["file"], to_sign_name.as_str());
    assert_eq!(view["reviewed"], false);
    let signer = &view["verification"]["signatures"][0];
    assert_eq!(signer["trust"]["status"], "unknown", "{signer}");
    // Nothing is filled in before the signatures were looked at.
    let e = refused(
        &mut customer,
        "fill_blank",
        json!({"blank": "customer_name", "value": "Brouwerij De Zwarte Kat BV"}),
    );
    assert_eq!(e["kind"], "not_reviewed");

    let imported = call(
        &mut customer,
        "import_contact_text",
        json!({"text": public["text"], "name": "Tom Hendrix",
               "organisation": "Xtreme Internet Solutions BV"}),
    );
    assert_eq!(imported["new"], true);
    assert_eq!(imported["contact"]["verified"], Value::Null);
    let again = call(
        &mut customer,
        "import_contact_text",
        json!({"text": public["text"], "name": "Someone Else"}),
    );
    assert_eq!(again["new"], false);
    assert_eq!(again["contact"]["name"], "Tom Hendrix");
    assert_eq!(
        call(
            &mut customer,
            "verify_contact",
            json!({"fingerprint": provider_key})
        ),
        Value::Null
    );
    let contacts = call(&mut customer, "list_contacts", json!({}));
    assert!(contacts[0]["verified"].is_string(), "{contacts}");
    let view = call(&mut customer, "current_agreement", json!({}));
    assert_eq!(
        view["verification"]["signatures"][0]["trust"]["status"],
        "verified_contact"
    );

    call(&mut customer, "acknowledge_signatures", json!({}));
    let e = refused(
        &mut customer,
        "check_value",
        json!({"blank": "customer_enterprise_number", "value": "BE 0403.170.702"}),
    );
    assert_eq!(e["kind"], "invalid_value");
    assert_eq!(e["blank"], "customer_enterprise_number");
    assert!(e["problem"]["code"].is_string(), "{e}");
    let checked = call(
        &mut customer,
        "check_value",
        json!({"blank": "customer_enterprise_number", "value": "BE 0403.170.701"}),
    );
    assert!(checked["value"].is_string() && checked["display"].is_string());
    for (blank, value) in [
        ("customer_name", "Brouwerij De Zwarte Kat BV"),
        ("customer_address", "Kerkstraat 12\n3600 Genk"),
        ("customer_enterprise_number", "BE 0403.170.701"),
        ("customer_signatory_name", "Anne-Marie D'Hondt"),
        ("customer_signatory_function", "Zaakvoerder"),
    ] {
        call(
            &mut customer,
            "fill_blank",
            json!({"blank": blank, "value": value}),
        );
    }
    let preview = call(&mut customer, "sign_preview", json!({}));
    assert_eq!(preview["role"], "customer");
    assert_eq!(preview["own_missing"], json!([]));
    let customer_key = preview["suggested_key"].as_str().unwrap().to_string();
    let e = refused(
        &mut customer,
        "sign_agreement",
        json!({"key": customer_key, "passphrase": "not the passphrase"}),
    );
    assert_eq!(e["kind"], "wrong_passphrase");
    let view = call(
        &mut customer,
        "sign_agreement",
        json!({"key": customer_key, "passphrase": CUSTOMER_PASS}),
    );
    assert_eq!(view["verification"]["verdict"]["code"], "authentic");
    assert_eq!(view["saved"], false);

    let files = call(&mut customer, "exemplar_files", json!({}));
    let files = files.as_array().unwrap();
    assert_eq!(files.len(), 2, "both exemplars");
    for file in files {
        let name = file["file_name"].as_str().unwrap();
        let verdict = call(
            &mut customer,
            "verify_bytes",
            base64_arg(name, &bytes_of(file)),
        );
        assert_eq!(verdict["file"], name);
        assert_eq!(verdict["verdict"]["code"], "authentic", "{verdict}");
        assert_eq!(verdict["openable"], true);
    }
    // The provider's browser verifies them too: its own key, an unknown customer.
    let verdict = call(
        &mut provider,
        "verify_bytes",
        base64_arg("1.pdf", &bytes_of(&files[0])),
    );
    assert_eq!(verdict["signatures"][0]["trust"]["status"], "own_key");
    assert_eq!(
        verdict["verdict"]["code"], "complete_unconfirmed",
        "{verdict}"
    );
    let view = call(&mut provider, "open_verified", json!({}));
    assert_eq!(view["file"], "1.pdf");
    let remembered = call(&mut provider, "remember_signer", json!({"index": 1}));
    assert_eq!(remembered["contact"]["name"], "Anne-Marie D'Hondt");

    // The agreement file: named after where it stands now (signed by both), not after the PDF
    // "to sign" it came from; and saved.
    assert_eq!(to_sign_name, "verwerkersovereenkomst-ter-ondertekening.pdf");
    let file = call(&mut customer, "agreement_file", json!({}));
    assert_eq!(
        file["file_name"],
        "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-ondertekend.tweevoud"
    );
    assert_eq!(file["view"]["saved"], true);
    let text = file["text"].as_str().unwrap();
    // The exemplars are the desktop's, byte for byte: rendered natively from the agreement
    // file and sealed with the customer's key, taken out of the browser as its key file.
    let agreement = Agreement::from_json(text).unwrap();
    let secret = call(
        &mut customer,
        "secret_key_file",
        json!({"fingerprint": customer_key}),
    );
    let unlocked = UnlockedKey::unlock_pem(
        secret["text"].as_str().unwrap(),
        CUSTOMER_PASS,
        keys_info(&customer, &customer_key),
    )
    .unwrap();
    let sealer = tweevoud::pdf::Sealer::new(&agreement, &unlocked, None).unwrap();
    let native = tweevoud::pdf::exemplars(&agreement, &sealer).unwrap();
    assert_eq!(native.len(), files.len());
    for (n, w) in native.iter().zip(files) {
        assert_eq!(n.file_name, w["file_name"].as_str().unwrap());
        assert!(n.bytes == bytes_of(w), "{} differs", n.file_name);
    }
    let verdict = call(
        &mut customer,
        "verify_bytes",
        json!({"name": "a.tweevoud", "bytes": BASE64.encode(text)}),
    );
    assert_eq!(verdict["verdict"]["code"], "authentic");
}

#[test]
fn what_a_browser_keeps_is_encrypted_and_signs_again() {
    let (provider, fingerprint) = provider_signed();
    let saved = provider.saved();
    assert!(saved.contains("ENCRYPTED PRIVATE KEY"));
    assert!(!saved.contains("BEGIN PRIVATE KEY"), "{saved}");
    assert!(!saved.contains(PROVIDER_PASS));

    let mut again = WebDesk::new(&saved).unwrap();
    assert_eq!(again.saved(), saved);
    let keys = call(&mut again, "list_keys", json!({}));
    assert_eq!(keys.as_array().unwrap().len(), 1);
    assert_eq!(keys[0]["name"], "Tom Hendrix");
    assert_eq!(keys[0]["organisation"], "Xtreme Internet Solutions BV");
    assert_eq!(keys[0]["function"], "CEO");
    assert_eq!(keys[0]["fingerprint"]["hex"], fingerprint.as_str());
    call(&mut again, "new_agreement", json!({"template": DPA}));
    let view = call(
        &mut again,
        "sign_agreement",
        json!({"key": fingerprint, "passphrase": PROVIDER_PASS}),
    );
    assert_eq!(
        view["verification"]["verdict"]["code"],
        "awaiting_countersignature"
    );

    let e =
        WebDesk::new("{\"format\":\"something else\",\"keys\":[],\"contacts\":[]}").unwrap_err();
    assert_eq!(
        serde_json::from_str::<Value>(&e.to_json()).unwrap()["kind"],
        "saved_unreadable"
    );
    let clear = saved.replace("ENCRYPTED PRIVATE KEY", "PRIVATE KEY");
    let e = WebDesk::new(&clear).unwrap_err();
    assert_eq!(
        serde_json::from_str::<Value>(&e.to_json()).unwrap()["kind"],
        "saved_unreadable"
    );
}

#[test]
fn key_files_go_both_ways_between_browser_and_desktop() {
    let mut browser = WebDesk::new("").unwrap();
    let fingerprint = create_key(&mut browser, "Tom Hendrix", "XIS", PROVIDER_PASS);
    let secret = call(
        &mut browser,
        "secret_key_file",
        json!({"fingerprint": fingerprint}),
    );
    assert_eq!(secret["file_name"], "Tom-Hendrix.secret.pem");
    let pem = secret["text"].as_str().unwrap();
    assert!(pem.starts_with("-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));

    // The browser's key file, in the desktop's key store.
    let dir = tempfile::tempdir().unwrap();
    let profile = Profile::at(dir.path().to_path_buf());
    let store = KeyStore::open(&profile);
    let now = chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap();
    let imported = store
        .import(pem, PROVIDER_PASS, "Tom Hendrix", Some("XIS"), None, now)
        .unwrap();
    assert_eq!(imported.fingerprint().hex(), fingerprint);
    let key = keys_info(&browser, &fingerprint);
    let unlocked = UnlockedKey::unlock_pem(pem, PROVIDER_PASS, key).unwrap();
    assert_eq!(unlocked.public().fingerprint().hex(), fingerprint);

    // A desktop key (secret.pem, with key.json) in another browser.
    let desktop = store
        .create(
            "Anne-Marie D'Hondt",
            Some("Brouwerij De Zwarte Kat BV"),
            Some("Zaakvoerder"),
            CUSTOMER_PASS,
            now,
        )
        .unwrap();
    let paths = store.paths(desktop.fingerprint());
    let secret_pem = std::fs::read_to_string(&paths.secret).unwrap();
    let key_json = std::fs::read_to_string(&paths.metadata).unwrap();
    let mut other = WebDesk::new("").unwrap();
    let e = refused(
        &mut other,
        "load_key_file",
        json!({"text": secret_pem, "passphrase": "wrong passphrase", "name": "A"}),
    );
    assert_eq!(e["kind"], "wrong_passphrase");
    let e = refused(
        &mut other,
        "load_key_file",
        json!({"text": secret_pem, "passphrase": CUSTOMER_PASS}),
    );
    assert_eq!(e["kind"], "missing_name", "a bare key file needs a name");
    let loaded = call(
        &mut other,
        "load_key_file",
        json!({"text": secret_pem, "passphrase": CUSTOMER_PASS, "info": key_json}),
    );
    assert_eq!(loaded["name"], "Anne-Marie D'Hondt");
    assert_eq!(loaded["function"], "Zaakvoerder");
    assert_eq!(loaded["created"], "2026-11-23");
    assert_eq!(
        loaded["fingerprint"]["hex"],
        desktop.fingerprint().hex().as_str()
    );
    let e = refused(
        &mut other,
        "load_key_file",
        json!({"text": secret_pem, "passphrase": CUSTOMER_PASS, "name": "Again"}),
    );
    assert_eq!(e["kind"], "key_exists");

    // A bare key file under a name given, and it signs.
    let mut third = WebDesk::new("").unwrap();
    let loaded = call(
        &mut third,
        "load_key_file",
        json!({"text": pem, "passphrase": PROVIDER_PASS, "name": "Tom Hendrix", "organisation": "XIS"}),
    );
    assert_eq!(loaded["fingerprint"]["hex"], fingerprint.as_str());
    call(&mut third, "new_agreement", json!({"template": DPA}));
    call(
        &mut third,
        "sign_agreement",
        json!({"key": fingerprint, "passphrase": PROVIDER_PASS}),
    );
}

/// The `key.json` of a key the browser keeps, read back from what it saves.
fn keys_info(desk: &WebDesk, fingerprint: &str) -> tweevoud::KeyInfo {
    let saved: Value = serde_json::from_str(&desk.saved()).unwrap();
    let key = saved["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|k| k["fingerprint"] == fingerprint)
        .unwrap()
        .clone();
    serde_json::from_value(key).unwrap()
}

#[test]
fn refusals_are_the_app_errors() {
    let mut desk = WebDesk::new("").unwrap();
    assert_eq!(
        refused(&mut desk, "list_archive", json!({}))["kind"],
        "unknown_command"
    );
    assert_eq!(
        refused(&mut desk, "current_agreement", json!({}))["kind"],
        "no_agreement"
    );
    assert_eq!(
        refused(&mut desk, "new_agreement", json!({}))["kind"],
        "bad_arguments"
    );
    assert_eq!(
        refused(&mut desk, "new_agreement", json!({"template": "nope"}))["kind"],
        "template_not_found"
    );
    assert_eq!(
        refused(&mut desk, "open_verified", json!({}))["kind"],
        "nothing_verified"
    );
    let e = refused(
        &mut desk,
        "create_key",
        json!({"name": "A", "passphrase": "long enough 1", "confirmation": "long enough 2"}),
    );
    assert_eq!(e["kind"], "passphrases_differ");
    let e = refused(
        &mut desk,
        "create_key",
        json!({"name": "A", "passphrase": "short", "confirmation": "short"}),
    );
    assert_eq!(e["kind"], "weak_passphrase");
    let e = refused(
        &mut desk,
        "create_key",
        json!({"name": " ", "passphrase": "short", "confirmation": "short"}),
    );
    assert_eq!(e["kind"], "missing_name");
    assert_eq!(
        refused(&mut desk, "open_bytes", json!({"name": "x", "bytes": "%%"}))["kind"],
        "bad_arguments"
    );

    // A file that is no agreement leaves the desk as it was.
    call(&mut desk, "new_agreement", json!({"template": DPA}));
    let e = refused(
        &mut desk,
        "open_bytes",
        base64_arg("notes.pdf", b"%PDF-1.7 not really"),
    );
    assert_eq!(e["kind"], "not_an_agreement");
    assert_eq!(e["params"]["path"], "notes.pdf");
    assert!(e["reason"]["reason"]["code"].is_string(), "{e}");
    assert_eq!(
        call(&mut desk, "current_agreement", json!({}))["file"],
        Value::Null
    );
    let e = refused(&mut desk, "exemplar_files", json!({}));
    assert_eq!(e["kind"], "unsigned");
    let verdict = call(&mut desk, "verify_bytes", base64_arg("notes.txt", b"hello"));
    assert_eq!(verdict["verdict"]["code"], "not_tweevoud");
    assert_eq!(verdict["openable"], false);
    assert_eq!(
        refused(&mut desk, "open_verified", json!({}))["kind"],
        "not_an_agreement"
    );

    let info = call(&mut desk, "app_info", json!({}));
    assert_eq!(info["edition"], "web");
    assert_eq!(info["data_dir"], Value::Null);
    assert_eq!(info["waiting_file"], Value::Null);
    assert!(info["version"].is_string());
    let templates = call(&mut desk, "list_templates", json!({}));
    assert!(templates.as_array().unwrap().iter().any(|t| t["id"] == DPA));
    let strength = call(
        &mut desk,
        "passphrase_strength",
        json!({"passphrase": "abc"}),
    );
    assert!(strength.is_object());
}
