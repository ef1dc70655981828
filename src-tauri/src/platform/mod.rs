//! What only some systems have. Everything platform-specific lives here.

#[cfg(target_os = "linux")]
mod linux;

/// The text selected in any app, where the system has such a thing (X11's and Wayland's
/// PRIMARY selection); `None` elsewhere, where the popup uses the clipboard.
pub fn selected_text() -> Option<String> {
    #[cfg(target_os = "linux")]
    {
        linux::primary_selection()
    }
    #[cfg(not(target_os = "linux"))]
    {
        None
    }
}
