//! Every way a file reaches the app, and files meant to hurt it:
//!
//! 1. Started with a file on its command line (as a file manager starts it), the app shows
//!    that file's verdict; a second launch on the same profile hands its file to the open
//!    window and exits; the verify screen puts a verified agreement on the desk.
//! 2. Hostile PDFs (an allocation bomb, a cross-reference stream claiming two billion
//!    entries) dropped on the window and chosen in the open dialog while an unsaved agreement
//!    is on the desk: a message each time, the window keeps answering, the agreement and its
//!    value stay.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use thirtyfour::prelude::*;
use tweevoud_e2e::page::*;
use tweevoud_e2e::{Options, Session};

const DPA: &str = "xis-verwerkersovereenkomst";

/// Field widths of 64 bytes: a reader that trusts them asks for 64 TiB and aborts.
const XREF_W_OVERFLOW: &[u8] = b"%PDF-1.5\n1 0 obj\n<</Type/XRef/Size 2/W[64 64 64]/Root 1 0 R/Length 0>>stream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n";
/// No field widths and two billion entries: a reader that trusts them loops for minutes.
const XREF_HUGE_SIZE: &[u8] = b"%PDF-1.5\n1 0 obj\n<</Type/XRef/Size 2147483647/W[0 0 0]/Root 1 0 R/Length 0>>stream\n\nendstream\nendobj\nstartxref\n9\n%%EOF\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_file_handed_to_the_app_is_verified_and_can_be_opened() {
    let files = tempfile::Builder::new()
        .prefix("tweevoud-e2e-open-")
        .tempdir()
        .expect("a temporary directory");
    let agreement = files.path().join("nieuwe overeenkomst.tweevoud");
    tweevoud_e2e::cli(
        files.path(),
        &[
            "new",
            "--template",
            DPA,
            "--output",
            agreement.to_str().unwrap(),
        ],
    );
    let other = files.path().join("factuur.pdf");
    std::fs::write(&other, b"%PDF-1.4\n% not an agreement\n").unwrap();
    let options = Options {
        file: Some(other.clone()),
        ..Options::default()
    };
    tweevoud_e2e::run_with("open-file", options, move |s| {
        Box::pin(handed(s, agreement))
    })
    .await;
}

async fn handed(s: &Session, agreement: PathBuf) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "en").await?;
    // The PDF on the command line: its verdict, straight away, before any key exists.
    attr_is(d, "[data-testid='verdict']", "data-verdict", "not_tweevoud").await?;
    wait_text(d, "[data-testid='verdict-file']", "factuur.pdf").await?;
    assert!(!shown(d, "[data-testid='verdict-open']").await?);
    s.shot("started-with-pdf").await;

    // A second launch on the same profile: hands its file over and ends, no second window.
    second_launch(s, &agreement);
    attr_is(d, "[data-testid='verdict']", "data-verdict", "unsigned").await?;
    wait_text(
        d,
        "[data-testid='verdict-file']",
        "nieuwe overeenkomst.tweevoud",
    )
    .await?;
    s.shot("second-launch").await;

    // The verified agreement is put on the desk from the verify screen.
    click(d, "[data-testid='verdict-open']").await?;
    displayed(d, "[data-testid='document']").await?;
    assert!(
        input(d, "provider_signatory_name")
            .await?
            .is_displayed()
            .await?
    );
    assert_no_error(d).await?;
    s.shot("opened-from-verdict").await;
    Ok(())
}

/// Starts the app again on the session's profile with `file`, as a file manager would, and
/// waits for it to hand the file over and end.
fn second_launch(s: &Session, file: &Path) {
    let mut child = Command::new(tweevoud_e2e::app_binary())
        .arg("--data-dir")
        .arg(s.data_dir())
        .arg(file)
        // No display: a launch that opened a window of its own would fail here.
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .stdin(Stdio::null())
        .spawn()
        .expect("the app starts");
    let start = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("the second launch") {
            assert!(status.success(), "the second launch failed: {status}");
            return;
        }
        if start.elapsed() > Duration::from_secs(20) {
            let _ = child.kill();
            panic!("the second launch did not end");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_files_leave_the_window_and_the_desk_as_they_were() {
    let files = tempfile::Builder::new()
        .prefix("tweevoud-e2e-hostile-")
        .tempdir()
        .expect("a temporary directory");
    let dir = files.path().to_path_buf();
    tweevoud_e2e::run("hostile", move |s| Box::pin(hostile(s, dir))).await;
}

async fn hostile(s: &Session, dir: PathBuf) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "en").await?;
    let bomb = dir.join("xref-bomb.pdf");
    std::fs::write(&bomb, XREF_W_OVERFLOW).unwrap();
    let endless = dir.join("endless.pdf");
    std::fs::write(&endless, XREF_HUGE_SIZE).unwrap();

    // An agreement on the desk with a value filled in and not saved.
    click(d, &format!("[data-template-id='{DPA}']")).await?;
    fill(d, "provider_signatory_name", "Jan Peeters").await?;

    // Dropped on the desk: the user agrees to put the agreement away, the file is refused
    // with a message, and the agreement stays, value and all.
    hook(d, "e2e_drop", &bomb).await?;
    click(d, "[data-testid='discard-confirm']").await?;
    displayed(d, "[data-testid='error']").await?;
    s.shot("hostile-dropped").await;
    wait_for_value(d, "provider_signatory_name", "Jan Peeters").await?;

    // Chosen in the open dialog: the same.
    answer_next_dialog(d, &endless).await?;
    click(d, "[data-testid='open-agreement']").await?;
    click(d, "[data-testid='discard-confirm']").await?;
    displayed(d, "[data-testid='error']").await?;
    wait_for_value(d, "provider_signatory_name", "Jan Peeters").await?;
    s.shot("hostile-opened").await;

    // The window still answers: another value is taken.
    fill(d, "provider_signatory_function", "Zaakvoerder").await?;

    // Verified: a verdict with its reason, each time.
    click(d, "[data-testid='nav-verify']").await?;
    for file in [&bomb, &endless] {
        hook(d, "e2e_drop", file).await?;
        wait_text(d, "[data-testid='verdict-file']", &file_name(file)).await?;
        let verdict = d
            .find(By::Css("[data-testid='verdict']"))
            .await?
            .attr("data-verdict")
            .await?
            .unwrap_or_default();
        assert!(
            verdict == "not_tweevoud" || verdict == "altered",
            "{}: {verdict}",
            file.display()
        );
        assert!(shown(d, "[data-testid='verdict-reason']").await?);
    }
    s.shot("hostile-verified").await;

    // And the desk still has the agreement with both values.
    click(d, "[data-testid='nav-agreement']").await?;
    wait_for_value(d, "provider_signatory_name", "Jan Peeters").await?;
    wait_for_value(d, "provider_signatory_function", "Zaakvoerder").await?;
    Ok(())
}

/// Replaces what the blank `field` holds with `value`, and leaves it (which stores it).
async fn fill(d: &WebDriver, field: &str, value: &str) -> WebDriverResult<()> {
    let input = input(d, field).await?;
    input.clear().await?;
    input.send_keys(value).await?;
    input.send_keys(Key::Tab).await?;
    wait_for_value(d, field, value).await
}

/// Waits until the agreement on the desk, as the app holds it (not as the page shows it),
/// has `value` in the blank `field`.
async fn wait_for_value(d: &WebDriver, field: &str, value: &str) -> WebDriverResult<()> {
    let start = std::time::Instant::now();
    loop {
        let held = d
            .execute_async(
                "const [field, done] = arguments;
                 window.__TAURI__.core.invoke('current_agreement')
                   .then((v) => done((v.values.find((x) => x.blank === field) || {}).value || ''),
                         (e) => done('error: ' + JSON.stringify(e)));",
                vec![serde_json::json!(field)],
            )
            .await?;
        if held.json() == &serde_json::json!(value) {
            return Ok(());
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{field} holds {:?}, not {value:?}",
            held.json()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn file_name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().into_owned()
}
