//! The worst cases of every reader, run through the real binary in a child process held to a
//! CPU-time limit (`common::limited`): for each reader a generator makes the most expensive
//! input it accepts at its caps (`docs/format.md` and `docs/templates.md`, "Limits"), and the
//! test fails when the binary takes more CPU than the documented bound for the build the tests
//! run (a debug build, with the crypto crates optimized). The shapes just over a cap are
//! refused, quickly, with their code.

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use common::limited::{run_limited, Limited};
use serde_json::{json, Value};
use tweevoud::agreement::{AuditEntry, AuditEvent, MAX_AUDIT_ENTRIES, MAX_SIGNATURES};
use tweevoud::signature::{OpenBlank, SignerInfo};
use tweevoud::template::{Span, Template, MAX_BLANKS, MAX_TEXT_CHARS};
use tweevoud::{Agreement, Filled, Party, SignatureRecord, Statement};

/// The CPU seconds `docs/format.md` ("Limits") allows a debug build of `tweevoud verify` on
/// any file within the caps (a release build takes less than half). Over twice what the worst
/// file takes (2 to 3.3 s): CPU time grows by a quarter or more on a machine running six jobs
/// on two cores (4.06 s was seen against 4 s), while a step that is not linear in its input
/// costs minutes on these files.
const VERIFY_BOUND: f64 = 8.0;
/// The same for `key import` of a key whose KDF is at its cap (it unlocks the key, then
/// stores it re-encrypted with Tweevoud's own scrypt).
const KEY_BOUND: f64 = 2.0;
/// What a refusal before the work may cost: starting the binary and reading the file.
const REFUSAL_BOUND: f64 = 0.5;
/// The hard limit of a child (SIGXCPU), well past the bounds: a run that reaches it fails.
const CPU_LIMIT: u64 = 30;
/// The address space of a child, in MiB.
const MEMORY_MIB: u64 = 2048;

const PASSPHRASE: &str = "worst cases cost in proportion";

fn tweevoud(dir: &Path, args: &[&OsStr]) -> Limited {
    let profile = dir.join("profile");
    let run = run_limited(
        Path::new(env!("CARGO_BIN_EXE_tweevoud")),
        args,
        &[
            ("TWEEVOUD_DATA_DIR", profile.as_os_str()),
            ("TWEEVOUD_PASSPHRASE", OsStr::new(PASSPHRASE)),
        ],
        dir,
        CPU_LIMIT,
        MEMORY_MIB,
    );
    eprintln!(
        "{:?}: {:.2} s of CPU, exit {:?}",
        args.iter().take(3).collect::<Vec<_>>(),
        run.cpu_seconds,
        run.code
    );
    run
}

/// Runs `tweevoud verify --json FILE`; fails past `bound`; returns the judgement.
fn verify_within(dir: &Path, file: &Path, bound: f64) -> Value {
    let run = tweevoud(
        dir,
        &[OsStr::new("verify"), OsStr::new("--json"), file.as_os_str()],
    );
    assert!(
        run.code.is_some(),
        "verify was killed (CPU {:.2} s): {}",
        run.cpu_seconds,
        run.stderr
    );
    assert!(
        run.cpu_seconds <= bound,
        "verify of {} took {:.2} s of CPU, more than {bound} s",
        file.display(),
        run.cpu_seconds
    );
    serde_json::from_str(&run.stdout).unwrap_or_else(|e| panic!("{e}: {}", run.stdout))
}

/// The first problem's code of a judgement.
fn first_code(judgement: &Value) -> &str {
    judgement["problems"][0]["code"].as_str().unwrap_or("")
}

// ---------------------------------------------------------------------------------------
// Templates

/// The most characters `template` can render (`docs/templates.md`, "Limits"), worked out
/// here from the public template as the documentation says.
fn longest_text(t: &Template) -> usize {
    let markers: usize = t
        .blocks()
        .iter()
        .flat_map(|b| b.lines.iter().flatten())
        .map(|span| match span {
            Span::Blank { id } => {
                let b = t.blank(id).unwrap();
                let label = b.label.get(t.language()).chars().count() + 2;
                b.kind.longest_shown().max(label)
            }
            _ => 0,
        })
        .sum();
    t.canonical_text().chars().count() + markers
}

/// The built-in DPA with `extra` more `text` blanks (each used once) and `filler` characters
/// of one-letter words (the most words, so the most line-breaking work, per character).
fn grown_dpa(extra: usize, filler: usize) -> String {
    let dpa = common::dpa();
    let text = dpa.canonical_text();
    let (header, body) = text.split_once("\n+++\n").unwrap();
    let mut out = String::from(header);
    for i in 0..extra {
        let party = if i % 2 == 0 { "provider" } else { "customer" };
        out.push_str(&format!(
            "\n\n[[blanks]]\nid = \"x{i:03}\"\nkind = \"text\"\nparty = \"{party}\"\nrequired = false\nlabel = {{ nl = \"L\", fr = \"L\", en = \"L\" }}"
        ));
    }
    out.push_str("\n+++\n");
    out.push_str(body);
    if extra > 0 {
        let markers: Vec<String> = (0..extra).map(|i| format!("{{{{x{i:03}}}}}")).collect();
        out.push_str(&format!("\n{}\n", markers.join(" ")));
    }
    // Paragraphs of 2,000 characters of "a a a ...".
    let mut left = filler;
    while left > 4 {
        let n = left.min(2000) - 2;
        let para = "a ".repeat(n / 2);
        out.push_str(&format!("\n{}\n", para.trim_end()));
        left -= n + 2;
    }
    out
}

/// The template at its caps: [`MAX_BLANKS`] blanks, and its longest text as close to
/// [`MAX_TEXT_CHARS`] as whole paragraphs allow.
fn template_at_caps() -> Template {
    let extra = MAX_BLANKS - common::dpa().blanks().len();
    let base = Template::parse(&grown_dpa(extra, 0)).unwrap();
    let room = MAX_TEXT_CHARS - longest_text(&base);
    let t = Template::parse(&grown_dpa(extra, room)).unwrap();
    assert_eq!(t.blanks().len(), MAX_BLANKS);
    let longest = longest_text(&t);
    assert!(
        longest <= MAX_TEXT_CHARS && longest > MAX_TEXT_CHARS - 2100,
        "{longest}"
    );
    t
}

#[test]
fn a_template_at_its_caps_is_checked_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let t = template_at_caps();
    let file = dir.path().join("caps.tvt");
    std::fs::write(&file, t.canonical_text()).unwrap();
    let run = tweevoud(
        dir.path(),
        &[
            OsStr::new("template"),
            OsStr::new("check"),
            file.as_os_str(),
        ],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    assert!(run.cpu_seconds <= VERIFY_BOUND, "{:.2} s", run.cpu_seconds);
}

#[test]
fn fail_templates_over_their_caps_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let extra = MAX_BLANKS - common::dpa().blanks().len();
    // One blank too many; a longest text one paragraph too long; a header nested 100,000 deep.
    let base = Template::parse(&grown_dpa(extra, 0)).unwrap();
    let room = MAX_TEXT_CHARS - longest_text(&base);
    let deep = format!(
        "+++\nformat = \"tweevoud-template/1\"\nx = {}{}\n+++\n# T\n",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    // The code, and the limit the words carry (the TOML reader's own, for the nesting).
    for (name, text, code, words) in [
        (
            "blanks.tvt",
            grown_dpa(extra + 1, 0),
            "template_too_many_blanks",
            format!("257 blanks; at most {MAX_BLANKS}"),
        ),
        (
            "long.tvt",
            grown_dpa(extra, room + 2000),
            "template_text_too_long",
            format!("at most {MAX_TEXT_CHARS} are allowed"),
        ),
        (
            "deep.tvt",
            deep,
            "template_bad_header",
            "recursion limit".to_string(),
        ),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let run = tweevoud(
            dir.path(),
            &[
                OsStr::new("template"),
                OsStr::new("check"),
                file.as_os_str(),
            ],
        );
        assert_eq!(run.code, Some(1), "{name}: {}", run.stderr);
        assert_eq!(
            cli::error_code(run.stderr.as_bytes()).as_deref(),
            Some(code),
            "{name}: {}",
            run.stderr
        );
        assert!(run.stderr.contains(&words), "{name}: {}", run.stderr);
        assert!(
            run.cpu_seconds <= REFUSAL_BOUND,
            "{name}: {:.2} s",
            run.cpu_seconds
        );
    }
}

// ---------------------------------------------------------------------------------------
// Agreement files and exemplars

/// A value at its kind's longest, for each blank of the template at its caps.
fn longest_values(t: &Template) -> Vec<Filled> {
    let dpa = common::dpa_complete();
    t.blanks()
        .iter()
        .map(|b| {
            let value = match b.id.as_str() {
                "customer_address" => vec!["b".repeat(300); 8].join("\n"),
                id if id.starts_with('x') => "c ".repeat(150).trim_end().to_string() + "c",
                id => dpa.value(id).unwrap().to_string(),
            };
            Filled {
                blank: b.id.clone(),
                value,
                filled_by: b.party,
            }
        })
        .collect()
}

/// The agreement file at its caps: the template at its caps with every blank at its longest,
/// [`MAX_SIGNATURES`] signatures (real ones, by the provider's test key) whose statements
/// cover [`MAX_BLANKS`] values and leave [`MAX_BLANKS`] blanks open, and an audit trail of
/// [`MAX_AUDIT_ENTRIES`] entries; as large as still fits in the 8 MiB a reader reads once
/// pretty-printed (as an exemplar carries it).
fn agreement_at_caps() -> Agreement {
    let t = template_at_caps();
    let values = longest_values(&t);
    let open: Vec<OpenBlank> = t
        .blanks()
        .iter()
        .map(|b| OpenBlank {
            blank: b.id.clone(),
            party: b.party,
        })
        .collect();
    let key = common::test_key(1);
    let hex64 = |i: usize| format!("{i:064x}");
    let records: Vec<SignatureRecord> = (0..MAX_SIGNATURES)
        .map(|i| {
            let statement = Statement {
                template_sha256: t.sha256_hex(),
                text_sha256: hex64(i),
                values: values.clone(),
                open: open.clone(),
                signer: SignerInfo {
                    role: Party::Provider,
                    name: "Tom Hendrix".into(),
                    function: "CEO".into(),
                    organisation: "Xtreme Internet Solutions BV".into(),
                },
                time: "2026-11-23T10:00:00+01:00".into(),
                public_key: base64::Engine::encode(
                    &base64::engine::general_purpose::STANDARD,
                    key.verifying_key().to_bytes(),
                ),
                previous_signatures: (0..MAX_SIGNATURES).map(hex64).collect(),
                audit_head: hex64(7),
            };
            SignatureRecord::sign(statement, &key)
        })
        .collect();
    let audit: Vec<AuditEntry> = (0..MAX_AUDIT_ENTRIES)
        .map(|i| AuditEntry {
            seq: i as u64,
            time: "2026-11-23T10:00:00+01:00".into(),
            event: if i < MAX_SIGNATURES {
                AuditEvent::Signed
            } else {
                AuditEvent::Filled
            },
            party: Party::Provider,
            blanks: if i < MAX_SIGNATURES {
                Vec::new()
            } else {
                (0..10).map(|b| format!("x{b:03}")).collect()
            },
            text_sha256: hex64(i),
            signature_sha256: (i < MAX_SIGNATURES).then(|| hex64(i)),
            prev: (i > 0).then(|| hex64(i - 1)),
            hash: hex64(i),
        })
        .collect();
    let file = json!({
        "format": "tweevoud-agreement/1",
        "template": {
            "id": t.id(),
            "sha256": t.sha256_hex(),
            "text": t.canonical_text(),
        },
        "values": values,
        "signatures": records,
        "audit": audit,
    });
    let agreement = Agreement::from_json(&file.to_string()).unwrap();
    let pretty = agreement.to_json().len() as u64;
    assert!(
        pretty <= tweevoud::agreement::MAX_AGREEMENT_BYTES && pretty > 6 << 20,
        "{pretty} bytes"
    );
    agreement
}

#[test]
fn an_agreement_file_at_its_caps_is_verified_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("caps.tweevoud");
    std::fs::write(&file, agreement_at_caps().to_json()).unwrap();
    let judgement = verify_within(dir.path(), &file, VERIFY_BOUND);
    // Read and verified in full (its signatures are checked, and found wanting).
    assert_eq!(judgement["kind"], "agreement_file");
    assert_eq!(
        judgement["signatures"].as_array().unwrap().len(),
        MAX_SIGNATURES
    );
    assert_eq!(judgement["verdict"]["code"], "altered");
}

#[test]
fn an_exemplar_whose_attachment_inflates_to_the_cap_is_verified_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let agreement = agreement_at_caps();
    let pdf = common::render(&agreement, tweevoud::pdf::Exemplar::ToSign).unwrap();
    let embedded = tweevoud::pdf::embedded_agreement(&pdf).unwrap();
    assert!(embedded.json.len() > 6 << 20 && pdf.len() < embedded.json.len() / 4);
    let file = dir.path().join("caps.pdf");
    std::fs::write(&file, &pdf).unwrap();
    let judgement = verify_within(dir.path(), &file, VERIFY_BOUND);
    // The agreement inside was verified, and the exemplar laid out again and compared.
    assert_eq!(judgement["kind"], "exemplar");
    assert_eq!(
        judgement["signatures"].as_array().unwrap().len(),
        MAX_SIGNATURES
    );
    assert_eq!(judgement["exemplar"]["visible_document_matches"], true);
}

/// `base` as JSON, edited.
fn edited(base: &Agreement, edit: impl Fn(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(&base.to_json()).unwrap();
    edit(&mut v);
    v.to_string()
}

#[test]
fn fail_agreement_files_over_their_caps_are_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let complete = common::dpa_complete();
    let over = |list: &str| {
        let list = list.to_string();
        edited(&complete, move |v| {
            let (one, at): (Value, Vec<&str>) = match list.as_str() {
                "open" => (
                    json!({"blank": "customer_name", "party": "customer"}),
                    vec!["signatures", "0", "statement", "open"],
                ),
                "values" => (
                    v["signatures"][0]["statement"]["values"][0].clone(),
                    vec!["signatures", "0", "statement", "values"],
                ),
                "audit" => (v["audit"][1].clone(), vec!["audit"]),
                _ => (v["signatures"][0].clone(), vec!["signatures"]),
            };
            let n = match at.len() {
                1 if at[0] == "audit" => MAX_AUDIT_ENTRIES + 1,
                1 => MAX_SIGNATURES + 1,
                _ => 20_000,
            };
            let mut target = &mut *v;
            for step in &at {
                target = match step.parse::<usize>() {
                    Ok(i) => &mut target[i],
                    Err(_) => &mut target[*step],
                };
            }
            *target = Value::Array(vec![one; n]);
        })
    };
    let deep = format!(
        "{{\"format\": \"tweevoud-agreement/1\", \"values\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    for (name, text, code) in [
        ("open.tweevoud", over("open"), "damaged_agreement_file"),
        ("values.tweevoud", over("values"), "damaged_agreement_file"),
        ("audit.tweevoud", over("audit"), "damaged_agreement_file"),
        (
            "signatures.tweevoud",
            over("signatures"),
            "damaged_agreement_file",
        ),
        ("deep.tweevoud", deep, "not_tweevoud"),
    ] {
        let file = dir.path().join(name);
        std::fs::write(&file, text).unwrap();
        let judgement = verify_within(dir.path(), &file, REFUSAL_BOUND);
        assert_eq!(first_code(&judgement), code, "{name}: {judgement}");
        if code == "damaged_agreement_file" {
            let message = judgement["problems"][0]["message"].as_str().unwrap();
            assert!(message.contains("at most"), "{name}: {message}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// Key files and contacts

/// An encrypted PKCS#8 PEM of the test key 3 under `params`.
fn encrypted_key(params: pkcs8::pkcs5::pbes2::Parameters<'_>) -> String {
    use ed25519_dalek::pkcs8::EncodePrivateKey;
    let doc = common::test_key(3).to_pkcs8_der().unwrap();
    let info = pkcs8::PrivateKeyInfo::try_from(doc.as_bytes()).unwrap();
    let encrypted = info
        .encrypt_with_params(params, PASSPHRASE.as_bytes())
        .unwrap();
    encrypted
        .to_pem("ENCRYPTED PRIVATE KEY", pkcs8::LineEnding::LF)
        .unwrap()
        .to_string()
}

fn scrypt_key(log_n: u8, r: u32, p: u32) -> String {
    use pkcs8::pkcs5::{pbes2, scrypt};
    let params = scrypt::Params::new(log_n, r, p, 32).unwrap();
    encrypted_key(pbes2::Parameters::scrypt_aes256cbc(params, &[7; 16], &[9; 16]).unwrap())
}

/// A secret key file that asks scrypt for `n`, `r`, `p`, its ciphertext 48 bytes of nothing:
/// what a reader must refuse from the parameters alone (making it honestly would pay the cost).
fn unencryptable_scrypt_key(n: u64, r: u16, p: u16) -> String {
    use pkcs8::der::EncodePem;
    use pkcs8::pkcs5::{pbes2, EncryptionScheme};
    let params = pbes2::Parameters {
        kdf: pbes2::Kdf::Scrypt(pbes2::ScryptParams {
            salt: &[7; 16],
            cost_parameter: n,
            block_size: r,
            parallelization: p,
            key_length: None,
        }),
        encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: &[9; 16] },
    };
    pkcs8::EncryptedPrivateKeyInfo {
        encryption_algorithm: EncryptionScheme::Pbes2(params),
        encrypted_data: &[0; 48],
    }
    .to_pem(pkcs8::LineEnding::LF)
    .unwrap()
}

fn pbkdf2_sha512_key(iterations: u32) -> String {
    use pkcs8::pkcs5::pbes2;
    encrypted_key(pbes2::Parameters {
        kdf: pbes2::Kdf::Pbkdf2(pbes2::Pbkdf2Params {
            salt: &[7; 16],
            iteration_count: iterations,
            key_length: None,
            prf: pbes2::Pbkdf2Prf::HmacWithSha512,
        }),
        encryption: pbes2::EncryptionScheme::Aes256Cbc { iv: &[9; 16] },
    })
}

fn import(dir: &Path, name: &str, pem: &str) -> Limited {
    let file = dir.join(name);
    std::fs::write(&file, pem).unwrap();
    let profile: PathBuf = dir.join(format!("profile-{name}"));
    let run = run_limited(
        Path::new(env!("CARGO_BIN_EXE_tweevoud")),
        &[
            OsStr::new("key"),
            OsStr::new("import"),
            OsStr::new("--name"),
            OsStr::new("Tom Hendrix"),
            file.as_os_str(),
        ],
        &[
            ("TWEEVOUD_DATA_DIR", profile.as_os_str()),
            ("TWEEVOUD_PASSPHRASE", OsStr::new(PASSPHRASE)),
        ],
        dir,
        CPU_LIMIT,
        MEMORY_MIB,
    );
    eprintln!(
        "{name}: {:.2} s of CPU, exit {:?}",
        run.cpu_seconds, run.code
    );
    run
}

#[test]
fn keys_at_the_kdf_caps_are_imported_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    for (name, pem) in [
        // N·r·p at its cap (Tweevoud's own parameters), memory 16 MiB.
        ("work.pem", scrypt_key(14, 8, 8)),
        // 128·N·r at its cap, 128 MiB, and N·r·p at its cap (the pkcs8 crate's default).
        ("memory.pem", scrypt_key(17, 8, 1)),
        // PBKDF2 at its cap, with its slowest hash.
        (
            "pbkdf2.pem",
            pbkdf2_sha512_key(tweevoud::key::MAX_PBKDF2_ITERATIONS),
        ),
    ] {
        let run = import(dir.path(), name, &pem);
        assert_eq!(run.code, Some(0), "{name}: {}", run.stderr);
        assert!(
            run.cpu_seconds <= KEY_BOUND,
            "{name}: {:.2} s",
            run.cpu_seconds
        );
    }
}

#[test]
fn fail_keys_over_the_kdf_caps_are_refused_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    for (name, pem) in [
        // The work one step over: p = 9.
        ("p9.pem", unencryptable_scrypt_key(1 << 14, 8, 9)),
        // 1 GiB of memory at p = 1 (under the old separate caps), and 16 GiB.
        ("gib.pem", unencryptable_scrypt_key(1 << 20, 8, 1)),
        ("huge.pem", unencryptable_scrypt_key(1 << 24, 8, 1)),
        // Parallelism alone, at 16 MiB: N·r·p = 2^17 · 65,535.
        ("lanes.pem", unencryptable_scrypt_key(1 << 14, 8, u16::MAX)),
        (
            "pbkdf2.pem",
            pbkdf2_sha512_key(tweevoud::key::MAX_PBKDF2_ITERATIONS + 1),
        ),
    ] {
        let run = import(dir.path(), name, &pem);
        assert_eq!(run.code, Some(2), "{name}: {}", run.stderr);
        assert_eq!(
            cli::error_code(run.stderr.as_bytes()).as_deref(),
            Some("kdf_too_costly"),
            "{name}: {}",
            run.stderr
        );
        assert!(
            run.cpu_seconds <= REFUSAL_BOUND,
            "{name}: {:.2} s",
            run.cpu_seconds
        );
    }
}

#[test]
fn contact_files_at_their_cap_are_read_within_the_bound() {
    let dir = tempfile::tempdir().unwrap();
    let key = common::test_key(3).verifying_key();
    let good = {
        use ed25519_dalek::pkcs8::EncodePublicKey;
        key.to_public_key_pem(pkcs8::LineEnding::LF).unwrap()
    };
    // The largest file a contact is read from (16 KiB), all of it base64.
    let mut big = String::from("-----BEGIN PUBLIC KEY-----\n");
    while big.len() < (16 << 10) - 100 {
        big.push_str(&"QUJD".repeat(16));
        big.push('\n');
    }
    big.push_str("-----END PUBLIC KEY-----\n");
    for (name, pem, code) in [("good.pem", good, 0), ("big.pem", big, 2)] {
        let file = dir.path().join(name);
        std::fs::write(&file, pem).unwrap();
        let run = tweevoud(
            dir.path(),
            &[
                OsStr::new("contact"),
                OsStr::new("add"),
                file.as_os_str(),
                OsStr::new("--name"),
                OsStr::new("Anne-Marie D'Hondt"),
                OsStr::new("--org"),
                OsStr::new("Brouwerij De Witte Kat BV"),
            ],
        );
        assert_eq!(run.code, Some(code), "{name}: {}", run.stderr);
        assert!(
            run.cpu_seconds <= REFUSAL_BOUND,
            "{name}: {:.2} s",
            run.cpu_seconds
        );
    }
}
