//! Phase costs for performance work: with `MON_TIMINGS` set in the
//! environment, each phase of loading prints its wall time and the peak
//! RSS so far to standard error. Off, it costs one environment look-up.

use std::sync::OnceLock;
use std::time::Instant;

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    *ON.get_or_init(|| std::env::var_os("MON_TIMINGS").is_some())
}

/// Times consecutive phases from its creation on.
pub struct Phases {
    last: Option<Instant>,
}

impl Phases {
    pub fn start() -> Phases {
        Phases {
            last: enabled().then(Instant::now),
        }
    }

    /// Ends the phase `name` that began at the previous call.
    pub fn done(&mut self, name: &str) {
        let Some(last) = self.last else { return };
        let now = Instant::now();
        // SAFETY: getrusage only writes the struct it is given.
        let peak_kib = unsafe {
            let mut u: libc::rusage = std::mem::zeroed();
            libc::getrusage(libc::RUSAGE_SELF, &mut u);
            u.ru_maxrss
        };
        eprintln!(
            "mon timings: {name:<8} {:>8.1} ms   peak RSS {:>6.1} MiB",
            (now - last).as_secs_f64() * 1000.0,
            peak_kib as f64 / 1024.0
        );
        self.last = Some(now);
    }
}
