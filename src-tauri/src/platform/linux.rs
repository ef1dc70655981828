use arboard::{Clipboard, GetExtLinux, LinuxClipboardKind};

/// The PRIMARY selection: what is highlighted right now, in any app.
pub fn primary_selection() -> Option<String> {
    Clipboard::new()
        .ok()?
        .get()
        .clipboard(LinuxClipboardKind::Primary)
        .text()
        .ok()
}
