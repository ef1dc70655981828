//! Global shortcuts: parsing and checking what the user typed, and registering a key for an
//! action so that a failure says which key and why, and never stops the app. The action is the
//! caller's (`on_shortcut(shortcut, handler)`, as tauri's global-shortcut plugin has it): this
//! module never knows what a key opens.

use std::str::FromStr;

use tauri::AppHandle;
use tauri_plugin_global_shortcut::{
    Code, GlobalShortcutExt, Modifiers, Shortcut, ShortcutEvent, ShortcutState,
};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HotkeyError {
    /// At start, before the stored shortcut is registered.
    #[error("The shortcut is not registered yet.")]
    NotYet,
    #[error("\"{text}\" is not a shortcut Hearth understands ({reason}). Write it like Ctrl+Shift+Space or Alt+F2.")]
    Invalid { text: String, reason: String },
    #[error("{0} alone would take that key away from every other app; add Ctrl, Alt, Shift or Super (for example Ctrl+Shift+{0}).")]
    NoModifier(String),
    #[error("{0} could not be registered: another app already uses it. Pick another shortcut.")]
    Taken(String),
    #[error("{shortcut} could not be registered: {reason}. Pick another shortcut, or bind `hearth-desktop --summarize-selection` to a key in your desktop's settings.")]
    Refused { shortcut: String, reason: String },
}

/// A checked shortcut and how to show it to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hotkey {
    pub shortcut: Shortcut,
    pub label: String,
}

/// Parses "Ctrl+Shift+Space" (any case, `Control`, `Option`, `Cmd` and `CmdOrCtrl` accepted).
/// A key without a modifier is refused, except the function keys F13 to F24 that keyboards
/// rarely use for anything else.
pub fn parse(text: &str) -> Result<Hotkey, HotkeyError> {
    let trimmed = text.trim();
    let shortcut = Shortcut::from_str(trimmed).map_err(|e| HotkeyError::Invalid {
        text: trimmed.to_string(),
        reason: e.to_string(),
    })?;
    let key = key_label(shortcut.key);
    if shortcut.mods.is_empty() && !is_spare_function_key(shortcut.key) {
        return Err(HotkeyError::NoModifier(key));
    }
    let mut parts: Vec<&str> = [
        (Modifiers::CONTROL, "Ctrl"),
        (Modifiers::ALT, "Alt"),
        (Modifiers::SHIFT, "Shift"),
        (Modifiers::SUPER, "Super"),
    ]
    .into_iter()
    .filter(|(m, _)| shortcut.mods.contains(*m))
    .map(|(_, name)| name)
    .collect();
    parts.push(&key);
    let label = parts.join("+");
    Ok(Hotkey { shortcut, label })
}

/// "KeyA" -> "A", "Digit1" -> "1"; other codes keep their names ("Space", "F2").
fn key_label(code: Code) -> String {
    let name = code.to_string();
    name.strip_prefix("Key")
        .or_else(|| name.strip_prefix("Digit"))
        .filter(|rest| rest.len() == 1)
        .map(str::to_string)
        .unwrap_or(name)
}

fn is_spare_function_key(code: Code) -> bool {
    use Code::*;
    matches!(
        code,
        F13 | F14 | F15 | F16 | F17 | F18 | F19 | F20 | F21 | F22 | F23 | F24
    )
}

/// Makes `hotkey` run `action` in place of `previous`. The previous one is released only once
/// the new one is registered, so a refused shortcut leaves the old one working.
pub fn register(
    app: &AppHandle,
    hotkey: &Hotkey,
    previous: Option<&Hotkey>,
    action: fn(&AppHandle),
) -> Result<(), HotkeyError> {
    let shortcuts = app.global_shortcut();
    if previous.is_some_and(|p| p.shortcut == hotkey.shortcut)
        && shortcuts.is_registered(hotkey.shortcut)
    {
        return Ok(());
    }
    shortcuts
        .on_shortcut(hotkey.shortcut, when_pressed(action))
        .map_err(|e| refusal(&hotkey.label, &e.to_string()))?;
    if let Some(previous) = previous.filter(|p| p.shortcut != hotkey.shortcut) {
        // Failing to release the old key only leaves it also opening the popup.
        let _ = shortcuts.unregister(previous.shortcut);
    }
    Ok(())
}

/// A shortcut handler that runs `action` on the async runtime. Handlers are called on the
/// thread that listens for keys; waiting there for the UI thread (any window call) deadlocks
/// when the UI thread is itself registering a shortcut, which waits for that listener (seen:
/// the app froze once Esc was grabbed and released around every popup).
fn when_pressed(
    action: fn(&AppHandle),
) -> impl Fn(&AppHandle, &Shortcut, ShortcutEvent) + Send + Sync + 'static {
    move |app, _, event| {
        if event.state == ShortcutState::Pressed {
            let app = app.clone();
            tauri::async_runtime::spawn(async move { action(&app) });
        }
    }
}

fn refusal(label: &str, reason: &str) -> HotkeyError {
    if reason.to_lowercase().contains("already registered") {
        HotkeyError::Taken(label.to_string())
    } else {
        HotkeyError::Refused {
            shortcut: label.to_string(),
            reason: reason.to_string(),
        }
    }
}

/// Holds `shortcut` for `action` while `held`, and lets it go otherwise (a key such as Esc that
/// other apps need back). Failing either way only leaves the key as it was.
pub fn hold_while(app: &AppHandle, shortcut: Shortcut, held: bool, action: fn(&AppHandle)) {
    let shortcuts = app.global_shortcut();
    if held && !shortcuts.is_registered(shortcut) {
        let _ = shortcuts.on_shortcut(shortcut, when_pressed(action));
    } else if !held && shortcuts.is_registered(shortcut) {
        let _ = shortcuts.unregister(shortcut);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_spellings_parse_to_one_label() {
        for text in [
            "Ctrl+Shift+Space",
            "ctrl+shift+space",
            " Control + Shift + Space ",
            "Shift+Ctrl+Space",
        ] {
            assert_eq!(
                parse(text).map(|h| h.label),
                Ok("Ctrl+Shift+Space".to_string()),
                "{text}"
            );
        }
        assert_eq!(parse("alt+f2").map(|h| h.label), Ok("Alt+F2".into()));
        assert_eq!(parse("Super+a").map(|h| h.label), Ok("Super+A".into()));
        assert_eq!(
            parse("Ctrl+Alt+1").map(|h| h.label),
            Ok("Ctrl+Alt+1".into())
        );
    }

    #[test]
    fn the_same_keys_make_the_same_shortcut() {
        let a = parse("ctrl+shift+space").expect("parses");
        let b = parse("Shift+Control+Space").expect("parses");
        assert_eq!(a.shortcut, b.shortcut);
    }

    #[test]
    fn a_bare_key_is_refused_but_a_spare_function_key_is_not() {
        assert_eq!(parse("Space"), Err(HotkeyError::NoModifier("Space".into())));
        assert_eq!(parse("a"), Err(HotkeyError::NoModifier("A".into())));
        assert_eq!(parse("F13").map(|h| h.label), Ok("F13".into()));
    }

    #[test]
    fn nonsense_is_refused_with_the_text_in_the_message() {
        for text in [
            "",
            "Ctrl+",
            "Ctrl+Shift",
            "Ctrl+Banana",
            "Ctrl+A+B",
            "Hyper+Space",
        ] {
            let error = parse(text).expect_err(text);
            assert!(
                matches!(error, HotkeyError::Invalid { .. }),
                "{text}: {error:?}"
            );
            assert!(error.to_string().contains(text.trim()), "{error}");
        }
    }

    #[test]
    fn a_taken_key_is_named_in_the_message() {
        let error = refusal(
            "Ctrl+Shift+Space",
            "HotKey already registered: HotKey { .. }",
        );
        assert_eq!(
            error.to_string(),
            "Ctrl+Shift+Space could not be registered: another app already uses it. Pick another shortcut."
        );
    }
}
