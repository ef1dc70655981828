// No console window next to the app on Windows release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // Started as its own document reader, it reads one document and exits here.
    hearth_core::documents::serve_if_asked();
    hearth_core::core_dumps::turn_off();
    hearth_desktop::run();
}
