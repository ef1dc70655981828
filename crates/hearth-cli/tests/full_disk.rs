//! A disk without room for the re-encrypted copy: the first encryption and a key change are
//! refused before they start, with a sentence, leaving no half copy to fill the disk further;
//! the history is as it was, and with room again it opens whole. The disk is a small tmpfs
//! mounted for the test (the tests run as root, as CI does).

mod common;
#[path = "common/tmpfs.rs"]
mod tmpfs;

use std::path::Path;

use common::*;
use tmpfs::Tmpfs;

const ROOMY: u64 = 64 << 20;

/// The history's size plus a little: too little room for a copy of it.
fn cramped(data: &Path) -> u64 {
    std::fs::metadata(database(data))
        .expect("the history")
        .len()
        + (1 << 20)
}

fn no_copy_left(data: &Path) {
    let copy = data.join("history.sqlite3.rewrite");
    assert!(!copy.exists(), "no half copy is left: {}", copy.display());
}

fn refused_for_room(output: &std::process::Output) {
    assert_eq!(output.status.code(), Some(1));
    let said = text(&output.stderr);
    assert!(
        said.contains("failed: the disk has ") && said.contains(
            "free and the re-encrypted copy needs "
        ) && said.ends_with(
            "; free some space and try again. The history as it was is still in place; nothing \
             was lost.\n"
        ),
        "{said}"
    );
}

fn every_word_is_there(data: &Path) {
    let archive = export(data);
    for word in WORDS {
        assert!(archive.contains(word), "{word} is missing");
    }
}

#[test]
fn the_first_encryption_waits_for_room_and_loses_nothing() {
    let disk = Tmpfs::mount(ROOMY);
    let data = disk.path().join("hearth");
    std::fs::create_dir(&data).expect("the data folder");
    plain_history(&data);
    let plain = std::fs::read(database(&data)).expect("the plain history");
    disk.resize(cramped(&data));

    refused_for_room(&hearth(&data, &["history"]));
    no_copy_left(&data);
    assert_eq!(
        std::fs::read(database(&data)).expect("the history"),
        plain,
        "the plain history is as it was"
    );

    disk.resize(ROOMY);
    let opened = hearth(&data, &["history"]);
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    every_word_is_there(&data);
    assert!(readable_words(&data).is_empty(), "encrypted now");
}

#[test]
fn a_key_change_waits_for_room_and_the_old_key_still_opens() {
    let disk = Tmpfs::mount(ROOMY);
    let data = disk.path().join("hearth");
    std::fs::create_dir(&data).expect("the data folder");
    plain_history(&data);
    let opened = hearth(&data, &["history"]);
    assert!(opened.status.success(), "{}", text(&opened.stderr));
    disk.resize(cramped(&data));

    let mut change = hearth_command(&data, &["key", "passphrase"]);
    change.env("HEARTH_NEW_PASSPHRASE", "battery staple");
    refused_for_room(&run(&mut change));
    no_copy_left(&data);

    disk.resize(ROOMY);
    every_word_is_there(&data);
}
