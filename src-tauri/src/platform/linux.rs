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

/// WebKitGTK draws without its compositing mode, unless the person chose otherwise. On a
/// machine without GPU drawing (a virtual machine, software GL) the compositor repainted the
/// window in software for every batch of a streaming reply: the webview took about a core, and
/// on two cores the model wrote at 114 to 150 tokens/s instead of 188 to 194 (the same story,
/// in the release app under Xvfb). Hearth's window has nothing that needs compositing.
pub fn prepare_webview() {
    const VAR: &str = "WEBKIT_DISABLE_COMPOSITING_MODE";
    if std::env::var_os(VAR).is_none() {
        std::env::set_var(VAR, "1");
    }
}
