//! What the app holds while it runs.

use std::path::{Path, PathBuf};

use tweevoud::template::{self, Template};

use crate::error::Error;

/// The one shared state, built in `setup` and `.manage()`d. Nothing in it changes yet, so
/// there are no locks.
#[derive(Debug)]
pub struct AppState {
    data_dir: PathBuf,
    templates: Vec<Template>,
}

impl AppState {
    /// Opens the profile at `data_dir` (made absolute), creating the directory if it is new,
    /// and loads the built-in templates.
    pub fn open(data_dir: PathBuf) -> Result<AppState, Error> {
        let fail = |source| Error::DataDir {
            path: data_dir.clone(),
            source,
        };
        std::fs::create_dir_all(&data_dir).map_err(fail)?;
        let data_dir = std::path::absolute(&data_dir).map_err(fail)?;
        Ok(AppState {
            data_dir,
            templates: template::builtin(),
        })
    }

    /// The profile directory.
    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    /// The templates the app offers, the DPA first.
    pub fn templates(&self) -> &[Template] {
        &self.templates
    }

    /// The template with this id.
    pub fn template(&self, id: &str) -> Result<&Template, Error> {
        self.templates
            .iter()
            .find(|t| t.id() == id)
            .ok_or_else(|| template::TemplateError::NotFound(id.to_string()).into())
    }
}
