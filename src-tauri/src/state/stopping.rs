//! Stopping what runs: every generation at once (Stop, a model switch), or the download.

use std::sync::{Arc, Mutex};

use hearth_core::engine::Engine;
use hearth_core::store::Store;
use tokio_util::sync::CancellationToken;

use super::{lock, AppState};
use crate::error::Error;

impl AppState {
    /// What a generation needs: the store, the loaded model, and a token that Stop cancels.
    pub async fn for_generation(&self) -> Result<(Store, Arc<Engine>, CancellationToken), Error> {
        Ok((self.store()?, self.engine().await?, self.stop.token()))
    }

    /// A token that the next `stop_download` cancels.
    pub fn download_token(&self) -> CancellationToken {
        self.download.token()
    }

    pub fn stop_download(&self) {
        self.download.stop();
    }

    pub fn stop_all(&self) {
        self.stop.stop();
    }
}

/// Hands out tokens that one `stop` cancels together; later tokens are fresh.
#[derive(Default)]
pub(super) struct Stopper(Mutex<CancellationToken>);

impl Stopper {
    fn token(&self) -> CancellationToken {
        lock(&self.0).child_token()
    }

    fn stop(&self) {
        let mut guard = lock(&self.0);
        guard.cancel();
        *guard = CancellationToken::new();
    }
}
