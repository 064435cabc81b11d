//! The `tweevoud` binary, run for real against temporary files.

#[path = "common/cli.rs"]
mod cli;
mod common;

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;

fn tweevoud() -> Command {
    let mut cmd = Command::cargo_bin("tweevoud").unwrap();
    cmd.env("TWEEVOUD_NOW", "2026-11-23T10:00:00+01:00");
    cmd
}

fn json_of(cmd: &mut Command) -> Value {
    let out = cmd.assert().success().get_output().stdout.clone();
    serde_json::from_slice(&out).expect("valid JSON on stdout")
}

#[test]
fn template_list_names_the_dpa() {
    tweevoud()
        .args(["template", "list"])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "xis-verwerkersovereenkomst\tnl\tVerwerkersovereenkomst",
        ));
    let v = json_of(tweevoud().args(["template", "list", "--json"]));
    assert_eq!(v[0]["id"], "xis-verwerkersovereenkomst");
}

#[test]
fn template_show_json_has_the_documented_fields() {
    let v = json_of(tweevoud().args(["template", "show", "xis-verwerkersovereenkomst", "--json"]));
    for key in ["id", "title", "language", "sha256", "fields"] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["language"], "nl");
    assert_eq!(v["sha256"].as_str().unwrap().len(), 64);
    let fields = v["fields"].as_array().unwrap();
    let ent = fields
        .iter()
        .find(|f| f["id"] == "customer_enterprise_number")
        .unwrap();
    assert_eq!(ent["kind"], "enterprise_number");
    assert_eq!(ent["party"], "customer");
    assert_eq!(ent["required"], true);
    assert_eq!(ent["default"], Value::Null);
    assert_eq!(ent["label"]["fr"], "Numéro d'entreprise du Client");
    let name = fields
        .iter()
        .find(|f| f["id"] == "provider_signatory_name")
        .unwrap();
    assert_eq!(name["default"], "Tom Hendrix");
}

#[test]
fn dpa_new_fill_check_render() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("dpa.tweevoud");
    let d = draft.to_str().unwrap();
    cli::new_dpa(tweevoud(), &draft)
        .args(["--set", "customer_enterprise_number=BE0821.588.020"])
        .assert()
        .success()
        .stdout(predicate::str::contains("customer: missing customer_name"));
    // Nothing required of the provider is missing: its signatory has defaults.
    tweevoud()
        .args(["check", d])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("provider: everything filled"));
    let out = tweevoud()
        .args(["check", d, "--json"])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["filled"], false);
    assert_eq!(v["parties"][1]["party"], "customer");
    assert_eq!(v["parties"][1]["automatic"][0], "date");
    assert!(v["parties"][1]["required"]
        .as_array()
        .unwrap()
        .contains(&Value::from("customer_name")));
    tweevoud()
        .args(["fill", d, "--as", "customer"])
        .args(["--set", "customer_name=Brouwerij De Zwarte Kat BV"])
        .args(["--set", "customer_address=Kerkstraat 12\n3600 Genk"])
        .args(["--set", "customer_signatory_name=Anne-Marie D'Hondt"])
        .args(["--set", "customer_signatory_function=Zaakvoerder"])
        .args(["--set", "date=23-11-2026"])
        .assert()
        .success();
    tweevoud().args(["check", d]).assert().success();
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&draft).unwrap()).unwrap();
    let ent = v["values"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["blank"] == "customer_enterprise_number")
        .unwrap();
    assert_eq!(ent["value"], "BE0821.588.020", "stored in normal form");
    assert_eq!(ent["filled_by"], "provider");
    tweevoud()
        .args(["render", d])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "Brouwerij De Zwarte Kat BV\n\ngevestigd te Kerkstraat 12, 3600 Genk\n\ningeschreven in de Kruispuntbank voor Ondernemingen onder nummer BE0821.588.020 (hierna: \"Klant\");",
        ))
        .stdout(predicate::str::contains("op 23 november 2026, in twee exemplaren"));
}

#[test]
fn fail_invalid_enterprise_number_names_the_blank_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("dpa.tweevoud");
    let d = draft.to_str().unwrap();
    cli::new_dpa(tweevoud(), &draft).assert().success();
    let before = std::fs::read(&draft).unwrap();
    tweevoud()
        .args(["fill", d, "--as", "customer"])
        .args(["--set", "customer_name=Acme NV"])
        .args(["--set", "customer_enterprise_number=0821.588.021"])
        .assert()
        .code(2)
        .stderr(cli::says_code("invalid_value"))
        .stderr(predicate::str::contains("customer_enterprise_number"))
        .stderr(predicate::str::contains("Ondernemingsnummer van de Klant"))
        // The kind's own problem, enterprise_number_check, is said in words only.
        .stderr(predicate::str::contains("check digits"));
    assert_eq!(
        std::fs::read(&draft).unwrap(),
        before,
        "the draft is untouched"
    );
    // The same number written with XIS's own check digits is fine.
    tweevoud()
        .args([
            "fill",
            d,
            "--set",
            "customer_enterprise_number=BE0821.588.020",
        ])
        .assert()
        .success();
}

#[test]
fn fail_unknown_blank_bad_assignment_and_existing_output() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("dpa.tweevoud");
    let d = draft.to_str().unwrap();
    cli::new_dpa(tweevoud(), &draft).assert().success();
    tweevoud()
        .args(["fill", d, "--set", "iban=BE68539007547034"])
        .assert()
        .code(2)
        .stderr(cli::says_code("unknown_blank"))
        .stderr(predicate::str::contains("\"iban\""));
    tweevoud()
        .args(["fill", d, "--set", "customer_name"])
        .assert()
        .code(2)
        .stderr(cli::says_code("bad_assignment"));
    cli::new_dpa(tweevoud(), &draft)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    tweevoud()
        .args(["new", "--template", "no-such-template", "-o", "x.tweevoud"])
        .assert()
        .code(2)
        .stderr(cli::says_code("template_not_found"))
        .stderr(predicate::str::contains("\"no-such-template\""));
    tweevoud()
        .args(["fill", d, "--as", "klant", "--set", "a=b"])
        .assert()
        .code(2);
}

#[test]
fn fail_corrupt_or_foreign_draft() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.tweevoud");
    std::fs::write(&p, b"%PDF-1.7 not an agreement").unwrap();
    // A file that starts like a PDF is read as an exemplar PDF (docs/pdf.md).
    tweevoud()
        .args(["render", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(cli::says_code("not_an_agreement"))
        .stderr(predicate::str::contains("the PDF cannot be read"));
    std::fs::write(&p, b"{\"format\": \"tweevoud-agreement/1\"}").unwrap();
    tweevoud()
        .args(["render", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(cli::says_code("altered"));
    std::fs::write(&p, [0xff, 0xfe, 0x00]).unwrap();
    tweevoud()
        .args(["check", p.to_str().unwrap()])
        .assert()
        .code(2)
        .stderr(cli::says_code("not_an_agreement"))
        .stderr(predicate::str::contains("not UTF-8"));
}

#[test]
fn template_check_reports_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("bad.tvt");
    let good = std::fs::read_to_string(common::fixture("accord-confidentialite.tvt")).unwrap();
    std::fs::write(&p, good.replace("{{client_bce}}", "{{client_btw}}")).unwrap();
    let line = good
        .lines()
        .position(|l| l.contains("{{client_bce}}"))
        .unwrap()
        + 1;
    tweevoud()
        .args(["template", "check", p.to_str().unwrap()])
        .assert()
        .code(1)
        .stderr(cli::says_code("template_unknown_placeholder"))
        .stderr(predicate::str::contains(format!("line {line}:")))
        .stderr(predicate::str::contains("{{client_btw}}"));
    tweevoud()
        .args([
            "template",
            "check",
            common::fixture("accord-confidentialite.tvt")
                .to_str()
                .unwrap(),
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "valid template \"accord-confidentialite\" (fr)",
        ));
}

/// Nothing is hard-wired to the DPA: a French template with other blanks goes through the
/// same commands.
#[test]
fn a_second_template_in_french_works_through_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let draft = dir.path().join("nda.tweevoud");
    let d = draft.to_str().unwrap();
    let tpl = common::fixture("accord-confidentialite.tvt");
    let v = json_of(tweevoud().args(["template", "show", tpl.to_str().unwrap(), "--json"]));
    assert_eq!(v["language"], "fr");
    tweevoud()
        .args(["new", "--template", tpl.to_str().unwrap(), "-o", d])
        .args(["--set", "prestataire_nom=Conseil Dupont SRL"])
        .args(["--set", "prestataire_siege=Rue Haute 5\n1000 Bruxelles"])
        .args(["--set", "prestataire_signataire=Jean Dupont"])
        .args(["--set", "prestataire_courriel=Jean@Dupont.BE"])
        .assert()
        .success();
    tweevoud()
        .args(["fill", d, "--as", "customer"])
        .args(["--set", "client_nom=Brasserie du Lac SA"])
        .args(["--set", "client_bce=0403.170.701"])
        .args(["--set", "client_signataire=Zoë Lambert"])
        .args(["--set", "client_fonction=Administratrice déléguée"])
        .args(["--set", "lieu=Louvain-la-Neuve"])
        .args(["--set", "date_signature=2027-02-01"])
        .assert()
        .success();
    tweevoud().args(["check", d]).assert().success();
    tweevoud()
        .args(["render", d])
        .assert()
        .success()
        .stdout(predicate::str::starts_with("ACCORD DE CONFIDENTIALITÉ\n\n"))
        .stdout(predicate::str::contains(
            "établi à Rue Haute 5, 1000 Bruxelles",
        ))
        .stdout(predicate::str::contains("adressées à Jean@dupont.be."))
        .stdout(predicate::str::contains("• ne pas divulguer"))
        .stdout(predicate::str::contains(
            "Fait à Louvain-la-Neuve, le 1er février 2027, en deux exemplaires.",
        ))
        .stdout(predicate::str::contains(
            "Pour le Client : Zoë Lambert, Administratrice déléguée\n",
        ));
    tweevoud()
        .args(["fill", d, "--set", "lieu=1348"])
        .assert()
        .code(2)
        .stderr(cli::says_code("invalid_value"))
        .stderr(predicate::str::contains("lieu (Lieu)"));
}
