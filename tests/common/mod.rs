//! Helpers shared by the integration tests.
#![allow(dead_code)]
// `feature = "cli"` is the core's: the app's tests, which include this file, have no such feature.
#![allow(unexpected_cfgs)]

// The eID's helpers sign with RSA and P-384 keys, whose crates only the core's tests have: the
// app's tests include this file too (src-tauri/tests/verdict.rs), and the `cli` feature is
// the core's alone.
#[cfg(feature = "cli")]
pub mod bound;
#[cfg(feature = "cli")]
pub mod cheap_kdf;
#[cfg(feature = "cli")]
pub mod eid;
pub mod limited;
pub mod ocsp;
pub mod pdf_update;
pub mod token;
pub mod tsa;

use std::path::PathBuf;

use chrono::{DateTime, FixedOffset};
use tweevoud::pdf::Exemplar;
use tweevoud::{Agreement, Party, Template, VerdictCode};

/// Stands for a run of dot leaders in the seed.
pub const DOT_LEADER: &str = "<dots>";

/// The seed agreement, the reference text of the fidelity test: a copy in `tests/fixtures/`,
/// so that a clone of the repository with nothing beside it passes its tests.
pub fn seed_path() -> PathBuf {
    fixture("verwerkersovereenkomst-smstools.txt")
}

/// A test fixture file.
pub fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// A fixed time for reproducible agreements.
pub fn fixed_now() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2026-11-23T10:00:00+01:00").unwrap()
}

/// The built-in DPA.
pub fn dpa() -> Template {
    Template::resolve("xis-verwerkersovereenkomst").expect("the DPA is built in")
}

/// `a`, just filled in (its last audit entry the fill), with its enterprise numbers in the form
/// Tweevoud stored them in before they took the `BE` form (`0403.170.701`), and the fill's
/// audit entry taken again over the text as it then read: the agreements the test vectors
/// hold were made so, and are rebuilt so, byte for byte (older files keep their form; a value
/// typed in now gets the `BE` form).
pub fn stored_before_be(a: Agreement) -> Agreement {
    use tweevoud::agreement::{audit_hash, AuditEntry, AuditEvent};
    let mut v: serde_json::Value = serde_json::from_str(&a.to_json()).unwrap();
    for value in v["values"].as_array_mut().unwrap() {
        let number = value["blank"]
            .as_str()
            .unwrap()
            .ends_with("enterprise_number");
        let earlier = value["value"]
            .as_str()
            .and_then(|s| s.strip_prefix("BE"))
            .map(str::to_string);
        if let (true, Some(earlier)) = (number, earlier) {
            value["value"] = earlier.into();
        }
    }
    let text = Agreement::from_json(&v.to_string()).unwrap().text_sha256();
    let last = v["audit"].as_array().unwrap().len() - 1;
    let mut e: AuditEntry = serde_json::from_value(v["audit"][last].clone()).unwrap();
    assert_eq!(e.event, AuditEvent::Filled, "the last entry is the fill");
    e.text_sha256 = text;
    e.hash = audit_hash(&e);
    v["audit"][last] = serde_json::to_value(&e).unwrap();
    Agreement::from_json(&v.to_string()).unwrap()
}

/// The DPA with every blank filled.
pub fn dpa_filled() -> Agreement {
    let mut a = Agreement::new(dpa(), Party::Provider, fixed_now());
    let set = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    };
    a.fill(
        Party::Customer,
        &set(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", "Kerkstraat 12\n3600 Genk"),
            ("customer_enterprise_number", "BE 0403.170.701"),
            ("date", "23-11-2026"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        fixed_now(),
    )
    .expect("valid values");
    stored_before_be(a)
}

/// Splits text into comparable tokens: runs of letters and digits, and single punctuation
/// marks; white space is dropped, and each run of dot leaders becomes [`DOT_LEADER`].
pub fn tokens(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c == '…' || (c == '.' && chars.get(i + 1) == Some(&'…')) {
            // Dot leaders: ellipses, with stray full stops mixed in.
            while i < chars.len() && (chars[i] == '…' || chars[i] == '.') {
                i += 1;
            }
            out.push(DOT_LEADER.to_string());
        } else if c.is_alphanumeric() {
            let start = i;
            while i < chars.len() && chars[i].is_alphanumeric() {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
        } else {
            out.push(c.to_string());
            i += 1;
        }
    }
    out
}

/// A fixed-seed Ed25519 key (test only): seed = 32 times `byte`.
pub fn test_key(byte: u8) -> ed25519_dalek::SigningKey {
    ed25519_dalek::SigningKey::from_bytes(&[byte; 32])
}

/// A time on the day of the tests, at `hour`.
pub fn at(hour: u32) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(&format!("2026-11-23T{hour:02}:00:00+01:00")).unwrap()
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The DPA signed by the provider (key seed 1), customer blanks left open.
pub fn dpa_provider_signed() -> Agreement {
    dpa_provider_signed_by(&test_key(1))
}

/// The DPA signed by the provider with `key`, customer blanks left open.
pub fn dpa_provider_signed_by(key: &dyn tweevoud::Signer) -> Agreement {
    let mut a = Agreement::new(dpa(), Party::Provider, at(9));
    a.sign(
        key,
        Party::Provider,
        Some("Tom Hendrix"),
        Some(Party::Customer),
        at(10),
    )
    .expect("the provider signs");
    a
}

/// The DPA signed by the provider, with the customer's blanks filled in (not yet signed).
pub fn dpa_customer_filled() -> Agreement {
    customer_fills(dpa_provider_signed())
}

/// `a` with the customer's blanks filled in.
fn customer_fills(mut a: Agreement) -> Agreement {
    a.fill(
        Party::Customer,
        &pairs(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", "Kerkstraat 12\n3600 Genk"),
            ("customer_enterprise_number", "BE 0403.170.701"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        at(14),
    )
    .expect("the customer fills its blanks");
    stored_before_be(a)
}

/// The DPA signed by both parties (provider seed 1, customer seed 2).
pub fn dpa_complete() -> Agreement {
    dpa_complete_by(&test_key(1), &test_key(2))
}

/// The DPA signed by both parties, the provider (Tom Hendrix) with `provider`, the customer
/// (Anne-Marie D'Hondt) with `customer`.
pub fn dpa_complete_by(
    provider: &dyn tweevoud::Signer,
    customer: &dyn tweevoud::Signer,
) -> Agreement {
    let mut a = customer_fills(dpa_provider_signed_by(provider));
    a.sign(
        customer,
        Party::Customer,
        Some("Anne-Marie D'Hondt"),
        None,
        at(15),
    )
    .expect("the customer countersigns");
    a
}

/// Owned `(blank, value)` pairs.
pub fn set(p: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs(p)
}

/// `original` (an exemplar PDF) with an incremental update appended, as another program would
/// write it: its first page object replaced by an empty page. The agreement file inside is
/// untouched; what a PDF viewer shows is not the agreement any more.
pub fn with_page_1_replaced(original: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(original);
    let page = text
        .find("/Type/Page/")
        .and_then(|at| text[..at].rfind(" 0 obj"))
        .map(|at| {
            let line = text[..at].rfind('\n').unwrap() + 1;
            text[line..at].parse::<u32>().unwrap()
        })
        .expect("a page object");
    let prev = text.rfind("startxref\n").unwrap() + "startxref\n".len();
    let prev: usize = text[prev..].lines().next().unwrap().parse().unwrap();
    let mut updated = original.to_vec();
    let at = updated.len();
    updated.extend(
        format!("{page} 0 obj\n<</Type/Page/Parent 1 0 R/MediaBox[0 0 595 842]>>\nendobj\n")
            .as_bytes(),
    );
    let xref = updated.len();
    updated.extend(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{page} 1\n{at:010} 00000 n \ntrailer\n<</Size 30/Root 26 0 R/Prev {prev}>>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    updated
}

/// Every kind of file a user can hand Tweevoud, with the verdict and first reason expected
/// from a profile that knows none of the signers: the table of the verdict tests of the core
/// and the CLI (tests/verdict.rs) and of the app (src-tauri/tests/verdict.rs).
pub fn verdict_cases() -> Vec<(&'static str, Vec<u8>, VerdictCode, Option<&'static str>)> {
    let complete = dpa_complete();
    let awaiting = dpa_provider_signed();
    let exemplar = render(&complete, Exemplar::Copy(Party::Provider)).unwrap();
    let to_sign = render(&awaiting, Exemplar::ToSign).unwrap();
    let mut altered_value = complete.to_json();
    altered_value =
        altered_value.replace("Brouwerij De Zwarte Kat BV", "Brouwerij De Witte Kat BV");
    let mut label_swapped = exemplar.clone();
    label_swapped.extend_from_slice(b"\n% a comment another program added\n");
    // The seal: a digit of its signature value changed, or the whole seal zeroed.
    let contents = exemplar
        .windows(10)
        .position(|w| w == b"/Contents<")
        .expect("a sealed exemplar")
        + 10;
    let end = contents
        + exemplar[contents..]
            .iter()
            .position(|b| *b == b'>')
            .unwrap();
    let digits = exemplar[contents..end]
        .iter()
        .rposition(|b| *b != b'0')
        .unwrap();
    let mut seal_changed = exemplar.clone();
    // A digit near the end of the seal: inside its ECDSA signature value.
    let at = contents + digits - 20;
    seal_changed[at] = if seal_changed[at] == b'1' { b'2' } else { b'1' };
    let mut seal_removed = exemplar.clone();
    seal_removed[contents..end].fill(b'0');
    // One byte of the first page's content stream (before the seal, inside its signed range).
    let mut page_changed = exemplar.clone();
    let stream = page_changed
        .windows(7)
        .position(|w| w == b"stream\n")
        .unwrap()
        + 7;
    page_changed[stream + 10] ^= 0x01;
    vec![
        (
            "complete agreement file",
            complete.to_json().into_bytes(),
            VerdictCode::CompleteUnconfirmed,
            None,
        ),
        (
            "awaiting agreement file",
            awaiting.to_json().into_bytes(),
            VerdictCode::AwaitingUnconfirmed,
            None,
        ),
        (
            "unsigned draft",
            dpa_filled().to_json().into_bytes(),
            VerdictCode::Unsigned,
            None,
        ),
        (
            "exemplar 1",
            exemplar.clone(),
            VerdictCode::CompleteUnconfirmed,
            None,
        ),
        (
            "the PDF to sign",
            to_sign.clone(),
            VerdictCode::AwaitingUnconfirmed,
            None,
        ),
        (
            "page 1 rewritten by an incremental update",
            with_page_1_replaced(&exemplar),
            VerdictCode::Altered,
            Some("foreign_update"),
        ),
        (
            "the PDF to sign, page 1 rewritten",
            with_page_1_replaced(&to_sign),
            VerdictCode::Altered,
            Some("foreign_update"),
        ),
        (
            "bytes appended to an exemplar",
            label_swapped,
            VerdictCode::Altered,
            Some("foreign_update"),
        ),
        (
            "a byte of the first page changed",
            page_changed,
            VerdictCode::Altered,
            Some("visible_differs"),
        ),
        (
            "a digit of the seal changed",
            seal_changed,
            VerdictCode::Altered,
            Some("seal_signature"),
        ),
        (
            "the seal removed",
            seal_removed,
            VerdictCode::Altered,
            Some("seal_missing"),
        ),
        (
            "a changed value",
            altered_value.into_bytes(),
            VerdictCode::Altered,
            Some("signature_mismatch"),
        ),
        (
            "timestamped agreement file",
            include_bytes!("../vectors/dpa-complete-timestamped.tweevoud").to_vec(),
            VerdictCode::CompleteUnconfirmed,
            None,
        ),
        (
            "a timestamp of another signature",
            include_bytes!("../vectors/fail_timestamp_imprint.tweevoud").to_vec(),
            VerdictCode::Altered,
            Some("timestamp_imprint"),
        ),
        (
            "a timestamp whose TSA signature was changed",
            include_bytes!("../vectors/fail_timestamp_signature.tweevoud").to_vec(),
            VerdictCode::Altered,
            Some("timestamp_signature"),
        ),
        (
            "a timestamp whose certificate chain is broken",
            include_bytes!("../vectors/fail_timestamp_chain.tweevoud").to_vec(),
            VerdictCode::Altered,
            Some("timestamp_chain"),
        ),
        (
            "a damaged agreement file",
            br#"{"format":"tweevoud-agreement/1","template":3}"#.to_vec(),
            VerdictCode::Altered,
            Some("damaged_agreement_file"),
        ),
        (
            "another PDF",
            b"%PDF-1.7\n%%EOF\n".to_vec(),
            VerdictCode::NotTweevoud,
            Some("pdf_without_agreement"),
        ),
        (
            "a letter",
            b"Dear customer, please sign.".to_vec(),
            VerdictCode::NotTweevoud,
            Some("not_tweevoud"),
        ),
    ]
}

/// An exemplar of `agreement`, sealed (renderer 3) by the test key of its last signer (seed 1
/// for the provider, 2 for the customer).
pub fn render(
    agreement: &Agreement,
    exemplar: tweevoud::pdf::Exemplar,
) -> Result<Vec<u8>, tweevoud::pdf::PdfError> {
    let last = agreement
        .signatures()
        .last()
        .ok_or(tweevoud::pdf::PdfError::Unsigned)?;
    let seed = match last.statement.signer.role {
        tweevoud::Party::Provider => 1,
        tweevoud::Party::Customer => 2,
    };
    let sealer = tweevoud::pdf::Sealer::new(agreement, &test_key(seed), None)?;
    tweevoud::pdf::render(agreement, exemplar, &sealer)
}

/// The sealer of `agreement`'s PDFs in the tests: the test key of its last signer.
pub fn sealer(agreement: &Agreement) -> tweevoud::pdf::Sealer<'static> {
    let last = agreement.signatures().last().expect("a signed agreement");
    let seed = match last.statement.signer.role {
        tweevoud::Party::Provider => 1,
        tweevoud::Party::Customer => 2,
    };
    tweevoud::pdf::Sealer::new(agreement, &test_key(seed), None).unwrap()
}

/// pyHanko's command: `$TWEEVOUD_VENV/bin/pyhanko`, else the project's venv
/// (`target/pyenv`), which scripts/setup.sh makes; a test that needs it fails without it.
pub fn pyhanko() -> PathBuf {
    let venv = std::env::var_os("TWEEVOUD_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/pyenv"));
    let bin = venv.join("bin/pyhanko");
    assert!(
        bin.is_file(),
        "pyHanko is not installed at {}: run scripts/setup.sh (it installs pyhanko, \
         pyhanko-certvalidator and pyhanko-cli into that venv)",
        bin.display()
    );
    bin
}

/// The certificate of each seal of a sealed PDF, as `openssl pkcs7 -print_certs` prints it
/// (its `subject=` line, then its PEM), read by openssl from the seal's own bytes (the hex of
/// its `/Contents`), not by Tweevoud.
pub fn printed_seal_certificates(pdf: &[u8]) -> Vec<String> {
    let mut printed = Vec::new();
    let mut at = 0;
    while let Some(p) = pdf[at..].windows(10).position(|w| w == b"/Contents<") {
        let start = at + p + 10;
        let end = start + pdf[start..].iter().position(|b| *b == b'>').unwrap();
        at = end;
        let all: Vec<u8> = pdf[start..end]
            .chunks(2)
            .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
            .collect();
        // The seal's DER, by the length its header gives; zeros follow it.
        let len = match all[1] {
            n if n < 0x80 => 2 + usize::from(n),
            0x81 => 3 + usize::from(all[2]),
            0x82 => 4 + (usize::from(all[2]) << 8 | usize::from(all[3])),
            _ => panic!("a seal of more than 64 KiB"),
        };
        let dir = tempfile::TempDir::new().unwrap();
        let p7 = dir.path().join("seal.der");
        std::fs::write(&p7, &all[..len]).unwrap();
        let out = std::process::Command::new("openssl")
            .args(["pkcs7", "-inform", "DER", "-print_certs", "-in"])
            .arg(&p7)
            .output()
            .expect("openssl runs");
        assert!(
            out.status.success(),
            "openssl pkcs7: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        printed.push(String::from_utf8(out.stdout).unwrap());
    }
    printed
}

/// Writes the certificate of seal `index` of a sealed PDF to `out` as PEM
/// ([`printed_seal_certificates`]).
pub fn seal_certificate(pdf: &std::path::Path, index: usize, out: &std::path::Path) {
    let printed = printed_seal_certificates(&std::fs::read(pdf).unwrap()).remove(index);
    let begin = printed
        .find("-----BEGIN CERTIFICATE-----")
        .expect("a certificate");
    std::fs::write(out, &printed[begin..]).unwrap();
}

/// A coded error's code and the value of its parameter `name` (empty when it has none): what
/// a test asserts in place of the error's English words.
pub fn code_and(e: &impl tweevoud::Coded, name: &str) -> (&'static str, String) {
    let value = e
        .params()
        .into_iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v)
        .unwrap_or_default();
    (e.code(), value)
}

/// JSON read as a value, refusing an object that names a key twice: `serde_json` alone keeps
/// the last of them, JavaScript too, another reader may keep the first.
pub fn json_with_unique_keys(text: &[u8]) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_slice::<UniqueKeys>(text).map(|u| u.0)
}

/// A JSON value whose objects each name a key once ([`json_with_unique_keys`]).
struct UniqueKeys(serde_json::Value);

impl<'de> serde::Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, MapAccess, SeqAccess, Visitor};
        use serde_json::Value;
        struct Unique;
        impl<'de> Visitor<'de> for Unique {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a JSON value whose objects name each key once")
            }
            fn visit_bool<E: Error>(self, v: bool) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::Bool(v)))
            }
            fn visit_i64<E: Error>(self, v: i64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_u64<E: Error>(self, v: u64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_f64<E: Error>(self, v: f64) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_str<E: Error>(self, v: &str) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::from(v)))
            }
            fn visit_unit<E: Error>(self) -> Result<UniqueKeys, E> {
                Ok(UniqueKeys(Value::Null))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<UniqueKeys, A::Error> {
                let mut items = Vec::new();
                while let Some(UniqueKeys(item)) = seq.next_element()? {
                    items.push(item);
                }
                Ok(UniqueKeys(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<UniqueKeys, A::Error> {
                let mut object = serde_json::Map::new();
                while let Some(key) = map.next_key::<String>()? {
                    let UniqueKeys(value) = map.next_value()?;
                    if object.insert(key.clone(), value).is_some() {
                        return Err(A::Error::custom(format!("the key {key:?} appears twice")));
                    }
                }
                Ok(UniqueKeys(Value::Object(object)))
            }
        }
        deserializer.deserialize_any(Unique)
    }
}

/// The answer of `tweevoud verify --json`, read from its standard output (each object naming
/// a key once: [`json_with_unique_keys`]).
pub fn verify_answer(stdout: &[u8]) -> serde_json::Value {
    json_with_unique_keys(stdout).unwrap_or_else(|e| {
        panic!(
            "verify --json printed no JSON ({e}): {}",
            String::from_utf8_lossy(stdout)
        )
    })
}

/// Its verdict's code and the codes of every problem it reports (the file's, each
/// signature's and an exemplar's), sorted, each once: what a test asserts in place of the words it prints.
pub fn verdict_and_codes(answer: &serde_json::Value) -> (String, Vec<String>) {
    let mut problems: Vec<&serde_json::Value> = Vec::new();
    let list = |v: &serde_json::Value| v.as_array().cloned().unwrap_or_default();
    let file = list(&answer["problems"]);
    let signatures = list(&answer["signatures"]);
    problems.extend(file.iter());
    let per_signature: Vec<serde_json::Value> = signatures
        .iter()
        .flat_map(|s| list(&s["problems"]))
        .collect();
    problems.extend(per_signature.iter());
    let exemplar = list(&answer["exemplar"]["problems"]);
    problems.extend(exemplar.iter());
    let mut codes: Vec<String> = problems
        .iter()
        .map(|p| p["code"].as_str().unwrap_or_default().to_string())
        .collect();
    codes.sort();
    codes.dedup();
    let verdict = answer["verdict"]["code"].as_str().unwrap_or_default();
    (verdict.to_string(), codes)
}
