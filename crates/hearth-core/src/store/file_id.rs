//! Which file on disk the history is. Replaced while open (a backup restored over it, another
//! program's move), the store's connections would go on reading and writing the file that was
//! replaced, and the new one may need another key: the app notices and asks to unlock again.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileId {
    device: u64,
    inode: u64,
}

impl FileId {
    /// The file at `path` now; none where it is gone, or where the system gives no such
    /// identity (then a replacement is not noticed).
    pub(crate) fn of(path: &Path) -> Option<Self> {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            std::fs::metadata(path).ok().map(|m| Self {
                device: m.dev(),
                inode: m.ino(),
            })
        }
        #[cfg(not(unix))]
        {
            let _ = path;
            None
        }
    }
}

/// Whether the file at `path` is no longer `opened` (replaced, moved away or deleted).
pub(crate) fn replaced(path: &Path, opened: Option<FileId>) -> bool {
    opened.is_some() && FileId::of(path) != opened
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn a_file_swapped_in_or_moved_away_is_told_apart() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("history.sqlite3");
        std::fs::write(&path, "one").expect("written");
        let opened = FileId::of(&path);
        assert!(!replaced(&path, opened));
        std::fs::write(&path, "the same file, written again").expect("written");
        assert!(!replaced(&path, opened));
        let other = dir.path().join("backup.sqlite3");
        std::fs::write(&other, "two").expect("written");
        std::fs::rename(&other, &path).expect("swapped in");
        assert!(replaced(&path, opened));
        std::fs::remove_file(&path).expect("removed");
        assert!(replaced(&path, opened));
    }
}
