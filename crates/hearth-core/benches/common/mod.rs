//! Shared by the benchmarks.

/// Prints the process's peak and current resident memory, where the system reports them
/// (Linux's /proc; elsewhere nothing is printed).
pub fn print_memory() {
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status
            .lines()
            .filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS"))
        {
            println!("{line}");
        }
    }
}
