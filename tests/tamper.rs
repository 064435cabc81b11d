//! Tamper trials: thousands of random changes to a complete agreement file and to its
//! exemplar PDFs, and not one may verify as authentic.
//!
//! Mutations: bit flips, insertions, deletions and truncations anywhere; bit flips inside the
//! PDF's embedded agreement file; edits of one JSON value (strings, numbers, booleans),
//! swapped, duplicated and removed array items (values, signatures, audit entries); a
//! signature record taken from another agreement signed with the same key; values replaced by
//! other valid values; and the strongest forgery there is, a tampered agreement file rendered
//! into a perfectly consistent exemplar PDF.
//!
//! A change that leaves the agreement file's JSON meaning intact (white space, key order) is
//! not a tamper and is counted apart as neutral. `make test` runs a few hundred trials;
//! `make harden` runs 10,000 (`TWEEVOUD_TAMPER_TRIALS`). The seed is fixed
//! (`TWEEVOUD_TAMPER_SEED` changes it), so a failure is reproducible.

mod common;

use serde_json::Value;
use tweevoud::pdf::{self, Exemplar};
use tweevoud::{verify, Agreement, Party, Status};

/// SplitMix64: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn byte(&mut self) -> u8 {
        self.next() as u8
    }
}

/// Byte-level mutations of any file.
fn mutate_bytes(rng: &mut Rng, input: &[u8], region: Option<(usize, usize)>) -> (Vec<u8>, String) {
    let mut b = input.to_vec();
    let (lo, hi) = region.unwrap_or((0, b.len()));
    let at = lo + rng.below(hi - lo);
    match rng.below(4) {
        0 => {
            let bit = rng.below(8);
            b[at] ^= 1 << bit;
            (b, format!("flip bit {bit} of byte {at}"))
        }
        1 => {
            let n = 1 + rng.below(8);
            let bytes: Vec<u8> = (0..n).map(|_| rng.byte()).collect();
            b.splice(at..at, bytes);
            (b, format!("insert {n} bytes at {at}"))
        }
        2 => {
            let n = (1 + rng.below(16)).min(hi - at);
            b.drain(at..at + n);
            (b, format!("delete {n} bytes at {at}"))
        }
        _ => {
            b.truncate(at);
            (b, format!("truncate at {at}"))
        }
    }
}

/// Paths to every leaf of a JSON value.
fn leaves(v: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(PathStep::Key(k.clone()));
                leaves(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(PathStep::Index(i));
                leaves(x, path, out);
                path.pop();
            }
        }
        _ => out.push(path.clone()),
    }
}

/// Paths to every array.
fn arrays(v: &Value, path: &mut Vec<PathStep>, out: &mut Vec<Vec<PathStep>>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                path.push(PathStep::Key(k.clone()));
                arrays(x, path, out);
                path.pop();
            }
        }
        Value::Array(a) => {
            out.push(path.clone());
            for (i, x) in a.iter().enumerate() {
                path.push(PathStep::Index(i));
                arrays(x, path, out);
                path.pop();
            }
        }
        _ => {}
    }
}

#[derive(Clone, Debug)]
enum PathStep {
    Key(String),
    Index(usize),
}

fn at_path<'a>(v: &'a mut Value, path: &[PathStep]) -> &'a mut Value {
    path.iter().fold(v, |v, step| match step {
        PathStep::Key(k) => &mut v[k.as_str()],
        PathStep::Index(i) => &mut v[*i],
    })
}

fn edit_string(rng: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    let replacements = ['a', 'Z', '0', '9', ' ', '.', 'é', '"', '\\', '+', '/', '='];
    if chars.is_empty() {
        return "x".to_string();
    }
    let i = rng.below(chars.len());
    match rng.below(3) {
        0 => chars[i] = replacements[rng.below(replacements.len())],
        1 => {
            chars.remove(i);
        }
        _ => chars.insert(i, replacements[rng.below(replacements.len())]),
    }
    chars.into_iter().collect()
}

/// Structured edits of an agreement file's JSON.
fn mutate_json(rng: &mut Rng, json: &str, donor: &Value) -> (String, String) {
    let mut v: Value = serde_json::from_str(json).unwrap();
    let what = match rng.below(6) {
        0 | 1 => {
            let mut all = Vec::new();
            leaves(&v, &mut Vec::new(), &mut all);
            let path = &all[rng.below(all.len())];
            let leaf = at_path(&mut v, path);
            let before = leaf.clone();
            *leaf = match &before {
                Value::String(s) => Value::String(edit_string(rng, s)),
                Value::Number(n) => Value::from(
                    n.as_u64()
                        .unwrap_or(0)
                        .wrapping_add(1 + rng.below(3) as u64),
                ),
                Value::Bool(b) => Value::Bool(!b),
                Value::Null => Value::from("x"),
                other => other.clone(),
            };
            format!("edit {path:?}: {before} -> {leaf}")
        }
        2 => {
            let mut all = Vec::new();
            arrays(&v, &mut Vec::new(), &mut all);
            let path = all[rng.below(all.len())].clone();
            let arr = at_path(&mut v, &path).as_array_mut().unwrap();
            if arr.is_empty() {
                return (json.to_string(), "nothing".to_string());
            }
            let i = rng.below(arr.len());
            match rng.below(3) {
                0 => {
                    arr.remove(i);
                    format!("remove {path:?}[{i}]")
                }
                1 => {
                    let x = arr[i].clone();
                    arr.insert(rng.below(arr.len() + 1), x);
                    format!("duplicate {path:?}[{i}]")
                }
                _ => {
                    let j = rng.below(arr.len());
                    arr.swap(i, j);
                    format!("swap {path:?}[{i}] and [{j}]")
                }
            }
        }
        3 => {
            // Swap the two signature values, or one party's statement for the other's.
            if rng.below(2) == 0 {
                let a = v["signatures"][0]["signature"].clone();
                v["signatures"][0]["signature"] = v["signatures"][1]["signature"].clone();
                v["signatures"][1]["signature"] = a;
                "swap the signature values".to_string()
            } else {
                let a = v["signatures"][0]["statement"]["public_key"].clone();
                v["signatures"][0]["statement"]["public_key"] =
                    v["signatures"][1]["statement"]["public_key"].clone();
                v["signatures"][1]["statement"]["public_key"] = a;
                "swap the public keys".to_string()
            }
        }
        4 => {
            // A signature by the same key over another agreement.
            let i = rng.below(2);
            v["signatures"][i] = donor["signatures"][i].clone();
            format!("signature {i} taken from another agreement")
        }
        _ => {
            // Another valid value in a signed blank.
            let choices = [
                ("customer_name", "Brouwerij De Witte Kat BV"),
                ("customer_enterprise_number", "0821.588.020"),
                ("date", "2026-11-24"),
                ("provider_signatory_function", "Zaakvoerder"),
                ("customer_address", "Markt 1\n3500 Hasselt"),
            ];
            let (blank, value) = choices[rng.below(choices.len())];
            for x in v["values"].as_array_mut().unwrap() {
                if x["blank"] == blank {
                    x["value"] = value.into();
                }
            }
            format!("{blank} := {value:?}")
        }
    };
    let mut s = serde_json::to_string_pretty(&v).unwrap();
    s.push('\n');
    (s, what)
}

/// Whether an agreement file verifies as authentic.
fn file_is_authentic(bytes: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(bytes) else {
        return false;
    };
    match Agreement::from_json(text) {
        Ok(a) => matches!(
            verify(&a).status,
            Status::Complete | Status::AwaitingCountersignature
        ),
        Err(_) => false,
    }
}

/// Whether a PDF verifies as an authentic exemplar.
fn pdf_is_authentic(bytes: &[u8]) -> bool {
    match pdf::verify_exemplar(bytes) {
        Ok(v) => {
            v.visible_document_matches
                && matches!(
                    v.verification.status,
                    Status::Complete | Status::AwaitingCountersignature
                )
        }
        Err(_) => false,
    }
}

/// Whether two agreement files mean the same (JSON equal).
fn same_meaning(a: &[u8], b: &[u8]) -> bool {
    let parse = |x: &[u8]| serde_json::from_slice::<Value>(x).ok();
    matches!((parse(a), parse(b)), (Some(x), Some(y)) if x == y)
}

/// Where the embedded agreement file's stream data stands in a PDF's bytes.
fn attachment_region(pdf: &[u8]) -> (usize, usize) {
    let doc = lopdf::Document::load_mem(pdf).unwrap();
    let id = doc
        .objects
        .iter()
        .find(|(_, o)| {
            o.as_stream()
                .ok()
                .and_then(|s| s.dict.get(b"Type").ok())
                .and_then(|t| t.as_name().ok())
                == Some(b"EmbeddedFile".as_slice())
        })
        .map(|(id, _)| id.0)
        .expect("an embedded file");
    let header = format!("\n{id} 0 obj");
    let obj = pdf
        .windows(header.len())
        .position(|w| w == header.as_bytes())
        .unwrap();
    let find = |from: usize, what: &[u8]| {
        from + pdf[from..]
            .windows(what.len())
            .position(|w| w == what)
            .unwrap()
    };
    let start = find(obj, b"stream") + b"stream".len();
    let start = start + if pdf[start] == b'\r' { 2 } else { 1 };
    let end = find(start, b"endstream");
    (start, end)
}

/// The PDF with its embedded agreement file replaced by `json` (stored uncompressed), saved
/// again by lopdf.
fn replace_attachment(pdf: &[u8], json: &str) -> Vec<u8> {
    let mut doc = lopdf::Document::load_mem(pdf).unwrap();
    for obj in doc.objects.values_mut() {
        if let Ok(stream) = obj.as_stream_mut() {
            let is_file = stream.dict.get(b"Type").ok().and_then(|t| t.as_name().ok())
                == Some(b"EmbeddedFile".as_slice());
            if is_file {
                stream.set_plain_content(json.as_bytes().to_vec());
            }
        }
    }
    let mut out = Vec::new();
    doc.save_to(&mut out).unwrap();
    out
}

/// Another complete agreement signed by the same two keys (different customer values).
fn donor() -> Agreement {
    let mut a = common::dpa_provider_signed();
    a.fill(
        Party::Customer,
        &common::set(&[
            ("customer_name", "Acme NV"),
            ("customer_address", "Markt 1\n3500 Hasselt"),
            ("customer_enterprise_number", "0821.588.020"),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        common::at(14),
    )
    .unwrap();
    a.sign(
        &common::test_key(2),
        Party::Customer,
        None,
        None,
        common::at(15),
    )
    .unwrap();
    a
}

#[test]
fn tamper_trials_accept_nothing() {
    let trials: usize = std::env::var("TWEEVOUD_TAMPER_TRIALS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(400);
    let seed: u64 = std::env::var("TWEEVOUD_TAMPER_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7765_6576_6f75_6421);
    let mut rng = Rng(seed);

    let complete = common::dpa_complete();
    let json = complete.to_json();
    let donor: Value = serde_json::from_str(&donor().to_json()).unwrap();
    let exemplars: Vec<Vec<u8>> = [
        Exemplar::Copy(Party::Provider),
        Exemplar::Copy(Party::Customer),
    ]
    .into_iter()
    .map(|e| common::render(&complete, e).unwrap())
    .collect();
    let awaiting = common::dpa_provider_signed();
    let to_sign = common::render(&awaiting, Exemplar::ToSign).unwrap();

    // The originals are authentic: otherwise a count of 0 would mean nothing.
    assert!(file_is_authentic(json.as_bytes()));
    for e in exemplars.iter().chain([&to_sign]) {
        assert!(pdf_is_authentic(e));
    }

    let mut accepted = Vec::new();
    let mut neutral = 0usize;
    let mut done = 0usize;
    let mut by_kind = [0usize; 5];
    while done < trials {
        let kind = rng.below(10);
        let (authentic, what) = match kind {
            // The agreement file: bytes and JSON edits.
            0..=1 => {
                let (m, what) = mutate_bytes(&mut rng, json.as_bytes(), None);
                if same_meaning(&m, json.as_bytes()) {
                    neutral += 1;
                    continue;
                }
                by_kind[0] += 1;
                (file_is_authentic(&m), format!("agreement file: {what}"))
            }
            2..=4 => {
                let (m, what) = mutate_json(&mut rng, &json, &donor);
                if same_meaning(m.as_bytes(), json.as_bytes()) {
                    neutral += 1;
                    continue;
                }
                by_kind[1] += 1;
                (
                    file_is_authentic(m.as_bytes()),
                    format!("agreement file: {what}"),
                )
            }
            // An exemplar PDF: bytes anywhere, or inside the embedded agreement file's stream.
            5..=6 => {
                let pdf = if rng.below(3) == 0 {
                    &to_sign
                } else {
                    &exemplars[rng.below(2)]
                };
                let region = (rng.below(2) == 0).then(|| attachment_region(pdf));
                let (m, what) = mutate_bytes(&mut rng, pdf, region);
                if m == *pdf {
                    neutral += 1;
                    continue;
                }
                by_kind[2] += 1;
                (
                    pdf_is_authentic(&m),
                    format!(
                        "pdf{}: {what}",
                        if region.is_some() { " attachment" } else { "" }
                    ),
                )
            }
            // A tampered agreement file rendered into a consistent exemplar.
            7..=8 => {
                let (m, what) = mutate_json(&mut rng, &json, &donor);
                if same_meaning(m.as_bytes(), json.as_bytes()) {
                    neutral += 1;
                    continue;
                }
                by_kind[3] += 1;
                match Agreement::from_json(&m) {
                    // Not even an agreement: nothing to render, and nothing accepted.
                    Err(_) => (false, format!("re-rendered: {what}")),
                    Ok(forged) => {
                        let e = [
                            Exemplar::Copy(Party::Provider),
                            Exemplar::Copy(Party::Customer),
                            Exemplar::ToSign,
                        ][rng.below(3)];
                        match common::render(&forged, e) {
                            Ok(bytes) => (
                                pdf_is_authentic(&bytes),
                                format!("re-rendered {e:?}: {what}"),
                            ),
                            Err(_) => (false, format!("re-rendered: {what}")),
                        }
                    }
                }
            }
            // Re-embedded attachments: another version, or an edited agreement file, put
            // into an exemplar's pages.
            _ => {
                by_kind[4] += 1;
                let (m, what) = match rng.below(3) {
                    0 => (
                        replace_attachment(&exemplars[0], &awaiting.to_json()),
                        "the awaiting agreement in exemplar 1's pages".to_string(),
                    ),
                    1 => (
                        replace_attachment(&to_sign, &json),
                        "the complete agreement in the to-sign PDF's pages".to_string(),
                    ),
                    _ => {
                        let (edited, what) = mutate_json(&mut rng, &json, &donor);
                        let host = &exemplars[rng.below(2)];
                        (
                            replace_attachment(host, &edited),
                            format!("re-embedded: {what}"),
                        )
                    }
                };
                (pdf_is_authentic(&m), format!("pdf: {what}"))
            }
        };
        done += 1;
        if authentic {
            accepted.push(what);
        }
    }
    println!(
        "tamper trials {done}, accepted {} (agreement-file bytes {}, JSON edits {}, PDF bytes {}, re-rendered forgeries {}, swapped attachments {}; neutral changes skipped {neutral})",
        accepted.len(),
        by_kind[0],
        by_kind[1],
        by_kind[2],
        by_kind[3],
        by_kind[4]
    );
    assert!(accepted.is_empty(), "accepted as authentic: {accepted:#?}");
    assert!(
        by_kind.iter().all(|&n| n > 0) || done < 50,
        "every kind of mutation ran"
    );
}
