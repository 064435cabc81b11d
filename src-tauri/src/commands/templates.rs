//! Templates: which ones there are.

use tauri::State;
use tweevoud::template::TemplateSummary;

use crate::AppState;

/// Every template the app offers, the DPA first.
#[tauri::command]
pub fn list_templates(state: State<'_, AppState>) -> Vec<TemplateSummary> {
    state.templates().iter().map(|t| t.summary()).collect()
}
