//! The IPC commands, one module per domain. Each is a few lines that call the desk's command
//! of the same name ([`tweevoud_desk::command`]), written once for both editions; what the app
//! adds is its own: the file dialogs, files read and written, the archive.
//!
//! Every command is `async`: Tauri runs a synchronous command on the thread that draws the
//! window, so one slow file would freeze it. What blocks runs through [`crate::worker`].

pub mod agreement;
pub mod archive;
pub mod contacts;
#[cfg(feature = "e2e-hooks")]
pub mod e2e;
pub mod eid;
pub mod exemplars;
pub mod keys;
pub mod profile;
pub mod templates;
pub mod verify;

/// The app's commands that the browser edition has not under the same name, and why: they
/// show a file dialog or read a dropped file (the browser's page asks for the file and sends
/// its contents to a command of its own, over the same function of the desk), or they are the
/// app's by nature.
#[cfg(test)]
const APP_ONLY: &[(&str, &str)] = &[
    (
        "quit",
        "closes the app's window; the page asks the browser to close the tab",
    ),
    (
        "save_agreement",
        "a save dialog; the browser downloads `agreement_file`",
    ),
    (
        "open_agreement",
        "an open dialog; the browser sends the bytes to `open_bytes`",
    ),
    (
        "open_dropped",
        "a file dropped on the window; the browser sends its bytes to `open_bytes`",
    ),
    (
        "verify_file",
        "an open dialog; the browser sends the bytes to `verify_bytes`",
    ),
    (
        "verify_dropped",
        "a file dropped on the window; the browser sends its bytes to `verify_bytes`",
    ),
    (
        "export_exemplars",
        "a save dialog; the browser downloads `exemplar_files`",
    ),
    (
        "export_public_key",
        "a save dialog; the browser downloads `public_key_file`",
    ),
    (
        "import_contact",
        "an open dialog; the browser sends the text to `import_contact_text`",
    ),
    (
        "archive_agreement",
        "the archive: the browser edition keeps none",
    ),
    (
        "list_archive",
        "the archive: the browser edition keeps none",
    ),
    (
        "archive_details",
        "the archive: the browser edition keeps none",
    ),
    (
        "archive_place",
        "the archive: the browser edition keeps none",
    ),
    (
        "verify_archive",
        "the archive: the browser edition keeps none",
    ),
    ("open_exemplar", "the archive, and the system's PDF viewer"),
    (
        "eid_status",
        "the card reader: a browser page cannot reach one (the page says so)",
    ),
    (
        "bind_eid",
        "the card reader: a browser page cannot reach one (the page says so)",
    ),
    (
        "export_eid_exemplars",
        "the card reader: a browser page cannot reach one (the page says so)",
    ),
    (
        "e2e_drop",
        "the end-to-end test's hook (feature `e2e-hooks`)",
    ),
    (
        "e2e_answer_dialog",
        "the end-to-end test's hook (feature `e2e-hooks`)",
    ),
];

#[cfg(test)]
mod tests {
    /// The source of every command module.
    const SOURCES: &[(&str, &str)] = &[
        ("agreement", include_str!("agreement.rs")),
        ("archive", include_str!("archive.rs")),
        ("contacts", include_str!("contacts.rs")),
        ("eid", include_str!("eid.rs")),
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

    /// The names of the functions marked `#[tauri::command]`.
    fn defined() -> Vec<String> {
        let mut names = Vec::new();
        for (_, source) in SOURCES {
            let mut lines = source.lines();
            while let Some(line) = lines.next() {
                if line.trim() == "#[tauri::command]" {
                    let signature = lines.next().unwrap_or_default().trim();
                    let name = signature
                        .trim_start_matches("pub async fn ")
                        .split(['(', '<'])
                        .next()
                        .unwrap_or_default();
                    names.push(name.to_string());
                }
            }
        }
        names.sort();
        names
    }

    /// The names the app registers (`generate_handler!` in lib.rs).
    fn registered() -> Vec<String> {
        let lib = include_str!("../lib.rs");
        let start = lib.find("generate_handler![").expect("the handler list");
        let end = start + lib[start..].find("])").expect("its end");
        let mut names: Vec<String> = lib[start..end]
            .lines()
            .filter_map(|l| l.trim().strip_prefix("commands::"))
            .filter_map(|l| l.trim_end_matches(',').rsplit("::").next())
            .map(str::to_string)
            .collect();
        names.sort();
        names
    }

    /// Both editions expose the desk's commands under the same names; the app's others are
    /// listed in [`super::APP_ONLY`] with the reason (the browser's in `tweevoud_web`).
    #[test]
    fn the_commands_are_the_desks_and_the_apps_own() {
        let expected = tweevoud_desk::command::expected(super::APP_ONLY);
        assert_eq!(defined(), expected, "the app's commands");
        assert_eq!(registered(), expected, "the commands lib.rs registers");
    }

    /// The commands tauri-build declares (build.rs) and the main window's capability grants
    /// are the same list: a command left out of either is refused by the app's ACL at run time.
    #[test]
    fn the_acl_declares_and_grants_every_command() {
        let expected: Vec<String> = tweevoud_desk::command::expected(super::APP_ONLY)
            .into_iter()
            .filter(|name| {
                !super::APP_ONLY
                    .iter()
                    .any(|(n, reason)| n == name && reason.contains("e2e-hooks"))
            })
            .collect();
        let build = include_str!("../../build.rs");
        let start = build
            .find("const COMMANDS")
            .expect("build.rs's command list");
        let end = start + build[start..].find("];").expect("its end");
        let mut declared: Vec<String> = build[start..end]
            .lines()
            .filter_map(|l| l.trim().strip_prefix('"'))
            .filter_map(|l| l.strip_suffix("\",").or_else(|| l.strip_suffix('"')))
            .map(str::to_string)
            .collect();
        declared.sort();
        assert_eq!(declared, expected, "the commands build.rs declares");
        let capability: serde_json::Value =
            serde_json::from_str(include_str!("../../capabilities/main.json")).expect("JSON");
        let mut granted: Vec<String> = capability["permissions"]
            .as_array()
            .expect("a list of permissions")
            .iter()
            .filter_map(|p| p.as_str()?.strip_prefix("allow-"))
            .map(|p| p.replace('-', "_"))
            .collect();
        granted.sort();
        assert_eq!(
            granted, expected,
            "the commands capabilities/main.json grants"
        );
    }

    /// Where the app shows a dialog, the browser's page (ui/web.js) asks for the file and
    /// calls its own command; the archive's commands, the card reader's and the test hooks it
    /// has not.
    #[test]
    fn the_page_translates_every_app_only_command() {
        let page = include_str!("../../../ui/web.js");
        for (name, reason) in super::APP_ONLY {
            if reason.starts_with("the archive")
                || reason.starts_with("the card reader")
                || reason.contains("e2e-hooks")
            {
                continue;
            }
            assert!(
                page.contains(&format!("case \"{name}\":")),
                "ui/web.js does not translate {name}"
            );
        }
    }
}
