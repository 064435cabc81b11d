//! One verdict, whoever asks: the core's judgement, `tweevoud verify` in words, and
//! `tweevoud verify --json` give the same verdict, reason and exit code for every kind of
//! file (the cases in `common::verdict_cases`, which the app's test runs through the app's
//! verify command too: src-tauri/tests/verdict.rs); and every command that takes a PDF refuses one whose visible document is not the
//! agreement inside, writing nothing.

mod common;

use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tweevoud::pdf::Exemplar;
use tweevoud::{judge, Coded, Context};

/// The standard output of `tweevoud ARGS FILE`, which must exit with `exit`.
fn stdout_of(data: &Path, args: &[&str], file: &Path, exit: i32) -> Vec<u8> {
    tv(data)
        .args(args)
        .arg(file)
        .assert()
        .code(exit)
        .get_output()
        .stdout
        .clone()
}

fn tv(data: &Path) -> Command {
    let mut c = Command::cargo_bin("tweevoud").unwrap();
    c.env("TWEEVOUD_DATA_DIR", data)
        .env("TWEEVOUD_NOW", "2026-11-24T09:00:00+01:00")
        .env("TWEEVOUD_PASSPHRASE", "a passphrase for the verdict tests");
    c
}

#[test]
fn the_core_the_cli_text_and_the_cli_json_give_one_verdict() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("profile");
    for (name, bytes, code, reason) in common::verdict_cases() {
        let core = judge(&bytes, &Context::default());
        assert_eq!(core.verdict.code, code, "{name}: core");
        assert_eq!(
            core.first_problem.as_ref().map(|p| p.reason.code()),
            reason,
            "{name}: core reason"
        );
        let file = dir.path().join(format!("{}.bin", name.replace(' ', "-")));
        std::fs::write(&file, &bytes).unwrap();
        let exit = i32::from(code.exit_code());
        let out = stdout_of(&data, &["verify", "--json"], &file, exit);
        let json: Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(json["verdict"]["code"], code.as_str(), "{name}: json");
        assert_eq!(json["verdict"]["exit_code"], exit, "{name}: json");
        assert_eq!(
            json["first_problem"]["reason"]["code"].as_str(),
            reason,
            "{name}: json reason"
        );
        let text = stdout_of(&data, &["verify"], &file, exit);
        let text = String::from_utf8(text).unwrap();
        let first = text.lines().next().unwrap_or_default();
        assert_eq!(
            first,
            format!("{}: {}", file.display(), core.summary),
            "{name}: text"
        );
        assert_eq!(
            json["summary"],
            core.summary.as_str(),
            "{name}: json summary"
        );
    }
}

/// What a user would run on a shared PDF whose first page was rewritten: each command refuses
/// with the reason, and nothing is written.
#[test]
fn every_command_refuses_a_pdf_that_does_not_show_the_agreement_inside() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("profile");
    let awaiting = common::dpa_provider_signed();
    let to_sign = common::render(&awaiting, Exemplar::ToSign).unwrap();
    let work = dir.path().join("work");
    std::fs::create_dir(&work).unwrap();
    let shared = work.join("shared.pdf");
    std::fs::write(&shared, common::with_page_1_replaced(&to_sign)).unwrap();
    let s = shared.to_str().unwrap();
    let out = work.join("out");
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "fill",
            s,
            "--set",
            "customer_name=Brouwerij De Witte Kat BV",
        ],
        vec!["sign", s, "--key", "nobody", "--as", "customer"],
        vec!["check", s],
        vec!["render", s],
        vec!["export", s, "-o", out.to_str().unwrap()],
        vec!["archive", "add", s],
    ];
    for args in runs {
        let assert = tv(&data).args(&args).assert();
        let output = assert.get_output();
        let code = output.status.code();
        let words = format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            matches!(code, Some(1) | Some(2)),
            "{args:?}: {code:?} {words}"
        );
        assert!(
            words.contains("the PDF was changed after Tweevoud wrote it"),
            "{args:?}: {words}"
        );
        let files: Vec<_> = std::fs::read_dir(&work)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, ["shared.pdf"], "{args:?} wrote something");
        assert!(!data.join("archive").join("log.jsonl").exists(), "{args:?}");
    }
}

/// The core's answer to what may be done next: an agreement read from a PDF that does not show
/// it is blocked with the PDF's reason, whatever the agreement inside says.
#[test]
fn a_pdf_that_does_not_show_the_agreement_blocks_every_action() {
    let awaiting = common::dpa_provider_signed();
    let to_sign = common::render(&awaiting, Exemplar::ToSign).unwrap();
    let intact = tweevoud::open::read(&to_sign).unwrap();
    let turn = intact
        .agreement
        .turn(&intact.verification, intact.pdf.as_ref(), &[], true);
    assert_eq!(turn.acting, Some(tweevoud::Party::Customer));
    assert!(turn.may_sign && !turn.editable.is_empty() && turn.blocked.is_none());

    let updated = tweevoud::open::read(&common::with_page_1_replaced(&to_sign)).unwrap();
    let turn = updated
        .agreement
        .turn(&updated.verification, updated.pdf.as_ref(), &[], true);
    assert_eq!(
        turn.blocked.map(|b| b.reason.code()),
        Some("foreign_update")
    );
    assert!(!turn.may_sign && turn.editable.is_empty());
    assert_eq!(turn.share, tweevoud::Share::None);
}

/// The provider's signed DPA countersigned by the customer with enterprise number `number`
/// at `address`.
fn countersigned(number: &str, address: &str) -> tweevoud::Agreement {
    let mut a = common::dpa_provider_signed();
    a.fill(
        tweevoud::Party::Customer,
        &common::set(&[
            ("customer_name", "Brouwerij De Zwarte Kat BV"),
            ("customer_address", address),
            ("customer_enterprise_number", number),
            ("customer_signatory_name", "Anne-Marie D'Hondt"),
            ("customer_signatory_function", "Zaakvoerder"),
        ]),
        common::at(14),
    )
    .unwrap();
    a.sign(
        &common::test_key(2),
        tweevoud::Party::Customer,
        Some("Anne-Marie D'Hondt"),
        None,
        common::at(15),
    )
    .unwrap();
    a
}

/// Two countersignatures of one signed PDF by the same customer, with different values: each
/// is valid and complete, but once one is archived, the other is not the agreement the
/// archive holds. The same PDF countersigned by another customer is another agreement.
#[test]
fn a_second_countersignature_of_one_pdf_is_an_archive_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let archived = common::dpa_complete();
    let other = countersigned("BE 0403.170.701", "Kerkstraat 13\n3600 Genk");
    let another_customer = countersigned("BE 1234.567.894", "Kerkstraat 12\n3600 Genk");
    let archive_dir = dir.path().join("archive");
    tweevoud::Archive::open(&archive_dir)
        .unwrap()
        .add(
            archived.to_json().as_bytes(),
            common::at(16),
            Some(&common::test_key(2)),
        )
        .unwrap();
    let ctx = Context {
        keyring: None,
        archive: Some(&archive_dir),
    };
    assert_eq!(
        judge(archived.to_json().as_bytes(), &ctx).verdict.code,
        tweevoud::VerdictCode::CompleteUnconfirmed
    );
    let judged = judge(other.to_json().as_bytes(), &ctx);
    assert_eq!(judged.verdict.code, tweevoud::VerdictCode::ArchiveMismatch);
    let exemplar = common::render(&other, Exemplar::Copy(tweevoud::Party::Customer)).unwrap();
    assert_eq!(
        judge(&exemplar, &ctx).verdict.code,
        tweevoud::VerdictCode::ArchiveMismatch
    );
    assert_eq!(
        judge(another_customer.to_json().as_bytes(), &ctx)
            .verdict
            .code,
        tweevoud::VerdictCode::CompleteUnconfirmed
    );
}
