//! The app's command line.

use std::path::PathBuf;

/// Tweevoud: fill in, sign and verify agreements.
#[derive(Debug, Clone, clap::Parser)]
#[command(name = "tweevoud-app", version)]
pub struct Options {
    /// The profile directory: keys, contacts and the archive live here. Defaults to the one
    /// the `tweevoud` CLI uses (on Linux ~/.local/share/tweevoud).
    #[arg(long, value_name = "DIR", env = "TWEEVOUD_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// A file to verify as the window opens: an agreement file or a PDF, as a file manager
    /// hands it. If the app is already open on this profile, that window verifies it instead.
    #[arg(value_name = "FILE")]
    pub file: Option<PathBuf>,
}
