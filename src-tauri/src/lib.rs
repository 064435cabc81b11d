//! Tweevoud's desktop shell: a Tauri 2 window over the `tweevoud` core.
//!
//! The shell does no work of its own. It reads the command line, builds one [`AppState`],
//! and exposes thin IPC commands (one file per domain under `commands/`) that call the core
//! and hand its answers, or its typed errors, to the web front-end in `ui/`. Files are read
//! and written here, behind the native dialogs (`dialog`) or dropped on the window (`drop`).
//!
//! The end-to-end test's hooks (`hooks`, `commands::e2e`) are compiled only with the
//! `e2e-hooks` feature, which `make e2e` turns on; the app people run does not contain them.

#![forbid(unsafe_code)]

mod cli;
mod clock;
mod close;
mod commands;
mod dialog;
mod drop;
mod error;
mod files;
#[cfg(feature = "e2e-hooks")]
mod hooks;
mod instance;
mod state;
mod viewer;
mod worker;

use tauri::{Manager, WindowEvent};

pub use cli::Options;
#[doc(hidden)]
pub use commands::verify::verdict_json;
pub use error::Error;
pub use state::AppState;

/// Parses the command line, opens the window and runs until it is closed. If the app cannot
/// start (say, the profile directory cannot be created), says why and exits with status 1.
pub fn run() {
    let options = Options::parse();
    if let Err(e) = start(options) {
        eprintln!("tweevoud-app: {e}");
        std::process::exit(1);
    }
}

/// Builds the app, manages its [`AppState`] and runs the event loop.
///
/// The state is built before the app rather than in a `setup` hook: a profile that cannot be
/// opened is an error returned here, not a panic inside Tauri's event loop. A file given on
/// the command line waits in it as if dropped, and the page verifies it once it is up.
///
/// A launch for a profile that already has a window hands its file to that window and ends
/// here, before any window of its own ([`instance`]).
fn start(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let profile = tweevoud::Profile::resolve(options.data_dir)?;
    let state = AppState::open(profile.root().to_path_buf())?;
    let file = options.file.map(|f| std::path::absolute(&f).unwrap_or(f));
    let listener = match instance::launch(state.data_dir(), file.as_deref())? {
        instance::Launch::Handed => return Ok(()),
        instance::Launch::First(listener) => listener,
    };
    if let Some(file) = file {
        state.set_dropped(file);
    }
    let app = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::profile::app_info,
            commands::profile::quit,
            commands::templates::list_templates,
            commands::keys::list_keys,
            commands::keys::passphrase_strength,
            commands::keys::create_key,
            commands::keys::export_public_key,
            commands::contacts::list_contacts,
            commands::contacts::import_contact,
            commands::contacts::verify_contact,
            commands::contacts::remember_signer,
            commands::agreement::new_agreement,
            commands::agreement::current_agreement,
            commands::agreement::check_value,
            commands::agreement::fill_blank,
            commands::agreement::acknowledge_signatures,
            commands::agreement::sign_preview,
            commands::agreement::sign_agreement,
            commands::agreement::save_agreement,
            commands::agreement::open_agreement,
            commands::agreement::open_dropped,
            commands::agreement::open_verified,
            commands::agreement::timestamp_agreement,
            commands::exemplars::export_exemplars,
            commands::eid::eid_status,
            commands::eid::bind_eid,
            commands::eid::export_eid_exemplars,
            commands::archive::archive_agreement,
            commands::archive::list_archive,
            commands::archive::archive_details,
            commands::archive::open_exemplar,
            commands::archive::archive_place,
            commands::archive::verify_archive,
            commands::verify::verify_file,
            commands::verify::verify_dropped,
            #[cfg(feature = "e2e-hooks")]
            commands::e2e::e2e_drop,
            #[cfg(feature = "e2e-hooks")]
            commands::e2e::e2e_answer_dialog,
        ])
        .on_window_event(|window, event| match event {
            WindowEvent::DragDrop(drag) => drop::on_drag(window.app_handle(), drag),
            WindowEvent::CloseRequested { api, .. } => {
                close::on_close_requested(window.app_handle(), api)
            }
            _ => {}
        })
        .build(tauri::generate_context!())?;
    app.manage(state);
    let handle = app.handle().clone();
    listener.serve(move |file| drop::handed(&handle, file));
    app.run(|_, _| {});
    Ok(())
}
