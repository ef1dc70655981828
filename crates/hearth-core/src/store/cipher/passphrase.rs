//! A key derived from a passphrase with Argon2id, for when the OS keyring cannot be used.

use argon2::{Algorithm, Argon2, Params, Version};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use zeroize::Zeroizing;

use super::key::Key;

/// The most a note may ask of Argon2: far above what Hearth writes (64 MiB, 3 passes, 1 lane),
/// far below what would exhaust a laptop. A note asking more was changed or damaged, and
/// following it could take all memory or hours.
const MOST_MEMORY_KIB: u32 = 1 << 20;
const MOST_PASSES: u32 = 16;
const MOST_LANES: u32 = 8;

/// How a passphrase became the key; kept beside the database (none of it is secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Derivation {
    pub salt: String,
    /// Argon2's memory in KiB, passes and lanes.
    pub m_cost: u32,
    pub t_cost: u32,
    pub p_cost: u32,
}

impl Derivation {
    /// A new salt with OWASP's first Argon2id profile (64 MiB, 3 passes): about a third of a
    /// second here, paid once per start.
    pub fn new() -> Self {
        let mut salt = [0u8; 16];
        rand::rng().fill_bytes(&mut salt);
        Self {
            salt: hex::encode(salt),
            m_cost: 64 * 1024,
            t_cost: 3,
            p_cost: 1,
        }
    }

    /// The key for `passphrase`. Slow on purpose: run it off the async workers.
    pub fn key(&self, passphrase: &str) -> Result<Key, String> {
        if self.m_cost > MOST_MEMORY_KIB || self.t_cost > MOST_PASSES || self.p_cost > MOST_LANES {
            return Err(format!(
                "its settings ask for more than Hearth ever uses ({} KiB, {} passes, {} lanes); \
                 it was changed or is damaged",
                self.m_cost, self.t_cost, self.p_cost
            ));
        }
        let salt = hex::decode(&self.salt).map_err(|e| format!("its salt is damaged ({e})"))?;
        let params = Params::new(self.m_cost, self.t_cost, self.p_cost, Some(32))
            .map_err(|e| format!("its settings are damaged ({e})"))?;
        let mut bytes = Zeroizing::new([0u8; 32]);
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
            .hash_password_into(passphrase.as_bytes(), &salt, bytes.as_mut())
            .map_err(|e| format!("the key could not be derived ({e})"))?;
        Ok(Key::from_bytes(bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_past_the_bounds_are_refused_before_any_work() {
        let greedy = Derivation {
            m_cost: u32::MAX,
            ..Derivation::new()
        };
        let refused = greedy.key("correct horse").err();
        assert_eq!(
            refused.as_deref(),
            Some(
                "its settings ask for more than Hearth ever uses (4294967295 KiB, 3 passes, 1 \
                 lanes); it was changed or is damaged"
            )
        );
        let slow = Derivation {
            t_cost: 1_000_000,
            ..Derivation::new()
        };
        assert!(slow.key("correct horse").is_err());
    }
}
