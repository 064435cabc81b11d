//! Runs tauri-build: reads tauri.conf.json. The bare window has no commands of its own.

fn main() {
    tauri_build::try_build(tauri_build::Attributes::new())
        .expect("tauri-build failed: check tauri.conf.json");
}
