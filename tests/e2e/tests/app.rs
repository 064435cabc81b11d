//! The app, end to end: a first run asks for a key; the built-in DPA is listed and starts an
//! agreement shown as text with its blanks as inputs where they stand, marked by the party that
//! fills them; the UI language changes the labels; the content security policy holds.

use thirtyfour::prelude::*;
use thirtyfour::stringmatch::StringMatch;
use tweevoud_e2e::page::{attr, blank, choose_language, shown, text_of};
use tweevoud_e2e::Session;

const DPA: &str = "xis-verwerkersovereenkomst";
const GOVERNING_LAW: &str = "Op deze overeenkomst is Belgisch recht van toepassing.";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_start_agreements_with_inline_blanks_in_three_languages() {
    tweevoud_e2e::run("app", |s| Box::pin(body(s))).await;
}

async fn body(s: &Session) -> WebDriverResult<()> {
    let d = s.driver();
    d.query(By::Css("body[data-ready='true']")).first().await?;
    s.shot("start").await;

    // The profile directory is the one given on the command line.
    let profile = text_of(d, "[data-testid='profile-dir']").await?;
    assert_eq!(profile, s.data_dir().display().to_string(), "profile dir");

    // A first run: no key yet, so the window asks for one before anything else.
    assert!(shown(d, "[data-testid='view-welcome']").await?);
    assert!(!shown(d, "[data-testid='template-view']").await?);

    // Start from Dutch, whatever the machine's language is.
    choose_language(d, "nl").await?;
    heading(d, "Nieuwe overeenkomst").await?;

    // The DPA is listed, first, with its title.
    let items = d.find_all(By::Css("[data-testid='template-item']")).await?;
    assert!(!items.is_empty(), "no templates listed");
    assert_eq!(attr(&items[0], "data-template-id").await?, DPA);
    let dpa = d.find(By::Css(template_item(DPA))).await?;
    assert!(dpa.text().await?.contains("Verwerkersovereenkomst"));
    assert_eq!(attr(&dpa, "aria-current").await?, "false");

    // Starting an agreement from it shows its text.
    dpa.click().await?;
    let page = d
        .query(By::Css("[data-testid='document']"))
        .and_displayed()
        .first()
        .await?;
    assert_eq!(attr(&dpa, "aria-current").await?, "true");
    assert_eq!(
        text_of(d, "[data-testid='template-title']").await?,
        "Verwerkersovereenkomst"
    );
    let text = page.text().await?;
    assert!(text.contains("VERWERKERSOVEREENKOMST"), "no title:\n{text}");
    assert!(text.contains(GOVERNING_LAW), "no governing law:\n{text}");
    assert!(!shown(d, "[data-testid='view-welcome']").await?);
    s.shot("dpa-open").await;

    // The customer's enterprise number is a customer blank, an input labelled in Dutch,
    // standing in its sentence, and coloured like the customer, not like the provider.
    let number = d.find(By::Css(blank("customer_enterprise_number"))).await?;
    assert_eq!(attr(&number, "data-party").await?, "customer");
    assert_eq!(attr(&number, "data-kind").await?, "enterprise_number");
    let number_input = number.find(By::Css("input")).await?;
    assert_eq!(
        attr(&number_input, "placeholder").await?,
        "Ondernemingsnummer van de Klant"
    );
    let around = d
        .execute(
            "const b = arguments[0];
             return [b.previousSibling.textContent, b.nextSibling.textContent];",
            vec![number.to_json()?],
        )
        .await?;
    let around: Vec<String> = around.convert()?;
    assert!(
        around[0].ends_with("ingeschreven in de Kruispuntbank voor Ondernemingen onder nummer "),
        "blank not where it stands: {around:?}"
    );
    assert!(
        around[1].starts_with(" (hierna: \"Klant\");"),
        "blank not where it stands: {around:?}"
    );
    let provider_name = d.find(By::Css(blank("provider_signatory_name"))).await?;
    assert_eq!(attr(&provider_name, "data-party").await?, "provider");
    let provider_input = provider_name.find(By::Css("input")).await?;
    assert_eq!(
        attr(&provider_input, "placeholder").await?,
        "Naam ondertekenaar XIS"
    );
    // The provider's defaults are filled in already.
    assert_eq!(attr(&provider_input, "value").await?, "Tom Hendrix");
    let customer_bg = background(&number_input).await?;
    let provider_bg = background(&provider_input).await?;
    let swatch = d
        .find(By::Css("[data-testid='missing-customer'] .swatch"))
        .await?;
    assert_eq!(
        customer_bg,
        background(&swatch).await?,
        "not the customer colour"
    );
    assert_ne!(customer_bg, provider_bg, "customer and provider look alike");
    assert!(
        !is_transparent(&customer_bg),
        "customer blank not highlighted"
    );
    assert!(
        !is_transparent(&provider_bg),
        "provider blank not highlighted"
    );
    number.scroll_into_view().await?;
    s.shot("customer-blank").await;

    // The signature section: each party's signatory blanks in that party's colour.
    let signer = d
        .find(By::Css(format!(
            "{} input",
            blank("customer_signatory_name")
        )))
        .await?;
    assert_eq!(background(&signer).await?, customer_bg);
    signer.scroll_into_view().await?;
    s.shot("signatures").await;

    // French, then English: the labels and the window's words follow; the agreement text,
    // written in Dutch, does not.
    for (lang, label, templates) in [
        ("fr", "Numéro d'entreprise du Client", "Nouvel accord"),
        ("en", "Customer's enterprise number", "New agreement"),
    ] {
        choose_language(d, lang).await?;
        wait_placeholder(d, "customer_enterprise_number", label).await?;
        heading(d, templates).await?;
        assert!(text_of(d, "[data-testid='document']")
            .await?
            .contains(GOVERNING_LAW));
        s.shot(&format!("lang-{lang}")).await;
    }

    // Back to Dutch: the same labels as at first.
    choose_language(d, "nl").await?;
    wait_placeholder(
        d,
        "customer_enterprise_number",
        "Ondernemingsnummer van de Klant",
    )
    .await?;

    // The language chosen is remembered: after a reload the window speaks French again.
    choose_language(d, "fr").await?;
    d.refresh().await?;
    d.query(By::Css("body[data-ready='true']")).first().await?;
    d.query(By::Css("html[lang='fr']")).first().await?;
    heading(d, "Nouvel accord").await?;
    choose_language(d, "nl").await?;

    // The content security policy is in force: no eval, no injected inline script.
    let csp = d
        .execute(
            "let evaluated = false;
             try { eval('1'); evaluated = true; } catch (e) {}
             const s = document.createElement('script');
             s.textContent = 'window.__tweevoudInline = true';
             document.head.append(s);
             return [evaluated, window.__tweevoudInline === true];",
            vec![],
        )
        .await?;
    assert_eq!(
        csp.json(),
        &serde_json::json!([false, false]),
        "CSP not in force"
    );

    // No error was shown along the way.
    assert!(!shown(d, "[data-testid='error']").await?);
    Ok(())
}

/// Waits until the input of blank `field` has the placeholder `label`.
async fn wait_placeholder(d: &WebDriver, field: &str, label: &str) -> WebDriverResult<()> {
    let css = format!("{} input[placeholder=\"{}\"]", blank(field), label);
    d.query(By::Css(css)).first().await?;
    Ok(())
}

/// Waits until the sidebar heading reads `text` (in whatever letter case CSS sets it).
async fn heading(d: &WebDriver, text: &str) -> WebDriverResult<()> {
    d.query(By::Css("#templates-heading"))
        .with_text(StringMatch::new(text).case_insensitive())
        .first()
        .await?;
    Ok(())
}

fn template_item(id: &str) -> String {
    format!("[data-testid='template-item'][data-template-id='{id}']")
}

async fn background(e: &WebElement) -> WebDriverResult<String> {
    e.css_value("background-color").await
}

fn is_transparent(css_colour: &str) -> bool {
    let c = css_colour.replace(' ', "");
    c == "transparent" || c == "rgba(0,0,0,0)"
}
