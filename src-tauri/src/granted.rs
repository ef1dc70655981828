//! The paths a person gave Hearth: files dropped on the main window, or picked in one of its
//! dialogs. Commands that read a path the webview names take only these, so a script in a
//! window (injected through model output, say) cannot make Hearth read `~/.ssh/id_ed25519`.

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Mutex;

use crate::error::Error;
use crate::state::lock;

#[derive(Default)]
pub struct Granted(Mutex<HashSet<PathBuf>>);

impl Granted {
    pub fn grant(&self, paths: &[PathBuf]) {
        lock(&self.0).extend(paths.iter().cloned());
    }

    /// Refuses unless every path was dropped or picked.
    pub fn check(&self, paths: &[PathBuf]) -> Result<(), Error> {
        let granted = lock(&self.0);
        match paths.iter().find(|path| !granted.contains(*path)) {
            Some(path) => Err(Error::NotGranted(path.clone())),
            None => Ok(()),
        }
    }
}
