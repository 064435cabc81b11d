//! A bare Tauri window: one line of text, no commands, built with the same Tauri features,
//! window size, CSP and icon as the Tweevoud app. `make bench` compares the app's launch time
//! and idle memory with this one's.

#![forbid(unsafe_code)]
// No console window next to the app on Windows release builds, as in the app.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    if let Err(e) = tauri::Builder::default().run(tauri::generate_context!()) {
        eprintln!("bare-tauri: {e}");
        std::process::exit(1);
    }
}
