//! Sealed exemplars (renderer 3): checked by Tweevoud, and by validators no one here wrote
//! (poppler's `pdfsig`, pyHanko, qpdf, openssl). These tests run the real tools and fail when
//! one is missing (`scripts/setup.sh` installs them all, pyHanko into its venv).

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::Command as Bin;
use common::{at, dpa, dpa_complete, dpa_provider_signed, test_key};
use ed25519_dalek::SigningKey;
use tempfile::TempDir;
use tweevoud::pdf::{self, Exemplar, PdfError, Sealer};
use tweevoud::{Agreement, Coded, Party, Status};

// ---- the tools ----------------------------------------------------------------------------

/// Runs an external tool; a missing tool is a failure that says how to install it.
fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "{tool} is not installed: run scripts/setup.sh (it installs poppler-utils, qpdf, \
             openssl, and pyHanko into target/pyenv)"
        ),
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

/// The text a tool printed, on stdout and stderr.
fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// pyHanko's command ([`common::pyhanko`]).
fn pyhanko() -> String {
    common::pyhanko().to_str().unwrap().to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    haystack
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|at| at + from)
}

/// The hex digits of each signature's `/Contents<...>`, as offsets `[first digit, '>')`.
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

/// The CMS of a seal, as the hex of its `/Contents` gives it (trailing zero bytes included).
fn seal_der(pdf: &[u8], (start, end): (usize, usize)) -> Vec<u8> {
    let hex = std::str::from_utf8(&pdf[start..end]).unwrap();
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
        .collect()
}

/// Where the hex of the seal's signature value (the SignerInfo's last field, an ECDSA
/// signature in an OCTET STRING) starts, and how many hex digits it has: found by its DER
/// header `04 L 30 L-2 02` right before the end of the CMS.
fn signature_value_hex(pdf: &[u8], contents: (usize, usize)) -> (usize, usize) {
    let der = seal_der(pdf, contents);
    assert_eq!(der[1], 0x82, "a CMS of a few hundred bytes at least");
    let n = 4 + (usize::from(der[2]) << 8 | usize::from(der[3]));
    for l in 68..=74usize {
        let at = n - l - 2;
        if der[at] == 0x04 && usize::from(der[at + 1]) == l && der[at + 2] == 0x30 {
            return (contents.0 + 2 * (at + 2), 2 * l);
        }
    }
    panic!("no ECDSA signature value at the end of the seal");
}

/// The hex digit after `c` (`f` wraps to `0`): a changed but well-formed digit.
fn next_hex_digit(c: u8) -> u8 {
    b"0123456789abcdef"[((c as char).to_digit(16).unwrap() as usize + 1) % 16]
}

/// The last byte of data of the first page's content stream (the text people read).
fn last_byte_of_page_1(pdf: &[u8]) -> usize {
    let page = find(pdf, b"/Type/Page/", 0).expect("a page");
    let c = find(pdf, b"/Contents ", page).unwrap() + b"/Contents ".len();
    let num_end = c + pdf[c..].iter().position(|b| *b == b' ').unwrap();
    let num = std::str::from_utf8(&pdf[c..num_end]).unwrap();
    let obj = find(pdf, format!("\n{num} 0 obj").as_bytes(), 0).expect("the content stream");
    let end = find(pdf, b"endstream", obj).unwrap();
    // The end-of-line before `endstream` is not data.
    let mut last = end - 1;
    while matches!(pdf[last], b'\n' | b'\r') {
        last -= 1;
    }
    last
}

/// The certificates of every seal of `pdf`, each written as PEM by openssl from the CMS itself
/// (not through Tweevoud, [`common::printed_seal_certificates`]): `dir/cert-<n>.pem`, with its
/// subject.
fn certificates(pdf: &[u8], dir: &Path) -> Vec<(PathBuf, String)> {
    common::printed_seal_certificates(pdf)
        .into_iter()
        .enumerate()
        .map(|(i, all)| {
            let pem = dir.join(format!("cert-{}.pem", i + 1));
            let subject = all
                .lines()
                .find_map(|l| l.strip_prefix("subject="))
                .expect("a certificate")
                .trim()
                .to_string();
            let begin = all.find("-----BEGIN CERTIFICATE-----").unwrap();
            fs::write(&pem, &all[begin..]).unwrap();
            (pem, subject)
        })
        .collect()
}

/// pdfsig's verdicts, one per signature: (its validation line, whether it covers the file).
fn pdfsig(path: &Path) -> Vec<(String, bool)> {
    let out = run("pdfsig", &[s(path)]);
    let all = text(&out);
    let mut sigs = Vec::new();
    let mut total = None;
    for line in all.lines().map(str::trim) {
        if line == "- Total document signed" {
            total = Some(true);
        } else if line == "- Not total document signed" {
            total = Some(false);
        } else if let Some(v) = line.strip_prefix("- Signature Validation: ") {
            sigs.push((v.to_string(), total.take().unwrap_or(false)));
        }
    }
    sigs
}

/// Asserts pdfsig finds `n` signatures, each valid, and only the last one covering the file.
fn assert_pdfsig_valid(path: &Path, n: usize) {
    let sigs = pdfsig(path);
    assert_eq!(sigs.len(), n, "pdfsig {}: {sigs:?}", path.display());
    for (i, (verdict, total)) in sigs.iter().enumerate() {
        assert_eq!(
            verdict,
            "Signature is Valid.",
            "pdfsig, signature {}",
            i + 1
        );
        assert_eq!(
            *total,
            i == n - 1,
            "pdfsig, signature {}: only the last covers the whole file",
            i + 1
        );
    }
}

/// pyHanko's validation lines (`field:hash:INTACT:TRUSTED,...`), trusting `certs` only.
fn pyhanko_validate(path: &Path, certs: &[PathBuf]) -> (bool, Vec<String>, String) {
    let mut args = vec!["sign", "validate", "--trust-replace"];
    for c in certs {
        args.extend(["--trust", s(c)]);
    }
    args.push(s(path));
    let out = run(&pyhanko(), &args);
    let lines = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| l.starts_with("Tweevoud seal"))
        .map(str::to_string)
        .collect();
    (out.status.success(), lines, text(&out))
}

fn assert_pyhanko_intact_and_trusted(path: &Path, certs: &[PathBuf], n: usize) {
    let (ok, lines, all) = pyhanko_validate(path, certs);
    assert!(ok, "pyhanko validate {}: {all}", path.display());
    assert_eq!(lines.len(), n, "{all}");
    for (i, line) in lines.iter().enumerate() {
        assert!(
            line.starts_with(&format!("Tweevoud seal {}:", i + 1))
                && line.contains(":INTACT:TRUSTED"),
            "pyhanko: {line}"
        );
    }
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

// ---- Tweevoud's own view ------------------------------------------------------------------

/// Signs `agreement` as `party` with `key`.
fn signed_by(key: &SigningKey, name: &str) -> Agreement {
    let mut a = Agreement::new(dpa(), Party::Provider, at(9));
    a.sign(
        key,
        Party::Provider,
        Some(name),
        Some(Party::Customer),
        at(10),
    )
    .expect("the provider signs");
    a
}

/// The codes of the problems Tweevoud finds with the PDF itself, and the verdict's status.
fn problems(pdf: &[u8]) -> (Status, Vec<String>) {
    let v = pdf::verify_exemplar(pdf).expect("still an exemplar PDF");
    let codes = pdf::check_exemplar(pdf)
        .unwrap()
        .pdf
        .problems
        .iter()
        .map(|r| r.code().to_string())
        .collect();
    (v.verification.status, codes)
}

fn public(key: &SigningKey) -> [u8; 32] {
    key.verifying_key().to_bytes()
}

/// The PDFs every test looks at: the PDF to sign (sealed by the provider), exemplars 1 and 2
/// sealed by the customer, and exemplar 1 with the provider's second seal.
struct Pdfs {
    to_sign: Vec<u8>,
    one: Vec<u8>,
    two: Vec<u8>,
    twice: Vec<u8>,
}

fn pdfs() -> Pdfs {
    let awaiting = dpa_provider_signed();
    let complete = dpa_complete();
    let to_sign = pdf::render(
        &awaiting,
        Exemplar::ToSign,
        &Sealer::new(&awaiting, &test_key(1), None).unwrap(),
    )
    .unwrap();
    let customer = Sealer::new(&complete, &test_key(2), None).unwrap();
    let both = pdf::exemplars(&complete, &customer).unwrap();
    assert_eq!(
        both.iter().map(|e| e.exemplar).collect::<Vec<_>>(),
        [
            Exemplar::Copy(Party::Provider),
            Exemplar::Copy(Party::Customer)
        ]
    );
    let twice = pdf::add_seal(&both[0].bytes, &test_key(1), None).unwrap();
    Pdfs {
        to_sign,
        one: both[0].bytes.clone(),
        two: both[1].bytes.clone(),
        twice,
    }
}

#[test]
fn every_pdf_carries_one_seal_that_holds_by_the_party_that_made_it() {
    let p = pdfs();
    for (name, bytes, status, sealer) in [
        (
            "to sign",
            &p.to_sign,
            Status::AwaitingCountersignature,
            test_key(1),
        ),
        ("exemplar 1", &p.one, Status::Complete, test_key(2)),
        ("exemplar 2", &p.two, Status::Complete, test_key(2)),
    ] {
        let checked = pdf::check_exemplar(bytes).unwrap();
        assert!(
            checked.pdf.problems.is_empty(),
            "{name}: {:?}",
            checked.pdf.problems
        );
        assert!(checked.pdf.visible_document_matches, "{name}");
        assert_eq!(checked.pdf.seals.len(), 1, "{name}: exactly one seal");
        let seal = &checked.pdf.seals[0];
        assert_eq!(seal.number, 1, "{name}");
        assert_eq!(seal.ed25519, public(&sealer), "{name}: sealed by its maker");
        assert!(seal.token.is_none(), "{name}: no timestamp was asked for");
        let v = pdf::verify_exemplar(bytes).unwrap();
        assert_eq!(v.verification.status, status, "{name}");
        assert!(v.verification.problems.is_empty(), "{name}");
        assert_eq!(seal_hex(bytes).len(), 1, "{name}: one signature dictionary");
    }
    // The second seal: both hold, the customer's first, then the provider's.
    let checked = pdf::check_exemplar(&p.twice).unwrap();
    assert!(
        checked.pdf.problems.is_empty(),
        "{:?}",
        checked.pdf.problems
    );
    let seals: Vec<_> = checked
        .pdf
        .seals
        .iter()
        .map(|s| (s.number, s.ed25519))
        .collect();
    assert_eq!(
        seals,
        [(1, public(&test_key(2))), (2, public(&test_key(1)))]
    );
    assert_eq!(
        pdf::verify_exemplar(&p.twice).unwrap().verification.status,
        Status::Complete
    );
    assert!(
        p.twice.starts_with(&p.one),
        "the second seal is an incremental update"
    );
}

#[test]
fn the_same_agreement_and_key_give_the_same_bytes_and_another_signer_other_seal_bytes() {
    let complete = dpa_complete();
    let by = |seed: u8| {
        let sealer = Sealer::new(&complete, &test_key(seed), None).unwrap();
        pdf::render(&complete, Exemplar::Copy(Party::Customer), &sealer).unwrap()
    };
    let customer = by(2);
    assert_eq!(customer, by(2), "sealing is deterministic");
    let via_exemplars = pdf::exemplars(
        &complete,
        &Sealer::new(&complete, &test_key(2), None).unwrap(),
    )
    .unwrap();
    assert_eq!(
        via_exemplars[1].bytes, customer,
        "render and exemplars agree"
    );
    // The provider signed too, so it may seal: other bytes, but only inside the seal.
    let provider = by(1);
    assert_ne!(provider, customer);
    assert_eq!(provider.len(), customer.len());
    let [(start, end)] = seal_hex(&customer)[..] else {
        panic!("one seal")
    };
    assert_eq!(provider[..start], customer[..start]);
    assert_eq!(provider[end..], customer[end..]);
    let checked = pdf::check_exemplar(&provider).unwrap();
    assert!(checked.pdf.problems.is_empty());
    assert_eq!(checked.pdf.seals[0].ed25519, public(&test_key(1)));

    // A key that did not sign seals nothing: a stranger's, and the customer's before it signs.
    let refused = |a: &Agreement, seed: u8| match Sealer::new(a, &test_key(seed), None) {
        Err(e) => e.code(),
        Ok(_) => panic!("key {seed} may seal"),
    };
    assert_eq!(refused(&complete, 3), "not_a_signer");
    assert_eq!(refused(&dpa_provider_signed(), 2), "not_a_signer");
}

#[test]
fn pdfsig_pyhanko_and_qpdf_accept_every_seal() {
    let dir = TempDir::new().unwrap();
    let p = pdfs();
    for (name, bytes, seals, people) in [
        ("to-sign", &p.to_sign, 1, &["Tom Hendrix"][..]),
        ("exemplar-1", &p.one, 1, &["Anne-Marie D'Hondt"][..]),
        ("exemplar-2", &p.two, 1, &["Anne-Marie D'Hondt"][..]),
        (
            "exemplar-1-sealed-twice",
            &p.twice,
            2,
            &["Anne-Marie D'Hondt", "Tom Hendrix"][..],
        ),
    ] {
        let sub = dir.path().join(name);
        fs::create_dir(&sub).unwrap();
        let path = sub.join("file.pdf");
        fs::write(&path, bytes).unwrap();
        assert_pdfsig_valid(&path, seals);
        let certs = certificates(bytes, &sub);
        assert_eq!(certs.len(), seals, "{name}");
        for ((_, subject), person) in certs.iter().zip(people) {
            assert!(
                subject.contains(&format!("CN = {person}")),
                "{name}: {subject}"
            );
        }
        if name == "to-sign" {
            assert!(certs[0].1.contains("title = CEO"), "{}", certs[0].1);
            assert!(certs[0].1.contains("O = Xtreme Internet Solutions BV"));
        } else {
            assert!(certs[0].1.contains("title = Zaakvoerder"), "{}", certs[0].1);
            assert!(certs[0].1.contains("O = Brouwerij De Zwarte Kat BV"));
        }
        let pems: Vec<PathBuf> = certs.into_iter().map(|(p, _)| p).collect();
        assert_pyhanko_intact_and_trusted(&path, &pems, seals);
        assert_qpdf_check(&path);
    }
    // Trusting another certificate than the seal's, pyHanko does not call it trusted.
    let to_sign_cert = dir.path().join("to-sign/cert-1.pem");
    let (ok, lines, all) =
        pyhanko_validate(&dir.path().join("exemplar-1/file.pdf"), &[to_sign_cert]);
    assert!(!ok, "{all}");
    assert!(lines.iter().all(|l| !l.contains(":TRUSTED")), "{all}");
}

/// What every validator says of a PDF with one byte changed.
fn assert_everyone_refuses(
    dir: &Path,
    name: &str,
    bytes: &[u8],
    certs: &[PathBuf],
    codes: &[&str],
) {
    let path = dir.join(format!("{name}.pdf"));
    fs::write(&path, bytes).unwrap();
    let sigs = pdfsig(&path);
    assert!(
        !sigs.is_empty(),
        "{name}: pdfsig still finds the signatures"
    );
    assert!(
        sigs.iter()
            .any(|(v, _)| v == "Signature is Invalid." || v == "Digest Mismatch."),
        "{name}: pdfsig says {sigs:?}"
    );
    let (ok, lines, all) = pyhanko_validate(&path, certs);
    assert!(!ok, "{name}: pyHanko accepts it: {all}");
    assert!(
        lines.iter().any(|l| !l.contains(":INTACT:")),
        "{name}: pyHanko calls every seal intact: {all}"
    );
    let (status, found) = problems(bytes);
    assert_eq!(status, Status::Invalid, "{name}");
    assert!(
        codes.iter().any(|c| found.iter().any(|f| f == c)),
        "{name}: Tweevoud finds {found:?}, expected one of {codes:?}"
    );
}

#[test]
fn one_flipped_byte_in_the_text_or_the_seal_fails_every_validator() {
    let dir = TempDir::new().unwrap();
    let p = pdfs();
    let certs: Vec<PathBuf> = certificates(&p.twice, dir.path())
        .into_iter()
        .map(|(p, _)| p)
        .collect();

    // A byte of the first page's text stream, inside the range the seal signs.
    let mut text_flipped = p.one.clone();
    let at = last_byte_of_page_1(&text_flipped);
    assert!(
        at < seal_hex(&p.one)[0].0,
        "the content stream precedes the seal"
    );
    text_flipped[at] ^= 0x01;
    assert_everyone_refuses(
        dir.path(),
        "text",
        &text_flipped,
        &certs[..1],
        &["visible_differs"],
    );

    // One hex digit in the middle of the seal's signature value.
    let mut sig_flipped = p.one.clone();
    let (start, len) = signature_value_hex(&p.one, seal_hex(&p.one)[0]);
    sig_flipped[start + len / 2] = next_hex_digit(sig_flipped[start + len / 2]);
    assert_everyone_refuses(
        dir.path(),
        "signature",
        &sig_flipped,
        &certs[..1],
        &["seal_signature"],
    );
    // The same in the second seal: the first still holds for pdfsig, the second does not.
    let mut second_flipped = p.twice.clone();
    let (start, len) = signature_value_hex(&p.twice, seal_hex(&p.twice)[1]);
    second_flipped[start + len / 2] = next_hex_digit(second_flipped[start + len / 2]);
    assert_everyone_refuses(
        dir.path(),
        "second-signature",
        &second_flipped,
        &certs,
        &["seal_signature"],
    );
    let sigs = pdfsig(&dir.path().join("second-signature.pdf"));
    assert_eq!(sigs[0].0, "Signature is Valid.");
    assert_ne!(sigs[1].0, "Signature is Valid.");
    let checked = pdf::check_exemplar(&second_flipped).unwrap();
    assert_eq!(checked.pdf.seals.len(), 1, "seal 1 holds");
    assert!(checked
        .pdf
        .problems
        .iter()
        .any(|r| r.to_string().starts_with("seal 2")));
}

/// Appends an incremental update to `pdf` that gives it a new document information
/// dictionary, as any PDF editor may: well-formed (qpdf checks it), but not Tweevoud's.
fn with_new_info(pdf: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(pdf);
    let tail = &text[text.rfind("trailer").unwrap()..];
    let size: u32 = tail[tail.find("/Size ").unwrap() + 6..]
        .split(|c: char| !c.is_ascii_digit())
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let root = &tail[tail.find("/Root ").unwrap()..];
    let root = &root[..root.find(" R").unwrap() + 2];
    let prev = text.rfind("startxref\n").unwrap() + "startxref\n".len();
    let prev: usize = text[prev..].lines().next().unwrap().parse().unwrap();
    let mut out = pdf.to_vec();
    let at = out.len();
    out.extend(
        format!("{size} 0 obj\n<</Title(Another title)/Producer(another tool)>>\nendobj\n")
            .as_bytes(),
    );
    let xref = out.len();
    out.extend(
        format!(
            "xref\n0 1\n0000000000 65535 f \n{size} 1\n{at:010} 00000 n \ntrailer\n<</Size {}{root}/Info {size} 0 R/Prev {prev}>>\nstartxref\n{xref}\n%%EOF\n",
            size + 1
        )
        .as_bytes(),
    );
    out
}

#[test]
fn hostile_shapes_are_refused_with_their_reason() {
    let dir = TempDir::new().unwrap();
    let p = pdfs();
    let codes = |bytes: &[u8]| {
        let (status, codes) = problems(bytes);
        assert_eq!(status, Status::Invalid, "{codes:?}");
        codes
    };

    // The seal's /Contents zeroed: no seal.
    let mut zeroed = p.one.clone();
    let (start, end) = seal_hex(&p.one)[0];
    zeroed[start..end].fill(b'0');
    assert_eq!(codes(&zeroed), ["seal_missing"]);

    // The seal of another PDF swapped in: of the same signer over other bytes (the PDF to
    // sign, sealed by the provider, who signed this agreement too), and of someone who
    // signed another agreement only.
    let swap = |from: &[u8]| {
        let mut out = p.one.clone();
        let (s1, e1) = seal_hex(&p.one)[0];
        let (s2, e2) = seal_hex(from)[0];
        assert_eq!(e1 - s1, e2 - s2, "seals take the same room");
        out[s1..e1].copy_from_slice(&from[s2..e2]);
        out
    };
    assert_eq!(codes(&swap(&p.to_sign)), ["seal_signature"]);
    let stranger = signed_by(&test_key(3), "Tom Hendrix");
    let strangers = pdf::render(
        &stranger,
        Exemplar::ToSign,
        &Sealer::new(&stranger, &test_key(3), None).unwrap(),
    )
    .unwrap();
    assert_eq!(codes(&swap(&strangers)), ["seal_not_signer"]);
    let path = dir.path().join("swapped.pdf");
    fs::write(&path, swap(&p.to_sign)).unwrap();
    assert_ne!(pdfsig(&path)[0].0, "Signature is Valid.");

    // Bytes after %%EOF.
    let mut appended = p.one.clone();
    appended.extend_from_slice(b"\n% a comment\n");
    assert_eq!(codes(&appended), ["foreign_update"]);
    let mut appended = p.twice.clone();
    appended.push(b'\n');
    assert_eq!(codes(&appended), ["foreign_update"]);

    // An incremental update another program wrote: a new /Info by hand, and pyHanko's empty
    // signature field. pdfsig still calls the seal valid, but not of the whole document.
    let info = with_new_info(&p.one);
    let path = dir.path().join("info.pdf");
    fs::write(&path, &info).unwrap();
    assert_qpdf_check(&path);
    assert_eq!(pdfsig(&path), [("Signature is Valid.".to_string(), false)]);
    assert_eq!(codes(&info), ["foreign_update"]);
    let field = dir.path().join("field.pdf");
    let one = dir.path().join("one.pdf");
    fs::write(&one, &p.one).unwrap();
    let out = run(
        &pyhanko(),
        &[
            "sign",
            "addfields",
            "--field",
            "1/10,10,100,100/Another",
            s(&one),
            s(&field),
        ],
    );
    assert!(out.status.success(), "pyhanko addfields: {}", text(&out));
    let field = fs::read(&field).unwrap();
    assert!(field.starts_with(&p.one), "an incremental update");
    assert_eq!(codes(&field), ["foreign_update"]);
    // Even on top of both seals.
    assert_eq!(codes(&with_new_info(&p.twice)), ["foreign_update"]);

    // A second seal by the key that made the first; a third seal by anyone.
    let refused = |bytes: &[u8], seed: u8| match pdf::add_seal(bytes, &test_key(seed), None) {
        Err(e) => e.code(),
        Ok(_) => panic!("key {seed} added a seal"),
    };
    assert_eq!(refused(&p.one, 2), "sealed_already");
    assert_eq!(refused(&p.twice, 1), "sealed_twice");
    assert_eq!(refused(&p.twice, 2), "sealed_twice");
    // Nor does a key that did not sign add one, nor does a damaged PDF take one.
    assert_eq!(refused(&p.one, 3), "not_a_signer");
    assert_eq!(refused(&appended, 1), "not_intact");
    assert_eq!(refused(&zeroed, 1), "not_intact");
    assert!(matches!(
        pdf::add_seal(&p.to_sign, &test_key(3), None),
        Err(PdfError::NotASigner)
    ));
}

// ---- the CLI ------------------------------------------------------------------------------

#[test]
fn the_cli_exports_sealed_exemplars_that_verify_everywhere_and_twice_the_same() {
    let dir = TempDir::new().unwrap();
    let pass = dir.path().join("passphrase");
    fs::write(&pass, "de zwarte kat in Genk\n").unwrap();
    let tv = |hour: u32| {
        let mut cmd = Bin::cargo_bin("tweevoud").unwrap();
        cmd.env("TWEEVOUD_NOW", format!("2026-11-23T{hour:02}:00:00+01:00"))
            .env("TWEEVOUD_DATA_DIR", dir.path().join("data"))
            .env_remove("TWEEVOUD_PASSPHRASE");
        cmd
    };
    cli::make_key(tv(13), &cli::ANNE)
        .args(["--passphrase-file", s(&pass)])
        .assert()
        .success();
    let file = dir.path().join("dpa.tweevoud");
    fs::write(&file, dpa_provider_signed().to_json()).unwrap();
    // The provider's key is not this profile's: it cannot seal the PDF to sign.
    tv(13)
        .args(["export", s(&file), "--passphrase-file", s(&pass)])
        .assert()
        .failure();
    cli::fill_customer(tv(14), &file)
        .args(["--as", "customer"])
        .assert()
        .success();
    cli::sign(tv(15), &file, &cli::ANNE)
        .args(["--passphrase-file", s(&pass)])
        .assert()
        .success();
    let export = |out: &str| -> Vec<(String, PathBuf)> {
        let stdout = tv(16)
            .args(["export", s(&file), "-o", s(&dir.path().join(out))])
            .args(["--passphrase-file", s(&pass)])
            .assert()
            .success()
            .get_output()
            .stdout
            .clone();
        String::from_utf8(stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let (sha, path) = l.split_once("  ").expect("SHA-256, two spaces, path");
                (sha.to_string(), PathBuf::from(path))
            })
            .collect()
    };
    let first = export("one");
    let second = export("two");
    assert_eq!(first.len(), 2, "two exemplars");
    let sums = |v: &[(String, PathBuf)]| v.iter().map(|(s, _)| s.clone()).collect::<Vec<_>>();
    assert_eq!(
        sums(&first),
        sums(&second),
        "the same export gives the same bytes"
    );

    let customer = Agreement::load(&file).unwrap();
    let key = customer
        .signatures()
        .last()
        .unwrap()
        .statement
        .public_key_bytes()
        .unwrap();
    for (sha, path) in &first {
        let bytes = fs::read(path).unwrap();
        assert_eq!(*sha, tweevoud::canonical::sha256_hex(&bytes));
        let checked = pdf::check_exemplar(&bytes).unwrap();
        assert!(
            checked.pdf.problems.is_empty(),
            "{:?}",
            checked.pdf.problems
        );
        assert_eq!(checked.pdf.seals.len(), 1);
        assert_eq!(
            checked.pdf.seals[0].ed25519, key,
            "sealed by the profile's key"
        );
        let code = tv(16)
            .args(["verify", s(path)])
            .output()
            .unwrap()
            .status
            .code();
        assert!(
            matches!(code, Some(0 | 3)),
            "verify {}: {code:?}",
            path.display()
        );
        assert_pdfsig_valid(path, 1);
        let sub = path.with_extension("certs");
        fs::create_dir(&sub).unwrap();
        let certs: Vec<PathBuf> = certificates(&bytes, &sub)
            .into_iter()
            .map(|(p, _)| p)
            .collect();
        assert_pyhanko_intact_and_trusted(path, &certs, 1);
    }
}
