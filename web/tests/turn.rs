//! What the desk tells the window about the turn (the window only shows it): the phase, whether
//! the acting party may sign now with its required blanks, for whom blanks stay open, which
//! own keys may seal, when a timestamp may be asked; and the desk's own refusals. Driven
//! through the browser's `call`, as the page drives it; the desktop app calls the same
//! functions of the desk.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use serde_json::{json, Value};
use tweevoud_web::WebDesk;

mod common;
use common::{call, refused};

const DPA: &str = "xis-verwerkersovereenkomst";
const PASS: &str = "correct horse battery staple";

fn with_key(name: &str) -> (WebDesk, String) {
    let mut desk = WebDesk::new("").unwrap();
    let key = call(
        &mut desk,
        "create_key",
        json!({"name": name, "organisation": "X", "function": "CEO",
               "passphrase": PASS, "confirmation": PASS}),
    );
    (
        desk,
        key["fingerprint"]["hex"].as_str().unwrap().to_string(),
    )
}

fn groups(s: &Value) -> usize {
    s.as_str()
        .unwrap()
        .split(' ')
        .filter(|g| g.len() == 4)
        .count()
}

#[test]
fn the_views_say_the_turn_and_the_window_only_shows_it() {
    let (mut provider, key) = with_key("Tom Hendrix");
    let view = call(&mut provider, "new_agreement", json!({"template": DPA}));
    assert_eq!(view["phase"], "fills");
    assert_eq!(view["own_missing"], json!([]));
    assert_eq!(view["may_sign_now"], true);
    assert_eq!(view["may_timestamp"], false);
    assert_eq!(view["seal_keys"], json!([]));
    assert_eq!(groups(&view["template_sha256_grouped"]), 16);
    // The signing date is the program's to fill: not a blank to type in.
    let editable: Vec<&str> = view["editable"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    assert!(!editable.is_empty());
    for field in view["summary"]["fields"].as_array().unwrap() {
        if !field["auto"].is_null() {
            assert!(
                !editable.contains(&field["id"].as_str().unwrap()),
                "{field}"
            );
        }
    }
    let preview = call(&mut provider, "sign_preview", json!({}));
    assert_eq!(preview["left_open_for"], "customer");

    let view = call(
        &mut provider,
        "sign_agreement",
        json!({"key": key, "passphrase": PASS}),
    );
    assert_eq!(view["phase"], "waiting");
    assert_eq!(view["may_sign_now"], false);
    assert_eq!(view["seal_keys"], json!([key]));
    // Signed, shareable, and no TSA answered (the page asks none): a timestamp may be asked,
    // and asking says none could be had.
    assert_eq!(view["may_timestamp"], true);
    let e = refused(&mut provider, "timestamp_agreement", json!({}));
    assert_eq!(e["kind"], "no_timestamp");
    assert_eq!(e["params"]["tsas"], "0");
    let e = refused(&mut provider, "remember_signer", json!({"index": 5}));
    assert_eq!(e["kind"], "no_signature");

    let files = call(&mut provider, "exemplar_files", json!({}));
    let pdf = &files[0];

    let (mut customer, _) = with_key("Anne-Marie D'Hondt");
    let view = call(
        &mut customer,
        "open_bytes",
        json!({"name": pdf["file_name"], "bytes": pdf["bytes"]}),
    );
    assert_eq!(view["phase"], "review");
    assert_eq!(view["seal_keys"], json!([]));
    let view = call(&mut customer, "acknowledge_signatures", json!({}));
    assert_eq!(view["phase"], "fills");
    assert_eq!(view["acting"], "customer");
    let own = view["own_missing"].as_array().unwrap().clone();
    assert!(own.iter().any(|b| b == "customer_name"), "{own:?}");
    assert_eq!(view["may_sign_now"], false);
    let preview = call(&mut customer, "sign_preview", json!({}));
    // The provider signed: nothing is left open for it.
    assert_eq!(preview["left_open_for"], Value::Null);

    // A verified file's archive answer has no tone in the browser: it has no archive.
    let bytes = BASE64.decode(pdf["bytes"].as_str().unwrap()).unwrap();
    let verdict = call(
        &mut customer,
        "verify_bytes",
        json!({"name": "x.pdf", "bytes": BASE64.encode(bytes)}),
    );
    assert_eq!(verdict["archive_tone"], Value::Null);
    assert_eq!(groups(&verdict["text_sha256_grouped"]), 16);

    let e = refused(
        &mut customer,
        "create_key",
        json!({"name": "B", "passphrase": PASS, "confirmation": "other"}),
    );
    assert_eq!(e["kind"], "passphrases_differ");
}
