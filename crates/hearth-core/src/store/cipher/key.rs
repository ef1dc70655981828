//! The history's key: 32 random bytes (or bytes derived from a passphrase), given to SQLCipher
//! as a raw key so that opening a connection costs no key derivation.

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

pub struct Key(Zeroizing<[u8; 32]>);

impl Key {
    pub fn random() -> Self {
        let mut bytes = Zeroizing::new([0u8; 32]);
        rand::rng().fill_bytes(bytes.as_mut());
        Self(bytes)
    }

    pub fn from_bytes(bytes: Zeroizing<[u8; 32]>) -> Self {
        Self(bytes)
    }

    /// The key as 64 hex digits, as the keyring keeps it.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(self.0.as_ref()))
    }

    pub fn from_hex(text: &str) -> Option<Self> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        hex::decode_to_slice(text.trim(), bytes.as_mut()).ok()?;
        Some(Self(bytes))
    }

    /// SQLCipher's raw-key form, `x'<hex>'`, for `PRAGMA key` and `ATTACH ... KEY`.
    pub fn sql_text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!("x'{}'", self.to_hex().as_str()))
    }

    /// A short fingerprint kept beside the database, so a wrong passphrase or a replaced
    /// keyring entry is told apart from a damaged file. It says nothing about the key itself.
    pub fn check(&self) -> String {
        let mut hash = Sha256::new();
        hash.update(b"hearth history key check");
        hash.update(self.0.as_ref());
        hex::encode(&hash.finalize()[..8])
    }
}
