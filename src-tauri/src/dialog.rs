//! The native file dialogs (GTK on Linux, through `rfd`): every file the app reads or writes
//! is one the user chose in one of these, or dropped on the window.
//!
//! The dialog is rfd's asynchronous one: GTK shows it from its main loop while the command
//! awaits the answer, so the window stays alive (and reachable by WebDriver) meanwhile.
//!
//! Test hook, only in the app built with the `e2e-hooks` feature (see `hooks`): the
//! end-to-end test may set the answer of the next dialog; that dialog then returns it without
//! showing itself. The others are real, and the test types into them with xdotool.

use std::path::PathBuf;

use crate::AppState;

/// What to ask.
#[derive(Debug, Clone)]
pub struct FileDialog {
    /// The window title, in the UI's language.
    pub title: String,
    /// Choose an existing file (open) or name a new one (save).
    pub save: bool,
    /// Choose a folder.
    pub folder: bool,
    /// The file name offered, for a save dialog.
    pub file_name: Option<String>,
    /// The folder to start in.
    pub directory: Option<PathBuf>,
    /// Named filters: (name, extensions without dot).
    pub filters: Vec<(String, Vec<String>)>,
}

impl FileDialog {
    /// An open dialog.
    pub fn open(title: impl Into<String>) -> FileDialog {
        FileDialog {
            title: title.into(),
            save: false,
            folder: false,
            file_name: None,
            directory: None,
            filters: Vec::new(),
        }
    }

    /// A save dialog offering `file_name`.
    pub fn save(title: impl Into<String>, file_name: impl Into<String>) -> FileDialog {
        FileDialog {
            file_name: Some(file_name.into()),
            save: true,
            ..FileDialog::open(title)
        }
    }

    /// A dialog that chooses a folder.
    pub fn folder(title: impl Into<String>) -> FileDialog {
        FileDialog {
            folder: true,
            ..FileDialog::open(title)
        }
    }

    /// Adds a filter.
    pub fn filter(mut self, name: &str, extensions: &[&str]) -> FileDialog {
        self.filters.push((
            name.to_string(),
            extensions.iter().map(|e| e.to_string()).collect(),
        ));
        self
    }

    /// Starts in `directory`, if given.
    pub fn in_directory(mut self, directory: Option<PathBuf>) -> FileDialog {
        self.directory = directory;
        self
    }

    /// Shows the dialog and waits for the user: the file chosen, or `None` if cancelled.
    pub async fn ask(self, state: &AppState) -> Option<PathBuf> {
        #[cfg(feature = "e2e-hooks")]
        if let Some(answer) = state.hooks().take_dialog_answer() {
            return Some(answer);
        }
        // Only the test hooks answer from the state.
        #[cfg(not(feature = "e2e-hooks"))]
        let _ = state;
        let mut dialog = rfd::AsyncFileDialog::new().set_title(&self.title);
        for (name, extensions) in &self.filters {
            dialog = dialog.add_filter(name, extensions);
        }
        if let Some(dir) = &self.directory {
            dialog = dialog.set_directory(dir);
        }
        if let Some(name) = &self.file_name {
            dialog = dialog.set_file_name(name);
        }
        let chosen = if self.folder {
            dialog.pick_folder().await
        } else if self.save {
            dialog.save_file().await
        } else {
            dialog.pick_file().await
        };
        chosen.map(|file| file.path().to_path_buf())
    }
}
