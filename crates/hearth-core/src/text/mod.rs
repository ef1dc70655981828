//! Text utilities that jobs and documents share: cutting a text into chunks at natural
//! boundaries, reading markdown's structure, and naming and detecting languages.

pub mod chunking;
pub mod language;
pub mod markdown;
pub mod thinking;
