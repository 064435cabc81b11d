//! Reading and driving the page: small steps the end-to-end tests share. Each waits for
//! the page rather than sleeping.

use std::path::Path;

use serde_json::json;
use thirtyfour::components::SelectElement;
use thirtyfour::prelude::*;

/// Calls a test hook (see `src-tauri/src/commands/e2e.rs`) with a path.
pub async fn hook(d: &WebDriver, command: &str, path: &Path) -> WebDriverResult<()> {
    let result = d
        .execute_async(
            "const [command, path, done] = arguments;
             window.__TAURI__.core.invoke(command, { path })
               .then(() => done('ok'), (e) => done(JSON.stringify(e)));",
            vec![json!(command), json!(path)],
        )
        .await?;
    assert_eq!(result.json(), &json!("ok"), "hook {command} failed");
    Ok(())
}

/// The next native file dialog answers `path` without showing itself.
pub async fn answer_next_dialog(d: &WebDriver, path: &Path) -> WebDriverResult<()> {
    hook(d, "e2e_answer_dialog", path).await
}

pub async fn choose_language(d: &WebDriver, lang: &str) -> WebDriverResult<()> {
    let select = d.find(By::Css("[data-testid='language']")).await?;
    SelectElement::new(&select)
        .await?
        .select_by_value(lang)
        .await?;
    d.query(By::Css(format!("html[lang='{lang}']")))
        .first()
        .await?;
    Ok(())
}

pub fn blank(field: &str) -> String {
    format!("[data-testid='blank'][data-field='{field}']")
}

pub async fn input(d: &WebDriver, field: &str) -> WebDriverResult<WebElement> {
    d.query(By::Css(format!(
        "{} [data-testid='blank-input']",
        blank(field)
    )))
    .and_displayed()
    .first()
    .await
}

/// Types the customer's values into the document's blanks (Marie Dubois of Acme NV, at
/// `address`, enterprise number `number`), each left with Tab and then shown filled, until no
/// blank of the customer's is missing.
pub async fn fill_customer(d: &WebDriver, address: &str, number: &str) -> WebDriverResult<()> {
    for (field, value) in [
        ("customer_name", "Acme NV"),
        ("customer_address", address),
        ("customer_enterprise_number", number),
        ("customer_signatory_name", "Marie Dubois"),
        ("customer_signatory_function", "Zaakvoerder"),
    ] {
        let input = input(d, field).await?;
        input.send_keys(value).await?;
        input.send_keys(Key::Tab).await?;
        attr_is(d, &blank(field), "data-state", "filled").await?;
    }
    attr_is(d, "[data-testid='missing-customer']", "data-count", "0").await
}

pub async fn input_value(d: &WebDriver, field: &str) -> WebDriverResult<String> {
    Ok(input(d, field)
        .await?
        .prop("value")
        .await?
        .unwrap_or_default())
}

/// The blank whose input has the keyboard focus.
pub async fn focused_field(d: &WebDriver) -> WebDriverResult<String> {
    let ret = d
        .execute("return document.activeElement.dataset.field || '';", vec![])
        .await?;
    ret.convert()
}

/// Clicks the element, as a user would (WebDriver's click, not a script's), once it can be
/// clicked; and again if the page never received the click. Under load, WebKitGTK's driver
/// has been seen to drop the event it synthesises for a click (`gtk_widget_event: assertion
/// 'WIDGET_REALIZED_FOR_EVENT' failed`): the button stayed as it was and the test waited for
/// what it opens. A listener on the document, in the capturing phase, says whether the click
/// arrived; a click that did arrive is never repeated.
pub async fn click(d: &WebDriver, css: &str) -> WebDriverResult<()> {
    let element = d.query(By::Css(css)).and_clickable().first().await?;
    for attempt in 0..3 {
        d.execute(
            "window.__e2eClicked = false;
             document.addEventListener('click', () => { window.__e2eClicked = true; },
                                       { capture: true, once: true });",
            vec![],
        )
        .await?;
        match element.click().await {
            Ok(()) => {}
            // The element went away since the click before: that click did its work (the
            // page changed), and the listener went with the page it was on.
            Err(_) if attempt > 0 => return Ok(()),
            Err(e) => return Err(e),
        }
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(3);
        while std::time::Instant::now() < deadline {
            let arrived = d
                .execute("return window.__e2eClicked !== false;", vec![])
                .await?;
            if arrived.json() == &json!(true) {
                return Ok(());
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        eprintln!("e2e: the click on {css} did not arrive; clicking again");
    }
    panic!("three clicks on {css} never reached the page");
}

pub async fn type_into(d: &WebDriver, css: &str, text: &str) -> WebDriverResult<()> {
    d.query(By::Css(css))
        .and_displayed()
        .first()
        .await?
        .send_keys(text)
        .await
}

pub async fn displayed(d: &WebDriver, css: &str) -> WebDriverResult<WebElement> {
    d.query(By::Css(css)).and_displayed().first().await
}

/// Waits until the element's text contains `needle`.
pub async fn wait_text(d: &WebDriver, css: &str, needle: &str) -> WebDriverResult<()> {
    wait_for(
        d,
        "const e = document.querySelector(arguments[0]);
         return !!e && e.innerText.includes(arguments[1]);",
        vec![json!(css), json!(needle)],
        &format!("{css} to contain {needle:?}"),
    )
    .await
}

/// Waits until the element has `name="value"`.
pub async fn attr_is(d: &WebDriver, css: &str, name: &str, value: &str) -> WebDriverResult<()> {
    wait_for(
        d,
        "const e = document.querySelector(arguments[0]);
         return !!e && e.getAttribute(arguments[1]) === arguments[2];",
        vec![json!(css), json!(name), json!(value)],
        &format!("{css} to have {name}={value:?}"),
    )
    .await
}

/// Polls `script` (which returns a boolean) until it is true, for up to 20 seconds. Asking the
/// page, rather than holding on to elements, is immune to elements being re-rendered.
pub async fn wait_for(
    d: &WebDriver,
    script: &str,
    args: Vec<serde_json::Value>,
    what: &str,
) -> WebDriverResult<()> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    loop {
        let ret = d.execute(script, args.clone()).await?;
        if ret.json() == &json!(true) {
            return Ok(());
        }
        assert!(
            std::time::Instant::now() < deadline,
            "waited 20 s for {what}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

pub async fn text_of(d: &WebDriver, css: &str) -> WebDriverResult<String> {
    d.find(By::Css(css)).await?.text().await
}

pub async fn shown(d: &WebDriver, css: &str) -> WebDriverResult<bool> {
    d.find(By::Css(css)).await?.is_displayed().await
}

pub async fn attr(e: &WebElement, name: &str) -> WebDriverResult<String> {
    Ok(e.attr(name).await?.unwrap_or_default())
}

pub async fn assert_no_error(d: &WebDriver) -> WebDriverResult<()> {
    assert!(
        !shown(d, "[data-testid='error']").await?,
        "an error is shown"
    );
    Ok(())
}

/// On the welcome screen: Marie Dubois's key, made with [`crate::CLI_PASSPHRASE`].
pub async fn make_key(d: &WebDriver) -> WebDriverResult<()> {
    type_into(d, "[data-testid='key-name']", "Marie Dubois").await?;
    type_into(d, "[data-testid='key-organisation']", "Acme NV").await?;
    type_into(d, "[data-testid='key-function']", "Zaakvoerder").await?;
    type_into(d, "[data-testid='key-passphrase']", crate::CLI_PASSPHRASE).await?;
    type_into(d, "[data-testid='key-confirm']", crate::CLI_PASSPHRASE).await?;
    click(d, "[data-testid='key-submit']").await?;
    displayed(d, "[data-testid='key-created']").await?;
    Ok(())
}
