//! glibc's malloc keeps memory a burst of work freed: after one large allocation is freed it
//! raises its mmap threshold, so later large buffers (request bodies, parsed documents) come
//! from arenas that fragment and are seldom given back. Measured under hostile verification
//! load (scripts/bench-verify-load.sh): 171 MB still held a minute after, against 86–97 MB
//! with a fixed mmap threshold and a low trim threshold. Those settings can only be made before
//! the process starts, so `serve` starts itself again once with them. An operator's own
//! `GLIBC_TUNABLES` is left as it is (and set to anything, it turns this off).

/// Allocations of 64 KiB and more always mapped (and unmapped when freed); free memory at the
/// top of a heap given back above 64 KiB; at most four arenas, so freed memory is not spread
/// over one arena per thread that ever allocated.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
const TUNABLES: &str =
    "glibc.malloc.arena_max=4:glibc.malloc.mmap_threshold=65536:glibc.malloc.trim_threshold=65536";

/// Restarts this process with [`TUNABLES`] unless `GLIBC_TUNABLES` is already set; returns
/// only if it is set or the restart failed.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn return_freed_memory() {
    use std::os::unix::process::CommandExt as _;
    if std::env::var_os("GLIBC_TUNABLES").is_some() {
        return;
    }
    let Ok(exe) = std::env::current_exe() else {
        return;
    };
    let err = std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env("GLIBC_TUNABLES", TUNABLES)
        .exec();
    eprintln!("note: could not restart with glibc malloc settings ({err}); continuing");
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn return_freed_memory() {}
