//! Signing, countersigning and the rules about who may fill what; every forbidden change
//! is refused when attempted and detected when done by hand in the file.

mod common;

use common::{at, dpa, dpa_complete, dpa_provider_signed, set, test_key};
use serde_json::Value;
use sha2::{Digest, Sha256};
use tweevoud::{verify, Agreement, AgreementError, ChangeError, Coded, Party, Status};

#[test]
fn provider_signs_leaving_the_customer_blanks_open() {
    let a = dpa_provider_signed();
    let v = verify(&a);
    assert_eq!(
        v.status,
        Status::AwaitingCountersignature,
        "{}",
        v.summary()
    );
    assert_eq!(v.awaiting, Some(Party::Customer));
    let st = &a.signatures()[0].statement;
    assert_eq!(st.signer.name, "Tom Hendrix");
    assert_eq!(st.signer.organisation, "Xtreme Internet Solutions BV");
    let open: Vec<&str> = st.open.iter().map(|o| o.blank.as_str()).collect();
    assert_eq!(
        open,
        [
            "customer_name",
            "customer_address",
            "customer_enterprise_number",
            "date",
            "customer_signatory_name",
            "customer_signatory_function"
        ]
    );
    assert!(st.open.iter().all(|o| o.party == Party::Customer));
}

#[test]
fn customer_countersigns_and_the_date_is_the_last_signature() {
    let a = dpa_complete();
    let v = verify(&a);
    assert_eq!(v.status, Status::Complete, "{}", v.summary());
    assert_eq!(a.value("date"), Some("2026-11-23"));
    assert_eq!(a.value("customer_enterprise_number"), Some("0403.170.701"));
    assert_eq!(v.signatures.len(), 2);
    assert!(v.signatures.iter().all(|s| s.valid));
    assert!(a
        .render_text()
        .contains("op 23 november 2026, in twee exemplaren"));
    // The file round-trips and still verifies.
    let b = Agreement::from_json(&a.to_json()).unwrap();
    assert_eq!(verify(&b).status, Status::Complete);
}

#[test]
fn both_parties_enterprise_numbers_read_alike() {
    // Signed now: the customer's number, typed in any form, is written as the DPA writes the
    // provider's, in the file, the text and so the PDF.
    let mut a = common::dpa_provider_signed();
    a.fill(
        Party::Customer,
        &common::set(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", "Kerkstraat 12\n3600 Genk"),
            ("customer_enterprise_number", "0403 170 701"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        at(14),
    )
    .unwrap();
    a.sign(
        &common::test_key(2),
        Party::Customer,
        Some("Anne-Marie D'Hondt"),
        None,
        at(15),
    )
    .unwrap();
    assert_eq!(
        a.value("customer_enterprise_number"),
        Some("BE0403.170.701")
    );
    let text = a.render_text();
    for number in ["BE0821.588.020", "BE0403.170.701"] {
        assert!(text.contains(&format!("onder nummer {number}")), "{number}");
    }
    assert_eq!(verify(&a).status, Status::Complete);
    // Made before: the file keeps the form it was signed in, and verifies as it did.
    let before = common::dpa_complete();
    assert_eq!(
        before.value("customer_enterprise_number"),
        Some("0403.170.701")
    );
    assert!(before.render_text().contains("onder nummer 0403.170.701"));
    let read = Agreement::from_json(&before.to_json()).unwrap();
    assert_eq!(read.to_json(), before.to_json());
    assert_eq!(verify(&read).status, Status::Complete);
}

#[test]
fn fail_signing_refusals() {
    // Leaving the customer's blanks empty needs an explicit --leave-open-for.
    let mut a = Agreement::new(dpa(), Party::Provider, at(9));
    let e = a
        .sign(&test_key(1), Party::Provider, None, None, at(10))
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::MustLeaveOpen {
                party: Party::Customer,
                ..
            })
        ),
        "{e}"
    );
    // The signer's own blanks first.
    a.clear(
        Party::Provider,
        &["provider_signatory_function".into()],
        at(9),
    )
    .unwrap();
    let e = a
        .sign(
            &test_key(1),
            Party::Provider,
            None,
            Some(Party::Customer),
            at(10),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::OwnBlanksMissing { .. })
        ),
        "{e}"
    );
    // The key's owner must be the signatory named.
    let mut a = Agreement::new(dpa(), Party::Provider, at(9));
    let e = a
        .sign(
            &test_key(1),
            Party::Provider,
            Some("Jan Peeters"),
            Some(Party::Customer),
            at(10),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::WrongSignatory { .. })
        ),
        "{e}"
    );
    assert!(a.signatures().is_empty(), "a refusal changes nothing");
    // Not the same role twice.
    let mut a = dpa_provider_signed();
    let e = a
        .sign(
            &test_key(3),
            Party::Provider,
            None,
            Some(Party::Customer),
            at(11),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::AlreadySigned(Party::Provider))
        ),
        "{e}"
    );
    // The customer cannot complete with its blanks empty.
    let e = a
        .sign(&test_key(2), Party::Customer, None, None, at(11))
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::OwnBlanksMissing { .. })
        ),
        "{e}"
    );
}

#[test]
fn fail_filling_refusals_after_a_signature() {
    let mut a = dpa_provider_signed();
    let before = a.to_json();
    // A signed value cannot change, not even by its own party.
    let e = a
        .fill(
            Party::Customer,
            &set(&[("provider_signatory_name", "Jan Peeters")]),
            at(12),
        )
        .unwrap_err();
    assert!(
        matches!(e, ChangeError::Agreement(AgreementError::Signed { .. })),
        "{e}"
    );
    assert_eq!(
        common::code_and(&e, "signer"),
        ("blank_signed", "Tom Hendrix".to_string()),
        "{e}"
    );
    // The provider signed: it cannot fill the customer's blanks any more.
    let e = a
        .fill(
            Party::Provider,
            &set(&[("customer_name", "Acme NV")]),
            at(12),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::AlreadySigned(Party::Provider))
        ),
        "{e}"
    );
    assert_eq!(a.to_json(), before, "refusals change nothing");
    // After the countersignature nothing changes.
    let mut c = dpa_complete();
    let e = c
        .fill(
            Party::Customer,
            &set(&[("customer_name", "Other NV")]),
            at(16),
        )
        .unwrap_err();
    assert!(
        matches!(
            e,
            ChangeError::Agreement(AgreementError::AlreadySigned(Party::Customer))
        ),
        "{e}"
    );
}

#[test]
fn provider_may_fill_customer_details_before_signing_and_they_are_locked() {
    let mut a = Agreement::new(dpa(), Party::Provider, at(9));
    a.fill(
        Party::Provider,
        &set(&[
            ("customer_name", "Acme NV"),
            ("customer_enterprise_number", "0403170701"),
        ]),
        at(9),
    )
    .unwrap();
    a.sign(
        &test_key(1),
        Party::Provider,
        None,
        Some(Party::Customer),
        at(10),
    )
    .unwrap();
    let open: Vec<String> = a.signatures()[0]
        .statement
        .open
        .iter()
        .map(|o| o.blank.clone())
        .collect();
    assert!(!open.contains(&"customer_name".to_string()));
    let e = a
        .fill(
            Party::Customer,
            &set(&[("customer_name", "Other NV")]),
            at(12),
        )
        .unwrap_err();
    assert!(
        matches!(e, ChangeError::Agreement(AgreementError::Signed { .. })),
        "{e}"
    );
}

// ---- Tampering by hand: edit the JSON, then verify. --------------------------------------

fn json(a: &Agreement) -> Value {
    serde_json::from_str(&a.to_json()).unwrap()
}

/// A problem as its code and parameters: `code name=value ...`, parameters in their order.
fn coded(p: &impl Coded) -> String {
    let mut out = p.code().to_string();
    for (name, value) in p.params() {
        out.push_str(&format!(" {name}={value}"));
    }
    out
}

/// Verifies edited JSON; returns every problem, coded (a load error counts as one).
fn reasons(v: &Value) -> (Status, Vec<String>) {
    match Agreement::from_json(&serde_json::to_string_pretty(v).unwrap()) {
        Err(e) => (Status::Invalid, vec![coded(&e)]),
        Ok(a) => {
            let r = verify(&a);
            let all = r
                .signatures
                .iter()
                .flat_map(|s| &s.problems)
                .chain(&r.problems)
                .map(coded)
                .collect();
            (r.status, all)
        }
    }
}

/// Whether `why` holds a problem with `code` that starts with these parameters.
fn has(why: &[String], problem: &str) -> bool {
    why.iter().any(|p| p.starts_with(problem))
}

fn value_mut<'a>(v: &'a mut Value, blank: &str) -> &'a mut Value {
    v["values"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|x| x["blank"] == blank)
        .unwrap()
}

#[test]
fn fail_changed_signed_value() {
    let mut v = json(&dpa_complete());
    value_mut(&mut v, "customer_name")["value"] = "Brouwerij De Witte Kat BV".into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(
        has(
            &why,
            "value_changed blank=customer_name signer=Anne-Marie D'Hondt"
        ),
        "{why:?}"
    );
}

#[test]
fn fail_changed_value_signed_by_the_first_party() {
    let mut v = json(&dpa_provider_signed());
    value_mut(&mut v, "provider_signatory_function")["value"] = "Zaakvoerder".into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(
        has(
            &why,
            "value_changed blank=provider_signatory_function signer=Tom Hendrix"
        ),
        "{why:?}"
    );
}

#[test]
fn fail_blank_filled_by_the_wrong_party_after_signing() {
    let mut v = json(&dpa_provider_signed());
    // customer_name comes first in the template's order.
    v["values"].as_array_mut().unwrap().insert(
        0,
        serde_json::json!({
            "blank": "customer_name", "value": "Acme NV", "filled_by": "provider"
        }),
    );
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(
        has(
            &why,
            "filled_after_signing blank=customer_name signer=Tom Hendrix party=provider"
        ),
        "{why:?}"
    );
}

/// Countersigning copies the file's values into the new statement; a value the provider
/// signed, said by hand to be filled by the customer, is refused before it could be signed
/// so (the verifier's `changed_signed_value` against the statement before it).
#[test]
fn fail_countersigning_a_signed_value_said_filled_by_another_party() {
    let a = common::dpa_customer_filled();
    let mut v = json(&a);
    value_mut(&mut v, "provider_signatory_function")["filled_by"] = "customer".into();
    let mut edited = Agreement::from_json(&v.to_string()).unwrap();
    let before = edited.to_json();
    let e = edited
        .sign(
            &test_key(2),
            Party::Customer,
            Some("Anne-Marie D'Hondt"),
            None,
            at(15),
        )
        .unwrap_err();
    assert_eq!(
        common::code_and(&e, "reason"),
        ("not_intact", "filler_changed".to_string()),
        "{e}"
    );
    assert_eq!(edited.to_json(), before, "a refusal changes nothing");
}

#[test]
fn customer_values_not_yet_signed_keep_the_agreement_awaiting() {
    let mut a = dpa_provider_signed();
    a.fill(
        Party::Customer,
        &set(&[("customer_name", "Acme NV")]),
        at(12),
    )
    .unwrap();
    let r = verify(&a);
    assert_eq!(
        r.status,
        Status::AwaitingCountersignature,
        "{}",
        r.summary()
    );
    assert_eq!(r.unsigned_values, ["customer_name"]);
}

#[test]
fn fail_swapped_template() {
    let mut v = json(&dpa_complete());
    let text = v["template"]["text"]
        .as_str()
        .unwrap()
        .replace("Hasselt", "Antwerpen");
    v["template"]["sha256"] = hex::encode(Sha256::digest(text.as_bytes())).into();
    v["template"]["text"] = text.into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "template_swapped"), "{why:?}");
    // Changing the text without the hash is caught on reading.
    let mut v = json(&dpa_complete());
    let text = v["template"]["text"]
        .as_str()
        .unwrap()
        .replace("Hasselt", "Antwerpen");
    v["template"]["text"] = text.into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "template_hash_mismatch"), "{why:?}");
}

#[test]
fn fail_reordered_signatures() {
    let mut v = json(&dpa_complete());
    v["signatures"].as_array_mut().unwrap().swap(0, 1);
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "signature_count"), "{why:?}");
}

#[test]
fn fail_removed_signature() {
    for which in [0, 1] {
        let mut v = json(&dpa_complete());
        v["signatures"].as_array_mut().unwrap().remove(which);
        let (status, why) = reasons(&v);
        assert_eq!(status, Status::Invalid, "removing signature {which}");
        assert!(
            has(&why, "audit_signature_count recorded=2 held=1"),
            "{which}: {why:?}"
        );
    }
}

#[test]
fn fail_same_role_twice() {
    let mut v = json(&dpa_complete());
    let first = v["signatures"][0].clone();
    v["signatures"].as_array_mut().unwrap().push(first);
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "signed_twice party=provider"), "{why:?}");
}

#[test]
fn fail_altered_statement_or_signature() {
    let mut v = json(&dpa_complete());
    v["signatures"][0]["statement"]["signer"]["function"] = "Zaakvoerder".into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "signature_mismatch"), "{why:?}");

    let mut v = json(&dpa_complete());
    let sig = v["signatures"][1]["signature"]
        .as_str()
        .unwrap()
        .to_string();
    let flipped = format!(
        "{}{}",
        if sig.starts_with('A') { "B" } else { "A" },
        &sig[1..]
    );
    v["signatures"][1]["signature"] = flipped.into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "signature_mismatch"), "{why:?}");

    // Someone else's key put in place of the signer's.
    let mut v = json(&dpa_complete());
    v["signatures"][0]["statement"]["public_key"] =
        tweevoud::signature::encode_public_key(&test_key(9).verifying_key().to_bytes()).into();
    let (status, _) = reasons(&v);
    assert_eq!(status, Status::Invalid);
}

#[test]
fn fail_altered_audit_trail() {
    let mut v = json(&dpa_complete());
    v["audit"][1]["time"] = "2026-11-22T10:00:00+01:00".into();
    let (status, why) = reasons(&v);
    assert_eq!(status, Status::Invalid);
    assert!(has(&why, "audit_altered entry=1"), "{why:?}");
}

/// A record's hash is put together from its statement's canonical JSON (to canonicalize the
/// statement once per signature): it must be the hash of the whole record canonicalized, for
/// any signature string and any statement, as another implementation computes it.
#[test]
fn record_hash_is_the_hash_of_the_canonical_record() {
    use tweevoud::canonical::tagged_hash;
    use tweevoud::signature::RECORD_TAG;
    let complete = dpa_complete();
    let mut records = complete.signatures().to_vec();
    for (i, odd) in [
        "",
        "\"quoted\" \\ back",
        "tab\tnew\nline\u{1}\u{1f}\u{7f}",
        "é ü € \u{2028} 😀",
    ]
    .iter()
    .enumerate()
    {
        let mut r = complete.signatures()[i % 2].clone();
        r.signature = odd.to_string();
        r.statement.signer.name = format!("{odd} {}", r.statement.signer.name);
        records.push(r);
    }
    for r in &records {
        let whole = hex::encode(tagged_hash(RECORD_TAG, r));
        assert_eq!(r.record_hash(), whole, "{:?}", r.signature);
        let (verified, hash) = r.verify_and_hash();
        assert_eq!(hash, whole);
        assert_eq!(verified, r.verify());
    }
    // The two genuine ones verify; the altered ones do not.
    assert!(records[..2].iter().all(|r| r.verify().is_ok()));
    assert!(records[2..].iter().all(|r| r.verify().is_err()));
}

/// Signing writes only times verification accepts: not before the last signature (as
/// instants: the same moment in another offset is not before), and not outside the years
/// 0001–9999 (docs/format.md, "The rules of signing").
#[test]
fn fail_signing_before_the_last_signature_or_out_of_range() {
    use chrono::{DateTime, FixedOffset};
    let time = |s: &str| DateTime::<FixedOffset>::parse_from_rfc3339(s).unwrap();
    let mut a = common::dpa_provider_signed();
    let provider = a.signatures()[0].statement.time.clone();
    assert_eq!(provider, "2026-11-23T10:00:00+01:00");
    a.fill(
        Party::Customer,
        &common::set(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", "Kerkstraat 12\n3600 Genk"),
            ("customer_enterprise_number", "0403.170.701"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        common::at(14),
    )
    .unwrap();
    let sign = |a: &mut tweevoud::Agreement, at: &str| {
        a.sign(
            &common::test_key(2),
            Party::Customer,
            Some("Anne-Marie D'Hondt"),
            None,
            time(at),
        )
        .map(|_| ())
    };
    let e = sign(&mut a.clone(), "2026-11-23T09:59:59+01:00").unwrap_err();
    assert_eq!(e.code(), "before_previous_signature");
    let year_10000 = chrono::NaiveDate::from_ymd_opt(10000, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
        .and_utc()
        .fixed_offset();
    let e = a
        .clone()
        .sign(
            &common::test_key(2),
            Party::Customer,
            Some("Anne-Marie D'Hondt"),
            None,
            year_10000,
        )
        .unwrap_err();
    assert_eq!(e.code(), "bad_time");
    let e = a
        .clone()
        .fill(
            Party::Customer,
            &common::set(&[("customer_name", "Acme NV")]),
            year_10000,
        )
        .unwrap_err();
    assert_eq!(e.code(), "bad_time");
    // The same instant as the provider's, in UTC: accepted, and it verifies.
    sign(&mut a, "2026-11-23T09:00:00+00:00").unwrap();
    assert_eq!(tweevoud::verify(&a).status, tweevoud::Status::Complete);
}
