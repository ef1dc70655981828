//! The exact replies of the default model where decoding is repeatable (greedy, or a job's
//! fixed seed), one file per case in the test crate's `tests/fixtures/replies/`. A test
//! compares its reply with the recorded one; `HEARTH_RECORD_REPLIES=1` records them again after
//! a change that is meant to change them (read the diff before committing it).

use std::path::PathBuf;

fn recording(case: &str) -> PathBuf {
    PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/replies"
    ))
    .join(format!("{case}.txt"))
}

pub fn assert_pinned(case: &str, reply: &str) {
    let path = recording(case);
    if std::env::var_os("HEARTH_RECORD_REPLIES").is_some() {
        std::fs::write(&path, reply).expect("the recording is writable");
        return;
    }
    let recorded = std::fs::read_to_string(&path).unwrap_or_else(|_| {
        panic!(
            "no recorded reply for {case} ({}): record with HEARTH_RECORD_REPLIES=1",
            path.display()
        )
    });
    assert_eq!(reply, recorded, "the reply for {case} changed");
}
