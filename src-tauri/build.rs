//! Runs tauri-build: reads tauri.conf.json and the capability, and declares every IPC command
//! the app has, so that each one needs an explicit grant in `capabilities/main.json`.

/// The app's IPC commands. Each must be registered in `lib.rs` and granted in the capability.
const COMMANDS: &[&str] = &[
    "app_info",
    "quit",
    "list_templates",
    "list_keys",
    "passphrase_strength",
    "create_key",
    "export_public_key",
    "list_contacts",
    "import_contact",
    "verify_contact",
    "remember_signer",
    "new_agreement",
    "current_agreement",
    "check_value",
    "fill_blank",
    "acknowledge_signatures",
    "sign_preview",
    "sign_agreement",
    "save_agreement",
    "open_agreement",
    "open_dropped",
    "open_verified",
    "export_exemplars",
    "archive_agreement",
    "list_archive",
    "archive_details",
    "open_exemplar",
    "verify_file",
    "verify_dropped",
    "e2e_drop",
    "e2e_answer_dialog",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri-build failed: check tauri.conf.json and capabilities/");
}
