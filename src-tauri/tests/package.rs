//! The Debian package as a file manager sees it once installed: the app is offered for
//! agreement files (`*.tweevoud`, a MIME type of their own with Tweevoud's icon) and for PDFs,
//! and started with the file (`%f`). Laid out by `src-tauri/bundle/deb.sh` around a stand-in
//! binary (the release build takes too long for every test run), then checked with the tools
//! the desktop uses: `desktop-file-validate` and `update-mime-database`.

use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Runs `program` with `args`; it must succeed. Its standard output.
fn run(program: &str, args: &[&str], env: &[(&str, &Path)]) -> String {
    let out = Command::new(program)
        .args(args)
        .envs(env.iter().copied())
        .current_dir(workspace())
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot run ({e}); scripts/setup.sh installs it"));
    assert!(
        out.status.success(),
        "{program} {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_package_offers_the_app_for_agreement_files_and_pdfs() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("target");
    let deb = run(
        "bash",
        &["src-tauri/bundle/deb.sh", target.to_str().unwrap()],
        &[("TWEEVOUD_DEB_BINARY", Path::new("/bin/true"))],
    );
    let deb = deb.trim();
    assert!(deb.ends_with(".deb"), "{deb}");

    let listing = run("dpkg-deb", &["--contents", deb], &[]);
    for file in [
        "./usr/bin/tweevoud-app",
        "./usr/share/applications/tweevoud.desktop",
        "./usr/share/mime/packages/tweevoud.xml",
        "./usr/share/icons/hicolor/128x128/apps/tweevoud.png",
        "./usr/share/icons/hicolor/128x128/mimetypes/application-x-tweevoud.png",
        "./usr/share/icons/hicolor/scalable/mimetypes/application-x-tweevoud.svg",
    ] {
        assert!(
            listing.contains(file),
            "{file} is not in the package:\n{listing}"
        );
    }

    let root = dir.path().join("root");
    run("dpkg-deb", &["--extract", deb, root.to_str().unwrap()], &[]);
    let share = root.join("usr/share");

    // The desktop entry: valid, started with the file, offered for both types.
    let desktop = share.join("applications/tweevoud.desktop");
    run("desktop-file-validate", &[desktop.to_str().unwrap()], &[]);
    let entry = std::fs::read_to_string(&desktop).unwrap();
    let field = |name: &str| {
        entry
            .lines()
            .find_map(|l| l.strip_prefix(&format!("{name}=")))
            .unwrap_or_else(|| panic!("no {name} in the desktop entry"))
            .to_string()
    };
    assert_eq!(field("Exec"), "tweevoud-app %f");
    let types: Vec<String> = field("MimeType")
        .split(';')
        .filter(|t| !t.is_empty())
        .map(String::from)
        .collect();
    assert_eq!(types, ["application/x-tweevoud", "application/pdf"]);

    // The MIME type, compiled as the system compiles it: by name, and by content.
    let mime = share.join("mime");
    run("update-mime-database", &[mime.to_str().unwrap()], &[]);
    let globs = std::fs::read_to_string(mime.join("globs2")).unwrap();
    assert!(
        globs
            .lines()
            .any(|l| l.ends_with(":application/x-tweevoud:*.tweevoud")),
        "{globs}"
    );
    let magic = std::fs::read(mime.join("magic")).unwrap();
    assert!(
        magic
            .windows(b"tweevoud-agreement/".len())
            .any(|w| w == b"tweevoud-agreement/"),
        "no content match for agreement files"
    );
    let icons = std::fs::read_to_string(mime.join("icons")).unwrap();
    assert!(
        icons.contains("application/x-tweevoud:application-x-tweevoud"),
        "{icons}"
    );
    let described = std::fs::read_to_string(mime.join("application/x-tweevoud.xml")).unwrap();
    assert!(described.contains("Tweevoud-overeenkomst"), "{described}");
}
