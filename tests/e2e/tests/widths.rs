//! The browser edition on a phone, a tablet and a small laptop: the customer's whole path in
//! headless Chromium, from the single file `make web` writes, at 390 px wide in Dutch, 768 px
//! in French and 1024 px in English. The customer makes a key and saves its file, trusts the
//! provider's key, opens the PDF it was sent, reviews the provider's signature, fills in its
//! blanks, countersigns, downloads both exemplars and the agreement file, and verifies an
//! exemplar.
//!
//! At every step nothing is wider than the screen: the page does not scroll sideways, no part
//! of it does, nothing sticks out of it, and what the step is about (the document, its blanks,
//! the signature cards, the open dialog) is shown. Below 800 px the navigation is folded behind
//! the menu button, and is reached through it; at 390 px every button and field is at least
//! 40 px high, and every screen is also checked in the other two languages.
//!
//! Screenshots: `target/e2e-shots/width-<px>-<lang>-<nn>-<step>.png`.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::json;
use thirtyfour::prelude::*;
use tweevoud_e2e::browser::{
    self, choose_file, import_contact, wait_for_download, wait_for_downloads, Browser, Screen,
};
use tweevoud_e2e::page::*;
use tweevoud_e2e::{provider_sends, Shots, CLI_PASSPHRASE};

/// A valid Belgian enterprise number.
const NUMBER: &str = "0403.170.701";

/// The languages of the page.
const LANGUAGES: [&str; 3] = ["nl", "fr", "en"];

/// A screen the path is walked on, and the page's language there.
struct Width {
    screen: Screen,
    lang: &'static str,
}

const WIDTHS: [Width; 3] = [
    Width {
        screen: Screen {
            width: 390,
            height: 844,
            mobile: true,
        },
        lang: "nl",
    },
    Width {
        screen: Screen {
            width: 768,
            height: 1024,
            mobile: true,
        },
        lang: "fr",
    },
    Width {
        screen: Screen {
            width: 1024,
            height: 768,
            mobile: false,
        },
        lang: "en",
    },
];

impl Width {
    /// A phone: every screen is checked in every language, and for the size of what is touched.
    fn phone(&self) -> bool {
        self.screen.width < 600
    }

    /// The navigation is folded behind the menu button (ui/styles.css: below 800 px).
    fn folded(&self) -> bool {
        self.screen.width <= 800
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customers_path_fits_a_phone_a_tablet_and_a_laptop() {
    let page = browser::file_url(&browser::page());
    let files = tempfile::Builder::new()
        .prefix("tweevoud-widths-")
        .tempdir()
        .expect("a temporary directory");
    let (sent, tom) = provider_sends(files.path());
    // As a mail program may name an attachment: long, and with no place to break the line.
    let to_sign = files
        .path()
        .join("Verwerkersovereenkomst_XIS_Acme_NV_ter_ondertekening_7_december_2026.pdf");
    std::fs::copy(&sent, &to_sign).unwrap();
    browser::run("widths", "about:blank", move |b| {
        Box::pin(async move {
            for width in &WIDTHS {
                let walk = Walk::new(b, width);
                b.open_tab_on(&page, width.screen).await?;
                walk.path(&to_sign, &tom).await?;
                for file in std::fs::read_dir(b.downloads()).unwrap().flatten() {
                    std::fs::remove_file(file.path()).unwrap();
                }
            }
            Ok(())
        })
    })
    .await;
}

/// The path walked on one screen.
struct Walk<'a> {
    b: &'a Browser,
    width: &'a Width,
    /// One series of screenshots per language: `width-<px>-<lang>`.
    shots: Vec<(&'static str, Shots)>,
}

impl<'a> Walk<'a> {
    fn new(b: &'a Browser, width: &'a Width) -> Walk<'a> {
        let shots = LANGUAGES
            .iter()
            .filter(|&&lang| width.phone() || lang == width.lang)
            .map(|&lang| {
                let name = format!("width-{}-{lang}", width.screen.width);
                (lang, Shots::new(&name))
            })
            .collect();
        Walk { b, width, shots }
    }

    fn d(&self) -> &WebDriver {
        self.b.driver()
    }

    async fn path(&self, to_sign: &Path, tom: &Path) -> WebDriverResult<()> {
        let d = self.d();
        d.query(By::Css("body[data-ready='true']")).first().await?;
        attr_is(d, "body", "data-edition", "web").await?;
        choose_language(d, self.width.lang).await?;
        let folded = self.width.folded();
        assert_eq!(
            shown(d, "[data-testid='menu-button']").await?,
            folded,
            "{} px: the menu button",
            self.width.screen.width
        );
        assert_eq!(
            shown(d, "[data-testid='sidebar']").await?,
            !folded,
            "{} px: the navigation",
            self.width.screen.width
        );

        // Key: made, its file saved.
        self.screen("key-form", &["[data-testid='key-form']"], None)
            .await?;
        make_key(d).await?;
        self.screen("key-created", &["[data-testid='key-created']"], None)
            .await?;
        click(d, "[data-testid='key-created-save']").await?;
        wait_for_download(self.b, ".pem");
        click(d, "[data-testid='key-created-done']").await?;
        if shown(d, "[data-testid='empty-state']").await? {
            // Where to go next: in the menu on a narrow screen, on the left on a wide one.
            let text = if folded {
                "[data-testid='home-text-menu']"
            } else {
                "[data-testid='home-text']"
            };
            self.screen("home", &[text], None).await?;
        }

        // The provider's key, trusted: the navigation through the menu on a narrow screen.
        self.go("nav-keys").await?;
        import_contact(d, tom).await?;
        self.screen(
            "contacts",
            &["[data-testid='contact-item']"],
            Some("[data-testid='contact-list']"),
        )
        .await?;
        click(d, "[data-testid='mark-verified']").await?;
        self.dialog(
            "trust-dialog",
            "[data-testid='trust-dialog']",
            "[data-testid='mark-verified']",
            "#trust-cancel",
        )
        .await?;
        click(d, "[data-testid='trust-confirm']").await?;
        wait_for(
            d,
            "return !!document.querySelector(\"[data-testid='contact-status'].ok\");",
            vec![],
            "the contact marked verified",
        )
        .await?;

        // Open: the PDF received; review: the provider's signature.
        self.go("open-agreement").await?;
        choose_file(d, to_sign).await?;
        displayed(d, "[data-testid='review']").await?;
        attr_is(
            d,
            "[data-testid='review'] [data-testid='signature-card'][data-role='provider']",
            "data-trust",
            "verified_contact",
        )
        .await?;
        self.screen(
            "review",
            &[
                "[data-testid='review'] [data-testid='signature-card']",
                "[data-testid='document']",
            ],
            Some("[data-testid='review']"),
        )
        .await?;

        // Fill: the customer's blanks.
        click(d, "[data-testid='review-continue']").await?;
        self.screen(
            "blanks",
            &[&blank("customer_name"), "[data-testid='document']"],
            Some(&blank("customer_name")),
        )
        .await?;
        fill_customer(d, "Kerkstraat 1, 9000 Gent", NUMBER).await?;
        self.screen(
            "filled",
            &["[data-testid='document']", "[data-testid='sign-button']"],
            Some(&blank("customer_signatory_name")),
        )
        .await?;

        // Sign.
        click(d, "[data-testid='sign-button']").await?;
        self.dialog(
            "sign-dialog",
            "[data-testid='sign-dialog']",
            "[data-testid='sign-button']",
            "[data-testid='sign-cancel']",
        )
        .await?;
        type_into(d, "[data-testid='sign-passphrase']", CLI_PASSPHRASE).await?;
        click(d, "[data-testid='sign-submit']").await?;
        attr_is(d, "[data-testid='doc-status']", "data-status", "complete").await?;
        attr_is(d, "[data-testid='doc-status']", "data-verdict", "authentic").await?;
        self.screen(
            "countersigned",
            &["[data-testid='doc-status']"],
            Some("[data-testid='template-view']"),
        )
        .await?;
        self.screen(
            "signatures",
            &["[data-testid='signature-block'] [data-testid='signature-card']"],
            Some("[data-testid='signature-block']"),
        )
        .await?;

        // Download: both exemplars and the agreement file.
        click(d, "[data-testid='export-button']").await?;
        click(d, "[data-testid='save-button']").await?;
        wait_for_download(self.b, ".tweevoud");
        let exemplars = wait_for_downloads(self.b, ".pdf", 2);
        assert_no_error(d).await?;

        // Verify: an exemplar.
        self.go("nav-verify").await?;
        click(d, "[data-testid='verify-pick']").await?;
        choose_file(d, &exemplars[0]).await?;
        attr_is(d, "[data-testid='verdict']", "data-verdict", "authentic").await?;
        self.screen(
            "verified",
            &[
                "[data-testid='verdict']",
                "[data-testid='verdict'] [data-testid='signature-card']",
            ],
            None,
        )
        .await?;
        self.screen(
            "verified-seals",
            &["[data-testid='verdict-seals']"],
            Some("[data-testid='verdict-seals']"),
        )
        .await
    }

    /// Goes to the screen the navigation's `testid` leads to: through the menu button on a
    /// narrow screen (the navigation folded again once chosen), straight on a wide one.
    async fn go(&self, testid: &str) -> WebDriverResult<()> {
        let d = self.d();
        if self.width.folded() {
            assert!(!shown(d, "[data-testid='sidebar']").await?);
            click(d, "[data-testid='menu-button']").await?;
            attr_is(d, "[data-testid='menu-button']", "aria-expanded", "true").await?;
            self.screen(
                &format!("menu-{testid}"),
                &["[data-testid='sidebar']"],
                None,
            )
            .await?;
            click(d, &format!("[data-testid='{testid}']")).await?;
            attr_is(d, "[data-testid='menu-button']", "aria-expanded", "false").await?;
            assert!(!shown(d, "[data-testid='sidebar']").await?);
            Ok(())
        } else {
            click(d, &format!("[data-testid='{testid}']")).await
        }
    }

    /// Checks the screen as it is (see [`FITS`]) and photographs it as `step`, scrolled to
    /// `scroll` if given; on a phone, then again in each other language.
    async fn screen(
        &self,
        step: &str,
        parts: &[&str],
        scroll: Option<&str>,
    ) -> WebDriverResult<()> {
        let d = self.d();
        if let Some(css) = scroll {
            // At the top of the screen, with a little of what is above it.
            d.execute(
                "document.querySelector(arguments[0]).scrollIntoView({ block: 'start' });
                 document.getElementById('workspace').scrollBy(0, -24);",
                vec![json!(css)],
            )
            .await?;
        }
        let words = self.check(self.width.lang, step, parts).await?;
        if self.width.phone() {
            for lang in LANGUAGES.into_iter().filter(|&l| l != self.width.lang) {
                choose_language(d, lang).await?;
                let there = self.check(lang, step, parts).await?;
                self.translated(step, lang, &words, &there);
            }
            choose_language(d, self.width.lang).await?;
        }
        Ok(())
    }

    /// Asserts that each part's words in `lang` (`there`) are not those of the walk's language.
    fn translated(&self, step: &str, lang: &str, words: &Words, there: &Words) {
        for (part, text) in words {
            assert_ne!(
                there.get(part),
                Some(text),
                "{} px, {step}: {part} is not in {lang}",
                self.width.screen.width
            );
        }
    }

    /// Like [`Walk::screen`] for the open dialog `dialog`, which `open` opens and `cancel`
    /// closes: on a phone it is closed to choose another language, as a person must (the
    /// language is chosen outside it), and opened again; it is left open.
    async fn dialog(
        &self,
        step: &str,
        dialog: &str,
        open: &str,
        cancel: &str,
    ) -> WebDriverResult<()> {
        let d = self.d();
        displayed(d, dialog).await?;
        let words = self.check(self.width.lang, step, &[dialog]).await?;
        if self.width.phone() {
            for lang in LANGUAGES
                .into_iter()
                .filter(|&l| l != self.width.lang)
                .chain([self.width.lang])
            {
                click(d, cancel).await?;
                d.query(By::Css(dialog)).and_not_displayed().first().await?;
                choose_language(d, lang).await?;
                click(d, open).await?;
                displayed(d, dialog).await?;
                if lang != self.width.lang {
                    let there = self.check(lang, step, &[dialog]).await?;
                    self.translated(step, lang, &words, &there);
                }
            }
        }
        Ok(())
    }

    /// Asserts that the screen, in `lang`, fits (see [`FITS`]) and shows `parts`; photographs
    /// it. The words of the parts outside the agreement's text.
    async fn check(&self, lang: &str, step: &str, parts: &[&str]) -> WebDriverResult<Words> {
        let d = self.d();
        let shots = &self.shots.iter().find(|(l, _)| *l == lang).unwrap().1;
        let shot = shots.page(d, step).await;
        let fits = d
            .execute(FITS, vec![json!(parts), json!(self.width.phone())])
            .await?;
        let (problems, words): (Vec<String>, Words) = fits.convert()?;
        assert!(
            problems.is_empty(),
            "{} px, {lang}, {step} ({}): {problems:#?}",
            self.width.screen.width,
            shot.display(),
        );
        Ok(words)
    }
}

/// The words of each part of a screen (by its CSS selector).
type Words = BTreeMap<String, String>;

/// `[problems, words]`: what does not fit the screen, as `problems`, a list of sentences (empty when all fits): the
/// page or any part of it scrolling sideways or cutting its content, anything shown sticking
/// out of the screen, any of `parts` (CSS selectors) not shown, and, when `touch` is asked, a
/// button or field under 40 px high. Hidden elements, and the file input kept out of sight on
/// purpose, are not looked at. And the `words` of each part shown outside the agreement's text
/// (which stays in its own language).
const FITS: &str = r#"
const [parts, touch] = arguments;
const width = document.documentElement.clientWidth;
const problems = [];
const name = (e) => {
  if (e.dataset && e.dataset.testid) return `[data-testid='${e.dataset.testid}']`;
  if (e.id) return `#${e.id}`;
  const cls = typeof e.className === "string" ? e.className.trim() : "";
  return e.tagName.toLowerCase() + (cls ? "." + cls.split(/\s+/).join(".") : "");
};
const seen = (e) => {
  const r = e.getBoundingClientRect();
  return r.width > 1 && r.height > 1 && getComputedStyle(e).visibility !== "hidden";
};
const root = document.documentElement;
if (root.scrollWidth > width) {
  problems.push(`the page scrolls sideways: ${root.scrollWidth} > ${width}`);
}
for (const e of document.body.querySelectorAll("*")) {
  if (e.classList.contains("web-file") || !seen(e)) continue;
  const r = e.getBoundingClientRect();
  if (r.left < -0.5 || r.right > width + 0.5) {
    problems.push(`${name(e)} sticks out: ${Math.round(r.left)}..${Math.round(r.right)} of ${width}`);
  }
  const style = getComputedStyle(e);
  if (style.overflowX !== "visible" && !e.matches("input, select, textarea")
      && e.scrollWidth > e.clientWidth + 1) {
    problems.push(`${name(e)} scrolls or cuts sideways: ${e.scrollWidth} > ${e.clientWidth}`);
  }
  if (touch && e.matches("button, input, select, textarea, a[href]") && r.height < 39.5) {
    problems.push(`${name(e)} is ${r.height.toFixed(1)} px high`);
  }
}
const words = {};
for (const css of parts) {
  const part = [...document.querySelectorAll(css)].find(seen);
  if (!part) problems.push(`${css} is not shown`);
  else if (!part.closest(".paper") && !part.querySelector(".paper")) words[css] = part.innerText;
}
return [[...new Set(problems)], words];
"#;
