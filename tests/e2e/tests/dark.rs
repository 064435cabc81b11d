//! Dark mode: with the desktop's dark theme the window follows (`prefers-color-scheme`), the
//! paper page included, and the blanks keep their party colours. Screenshots for the eye.
//! Then closing the window over unsaved work: it asks, keeps the work, or closes.

use thirtyfour::prelude::*;
use tweevoud_e2e::{Options, Session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_follows_a_dark_desktop_and_asks_before_losing_work() {
    let options = Options {
        dark: true,
        ..Options::default()
    };
    tweevoud_e2e::run_with("dark", options, |s| Box::pin(body(s))).await;
}

async fn body(s: &Session) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    let dark = d
        .execute(
            "return matchMedia('(prefers-color-scheme: dark)').matches;",
            vec![],
        )
        .await?;
    assert_eq!(dark.json(), &serde_json::json!(true), "not in dark mode");
    s.shot("welcome").await;
    d.find(By::Css("[data-testid='template-item']"))
        .await?
        .click()
        .await?;
    let page = d
        .query(By::Css("[data-testid='document']"))
        .and_displayed()
        .first()
        .await?;
    let paper = page.css_value("background-color").await?;
    let ink = page.css_value("color").await?;
    assert_ne!(paper, ink);
    // A dark page: its background is darker than its text.
    let lum = |c: &str| -> u32 {
        c.trim_start_matches("rgba(")
            .trim_start_matches("rgb(")
            .trim_end_matches(')')
            .split(',')
            .take(3)
            .filter_map(|v| v.trim().parse::<u32>().ok())
            .sum()
    };
    assert!(lum(&paper) < lum(&ink), "paper {paper} vs ink {ink}");
    s.shot("agreement").await;
    let number = d
        .find(By::Css(
            "[data-testid='blank'][data-field='customer_enterprise_number'] input",
        ))
        .await?;
    number.send_keys("0821.588.021").await?;
    d.query(By::Css(
        "[data-field='customer_enterprise_number'][data-state='invalid']",
    ))
    .first()
    .await?;
    number.scroll_into_view().await?;
    s.shot("invalid-number").await;

    // Unsaved work: closing the window asks first, and "go back" keeps it open.
    let name = d
        .find(By::Css(
            "[data-testid='blank'][data-field='customer_name'] input",
        ))
        .await?;
    name.send_keys("Acme NV").await?;
    name.send_keys(Key::Tab).await?;
    d.query(By::Css("[data-testid='doc-saved'][data-saved='false']"))
        .first()
        .await
        .ok();
    s.request_close().await;
    d.query(By::Css("[data-testid='discard-dialog']"))
        .and_displayed()
        .first()
        .await?;
    s.shot("close-unsaved").await;
    d.find(By::Css("[data-testid='discard-keep']"))
        .await?
        .click()
        .await?;
    let kept = d
        .find(By::Css(
            "[data-testid='blank'][data-field='customer_name'] input",
        ))
        .await?
        .prop("value")
        .await?;
    assert_eq!(
        kept.as_deref(),
        Some("Acme NV"),
        "the window lost the value"
    );

    // Agreeing to lose it closes the app: the WebDriver session goes with it.
    s.request_close().await;
    d.query(By::Css("[data-testid='discard-dialog']"))
        .and_displayed()
        .first()
        .await?;
    // The app may be gone before the click is even answered.
    let _ = d
        .find(By::Css("[data-testid='discard-confirm']"))
        .await?
        .click()
        .await;
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while d.title().await.is_ok() {
        assert!(
            std::time::Instant::now() < deadline,
            "the app did not close"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
    Ok(())
}
