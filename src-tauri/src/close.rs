//! Closing the window with unsaved work: the window asks first.
//!
//! A close request while the agreement on the desk has unsaved changes is held back, and the
//! page is told; if the user agrees to lose them, the page calls `quit`.

use tauri::{AppHandle, CloseRequestApi, Emitter, Manager};

use crate::AppState;

/// Event sent to the page when a close request was held back.
pub const CLOSE_REQUESTED: &str = "close-requested";

/// Holds back a close request while there is unsaved work, and tells the page.
pub fn on_close_requested(app: &AppHandle, api: &CloseRequestApi) {
    let unsaved = app
        .state::<AppState>()
        .work()
        .as_ref()
        .is_some_and(|w| !w.saved);
    if unsaved {
        api.prevent_close();
        let _ = app.emit(CLOSE_REQUESTED, ());
    }
}
