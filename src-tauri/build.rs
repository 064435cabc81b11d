//! Runs tauri-build: reads tauri.conf.json and the capability, and declares every IPC command
//! the app has, so that each one needs an explicit grant in `capabilities/main.json`.

/// The app's IPC commands. Each must be registered in `lib.rs` and granted in the capability.
const COMMANDS: &[&str] = &["app_info", "list_templates", "open_template"];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
