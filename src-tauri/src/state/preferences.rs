//! The settings in effect and the popup's shortcut as registered (or why it is not).

use hearth_core::settings::Settings;

use super::{lock, AppState};
use crate::hotkey::{Hotkey, HotkeyError};

impl AppState {
    pub fn settings(&self) -> Settings {
        lock(&self.settings).clone()
    }

    pub fn set_settings(&self, settings: Settings) {
        *lock(&self.settings) = settings;
    }

    /// The registered shortcut, or why there is none.
    pub fn hotkey(&self) -> Result<Hotkey, HotkeyError> {
        lock(&self.hotkey).clone()
    }

    pub fn set_hotkey(&self, hotkey: Result<Hotkey, HotkeyError>) {
        *lock(&self.hotkey) = hotkey;
    }
}
