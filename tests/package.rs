//! The Debian package, built by `scripts/package deb` from the binary the
//! tests built, installed with `dpkg -i` into this machine as an operator
//! would, checked where Debian's tools look for each file, and removed
//! again with `dpkg -r`, leaving nothing behind. Needs root (CI runs as
//! root); it fails, never skips, without it.

mod support;

use std::path::Path;
use std::process::Command;

const FILES: &[&str] = &[
    "/usr/bin/mon",
    "/usr/share/man/man1/mon.1.gz",
    "/usr/share/bash-completion/completions/mon",
    "/usr/share/zsh/vendor-completions/_mon",
    "/usr/share/fish/vendor_completions.d/mon.fish",
    "/usr/share/doc/mon/copyright",
];

fn sh(cmd: &mut Command) -> String {
    let o = cmd.output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(o.status.success(), "{cmd:?} failed: {text}");
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn installed() -> bool {
    Command::new("dpkg-query")
        .args(["-W", "-f=${Status}", "mon"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("install ok installed"))
}

#[test]
fn the_deb_installs_where_debian_looks_and_removes_cleanly() {
    // SAFETY: geteuid has no preconditions.
    assert_eq!(
        unsafe { libc::geteuid() },
        0,
        "installing the package needs root (dpkg -i); run the tests as root, as CI does"
    );
    assert!(
        !installed(),
        "a mon package is installed already; this test would replace it (dpkg -r mon first)"
    );
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = tempfile::tempdir().unwrap();
    let deb = sh(Command::new(root.join("scripts/package"))
        .args(["deb", "--binary", env!("CARGO_BIN_EXE_mon"), "--out"])
        .arg(out.path()));
    let deb = deb.trim();
    assert!(deb.ends_with(".deb"), "{deb}");

    // Depends is computed from the binary: libc at least.
    let depends = sh(Command::new("dpkg-deb").args(["-f", deb, "Depends"]));
    assert!(depends.contains("libc6 (>= "), "{depends}");

    sh(Command::new("dpkg").args(["-i", deb]));
    let checks = std::panic::catch_unwind(|| {
        let version = sh(Command::new("/usr/bin/mon").arg("--version"));
        assert_eq!(version.trim(), format!("mon {}", env!("CARGO_PKG_VERSION")));
        let page = sh(Command::new("man").args(["-w", "mon"]));
        assert_eq!(page.trim(), "/usr/share/man/man1/mon.1.gz");
        // The packaged files are the ones the tests hold to --help.
        let shipped = std::fs::read("/usr/share/bash-completion/completions/mon").unwrap();
        assert_eq!(
            shipped,
            std::fs::read(root.join("completions/mon.bash")).unwrap()
        );
        // A fresh bash with bash-completion loads it on demand, as at a TAB,
        // and `mon va<TAB>` becomes `mon validate`.
        let loader = "source /usr/share/bash-completion/bash_completion; _completion_loader mon";
        let loaded = sh(Command::new("bash")
            .args(["--norc", "--noprofile", "-c"])
            .arg(format!("{loader}; complete -p mon")));
        assert!(loaded.contains("-F _clap_complete_mon mon"), "{loaded}");
        assert_eq!(
            support::bash_completes(loader, &["mon", "va"]),
            ["validate"]
        );
        let copyright = std::fs::read_to_string("/usr/share/doc/mon/copyright").unwrap();
        assert!(copyright.contains("License: MIT"), "{copyright}");
    });
    sh(Command::new("dpkg").args(["-r", "mon"]));
    if let Err(e) = checks {
        std::panic::resume_unwind(e);
    }
    assert!(!installed());
    for f in FILES {
        assert!(!Path::new(f).exists(), "{f} is left after dpkg -r");
    }
}
