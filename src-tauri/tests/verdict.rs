//! One verdict, whoever asks: for every case of the core's verdict table (the same table the
//! core and CLI test runs, tests/verdict.rs), the app's verify command sends the window the
//! core's verdict, reason, summary, signers and their trust, unchanged.

#[path = "../../tests/common/mod.rs"]
mod common;

use tweevoud::{judge, Context, Profile};
use tweevoud_app::{verdict_json, AppState};

#[test]
fn the_app_shows_the_cores_verdict_for_every_case() {
    let dir = tempfile::tempdir().unwrap();
    let state = AppState::open(dir.path().join("profile")).unwrap();
    let profile = Profile::at(dir.path().join("profile"));
    let archive = profile.archive_dir();
    for (name, bytes, code, reason) in common::verdict_cases() {
        let file = dir.path().join(format!("{}.bin", name.replace(' ', "-")));
        std::fs::write(&file, &bytes).unwrap();
        let core = judge(
            &bytes,
            &Context {
                keyring: Some(&profile),
                archive: Some(&archive),
            },
        );
        assert_eq!(core.verdict.code, code, "{name}: core");
        let app = verdict_json(&state, &file).unwrap_or_else(|e| panic!("{name}: {e}"));
        let core = serde_json::to_value(&core).unwrap();
        for field in [
            "kind",
            "verdict",
            "summary",
            "status",
            "signatures",
            "problems",
        ] {
            assert!(core.get(field).is_some(), "{name}: no {field}");
        }
        assert_eq!(app["verdict"], core["verdict"], "{name}: verdict");
        assert_eq!(app["verdict"]["code"], code.as_str(), "{name}: code");
        assert_eq!(
            app["first_problem"]["reason"]["code"].as_str(),
            reason,
            "{name}: reason"
        );
        for field in [
            "kind",
            "summary",
            "status",
            "awaiting",
            "first_problem",
            "problems",
            "signatures",
            "exemplar",
            "archive",
        ] {
            assert_eq!(app[field], core[field], "{name}: {field}");
        }
    }
}

/// What verify calls altered because the PDF does not show the agreement inside, the desk
/// (the app's and the browser's open) refuses to work on, with that reason.
#[test]
fn the_desk_refuses_a_pdf_that_does_not_show_the_agreement_inside() {
    let exemplar = common::render(
        &common::dpa_provider_signed(),
        tweevoud::pdf::Exemplar::ToSign,
    )
    .unwrap();
    assert!(tweevoud_desk::Opened::read(&exemplar).is_ok());
    // Page 1 replaced by an update another program appended: not a Tweevoud seal.
    let edited = common::with_page_1_replaced(&exemplar);
    let refusal = tweevoud_desk::Opened::read(&edited).unwrap_err();
    assert_eq!(refusal.kind, tweevoud::FileKind::Exemplar);
    assert_eq!(tweevoud::Coded::code(&refusal.reason), "foreign_update");
    // A byte of the first revision changed: the visible document differs.
    let mut changed = exemplar.clone();
    let stream = changed.windows(7).position(|w| w == b"stream\n").unwrap() + 7;
    changed[stream + 10] ^= 0x01;
    let refusal = tweevoud_desk::Opened::read(&changed).unwrap_err();
    assert_eq!(tweevoud::Coded::code(&refusal.reason), "visible_differs");
}
