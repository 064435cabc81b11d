//! The IPC commands, one module per domain. Each is a few lines that call the core.
//!
//! Every command is `async`: Tauri runs a synchronous command on the thread that draws the
//! window, so one slow file would freeze it. What blocks runs through [`crate::worker`].

pub mod agreement;
pub mod archive;
pub mod contacts;
#[cfg(feature = "e2e-hooks")]
pub mod e2e;
pub mod exemplars;
pub mod keys;
pub mod profile;
pub mod templates;
pub mod verify;

#[cfg(test)]
mod tests {
    /// The source of every command module.
    const SOURCES: &[(&str, &str)] = &[
        ("agreement", include_str!("agreement.rs")),
        ("archive", include_str!("archive.rs")),
        ("contacts", include_str!("contacts.rs")),
        ("e2e", include_str!("e2e.rs")),
        ("exemplars", include_str!("exemplars.rs")),
        ("keys", include_str!("keys.rs")),
        ("profile", include_str!("profile.rs")),
        ("templates", include_str!("templates.rs")),
        ("verify", include_str!("verify.rs")),
    ];

    /// No command runs on the window's thread: each one is `async`.
    #[test]
    fn every_command_is_async() {
        let mut commands = 0;
        for (module, source) in SOURCES {
            let mut lines = source.lines();
            while let Some(line) = lines.next() {
                if line.trim() != "#[tauri::command]" {
                    continue;
                }
                commands += 1;
                let signature = lines.next().unwrap_or_default().trim();
                assert!(
                    signature.starts_with("pub async fn "),
                    "commands/{module}.rs: `{signature}` runs on the window's thread; make it async"
                );
            }
        }
        assert!(commands >= 25, "only {commands} commands found");
    }
}
