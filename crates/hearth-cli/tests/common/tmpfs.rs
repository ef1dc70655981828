//! A small disk for tests of a full one: a tmpfs mounted on a temporary folder (the tests run
//! as root, as CI does). Shared by the command line's tests, the core's and the app's.

#![allow(dead_code)] // each test file uses what it needs

use std::path::Path;
use std::process::Command;

/// A tmpfs mounted on a temporary folder for as long as it lives.
pub struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    pub fn mount(bytes: u64) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let mounted = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={bytes}"), "tmpfs"])
            .arg(dir.path())
            .status()
            .expect("mount runs");
        assert!(
            mounted.success(),
            "mounting a tmpfs for a small disk needs root, as the tests run in CI"
        );
        Self { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Makes the disk `bytes` large, keeping what is on it.
    pub fn resize(&self, bytes: u64) {
        let resized = Command::new("mount")
            .args(["-o", &format!("remount,size={bytes}")])
            .arg(self.path())
            .status()
            .expect("mount runs");
        assert!(resized.success(), "the tmpfs was resized to {bytes} bytes");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(self.path()).status();
    }
}
