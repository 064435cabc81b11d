//! Qualified seals (docs/pdf.md, "The qualified seal"): exemplars sealed with a test eID card
//! (`common::eid::SoftCard`: the RSA-2048 and the P-384 fixtures of `tests/fixtures/eid`),
//! checked by validators no one here wrote: poppler's `pdfsig` with the test root in an NSS
//! database, pyHanko trusting the test root (and the tests' TSA), and `qpdf --check`; one
//! flipped byte in the seal is refused by them all. These tests run the real tools and fail
//! when one is missing (`scripts/setup.sh` installs them).

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use assert_cmd::Command as Bin;
use common::bound::{dpa_complete_bound, trust_test_root};
use common::eid::{eid_fixture, SoftCard};
use common::tsa::start_tsa;
use common::{dpa_complete, test_key};
use tempfile::TempDir;
use tweevoud::eid::{Card, CardError, CardHash};
use tweevoud::pdf::{self, EidSealer, Exemplar, PdfError, Sealer};
use tweevoud::{Coded, Party, Status};

// ---- the tools ----------------------------------------------------------------------------

fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "{tool} is not installed: run scripts/setup.sh (it installs poppler-utils, qpdf, \
             libnss3-tools, and pyHanko into target/pyenv)"
        ),
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// An NSS database in `dir` (an absolute path: pdfsig reads a relative one as another) that
/// trusts the test root to issue certificates (`CT,C,C`: for servers, e-mail and code; pdfsig
/// asks for an e-mail signer's).
fn nss_db(dir: &Path) -> String {
    let db = format!("sql:{}", s(dir));
    fs::create_dir_all(dir).unwrap();
    let out = run("certutil", &["-N", "-d", &db, "--empty-password"]);
    assert!(out.status.success(), "certutil -N: {}", text(&out));
    let root = common::fixture("eid").join("root.pem");
    let out = run(
        "certutil",
        &[
            "-A",
            "-n",
            "root",
            "-t",
            "CT,C,C",
            "-i",
            s(&root),
            "-d",
            &db,
        ],
    );
    assert!(out.status.success(), "certutil -A: {}", text(&out));
    db
}

/// pdfsig's lines about each signature: (validation, certificate validation).
fn pdfsig(db: &str, path: &Path) -> Vec<(String, String)> {
    let out = run("pdfsig", &["-nssdir", db, s(path)]);
    let all = text(&out);
    let mut sigs: Vec<(String, String)> = Vec::new();
    for line in all.lines().map(str::trim) {
        if let Some(v) = line.strip_prefix("- Signature Validation: ") {
            sigs.push((v.to_string(), String::new()));
        } else if let Some(v) = line.strip_prefix("- Certificate Validation: ") {
            if let Some(last) = sigs.last_mut() {
                last.1 = v.to_string();
            }
        }
    }
    sigs
}

/// pdfsig's certificate validation of an eID seal, its root trusted: the chain is found and
/// trusted. pdfsig (poppler 22.12) then asks the OCSP responder the certificate names, and the
/// fixtures name one that does not answer (127.0.0.1:1), which it reports as "Unknown issue
/// with Certificate" (as it does for a signature openssl makes with the same certificate, and
/// for any certificate with `-no-ocsp`); without the root in its database it says the issuer
/// is not trusted, and without the CA certificates in the seal that it is unknown.
fn assert_chain_accepted(validation: &str, name: &str) {
    assert!(
        matches!(
            validation,
            "Certificate is Trusted." | "Unknown issue with Certificate or corrupted data."
        ),
        "{name}: pdfsig says {validation:?}"
    );
}

/// pyHanko's `validate --pretty-print` report, trusting `certs` only. Its `sign validate`
/// does not read the OCSP answer a seal carries (only its AdES long-term validation does) and
/// asks the responder the certificate names, which for the fixtures does not answer: a
/// failure to reach it is not held against the seal (`--soft-revocation-check`).
fn pyhanko(path: &Path, certs: &[PathBuf]) -> (bool, String) {
    let mut args = vec![
        "sign",
        "validate",
        "--pretty-print",
        "--soft-revocation-check",
        "--trust-replace",
    ];
    for c in certs {
        args.extend(["--trust", s(c)]);
    }
    args.push(s(path));
    let out = run(common::pyhanko().to_str().unwrap(), &args);
    (out.status.success(), text(&out))
}

/// pyHanko's one-line summaries (`field:...:INTACT:TRUSTED,...`), trusting `certs` only, the
/// responder not answering held against no one (as [`pyhanko`]), with `more` arguments.
fn pyhanko_lines(path: &Path, certs: &[PathBuf], more: &[&str]) -> (bool, Vec<String>, String) {
    let mut args = vec![
        "sign",
        "validate",
        "--soft-revocation-check",
        "--trust-replace",
    ];
    args.extend(more);
    for c in certs {
        args.extend(["--trust", s(c)]);
    }
    args.push(s(path));
    let out = run(common::pyhanko().to_str().unwrap(), &args);
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("Tweevoud seal"))
        .map(str::to_string)
        .collect();
    (out.status.success(), lines, text(&out))
}

fn assert_qpdf_check(path: &Path) {
    let out = run("qpdf", &["--check", s(path)]);
    assert!(
        out.status.success(),
        "qpdf --check {}: {}",
        path.display(),
        text(&out)
    );
}

// ---- the PDFs -----------------------------------------------------------------------------

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// The offsets of each signature's `/Contents` hex digits: `[first digit, '>')`.
fn seal_hex(pdf: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = find(pdf, b"/Contents<", from) {
        let start = at + b"/Contents<".len();
        let end = find(pdf, b">", start).expect("a closed /Contents");
        out.push((start, end));
        from = end;
    }
    out
}

/// The DER of the seal at `contents` (without the zeros after it).
fn seal_der(pdf: &[u8], (start, end): (usize, usize)) -> Vec<u8> {
    let der = hex::decode(&pdf[start..end]).unwrap();
    assert_eq!(der[1], 0x82, "a CMS of a few kilobytes");
    let n = 4 + (usize::from(der[2]) << 8 | usize::from(der[3]));
    der[..n].to_vec()
}

/// Where the hex of the signature value (the SignerInfo's OCTET STRING after its signature
/// algorithm) starts, and how many hex digits it has.
fn signature_value_hex(pdf: &[u8], contents: (usize, usize), card: &SoftCard) -> (usize, usize) {
    let der = seal_der(pdf, contents);
    // The signature algorithm's DER, then the OCTET STRING's header.
    let (algorithm, lengths): (&[u8], &[usize]) = match card.hash() {
        CardHash::Sha256 => (
            &[
                0x30, 0x0D, 0x06, 0x09, 0x2A, 0x86, 0x48, 0x86, 0xF7, 0x0D, 0x01, 0x01, 0x0B, 0x05,
                0x00,
            ],
            &[256],
        ),
        CardHash::Sha384 => (
            &[
                0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03,
            ],
            &[102, 103, 104],
        ),
    };
    // Its last occurrence: the certificates before the SignerInfo name it too.
    let at = der
        .windows(algorithm.len())
        .rposition(|w| w == algorithm)
        .expect("the signature algorithm")
        + algorithm.len();
    assert_eq!(der[at], 0x04, "the signature value's OCTET STRING");
    let (len, header) = match der[at + 1] {
        0x81 => (usize::from(der[at + 2]), 3),
        0x82 => (usize::from(der[at + 2]) << 8 | usize::from(der[at + 3]), 4),
        n => (usize::from(n), 2),
    };
    assert!(lengths.contains(&len), "a signature of {len} bytes");
    (contents.0 + 2 * (at + header), 2 * len)
}

/// The hex digit after `c` (`f` wraps to `0`).
fn next_hex_digit(c: u8) -> u8 {
    b"0123456789abcdef"[((c as char).to_digit(16).unwrap() as usize + 1) % 16]
}

/// The OCSP answer the fixtures keep for a card's certificate.
fn ocsp(card: &str) -> Vec<u8> {
    eid_fixture(&format!("ocsp-{card}-sign.der"))
}

/// The test root, and the TSA's CA when one is used, as PEM files pyHanko trusts.
fn trusted(extra: Option<&Path>) -> Vec<PathBuf> {
    let mut certs = vec![common::fixture("eid").join("root.pem")];
    certs.extend(extra.map(Path::to_path_buf));
    certs
}

// ---- the tests ----------------------------------------------------------------------------

#[test]
fn exemplars_sealed_with_either_card_are_valid_for_pdfsig_pyhanko_and_qpdf() {
    let dir = TempDir::new().unwrap();
    let db = nss_db(&dir.path().join("nss"));
    let tsa = start_tsa(&dir.path().join("tsa"), "rsa");
    let tsa_ca = tsa.dir.join("ca.pem");
    let stamp = |signature: &[u8]| {
        tweevoud::timestamp::ask(&tsa.url, signature, Duration::from_secs(10)).ok()
    };
    let complete = dpa_complete();
    for (name, card, answer) in [
        ("rsa", SoftCard::rsa(), ocsp("rsa")),
        ("ec", SoftCard::ec(), ocsp("ec")),
    ] {
        let sealer = Sealer::with_card(&card, Some(answer.clone()), Some(&stamp)).unwrap();
        let pdfs = pdf::exemplars(&complete, &sealer).unwrap();
        assert_eq!(pdfs.len(), 2);
        // The bytes outside /Contents are those of the exemplar a companion seals.
        let companion = pdf::exemplars(
            &complete,
            &Sealer::new(&complete, &test_key(2), None).unwrap(),
        )
        .unwrap();
        for (i, (ours, theirs)) in pdfs.iter().zip(&companion).enumerate() {
            let bytes = &ours.bytes;
            assert_eq!(bytes.len(), theirs.bytes.len(), "{name} {i}");
            let [(start, end)] = seal_hex(bytes)[..] else {
                panic!("one seal")
            };
            assert_eq!(bytes[..start], theirs.bytes[..start], "{name} {i}");
            assert_eq!(bytes[end..], theirs.bytes[end..], "{name} {i}");
            // The seal carries the OCSP answer and all three certificates.
            let der = seal_der(bytes, (start, end));
            assert!(find(&der, &answer, 0).is_some(), "{name}: the OCSP answer");
            for cert in [card.certificate()]
                .into_iter()
                .chain(card.chain().iter().map(Vec::as_slice))
            {
                assert!(find(&der, cert, 0).is_some(), "{name}: a certificate");
            }

            let path = dir.path().join(format!("{name}-{}.pdf", i + 1));
            fs::write(&path, bytes).unwrap();
            let sigs = pdfsig(&db, &path);
            assert_eq!(sigs.len(), 1, "{name}: {sigs:?}");
            assert_eq!(sigs[0].0, "Signature is Valid.", "{name}: {sigs:?}");
            assert_chain_accepted(&sigs[0].1, name);

            let (ok, report) = pyhanko(&path, &trusted(Some(&tsa_ca)));
            assert!(ok, "{name}: {report}");
            assert!(
                report.contains("The signer's certificate is trusted."),
                "{name}: {report}"
            );
            assert!(
                report.contains("The timestamp token is cryptographically sound."),
                "{name}: {report}"
            );
            assert!(
                report.contains("The TSA certificate is trusted."),
                "{name}: {report}"
            );
            let (ok, lines, all) = pyhanko_lines(&path, &trusted(Some(&tsa_ca)), &[]);
            assert!(ok, "{name}: {all}");
            assert!(
                lines.len() == 1 && lines[0].contains(":INTACT:TRUSTED"),
                "{name}: {all}"
            );
            assert_qpdf_check(&path);
        }
    }
}

#[test]
fn an_eid_seal_goes_in_as_the_other_partys_seal_too() {
    let dir = TempDir::new().unwrap();
    let db = nss_db(&dir.path().join("nss"));
    let complete = dpa_complete();
    // Exemplar 1, sealed by the customer's companion; the provider adds his eID's seal.
    let one = pdf::render(
        &complete,
        Exemplar::Copy(Party::Provider),
        &Sealer::new(&complete, &test_key(2), None).unwrap(),
    )
    .unwrap();
    let card = SoftCard::rsa();
    let twice = pdf::add_card_seal(&one, &card, Some(ocsp("rsa")), None).unwrap();
    assert!(twice.starts_with(&one), "an incremental update");
    // Its bytes outside the second /Contents are those of the companion's second seal.
    let companion = pdf::add_seal(&one, &test_key(1), None).unwrap();
    let [_, (start, end)] = seal_hex(&twice)[..] else {
        panic!("two seals")
    };
    assert_eq!(twice.len(), companion.len());
    assert_eq!(twice[..start], companion[..start]);
    assert_eq!(twice[end..], companion[end..]);

    let path = dir.path().join("twice.pdf");
    fs::write(&path, &twice).unwrap();
    let sigs = pdfsig(&db, &path);
    assert_eq!(sigs.len(), 2, "{sigs:?}");
    assert!(
        sigs.iter().all(|(v, _)| v == "Signature is Valid."),
        "{sigs:?}"
    );
    assert_chain_accepted(&sigs[1].1, "the second seal");
    // pyHanko, trusting the customer's seal certificate and the test root.
    let seal_1 = dir.path().join("seal-1.pem");
    common::seal_certificate(&path, 0, &seal_1);
    let (ok, lines, all) = pyhanko_lines(
        &path,
        &[seal_1, common::fixture("eid").join("root.pem")],
        &[],
    );
    assert!(ok, "{all}");
    assert_eq!(lines.len(), 2, "{all}");
    assert!(lines.iter().all(|l| l.contains(":INTACT:TRUSTED")), "{all}");
    assert_qpdf_check(&path);
}

#[test]
fn a_flipped_byte_in_an_eid_seal_is_refused_by_pdfsig_and_pyhanko() {
    let dir = TempDir::new().unwrap();
    let db = nss_db(&dir.path().join("nss"));
    let complete = dpa_complete();
    for (name, card) in [("rsa", SoftCard::rsa()), ("ec", SoftCard::ec())] {
        let sealer = Sealer::with_card(&card, Some(ocsp(name)), None).unwrap();
        let good = pdf::render(&complete, Exemplar::Copy(Party::Customer), &sealer).unwrap();
        let mut bad = good.clone();
        let (start, len) = signature_value_hex(&good, seal_hex(&good)[0], &card);
        bad[start + len / 2] = next_hex_digit(bad[start + len / 2]);
        let path = dir.path().join(format!("{name}.pdf"));
        fs::write(&path, &bad).unwrap();
        let sigs = pdfsig(&db, &path);
        assert_eq!(sigs.len(), 1, "{name}: {sigs:?}");
        assert_ne!(sigs[0].0, "Signature is Valid.", "{name}: {sigs:?}");
        let (ok, lines, all) = pyhanko_lines(&path, &trusted(None), &[]);
        assert!(!ok, "{name}: pyHanko accepts it: {all}");
        assert!(
            lines.iter().all(|l| !l.contains(":INTACT:")),
            "{name}: {all}"
        );
        // The good one is valid to both; so is one without an OCSP answer.
        let bare = Sealer::with_card(&card, None, None).unwrap();
        let bare = pdf::render(&complete, Exemplar::Copy(Party::Customer), &bare).unwrap();
        for good in [good, bare] {
            fs::write(&path, &good).unwrap();
            assert_eq!(pdfsig(&db, &path)[0].0, "Signature is Valid.", "{name}");
            let (ok, lines, all) = pyhanko_lines(&path, &trusted(None), &[]);
            assert!(ok && lines[0].contains(":INTACT:TRUSTED"), "{name}: {all}");
        }
    }
}

/// A card that cannot sign: removed halfway.
struct RemovedCard(SoftCard);

impl Card for RemovedCard {
    fn certificate(&self) -> &[u8] {
        self.0.certificate()
    }

    fn chain(&self) -> &[Vec<u8>] {
        self.0.chain()
    }

    fn hash(&self) -> CardHash {
        self.0.hash()
    }

    fn sign_digest(&self, _: &[u8]) -> Result<Vec<u8>, CardError> {
        Err(CardError::CardRemoved)
    }
}

#[test]
fn fail_a_card_that_does_not_sign_or_whose_certificates_do_not_fit() {
    let complete = dpa_complete();
    let removed = RemovedCard(SoftCard::ec());
    let sealer = Sealer::with_card(&removed, None, None).unwrap();
    let e = pdf::exemplars(&complete, &sealer).unwrap_err();
    assert_eq!(e.code(), "eid_seal_card");
    assert!(matches!(e, PdfError::Card(CardError::CardRemoved)));
    // An OCSP answer that cannot fit beside the certificates is refused before the card signs.
    let card = SoftCard::rsa();
    let mut huge = vec![0x30, 0x82, 0x3F, 0xFC, 0x04, 0x82, 0x3F, 0xF8];
    huge.resize(16 << 10, 0);
    let sealer = Sealer::with_card(&card, Some(huge), None).unwrap();
    let e = pdf::render(&complete, Exemplar::Copy(Party::Customer), &sealer).unwrap_err();
    assert_eq!(e.code(), "eid_seal_too_large");
}

/// The codes of the problems Tweevoud finds with the PDF itself.
fn problems(pdf: &[u8]) -> Vec<String> {
    pdf::check_exemplar(pdf)
        .unwrap()
        .pdf
        .problems
        .iter()
        .map(|r| r.code().to_string())
        .collect()
}

/// `tweevoud verify FILE` in an empty profile, trusting the test root when `trusted`: its
/// exit code and what it printed.
fn verify_cli(dir: &Path, file: &Path, trusted: bool) -> (Option<i32>, String) {
    let mut cmd = Bin::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_DATA_DIR", dir.join("data"))
        .env_remove("TWEEVOUD_TEST_EID_ROOTS");
    if trusted {
        cmd.env(
            "TWEEVOUD_TEST_EID_ROOTS",
            common::fixture("eid").join("root.pem"),
        );
    }
    let out = cmd.args(["verify", s(file)]).output().unwrap();
    (out.status.code(), text(&out))
}

#[test]
fn verify_accepts_an_eid_seal_by_a_signer_whose_binding_names_its_holder() {
    trust_test_root();
    let dir = TempDir::new().unwrap();
    let complete = dpa_complete_bound();
    // Anne-Marie D'Hondt seals both exemplars with her P-384 card, with its OCSP answer.
    let anne = SoftCard::ec();
    let sealer = Sealer::with_card(&anne, Some(ocsp("ec")), None).unwrap();
    let pdfs = pdf::exemplars(&complete, &sealer).unwrap();
    for e in &pdfs {
        let checked = pdf::check_exemplar(&e.bytes).unwrap();
        assert!(
            checked.pdf.problems.is_empty(),
            "{:?}",
            checked.pdf.problems
        );
        assert!(checked.pdf.visible_document_matches);
        let [seal] = &checked.pdf.seals[..] else {
            panic!("one seal")
        };
        assert_eq!(seal.ed25519, test_key(2).verifying_key().to_bytes());
        assert_eq!(
            seal.eid,
            Some(EidSealer {
                holder: "Anne-Marie D'Hondt".into(),
                revocation_checked: true,
            })
        );
        assert_eq!(seal.certificate, anne.certificate());
        let v = pdf::verify_exemplar(&e.bytes).unwrap();
        assert_eq!(v.verification.status, Status::Complete);
    }
    // Tom Hendrix adds his RSA card's seal to exemplar 1, without an OCSP answer: both hold;
    // her card seals no more.
    let tom = SoftCard::rsa();
    let twice = pdf::add_card_seal(&pdfs[0].bytes, &tom, None, None).unwrap();
    let checked = pdf::check_exemplar(&twice).unwrap();
    assert!(
        checked.pdf.problems.is_empty(),
        "{:?}",
        checked.pdf.problems
    );
    let holders: Vec<_> = checked
        .pdf
        .seals
        .iter()
        .map(|s| s.eid.as_ref().map(|e| e.holder.as_str()))
        .collect();
    assert_eq!(holders, [Some("Anne-Marie D'Hondt"), Some("Tom Hendrix")]);
    let again = pdf::add_card_seal(&pdfs[1].bytes, &anne, None, None).unwrap_err();
    assert_eq!(again.code(), "sealed_already");

    // The CLI: trusting the test root, authentic and sealed with the eID; trusting only the
    // Belgian roots, refused (exit 1).
    let path = dir.path().join("exemplar-1.pdf");
    fs::write(&path, &twice).unwrap();
    let (code, out) = verify_cli(dir.path(), &path, true);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.contains("seal 1: sealed with the Belgian eID of Anne-Marie D'Hondt (a qualified seal) for the customer"),
        "{out}"
    );
    assert!(
        out.contains("seal 2: sealed with the Belgian eID of Tom Hendrix"),
        "{out}"
    );
    assert!(
        !out.contains("85073003328"),
        "the national number is never shown: {out}"
    );
    let (code, out) = verify_cli(dir.path(), &path, false);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the eID seal's certificate does not chain to a trusted root"),
        "{out}"
    );
}

#[test]
fn fail_an_eid_seal_by_someone_no_binding_names_or_with_a_flipped_byte() {
    trust_test_root();
    let dir = TempDir::new().unwrap();
    // Nobody bound a key here: Tom's card seals an agreement he signed with a plain key.
    let complete = dpa_complete();
    let card = SoftCard::rsa();
    let sealer = Sealer::with_card(&card, None, None).unwrap();
    let unbound = pdf::render(&complete, Exemplar::Copy(Party::Provider), &sealer).unwrap();
    assert_eq!(problems(&unbound), ["eid_seal_not_signer"]);
    let path = dir.path().join("unbound.pdf");
    fs::write(&path, &unbound).unwrap();
    let (code, out) = verify_cli(dir.path(), &path, true);
    assert_eq!(code, Some(1), "{out}");
    // A flipped byte in the seal's signature.
    let bound = dpa_complete_bound();
    let good = pdf::render(&bound, Exemplar::Copy(Party::Provider), &sealer).unwrap();
    assert!(problems(&good).is_empty());
    let mut bad = good.clone();
    let (start, len) = signature_value_hex(&good, seal_hex(&good)[0], &card);
    bad[start + len / 2] = next_hex_digit(bad[start + len / 2]);
    assert_eq!(problems(&bad), ["eid_seal_signature"]);
    fs::write(&path, &bad).unwrap();
    let (code, out) = verify_cli(dir.path(), &path, true);
    assert_eq!(code, Some(1), "{out}");
    assert!(
        out.contains("the eID seal's signature does not hold"),
        "{out}"
    );
}

/// The story through the binary, with SoftHSM2 tokens laid out as the eID (the fixtures' PKI,
/// whose OCSP responder does not answer): both parties bind their keys and sign; the customer
/// exports the exemplars sealed with her eID (`export --eid`), the provider adds his eID's
/// seal to exemplar 1 (`seal --eid`); `verify` trusting the tests' root finds them authentic
/// and says whose eIDs sealed them, and pdfsig calls each seal valid.
#[test]
fn export_and_seal_with_the_eid_through_the_cli() {
    use common::token::{CardKind, SoftHsm, PIN};
    let dir = TempDir::new().unwrap();
    let root = common::fixture("eid").join("root.pem");
    let (tom_hsm, anne_hsm) = (SoftHsm::card(CardKind::Rsa), SoftHsm::card(CardKind::Ec));
    let side = |data: &str, hsm: &SoftHsm| {
        let mut cmd = Bin::cargo_bin("tweevoud").unwrap();
        cmd.env("TWEEVOUD_NOW", "2026-11-23T09:00:00+01:00")
            .env("TWEEVOUD_DATA_DIR", dir.path().join(data))
            .env("SOFTHSM2_CONF", hsm.conf())
            .env("TWEEVOUD_TEST_EID_ROOTS", &root)
            .env("TWEEVOUD_PASSPHRASE", "Dilsen-Stokkem 428 Rijksweg")
            .env("TWEEVOUD_PIN", PIN);
        cmd
    };
    let with_card = |mut cmd: Bin, hsm: &SoftHsm, args: &[&str]| {
        cmd.args(args).arg("--pkcs11-module").arg(hsm.module());
        cmd
    };
    for (data, hsm, who) in [
        ("tom", &tom_hsm, &cli::TOM),
        ("anne", &anne_hsm, &cli::ANNE),
    ] {
        cli::make_key(side(data, hsm), who).assert().success();
        with_card(side(data, hsm), hsm, &["eid", "bind", "--key", who.name])
            .assert()
            .success();
    }
    let draft = dir.path().join("dpa.tweevoud");
    cli::new_dpa(side("tom", &tom_hsm), &draft)
        .assert()
        .success();
    cli::sign(side("tom", &tom_hsm), &draft, &cli::TOM)
        .args(["--leave-open-for", "customer", "--no-timestamp"])
        .assert()
        .success();
    // Before she signs, no binding of the agreement names her: her card seals nothing.
    let none = dir.path().join("none");
    let refused = with_card(
        side("anne", &anne_hsm),
        &anne_hsm,
        &[
            "export",
            s(&draft),
            "--eid",
            "--no-timestamp",
            "-o",
            s(&none),
        ],
    )
    .output()
    .unwrap();
    assert_ne!(refused.status.code(), Some(0), "{}", text(&refused));
    assert!(
        text(&refused).contains(
            "no signature of this agreement is by a key bound to the eID of Anne-Marie D'Hondt"
        ),
        "{}",
        text(&refused)
    );
    assert!(!none.exists());
    cli::fill_customer(side("anne", &anne_hsm), &draft)
        .assert()
        .success();
    cli::sign(side("anne", &anne_hsm), &draft, &cli::ANNE)
        .arg("--no-timestamp")
        .assert()
        .success();

    let out_dir = dir.path().join("pdfs");
    let export = with_card(
        side("anne", &anne_hsm),
        &anne_hsm,
        &[
            "export",
            s(&draft),
            "--eid",
            "--no-timestamp",
            "-o",
            s(&out_dir),
        ],
    )
    .assert()
    .success();
    let listed = String::from_utf8_lossy(&export.get_output().stdout).to_string();
    let pdfs: Vec<PathBuf> = listed
        .lines()
        .filter_map(|l| l.split_once("  ").map(|(_, p)| PathBuf::from(p)))
        .filter(|p| p.extension().is_some_and(|e| e == "pdf"))
        .collect();
    assert_eq!(pdfs.len(), 2, "{listed}");
    let one = pdfs
        .iter()
        .find(|p| p.to_string_lossy().contains("exemplaar-1"))
        .expect("exemplar 1")
        .clone();
    with_card(
        side("tom", &tom_hsm),
        &tom_hsm,
        &["seal", s(&one), "--eid", "--no-timestamp"],
    )
    .assert()
    .success();

    let db = nss_db(&dir.path().join("nss"));
    for pdf in &pdfs {
        let out = side("judge", &tom_hsm)
            .args(["verify", s(pdf)])
            .output()
            .unwrap();
        let said = text(&out);
        assert_eq!(out.status.code(), Some(0), "{said}");
        assert!(
            said.contains("sealed with the Belgian eID of Anne-Marie D'Hondt"),
            "{said}"
        );
        let sigs = pdfsig(&db, pdf);
        assert!(
            sigs.iter().all(|(v, _)| v == "Signature is Valid."),
            "{sigs:?}"
        );
    }
    let out = side("judge", &tom_hsm)
        .args(["verify", s(&one)])
        .output()
        .unwrap();
    assert!(
        text(&out).contains("seal 2: sealed with the Belgian eID of Tom Hendrix"),
        "{}",
        text(&out)
    );
}
