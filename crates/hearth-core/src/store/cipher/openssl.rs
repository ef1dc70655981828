//! SQLCipher encrypts through OpenSSL's libcrypto, which by default frees its tables in an
//! `atexit` handler. When a process ends while one of sqlx's worker threads is still closing an
//! encrypted connection, that thread and the clean-up meet in freed memory: a test binary died
//! with a segfault in libcrypto after all its tests had passed. The OS frees everything at
//! exit anyway, so Hearth asks OpenSSL to leave the clean-up out.

use std::ffi::{c_int, c_void};
use std::sync::Once;

/// `OPENSSL_INIT_NO_ATEXIT`, OpenSSL 1.1.1b and later.
const NO_ATEXIT: u64 = 0x0008_0000;

extern "C" {
    fn OPENSSL_init_crypto(opts: u64, settings: *const c_void) -> c_int;
}

/// Must run before SQLCipher first initializes OpenSSL: the first initialization decides
/// whether the handler is registered. Later calls do nothing.
pub(crate) fn skip_clean_up_at_exit() {
    static ONCE: Once = Once::new();
    // SAFETY: a documented OpenSSL entry point; no settings are passed. Its result only says
    // whether initialization worked, and SQLCipher reports that itself when it connects.
    ONCE.call_once(|| unsafe {
        OPENSSL_init_crypto(NO_ATEXIT, std::ptr::null());
    });
}
