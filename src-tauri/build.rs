fn main() {
    // tauri-build does not watch the capability files itself; without this a changed
    // permission would only take effect after an unrelated rebuild.
    println!("cargo:rerun-if-changed=src-tauri/capabilities");
    // The app's sources live in src-tauri/ while tauri.conf.json sits at the repository root, so
    // tell tauri-build where the capability files are.
    tauri_build::try_build(
        tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/**/*"),
    )
    .expect("failed to run tauri-build");
}
