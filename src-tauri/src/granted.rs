//! The paths a person gave Hearth: files dropped on the main window, or picked in one of its
//! dialogs. Commands that read a path the webview names take only these, so a script in a
//! window (injected through model output, say) cannot make Hearth read `~/.ssh/id_ed25519`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

#[derive(Default)]
pub struct Granted(Mutex<HashSet<PathBuf>>);

impl Granted {
    pub fn grant(&self, paths: &[PathBuf]) {
        if let Ok(mut granted) = self.0.lock() {
            granted.extend(paths.iter().cloned());
        }
    }

    /// Refuses with a sentence unless every path was dropped or picked.
    pub fn check(&self, paths: &[PathBuf]) -> Result<(), String> {
        let granted = self
            .0
            .lock()
            .map_err(|_| "Hearth could not check where these files came from.".to_string())?;
        match paths.iter().find(|path| !granted.contains(*path)) {
            Some(path) => Err(format!(
                "Hearth reads only files dropped on its window or chosen in its dialogs, and {} \
                 was neither.",
                path.display()
            )),
            None => Ok(()),
        }
    }
}
