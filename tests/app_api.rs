//! The core answers the desktop app asks instead of keeping copies of core rules: which
//! blanks a party may change, what signing would sign, which side a profile is on, an
//! archived exemplar's bytes, and what a file is. Each with its refusals.

mod common;

use common::{at, dpa, dpa_complete, dpa_provider_signed, set, test_key};
use tweevoud::agreement::AgreementError;
use tweevoud::key::Fingerprint;
use tweevoud::pdf::{self, Exemplar};
use tweevoud::{
    identify, Agreement, Archive, ArchiveError, ChangeError, FileKind, Party, Template,
};

fn fingerprint(seed: u8) -> Fingerprint {
    Fingerprint::of_raw_public_key(test_key(seed).verifying_key().as_bytes())
}

#[test]
fn before_anyone_signs_every_blank_may_change() {
    let a = Agreement::new(dpa(), Party::Provider, at(9));
    let all: Vec<String> = a.template().blanks().iter().map(|b| b.id.clone()).collect();
    assert_eq!(a.editable(Party::Provider), all);
    assert_eq!(a.editable(Party::Customer), all);
    assert!(a.may_change(Party::Customer, "date").is_ok());
}

#[test]
fn after_the_provider_signs_only_the_blanks_left_open_for_the_customer() {
    let a = dpa_provider_signed();
    let open = a.signatures()[0].statement.open.clone();
    let for_customer: Vec<String> = open
        .iter()
        .filter(|o| o.party == Party::Customer)
        .map(|o| o.blank.clone())
        .collect();
    assert!(!for_customer.is_empty());
    assert_eq!(a.editable(Party::Customer), for_customer);
    assert!(a.may_change(Party::Customer, "customer_name").is_ok());
    // Everything `editable` offers, `fill` takes.
    let mut filled = a.clone();
    filled
        .fill(
            Party::Customer,
            &set(&[("customer_name", "Brouwerij De Zwarte Kat BV")]),
            at(12),
        )
        .unwrap();
}

#[test]
fn fail_may_change_names_the_rule_that_holds_a_blank_back() {
    let a = dpa_provider_signed();
    assert!(a.editable(Party::Provider).is_empty());
    assert!(matches!(
        a.may_change(Party::Provider, "customer_name"),
        Err(AgreementError::AlreadySigned(Party::Provider))
    ));
    let signed = a.signatures()[0].statement.values[0].blank.clone();
    assert!(matches!(
        a.may_change(Party::Customer, &signed),
        Err(AgreementError::Signed { .. })
    ));
    assert!(matches!(
        a.may_change(Party::Customer, "no_such_blank"),
        Err(AgreementError::UnknownBlank { .. })
    ));
    let done = dpa_complete();
    assert!(done.editable(Party::Customer).is_empty());
    assert!(done.editable(Party::Provider).is_empty());
}

/// The DPA with one more blank: an optional note of the provider, in the signature block.
fn dpa_with_provider_note() -> Agreement {
    let text = dpa()
        .canonical_text()
        .replacen(
            "[[blanks]]\nid = \"provider_signatory_name\"",
            "[[blanks]]\nid = \"provider_note\"\nkind = \"text\"\nparty = \"provider\"\nrequired = false\nlabel = { nl = \"Opmerking XIS\", fr = \"Remarque XIS\", en = \"XIS note\" }\n\n[[blanks]]\nid = \"provider_signatory_name\"",
            1,
        )
        .replacen(
            "| Functie: {{provider_signatory_function}}",
            "| Functie: {{provider_signatory_function}}\n| Opmerking: {{provider_note}}",
            1,
        );
    let template = Template::parse(&text).expect("the DPA with a note parses");
    assert!(template.blank("provider_note").is_some());
    Agreement::new(template, Party::Provider, at(9))
}

#[test]
fn fail_a_blank_the_signer_left_empty_for_itself_is_open_to_nobody() {
    let mut a = dpa_with_provider_note();
    a.sign(
        &test_key(1),
        Party::Provider,
        Some("Tom Hendrix"),
        Some(Party::Customer),
        at(10),
    )
    .unwrap();
    assert!(matches!(
        a.may_change(Party::Customer, "provider_note"),
        Err(AgreementError::NotOpen {
            party: Party::Customer,
            ..
        })
    ));
    assert!(!a
        .editable(Party::Customer)
        .contains(&"provider_note".to_string()));
    assert!(a
        .editable(Party::Customer)
        .contains(&"customer_name".to_string()));
}

#[test]
fn the_signing_preview_is_what_sign_then_signs() {
    let mut a = Agreement::new(dpa(), Party::Provider, at(9));
    let preview = a
        .signing_preview(Party::Provider, Some(Party::Customer), at(10))
        .unwrap();
    assert!(preview.own_missing.is_empty(), "{:?}", preview.own_missing);
    assert_eq!(preview.name.as_deref(), Some("Tom Hendrix"));
    assert!(preview.open.iter().all(|o| o.party == Party::Customer));
    assert!(!preview.open.is_empty());
    let record = a
        .sign(
            &test_key(1),
            Party::Provider,
            Some("Tom Hendrix"),
            Some(Party::Customer),
            at(10),
        )
        .unwrap()
        .clone();
    let st = &record.statement;
    assert_eq!(preview.text_sha256, st.text_sha256);
    assert_eq!(preview.values, st.values);
    assert_eq!(preview.open, st.open);
    assert_eq!(preview.time, st.time);
    assert_eq!(Some(&st.signer.name), preview.name.as_ref());
    for blank in &preview.automatic {
        assert!(st.values.iter().any(|v| &v.blank == blank), "{blank}");
    }
}

#[test]
fn the_preview_says_which_key_owner_may_sign() {
    let a = Agreement::new(dpa(), Party::Provider, at(9));
    let p = a
        .signing_preview(Party::Provider, Some(Party::Customer), at(10))
        .unwrap();
    assert!(p.names_signatory("Tom Hendrix"));
    assert!(p.names_signatory("  tom   HENDRIX "));
    assert!(!p.names_signatory("Tom Hendricks"));
    assert!(!p.names_signatory(""));
    // Accented names match whatever their composition and case, as `sign` accepts them.
    let mut b = dpa_provider_signed();
    b.fill(
        Party::Customer,
        &set(&[("customer_signatory_name", "Émilie Dubois")]),
        at(12),
    )
    .unwrap();
    let p = b.signing_preview(Party::Customer, None, at(13)).unwrap();
    assert!(p.names_signatory("e\u{301}milie dubois"));
    assert!(!p.names_signatory("Emilie Dubois"));
    // Nobody is named yet: no key owner fits.
    let p = dpa_provider_signed()
        .signing_preview(Party::Customer, None, at(13))
        .unwrap();
    assert!(!p.names_signatory("Anne-Marie D'Hondt"));
}

#[test]
fn fail_the_signing_preview_refuses_what_signing_refuses() {
    let a = dpa_provider_signed();
    assert!(matches!(
        a.signing_preview(Party::Provider, None, at(11)),
        Err(ChangeError::Agreement(AgreementError::AlreadySigned(
            Party::Provider
        )))
    ));
    assert!(matches!(
        a.signing_preview(Party::Customer, Some(Party::Provider), at(11)),
        Err(ChangeError::Agreement(AgreementError::CannotLeaveOpen))
    ));
    // Own blanks still empty are listed, not refused: the app shows them.
    let preview = a.signing_preview(Party::Customer, None, at(11)).unwrap();
    assert!(preview.own_missing.contains(&"customer_name".to_string()));
    assert!(preview.name.is_none());
    // A broken agreement gives no preview.
    let mut json: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    json["signatures"][0]["statement"]["signer"]["function"] = "Stagiair".into();
    let broken = Agreement::from_json(&json.to_string()).unwrap();
    assert!(matches!(
        broken.signing_preview(Party::Customer, None, at(11)),
        Err(ChangeError::NotIntact(_))
    ));
}

#[test]
fn the_side_a_profile_acts_for_follows_its_own_signatures() {
    let fresh = Agreement::new(dpa(), Party::Provider, at(9));
    assert_eq!(fresh.acting_party(&[]), Some(Party::Provider));
    let sent = dpa_provider_signed();
    // The customer's profile (another key) fills in next; the provider's waits.
    assert_eq!(sent.acting_party(&[fingerprint(2)]), Some(Party::Customer));
    assert_eq!(sent.acting_party(&[]), Some(Party::Customer));
    assert_eq!(sent.acting_party(&[fingerprint(2), fingerprint(1)]), None);
    assert_eq!(dpa_complete().acting_party(&[fingerprint(2)]), None);
}

#[test]
fn an_archived_exemplar_is_returned_as_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let done = dpa_complete();
    // Archived by the customer, whose key signed last: the exemplars it stores are sealed by
    // it, as it exports them. Archived with no key that signed, none are stored.
    let key = common::test_key(2);
    let added = ar
        .add(done.to_json().as_bytes(), at(16), Some(&key))
        .unwrap();
    let made = pdf::exemplars(&done, &common::sealer(&done)).unwrap();
    for n in [1u32, 2] {
        let e = ar.exemplar(&added.id[..12], n).unwrap();
        assert_eq!(e.number, n);
        let expected = made
            .iter()
            .find(|p| p.exemplar == Exemplar::from_id(&n.to_string()).unwrap())
            .unwrap();
        assert_eq!(e.bytes, expected.bytes, "exemplar {n}");
        // Named by the archive, whatever name it was stored under: the customer, the id's
        // start and the number.
        assert_eq!(
            e.file_name,
            format!("Brouwerij-De-Zwarte-Kat-BV-{}-{n}.pdf", &added.id[..12])
        );
    }
}

#[test]
fn fail_archived_exemplar_refusals() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ar = Archive::open(tmp.path()).unwrap();
    let sent = ar
        .add(
            dpa_provider_signed().to_json().as_bytes(),
            at(11),
            Some(&common::test_key(1)),
        )
        .unwrap();
    assert!(matches!(
        ar.exemplar(&sent.id, 1),
        Err(ArchiveError::NoExemplar { number: 1, .. })
    ));
    assert!(matches!(
        ar.exemplar(&"0".repeat(64), 1),
        Err(ArchiveError::NotFound(_))
    ));
    assert!(matches!(ar.exemplar("xyz", 1), Err(ArchiveError::BadId(_))));
    let unsealed = tempfile::tempdir().unwrap();
    let mut other = Archive::open(unsealed.path()).unwrap();
    // Archived with a key that signed neither side: no exemplars are stored.
    let kept = other
        .add(
            dpa_complete().to_json().as_bytes(),
            at(16),
            Some(&common::test_key(9)),
        )
        .unwrap();
    assert!(matches!(
        other.exemplar(&kept.id, 1),
        Err(ArchiveError::NoExemplar { number: 1, .. })
    ));
    let key = common::test_key(2);
    let done = ar
        .add(dpa_complete().to_json().as_bytes(), at(16), Some(&key))
        .unwrap();
    assert!(matches!(
        ar.exemplar(&done.id, 3),
        Err(ArchiveError::NoExemplar { number: 3, .. })
    ));
    // A stored exemplar whose bytes were changed is refused, not handed out.
    let e = ar.exemplar(&done.id, 2).unwrap();
    let object = walk(tmp.path())
        .into_iter()
        .find(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains(&e.sha256))
        })
        .expect("the object file");
    let mut bytes = std::fs::read(&object).unwrap();
    let last = bytes.len() - 10;
    bytes[last] ^= 1;
    std::fs::write(&object, bytes).unwrap();
    assert!(matches!(
        ar.exemplar(&done.id, 2),
        Err(ArchiveError::BadObject { .. })
    ));
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn what_a_file_is() {
    let done = dpa_complete();
    assert_eq!(identify(done.to_json().as_bytes()), FileKind::AgreementFile);
    let pdf = &pdf::exemplars(&done, &common::sealer(&done)).unwrap()[0].bytes;
    assert_eq!(identify(pdf), FileKind::Exemplar);
    assert_eq!(identify(b"%PDF-1.4\n%%EOF\n"), FileKind::OtherPdf);
    assert_eq!(identify(b"{\"hello\": 1}"), FileKind::Other);
}

/// The exemplars an archived agreement offers are the ones `export` makes of it.
#[test]
fn the_exemplars_of_a_verdict_are_the_ones_export_makes() {
    use tweevoud::verify::{verify, Status};
    for a in [dpa_provider_signed(), dpa_complete()] {
        let status = verify(&a).status;
        let made: Vec<Exemplar> = pdf::exemplars(&a, &common::sealer(&a))
            .unwrap()
            .into_iter()
            .map(|e| e.exemplar)
            .collect();
        assert_eq!(Exemplar::for_status(status), made, "{status:?}");
    }
    assert_eq!(
        Exemplar::for_status(Status::AwaitingCountersignature).len(),
        1
    );
    assert_eq!(Exemplar::for_status(Status::Complete).len(), 2);
    assert!(Exemplar::for_status(Status::Unsigned).is_empty());
    assert!(Exemplar::for_status(Status::Invalid).is_empty());
}
