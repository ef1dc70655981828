//! The tray icon: Hearth stays reachable (and its shortcut working) with the window closed.

use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::AppHandle;

use crate::popup::{self, Source};
use crate::windows;

const SHOW: &str = "show";
const SUMMARIZE: &str = "summarize-clipboard";
const QUIT: &str = "quit";

pub fn create(app: &AppHandle) -> tauri::Result<()> {
    let menu = Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, SHOW, "Show Hearth", true, None::<&str>)?,
            &MenuItem::with_id(app, SUMMARIZE, "Summarize clipboard", true, None::<&str>)?,
            &MenuItem::with_id(app, QUIT, "Quit", true, None::<&str>)?,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id("hearth")
        .tooltip("Hearth")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id().as_ref() {
            SHOW => windows::show_main(app),
            SUMMARIZE => popup::trigger(app, Source::Clipboard),
            QUIT => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    Ok(())
}
