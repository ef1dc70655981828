//! The space free on a disk, so that work that writes a large file (a download, a re-encrypted
//! copy of the history) is refused with a sentence before it starts, rather than filling the
//! disk and failing halfway.

use std::path::Path;

/// Bytes an unprivileged program may still write on the file system holding `dir`, where the
/// system says.
#[cfg(unix)]
pub fn free_space(dir: &Path) -> Option<u64> {
    use std::os::unix::ffi::OsStrExt;
    let path = std::ffi::CString::new(dir.as_os_str().as_bytes()).ok()?;
    let mut stats = std::mem::MaybeUninit::<libc::statvfs>::uninit();
    // SAFETY: statvfs writes the struct it is given (checked by its return) and reads the
    // NUL-terminated path, which outlives the call.
    let stats = unsafe {
        if libc::statvfs(path.as_ptr(), stats.as_mut_ptr()) != 0 {
            return None;
        }
        stats.assume_init()
    };
    #[allow(clippy::unnecessary_cast)] // the fields' widths differ between platforms
    Some(stats.f_bavail as u64 * stats.f_frsize as u64)
}

/// Elsewhere, the disk whose mount point holds `dir`, as sysinfo lists them.
#[cfg(not(unix))]
pub fn free_space(dir: &Path) -> Option<u64> {
    let dir = dir.canonicalize().ok()?;
    let disks = sysinfo::Disks::new_with_refreshed_list();
    disks
        .list()
        .iter()
        .filter(|disk| dir.starts_with(disk.mount_point()))
        .max_by_key(|disk| disk.mount_point().as_os_str().len())
        .map(|disk| disk.available_space())
}
