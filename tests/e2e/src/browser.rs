//! The browser edition in a real browser: Debian's Chromium, headless, driven over WebDriver
//! by its chromedriver, the way the desktop app is driven through tauri-driver.
//!
//! ```text
//! test ──WebDriver──> chromedriver ──> chromium --headless ──> file:///…/tweevoud.html
//! ```
//!
//! Each session gets its own chromedriver on a free port, its own browser profile (so its
//! storage starts empty) and its own download folder. Screenshots go to
//! `target/e2e-shots/web-<test>-<nn>-<step>.png`.
//!
//! Environment: `CHROMIUM` (default `/usr/bin/chromium`), `CHROMEDRIVER` (default
//! `/usr/bin/chromedriver`), `TWEEVOUD_WEB` (the page; default `<target>/web/tweevoud.html`,
//! which `make web` writes).

use std::future::Future;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use serde_json::json;
use thirtyfour::error::WebDriverResult;
use thirtyfour::prelude::*;
use thirtyfour::{Capabilities, WebDriver};

use crate::page::{click, type_into, wait_text};
use crate::{free_port, require_file, target_dir, Process, Shots, ONE_AT_A_TIME};

/// A test body run against a [`Browser`].
pub type Body<'a> = Pin<Box<dyn Future<Output = WebDriverResult<()>> + 'a>>;

/// The browser edition's single file, as `make web` writes it.
pub fn page() -> PathBuf {
    let page = std::env::var_os("TWEEVOUD_WEB")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("web/tweevoud.html"));
    require_file(&page, "the browser edition (make web)");
    page
}

/// The `file://` address of `page`.
pub fn file_url(page: &Path) -> String {
    format!("file://{}", page.display())
}

/// The static folder `make web` writes, served by a plain web server on 127.0.0.1 for as long
/// as the returned process lives; its address.
pub fn site() -> (String, Process) {
    let dir = target_dir().join("web/site");
    require_file(
        &dir.join("index.html"),
        "the browser edition's folder (make web)",
    );
    let port = free_port();
    let child = Command::new("python3")
        .args(["-m", "http.server", "--bind", "127.0.0.1"])
        .arg(port.to_string())
        .arg("--directory")
        .arg(&dir)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("python3 serves the folder");
    let mut server = Process::new("the web server", child);
    server.wait_for_port(port);
    (format!("http://127.0.0.1:{port}/index.html"), server)
}

/// Opens `url` in a fresh headless Chromium for the test `name`, runs `body`, and always tears
/// everything down, also when `body` fails (after a last screenshot).
pub async fn run<F>(name: &str, url: &str, body: F)
where
    F: for<'a> FnOnce(&'a Browser) -> Body<'a>,
{
    let _turn = ONE_AT_A_TIME.lock().await;
    let browser = Browser::start(name, url).await;
    let outcome = AssertUnwindSafe(body(&browser)).catch_unwind().await;
    let failed = !matches!(outcome, Ok(Ok(())));
    if failed {
        browser.shot("failed").await;
    }
    browser.finish().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("web e2e test {name} failed: {e}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// A headless Chromium showing the page, reachable over WebDriver.
pub struct Browser {
    driver: WebDriver,
    scratch: tempfile::TempDir,
    shots: Shots,
    _chromedriver: Process,
}

impl Browser {
    async fn start(name: &str, url: &str) -> Browser {
        let chromium = tool_path(
            "CHROMIUM",
            "/usr/bin/chromium",
            "Chromium (apt install chromium)",
        );
        let chromedriver = tool_path(
            "CHROMEDRIVER",
            "/usr/bin/chromedriver",
            "chromedriver (apt install chromium-driver)",
        );
        let scratch = tempfile::Builder::new()
            .prefix("tweevoud-web-e2e-")
            .tempdir()
            .expect("cannot create a temporary directory");
        let downloads = scratch.path().join("downloads");
        std::fs::create_dir_all(&downloads).expect("a download folder");
        let port = free_port();
        let child = Command::new(&chromedriver)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromedriver.display()));
        let mut process = Process::new("chromedriver", child);
        process.wait_for_port(port);

        let mut caps = Capabilities::new();
        caps.set("browserName", "chrome").expect("capability");
        caps.set(
            "goog:chromeOptions",
            json!({
                "binary": chromium,
                "args": [
                    "--headless=new",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-dev-shm-usage",
                    "--window-size=1440,1000",
                    "--lang=en",
                    format!("--user-data-dir={}", scratch.path().join("chromium").display()),
                ],
                "prefs": {
                    "download.default_directory": downloads,
                    "download.prompt_for_download": false,
                    "download.directory_upgrade": true,
                    // Both exemplars and the agreement file, one after the other.
                    "profile.default_content_setting_values.automatic_downloads": 1,
                    "safebrowsing.enabled": false,
                },
            }),
        )
        .expect("capability");
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
            .await
            .unwrap_or_else(|e| panic!("chromedriver could not start Chromium: {e}"));
        driver.goto(url).await.expect("the page opens");
        intercept_file_chooser(&driver)
            .await
            .expect("file choosers can be intercepted");

        Browser {
            driver,
            scratch,
            shots: Shots::new(&format!("web-{name}")),
            _chromedriver: process,
        }
    }

    /// Opens `url` in a new tab of the same browser (the same profile, so the same storage)
    /// and makes it the one the test drives; the tabs opened before stay open.
    pub async fn open_tab(&self, url: &str) -> WebDriverResult<()> {
        let tab = self.driver.new_tab().await?;
        self.driver.switch_to_window(tab).await?;
        self.driver.goto(url).await?;
        intercept_file_chooser(&self.driver).await
    }

    /// Like [`Browser::open_tab`], with the page shown on `screen` from the start.
    pub async fn open_tab_on(&self, url: &str, screen: Screen) -> WebDriverResult<()> {
        let tab = self.driver.new_tab().await?;
        self.driver.switch_to_window(tab).await?;
        self.driver
            .cdp()
            .send_raw(
                "Emulation.setDeviceMetricsOverride",
                json!({
                    "width": screen.width,
                    "height": screen.height,
                    "deviceScaleFactor": 1,
                    "mobile": screen.mobile,
                }),
            )
            .await?;
        self.driver.goto(url).await?;
        intercept_file_chooser(&self.driver).await
    }

    /// The WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        &self.driver
    }

    /// Where the browser saves downloads.
    pub fn downloads(&self) -> PathBuf {
        self.scratch.path().join("downloads")
    }

    /// Waits until the browser has finished downloading `file` (no partial download left), and
    /// returns its path.
    pub fn downloaded(&self, file: &str) -> PathBuf {
        let path = self.downloads().join(file);
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let partial = std::fs::read_dir(self.downloads())
                .map(|d| {
                    d.flatten()
                        .any(|e| e.file_name().to_string_lossy().ends_with(".crdownload"))
                })
                .unwrap_or(false);
            if path.is_file() && !partial {
                return path;
            }
            assert!(
                Instant::now() < deadline,
                "{file} was not downloaded; the folder holds {:?}",
                std::fs::read_dir(self.downloads())
                    .map(|d| d.flatten().map(|e| e.file_name()).collect::<Vec<_>>())
                    .unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Saves a screenshot of the page as `web-<test>-<nn>-<step>.png`.
    pub async fn shot(&self, step: &str) -> PathBuf {
        self.shots.page(&self.driver, step).await
    }

    async fn finish(self) {
        let _ = self.driver.quit().await;
    }
}

/// The screen a tab shows the page on: its size in CSS pixels, and whether it is a phone's or
/// a tablet's (the page laid out for the `viewport` it asks for, scroll bars drawn over it)
/// rather than a computer's window.
#[derive(Debug, Clone, Copy)]
pub struct Screen {
    pub width: u32,
    pub height: u32,
    pub mobile: bool,
}

/// Gives `file` to the page's file input, as a person choosing it in the browser's dialog.
pub async fn choose_file(d: &WebDriver, file: &Path) -> WebDriverResult<()> {
    d.find(By::Css("[data-testid='web-file']"))
        .await?
        .send_keys(crate::path(file))
        .await
}

/// The provider's public key `tom`, imported as a contact and marked verified, on the screen of
/// keys and contacts (opened through `nav-keys`, wherever the page shows it).
pub async fn trust_contact(d: &WebDriver, tom: &Path) -> WebDriverResult<()> {
    click(d, "[data-testid='nav-keys']").await?;
    import_contact(d, tom).await?;
    click(d, "[data-testid='mark-verified']").await?;
    click(d, "[data-testid='trust-confirm']").await?;
    wait_text(d, "[data-testid='contact-status']", "verified").await
}

/// On the screen of keys and contacts: the public key `tom` imported as the contact Tom Hendrix.
pub async fn import_contact(d: &WebDriver, tom: &Path) -> WebDriverResult<()> {
    type_into(d, "[data-testid='import-name']", "Tom Hendrix").await?;
    click(d, "[data-testid='import-submit']").await?;
    choose_file(d, tom).await?;
    wait_text(d, "[data-testid='contact-list']", "Tom Hendrix").await
}

/// The one downloaded file whose name ends in `suffix`, once it is complete.
pub fn wait_for_download(b: &Browser, suffix: &str) -> PathBuf {
    wait_for_downloads(b, suffix, 1).remove(0)
}

/// The `n` downloaded files whose names end in `suffix`, once complete, by name.
pub fn wait_for_downloads(b: &Browser, suffix: &str, n: usize) -> Vec<PathBuf> {
    let start = std::time::Instant::now();
    loop {
        let mut found: Vec<PathBuf> = std::fs::read_dir(b.downloads())
            .unwrap()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.to_string_lossy().ends_with(suffix))
            .collect();
        if found.len() == n {
            found.sort();
            return found
                .iter()
                .map(|p| b.downloaded(&p.file_name().unwrap().to_string_lossy()))
                .collect();
        }
        assert!(
            start.elapsed().as_secs() < 20,
            "expected {n} downloads ending in {suffix}, found {found:?}"
        );
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
}

/// A file chooser cannot show in a headless browser, which then reports it cancelled at once;
/// intercepted (in the current tab), it stays open until the test gives the input its file, as
/// a person choosing one would.
async fn intercept_file_chooser(driver: &WebDriver) -> WebDriverResult<()> {
    driver
        .cdp()
        .send_raw(
            "Page.setInterceptFileChooserDialog",
            json!({ "enabled": true }),
        )
        .await?;
    Ok(())
}

/// A tool from the environment variable `var`, else `default`; it must exist.
fn tool_path(var: &str, default: &str, what: &str) -> PathBuf {
    let path = std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(default));
    require_file(&path, what);
    path
}
