//! Files dropped on the window. The path stays in Rust: the page is told only that a file
//! (by name) was dropped, and then asks to open or verify "the dropped file".

use std::path::PathBuf;

use tauri::{AppHandle, DragDropEvent, Emitter, Manager};

use crate::files::file_name;
use crate::AppState;

/// Event sent to the page when a file is dropped; the payload is its name.
pub const DROPPED: &str = "file-dropped";
/// Event sent to the page when another launch handed the app a file to verify (a file opened
/// from the file manager while the window is open); the payload is its name.
pub const HANDED: &str = "file-handed";
/// Event sent to the page while a file is dragged over the window (`true`) or away (`false`).
pub const HOVER: &str = "drag-hover";

/// Handles the window's drag-and-drop events.
pub fn on_drag(app: &AppHandle, event: &DragDropEvent) {
    match event {
        DragDropEvent::Enter { .. } => {
            let _ = app.emit(HOVER, true);
        }
        DragDropEvent::Leave => {
            let _ = app.emit(HOVER, false);
        }
        DragDropEvent::Drop { paths, .. } => {
            let _ = app.emit(HOVER, false);
            if let Some(path) = paths.first() {
                dropped(app, path.clone());
            }
        }
        _ => {}
    }
}

/// Remembers `path` as the dropped file and tells the page.
pub fn dropped(app: &AppHandle, path: PathBuf) {
    let name = file_name(&path);
    app.state::<AppState>().set_dropped(path);
    let _ = app.emit(DROPPED, name);
}

/// A file handed over by another launch ([`crate::instance`]): waits as the dropped file, the
/// page is told to verify it, and the window comes to the front (`None`: only that).
pub fn handed(app: &AppHandle, file: Option<PathBuf>) {
    if let Some(path) = file {
        let name = file_name(&path);
        app.state::<AppState>().set_dropped(path);
        let _ = app.emit(HANDED, name);
    }
    if let Some(window) = app.get_webview_window("main") {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
