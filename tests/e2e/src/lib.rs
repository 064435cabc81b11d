//! The end-to-end harness: runs the real Tweevoud app in a real window and drives it over
//! WebDriver, the way a person would use it.
//!
//! ```text
//! test ──WebDriver──> tauri-driver ──> WebKitWebDriver ──launches──> tweevoud-app --data-dir TMP
//!                                                                      (on Xvfb if no $DISPLAY)
//! ```
//!
//! Every session gets its own X display (unless `DISPLAY` is set), its own tauri-driver on
//! free ports and its own empty profile directory. Each step can be photographed into
//! `target/e2e-shots/<test>-<nn>-<step>.png`. A missing tool is a failure with a message that
//! says what to install, never a skipped test.
//!
//! Test hooks: the app under test is built with the `e2e-hooks` feature (`make e2e` does:
//! `cargo build -p tweevoud-app --features e2e-hooks`; the app people run has no hooks) and
//! started with `TWEEVOUD_E2E_HOOKS=1`, which turns on two IPC commands (see
//! `src-tauri/src/commands/e2e.rs`): `e2e_drop` acts as if a file were dropped on the window
//! (WebDriver cannot drag files from the desktop), and `e2e_answer_dialog` makes the next
//! native file dialog answer a path without showing itself. Other dialogs are the real GTK
//! ones: [`Session::answer_dialog`] types a path into them with xdotool. `TWEEVOUD_PDF_VIEWER`
//! names a stand-in that records the PDFs the app would have shown.
//!
//! Environment:
//! - `TWEEVOUD_APP`: the app binary, built with the hooks (default
//!   `<target>/debug/tweevoud-app`, where `<target>` is `CARGO_TARGET_DIR` or the
//!   workspace's `target/`).
//! - `TAURI_DRIVER`: the tauri-driver binary (default: on `PATH`, else `~/.cargo/bin`).
//! - `WEBKIT_WEBDRIVER`: the native driver (default `/usr/bin/WebKitWebDriver`).
//! - `DISPLAY`: use this display instead of starting Xvfb.

#![forbid(unsafe_code)]

use std::future::Future;
use std::net::{TcpListener, TcpStream};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use futures_util::FutureExt;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::json;
use thirtyfour::error::WebDriverResult;
use thirtyfour::{Capabilities, WebDriver};

pub use thirtyfour;

pub mod browser;
pub mod page;

/// How long a helper process may take to come up.
const STARTUP: Duration = Duration::from_secs(30);
/// How long a helper process may take to go away after SIGTERM.
const SHUTDOWN: Duration = Duration::from_secs(10);
/// The size of the virtual screen.
const SCREEN: &str = "1440x1000x24";

/// Sessions run one at a time within a test binary: they would not collide (each has its own
/// display, ports and profile), but two app windows at once would halve the little CPU there is
/// and make timing-sensitive waits flaky.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A test body: gets the session, returns when done.
pub type Body<'a> = Pin<Box<dyn Future<Output = WebDriverResult<()>> + 'a>>;

/// Starts the app for the test `name`, runs `body` against it, and always tears everything
/// down, also when `body` fails or panics (after taking a last screenshot, `<nn>-failed`).
///
/// ```no_run
/// # async fn demo() {
/// tweevoud_e2e::run("smoke", |s| Box::pin(async move {
///     s.shot("start").await;
///     Ok(())
/// })).await;
/// # }
/// ```
pub async fn run<F>(name: &str, body: F)
where
    F: for<'a> FnOnce(&'a Session) -> Body<'a>,
{
    run_in(name, None, body).await
}

/// Like [`run`], with the profile directory `profile` (kept afterwards) instead of a fresh
/// temporary one: a second launch of the same person's app.
pub async fn run_in<F>(name: &str, profile: Option<&Path>, body: F)
where
    F: for<'a> FnOnce(&'a Session) -> Body<'a>,
{
    let options = Options {
        profile: profile.map(Path::to_path_buf),
        ..Options::default()
    };
    run_with(name, options, body).await
}

/// How to start the app.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The profile directory (kept afterwards); `None`: a fresh temporary one.
    pub profile: Option<PathBuf>,
    /// Start the app with GTK's dark theme, so that the page is in dark mode
    /// (`prefers-color-scheme: dark`).
    pub dark: bool,
    /// A file to hand the app on its command line, as a file manager does.
    pub file: Option<PathBuf>,
    /// More of the app's environment (a test token's `SOFTHSM2_CONF`, the tests' eID root).
    pub env: Vec<(String, std::ffi::OsString)>,
}

/// Like [`run`], with [`Options`].
pub async fn run_with<F>(name: &str, options: Options, body: F)
where
    F: for<'a> FnOnce(&'a Session) -> Body<'a>,
{
    let _turn = ONE_AT_A_TIME.lock().await;
    let session = Session::start_with(name, &options).await;
    let outcome = AssertUnwindSafe(body(&session)).catch_unwind().await;
    let failed = !matches!(outcome, Ok(Ok(())));
    if failed {
        session.shot("failed").await;
    }
    session.finish().await;
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(e)) => panic!("e2e test {name} failed: {e}"),
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// A running app, reachable over WebDriver.
pub struct Session {
    driver: WebDriver,
    profile: PathBuf,
    scratch: tempfile::TempDir,
    shots: Shots,
    display: String,
    // Dropped in this order: the bridge first, then the display it drew on.
    tauri_driver: Process,
    xvfb: Option<Process>,
}

impl Session {
    /// Starts a display if needed, tauri-driver, and the app with a fresh profile directory.
    /// Panics, saying what is missing, if any piece cannot be found or started.
    pub async fn start(name: &str) -> Session {
        Session::start_in(name, None).await
    }

    /// Like [`Session::start`], with the profile directory `profile` if given.
    pub async fn start_in(name: &str, profile: Option<&Path>) -> Session {
        let options = Options {
            profile: profile.map(Path::to_path_buf),
            ..Options::default()
        };
        Session::start_with(name, &options).await
    }

    /// Like [`Session::start`], with [`Options`].
    pub async fn start_with(name: &str, options: &Options) -> Session {
        let profile = options.profile.as_deref();
        let app = app_binary();
        let tauri_driver_bin = tool("TAURI_DRIVER", "tauri-driver", &cargo_bin("tauri-driver"));
        let native = std::env::var_os("WEBKIT_WEBDRIVER")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("/usr/bin/WebKitWebDriver"));
        require_file(
            &native,
            "WebKitWebDriver (Debian: apt install webkit2gtk-driver)",
        );

        let (display, xvfb) = match std::env::var("DISPLAY") {
            Ok(d) if !d.is_empty() => (d, None),
            _ => {
                let (display, process) = start_xvfb();
                (display, Some(process))
            }
        };

        let scratch = tempfile::Builder::new()
            .prefix("tweevoud-e2e-")
            .tempdir()
            .expect("cannot create a temporary directory");
        let profile = match profile {
            Some(dir) => dir.to_path_buf(),
            None => scratch.path().join("profile"),
        };
        // The "PDF viewer": records what it is asked to open (see `src-tauri/src/viewer.rs`).
        let viewer = scratch.path().join("viewer.sh");
        std::fs::write(
            &viewer,
            format!(
                "#!/bin/sh\necho \"$1\" >> '{}'\n",
                scratch.path().join("viewer.log").display()
            ),
        )
        .expect("cannot write the viewer stand-in");
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&viewer, std::fs::Permissions::from_mode(0o755))
                .expect("cannot make the viewer stand-in executable");
        }

        let port = free_port();
        let native_port = free_port();
        let mut command = Command::new(&tauri_driver_bin);
        if options.dark {
            command.env("GTK_THEME", "Adwaita:dark");
        }
        command.envs(options.env.iter().map(|(k, v)| (k, v)));
        let child = command
            .arg("--port")
            .arg(port.to_string())
            .arg("--native-port")
            .arg(native_port.to_string())
            .arg("--native-driver")
            .arg(&native)
            .env("DISPLAY", &display)
            // No accessibility bus under Xvfb; without this GTK warns on every start.
            .env("NO_AT_BRIDGE", "1")
            // The app inherits these through WebKitWebDriver: the test hooks are on (in an app
            // built with them, which `app_binary` checks).
            .env("TWEEVOUD_E2E_HOOKS", "1")
            .env("TWEEVOUD_PDF_VIEWER", &viewer)
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}); install it with `cargo install tauri-driver --locked`",
                    tauri_driver_bin.display()
                )
            });
        let mut tauri_driver = Process::new("tauri-driver", child);
        // tauri-driver listens at once but forwards to WebKitWebDriver, which it starts at the
        // same time: a session requested before both listen fails with a connection error.
        tauri_driver.wait_for_port(port);
        tauri_driver.wait_for_port(native_port);

        let mut caps = Capabilities::new();
        caps.set("browserName", "wry").expect("capability");
        caps.set(
            "tauri:options",
            json!({
                "application": app,
                "args": app_args(&profile, options.file.as_deref()),
            }),
        )
        .expect("capability");
        let driver = WebDriver::new(format!("http://127.0.0.1:{port}"), caps)
            .await
            .unwrap_or_else(|e| panic!("tauri-driver could not start {}: {e}", app.display()));

        Session {
            driver,
            profile,
            scratch,
            shots: Shots::new(name),
            display,
            tauri_driver,
            xvfb,
        }
    }

    /// The WebDriver session.
    pub fn driver(&self) -> &WebDriver {
        &self.driver
    }

    /// The profile directory the app was started with (`--data-dir`).
    pub fn data_dir(&self) -> &Path {
        &self.profile
    }

    /// The files the app asked the system's PDF viewer to open, in order.
    pub fn opened_in_viewer(&self) -> Vec<PathBuf> {
        std::fs::read_to_string(self.scratch.path().join("viewer.log"))
            .unwrap_or_default()
            .lines()
            .map(PathBuf::from)
            .collect()
    }

    /// Saves a screenshot of the window as `<test>-<nn>-<step>.png` and returns its path.
    /// A screenshot that cannot be taken is reported, not fatal: it is evidence, not a check.
    pub async fn shot(&self, step: &str) -> PathBuf {
        self.shots.page(&self.driver, step).await
    }

    /// Saves a picture of the whole X screen (native dialogs included, which WebDriver cannot
    /// see) as `<test>-<nn>-<step>.png`, with ImageMagick's `import`.
    pub fn screen_shot(&self, step: &str) -> PathBuf {
        let path = self.shots.next(step);
        let status = Command::new("import")
            .args(["-window", "root"])
            .arg(&path)
            .env("DISPLAY", &self.display)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
        if !matches!(status, Ok(s) if s.success()) {
            eprintln!("e2e: screen shot {} failed: {status:?}", path.display());
        }
        path
    }

    /// Answers the native GTK file dialog titled `title` with `path`, the way a person would:
    /// waits for the dialog window, gives it the keyboard, opens the location field (an open
    /// dialog) or selects the file name (a save dialog), types the full path and presses Enter.
    /// Takes a screen shot `<step>` of the dialog with the path typed.
    pub async fn answer_dialog(&self, title: &str, path: &Path, save: bool, step: &str) {
        let window = self.wait_for_window(title).await;
        let xdotool = |args: &[&str]| {
            let status = Command::new("xdotool")
                .args(args)
                .env("DISPLAY", &self.display)
                .status()
                .unwrap_or_else(|e| {
                    panic!("cannot run xdotool ({e}); install it (Debian: apt install xdotool)")
                });
            assert!(status.success(), "xdotool {args:?} failed: {status}");
        };
        xdotool(&["windowfocus", "--sync", &window]);
        tokio::time::sleep(Duration::from_millis(300)).await;
        xdotool(&[
            "key",
            "--clearmodifiers",
            if save { "ctrl+a" } else { "ctrl+l" },
        ]);
        tokio::time::sleep(Duration::from_millis(200)).await;
        let text = path.to_str().expect("a UTF-8 path");
        xdotool(&["type", "--delay", "5", text]);
        tokio::time::sleep(Duration::from_millis(300)).await;
        self.screen_shot(step);
        xdotool(&["key", "Return"]);
    }

    /// Asks the app's window to close, the way a window manager does when the user clicks the
    /// close button: a `WM_DELETE_WINDOW` client message (there is no window manager under
    /// Xvfb to send it). Sent by a few lines of Python over libX11.
    pub async fn request_close(&self) {
        let window = self.wait_for_window("Tweevoud").await;
        let script = self.scratch.path().join("wm-delete.py");
        std::fs::write(&script, WM_DELETE_PY).expect("cannot write the close script");
        let status = Command::new("python3")
            .arg(&script)
            .arg(&window)
            .env("DISPLAY", &self.display)
            .status()
            .unwrap_or_else(|e| panic!("cannot run python3 ({e}); install it"));
        assert!(
            status.success(),
            "sending WM_DELETE_WINDOW failed: {status}"
        );
    }

    /// The X window id of the window titled exactly `title`, once it is shown.
    async fn wait_for_window(&self, title: &str) -> String {
        let deadline = Instant::now() + STARTUP;
        let pattern = format!("^{}$", title);
        loop {
            let out = Command::new("xdotool")
                .args(["search", "--onlyvisible", "--name", &pattern])
                .env("DISPLAY", &self.display)
                .output()
                .unwrap_or_else(|e| {
                    panic!("cannot run xdotool ({e}); install it (Debian: apt install xdotool)")
                });
            let found = String::from_utf8_lossy(&out.stdout);
            if let Some(id) = found.lines().next().filter(|l| !l.trim().is_empty()) {
                return id.trim().to_string();
            }
            assert!(
                Instant::now() < deadline,
                "no window titled {title:?} appeared within {STARTUP:?}"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Closes the app, then stops tauri-driver and the display.
    pub async fn finish(self) {
        let Session {
            driver,
            tauri_driver,
            xvfb,
            ..
        } = self;
        if let Err(e) = driver.quit().await {
            eprintln!("e2e: closing the WebDriver session failed: {e}");
        }
        drop(tauri_driver);
        drop(xvfb);
    }
}

/// Sends `WM_DELETE_WINDOW` to the window whose id is the first argument.
const WM_DELETE_PY: &str = r#"import ctypes, sys
x = ctypes.cdll.LoadLibrary("libX11.so.6")
x.XOpenDisplay.restype = ctypes.c_void_p
x.XInternAtom.restype = ctypes.c_ulong
x.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
class ClientMessage(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("serial", ctypes.c_ulong), ("send_event", ctypes.c_int),
                ("display", ctypes.c_void_p), ("window", ctypes.c_ulong),
                ("message_type", ctypes.c_ulong), ("format", ctypes.c_int),
                ("data", ctypes.c_long * 5)]
class XEvent(ctypes.Union):
    _fields_ = [("xclient", ClientMessage), ("pad", ctypes.c_long * 24)]
x.XSendEvent.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int, ctypes.c_long,
                         ctypes.POINTER(XEvent)]
x.XFlush.argtypes = [ctypes.c_void_p]
x.XCloseDisplay.argtypes = [ctypes.c_void_p]
d = x.XOpenDisplay(None)
if not d:
    sys.exit("cannot open the display")
ev = XEvent()
ev.xclient.type = 33  # ClientMessage
ev.xclient.window = int(sys.argv[1])
ev.xclient.message_type = x.XInternAtom(d, b"WM_PROTOCOLS", 0)
ev.xclient.format = 32
ev.xclient.data[0] = x.XInternAtom(d, b"WM_DELETE_WINDOW", 0)
if not x.XSendEvent(d, int(sys.argv[1]), 0, 0, ctypes.byref(ev)):
    sys.exit("XSendEvent failed")
x.XFlush(d)
x.XCloseDisplay(d)
"#;

/// A helper process that is stopped with SIGTERM, and waited for, when dropped.
pub struct Process {
    what: &'static str,
    child: Child,
}

impl Process {
    fn new(what: &'static str, child: Child) -> Process {
        Process { what, child }
    }

    /// Panics with the exit status if the process has died.
    fn check_alive(&mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited during start-up: {status}", self.what);
        }
    }

    fn wait_for_port(&mut self, port: u16) {
        let deadline = Instant::now() + STARTUP;
        loop {
            self.check_alive();
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} did not listen on port {port} within {STARTUP:?}",
                self.what
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(Some(_))) {
            return;
        }
        // SIGTERM, not SIGKILL: tauri-driver stops its WebKitWebDriver only when asked nicely;
        // killed outright, it leaves that child behind holding the port.
        if let Ok(pid) = i32::try_from(self.child.id()) {
            let _ = kill(Pid::from_raw(pid), Signal::SIGTERM);
        }
        let deadline = Instant::now() + SHUTDOWN;
        while Instant::now() < deadline {
            if matches!(self.child.try_wait(), Ok(Some(_))) {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        eprintln!(
            "e2e: {} ignored SIGTERM for {SHUTDOWN:?}; killing it",
            self.what
        );
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts Xvfb on the first free display from :90 and returns `(":n", process)`.
fn start_xvfb() -> (String, Process) {
    let xvfb = tool("XVFB", "Xvfb", Path::new("/usr/bin/Xvfb"));
    for n in 90..190 {
        let socket = PathBuf::from(format!("/tmp/.X11-unix/X{n}"));
        if socket.exists() || Path::new(&format!("/tmp/.X{n}-lock")).exists() {
            continue;
        }
        let display = format!(":{n}");
        let child = Command::new(&xvfb)
            .arg(&display)
            .args(["-screen", "0", SCREEN, "-nolisten", "tcp"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!(
                    "cannot start {} ({e}); install it (Debian: apt install xvfb)",
                    xvfb.display()
                )
            });
        let mut process = Process::new("Xvfb", child);
        let deadline = Instant::now() + STARTUP;
        while Instant::now() < deadline {
            if let Ok(Some(_)) = process.child.try_wait() {
                break; // lost a race for this display; try the next one
            }
            if socket.exists() {
                return (display, process);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    panic!("could not start Xvfb on any display from :90 to :189");
}

/// A port on 127.0.0.1 that nothing listens on right now.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("cannot find a free TCP port on 127.0.0.1")
}

/// The workspace root (two levels above this crate).
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .canonicalize()
        .expect("cannot resolve the workspace directory")
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the workspace) or `target/`.
pub fn target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) if !dir.is_empty() => workspace_dir().join(dir),
        _ => workspace_dir().join("target"),
    }
}

/// The app binary under test: `TWEEVOUD_APP`, or the debug build in the target directory.
/// It must have been built with the test hooks: `make run` builds the same file without them.
pub fn app_binary() -> PathBuf {
    let app = std::env::var_os("TWEEVOUD_APP")
        .map(PathBuf::from)
        .unwrap_or_else(|| target_dir().join("debug/tweevoud-app"));
    let app = std::path::absolute(&app).unwrap_or(app);
    require_file(
        &app,
        "the Tweevoud app (build it first: cargo build -p tweevoud-app --features e2e-hooks, \
         or set TWEEVOUD_APP)",
    );
    assert!(
        has_hooks(&app),
        "e2e: {} was built without the test hooks: build it with \
         `cargo build -p tweevoud-app --features e2e-hooks` (make e2e does)",
        app.display()
    );
    app
}

/// The app's command line: the profile, and a file if given.
fn app_args(profile: &Path, file: Option<&Path>) -> Vec<String> {
    let mut args = vec!["--data-dir".to_string(), profile.display().to_string()];
    args.extend(file.map(|f| f.display().to_string()));
    args
}

/// The command-line tool, for checking what the app wrote: the debug build in the target
/// directory (`make e2e` builds it).
pub fn cli_binary() -> PathBuf {
    let cli = target_dir().join("debug/tweevoud");
    require_file(
        &cli,
        "the tweevoud CLI (build it first: cargo build -p tweevoud)",
    );
    cli
}

/// Whether `app` was built with the test hooks: only then does the binary hold the name of
/// their switch (`scripts/hooks-check.sh` makes the same search).
fn has_hooks(app: &Path) -> bool {
    Command::new("grep")
        .args(["-aqF", "TWEEVOUD_E2E_HOOKS", "--"])
        .arg(app)
        .env("LC_ALL", "C")
        .status()
        .is_ok_and(|s| s.success())
}

/// The passphrase of keys the tests make with the CLI ([`cli`]).
pub const CLI_PASSPHRASE: &str = "a passphrase the command line reads";

/// Runs the CLI on the profile `data_dir` with `args` (keys made or unlocked with
/// [`CLI_PASSPHRASE`]); it must succeed. Its standard output.
pub fn cli(data_dir: &Path, args: &[&str]) -> String {
    let out = Command::new(cli_binary())
        .args(args)
        .env("TWEEVOUD_DATA_DIR", data_dir)
        .env("TWEEVOUD_PASSPHRASE", CLI_PASSPHRASE)
        .stdin(Stdio::null())
        .output()
        .expect("the CLI runs");
    assert!(
        out.status.success(),
        "tweevoud {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The template both parties sign in the tests: the built-in DPA.
pub const DPA: &str = "xis-verwerkersovereenkomst";

/// `p` as a string (the tests' temporary paths are UTF-8), for a command line or a file input.
pub fn path(p: &Path) -> String {
    p.to_str().expect("a UTF-8 temporary path").to_string()
}

/// The provider signs the DPA with the CLI, leaving the customer's blanks open: the PDF it
/// sends for countersignature, and its public key file, in `dir`.
pub fn provider_sends(dir: &Path) -> (PathBuf, PathBuf) {
    let provider = dir.join("provider");
    let cli = |args: &[&str]| cli(&provider, args);
    let agreement = dir.join("dpa.tweevoud");
    cli(&[
        "key",
        "new",
        "--name",
        "Tom Hendrix",
        "--org",
        "Xtreme Internet Solutions BV",
        "--function",
        "CEO",
    ]);
    cli(&["new", "--template", DPA, "--output", &path(&agreement)]);
    cli(&[
        "sign",
        &path(&agreement),
        "--key",
        "Tom Hendrix",
        "--as",
        "provider",
        "--leave-open-for",
        "customer",
    ]);
    let sent = dir.join("sent");
    cli(&["export", &path(&agreement), "--output", &path(&sent)]);
    let tom = dir.join("tom.pem");
    cli(&["key", "export", "Tom Hendrix", "--output", &path(&tom)]);
    (only_file(&sent, ".pdf"), tom)
}

/// The one file in `dir` whose name ends in `suffix`.
fn only_file(dir: &Path, suffix: &str) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    found[0].clone()
}

/// `~/.cargo/bin/<name>`.
fn cargo_bin(name: &str) -> PathBuf {
    let home = std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default();
    home.join("bin").join(name)
}

/// A tool from the environment variable `var`, else `name` on `PATH`, else `fallback`.
fn tool(var: &str, name: &str, fallback: &Path) -> PathBuf {
    if let Some(path) = std::env::var_os(var) {
        return PathBuf::from(path);
    }
    let on_path = std::env::var_os("PATH")
        .into_iter()
        .flat_map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .map(|dir| dir.join(name))
        .find(|p| p.is_file());
    on_path.unwrap_or_else(|| fallback.to_path_buf())
}

fn require_file(path: &Path, what: &str) {
    assert!(path.is_file(), "e2e: {} not found: {what}", path.display());
}

/// A test's numbered screenshots, `target/e2e-shots/<test>-<nn>-<step>.png`; those of an
/// earlier run of the same test are removed first, so that none is mistaken for new. A session
/// keeps one series; a test that photographs the same page in several settings keeps one
/// series of its own for each.
pub struct Shots {
    dir: PathBuf,
    name: String,
    taken: AtomicUsize,
}

impl Shots {
    /// The series `<name>-<nn>-<step>.png`, its earlier pictures removed.
    pub fn new(name: &str) -> Shots {
        let dir = target_dir().join("e2e-shots");
        std::fs::create_dir_all(&dir)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
        remove_old_shots(&dir, name);
        Shots {
            dir,
            name: name.to_string(),
            taken: AtomicUsize::new(0),
        }
    }

    /// The path of the next screenshot, of `step`.
    fn next(&self, step: &str) -> PathBuf {
        let n = self.taken.fetch_add(1, Ordering::SeqCst) + 1;
        self.dir.join(format!("{}-{n:02}-{step}.png", self.name))
    }

    /// Saves a screenshot of the page `driver` shows, once it has painted what it has just
    /// changed. One that cannot be taken is reported, not fatal: it is evidence, not a check.
    pub async fn page(&self, driver: &WebDriver, step: &str) -> PathBuf {
        let _ = driver
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 50)));",
                vec![],
            )
            .await;
        let path = self.next(step);
        if let Err(e) = driver.screenshot(&path).await {
            eprintln!("e2e: screenshot {} failed: {e}", path.display());
        }
        path
    }
}

/// Removes the screenshots of an earlier run of the same test, so none is mistaken for new.
fn remove_old_shots(dir: &Path, name: &str) {
    let prefix = format!("{name}-");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name();
        let file = file.to_string_lossy();
        let ours = file.strip_prefix(&prefix).is_some_and(|rest| {
            let b = rest.as_bytes();
            b.len() > 3 && b[..2].iter().all(u8::is_ascii_digit) && b[2] == b'-'
        });
        if ours && file.ends_with(".png") {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}
