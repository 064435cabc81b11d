//! Dark mode: with the desktop's dark theme the window follows (`prefers-color-scheme`), the
//! paper page included, and the blanks keep their party colours. Screenshots for the eye.

use thirtyfour::prelude::*;
use tweevoud_e2e::{Options, Session};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_window_follows_a_dark_desktop() {
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
    Ok(())
}
