//! Tweevoud's desktop shell: a Tauri 2 window over the `tweevoud` core.
//!
//! The shell does no work of its own. It reads the command line, builds one [`AppState`],
//! and exposes a few thin IPC commands (one file per domain under `commands/`) that call the
//! core and hand its answers, or its typed errors, to the web front-end in `ui/`.

#![forbid(unsafe_code)]

mod cli;
mod commands;
mod error;
mod state;

use clap::Parser;
use tauri::Manager;

pub use cli::Options;
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
/// The state is built between `build` and `run` rather than in a `setup` hook: it is in place
/// before any window exists, and a profile that cannot be opened is an error returned here,
/// not a panic inside Tauri's event loop.
fn start(options: Options) -> Result<(), Box<dyn std::error::Error>> {
    let app = tauri::Builder::default()
        .invoke_handler(tauri::generate_handler![
            commands::profile::app_info,
            commands::templates::list_templates,
            commands::templates::open_template,
        ])
        .build(tauri::generate_context!())?;
    let data_dir = match options.data_dir {
        Some(dir) => dir,
        None => app.path().app_data_dir()?,
    };
    app.manage(AppState::open(data_dir)?);
    app.run(|_, _| {});
    Ok(())
}
