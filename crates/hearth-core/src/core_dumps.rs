//! No core dumps: a crash would otherwise write the process's memory, the history's key and
//! the words of open conversations among it, to a file anyone with the disk can read.

/// Turns core dumps off for this process and those it starts. Called first in `main`.
#[cfg(unix)]
pub fn turn_off() {
    let none = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: setrlimit reads the struct it is given and nothing else.
    unsafe { libc::setrlimit(libc::RLIMIT_CORE, &none) };
}

/// Windows writes no core dumps of its own; crash reports are the user's choice.
#[cfg(not(unix))]
pub fn turn_off() {}
