//! Files and folders only their owner can read: the history, its notes, the model list and
//! exports hold a person's words or where to find their key. On Unix, folders Hearth makes are
//! 0700 and files it writes 0600, whatever the umask; elsewhere the platform's defaults apply
//! (the user's profile folder is private on Windows and macOS).

use std::io::Write;
use std::path::Path;

/// Makes the folder `path` (and its parents) when it is not there; the folder made is 0700.
/// A folder that was already there keeps its permissions: it may be one the person chose.
pub fn create_dir(path: &Path) -> std::io::Result<()> {
    if path.is_dir() {
        return Ok(());
    }
    std::fs::create_dir_all(path)?;
    set_mode(path, 0o700)
}

/// Creates (or truncates) the file at `path`, readable by its owner alone.
pub fn create(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = options.open(path)?;
    // A file that was there before keeps its mode through open: it is narrowed here.
    restrict(path)?;
    Ok(file)
}

/// Opens the file at `path` to write, making it (readable by its owner alone) when it is not
/// there; what it holds is kept. For lock files.
pub fn open_or_create(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Writes `bytes` to the file at `path`, readable by its owner alone.
pub fn write(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    create(path)?.write_all(bytes)
}

/// Narrows the file at `path` to its owner.
pub fn restrict(path: &Path) -> std::io::Result<()> {
    set_mode(path, 0o600)
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
}

#[cfg(not(unix))]
fn set_mode(_path: &Path, _mode: u32) -> std::io::Result<()> {
    Ok(())
}
