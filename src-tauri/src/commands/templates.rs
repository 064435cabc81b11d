//! Templates: which ones there are.

use tauri::State;
use tweevoud::template::TemplateSummary;
use tweevoud_desk::command as desk;

use crate::{AppState, Error};

/// Every template the app offers, the DPA first.
#[tauri::command]
pub async fn list_templates(state: State<'_, AppState>) -> Result<Vec<TemplateSummary>, Error> {
    Ok(desk::list_templates(state.templates()))
}
