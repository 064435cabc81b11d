//! Templates: which ones there are, and one template's text and blanks.

use serde::Serialize;
use tauri::State;
use tweevoud::template::{Document, TemplateSummary};

use crate::{AppState, Error};

/// A template as the window shows it: its identity and blanks, and its text.
#[derive(Debug, Serialize)]
pub struct TemplateView<'a> {
    /// Id, title, language, hash and the blanks with their labels, kinds and parties.
    summary: TemplateSummary,
    /// The text as blocks of lines of words and blanks.
    document: Document<'a>,
}

/// Every template the app offers, the DPA first.
#[tauri::command]
pub fn list_templates(state: State<'_, AppState>) -> Vec<TemplateSummary> {
    state.templates().iter().map(|t| t.summary()).collect()
}

/// One template's summary and text.
#[tauri::command]
pub fn open_template(state: State<'_, AppState>, id: String) -> Result<TemplateView<'_>, Error> {
    let template = state.inner().template(&id)?;
    Ok(TemplateView {
        summary: template.summary(),
        document: template.document(),
    })
}
