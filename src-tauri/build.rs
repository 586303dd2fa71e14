fn main() {
    // The app's sources live in src-tauri/ while tauri.conf.json sits at the repository root, so
    // tell tauri-build where the capability files are.
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("failed to run tauri-build");
}
