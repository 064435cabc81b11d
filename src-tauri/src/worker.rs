//! Where the commands do their work: never on the window's thread.
//!
//! Every IPC command is `async`, so Tauri runs it on its async runtime rather than on the
//! thread that draws the window; and whatever blocks (reading or rendering a file, a key's
//! passphrase derivation, an fsync, waiting for the agreement's lock) runs here, on a thread
//! for blocking work, so that a slow or hostile file keeps neither the window nor the other
//! commands waiting. A panic in such work ends that one command with [`Error::Interrupted`];
//! the window, and the agreement on the desk, stay as they were.

use tauri::{AppHandle, Manager};

use crate::{AppState, Error};

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
