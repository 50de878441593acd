//! Shared by the benchmarks: run a command, time it, read its peak memory.
//! Each benchmark uses a part of it.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

pub struct Run {
    pub wall: Duration,
    pub max_rss_kib: i64,
    pub status: i32,
}

/// Runs a command to completion, measuring wall time and maximum resident set
/// (through wait4, so it is this child's figure and nobody else's).
pub fn measure(cmd: &mut Command) -> Run {
    let start = Instant::now();
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = child.id() as libc::pid_t;
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4 failed");
    let wall = start.elapsed();
    std::mem::forget(child); // already reaped by wait4
    Run {
        wall,
        max_rss_kib: usage.ru_maxrss,
        status: if libc::WIFEXITED(status) {
            libc::WEXITSTATUS(status)
        } else {
            -1
        },
    }
}

/// Median of `n` runs (after one warm-up), as hyperfine would summarise them.
pub fn median(n: usize, mut make: impl FnMut() -> Command) -> Run {
    let _ = measure(&mut make());
    middle((0..n).map(|_| measure(&mut make())).collect())
}

/// Medians of `n` runs of two commands taken in turn (after one warm-up of
/// each), so both see the same moments of a machine whose speed drifts.
pub fn median_alternating(
    n: usize,
    mut a: impl FnMut() -> Command,
    mut b: impl FnMut() -> Command,
) -> (Run, Run) {
    let _ = (measure(&mut a()), measure(&mut b()));
    let (ra, rb) = (0..n)
        .map(|_| (measure(&mut a()), measure(&mut b())))
        .unzip();
    (middle(ra), middle(rb))
}

/// The run of median wall time among `runs` (at least one).
pub fn middle(mut runs: Vec<Run>) -> Run {
    runs.sort_by_key(|r| r.wall);
    let mid = runs.len() / 2;
    runs.swap_remove(mid)
}

pub fn secs(d: Duration) -> String {
    format!("{:.3} s", d.as_secs_f64())
}

pub fn mib(kib: i64) -> String {
    format!("{:.0} MiB", kib as f64 / 1024.0)
}

/// A peer tool from PATH, an environment override, or the benchmark venv
/// that `bench/setup` creates.
pub fn peer(name: &str, env: &str) -> Option<PathBuf> {
    if let Some(p) = std::env::var_os(env) {
        return Some(PathBuf::from(p));
    }
    let venv = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".bench/venv/bin")
        .join(name);
    if venv.exists() {
        return Some(venv);
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.exists())
    })
}

pub fn verdict(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

/// The median of `n` runs of `f`.
pub fn median_of(n: usize, mut f: impl FnMut() -> Run) -> Run {
    middle((0..n).map(|_| f()).collect())
}
