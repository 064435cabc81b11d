//! Exemplar PDFs, checked with tools no one here wrote: poppler's pdftotext, pdffonts and
//! pdftoppm, and qpdf. These tests run the real tools and fail when they are missing
//! (`scripts/setup.sh` installs them).

#[path = "common/cli.rs"]
mod cli;
mod common;

use std::fs;
use std::io::ErrorKind;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::Command as Bin;
use common::{at, dpa_complete, dpa_provider_signed, fixture, set, test_key, tokens};
use predicates::prelude::*;
use tempfile::TempDir;
use tweevoud::key::PublicKey;
use tweevoud::pdf::{self, Exemplar, ExemplarPdf, PdfError};
use tweevoud::{Agreement, Coded, Party, Status, Template};

/// Runs an external tool; a missing tool is a failure that says how to install it.
fn run(tool: &str, args: &[&str]) -> Output {
    match Command::new(tool).args(args).output() {
        Ok(out) => out,
        Err(e) if e.kind() == ErrorKind::NotFound => panic!(
            "{tool} is not installed: run scripts/setup.sh (it installs poppler-utils and qpdf)"
        ),
        Err(e) => panic!("cannot run {tool}: {e}"),
    }
}

fn run_ok(tool: &str, args: &[&str]) -> String {
    let out = run(tool, args);
    assert!(
        out.status.success(),
        "{tool} {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Writes the exemplars of `agreement` into `dir`.
fn write_all(agreement: &Agreement, dir: &Path) -> Vec<(ExemplarPdf, PathBuf)> {
    pdf::exemplars(agreement, &common::sealer(agreement))
        .unwrap()
        .into_iter()
        .map(|e| {
            let path = dir.join(&e.file_name);
            fs::write(&path, &e.bytes).unwrap();
            (e, path)
        })
        .collect()
}

/// The tokens of a PDF's text, without its page footers.
fn pdf_tokens(path: &Path, label: &str) -> Vec<String> {
    let text = run_ok("pdftotext", &["-enc", "UTF-8", s(path), "-"]);
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(&format!("{label} · ")))
        .collect();
    tokens(&kept.join("\n"))
}

/// Asserts that `got` starts with the agreement's canonical text, word for word, and returns
/// what follows (the signature block), tokens joined without white space.
fn assert_text_then_rest(agreement: &Agreement, got: &[String]) -> String {
    let expected = tokens(&agreement.render_text());
    if let Some(i) = expected.iter().zip(got).position(|(a, b)| a != b) {
        let from = i.saturating_sub(8);
        panic!(
            "word {i} differs.\n agreement: {:?}\n pdftotext: {:?}",
            &expected[from..(i + 8).min(expected.len())],
            &got[from..(i + 8).min(got.len())]
        );
    }
    assert!(got.len() > expected.len(), "the signature block follows");
    assert!(
        expected.len() > 900,
        "the whole DPA ({} tokens)",
        expected.len()
    );
    got[expected.len()..].concat()
}

fn squeezed(text: &str) -> String {
    tokens(text).concat()
}

#[test]
fn complete_exemplars_carry_the_text_word_for_word_and_the_signature_block() {
    let dir = TempDir::new().unwrap();
    let agreement = dpa_complete();
    let written = write_all(&agreement, dir.path());
    let names: Vec<&str> = written.iter().map(|(e, _)| e.file_name.as_str()).collect();
    assert_eq!(
        names,
        [
            "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-exemplaar-1-van-2.pdf",
            "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-exemplaar-2-van-2.pdf"
        ]
    );
    for ((exemplar, path), label) in written.iter().zip([
        "Exemplaar 1 van 2 — voor XIS",
        "Exemplaar 2 van 2 — voor de Klant",
    ]) {
        assert_eq!(exemplar.exemplar.label(&agreement), label);
        let text = run_ok("pdftotext", &["-enc", "UTF-8", s(path), "-"]);
        let pages = run_ok("pdfinfo", &[s(path)])
            .lines()
            .find_map(|l| {
                l.strip_prefix("Pages:")
                    .map(|n| n.trim().parse::<usize>().unwrap())
            })
            .unwrap();
        for page in 1..=pages {
            let footer = format!(
                "{label} · Vingerafdruk van de tekst {} · Pagina {page} van {pages}",
                pdf::text_fingerprint(&agreement)
            );
            assert!(text.contains(&footer), "{footer:?} on page {page}");
        }
        let rest = assert_text_then_rest(&agreement, &pdf_tokens(path, label));
        let mut items = vec![squeezed("Digitale handtekeningen")];
        for (record, (org, designation, time)) in agreement.signatures().iter().zip([
            (
                "Xtreme Internet Solutions BV",
                "XIS",
                "23 november 2026 om 10:00:00 (UTC+01:00)",
            ),
            (
                "Brouwerij De Zwarte Kat BV",
                "de Klant",
                "23 november 2026 om 15:00:00 (UTC+01:00)",
            ),
        ]) {
            let st = &record.statement;
            let key = PublicKey::from_base64(&st.public_key).unwrap();
            items.extend([
                squeezed(&format!("Voor {designation}: {org}")),
                squeezed(&format!("Naam: {}", st.signer.name)),
                squeezed(&format!("Functie: {}", st.signer.function)),
                squeezed(&format!("Ondertekend op: {time}")),
                squeezed("digitaal ondertekend met Ed25519"),
                squeezed(&format!(
                    "Vingerafdruk van de sleutel: {}",
                    key.fingerprint()
                )),
                squeezed(&format!("Handtekening (base64): {}", record.signature)),
            ]);
        }
        let mut at = 0;
        for item in items {
            let found = rest[at..]
                .find(&item)
                .unwrap_or_else(|| panic!("{item:?} in the signature block of {label}"));
            at += found + item.len();
        }
    }
}

#[test]
fn the_agreement_file_is_named_after_where_it_stands() {
    let name = |a: &Agreement| pdf::agreement_file_name(a);
    assert_eq!(
        name(&Agreement::new(common::dpa(), Party::Provider, at(9))),
        "verwerkersovereenkomst.tweevoud"
    );
    assert_eq!(
        name(&dpa_provider_signed()),
        "verwerkersovereenkomst-ter-ondertekening.tweevoud"
    );
    assert_eq!(
        name(&common::dpa_customer_filled()),
        "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-ter-ondertekening.tweevoud"
    );
    // Signed by both: no longer "to sign", whatever file it was opened from.
    assert_eq!(
        name(&dpa_complete()),
        "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-ondertekend.tweevoud"
    );
}

#[test]
fn the_pdf_to_send_shows_open_blanks_and_an_empty_signature_slot() {
    let dir = TempDir::new().unwrap();
    let agreement = dpa_provider_signed();
    let written = write_all(&agreement, dir.path());
    assert_eq!(written.len(), 1);
    let (e, path) = &written[0];
    assert_eq!(e.exemplar, Exemplar::ToSign);
    assert_eq!(e.file_name, "verwerkersovereenkomst-ter-ondertekening.pdf");
    let label = "Ter ondertekening door de Klant";
    let rest = assert_text_then_rest(&agreement, &pdf_tokens(path, label));
    assert!(agreement.render_text().contains("[Naam van de Klant]"));
    for item in [
        "Voor XIS: Xtreme Internet Solutions BV",
        "digitaal ondertekend met Ed25519",
        "Voor de Klant: [Naam van de Klant]",
        "nog te ondertekenen",
    ] {
        assert!(rest.contains(&squeezed(item)), "{item:?}");
    }
}

#[test]
fn qpdf_check_passes_fonts_are_embedded_and_the_agreement_is_attached() {
    let dir = TempDir::new().unwrap();
    let mut all = write_all(&dpa_complete(), dir.path());
    all.extend(write_all(&dpa_provider_signed(), dir.path()));
    for (e, path) in &all {
        let check = run("qpdf", &["--check", s(path)]);
        assert!(
            check.status.success(),
            "qpdf --check {}: {}",
            e.file_name,
            String::from_utf8_lossy(&check.stdout)
        );

        let fonts = run_ok("pdffonts", &[s(path)]);
        let rows: Vec<&str> = fonts.lines().skip(2).collect();
        assert_eq!(rows.len(), 2, "regular and bold: {fonts}");
        for row in rows {
            let cols: Vec<&str> = row.split_whitespace().collect();
            // name, type (2 words), encoding, emb, sub, uni, object id
            assert!(
                cols[0].contains("+DejaVuSans"),
                "a subset of DejaVu Sans: {row}"
            );
            assert_eq!(
                &cols[4..7],
                ["yes", "yes", "yes"],
                "embedded, subset, unicode: {row}"
            );
        }

        let list = run_ok("qpdf", &["--list-attachments", s(path)]);
        let name = "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv.tweevoud";
        let name = if e.exemplar == Exemplar::ToSign {
            "verwerkersovereenkomst.tweevoud"
        } else {
            name
        };
        assert!(list.contains(name), "{list}");
        let attached = run_ok("qpdf", &[&format!("--show-attachment={name}"), s(path)]);
        let agreement = Agreement::load(path).unwrap();
        assert_eq!(
            attached,
            agreement.to_json(),
            "the agreement file, byte for byte"
        );

        let json = run_ok("qpdf", &["--json", "--json-key=attachments", s(path)]);
        assert!(json.contains("application/json"), "MIME type: {json}");
        let qdf = dir.path().join("qdf.pdf");
        run_ok(
            "qpdf",
            &["--qdf", "--object-streams=disable", s(path), s(&qdf)],
        );
        let raw = fs::read(&qdf).unwrap();
        let raw = String::from_utf8_lossy(&raw);
        assert!(
            raw.contains("/AFRelationship /Source"),
            "an associated source file"
        );
        assert!(raw.contains("/AF ["), "the catalog lists it in /AF");
        assert!(
            raw.contains("/Subtype /application#2fjson")
                || raw.contains("/Subtype /application#2Fjson")
        );
        assert!(raw.contains(&format!("/TweevoudExemplar ({})", e.exemplar.id())));
    }
}

#[test]
fn rendering_is_deterministic_and_the_embedded_agreement_is_the_one_signed() {
    let agreement = dpa_complete();
    for e in [
        Exemplar::Copy(Party::Provider),
        Exemplar::Copy(Party::Customer),
        Exemplar::ToSign,
    ] {
        let a = common::render(&agreement, e).unwrap();
        let b = common::render(&Agreement::from_json(&agreement.to_json()).unwrap(), e).unwrap();
        assert_eq!(a, b, "{e}");
        let embedded = pdf::embedded_agreement(&a).unwrap();
        assert_eq!(embedded.json, agreement.to_json());
        assert_eq!(embedded.exemplar.as_deref(), Some(e.id()));
        // An exemplar of the exemplar is the exemplar.
        let again = Agreement::from_json(&embedded.json).unwrap();
        assert_eq!(common::render(&again, e).unwrap(), a);
    }
    let one = common::render(&agreement, Exemplar::Copy(Party::Provider)).unwrap();
    let two = common::render(&agreement, Exemplar::Copy(Party::Customer)).unwrap();
    assert_ne!(one, two, "the two exemplars differ by their label");
    let text = String::from_utf8_lossy(&one);
    assert!(
        text.contains("/CreationDate(D:20261123150000+01'00')"),
        "the last signature's time"
    );
    assert!(
        !text.contains("/Metadata"),
        "no XMP packet with a random id"
    );
}

#[test]
fn both_exemplars_verify_and_carry_their_identity() {
    let agreement = dpa_complete();
    for e in pdf::exemplars(&agreement, &common::sealer(&agreement)).unwrap() {
        let check = pdf::verify_exemplar(&e.bytes).unwrap();
        assert_eq!(
            check.verification.status,
            Status::Complete,
            "{:?}",
            check.verification.problems
        );
        assert!(check.visible_document_matches);
        assert_eq!(check.exemplar, Some(e.exemplar));
    }
    let signed = dpa_provider_signed();
    let sent = &pdf::exemplars(&signed, &common::sealer(&signed)).unwrap()[0];
    let check = pdf::verify_exemplar(&sent.bytes).unwrap();
    assert_eq!(check.verification.status, Status::AwaitingCountersignature);
    assert_eq!(check.verification.awaiting, Some(Party::Customer));
}

#[test]
fn the_qr_code_names_the_agreement_the_template_the_key_and_the_signature() {
    let agreement = dpa_complete();
    let record = &agreement.signatures()[1];
    let content = pdf::qr_content(&agreement, record);
    assert_eq!(
        content,
        format!(
            "tweevoud:1;agreement={};template={};role=customer;key={};sig={}",
            agreement.text_sha256(),
            agreement.template().sha256_hex(),
            "6a3803d5f059902a1c6dafbc9ba4729212f7caac08634cc3ae76b27529f03827",
            record.record_hash()
        )
    );
    assert!(content.starts_with("tweevoud:1;agreement=cbe4ab74a3adbf81"));
}

#[test]
fn pages_render_to_png() {
    let dir = TempDir::new().unwrap();
    for (_, path) in write_all(&dpa_complete(), dir.path()) {
        let info = run_ok("pdfinfo", &[s(&path)]);
        let pages: usize = info
            .lines()
            .find_map(|l| l.strip_prefix("Pages:"))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert!(pages >= 3, "{pages} pages");
        assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
        for page in [1, pages] {
            let prefix = dir.path().join(format!("page-{page}"));
            let n = page.to_string();
            run_ok(
                "pdftoppm",
                &[
                    "-png",
                    "-r",
                    "40",
                    "-f",
                    &n,
                    "-l",
                    &n,
                    "-singlefile",
                    s(&path),
                    s(&prefix),
                ],
            );
            let png = fs::read(prefix.with_extension("png")).unwrap();
            assert!(
                png.starts_with(b"\x89PNG") && png.len() > 2000,
                "page {page} rendered"
            );
        }
    }
}

#[test]
fn a_french_agreement_is_labelled_in_french() {
    let template = Template::load(&fixture("accord-confidentialite.tvt")).unwrap();
    let mut a = Agreement::new(template, Party::Provider, at(9));
    a.fill(
        Party::Provider,
        &set(&[
            ("prestataire_nom", "Atelier Lumière SRL"),
            ("prestataire_siege", "Rue de la Loi 16\n1000 Bruxelles"),
            ("prestataire_signataire", "Élodie Dubois"),
        ]),
        at(9),
    )
    .unwrap();
    a.sign(
        &test_key(1),
        Party::Provider,
        Some("Élodie Dubois"),
        Some(Party::Customer),
        at(10),
    )
    .unwrap();
    let sent = pdf::exemplars(&a, &common::sealer(&a)).unwrap();
    assert_eq!(sent[0].file_name, "accord-de-confidentialite-a-signer.pdf");
    assert_eq!(sent[0].exemplar.label(&a), "À signer par le Client");
    a.fill(
        Party::Customer,
        &set(&[
            ("client_nom", "Brasserie du Coin SA"),
            ("client_bce", "0403.170.701"),
            ("client_signataire", "Luc Martin"),
            ("client_fonction", "Administrateur délégué"),
            ("lieu", "Namur"),
        ]),
        at(14),
    )
    .unwrap();
    a.sign(
        &test_key(2),
        Party::Customer,
        Some("Luc Martin"),
        None,
        at(15),
    )
    .unwrap();
    let dir = TempDir::new().unwrap();
    let written = write_all(&a, dir.path());
    assert_eq!(
        written[0].0.file_name,
        "accord-de-confidentialite-brasserie-du-coin-sa-exemplaire-1-sur-2.pdf"
    );
    let label = "Exemplaire 1 sur 2 — pour le Prestataire";
    assert_eq!(written[0].0.exemplar.label(&a), label);
    assert_eq!(
        written[1].0.exemplar.label(&a),
        "Exemplaire 2 sur 2 — pour le Client"
    );
    let path = &written[0].1;
    let text = run_ok("pdftotext", &["-enc", "UTF-8", s(path), "-"]);
    assert!(text.contains(&format!("{label} · Empreinte du texte")));
    assert!(text.contains("Page 1 sur"));
    let rest = assert_text_then_rest_short(&a, &pdf_tokens(path, label));
    for item in [
        "Signatures numériques",
        "Pour le Prestataire: Atelier Lumière SRL",
        "signé numériquement avec Ed25519",
        "Signé le: 23 novembre 2026 à 15:00:00 (UTC+01:00)",
    ] {
        assert!(rest.contains(&squeezed(item)), "{item:?}");
    }
}

/// [`assert_text_then_rest`] for agreements shorter than the DPA.
fn assert_text_then_rest_short(agreement: &Agreement, got: &[String]) -> String {
    let expected = tokens(&agreement.render_text());
    assert_eq!(&got[..expected.len()], expected.as_slice());
    got[expected.len()..].concat()
}

// ---- the CLI ------------------------------------------------------------------------------

fn tweevoud(hour: u32) -> Bin {
    let mut cmd = Bin::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_NOW", format!("2026-11-23T{hour:02}:00:00+01:00"));
    cmd
}

/// The passphrase of the test keys in [`sealing`]'s profile.
const SEALING_PASSPHRASE: &str = "vier losse woorden zijn sterk";

/// `tweevoud export` as the customer of the test vectors, whose key (seed 2) signed them last
/// and so seals their PDFs: a profile in `dir/profile` holding that key.
fn sealing(dir: &Path, hour: u32) -> Bin {
    let profile = dir.join("profile");
    if !profile.exists() {
        let key = tweevoud::UnlockedKey::from_seed(
            &[2; 32],
            "Anne-Marie D'Hondt",
            Some("Brouwerij De Zwarte Kat BV"),
            Some("Zaakvoerder"),
            common::at(9),
        )
        .unwrap();
        tweevoud::KeyStore::open(&tweevoud::Profile::at(&profile))
            .import(
                &key.to_encrypted_pem(SEALING_PASSPHRASE).unwrap(),
                SEALING_PASSPHRASE,
                "Anne-Marie D'Hondt",
                Some("Brouwerij De Zwarte Kat BV"),
                Some("Zaakvoerder"),
                common::at(9),
            )
            .unwrap();
    }
    let mut cmd = tweevoud(hour);
    cmd.env("TWEEVOUD_DATA_DIR", &profile)
        .env("TWEEVOUD_PASSPHRASE", SEALING_PASSPHRASE);
    cmd
}

/// The complete DPA test vector, exported with the CLI into `dir/out`.
fn exported(dir: &Path) -> Vec<PathBuf> {
    let file = dir.join("dpa.tweevoud");
    fs::write(&file, dpa_complete().to_json()).unwrap();
    let out = sealing(dir, 16)
        .args(["export", s(&file), "-o", s(&dir.join("out"))])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| {
            let (sha, path) = l.split_once("  ").expect("SHA-256, two spaces, path");
            let path = PathBuf::from(path);
            assert_eq!(
                sha,
                tweevoud::canonical::sha256_hex(&fs::read(&path).unwrap()),
                "the printed SHA-256 is the file's"
            );
            path
        })
        .collect()
}

#[test]
fn export_twice_in_two_processes_gives_identical_bytes_and_both_verify() {
    let one = TempDir::new().unwrap();
    let two = TempDir::new().unwrap();
    let a = exported(one.path());
    let b = exported(two.path());
    assert_eq!(a.len(), 2);
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.file_name(), y.file_name());
        assert_eq!(
            fs::read(x).unwrap(),
            fs::read(y).unwrap(),
            "{}",
            x.display()
        );
        // Nobody's keys are known to this profile: valid, signers not confirmed (exit 3).
        let out = tweevoud(16)
            .args(["verify", "--json", s(x)])
            .assert()
            .code(3);
        let answer = common::verify_answer(&out.get_output().stdout);
        assert_eq!(
            common::verdict_and_codes(&answer),
            ("complete_unconfirmed".to_string(), vec![])
        );
        assert_eq!(answer["exemplar"]["visible_document_matches"], true);
    }
    // Exporting an exemplar gives the same exemplars again.
    sealing(one.path(), 16)
        .args(["export", s(&a[0]), "-o", s(&one.path().join("again"))])
        .assert()
        .success();
    for x in &a {
        let again = one.path().join("again").join(x.file_name().unwrap());
        assert_eq!(fs::read(x).unwrap(), fs::read(again).unwrap());
    }
    // The JSON report says which exemplar it is.
    let out = tweevoud(16)
        .args(["verify", "--json", s(&a[1])])
        .assert()
        .code(3)
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["status"], "complete");
    assert_eq!(v["exemplar"]["id"], "2");
    assert_eq!(v["exemplar"]["label"], "Exemplaar 2 van 2 — voor de Klant");
    assert_eq!(v["exemplar"]["visible_document_matches"], true);
}

#[test]
fn export_refuses_unsigned_agreements_and_other_files_in_the_way() {
    let dir = TempDir::new().unwrap();
    let draft = dir.path().join("draft.tweevoud");
    cli::new_dpa(tweevoud(9), &draft).assert().success();
    tweevoud(9)
        .args(["export", s(&draft)])
        .assert()
        .code(1)
        .stderr(cli::says_code("unsigned"));
    let paths = exported(dir.path());
    fs::write(&paths[0], b"another file").unwrap();
    sealing(dir.path(), 16)
        .args([
            "export",
            s(&dir.path().join("dpa.tweevoud")),
            "-o",
            s(&dir.path().join("out")),
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(
        fs::read(&paths[0]).unwrap(),
        b"another file",
        "nothing replaced"
    );
}

/// Exporting again over the same exemplars leaves each file that already holds the right
/// bytes as it is (not even rewritten), with or without `--force`; `--force` replaces only
/// the one that differs.
#[cfg(unix)]
#[test]
fn export_again_leaves_identical_exemplars_untouched_and_force_replaces_the_other() {
    use std::os::unix::fs::MetadataExt;
    let dir = TempDir::new().unwrap();
    let paths = exported(dir.path());
    let good = fs::read(&paths[1]).unwrap();
    let inode = |p: &Path| fs::metadata(p).unwrap().ino();
    let kept = inode(&paths[1]);
    let again = |force: bool| {
        let mut cmd = sealing(dir.path(), 16);
        cmd.args([
            "export",
            s(&dir.path().join("dpa.tweevoud")),
            "-o",
            s(&dir.path().join("out")),
        ]);
        if force {
            cmd.arg("--force");
        }
        cmd.assert()
    };
    again(false).success();
    assert_eq!(
        inode(&paths[1]),
        kept,
        "an identical exemplar is not rewritten"
    );
    fs::write(&paths[0], b"another file").unwrap();
    again(false)
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert_eq!(fs::read(&paths[0]).unwrap(), b"another file");
    again(true).success();
    assert_ne!(fs::read(&paths[0]).unwrap(), b"another file", "replaced");
    assert!(
        pdf::verify_exemplar(&fs::read(&paths[0]).unwrap())
            .unwrap()
            .visible_document_matches
    );
    assert_eq!(
        inode(&paths[1]),
        kept,
        "the identical one is still not rewritten"
    );
    assert_eq!(fs::read(&paths[1]).unwrap(), good);
    let leftovers: Vec<_> = fs::read_dir(dir.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().starts_with('.'))
        .collect();
    assert!(
        leftovers.is_empty(),
        "no temporary file left: {leftovers:?}"
    );
}

#[test]
fn a_customer_countersigns_from_the_shared_pdf_alone() {
    let provider = TempDir::new().unwrap();
    let customer = TempDir::new().unwrap();
    let side = |dir: &TempDir, pass: &str, hour: u32| {
        let mut cmd = tweevoud(hour);
        cmd.env("TWEEVOUD_DATA_DIR", dir.path().join("data"))
            .env("TWEEVOUD_PASSPHRASE", pass);
        cmd
    };
    let pp = "Dilsen-Stokkem 428 Rijksweg";
    let cp = "de zwarte kat in Genk";
    cli::make_key(side(&provider, pp, 9), &cli::TOM)
        .assert()
        .success();
    cli::make_key(side(&customer, cp, 9), &cli::ANNE)
        .assert()
        .success();

    // The provider prepares, signs and exports the PDF to send; only that PDF travels.
    let draft = provider.path().join("dpa.tweevoud");
    cli::new_dpa(side(&provider, pp, 9), &draft)
        .assert()
        .success();
    cli::sign(side(&provider, pp, 10), &draft, &cli::TOM)
        .args(["--leave-open-for", "customer"])
        .assert()
        .success();
    side(&provider, pp, 10)
        .args(["export", s(&draft)])
        .assert()
        .success();
    let shared = customer.path().join("dpa.pdf");
    fs::copy(
        provider
            .path()
            .join("verwerkersovereenkomst-ter-ondertekening.pdf"),
        &shared,
    )
    .unwrap();

    // The customer verifies it, fills in its blanks and signs, from the PDF.
    // Tom's key is not among the customer's contacts: valid, not confirmed who signed.
    side(&customer, cp, 13)
        .args(["verify", s(&shared)])
        .assert()
        .code(3)
        .stdout(predicate::str::contains(
            "awaiting countersignature by the customer",
        ))
        .stdout(predicate::str::contains("NOT CONFIRMED"));
    side(&customer, cp, 13)
        .args(["check", s(&shared)])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("customer_name"));
    cli::fill_customer(side(&customer, cp, 14), &shared)
        .assert()
        .success();
    let filled = customer.path().join("dpa.tweevoud");
    assert!(
        filled.exists(),
        "fill wrote the agreement file beside the PDF"
    );
    assert!(
        pdf::is_pdf_file(&shared).unwrap(),
        "and left the PDF as it was"
    );
    // A second fill from the PDF would lose the first: refused.
    side(&customer, cp, 14)
        .args(["fill", s(&shared), "--set", "customer_name=Iets Anders BV"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("exists already"));
    cli::sign(side(&customer, cp, 15), &filled, &cli::ANNE)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "complete, valid signatures, but not confirmed who signed: you have not verified the key of Tom Hendrix",
        ));
    let out = customer.path().join("out");
    side(&customer, cp, 15)
        .args(["export", s(&filled), "-o", s(&out)])
        .assert()
        .success();
    for n in [1, 2] {
        let exemplar = out.join(format!(
            "verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-exemplaar-{n}-van-2.pdf"
        ));
        // The provider has not confirmed the customer's key.
        side(&provider, pp, 16)
            .args(["verify", s(&exemplar)])
            .assert()
            .code(3)
            .stdout(predicate::str::contains(
                "you have not verified the key of Anne-Marie D'Hondt",
            ));
    }

    // When the provider filled the customer's details itself, `sign` works on the PDF
    // directly and writes the signed agreement file beside it.
    let draft2 = provider.path().join("prefilled.tweevoud");
    cli::new_dpa(side(&provider, pp, 9), &draft2)
        .args(["--set", "customer_name=Brouwerij De Zwarte Kat BV"])
        .args(["--set", "customer_address=Kerkstraat 12\n3600 Genk"])
        .args(["--set", "customer_enterprise_number=0403.170.701"])
        .args(["--set", "customer_signatory_name=Anne-Marie D'Hondt"])
        .args(["--set", "customer_signatory_function=Zaakvoerder"])
        .assert()
        .success();
    cli::sign(side(&provider, pp, 10), &draft2, &cli::TOM)
        .assert()
        .success();
    let sent = provider.path().join("sent");
    side(&provider, pp, 10)
        .args(["export", s(&draft2), "-o", s(&sent)])
        .assert()
        .success();
    let shared2 = customer.path().join("prefilled.pdf");
    fs::copy(
        sent.join("verwerkersovereenkomst-brouwerij-de-zwarte-kat-bv-ter-ondertekening.pdf"),
        &shared2,
    )
    .unwrap();
    cli::sign(side(&customer, cp, 15), &shared2, &cli::ANNE)
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "prefilled.tweevoud: complete, valid signatures, but not confirmed who signed",
        ));
    side(&customer, cp, 15)
        .args([
            "sign",
            s(&shared2),
            "--key",
            "x",
            "--as",
            "customer",
            "-o",
            "x.pdf",
        ])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("names a PDF"));
}

/// A copy made with `qpdf --qdf`: streams uncompressed, one object per line group, so that
/// a byte can be edited in place.
fn qdf_copy(src: &Path, dir: &Path) -> (PathBuf, Vec<u8>) {
    let qdf = dir.join("edited.pdf");
    run_ok(
        "qpdf",
        &["--qdf", "--object-streams=disable", s(src), s(&qdf)],
    );
    let bytes = fs::read(&qdf).unwrap();
    (qdf, bytes)
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn editing_one_visible_word_makes_verify_fail_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let paths = exported(dir.path());
    let (qdf, mut bytes) = qdf_copy(&paths[0], dir.path());
    // The title is the first text shown on page 1: swap its first two glyphs.
    let page = find(&bytes, b"%% Contents for page 1").expect("qdf marks page contents");
    let tj = page + find(&bytes[page..], b"Tf\n0 0 0 rg\n<").expect("the title's glyph ids") + 14;
    let (a, b) = (tj..tj + 4, tj + 4..tj + 8);
    let first: Vec<u8> = bytes[a.clone()].to_vec();
    let second: Vec<u8> = bytes[b.clone()].to_vec();
    assert_ne!(first, second);
    bytes[a].copy_from_slice(&second);
    bytes[b].copy_from_slice(&first);
    fs::write(&qdf, &bytes).unwrap();
    let text = run_ok("pdftotext", &[s(&qdf), "-"]);
    assert!(
        text.starts_with("EVRWERKERSOVEREENKOMST"),
        "one word edited: {}",
        &text[..40]
    );
    tweevoud(16)
        .args(["verify", s(&qdf)])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "INVALID: the visible document differs from the signed agreement",
        ))
        .stdout(predicate::str::contains("authentic").not());
}

#[test]
fn one_byte_changed_in_the_attachment_makes_verify_fail_with_the_reason() {
    let dir = TempDir::new().unwrap();
    let paths = exported(dir.path());
    let (qdf, mut bytes) = qdf_copy(&paths[1], dir.path());
    let at = find(&bytes, b"\"value\": \"Brouwerij De Zwarte Kat BV\"").expect("the value");
    let v = at + "\"value\": \"Brouwerij De Zwarte Kat B".len();
    bytes[v] = b'W';
    fs::write(&qdf, &bytes).unwrap();
    tweevoud(16)
        .args(["verify", s(&qdf)])
        .assert()
        .code(1)
        .stdout(predicate::str::contains(
            "blank customer_name was changed after Anne-Marie D'Hondt signed",
        ))
        .stdout(predicate::str::contains("the visible document differs"));

    // The same byte in the original, compressed attachment: it no longer inflates.
    let mut raw = fs::read(&paths[1]).unwrap();
    let stream = find(&raw, b"/EmbeddedFile").unwrap();
    let data = stream + find(&raw[stream..], b"stream\n").unwrap() + 7 + 40;
    raw[data] ^= 0x01;
    let tampered = dir.path().join("tampered.pdf");
    fs::write(&tampered, &raw).unwrap();
    tweevoud(16)
        .args(["verify", s(&tampered)])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("INVALID"));
}

// ---- bad input ----------------------------------------------------------------------------

/// `verify` exits 1 with `verdict` and exactly the problem `codes`; the library does not
/// read the file as an agreement.
fn verify_fails(path: &Path, verdict: &str, codes: &[&str]) {
    let out = tweevoud(16)
        .args(["verify", "--json", s(path)])
        .assert()
        .code(1);
    let answer = common::verify_answer(&out.get_output().stdout);
    let (found, problems) = common::verdict_and_codes(&answer);
    assert_eq!(
        (found.as_str(), problems),
        (verdict, codes.iter().map(|c| c.to_string()).collect()),
        "{answer}"
    );
    let err = Agreement::load(path).expect_err("not an agreement");
    assert!(!err.to_string().is_empty());
}

#[test]
fn fail_truncated_pdf() {
    let dir = TempDir::new().unwrap();
    let paths = exported(dir.path());
    let bytes = fs::read(&paths[0]).unwrap();
    for cut in [10, bytes.len() / 3, bytes.len() / 2, bytes.len() - 200] {
        let path = dir.path().join(format!("cut-{cut}.pdf"));
        fs::write(&path, &bytes[..cut]).unwrap();
        tweevoud(16)
            .args(["verify", s(&path)])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("authentic").not());
    }
}

#[test]
fn fail_not_a_pdf_at_all() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("fake.pdf");
    fs::write(&path, b"%PDF-1.7\nthis is no PDF\n").unwrap();
    verify_fails(&path, "not_tweevoud", &["pdf_without_agreement"]);
    // Not for want of an attachment: the PDF cannot be read.
    let bytes = fs::read(&path).unwrap();
    assert!(matches!(
        pdf::embedded_agreement(&bytes),
        Err(PdfError::Malformed(_))
    ));
    assert!(matches!(
        pdf::embedded_agreement(b"hello"),
        Err(PdfError::NotPdf)
    ));
}

#[test]
fn fail_pdf_without_an_agreement() {
    let dir = TempDir::new().unwrap();
    let paths = exported(dir.path());
    let plain = dir.path().join("plain.pdf");
    // The pages alone, in a new PDF: no attachment.
    run_ok(
        "qpdf",
        &["--empty", "--pages", s(&paths[0]), "--", s(&plain)],
    );
    verify_fails(&plain, "not_tweevoud", &["pdf_without_agreement"]);
    tweevoud(16)
        .args(["render", s(&plain)])
        .assert()
        .code(2)
        .stderr(cli::says_code("not_an_agreement"))
        // Why it is not one (the reason pdf_without_agreement, which verify_fails checked)
        // is said in words only.
        .stderr(predicate::str::contains("carries no agreement file"));
}

#[test]
fn fail_attachment_that_is_not_json() {
    let dir = TempDir::new().unwrap();
    let paths = exported(dir.path());
    let (qdf, mut bytes) = qdf_copy(&paths[0], dir.path());
    let start = find(&bytes, b"{\n  \"format\": \"tweevoud-agreement/1\"").unwrap();
    for b in &mut bytes[start..start + 40] {
        *b = b'x';
    }
    fs::write(&qdf, &bytes).unwrap();
    verify_fails(&qdf, "altered", &["damaged_exemplar"]);
}

#[test]
fn fail_deeply_nested_or_huge_pdfs_get_an_error_not_a_crash() {
    let mut b = b"%PDF-1.7\n".to_vec();
    let off = b.len();
    b.extend(b"1 0 obj\n");
    b.extend(vec![b'['; 200_000]);
    b.extend(b"\nendobj\n");
    let xref = b.len();
    b.extend(
        format!(
            "xref\n0 2\n0000000000 65535 f \n{off:010} 00000 n \ntrailer\n<< /Size 2 /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
        )
        .as_bytes(),
    );
    assert!(matches!(
        pdf::embedded_agreement(&b),
        Err(PdfError::Malformed(_))
    ));

    // 100 MB: refused by its size before anything is read.
    let dir = TempDir::new().unwrap();
    let big = dir.path().join("big.pdf");
    let f = fs::File::create(&big).unwrap();
    use std::io::Write as _;
    (&f).write_all(b"%PDF-1.7\n").unwrap();
    f.set_len(100 << 20).unwrap();
    verify_fails(&big, "not_tweevoud", &["not_tweevoud"]);
    let err = Agreement::load(&big).unwrap_err();
    assert_eq!(err.code(), "not_an_agreement", "{err}");
    // The limit it passes is said in words only.
    assert!(err.to_string().contains("larger than"), "{err}");
}

#[test]
fn long_paragraphs_break_across_pages_and_every_word_stays() {
    let sentence = "Elke partij verbindt zich ertoe de vertrouwelijke informatie van de andere \
                    partij met de grootste zorg te behandelen en niet aan derden bekend te maken.";
    let long = vec![sentence; 120].join(" ");
    let text = format!(
        r#"+++
format = "tweevoud-template/1"
id = "lange-tekst"
title = "Lange tekst"
language = "nl"

[parties.provider]
name = "Voorbeeld BV"
designation = "de Dienstverlener"
signatory_name = {{ blank = "naam_dienstverlener" }}
signatory_function = "Zaakvoerder"

[parties.customer]
name = {{ blank = "naam_klant" }}
designation = "de Klant"
signatory_name = {{ blank = "ondertekenaar_klant" }}
signatory_function = "Zaakvoerder"

[[blanks]]
id = "naam_dienstverlener"
kind = "person_name"
party = "provider"
label = {{ nl = "Naam", fr = "Nom", en = "Name" }}

[[blanks]]
id = "naam_klant"
kind = "text"
party = "customer"
label = {{ nl = "Klant", fr = "Client", en = "Customer" }}

[[blanks]]
id = "ondertekenaar_klant"
kind = "person_name"
party = "customer"
label = {{ nl = "Ondertekenaar", fr = "Signataire", en = "Signatory" }}
+++
# LANGE TEKST

## 1. Een lang artikel

1.1. {long}

{{{{naam_dienstverlener}}}} en {{{{naam_klant}}}}, vertegenwoordigd door {{{{ondertekenaar_klant}}}}.

- Een opsomming met een woord dat langer is dan een hele regel: Eenwoordzonderspatiesdatveeltelangisomopeenregeltepassenzelfsalsdieregelheelbreedisenzovoortenzoverderenverderendannogverder.
"#
    );
    let template = Template::parse(&text).unwrap();
    let mut a = Agreement::new(template, Party::Provider, at(9));
    a.fill(
        Party::Provider,
        &set(&[("naam_dienstverlener", "Jan Peeters")]),
        at(9),
    )
    .unwrap();
    a.sign(
        &test_key(1),
        Party::Provider,
        Some("Jan Peeters"),
        Some(Party::Customer),
        at(10),
    )
    .unwrap();
    let dir = TempDir::new().unwrap();
    let (e, path) = write_all(&a, dir.path()).remove(0);
    if let Some(keep) = std::env::var_os("TWEEVOUD_KEEP_PDF") {
        fs::copy(&path, keep).unwrap();
    }
    assert_eq!(e.file_name, "lange-tekst-ter-ondertekening.pdf");
    let info = run_ok("pdfinfo", &[s(&path)]);
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert!(pages >= 4, "one paragraph over several pages: {pages}");
    let label = e.exemplar.label(&a);
    let got = pdf_tokens(&path, &label);
    let expected = tokens(&a.render_text());
    // The overlong word is the one word that is cut: compare without it.
    let cut = "Eenwoordzonderspatiesdatveeltelangisomopeenregeltepassenzelfsalsdieregelheelbreedisenzovoortenzoverderenverderendannogverder";
    let join = |t: &[String]| t.concat();
    assert!(
        join(&got).starts_with(&join(&expected)),
        "every word, in order"
    );
    assert!(expected.iter().any(|t| t == cut));
    run_ok("qpdf", &["--check", s(&path)]);
}
