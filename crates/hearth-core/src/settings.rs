//! The user's settings: the popup's shortcut, summary style and translation language, what
//! closing the window does, when an idle model is unloaded, and the mirror recommended models
//! come from. Kept in the history database; a missing or unreadable value falls
//! back to its default, so an old or damaged row never stops the app.

use serde::{Deserialize, Serialize};

use crate::jobs::SummaryStyle;
use crate::store::{Store, StoreError};
use crate::text::language;

/// The popup's summary: one sentence, or a few bullet points.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default, ts_rs::TS)]
#[serde(rename_all = "lowercase")]
pub enum PopupStyle {
    #[default]
    Sentence,
    Bullets,
}

impl From<PopupStyle> for SummaryStyle {
    fn from(style: PopupStyle) -> Self {
        match style {
            PopupStyle::Sentence => SummaryStyle::Sentence,
            PopupStyle::Bullets => SummaryStyle::Bullets,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "camelCase", default)]
pub struct Settings {
    /// The global shortcut that opens the popup, as written by the user ("Ctrl+Shift+Space").
    pub shortcut: String,
    pub popup_style: PopupStyle,
    /// The language code "Translate instead" translates into.
    pub translate_to: String,
    /// Closing the main window keeps Hearth in the tray, so the shortcut keeps working.
    pub close_to_tray: bool,
    /// The model is unloaded (its memory returned) after this many seconds without a request;
    /// 0 keeps it loaded.
    pub unload_after_seconds: u64,
    /// Where recommended models are downloaded from, laid out like Hugging Face (a company's
    /// mirror); empty for `HEARTH_MODEL_MIRROR`, else Hugging Face.
    pub model_mirror: String,
}

/// A quarter of an hour: long enough not to reload between the questions of one sitting.
pub const DEFAULT_UNLOAD_AFTER_SECONDS: u64 = 15 * 60;

pub const DEFAULT_SHORTCUT: &str = "Ctrl+Shift+Space";

impl Default for Settings {
    fn default() -> Self {
        Self {
            shortcut: DEFAULT_SHORTCUT.to_string(),
            popup_style: PopupStyle::default(),
            translate_to: "en".to_string(),
            close_to_tray: true,
            unload_after_seconds: DEFAULT_UNLOAD_AFTER_SECONDS,
            model_mirror: String::new(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("Choose a shortcut for the popup.")]
    NoShortcut,
    #[error("Hearth does not know the language \"{0}\". Pick one from the list.")]
    UnknownLanguage(String),
    #[error("The model mirror \"{0}\" is not an https address (plain http only on this computer), like https://huggingface.co.")]
    Mirror(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// The row the settings are kept in.
const KEY: &str = "app";

/// The stored settings, or the defaults for anything not stored (or not readable).
pub async fn load(store: &Store) -> Result<Settings, StoreError> {
    store.setting(KEY).await
}

/// Checks and stores `settings`; returns them as stored.
pub async fn save(store: &Store, settings: Settings) -> Result<Settings, SettingsError> {
    let settings = settings.checked()?;
    store.save_setting(KEY, &settings).await?;
    Ok(settings)
}

impl Settings {
    /// The settings as they will be stored: trimmed, the language as its code.
    pub fn checked(mut self) -> Result<Self, SettingsError> {
        self.shortcut = self.shortcut.trim().to_string();
        if self.shortcut.is_empty() {
            return Err(SettingsError::NoShortcut);
        }
        let language = language::find(&self.translate_to)
            .ok_or_else(|| SettingsError::UnknownLanguage(self.translate_to.trim().to_string()))?;
        self.translate_to = language.code.to_string();
        let mirror = self.model_mirror.trim();
        self.model_mirror = if mirror.is_empty() {
            String::new()
        } else {
            crate::models::catalog::checked_mirror(mirror)
                .ok_or_else(|| SettingsError::Mirror(mirror.to_string()))?
        };
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_language_name_is_stored_as_its_code() {
        let settings = Settings {
            translate_to: "French".into(),
            shortcut: "  Ctrl+Alt+S ".into(),
            ..Settings::default()
        };
        let checked = settings.checked().expect("valid settings");
        assert_eq!(checked.translate_to, "fr");
        assert_eq!(checked.shortcut, "Ctrl+Alt+S");
    }

    #[test]
    fn unknown_languages_and_empty_shortcuts_are_refused() {
        let bad_language = Settings {
            translate_to: "Klingon".into(),
            ..Settings::default()
        };
        assert!(matches!(
            bad_language.checked(),
            Err(SettingsError::UnknownLanguage(_))
        ));
        let no_shortcut = Settings {
            shortcut: " ".into(),
            ..Settings::default()
        };
        assert!(matches!(
            no_shortcut.checked(),
            Err(SettingsError::NoShortcut)
        ));
    }

    #[test]
    fn a_mirror_is_https_or_on_this_computer() {
        let with = |mirror: &str| {
            Settings {
                model_mirror: mirror.into(),
                ..Settings::default()
            }
            .checked()
            .map(|s| s.model_mirror)
        };
        assert_eq!(
            with(" https://models.example.com/hub/ ").ok().as_deref(),
            Some("https://models.example.com/hub")
        );
        assert_eq!(
            with("http://127.0.0.1:8080").ok().as_deref(),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(with("  ").ok().as_deref(), Some(""));
        for refused in [
            "http://models.example.com",
            "ftp://127.0.0.1",
            "models",
            "https://x/?a=1",
        ] {
            assert!(
                matches!(with(refused), Err(SettingsError::Mirror(_))),
                "{refused}"
            );
        }
    }

    #[test]
    fn missing_fields_take_their_defaults() {
        let old: Settings = serde_json::from_str(r#"{"shortcut":"Alt+F2"}"#).expect("parses");
        assert_eq!(old.shortcut, "Alt+F2");
        assert!(old.close_to_tray);
        assert_eq!(old.unload_after_seconds, DEFAULT_UNLOAD_AFTER_SECONDS);
        assert_eq!(old.popup_style, PopupStyle::Sentence);
    }
}
