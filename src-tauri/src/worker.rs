//! Where the commands do their work: never on the window's thread.
//!
//! Every IPC command is `async`, so Tauri runs it on its async runtime rather than on the
//! thread that draws the window; and whatever blocks (reading or rendering a file, a key's
//! passphrase derivation, an fsync, waiting for the agreement's lock) runs here, on a thread
//! for blocking work, so that a slow or hostile file keeps neither the window nor the other
//! commands waiting. A panic in such work ends that one command with [`Error::Interrupted`];
//! the window, and the agreement on the desk, stay.
//!
//! While work runs, the page hears how much ([`WORKING`]), and shows that the app is busy
//! when it takes long.

use std::sync::atomic::{AtomicUsize, Ordering};

use tauri::{AppHandle, Emitter, Manager};

use crate::{AppState, Error};

/// Event sent to the page whenever work starts or ends; the payload is how many commands are
/// at work (0: idle).
pub const WORKING: &str = "working";

/// How many commands are at work.
static RUNNING: AtomicUsize = AtomicUsize::new(0);

/// Counts one command at work for as long as it lives, and tells the page.
struct Busy(AppHandle);

impl Busy {
    fn start(app: &AppHandle) -> Busy {
        let n = RUNNING.fetch_add(1, Ordering::SeqCst) + 1;
        let _ = app.emit(WORKING, n);
        Busy(app.clone())
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let n = RUNNING.fetch_sub(1, Ordering::SeqCst) - 1;
        let _ = self.0.emit(WORKING, n);
    }
}

/// Runs `job` with the app's state on a thread for blocking work and waits for its answer
/// without blocking.
pub async fn run<T, F>(app: &AppHandle, job: F) -> Result<T, Error>
where
    T: Send + 'static,
    F: FnOnce(&AppState) -> Result<T, Error> + Send + 'static,
{
    let app = app.clone();
    let busy = Busy::start(&app);
    tauri::async_runtime::spawn_blocking(move || {
        let _busy = busy;
        job(&app.state::<AppState>())
    })
    .await
    .map_err(|e| Error::Interrupted {
        reason: e.to_string(),
    })?
}
