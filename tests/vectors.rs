//! Test vectors under `tests/vectors/`, documented in `docs/format.md`.
//!
//! The vectors are made from fixed-seed keys at fixed times, so they are byte-for-byte
//! reproducible; this test rebuilds them and compares. After a deliberate format change,
//! regenerate with `TWEEVOUD_REGENERATE_VECTORS=1 cargo test --test vectors` and review the
//! diff. Every `fail_*` vector must fail verification with exactly the codes its manifest
//! entry names (`must_fail_with`), and every valid one verify with its status and
//! `unsigned_audit`. A `fail_` vector is named for its code, `fail_<code>[-<what>]`, and
//! every failure code in the tables of the spec has one (`every_code_in_the_spec_has_a_vector_named_for_it`).

mod common;
#[path = "common/der_gen.rs"]
mod der_gen;

use std::path::PathBuf;

use common::eid::{eid_fixture, SoftCard};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use tweevoud::agreement::{audit_hash, AuditEntry, AuditEvent};
use tweevoud::eid::Binding;
use tweevoud::pdf::{self, Exemplar};
use tweevoud::timestamp::{check_token, Anchor};
use tweevoud::{verify, Agreement, Coded, FileKind, Party, Reason, SignatureRecord, Status};

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// A tampered copy of `base`, by a JSON edit.
fn tampered(base: &Agreement, edit: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&base.to_json()).unwrap();
    edit(&mut v);
    // Keys sorted, as the vectors were written, whatever serde_json is built with (another
    // crate of the workspace may turn on its `preserve_order`).
    v.sort_all_objects();
    let mut s = serde_json::to_string_pretty(&v).unwrap();
    s.push('\n');
    s
}

/// The key of a party in the vectors: provider seed 1, customer seed 2.
fn key_of(role: Party) -> ed25519_dalek::SigningKey {
    common::test_key(match role {
        Party::Provider => 1,
        _ => 2,
    })
}

/// Makes a hand-edited file hold together again everywhere but where it was edited: the
/// audit trail re-chained and re-hashed, every statement's `previous_signatures` and
/// `audit_head` set from it and re-signed with its party's key, and every `signed` entry
/// naming the new record. So a vector fails only for the rule it breaks.
fn reseal(v: &mut Value) {
    let mut audit: Vec<AuditEntry> = serde_json::from_value(v["audit"].clone()).unwrap();
    let mut records: Vec<SignatureRecord> =
        serde_json::from_value(v["signatures"].clone()).unwrap();
    let mut prev: Option<String> = None;
    let mut record_hashes = Vec::new();
    for e in audit.iter_mut() {
        e.prev = prev.clone();
        if e.event == AuditEvent::Signed {
            if let Some(record) = records.get_mut(record_hashes.len()) {
                let mut st = record.statement.clone();
                st.previous_signatures = record_hashes.clone();
                st.audit_head = prev.clone().unwrap_or_default();
                *record = SignatureRecord::sign(st, &key_of(record.statement.signer.role));
                record_hashes.push(record.record_hash());
                e.signature_sha256 = Some(record.record_hash());
            }
        }
        e.hash = audit_hash(e);
        prev = Some(e.hash.clone());
    }
    v["audit"] = serde_json::to_value(&audit).unwrap();
    v["signatures"] = serde_json::to_value(&records).unwrap();
}

/// `tampered`, then resealed.
fn forged(base: &Agreement, edit: impl Fn(&mut Value)) -> String {
    tampered(base, |v| {
        edit(v);
        reseal(v);
    })
}

/// Signature `i`'s `text_sha256` set to the text of the file's values (which the edit made
/// equal to the statement's).
fn retext(v: &mut Value, i: usize) {
    let mut draft = v.clone();
    draft["signatures"] = json!([]);
    let a = Agreement::from_json(&draft.to_string()).unwrap();
    v["signatures"][i]["statement"]["text_sha256"] = a.text_sha256().into();
}

/// The DPA signed first by the customer, which fills all its blanks: the base of the vectors
/// about a first signer's own blanks.
fn customer_first() -> Agreement {
    let mut a = Agreement::new(common::dpa(), Party::Provider, common::at(9));
    a.fill(
        Party::Customer,
        &common::set(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", "Kerkstraat 12\n3600 Genk"),
            ("customer_enterprise_number", "0403.170.701"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        common::at(11),
    )
    .unwrap();
    let mut a = common::stored_before_be(a);
    a.sign(
        &common::test_key(2),
        Party::Customer,
        Some("Anne-Marie D'Hondt"),
        None,
        common::at(12),
    )
    .unwrap();
    a
}

/// Audit entry `i`'s `hash` taken again over the entry as it now stands (nothing after it is
/// re-chained: the edits that use it touch the last entry only).
fn rehash_entry(v: &mut Value, i: usize) {
    let mut e: AuditEntry = serde_json::from_value(v["audit"][i].clone()).unwrap();
    e.hash = audit_hash(&e);
    v["audit"][i] = serde_json::to_value(&e).unwrap();
}

/// Signature `i`'s record hash as it now stands, named by its `signed` audit entry (the last
/// entry, for the last signature), whose hash is taken again.
fn rename_record(v: &mut Value, i: usize) {
    let record: SignatureRecord = serde_json::from_value(v["signatures"][i].clone()).unwrap();
    let last = v["audit"].as_array().unwrap().len() - 1;
    v["audit"][last]["signature_sha256"] = record.record_hash().into();
    rehash_entry(v, last);
}

/// Signature `i` signed again over its statement as edited, with its party's key, and named
/// by the last audit entry (`rename_record`): for edits to the last signature that nothing
/// else covers.
fn resign_last(v: &mut Value, i: usize) {
    let record: SignatureRecord = serde_json::from_value(v["signatures"][i].clone()).unwrap();
    let role = record.statement.signer.role;
    let signed = SignatureRecord::sign(record.statement, &key_of(role));
    v["signatures"][i] = serde_json::to_value(&signed).unwrap();
    rename_record(v, i);
}

/// Signature `i`'s `text_sha256` set to the text of its own values (what it signed, not the
/// file's).
fn retext_signed(v: &mut Value, i: usize) {
    let mut draft = v.clone();
    draft["signatures"] = json!([]);
    draft["values"] = v["signatures"][i]["statement"]["values"].clone();
    let a = Agreement::from_json(&draft.to_string()).unwrap();
    v["signatures"][i]["statement"]["text_sha256"] = a.text_sha256().into();
}

/// Removes `blank`'s value from the file and from the first statement.
fn drop_value(v: &mut Value, blank: &str) {
    let keep = |f: &Value| f["blank"] != blank;
    v["values"].as_array_mut().unwrap().retain(keep);
    v["signatures"][0]["statement"]["values"]
        .as_array_mut()
        .unwrap()
        .retain(keep);
}

/// The complete DPA with an entry added to its audit trail after both signed.
fn unsigned_audit_after(complete: &Agreement) -> String {
    tampered(complete, |v| {
        let audit = v["audit"].as_array_mut().unwrap();
        let last = audit.last().unwrap().clone();
        let mut e = AuditEntry {
            seq: audit.len() as u64,
            time: "2026-11-24T09:00:00+01:00".into(),
            event: AuditEvent::Cleared,
            party: Party::Customer,
            blanks: vec!["customer_address".into()],
            text_sha256: last["text_sha256"].as_str().unwrap().into(),
            signature_sha256: None,
            prev: Some(last["hash"].as_str().unwrap().into()),
            hash: String::new(),
        };
        e.hash = audit_hash(&e);
        audit.push(serde_json::to_value(&e).unwrap());
    })
}

/// The CA certificate of the TSA that made the vectors' timestamp tokens (scripts/tsa.py
/// `--key rsa`, run once).
const TSA_CA: &str = "tsa-ca.pem";

/// The timestamped DPA whose first token also carries a certificate of another format.
const OTHER_CERTIFICATE: &str = "dpa-complete-timestamped-other-certificate.tweevoud";

/// The DER of the timestamp token (a CMS ContentInfo, not a TimeStampResp) over the 64 bytes
/// of signature `i` of `dpa-complete.tweevoud`. A TSA cannot make tokens at fixed times, so
/// they were made once, by scripts/tsa.py `--key rsa`, and are kept as they were made.
fn token_file(i: usize) -> String {
    format!("dpa-complete.signature-{i}.tsr")
}

fn token(i: usize) -> Vec<u8> {
    let name = token_file(i);
    std::fs::read(dir().join(&name)).unwrap_or_else(|e| panic!("tests/vectors/{name}: {e}"))
}

/// The complete DPA with each signature's token added (`add_timestamp` checks each holds).
fn dpa_timestamped(complete: &Agreement) -> Agreement {
    let mut a = complete.clone();
    for i in 0..a.signatures().len() {
        assert!(a.add_timestamp(i, &token(i)).unwrap(), "token {i} added");
    }
    a
}

/// `token` with one bit of its SignerInfo's signature value flipped: the value is found by
/// reading the token, then located in its bytes (a 256-byte RSA signature occurs once).
fn with_signature_flipped(token: &[u8]) -> Vec<u8> {
    use der::Decode;
    let info = cms::content_info::ContentInfo::from_der(token).unwrap();
    let signed = info
        .content
        .decode_as::<cms::signed_data::SignedData>()
        .unwrap();
    let value = signed.signer_infos.0.get(0).unwrap().signature.as_bytes();
    let at = token.windows(value.len()).position(|w| w == value).unwrap();
    assert_eq!(
        token.windows(value.len()).filter(|w| *w == value).count(),
        1
    );
    let mut out = token.to_vec();
    out[at + value.len() / 2] ^= 0x01;
    out
}

fn base64(bytes: &[u8]) -> String {
    base64::Engine::encode(&base64::engine::general_purpose::STANDARD, bytes)
}

/// The vectors about timestamps, made from the timestamped DPA by a JSON edit (the record
/// hash leaves timestamps out: nothing needs resealing).
fn timestamp_fail_vectors(stamped: &Agreement) -> Vec<(String, String, Vec<&'static str>)> {
    let mut fails: Vec<(String, String, Vec<&'static str>)> = Vec::new();
    let mut add = |name: &str, text: String, codes: &[&'static str]| {
        fails.push((format!("fail_{name}.tweevoud"), text, codes.to_vec()));
    };
    add(
        "timestamp_imprint",
        tampered(stamped, |v| {
            v["signatures"][1]["timestamps"][0] = v["signatures"][0]["timestamps"][0].clone();
        }),
        &["timestamp_imprint"],
    );
    add(
        "timestamp_signature",
        tampered(stamped, |v| {
            v["signatures"][0]["timestamps"][0]["token"] =
                base64(&with_signature_flipped(&token(0))).into();
        }),
        &["timestamp_signature"],
    );
    add(
        "timestamp_chain",
        tampered(stamped, |v| {
            // A token over signature 0 whose TSA certificate names as its issuer a CA the
            // token also carries, of the same name, that did not sign it (made once with
            // `openssl ts -reply -chain`, kept as made).
            let name = "dpa-complete.signature-0.chain-broken.tsr";
            let broken = std::fs::read(dir().join(name)).unwrap();
            v["signatures"][0]["timestamps"][0]["token"] = base64(&broken).into();
        }),
        &["timestamp_chain"],
    );
    add(
        "timestamp_unreadable-not-base64-or-cut",
        tampered(stamped, |v| {
            // Not base64; and base64 of a token cut short (not one DER ContentInfo).
            v["signatures"][0]["timestamps"][0]["token"] = "not base64!".into();
            v["signatures"][1]["timestamps"][0]["token"] = base64(&token(1)[..100]).into();
        }),
        &["timestamp_unreadable"],
    );
    add(
        "timestamp_unreadable-set-order",
        tampered(stamped, |v| {
            // An unsigned attribute (which the TSA's signature does not cover) whose two
            // values are not in DER order: refused, not sorted (timestamps.md, step 1).
            let two = der_gen::distinct_values(2);
            let values = [two[1].clone(), two[0].clone()];
            let t = der_gen::with_unsigned(&token(0), &[der_gen::attribute(1, &values)]);
            v["signatures"][0]["timestamps"][0]["token"] = base64(&t).into();
        }),
        &["timestamp_unreadable"],
    );
    add(
        "timestamp_certificate-not-carried",
        tampered(stamped, |v| {
            // Token 0 carrying its TSA's CA in place of its signing certificate (the
            // certificates are not covered by the TSA's signature): no certificate matches
            // the signer (timestamps.md, step 7).
            let pem = std::fs::read_to_string(dir().join(TSA_CA)).unwrap();
            let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
            let ca =
                base64::Engine::decode(&base64::engine::general_purpose::STANDARD, b64).unwrap();
            v["signatures"][0]["timestamps"][0]["token"] =
                base64(&der_gen::with_certificates(&token(0), &[ca])).into();
        }),
        &["timestamp_certificate"],
    );
    add(
        "damaged_agreement_file-timestamp-in-format-1",
        tampered(stamped, |v| v["format"] = "tweevoud-agreement/1".into()),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-timestamp-five",
        tampered(stamped, |v| {
            let one = v["signatures"][0]["timestamps"][0].clone();
            v["signatures"][0]["timestamps"] = Value::Array(vec![one; 5]);
        }),
        &["damaged_agreement_file"],
    );
    fails
}

/// Every `fail_*` vector: its file name, its text, and the codes of every problem its
/// verification reports (sorted), or the reader's code when the reader refuses it.
fn fail_vectors(
    awaiting: &Agreement,
    complete: &Agreement,
) -> Vec<(String, String, Vec<&'static str>)> {
    let mut fails: Vec<(String, String, Vec<&'static str>)> = Vec::new();
    let mut add = |name: &str, text: String, codes: &[&'static str]| {
        fails.push((format!("fail_{name}.tweevoud"), text, codes.to_vec()));
    };
    add(
        "value_changed-after-both-signed",
        tampered(complete, |v| {
            v["values"][0]["value"] = "Brouwerij De Witte Kat BV".into();
        }),
        &["value_changed"],
    );
    add(
        "filled_after_signing-not-left-open",
        tampered(awaiting, |v| {
            // customer_name comes first in the template's order.
            v["values"].as_array_mut().unwrap().insert(
                0,
                json!({"blank": "customer_name", "value": "Acme NV", "filled_by": "provider"}),
            );
        }),
        &["filled_after_signing"],
    );
    add(
        "template_swapped",
        tampered(complete, |v| {
            let text = v["template"]["text"]
                .as_str()
                .unwrap()
                .replace("Hasselt", "Antwerpen");
            v["template"]["sha256"] = hex::encode(Sha256::digest(text.as_bytes())).into();
            v["template"]["text"] = text.into();
        }),
        &["template_swapped", "text_mismatch"],
    );
    add(
        "signature_count-signatures-swapped",
        tampered(complete, |v| {
            v["signatures"].as_array_mut().unwrap().swap(0, 1)
        }),
        &[
            "audit_head_mismatch",
            "audit_signature_mismatch",
            "dropped_value",
            "filled_after_signing",
            "open_for_signed_party",
            "signature_count",
            "signed_before_previous",
        ],
    );
    add(
        "audit_signature_count-signature-removed",
        tampered(complete, |v| {
            v["signatures"].as_array_mut().unwrap().remove(1);
        }),
        &["audit_signature_count"],
    );
    add(
        "signed_twice",
        tampered(complete, |v| {
            let first = v["signatures"][0].clone();
            v["signatures"].as_array_mut().unwrap().push(first);
        }),
        &[
            "audit_signature_count",
            "dropped_value",
            "filled_after_signing",
            "open_for_signed_party",
            "signature_count",
            "signed_before_previous",
            "signed_twice",
        ],
    );
    add(
        "signature_mismatch-statement-altered",
        tampered(complete, |v| {
            v["signatures"][0]["statement"]["signer"]["function"] = "Zaakvoerder".into();
        }),
        &[
            "audit_signature_mismatch",
            "signature_mismatch",
            "signatures_replaced",
            "wrong_signer",
        ],
    );
    add(
        "audit_altered",
        tampered(complete, |v| {
            v["audit"][1]["time"] = "2026-11-22T10:00:00+01:00".into();
        }),
        &["audit_altered"],
    );
    // Times, in a statement and in an audit entry.
    for (name, time) in [
        ("garbage", "yesterday"),
        ("utc-z", "2026-11-23T09:00:00Z"),
        ("fraction", "2026-11-23T10:00:00.250+01:00"),
        ("out-of-range", "2026-11-23T25:61:00+01:00"),
        ("february-30", "2026-02-30T10:00:00+01:00"),
        ("minus-zero", "2026-11-23T09:00:00-00:00"),
    ] {
        add(
            &format!("bad_signature_time-{name}"),
            forged(complete, |v| {
                v["signatures"][0]["statement"]["time"] = time.into();
            }),
            &["bad_signature_time"],
        );
        add(
            &format!("bad_audit_time-{name}"),
            forged(complete, |v| v["audit"][2]["time"] = time.into()),
            &["bad_audit_time"],
        );
    }
    // Characters no value may hold, in a signed value only (the file's value stays valid).
    for (name, c) in [
        ("soft-hyphen", '\u{ad}'),
        ("function-application", '\u{2061}'),
        ("tag-character", '\u{e0041}'),
    ] {
        add(
            &format!("invalid_signed_value-{name}"),
            forged(complete, |v| {
                v["signatures"][1]["statement"]["values"][1]["value"] =
                    format!("Kerkstraat 12\n3600{c}Genk").into();
            }),
            &["invalid_signed_value", "value_changed"],
        );
    }
    // The same in the file's own value: the reader refuses it.
    add(
        "damaged_agreement_file-stored-value-soft-hyphen",
        tampered(complete, |v| {
            v["values"][1]["value"] = "Kerkstraat 12\n3600\u{ad}Genk".into();
        }),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-template-bidi-control",
        tampered(complete, |v| {
            let text =
                v["template"]["text"]
                    .as_str()
                    .unwrap()
                    .replacen("Hasselt", "Has\u{202e}selt", 1);
            v["template"]["sha256"] = hex::encode(Sha256::digest(text.as_bytes())).into();
            v["template"]["text"] = text.into();
        }),
        &["damaged_agreement_file"],
    );
    // Lists over their caps (docs/format.md, "Limits"): the reader refuses them before any
    // check, so none is resealed.
    add(
        "damaged_agreement_file-too-many-open",
        tampered(complete, |v| {
            let one = v["signatures"][0]["statement"]["open"][0].clone();
            v["signatures"][0]["statement"]["open"] = Value::Array(vec![one; 257]);
        }),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-too-many-signatures",
        tampered(complete, |v| {
            let records = v["signatures"].as_array().unwrap().clone();
            v["signatures"] = Value::Array(records.iter().cycle().take(5).cloned().collect());
        }),
        &["damaged_agreement_file"],
    );
    // A multi-line blank used 109 times: 109 × 2,414 characters at its longest.
    add(
        "damaged_agreement_file-template-text-too-long",
        tampered(complete, |v| {
            let markers = vec!["{{customer_address}}"; 109].join(" ");
            let text = format!("{}\n{markers}\n", v["template"]["text"].as_str().unwrap());
            v["template"]["sha256"] = hex::encode(Sha256::digest(text.as_bytes())).into();
            v["template"]["text"] = text.into();
        }),
        &["damaged_agreement_file"],
    );
    // A first signer's own required blank: empty, or left open for its own party.
    let first = customer_first();
    add(
        "own_blank_empty",
        forged(&first, |v| {
            drop_value(v, "customer_address");
            retext(v, 0);
        }),
        &["own_blank_empty"],
    );
    add(
        "open_for_signer-own-blank",
        forged(&first, |v| {
            drop_value(v, "customer_address");
            v["signatures"][0]["statement"]["open"] =
                json!([{"blank": "customer_address", "party": "customer"}]);
            retext(v, 0);
        }),
        &["open_for_signer", "own_blank_empty"],
    );
    // The shape of a statement.
    add(
        "signed_values_out_of_order",
        forged(complete, |v| {
            v["signatures"][1]["statement"]["values"]
                .as_array_mut()
                .unwrap()
                .swap(0, 1);
        }),
        &["signed_values_out_of_order"],
    );
    add(
        "signed_value_twice",
        forged(complete, |v| {
            let values = v["signatures"][1]["statement"]["values"]
                .as_array_mut()
                .unwrap();
            values.insert(1, values[0].clone());
        }),
        &["signed_value_twice"],
    );
    add(
        "not_left_open",
        forged(awaiting, |v| {
            v["signatures"][0]["statement"]["open"]
                .as_array_mut()
                .unwrap()
                .remove(1);
        }),
        &["not_left_open"],
    );
    add(
        "open_wrong_party",
        forged(awaiting, |v| {
            v["signatures"][0]["statement"]["open"][1]["party"] = "provider".into();
        }),
        &["open_wrong_party"],
    );
    add(
        "open_out_of_order",
        forged(awaiting, |v| {
            v["signatures"][0]["statement"]["open"]
                .as_array_mut()
                .unwrap()
                .swap(0, 1);
        }),
        &["open_out_of_order"],
    );
    // The audit trail's members.
    add(
        "damaged_agreement_file-audit-party",
        tampered(complete, |v| v["audit"][1]["party"] = "notary".into()),
        &["damaged_agreement_file"],
    );
    add(
        "audit_members-signature-on-filled",
        forged(complete, |v| {
            v["audit"][2]["signature_sha256"] = "00".repeat(32).into();
        }),
        &["audit_members"],
    );
    add(
        "audit_members-blanks-on-signed",
        forged(complete, |v| {
            v["audit"][1]["blanks"] = json!(["customer_name"]);
        }),
        &["audit_members"],
    );
    add(
        "audit_unknown_blank",
        forged(complete, |v| {
            v["audit"][2]["blanks"] = json!(["customer_name", "customer_vat"]);
        }),
        &["audit_unknown_blank"],
    );
    // JSON null where a member is absent or a string: refused, never read as absent.
    add(
        "damaged_agreement_file-audit-prev-null",
        tampered(complete, |v| v["audit"][0]["prev"] = Value::Null),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-audit-signature-null",
        tampered(complete, |v| {
            v["audit"][2]["signature_sha256"] = Value::Null
        }),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-timestamps-null",
        tampered(complete, |v| v["signatures"][0]["timestamps"] = Value::Null),
        &["damaged_agreement_file"],
    );
    // Every member Tweevoud writes is there: an audit entry without `blanks` (its hash taken
    // over it as stored, so only the missing member is wrong), a file without `signatures`.
    add(
        "damaged_agreement_file-audit-blanks-missing",
        tampered(complete, |v| {
            let e = v["audit"][1].as_object_mut().unwrap();
            e.remove("blanks");
            e.remove("hash");
            let hash = hex::encode(tweevoud::canonical::tagged_hash(
                tweevoud::agreement::AUDIT_TAG,
                &*e,
            ));
            e.insert("hash".into(), hash.into());
        }),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-audit-seq-negative",
        tampered(complete, |v| v["audit"][3]["seq"] = (-1).into()),
        &["damaged_agreement_file"],
    );
    add(
        "damaged_agreement_file-signatures-missing",
        tampered(&common::dpa_filled(), |v| {
            v.as_object_mut().unwrap().remove("signatures");
        }),
        &["damaged_agreement_file"],
    );
    // A signature made, by its own word, before the one before it.
    add(
        "signed_before_previous",
        forged(complete, |v| {
            v["signatures"][1]["statement"]["time"] = "2026-11-23T09:59:59+01:00".into();
        }),
        &["signed_before_previous"],
    );
    // The customer's record with a key or a signature that is not one (the audit trail names
    // the record as it stands: only the value is wrong).
    add(
        "bad_public_key-31-bytes",
        tampered(complete, |v| {
            v["signatures"][1]["statement"]["public_key"] = base64(&[7; 31]).into();
            rename_record(v, 1);
        }),
        &["bad_public_key"],
    );
    add(
        "bad_signature_encoding-3-bytes",
        tampered(complete, |v| {
            v["signatures"][1]["signature"] = "AAAA".into();
            rename_record(v, 1);
        }),
        &["bad_signature_encoding"],
    );
    // What a statement covers or leaves open, about blanks the template lacks or has filled.
    add(
        "unknown_blank-in-statement",
        forged(complete, |v| {
            v["signatures"][1]["statement"]["values"]
                .as_array_mut()
                .unwrap()
                .push(json!({"blank": "customer_vat", "value": "BE0403170701", "filled_by": "customer"}));
        }),
        // Nor in the file's values (which cannot name it), nor left open.
        &["filled_not_open", "unknown_blank", "value_emptied"],
    );
    add(
        "open_unknown_blank",
        forged(awaiting, |v| {
            v["signatures"][0]["statement"]["open"]
                .as_array_mut()
                .unwrap()
                .push(json!({"blank": "customer_vat", "party": "customer"}));
        }),
        &["open_unknown_blank"],
    );
    add(
        "open_filled",
        forged(awaiting, |v| {
            // Between `date` and `customer_signatory_name`, in the template's order.
            v["signatures"][0]["statement"]["open"]
                .as_array_mut()
                .unwrap()
                .insert(
                    4,
                    json!({"blank": "provider_signatory_name", "party": "provider"}),
                );
        }),
        &["open_filled"],
    );
    // The file's values against what was signed.
    add(
        "value_emptied",
        tampered(complete, |v| {
            v["values"].as_array_mut().unwrap().remove(1);
        }),
        &["value_emptied"],
    );
    add(
        "filler_changed",
        tampered(complete, |v| {
            v["values"][4]["filled_by"] = "customer".into()
        }),
        &["filler_changed"],
    );
    // A countersignature against the signature before it.
    add(
        "changed_signed_value",
        forged(complete, |v| {
            // The provider's function, changed in the file and in the customer's statement.
            v["values"][5]["value"] = "COO".into();
            v["signatures"][1]["statement"]["values"][5]["value"] = "COO".into();
            retext(v, 1);
        }),
        &["changed_signed_value", "value_changed"],
    );
    add(
        "changed_signed_value-filler",
        forged(complete, |v| {
            // The provider's function, the same words, said in the file and in the
            // customer's statement to be filled by the customer: the value the provider
            // signed is now another party's.
            v["values"][5]["filled_by"] = "customer".into();
            v["signatures"][1]["statement"]["values"][5]["filled_by"] = "customer".into();
        }),
        &["changed_signed_value", "filler_changed"],
    );
    add(
        "filled_not_open",
        forged(complete, |v| {
            // The date, left open for the customer, said to be filled by the provider.
            v["values"][3]["filled_by"] = "provider".into();
            v["signatures"][1]["statement"]["values"][3]["filled_by"] = "provider".into();
        }),
        &["filled_not_open"],
    );
    // The customer's statement, edited and signed again: one rule broken each.
    add(
        "signatures_replaced",
        tampered(complete, |v| {
            v["signatures"][1]["statement"]["previous_signatures"][0] = "00".repeat(32).into();
            resign_last(v, 1);
        }),
        &["signatures_replaced"],
    );
    add(
        "text_mismatch",
        tampered(complete, |v| {
            v["signatures"][1]["statement"]["text_sha256"] = "00".repeat(32).into();
            resign_last(v, 1);
        }),
        &["text_mismatch"],
    );
    add(
        "wrong_signer",
        tampered(complete, |v| {
            v["signatures"][1]["statement"]["signer"]["function"] = "Zaakvoerster".into();
            resign_last(v, 1);
        }),
        &["wrong_signer"],
    );
    add(
        "audit_head_mismatch",
        tampered(complete, |v| {
            v["signatures"][1]["statement"]["audit_head"] = "00".repeat(32).into();
            resign_last(v, 1);
        }),
        &["audit_head_mismatch"],
    );
    // The provider's function, signed by the provider, left out by the customer: dropped,
    // and also left open for the provider, which had signed. The file still holds it, which
    // the last signature no longer covers (filled_after_signing); without it, the provider's
    // signature would find it emptied.
    add(
        "dropped_value",
        forged(complete, |v| {
            v["signatures"][1]["statement"]["values"]
                .as_array_mut()
                .unwrap()
                .remove(5);
            retext_signed(v, 1);
        }),
        &["dropped_value", "filled_after_signing"],
    );
    add(
        "open_for_signed_party",
        forged(complete, |v| {
            v["signatures"][1]["statement"]["values"]
                .as_array_mut()
                .unwrap()
                .remove(5);
            v["signatures"][1]["statement"]["open"] =
                json!([{"blank": "provider_signatory_function", "party": "provider"}]);
            retext_signed(v, 1);
        }),
        &[
            "dropped_value",
            "filled_after_signing",
            "open_for_signed_party",
        ],
    );
    // The audit trail as a whole.
    add(
        "audit_missing",
        tampered(complete, |v| v["audit"] = json!([])),
        &["audit_missing"],
    );
    add(
        "audit_out_of_sequence",
        tampered(complete, |v| {
            // The last entry, the customer's signing: nothing hashes it.
            v["audit"][4]["seq"] = 5.into();
            rehash_entry(v, 4);
        }),
        &["audit_out_of_sequence"],
    );
    add(
        "audit_signature_mismatch",
        tampered(complete, |v| {
            v["audit"][4]["signature_sha256"] = "00".repeat(32).into();
            rehash_entry(v, 4);
        }),
        &["audit_signature_mismatch"],
    );
    add(
        "audit_unchained",
        tampered(complete, |v| {
            v["audit"][4]["prev"] = "00".repeat(32).into();
            rehash_entry(v, 4);
        }),
        &["audit_unchained"],
    );
    fails
}

/// The complete DPA signed at the edges of the times accepted: the provider in year 0001 with
/// the largest offset ahead of UTC (an instant in year 0 UTC), the customer in year 9999 with
/// the largest behind it (an instant in year 10000 UTC).
fn time_edges(complete: &Agreement) -> String {
    forged(complete, |v| {
        v["signatures"][0]["statement"]["time"] = "0001-01-01T00:00:00+23:59".into();
        v["signatures"][1]["statement"]["time"] = "9999-12-31T23:59:59-23:59".into();
    })
}

// ---- eID bindings -------------------------------------------------------------------------

/// When the vectors' keys were bound to their owners' test cards.
/// (After the tests' OCSP answers were made, as a binding is made with its answer; after the
/// signing times too: a binding names the key, not a signature, and is not ordered with it.)
const EID_BOUND: &str = "2026-12-08T09:00:00+01:00";
/// The tests' eID root, which the eID vectors are judged with (`TWEEVOUD_TEST_EID_ROOTS`).
const EID_ROOT: &str = "../fixtures/eid/root.pem";
/// The agreement both of whose signers' keys are bound, each with its OCSP answer kept.
const EID_COMPLETE: &str = "dpa-complete-eid.tweevoud";
/// The same, the customer's binding without its OCSP answer.
const EID_NO_OCSP: &str = "dpa-complete-eid-no-ocsp.tweevoud";

/// A test key bound to a card: signing with it puts its binding in the record.
struct Bound {
    key: ed25519_dalek::SigningKey,
    binding: Binding,
}

impl tweevoud::signature::Signer for Bound {
    fn public_key_bytes(&self) -> [u8; 32] {
        self.key.public_key_bytes()
    }

    fn sign_message(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign_message(message)
    }

    fn seal_key(&self) -> Option<tweevoud::seal::SealKey> {
        self.key.seal_key()
    }

    fn eid_binding(&self) -> Option<&Binding> {
        Some(&self.binding)
    }
}

/// The binding of test key `seed` to `card`, keeping the OCSP answer fixture `ocsp`.
fn bind(card: &SoftCard, seed: u8, ocsp: Option<&str>) -> Binding {
    bind_at(EID_BOUND, card, seed, ocsp)
}

/// [`bind`] at another time.
fn bind_at(time: &str, card: &SoftCard, seed: u8, ocsp: Option<&str>) -> Binding {
    let ocsp = ocsp.map(eid_fixture);
    Binding::make(
        card,
        &common::test_key(seed),
        chrono::DateTime::parse_from_rfc3339(time).unwrap(),
        ocsp.as_deref(),
    )
    .unwrap()
}

/// The DPA signed as `common::dpa_complete` signs it, with keys bound by `provider` and
/// `customer`: signing puts each binding in its record.
fn dpa_complete_bound(provider: Binding, customer: Binding) -> Agreement {
    let tom = Bound {
        key: common::test_key(1),
        binding: provider,
    };
    let anne = Bound {
        key: common::test_key(2),
        binding: customer,
    };
    let mut a = Agreement::new(common::dpa(), Party::Provider, common::at(9));
    a.sign(
        &tom,
        Party::Provider,
        Some("Tom Hendrix"),
        Some(Party::Customer),
        common::at(10),
    )
    .unwrap();
    a.fill(
        Party::Customer,
        &common::set(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", "Kerkstraat 12\n3600 Genk"),
            ("customer_enterprise_number", "BE 0403.170.701"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        common::at(14),
    )
    .unwrap();
    let mut a = common::stored_before_be(a);
    a.sign(
        &anne,
        Party::Customer,
        Some("Anne-Marie D'Hondt"),
        None,
        common::at(15),
    )
    .unwrap();
    a
}

/// One bit of base64 `text`'s bytes flipped at `at` (counted from the end when negative).
fn flipped_b64(text: &str, at: isize) -> String {
    let mut bytes =
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, text).unwrap();
    let i = if at < 0 {
        bytes.len() - at.unsigned_abs()
    } else {
        at as usize
    };
    bytes[i] ^= 1;
    base64(&bytes)
}

/// An edit of an agreement file's JSON.
type Edit = Box<dyn Fn(&mut Value)>;

/// The eID vectors that do not confirm their signer, each with the codes the judgement gives
/// it when the tests' root is the anchor.
fn eid_fail_vectors(bound: &Agreement) -> Vec<(String, String, Vec<&'static str>)> {
    let provider = |binding: Binding| -> Edit {
        let b = serde_json::to_value(binding).unwrap();
        Box::new(move |v: &mut Value| v["signatures"][0]["eid_binding"] = b.clone())
    };
    // The provider's binding keeping another OCSP answer (outside what either key signed).
    let ocsp = |answer: &[u8]| -> Edit {
        let answer = base64(answer);
        Box::new(move |v: &mut Value| {
            v["signatures"][0]["eid_binding"]["ocsp"] = answer.clone().into()
        })
    };
    let made: Vec<(&str, Edit, Vec<&'static str>)> = vec![
        (
            "fail_eid_untrusted",
            provider(bind(&SoftCard::other(), 1, None)),
            vec!["eid_untrusted"],
        ),
        (
            "fail_eid_binding_key-other-key",
            Box::new(|v: &mut Value| {
                v["signatures"][1]["eid_binding"] = v["signatures"][0]["eid_binding"].clone()
            }),
            vec!["eid_binding_key"],
        ),
        (
            "fail_eid_binding_key-ed25519-signature",
            Box::new(|v: &mut Value| {
                let s = v["signatures"][0]["eid_binding"]["signature"]
                    .as_str()
                    .unwrap()
                    .to_string();
                v["signatures"][0]["eid_binding"]["signature"] = flipped_b64(&s, 0).into();
            }),
            vec!["eid_binding_key"],
        ),
        (
            "fail_eid_binding_signature",
            Box::new(|v: &mut Value| {
                let s = v["signatures"][0]["eid_binding"]["eid_signature"]
                    .as_str()
                    .unwrap()
                    .to_string();
                v["signatures"][0]["eid_binding"]["eid_signature"] = flipped_b64(&s, -1).into();
            }),
            vec!["eid_binding_signature"],
        ),
        (
            "fail_eid_binding_signature-certificate-swapped",
            Box::new(|v: &mut Value| {
                v["signatures"][0]["eid_binding"]["certificate"] =
                    base64(&eid_fixture("expired-sign.der")).into();
            }),
            vec!["eid_binding_signature"],
        ),
        (
            "fail_eid_binding_unreadable",
            Box::new(|v: &mut Value| {
                v["signatures"][0]["eid_binding"]["chain"][0] = "not base64!".into();
            }),
            vec!["eid_binding_unreadable"],
        ),
        (
            "fail_eid_certificate_expired",
            provider(bind(&SoftCard::expired(), 1, Some("ocsp-expired-sign.der"))),
            vec!["eid_certificate_expired"],
        ),
        (
            "fail_eid_certificate_revoked",
            provider(bind(&SoftCard::revoked(), 1, Some("ocsp-revoked-sign.der"))),
            vec!["eid_certificate_revoked"],
        ),
        (
            "fail_eid_ocsp_other_certificate",
            ocsp(&eid_fixture("ocsp-expired-sign.der")),
            vec!["eid_ocsp_other_certificate"],
        ),
        (
            "fail_eid_ocsp_responder",
            ocsp(&eid_fixture("ocsp-ec-sign.der")),
            vec!["eid_ocsp_responder"],
        ),
        (
            "fail_eid_ocsp_signature",
            ocsp(&{
                // One bit of the answer's own signature (the first 2048-bit BIT STRING; the
                // responder's certificate carried after it has its own).
                let mut answer = eid_fixture("ocsp-rsa-sign.der");
                let at = answer
                    .windows(5)
                    .position(|w| w == [0x03, 0x82, 0x01, 0x01, 0x00])
                    .unwrap();
                answer[at + 15] ^= 1;
                answer
            }),
            vec!["eid_ocsp_signature"],
        ),
        (
            "fail_eid_ocsp_unreadable",
            ocsp(b"not an OCSP answer"),
            vec!["eid_ocsp_unreadable"],
        ),
        (
            "fail_eid_ocsp_refused",
            // An OCSPResponse with the status malformedRequest and no answer.
            ocsp(&[0x30, 0x03, 0x0a, 0x01, 0x01]),
            vec!["eid_ocsp_refused"],
        ),
        (
            "fail_eid_ocsp_not_current",
            // Bound on 20 November with an answer made on 7 December.
            provider(bind_at(
                "2026-11-20T09:00:00+01:00",
                &SoftCard::rsa(),
                1,
                Some("ocsp-rsa-sign.der"),
            )),
            vec!["eid_ocsp_not_current"],
        ),
        (
            "fail_eid_not_signature_certificate",
            provider(bind(
                &SoftCard::from_fixtures("rsa-auth", &["ca-rsa", "root"]),
                1,
                None,
            )),
            vec!["eid_not_signature_certificate"],
        ),
        (
            "fail_eid_certificate_unreadable",
            Box::new(|v: &mut Value| {
                // Not a certificate, named by its hash, the statement signed again by the
                // key: only the certificate cannot be read.
                let b = &mut v["signatures"][0]["eid_binding"];
                let junk = b"not a certificate";
                b["certificate"] = base64(junk).into();
                b["statement"]["certificate_sha256"] = hex::encode(Sha256::digest(junk)).into();
                let statement: tweevoud::eid::BindingStatement =
                    serde_json::from_value(b["statement"].clone()).unwrap();
                use ed25519_dalek::Signer as _;
                let signature = common::test_key(1).sign(&statement.message());
                b["signature"] = base64(&signature.to_bytes()).into();
            }),
            vec!["eid_certificate_unreadable"],
        ),
        (
            "fail_eid_chain",
            Box::new(|v: &mut Value| {
                let ca = v["signatures"][0]["eid_binding"]["chain"][0]
                    .as_str()
                    .unwrap()
                    .to_string();
                v["signatures"][0]["eid_binding"]["chain"][0] = flipped_b64(&ca, -1).into();
            }),
            vec!["eid_chain"],
        ),
    ];
    made.into_iter()
        .map(|(name, edit, codes)| (format!("{name}.tweevoud"), tampered(bound, edit), codes))
        .collect()
}

/// The eID vectors the reader refuses: shapes the format does not allow.
fn eid_damaged_vectors(bound: &Agreement) -> Vec<(String, String, Vec<&'static str>)> {
    let damaged = vec!["damaged_agreement_file"];
    vec![
        (
            "fail_damaged_agreement_file-eid-binding-in-format-1.tweevoud".to_string(),
            tampered(bound, |v| v["format"] = "tweevoud-agreement/1".into()),
            damaged.clone(),
        ),
        (
            "fail_damaged_agreement_file-eid-binding-null.tweevoud".to_string(),
            tampered(bound, |v| v["signatures"][0]["eid_binding"] = Value::Null),
            damaged.clone(),
        ),
        (
            "fail_damaged_agreement_file-eid-binding-nine-ca.tweevoud".to_string(),
            tampered(bound, |v| {
                let ca = v["signatures"][0]["eid_binding"]["chain"][0].clone();
                v["signatures"][0]["eid_binding"]["chain"] = Value::Array(vec![ca; 9]);
            }),
            damaged,
        ),
    ]
}

/// Every vector file, by name.
fn build() -> Vec<(String, String)> {
    let awaiting = common::dpa_provider_signed();
    let complete = common::dpa_complete();
    let mut files = vec![
        ("dpa-awaiting.tweevoud".to_string(), awaiting.to_json()),
        ("dpa-complete.tweevoud".to_string(), complete.to_json()),
    ];
    let mut keys = Vec::new();
    for (role, seed) in [("provider", 1u8), ("customer", 2u8)] {
        let k = common::test_key(seed);
        let public = k.verifying_key().to_bytes();
        keys.push(json!({
            "role": role,
            "seed_hex": hex::encode([seed; 32]),
            "public_key_base64": tweevoud::signature::encode_public_key(&public),
            "fingerprint_sha256_hex": hex::encode(Sha256::digest(public)),
        }));
    }
    let mut signatures = Vec::new();
    for (i, rec) in complete.signatures().iter().enumerate() {
        let name = format!("dpa-complete.signature-{i}.message");
        let message = rec.statement.message();
        signatures.push(json!({
            "signer": rec.statement.signer.role,
            "message_file": name,
            "message_sha256_hex": hex::encode(Sha256::digest(&message)),
            "signature_base64": rec.signature,
            "record_sha256_hex": rec.record_hash(),
        }));
        files.push((name, String::from_utf8(message).unwrap()));
    }
    let stamped = dpa_timestamped(&complete);
    files.push((
        "dpa-complete-timestamped.tweevoud".to_string(),
        stamped.to_json(),
    ));
    files.push((
        OTHER_CERTIFICATE.to_string(),
        tampered(&stamped, |v| {
            // Token 0 with an `other [3] IMPLICIT OtherCertificateFormat` among its
            // certificates (not covered by the TSA's signature): ignored (timestamps.md,
            // step 5), the token holds.
            let t = token(0);
            let entries = der_gen::many_certificates(&t, 0, 1);
            v["signatures"][0]["timestamps"][0]["token"] =
                base64(&der_gen::with_certificates(&t, &entries)).into();
        }),
    ));
    let mut timestamps = Vec::new();
    for i in 0..stamped.signatures().len() {
        let rec = &stamped.signatures()[i];
        let bytes = rec.signature_bytes().unwrap();
        let anchor = Anchor::from_bytes(&std::fs::read(dir().join(TSA_CA)).unwrap()).unwrap();
        let a = check_token(&token(i), &bytes, &[anchor]).unwrap();
        timestamps.push(json!({
            "signer": rec.statement.signer.role,
            "token_file": token_file(i),
            "anchor_file": TSA_CA,
            "time": a.time.to_rfc3339(),
            "tsa": a.tsa,
            "tsa_certificate_sha256_hex": a.tsa_certificate_sha256,
            "serial_hex": a.serial,
            "policy": a.policy,
        }));
    }
    let bound = dpa_complete_bound(
        bind(&SoftCard::rsa(), 1, Some("ocsp-rsa-sign.der")),
        bind(&SoftCard::ec(), 2, Some("ocsp-ec-sign.der")),
    );
    let no_ocsp = dpa_complete_bound(
        bind(&SoftCard::rsa(), 1, Some("ocsp-rsa-sign.der")),
        bind(&SoftCard::ec(), 2, None),
    );
    files.push((EID_COMPLETE.to_string(), bound.to_json()));
    files.push((EID_NO_OCSP.to_string(), no_ocsp.to_json()));
    let mut eid_fails = Vec::new();
    for (name, text, codes) in eid_fail_vectors(&bound) {
        eid_fails.push(json!({"file": name, "must_fail_with": codes}));
        files.push((name, text));
    }
    let confirmed = |revocation: [&str; 2]| {
        json!([
            {"role": "provider", "holder": "Tom Hendrix", "revocation": revocation[0]},
            {"role": "customer", "holder": "Anne-Marie D'Hondt", "revocation": revocation[1]},
        ])
    };
    let eid = json!({
        "anchor_file": EID_ROOT,
        "valid": [
            {"file": EID_COMPLETE, "status": "complete", "confirmed": confirmed(["good", "good"]),
             "notes": []},
            {"file": EID_NO_OCSP, "status": "complete", "confirmed": confirmed(["good", "not_checked"]),
             "notes": ["eid_revocation_not_checked"]},
        ],
        "fail": eid_fails,
    });
    let mut fails = fail_vectors(&awaiting, &complete);
    fails.extend(timestamp_fail_vectors(&stamped));
    fails.extend(eid_damaged_vectors(&bound));
    let mut manifest_fails = Vec::new();
    for (name, text, codes) in fails {
        manifest_fails.push(json!({"file": name, "must_fail_with": codes}));
        files.push((name, text));
    }
    let later = unsigned_audit_after(&complete);
    files.push(("dpa-complete-unsigned-audit.tweevoud".to_string(), later));
    files.push((
        "dpa-complete-time-edges.tweevoud".to_string(),
        time_edges(&complete),
    ));
    let mut manifest = json!({
        "about": "Tweevoud test vectors; see docs/format.md, section Test vectors.",
        "keys": keys,
        "template_sha256_hex": complete.template().sha256_hex(),
        "complete_text_sha256_hex": complete.text_sha256(),
        "signatures": signatures,
        "timestamps": timestamps,
        "valid": [
            {"file": "dpa-awaiting.tweevoud", "status": "awaiting_countersignature", "unsigned_audit": []},
            {"file": "dpa-complete.tweevoud", "status": "complete", "unsigned_audit": []},
            {"file": "dpa-complete-unsigned-audit.tweevoud", "status": "complete", "unsigned_audit": [5]},
            {"file": "dpa-complete-timestamped.tweevoud", "status": "complete", "unsigned_audit": []},
            {"file": "dpa-complete-time-edges.tweevoud", "status": "complete", "unsigned_audit": []},
            {"file": OTHER_CERTIFICATE, "status": "complete", "unsigned_audit": []}
        ],
        "fail": manifest_fails,
        "eid": eid,
    });
    manifest.sort_all_objects();
    let mut m = serde_json::to_string_pretty(&manifest).unwrap();
    m.push('\n');
    files.push(("vectors.json".to_string(), m));
    files
}

#[test]
fn vectors_are_reproducible_and_current() {
    let files = build();
    if std::env::var_os("TWEEVOUD_REGENERATE_VECTORS").is_some() {
        for (name, text) in &files {
            std::fs::write(dir().join(name), text).unwrap();
        }
    }
    for (name, text) in &files {
        let on_disk = std::fs::read_to_string(dir().join(name)).unwrap_or_else(|e| {
            panic!("tests/vectors/{name}: {e} (regenerate, see the module doc)")
        });
        assert!(
            on_disk == *text,
            "tests/vectors/{name} is stale: the format changed (regenerate and review)"
        );
    }
}

fn manifest() -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir().join("vectors.json")).unwrap()).unwrap()
}

#[test]
fn valid_vectors_verify() {
    let manifest = manifest();
    let valid = manifest["valid"].as_array().unwrap();
    assert_eq!(valid.len(), 6);
    for f in valid {
        let name = f["file"].as_str().unwrap();
        let a = Agreement::load(&dir().join(name)).unwrap();
        let v = verify(&a);
        assert_eq!(v.status.as_str(), f["status"], "{name}: {:?}", v.problems);
        assert_eq!(json!(v.unsigned_audit), f["unsigned_audit"], "{name}");
    }
}

/// The codes of every problem verifying `name` reports, sorted, once each; or the code of
/// the reader's refusal.
fn codes_of(name: &str) -> (Option<Status>, Vec<String>) {
    let path = dir().join(name);
    match Agreement::load(&path) {
        Err(e) => {
            let kind = tweevoud::identify(&std::fs::read(&path).unwrap());
            let reason = Reason::Unreadable {
                kind,
                detail: e.to_string(),
            };
            assert_eq!(kind, FileKind::AgreementFile, "{name}");
            (None, vec![reason.code().to_string()])
        }
        Ok(a) => {
            let v = verify(&a);
            let mut codes: Vec<String> = v
                .signatures
                .iter()
                .flat_map(|s| &s.problems)
                .chain(&v.problems)
                .map(|p| p.code().to_string())
                .collect();
            codes.sort();
            codes.dedup();
            (Some(v.status), codes)
        }
    }
}

#[test]
fn every_fail_vector_fails_with_exactly_its_codes() {
    let manifest = manifest();
    let fails = manifest["fail"].as_array().unwrap();
    assert!(fails.len() >= 30);
    let mut wrong = 0;
    for f in fails {
        let name = f["file"].as_str().unwrap();
        let (status, codes) = codes_of(name);
        assert!(
            matches!(status, None | Some(Status::Invalid)),
            "{name} must be invalid"
        );
        if json!(codes) != f["must_fail_with"] {
            eprintln!("MISMATCH {name}: {codes:?}");
            wrong += 1;
        }
        for code in &codes {
            assert!(Reason::CODES.contains(&code.as_str()), "{code}");
        }
    }
    assert_eq!(wrong, 0, "vectors whose codes differ from the manifest");
}

#[test]
fn message_bytes_are_tag_and_canonical_json() {
    let a = common::dpa_complete();
    let st = &a.signatures()[0].statement;
    let m = st.message();
    let (tag, body) = m.split_at(m.iter().position(|&b| b == b'\n').unwrap());
    assert_eq!(tag, b"tweevoud-signature/1");
    let parsed: Value = serde_json::from_slice(&body[1..]).unwrap();
    // Keys sorted, no white space: re-serializing the parsed value gives the same bytes.
    assert_eq!(tweevoud::canonical::to_canonical_json(&parsed), &body[1..]);
    assert_eq!(parsed["signer"]["name"], "Tom Hendrix");
    assert_eq!(parsed["template_sha256"], a.template().sha256_hex());
}

/// The same through the binary: exit 1, the verdict `altered` and the vector's codes.
#[test]
fn every_fail_vector_exits_1_through_the_cli() {
    let manifest = manifest();
    for f in manifest["fail"].as_array().unwrap() {
        let name = f["file"].as_str().unwrap();
        let out = assert_cmd::Command::cargo_bin("tweevoud")
            .unwrap()
            .env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
            .args(["verify", "--json"])
            .arg(dir().join(name))
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{name}: {stdout}");
        let (verdict, codes) = common::verdict_and_codes(&common::verify_answer(&out.stdout));
        assert_eq!(verdict, "altered", "{name}: {stdout}");
        assert_eq!(json!(codes), f["must_fail_with"], "{name}");
    }
    for name in [
        "dpa-awaiting.tweevoud",
        "dpa-complete.tweevoud",
        "dpa-complete-unsigned-audit.tweevoud",
        "dpa-complete-timestamped.tweevoud",
        "dpa-complete-time-edges.tweevoud",
        OTHER_CERTIFICATE,
    ] {
        assert_cmd::Command::cargo_bin("tweevoud")
            .unwrap()
            .env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
            .arg("verify")
            .arg(dir().join(name))
            .assert()
            // Valid, but the test keys are nobody this profile knows: not confirmed.
            .code(3);
    }
}

/// `verify --json` names each key once in every object: a signature's `timestamps` were
/// said twice (the check's and the judged ones, with the trust in their TSAs), and which one a
/// reader kept was the reader's choice.
#[test]
fn verify_json_names_each_key_once() {
    let out = assert_cmd::Command::cargo_bin("tweevoud")
        .unwrap()
        .env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
        .args(["verify", "--json"])
        .arg(dir().join("dpa-complete-timestamped.tweevoud"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    let answer = common::json_with_unique_keys(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stdout));
    });
    let signatures = answer["signatures"].as_array().unwrap();
    assert_eq!(signatures.len(), 2);
    for signature in signatures {
        // The one kept is the judged one: what the TSA attests, and whether it is trusted.
        let stamps = signature["timestamps"].as_array().unwrap();
        assert_eq!(stamps.len(), 1, "{signature}");
        assert_eq!(stamps[0]["trusted"], json!(false), "{signature}");
        assert!(stamps[0]["time"].is_string(), "{signature}");
    }
    // The check itself refuses a key said twice.
    assert!(common::json_with_unique_keys(br#"{"a": 1, "b": {"c": 2, "c": 3}}"#).is_err());
    assert!(common::json_with_unique_keys(br#"{"a": 1, "b": {"c": 2, "d": [{"c": 3}]}}"#).is_ok());
}

// ---- exemplar PDFs of every renderer version ----------------------------------------------

/// Exemplar 1 of `dpa-complete.tweevoud` as renderer 1 made it (streams at zlib level 9),
/// kept as it was made: exemplars are kept for years, and one made by an older renderer must
/// still be verified byte for byte. Never regenerated.
const RENDERER_1_EXEMPLAR: &str = "dpa-complete.renderer-1.exemplar-1.pdf";

fn renderer_1_exemplar() -> Vec<u8> {
    let bytes = std::fs::read(dir().join(RENDERER_1_EXEMPLAR)).unwrap();
    assert_eq!(
        hex::encode(Sha256::digest(&bytes)),
        "df5fb9d013ba6ed85122f654587435420cc39c85a7d72783d6b1fc1943f33549",
        "tests/vectors/{RENDERER_1_EXEMPLAR} is the file renderer 1 made"
    );
    bytes
}

/// `bytes` with the first `from` replaced by `to` (of the same length).
fn edited(bytes: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    assert_eq!(from.len(), to.len());
    let at = bytes
        .windows(from.len())
        .position(|w| w == from)
        .unwrap_or_else(|| panic!("{:?} is in the PDF", String::from_utf8_lossy(from)));
    let mut out = bytes.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

#[test]
fn a_renderer_1_exemplar_still_verifies_as_complete() {
    let bytes = renderer_1_exemplar();
    let check = pdf::verify_exemplar(&bytes).unwrap();
    assert_eq!(check.exemplar, Some(Exemplar::Copy(Party::Provider)));
    assert!(check.visible_document_matches);
    assert_eq!(
        check.verification.status,
        Status::Complete,
        "{:?}",
        check.verification.problems
    );
    // It is not what this program makes today: new exemplars come from the newer renderer.
    let sealed = common::render(&check.agreement, Exemplar::Copy(Party::Provider)).unwrap();
    assert_ne!(sealed, bytes);
    // It is exactly what renderer 1 makes (the fuzz target holds every verified PDF to this),
    // and this program renders no version it does not know.
    let provider = Exemplar::Copy(Party::Provider);
    let again = pdf::render_version(&check.agreement, provider, "1").unwrap();
    assert_eq!(again.unwrap(), bytes);
    // Today's renderer seals: its unsealed rendering is the sealed PDF with the seal's place
    // left as zeros.
    let today = pdf::render_version(&check.agreement, provider, pdf::RENDERER_VERSION)
        .unwrap()
        .unwrap();
    assert_eq!(today.len(), sealed.len());
    let differ: Vec<usize> = (0..today.len())
        .filter(|&i| today[i] != sealed[i])
        .collect();
    assert!(
        differ.iter().all(|&i| today[i] == b'0'),
        "only the seal's place differs"
    );
    assert!(pdf::render_version(&check.agreement, provider, "4").is_none());
}

#[test]
fn fail_renderer_1_exemplar_with_an_edited_byte() {
    let bytes = renderer_1_exemplar();
    // One byte of the document information, which stays readable.
    let producer = edited(
        &bytes,
        b"(Tweevoud exemplar renderer 1)",
        b"(Tweevoud exemplar renderer 7)",
    );
    let check = pdf::verify_exemplar(&producer).unwrap();
    assert!(!check.visible_document_matches);
    assert_eq!(check.verification.status, Status::Invalid);
    assert!(check
        .verification
        .problems
        .contains(&Reason::VisibleDiffers));
    // One byte of a compressed stream, the last before its end: refused one way or another.
    let end = bytes.windows(10).position(|w| w == b"\nendstream").unwrap();
    let mut stream = bytes.clone();
    stream[end - 1] ^= 0x01;
    if let Ok(check) = pdf::verify_exemplar(&stream) {
        assert!(!check.visible_document_matches);
        assert_eq!(check.verification.status, Status::Invalid);
    }
}

#[test]
fn a_renderer_2_exemplar_verifies_and_says_so() {
    let complete = common::dpa_complete();
    for p in [Party::Provider, Party::Customer] {
        let bytes = pdf::render_version(&complete, Exemplar::Copy(p), "2")
            .unwrap()
            .unwrap();
        assert!(bytes.windows(20).any(|w| w == b"/TweevoudRenderer(2)"));
        let check = pdf::verify_exemplar(&bytes).unwrap();
        assert!(check.visible_document_matches);
        assert_eq!(check.verification.status, Status::Complete, "{p}");
    }
    assert_eq!(pdf::RENDERER_VERSION, "3");
}

#[test]
fn fail_unknown_renderer_version() {
    let complete = common::dpa_complete();
    let made = pdf::exemplars(&complete, &common::sealer(&complete)).unwrap();
    let bytes = edited(
        &made[0].bytes,
        b"/TweevoudRenderer(3)",
        b"/TweevoudRenderer(4)",
    );
    let check = pdf::verify_exemplar(&bytes).unwrap();
    assert!(!check.visible_document_matches);
    assert_eq!(check.verification.status, Status::Invalid);
    let reason = Reason::RendererVersion {
        found: "4".to_string(),
        ours: "1, 2, 3".to_string(),
    };
    assert!(
        check.verification.problems.contains(&reason),
        "{:?}",
        check.verification.problems
    );
    assert_eq!(
        reason.to_string(),
        "the PDF was laid out by exemplar renderer \"4\", this program knows renderers 1, 2, 3, \
         so its visible document cannot be checked"
    );
    // A renderer name of a thousand characters is not repeated in full.
    let mut doc = lopdf::Document::load_mem(&made[0].bytes).unwrap();
    let info = doc.trailer.get(b"Info").unwrap().as_reference().unwrap();
    doc.get_dictionary_mut(info).unwrap().set(
        "TweevoudRenderer",
        lopdf::Object::string_literal("x".repeat(1000)),
    );
    let mut bytes_long = Vec::new();
    doc.save_to(&mut bytes_long).unwrap();
    let check = pdf::verify_exemplar(&bytes_long).unwrap();
    assert_eq!(check.verification.status, Status::Invalid);
    let reason = Reason::RendererVersion {
        found: format!("{}…", "x".repeat(40)),
        ours: "1, 2, 3".to_string(),
    };
    assert!(
        check.verification.problems.contains(&reason),
        "{:?}",
        check.verification.problems
    );
    // The command says so, and fails.
    let tmp = tempfile::TempDir::new().unwrap();
    let path = tmp.path().join("renderer-4.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let out = assert_cmd::Command::cargo_bin("tweevoud")
        .unwrap()
        .env("TWEEVOUD_DATA_DIR", tmp.path().join("profile"))
        .args(["verify", "--json", path.to_str().unwrap()])
        .assert()
        .code(1);
    let answer = common::verify_answer(&out.get_output().stdout);
    let (verdict, codes) = common::verdict_and_codes(&answer);
    assert_eq!(verdict, "altered");
    assert!(codes.contains(&"renderer_version".to_string()), "{codes:?}");
}

// ---- timestamps --------------------------------------------------------------------------

/// The timestamped vector's tokens hold over their signatures, are trusted with the committed
/// CA as anchor, and are not without it; its verification lists one per signature.
#[test]
fn timestamped_vector_tokens_are_trusted_with_the_tsa_ca_only() {
    let a = Agreement::load(&dir().join("dpa-complete-timestamped.tweevoud")).unwrap();
    let pem = std::fs::read(dir().join(TSA_CA)).unwrap();
    let anchor = Anchor::from_bytes(&pem).unwrap();
    assert_eq!(a.signatures().len(), 2);
    for (i, rec) in a.signatures().iter().enumerate() {
        assert_eq!(rec.timestamps.len(), 1, "signature {i}");
        let token = base64::Engine::decode(
            &base64::engine::general_purpose::STANDARD,
            &rec.timestamps[0].token,
        )
        .unwrap();
        assert_eq!(
            token,
            self::token(i),
            "signature {i} carries its token file"
        );
        let bytes = rec.signature_bytes().unwrap();
        let trusted = check_token(&token, &bytes, std::slice::from_ref(&anchor)).unwrap();
        assert!(trusted.trusted, "signature {i}: trusted with {TSA_CA}");
        assert_eq!(trusted.tsa, "Tweevoud Test TSA, Tweevoud Tests");
        let alone = check_token(&token, &bytes, &[]).unwrap();
        assert!(
            !alone.trusted,
            "signature {i}: not trusted without an anchor"
        );
        // The other signature's bytes are not what it stamps.
        let other = a.signatures()[1 - i].signature_bytes().unwrap();
        let e = check_token(&token, &other, std::slice::from_ref(&anchor)).unwrap_err();
        assert_eq!(e.code(), "timestamp_imprint");
    }
    let v = verify(&a);
    assert_eq!(v.status, Status::Complete, "{:?}", v.problems);
    for s in &v.signatures {
        assert!(s.problems.is_empty(), "{:?}", s.problems);
        assert_eq!(s.timestamps.len(), 1);
    }
    // The file is format /2, and the same agreement without timestamps is /1 byte for byte.
    let text = std::fs::read_to_string(dir().join("dpa-complete-timestamped.tweevoud")).unwrap();
    assert!(text.contains("\"format\": \"tweevoud-agreement/2\""));
    let plain = std::fs::read_to_string(dir().join("dpa-complete.tweevoud")).unwrap();
    assert!(plain.contains("\"format\": \"tweevoud-agreement/1\""));
}

// ---- what the spec leaves open, answered for PDFs (docs/pdf.md) ---------------------------

/// The codes of the problems a judgement of `bytes` reports, and its verdict.
fn judged(bytes: &[u8]) -> (tweevoud::VerdictCode, Vec<String>) {
    let ctx = tweevoud::Context {
        keyring: None,
        archive: None,
    };
    let j = tweevoud::judge(bytes, &ctx);
    let codes = j.problems.iter().map(|p| p.code().to_string()).collect();
    (j.verdict.code, codes)
}

/// The codes of the problems of the PDF itself (the agreement inside is valid).
fn pdf_problems(bytes: &[u8]) -> Vec<String> {
    let checked = pdf::check_exemplar(bytes).unwrap();
    assert!(checked.verification.problems.is_empty());
    checked
        .pdf
        .problems
        .iter()
        .map(|r| r.code().to_string())
        .collect()
}

/// A PDF ends exactly as Tweevoud writes it: the first revision with `%%EOF` and no end of
/// line, the second seal's update with `%%EOF` LF. One end of line more is an update Tweevoud
/// did not write; a file whose last `startxref` is not followed by its offset and `%%EOF` is
/// not read at all.
#[test]
fn fail_pdf_after_or_without_eof() {
    let complete = common::dpa_complete();
    let made = pdf::exemplars(&complete, &common::sealer(&complete)).unwrap();
    let one = &made[0].bytes;
    assert!(
        one.ends_with(b"\n%%EOF"),
        "the first revision ends with %%EOF"
    );
    assert!(pdf_problems(one).is_empty());
    let twice = pdf::add_seal(one, &common::test_key(1), None).unwrap();
    assert!(
        twice.ends_with(b"\n%%EOF\n"),
        "the update ends with %%EOF LF"
    );
    assert!(pdf_problems(&twice).is_empty());
    for tail in [&b"\n"[..], b"\r\n", b" ", b"\n\n"] {
        for base in [one, &twice] {
            let mut longer = base.clone();
            longer.extend_from_slice(tail);
            assert_eq!(pdf_problems(&longer), ["foreign_update"], "{tail:?}");
        }
    }
    // Cut before %%EOF: not read.
    let cut = &one[..one.len() - 5];
    assert!(matches!(
        pdf::embedded_agreement(cut),
        Err(pdf::PdfError::Malformed(_))
    ));
    let (verdict, codes) = judged(cut);
    assert_eq!(verdict, tweevoud::VerdictCode::NotTweevoud);
    assert_eq!(codes, ["pdf_without_agreement"]);
}

/// `/ByteRange` is `[0 a b c]` followed by spaces up to the placeholder's 36 bytes: the
/// padding stands after the `]`, before `/Contents` (docs/pdf.md, "In the PDF"), in both seals.
#[test]
fn byte_range_padding_follows_the_bracket() {
    let complete = common::dpa_complete();
    let made = pdf::exemplars(&complete, &common::sealer(&complete)).unwrap();
    let twice = pdf::add_seal(&made[0].bytes, &common::test_key(1), None).unwrap();
    let key = b"/ByteRange[";
    let mut seen = 0;
    for (at, _) in twice
        .windows(key.len())
        .enumerate()
        .filter(|(_, w)| *w == key)
    {
        let open = at + key.len() - 1;
        let field = &twice[open..open + 36];
        assert!(twice[open + 36..].starts_with(b"/Contents<"));
        let close = field.iter().position(|&b| b == b']').unwrap();
        assert!(
            field[close + 1..].iter().all(|&b| b == b' '),
            "spaces after ]"
        );
        let numbers = std::str::from_utf8(&field[1..close]).unwrap();
        let n: Vec<u64> = numbers.split(' ').map(|d| d.parse().unwrap()).collect();
        assert_eq!(n.len(), 4, "{numbers:?}: single spaces, no padding inside");
        assert_eq!(n[0], 0);
        seen += 1;
    }
    assert_eq!(seen, 2);
}

/// The second seal's `/M` is the first's, the time of the last signature: an update with any
/// other `/M` is not the one Tweevoud writes.
#[test]
fn fail_pdf_second_seal_with_another_time() {
    let complete = common::dpa_complete();
    let made = pdf::exemplars(&complete, &common::sealer(&complete)).unwrap();
    let twice = pdf::add_seal(&made[0].bytes, &common::test_key(1), None).unwrap();
    let m = b"/M(D:20261123150000+01'00')";
    let positions: Vec<usize> = twice
        .windows(m.len())
        .enumerate()
        .filter(|(_, w)| w == m)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        positions.len(),
        2,
        "both seals carry the last signature's time"
    );
    let mut other = twice.clone();
    let at = positions[1];
    other[at..at + m.len()].copy_from_slice(b"/M(D:20261124090000+01'00')");
    assert_eq!(pdf_problems(&other), ["foreign_update"]);
}

/// The attachment's name is compared byte for byte: a PDF whose only embedded file is
/// `….TWEEVOUD` carries no agreement file.
#[test]
fn fail_pdf_attachment_name_in_upper_case() {
    let (upper, count) = attachment_name_in_upper_case();
    assert!(count >= 2, "the name stands in the file specification");
    assert!(matches!(
        pdf::embedded_agreement(&upper),
        Err(pdf::PdfError::NoAgreement)
    ));
    let (verdict, codes) = judged(&upper);
    assert_eq!(verdict, tweevoud::VerdictCode::NotTweevoud);
    assert_eq!(codes, ["pdf_without_agreement"]);
}

/// The renderer 1 exemplar with every `.tweevoud` made `.TWEEVOUD`, and how many there were.
fn attachment_name_in_upper_case() -> (Vec<u8>, usize) {
    let mut upper = renderer_1_exemplar();
    let from = b".tweevoud";
    let mut count = 0;
    let mut i = 0;
    while let Some(at) = upper[i..].windows(from.len()).position(|w| w == from) {
        upper[i + at..i + at + from.len()].copy_from_slice(b".TWEEVOUD");
        i += at + from.len();
        count += 1;
    }
    (upper, count)
}

/// A PDF over the size limit is not looked at: `not_tweevoud`, as the same file refused
/// before it is read.
#[test]
fn fail_pdf_over_the_size_limit() {
    let mut big = b"%PDF-1.7\n".to_vec();
    big.resize(pdf::MAX_PDF_BYTES as usize + 1, b' ');
    assert_eq!(tweevoud::identify(&big), FileKind::Other);
    let (verdict, codes) = judged(&big);
    assert_eq!(verdict, tweevoud::VerdictCode::NotTweevoud);
    assert_eq!(codes, ["not_tweevoud"]);
}

// ---- a vector for every rule -------------------------------------------------------------

/// The documents whose tables give the codes of the rules.
const SPEC: [&str; 3] = ["docs/format.md", "docs/pdf.md", "docs/timestamps.md"];

/// The codes in the tables of the spec that no file can give, each with why and where it is
/// tested instead. Every other code of a table has a `fail_` vector named for it.
const NOT_FROM_A_FILE: &[(&str, &str)] = &[
    (
        "eid_ocsp_unknown",
        "the test PKI keeps no OCSP answer `unknown`; OcspAnswer::problem_at (src/eid/ocsp.rs) makes it this problem",
    ),
    (
        "eid_name_differs",
        "a note on a valid file, not a failure (src/judgement/eid.rs's tests)",
    ),
    (
        "eid_revocation_not_checked",
        "a note on a valid file, not a failure (dpa-complete-eid-no-ocsp.tweevoud)",
    ),
    (
        "cms_unreadable",
        "reported in other_signatures beside the verdict, not a problem of the file (tests/foreign_signature.rs, src/cms_check.rs)",
    ),
    (
        "cms_signature",
        "reported in other_signatures beside the verdict, not a problem of the file (tests/foreign_signature.rs, src/cms_check.rs)",
    ),
    (
        "cms_certificate",
        "reported in other_signatures beside the verdict, not a problem of the file (src/cms_check.rs)",
    ),
    (
        "stated_after_timestamp",
        "a note on a valid timestamped file, not a failure (tests/timestamped.rs)",
    ),
    (
        "timestamped_later",
        "a note on a valid timestamped file, not a failure (tests/timestamped.rs)",
    ),
    (
        "not_tweevoud",
        "a verdict (format.md, \"The verdict\"), not a problem of an agreement (tests/verdict.rs)",
    ),
    (
        "altered",
        "the verdict of every fail_ vector (every_fail_vector_exits_1_through_the_cli)",
    ),
    ("unsigned", "a verdict: a draft is valid (tests/verdict.rs)"),
    (
        "archive_mismatch",
        "a verdict against the profile's archive, not the file (tests/verdict.rs)",
    ),
    ("authentic", "a verdict of a valid file (tests/verdict.rs)"),
    (
        "complete_unconfirmed",
        "a verdict of a valid file (tests/verdict.rs)",
    ),
    (
        "awaiting_countersignature",
        "a verdict of a valid file (tests/verdict.rs)",
    ),
    (
        "awaiting_unconfirmed",
        "a verdict of a valid file (tests/verdict.rs)",
    ),
    (
        "checkpoint_missing",
        "the state of the profile's archive, not of a file (tests/archive_hostile.rs)",
    ),
    (
        "archive_linked",
        "the state of the profile's archive, not of a file (tests/archive_hostile.rs)",
    ),
    (
        "log_not_member",
        "the state of a team archive's log, not of a file (tests/team.rs, tests/team_cli.rs)",
    ),
    (
        "timestamp_anchor_unreadable",
        "the caller's anchor certificate, not a file verified (tests/timestamp.rs)",
    ),
    (
        "tsa_url",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_unreachable",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_timeout",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_http_status",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_reply_too_large",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_refused",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_bad_reply",
        "only asking a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
    (
        "tsa_randomness",
        "only the nonce of a request to a TSA, when signing, gives it (tests/timestamp.rs)",
    ),
];

/// Every code in a column headed `code` of a table of `doc` (Markdown), with its line.
fn codes_in_tables(doc: &str) -> Vec<(String, usize)> {
    let text = std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(doc))
        .unwrap_or_else(|e| panic!("{doc}: {e}"));
    let lines: Vec<&str> = text.lines().collect();
    let cells = |line: &str| -> Vec<String> {
        // `\|` stands inside a cell.
        let inner = line.trim().trim_start_matches('|').trim_end_matches('|');
        let mut out = vec![String::new()];
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            match c {
                '\\' if chars.peek() == Some(&'|') => {
                    out.last_mut().unwrap().push('|');
                    chars.next();
                }
                '|' => out.push(String::new()),
                c => out.last_mut().unwrap().push(c),
            }
        }
        out.iter().map(|c| c.trim().to_string()).collect()
    };
    let mut codes = Vec::new();
    let mut i = 0;
    while i + 1 < lines.len() {
        let rule = lines[i + 1].trim();
        let is_table = lines[i].starts_with('|')
            && rule.starts_with("|-")
            && rule.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '));
        if !is_table {
            i += 1;
            continue;
        }
        let column = cells(lines[i]).iter().position(|h| h == "code");
        i += 2;
        while i < lines.len() && lines[i].starts_with('|') {
            if let Some(k) = column {
                let row = cells(lines[i]);
                for code in row
                    .get(k)
                    .map(String::as_str)
                    .unwrap_or("")
                    .split('`')
                    .skip(1)
                    .step_by(2)
                {
                    codes.push((code.to_string(), i + 1));
                }
            }
            i += 1;
        }
    }
    codes
}

/// The code a vector's name says it fails with: `fail_<code>.<ext>` or
/// `fail_<code>-<what>.<ext>` (a code has no `-`, and `<what>` no `.`).
fn code_named(file: &str) -> Option<&str> {
    let rest = file.strip_prefix("fail_")?;
    let stem = &rest[..rest.find('.')?];
    let code = stem.split('-').next()?;
    (!code.is_empty()).then_some(code)
}

/// The rule of item 5 of issue #20: every code in a table of the spec has a `fail_` vector
/// whose name says it (a file of `tests/vectors/` or an exemplar PDF of [`pdf_fail_vectors`]),
/// or stands in [`NOT_FROM_A_FILE`] with why; every vector's name says a code it fails with
/// (and `every_fail_vector_fails_with_exactly_its_codes` and
/// `every_pdf_fail_vector_fails_with_exactly_its_codes` that it fails with exactly its codes).
#[test]
fn every_code_in_the_spec_has_a_vector_named_for_it() {
    let manifest = manifest();
    let mut named: std::collections::BTreeMap<String, Vec<String>> = Default::default();
    let mut wrong = Vec::new();
    for f in manifest["fail"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap();
        let codes: Vec<&str> = f["must_fail_with"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        match code_named(file) {
            Some(code) if codes.contains(&code) => named
                .entry(code.to_string())
                .or_default()
                .push(file.to_string()),
            _ => wrong.push(format!("{file}: its name says no code of {codes:?}")),
        }
    }
    for f in manifest["eid"]["fail"].as_array().unwrap() {
        let file = f["file"].as_str().unwrap();
        let codes: Vec<&str> = f["must_fail_with"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        match code_named(file) {
            Some(code) if codes.contains(&code) => named
                .entry(code.to_string())
                .or_default()
                .push(file.to_string()),
            _ => wrong.push(format!("{file}: its name says no code of {codes:?}")),
        }
    }
    for (file, _, _, codes) in pdf_fail_vectors() {
        match code_named(&file) {
            Some(code) if codes.contains(&code) => named
                .entry(code.to_string())
                .or_default()
                .push(file.clone()),
            _ => wrong.push(format!("{file}: its name says no code of {codes:?}")),
        }
    }
    // Every fail_ file in the folder is one of the manifest's.
    for entry in std::fs::read_dir(dir()).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("fail_") && !named.values().flatten().any(|f| *f == name) {
            wrong.push(format!(
                "{name}: not in vectors.json with a code its name says"
            ));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for doc in SPEC {
        for (code, line) in codes_in_tables(doc) {
            seen.insert(code.clone());
            let exempt = NOT_FROM_A_FILE.iter().any(|(c, _)| *c == code);
            match (named.contains_key(&code), exempt) {
                (false, false) => wrong.push(format!("{doc}:{line}: `{code}` has no fail_ vector")),
                (true, true) => wrong.push(format!(
                    "{doc}:{line}: `{code}` has a vector but is listed as not from a file"
                )),
                _ => {}
            }
        }
    }
    for (code, _) in NOT_FROM_A_FILE {
        if !seen.contains(*code) {
            wrong.push(format!(
                "`{code}` is listed as not from a file, but no table has it"
            ));
        }
    }
    assert!(seen.len() >= 60, "the tables were read: {seen:?}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ---- exemplar PDFs that fail, built in memory ---------------------------------------------

/// The hex of each seal's `/Contents` in `pdf`: (start, end) of the digits.
fn seal_places(pdf: &[u8]) -> Vec<(usize, usize)> {
    let key = b"/Contents<";
    let mut places = Vec::new();
    let mut from = 0;
    while let Some(at) = pdf[from..].windows(key.len()).position(|w| w == key) {
        let start = from + at + key.len();
        let end = start + pdf[start..].iter().position(|&b| b == b'>').unwrap();
        places.push((start, end));
        from = end;
    }
    places
}

/// `pdf` with its first seal's place holding `seal`'s first seal (the same room in every
/// PDF renderer 3 makes).
fn with_seal_of(pdf: &[u8], seal: &[u8]) -> Vec<u8> {
    let (s1, e1) = seal_places(pdf)[0];
    let (s2, e2) = seal_places(seal)[0];
    assert_eq!(e1 - s1, e2 - s2, "seals take the same room");
    let mut out = pdf.to_vec();
    out[s1..e1].copy_from_slice(&seal[s2..e2]);
    out
}

/// `pdf` with its first seal's hex replaced by `hex`, then zeros.
fn with_seal_hex(pdf: &[u8], hex: &[u8]) -> Vec<u8> {
    let (start, end) = seal_places(pdf)[0];
    let mut out = pdf.to_vec();
    out[start..end].fill(b'0');
    out[start..start + hex.len()].copy_from_slice(hex);
    out
}

/// `pdf` with the first occurrence of `from` in its first seal's hex made `to` (as long).
fn with_seal_hex_edited(pdf: &[u8], from: &[u8], to: &[u8]) -> Vec<u8> {
    let (start, end) = seal_places(pdf)[0];
    let at = pdf[start..end]
        .windows(from.len())
        .position(|w| w == from)
        .expect("the hex to edit")
        + start;
    let mut out = pdf.to_vec();
    out[at..at + to.len()].copy_from_slice(to);
    out
}

/// `pdf` with one hex digit in the middle of its qualified seal's RSA signature value changed:
/// the 256 bytes after the last sha256WithRSAEncryption (the SignerInfo's) and its OCTET
/// STRING header.
fn with_eid_signature_flipped(pdf: &[u8]) -> Vec<u8> {
    let (start, end) = seal_places(pdf)[0];
    let header = b"300d06092a864886f70d01010b05000482010";
    let at = pdf[start..end]
        .windows(header.len())
        .rposition(|w| w == header)
        .expect("the signature value")
        + start
        + header.len()
        + 1;
    let mut out = pdf.to_vec();
    let digit = &mut out[at + 256];
    *digit = if *digit == b'0' { b'1' } else { b'0' };
    out
}

/// The DPA signed for the provider by Tom Hendrix with test key `seed`, as `function`: the
/// to-sign PDF that key seals.
fn to_sign_by(seed: u8, function: &str) -> Vec<u8> {
    let mut a = Agreement::new(common::dpa(), Party::Provider, common::at(9));
    a.fill(
        Party::Provider,
        &common::set(&[("provider_signatory_function", function)]),
        common::at(9),
    )
    .unwrap();
    a.sign(
        &common::test_key(seed),
        Party::Provider,
        Some("Tom Hendrix"),
        Some(Party::Customer),
        common::at(10),
    )
    .unwrap();
    let sealer = pdf::Sealer::new(&a, &common::test_key(seed), None).unwrap();
    pdf::render(&a, Exemplar::ToSign, &sealer).unwrap()
}

/// `pdf` with one byte of its first seal's binding signature flipped: the 64 bytes that
/// follow the Ed25519 key of `seed` in the certificate's binding extension.
fn with_binding_flipped(pdf: &[u8], seed: u8) -> Vec<u8> {
    let (start, end) = seal_places(pdf)[0];
    let der = hex::decode(&pdf[start..end]).unwrap();
    let mut marker = vec![0x04, 0x20];
    marker.extend(common::test_key(seed).verifying_key().to_bytes());
    marker.extend([0x04, 0x40]);
    let at = der
        .windows(marker.len())
        .position(|w| w == marker)
        .expect("the binding extension");
    let byte = at + marker.len() + 10;
    let mut out = pdf.to_vec();
    let digit = start + 2 * byte;
    out[digit] = if out[digit] == b'0' { b'1' } else { b'0' };
    out
}

/// Every exemplar PDF vector: its name (`fail_<code>-<what>.pdf`, as the files), its bytes,
/// the verdict and the codes of every problem its judgement reports, sorted. Made from the
/// complete DPA's exemplar 1 (sealed by the customer), by an edit of its bytes; PDFs are
/// large and made in a second, so they are kept in memory, not as files.
fn pdf_fail_vectors() -> Vec<(String, Vec<u8>, &'static str, Vec<&'static str>)> {
    let complete = common::dpa_complete();
    let one = pdf::exemplars(&complete, &common::sealer(&complete)).unwrap()[0]
        .bytes
        .clone();
    let mut fails = Vec::new();
    let mut add = |name: &str, bytes: Vec<u8>, verdict, codes: &[&'static str]| {
        fails.push((format!("fail_{name}.pdf"), bytes, verdict, codes.to_vec()));
    };
    add(
        "visible_differs-renderer-1-producer",
        edited(
            &renderer_1_exemplar(),
            b"(Tweevoud exemplar renderer 1)",
            b"(Tweevoud exemplar renderer 7)",
        ),
        "altered",
        &["visible_differs"],
    );
    add(
        "renderer_version-4",
        edited(&one, b"/TweevoudRenderer(3)", b"/TweevoudRenderer(4)"),
        "altered",
        &["renderer_version"],
    );
    add(
        "exemplar_unlabelled",
        edited(&one, b"/TweevoudExemplar(1)", b"/TweevoudExemplat(1)"),
        "altered",
        &["exemplar_unlabelled"],
    );
    // The to-sign PDF of the provider's signature, said to be exemplar 1: an awaiting
    // agreement has no exemplars, and exemplar 1 is not what it shows.
    add(
        "label_mismatch-to-sign-as-exemplar-1",
        edited(
            &to_sign_by(1, "CEO"),
            b"/TweevoudExemplar(to-sign)",
            b"/TweevoudExemplar(1)      ",
        ),
        "altered",
        &["label_mismatch", "visible_differs"],
    );
    let mut after = one.clone();
    after.push(b'\n');
    add(
        "foreign_update-end-of-line-after-eof",
        after,
        "altered",
        &["foreign_update"],
    );
    // Updates another program appended that do more than add a signature (docs/pdf.md,
    // "Other tools' signatures").
    let content = common::pdf_update::content_object(&one);
    add(
        "foreign_update-content-stream-replaced",
        common::pdf_update::append_update(
            &one,
            &[(content, "<</Length 0>>stream\n\nendstream".to_string())],
        ),
        "altered",
        &["foreign_update"],
    );
    add(
        "foreign_update-visible-signature-widget",
        common::pdf_update::with_visible_signature_widget(&one),
        "altered",
        &["foreign_update"],
    );
    add(
        "seal_missing",
        with_seal_hex(&one, b""),
        "altered",
        &["seal_missing"],
    );
    add(
        "seal_unreadable-empty-sequence",
        with_seal_hex(&one, b"3000"),
        "altered",
        &["seal_unreadable"],
    );
    add(
        "seal_not_signer",
        with_seal_of(&one, &to_sign_by(3, "CEO")),
        "altered",
        &["seal_not_signer"],
    );
    // Tom's seal of a to-sign PDF where he signed as COO: not the certificate of his
    // statement here (CEO).
    add(
        "seal_certificate-other-function",
        with_seal_of(&one, &to_sign_by(1, "COO")),
        "altered",
        &["seal_certificate"],
    );
    add(
        "seal_binding-flipped",
        with_binding_flipped(&one, 2),
        "altered",
        &["seal_binding"],
    );
    // Tom's seal of the PDF to sign, which he sealed as he signed here: over other bytes.
    add(
        "seal_signature-of-another-pdf",
        with_seal_of(&one, &to_sign_by(1, "CEO")),
        "altered",
        &["seal_signature"],
    );
    // Qualified seals (docs/pdf.md, "The qualified seal"), made with the tests' eID cards
    // (their root trusted, as a test build may), in the place of exemplar 1's seal.
    common::bound::trust_test_root();
    let eid_sealed = |card: &dyn tweevoud::eid::Card, ocsp: Option<&str>| {
        let ocsp = ocsp.map(common::eid::eid_fixture);
        let sealer = pdf::Sealer::with_card(card, ocsp, None).unwrap();
        pdf::render(&complete, Exemplar::Copy(Party::Provider), &sealer).unwrap()
    };
    let tom = common::eid::SoftCard::rsa();
    let by_tom = eid_sealed(&tom, Some("ocsp-rsa-sign.der"));
    // Nobody bound a key in this agreement: Tom's card is no signer's.
    add(
        "eid_seal_not_signer",
        by_tom.clone(),
        "altered",
        &["eid_seal_not_signer"],
    );
    add(
        "eid_seal_signature-flipped",
        with_eid_signature_flipped(&by_tom),
        "altered",
        &["eid_seal_signature"],
    );
    // SignedData's digestAlgorithms (which no signature covers) say SHA-512.
    add(
        "eid_seal_unreadable-digest-algorithms",
        with_seal_hex_edited(
            &by_tom,
            b"300b0609608648016503040201",
            b"300b0609608648016503040203",
        ),
        "altered",
        &["eid_seal_unreadable"],
    );
    add(
        "eid_seal_chain-other-root",
        eid_sealed(&common::eid::SoftCard::other(), None),
        "altered",
        &["eid_seal_chain"],
    );
    add(
        "eid_seal_expired",
        eid_sealed(&common::eid::SoftCard::expired(), None),
        "altered",
        &["eid_seal_expired"],
    );
    add(
        "eid_seal_not_signature_certificate-authentication-key",
        eid_sealed(
            &common::eid::SoftCard::from_fixtures("rsa-auth", &["ca-rsa", "root"]),
            None,
        ),
        "altered",
        &["eid_seal_not_signature_certificate"],
    );
    add(
        "eid_seal_revoked",
        eid_sealed(
            &common::eid::SoftCard::revoked(),
            Some("ocsp-revoked-sign.der"),
        ),
        "altered",
        &["eid_seal_revoked"],
    );
    add(
        "eid_seal_ocsp-of-another-certificate",
        eid_sealed(&tom, Some("ocsp-ec-sign.der")),
        "altered",
        &["eid_seal_ocsp"],
    );
    add(
        "damaged_exemplar-attachment-not-json",
        {
            let mut doc = lopdf::Document::load_mem(&one).unwrap();
            for object in doc.objects.values_mut() {
                if let Ok(stream) = object.as_stream_mut() {
                    if stream.dict.get(b"Type").and_then(|t| t.as_name()).ok()
                        == Some(&b"EmbeddedFile"[..])
                    {
                        stream.set_plain_content(b"not an agreement".to_vec());
                    }
                }
            }
            let mut bytes = Vec::new();
            doc.save_to(&mut bytes).unwrap();
            bytes
        },
        "altered",
        &["damaged_exemplar"],
    );
    add(
        "pdf_without_agreement-name-in-upper-case",
        attachment_name_in_upper_case().0,
        "not_tweevoud",
        &["pdf_without_agreement"],
    );
    fails
}

/// Every exemplar PDF vector is judged with exactly its verdict and codes.
#[test]
fn every_pdf_fail_vector_fails_with_exactly_its_codes() {
    let mut wrong = Vec::new();
    for (name, bytes, verdict, codes) in pdf_fail_vectors() {
        let (found, mut problems) = judged(&bytes);
        problems.sort();
        problems.dedup();
        if found.as_str() != verdict || problems != codes {
            wrong.push(format!("{name}: {} {problems:?}", found.as_str()));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

// ---- eID bindings, judged -----------------------------------------------------------------

/// `tweevoud verify --json FILE`, trusting the tests' eID root when `test_root`.
fn verify_eid(name: &str, test_root: bool) -> (Option<i32>, Value, String) {
    let mut cmd = assert_cmd::Command::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
        .env_remove("TWEEVOUD_TEST_EID_ROOTS");
    if test_root {
        cmd.env("TWEEVOUD_TEST_EID_ROOTS", dir().join(EID_ROOT));
    }
    let json = cmd
        .args(["verify", "--json"])
        .arg(dir().join(name))
        .output()
        .unwrap();
    let mut cmd = assert_cmd::Command::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_DATA_DIR", dir().join("no-profile"))
        .env_remove("TWEEVOUD_TEST_EID_ROOTS");
    if test_root {
        cmd.env("TWEEVOUD_TEST_EID_ROOTS", dir().join(EID_ROOT));
    }
    let text = cmd.arg("verify").arg(dir().join(name)).output().unwrap();
    assert_eq!(json.status.code(), text.status.code(), "{name}");
    let words =
        String::from_utf8_lossy(&text.stdout).to_string() + &String::from_utf8_lossy(&text.stderr);
    (
        json.status.code(),
        common::verify_answer(&json.stdout),
        words,
    )
}

/// The holders' national register numbers, in every form a view might take.
const NUMBERS: [&str; 6] = [
    "85073003328",
    "85.07.30-033.28",
    "850730-033-28",
    "79021417214",
    "79.02.14-172.14",
    "790214-172-14",
];

/// With the tests' root trusted, both signers of the bound agreement are confirmed by their
/// eID, under their certificates' names, and the verdict is `authentic` with no contact
/// verified (the profile knows nobody); without it, nobody is confirmed and the bindings,
/// by a root this process does not trust, are refused.
#[test]
fn eid_vectors_confirm_their_signers_with_the_test_root_only() {
    let manifest = manifest();
    let valid = manifest["eid"]["valid"].as_array().unwrap();
    assert_eq!(valid.len(), 2);
    for f in valid {
        let name = f["file"].as_str().unwrap();
        // Valid on its own: the bindings are outside what verification checks.
        let a = Agreement::load(&dir().join(name)).unwrap();
        assert_eq!(verify(&a).status.as_str(), f["status"], "{name}");
        let (code, answer, words) = verify_eid(name, true);
        assert_eq!(code, Some(0), "{name}: {answer}");
        assert_eq!(answer["verdict"]["code"], "authentic", "{name}");
        let mut notes = Vec::new();
        for (s, want) in answer["signatures"]
            .as_array()
            .unwrap()
            .iter()
            .zip(f["confirmed"].as_array().unwrap())
        {
            let trust = &s["trust"];
            assert_eq!(s["role"], want["role"], "{name}");
            assert_eq!(trust["status"], "eid", "{name}: {trust}");
            assert_eq!(trust["confirmed"], true);
            assert_eq!(trust["name"], want["holder"]);
            assert_eq!(trust["eid"]["holder"], want["holder"]);
            assert_eq!(trust["eid"]["revocation"]["status"], want["revocation"]);
            assert_eq!(
                trust["description"]
                    .as_str()
                    .unwrap()
                    .split(" (")
                    .next()
                    .unwrap(),
                format!(
                    "confirmed by Belgian eID: {}",
                    want["holder"].as_str().unwrap()
                )
            );
            for n in trust["eid"]["notes"].as_array().unwrap() {
                notes.push(n["code"].clone());
            }
        }
        assert_eq!(Value::Array(notes), f["notes"], "{name}");
        assert!(
            words.contains("confirmed by Belgian eID: Tom Hendrix"),
            "{words}"
        );
        if name == EID_NO_OCSP {
            assert!(words.contains("revocation not checked"), "{words}");
        }
        let (code, answer, _) = verify_eid(name, false);
        assert_eq!(code, Some(1), "{name}: {answer}");
        for s in answer["signatures"].as_array().unwrap() {
            assert_ne!(s["trust"]["status"], "eid", "{name}");
            assert_eq!(s["trust"]["confirmed"], false, "{name}");
        }
        let (_, codes) = common::verdict_and_codes(&answer);
        assert_eq!(codes, ["eid_untrusted"], "{name}");
    }
}

/// Every eID fail vector exits 1 with exactly its codes when the tests' root is trusted, and
/// confirms nobody.
#[test]
fn every_eid_fail_vector_exits_1_with_its_codes() {
    let manifest = manifest();
    let fails = manifest["eid"]["fail"].as_array().unwrap();
    assert!(fails.len() >= 10);
    for f in fails {
        let name = f["file"].as_str().unwrap();
        let (code, answer, _) = verify_eid(name, true);
        assert_eq!(code, Some(1), "{name}: {answer}");
        let (verdict, codes) = common::verdict_and_codes(&answer);
        assert_eq!(verdict, "altered", "{name}");
        assert_eq!(json!(codes), f["must_fail_with"], "{name}: {answer}");
        for code in &codes {
            assert!(Reason::CODES.contains(&code.as_str()), "{code}");
        }
    }
}

/// The national register number is never shown, in the words or the JSON, whatever the
/// verdict.
#[test]
fn the_national_register_number_is_never_shown() {
    let manifest = manifest();
    let files = manifest["eid"]["valid"]
        .as_array()
        .unwrap()
        .iter()
        .chain(manifest["eid"]["fail"].as_array().unwrap());
    for f in files {
        let name = f["file"].as_str().unwrap();
        for root in [true, false] {
            let (_, answer, words) = verify_eid(name, root);
            let all = format!("{answer}{words}");
            for n in NUMBERS {
                assert!(!all.contains(n), "{name} shows {n}");
            }
        }
    }
}

/// A binding sits outside the record hash: the bound agreement's signatures and record
/// hashes are the unbound one's, so it verifies exactly as the agreement without them.
#[test]
fn eid_bindings_leave_every_signature_as_it_was() {
    let bound = Agreement::load(&dir().join(EID_COMPLETE)).unwrap();
    let plain = common::dpa_complete();
    assert!(bound
        .to_json()
        .contains("\"format\": \"tweevoud-agreement/2\""));
    for (b, p) in bound.signatures().iter().zip(plain.signatures()) {
        assert!(b.eid_binding.is_some());
        assert_eq!(b.signature, p.signature);
        assert_eq!(b.record_hash(), p.record_hash());
    }
    assert_eq!(bound.audit(), plain.audit());
}
