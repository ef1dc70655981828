//! The two windows: the main window, and the popup, which is created hidden at start (in
//! tauri.conf.json) so that showing it is instant, and placed next to the pointer on the
//! monitor the pointer is on.

use tauri::{AppHandle, Manager, PhysicalPosition, WebviewWindow};

pub const MAIN: &str = "main";
pub const POPUP: &str = "popup";

/// Gap between the pointer and the popup, in physical pixels.
const GAP: i32 = 16;

pub fn show_main(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(MAIN) {
        // Each step can fail on an exotic window manager; the others still help.
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub fn show_popup(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(POPUP) {
        // Placement is best effort: where the pointer cannot be read, the popup shows where
        // it was last.
        let _ = place_near_pointer(app, &window);
        let _ = window.show();
        let _ = window.set_focus();
    }
}

pub fn hide_popup(app: &AppHandle) {
    if let Some(window) = app.get_webview_window(POPUP) {
        let _ = window.hide();
    }
}

/// Below and to the right of the pointer, moved inside the pointer's monitor where it would
/// stick out (above the pointer when there is no room below).
fn place_near_pointer(app: &AppHandle, window: &WebviewWindow) -> tauri::Result<()> {
    let pointer = app.cursor_position()?;
    let monitor = match app.monitor_from_point(pointer.x, pointer.y)? {
        Some(monitor) => monitor,
        None => match app.primary_monitor()? {
            Some(monitor) => monitor,
            None => return Ok(()),
        },
    };
    let area = monitor.work_area();
    let size = window.outer_size()?;
    let (px, py) = (pointer.x as i32, pointer.y as i32);
    let (width, height) = (size.width as i32, size.height as i32);
    let right = area.position.x + area.size.width as i32;
    let bottom = area.position.y + area.size.height as i32;
    let x = (px + GAP).min(right - width).max(area.position.x);
    let y = if py + GAP + height <= bottom {
        py + GAP
    } else {
        (py - GAP - height).max(area.position.y)
    };
    window.set_position(PhysicalPosition::new(x, y))
}

/// Every window stays on Hearth's own page: a link in model output, clicked or opened from the
/// context menu, goes nowhere. (A new window is refused by the webview itself, as no handler
/// for one is set.)
pub fn stay_on_hearth<R: tauri::Runtime>() -> tauri::plugin::TauriPlugin<R> {
    tauri::plugin::Builder::new("stay-on-hearth")
        .on_navigation(|_webview, url| is_hearth(url))
        .build()
}

/// Hearth's own origin: tauri://localhost, or http(s)://tauri.localhost on Windows.
fn is_hearth(url: &tauri::Url) -> bool {
    match url.scheme() {
        "tauri" => url.host_str() == Some("localhost"),
        "http" | "https" => url.host_str() == Some("tauri.localhost"),
        _ => false,
    }
}
