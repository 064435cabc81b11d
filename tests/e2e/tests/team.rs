//! The archive screen on a team archive (#23), in the real app: a real PostgreSQL and a real
//! S3-compatible bucket (moto), started once, as the core's team tests start them
//! (`tests/common/servers.rs`, included by its path: the e2e crate is a package of its own).
//! The profile is connected and the archive begun with the CLI (`archive connect --secrets
//! FILE`, `archive init`); the app, started on that profile, says it is the team archive
//! (database and bucket, no secret), archives an agreement there, finds it by search, lists
//! it from the database's log, and verifies the team archive. Then the secrets file is made
//! readable by others, and the database is stopped: each time the archive screen says why in
//! words, and the rest of the app goes on working.

#[path = "../../common/servers.rs"]
mod servers;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use thirtyfour::prelude::*;
use tweevoud_e2e::page::*;
use tweevoud_e2e::{cli, path, Options, Session, CLI_PASSPHRASE, DPA};

/// The bucket's secret: never on the screen.
const SECRET: &str = "team-secret-never-shown";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_archive_screen_on_a_team_archive() {
    let pg = servers::PgServer::start();
    let s3 = servers::S3Server::start();
    let files = tempfile::Builder::new()
        .prefix("tweevoud-e2e-team-")
        .tempdir()
        .unwrap();
    let profile = files.path().join("member");
    let secrets = files.path().join("team-secrets");
    std::fs::write(
        &secrets,
        format!("TWEEVOUD_TEAM_ACCESS_KEY_ID=AKIDTEAM\nTWEEVOUD_TEAM_SECRET_ACCESS_KEY={SECRET}\n"),
    )
    .unwrap();
    set_mode(&secrets, 0o600);

    // The creator's profile: a key, connected to the team archive, which it begins.
    cli(
        &profile,
        &[
            "key",
            "new",
            "--name",
            "Tom Hendrix",
            "--org",
            "Xtreme Internet Solutions BV",
            "--function",
            "CEO",
        ],
    );
    cli(
        &profile,
        &[
            "archive",
            "connect",
            "--database",
            &pg.url,
            "--objects",
            &s3.url,
            "--secrets",
            &path(&secrets),
        ],
    );
    cli(&profile, &["archive", "init"]);
    // An agreement signed by the provider, left open for the customer, for the app to archive.
    let agreement = files.path().join("zwarte-kat.tweevoud");
    cli(
        &profile,
        &[
            "new",
            "--template",
            DPA,
            "--output",
            &path(&agreement),
            "--set",
            "customer_name=Brouwerij De Zwarte Kat BV",
        ],
    );
    cli(
        &profile,
        &[
            "sign",
            &path(&agreement),
            "--key",
            "Tom Hendrix",
            "--as",
            "provider",
            "--leave-open-for",
            "customer",
        ],
    );

    let options = Options {
        profile: Some(profile.clone()),
        ..Options::default()
    };
    let pg = Arc::new(pg);
    let servers = (Arc::clone(&pg), (pg.url.clone(), s3.url.clone()));
    tweevoud_e2e::run_with("team", options, move |s| {
        Box::pin(body(s, agreement, secrets, servers))
    })
    .await;
    assert!(
        !profile.join("archive").exists(),
        "a local archive was made"
    );
}

async fn body(
    s: &Session,
    agreement: PathBuf,
    secrets: PathBuf,
    (pg, (database, bucket)): (Arc<servers::PgServer>, (String, String)),
) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    choose_language(d, "en").await?;
    displayed(d, "[data-testid='empty-state']").await?;

    // The archive screen says it is the team archive, and which: before anything is in it.
    click(d, "[data-testid='nav-archive']").await?;
    attr_is(d, "[data-testid='archive-where']", "data-kind", "team").await?;
    wait_text(d, "[data-testid='archive-where']", &database).await?;
    wait_text(d, "[data-testid='archive-where']", &bucket).await?;
    wait_text(d, "[data-testid='archive-count']", "empty").await?;

    // Archived from the app's own flow: the key's passphrase signs the log entry.
    hook(d, "e2e_drop", &agreement).await?;
    displayed(d, "[data-testid='review']").await?;
    click(d, "[data-testid='review-continue']").await?;
    click(d, "[data-testid='archive-button']").await?;
    displayed(d, "[data-testid='key-dialog'][data-purpose='archive']").await?;
    type_into(d, "[data-testid='key-dialog-passphrase']", CLI_PASSPHRASE).await?;
    click(d, "[data-testid='key-dialog-submit']").await?;
    attr_is(d, "[data-testid='archived-note']", "data-archived", "true").await?;

    // Found by search, shown, and the team archive verified from the app.
    click(d, "[data-testid='nav-archive']").await?;
    search(d, "Zwarte Kat").await?;
    wait_text(d, "[data-testid='archive-count']", "1 agreement").await?;
    wait_text(
        d,
        "[data-testid='archive-row']",
        "Brouwerij De Zwarte Kat BV",
    )
    .await?;
    attr_is(
        d,
        "[data-testid='archive-status']",
        "data-status",
        "awaiting_countersignature",
    )
    .await?;
    click(d, "[data-testid='archive-verify']").await?;
    attr_is(d, "[data-testid='archive-report']", "data-sound", "true").await?;
    wait_text(d, "[data-testid='archive-report-title']", "1 agreement(s)").await?;
    wait_text(d, "[data-testid='archive-report-title']", "2 log entries").await?;
    assert_no_error(d).await?;
    let screen = text_of(d, "[data-testid='view-archive']").await?;
    assert!(!screen.contains(SECRET), "the secret is on the screen");
    let report = text_of(d, "[data-testid='archive-report']").await?;
    assert!(!report.contains("null"), "the report: {report}");
    s.shot("team-archive").await;
    // In the team archive: the database's log holds the creator's members entry and the
    // app's add (the sync client runs a runtime of its own, off this one's worker).
    let rows = tokio::task::block_in_place(|| pg.rows("SELECT count(*) FROM tweevoud_log"));
    assert_eq!(rows, vec![vec![Some("2".to_string())]]);
    for lang in ["nl", "fr"] {
        choose_language(d, lang).await?;
        s.shot(&format!("team-archive-{lang}")).await;
    }
    choose_language(d, "en").await?;

    // Secrets that cannot be had (a file others may read is refused): said on the archive
    // screen, which still names the archive; the other screens work on.
    set_mode(&secrets, 0o644);
    click(d, "[data-testid='nav-keys']").await?;
    click(d, "[data-testid='nav-archive']").await?;
    attr_is(
        d,
        "[data-testid='archive-problem']",
        "data-kind",
        "team_secrets",
    )
    .await?;
    wait_text(d, "[data-testid='archive-problem']", "cannot be shown").await?;
    attr_is(d, "[data-testid='archive-where']", "data-kind", "team").await?;
    // Nothing stale beside it: no list, no earlier report.
    assert!(!shown(d, "[data-testid='archive-grid']").await?);
    assert!(!shown(d, "[data-testid='archive-report']").await?);
    s.shot("team-archive-no-secrets").await;
    click(d, "[data-testid='nav-keys']").await?;
    wait_text(d, "[data-testid='view-keys']", "Tom Hendrix").await?;
    set_mode(&secrets, 0o600);

    // The database stopped: the archive cannot be reached, said in words, not a blank screen.
    tokio::task::block_in_place(|| pg.stop());
    click(d, "[data-testid='nav-archive']").await?;
    attr_is(
        d,
        "[data-testid='archive-problem']",
        "data-kind",
        "archive_io",
    )
    .await?;
    wait_text(d, "[data-testid='archive-problem']", "127.0.0.1").await?;
    choose_language(d, "nl").await?;
    wait_text(
        d,
        "[data-testid='archive-problem']",
        "kan niet getoond worden",
    )
    .await?;
    s.shot("team-archive-unreachable").await;
    choose_language(d, "en").await?;
    click(d, "[data-testid='nav-verify']").await?;
    displayed(d, "[data-testid='view-verify']").await?;
    Ok(())
}

async fn search(d: &WebDriver, query: &str) -> WebDriverResult<()> {
    let input = d.find(By::Css("[data-testid='archive-query']")).await?;
    input.clear().await?;
    input.send_keys(query).await?;
    input.send_keys(Key::Enter).await?;
    Ok(())
}

fn set_mode(file: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(mode)).unwrap();
}
