//! The packages operators install.
//!
//! The Debian package, built by `scripts/package deb` from the binary the
//! tests built, installed with `dpkg -i` into this machine as an operator
//! would, checked where Debian's tools look for each file, and removed
//! again with `dpkg -r`, leaving nothing behind. Needs root (CI runs as
//! root); it fails, never skips, without it.
//!
//! The wheel, built by `scripts/package wheel` (maturin, `bindings = "bin"`)
//! in the dev profile, which reuses what `cargo test` compiled; installed
//! with pip into a fresh virtual environment; and installed by pre-commit
//! for the `language: python` hook from a directory of wheels, with no
//! index. maturin and pre-commit come from scripts/deps (.tools/py).

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

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

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A Python tool scripts/deps installed; missing, the test fails and says so.
fn tool(name: &str) -> PathBuf {
    let p = root().join(".tools/py/bin").join(name);
    assert!(
        p.exists(),
        "{} is missing: run scripts/deps (it installs maturin and pre-commit in .tools/py)",
        p.display()
    );
    p
}

/// The directory holding the wheel `scripts/package wheel` built, once for
/// every test of this file.
fn wheels() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let wheel = sh(Command::new(root().join("scripts/package"))
            .args(["wheel", "--profile", "dev", "--out"])
            .arg(dir.path())
            .env("MATURIN", tool("maturin")));
        let name = Path::new(wheel.trim())
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned();
        let prefix = format!("mon_defs-{}-py3-none-", env!("CARGO_PKG_VERSION"));
        assert!(
            name.starts_with(&prefix) && name.ends_with(".whl"),
            "{name}"
        );
        assert!(dir.path().join(&name).is_file(), "{wheel}");
        dir
    })
    .path()
}

#[test]
fn the_wheel_installs_a_ready_mon_into_a_fresh_virtual_environment() {
    let venv = tempfile::tempdir().unwrap();
    sh(Command::new(tool("python"))
        .args(["-m", "venv"])
        .arg(venv.path()));
    // No index: the wheel alone must bring mon.
    sh(Command::new(venv.path().join("bin/pip"))
        .args([
            "install",
            "--quiet",
            "--disable-pip-version-check",
            "--no-index",
            "--find-links",
        ])
        .arg(wheels())
        .arg("mon-defs"));
    let mon = venv.path().join("bin/mon");
    let version = sh(Command::new(&mon).arg("--version"));
    assert_eq!(version.trim(), format!("mon {}", env!("CARGO_PKG_VERSION")));
    let out = sh(Command::new(&mon)
        .args(["validate", "--deny-warnings"])
        .arg(root().join("fixtures/estate"))
        .env("NO_COLOR", "1"));
    assert!(out.starts_with("ok: 0 errors, 0 warnings"), "{out}");
}

/// pre-commit run in `repo`, with its own home, resolving Python packages
/// from `links` only; (success, output, seconds).
fn pre_commit(repo: &Path, home: &Path, links: &str) -> (bool, String, f64) {
    let started = Instant::now();
    let o = Command::new(tool("pre-commit"))
        .args(["run", "--all-files", "--color", "never"])
        .current_dir(repo)
        .env("PRE_COMMIT_HOME", home)
        .env("PIP_NO_INDEX", "1")
        .env("PIP_FIND_LINKS", links)
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .output()
        .unwrap();
    (
        o.status.success(),
        support::output_text(&o),
        started.elapsed().as_secs_f64(),
    )
}

#[test]
fn the_python_hook_installs_mon_from_a_directory_of_wheels() {
    // The hook repository: what pre-commit reads of this one for the
    // python route (the hook list and the package pip installs).
    let hooks = tempfile::tempdir().unwrap();
    for f in [".pre-commit-hooks.yaml", "pyproject.toml", "LICENSE"] {
        std::fs::copy(root().join(f), hooks.path().join(f)).unwrap();
    }
    support::git(hooks.path(), &["init", "-q"]);
    support::git(hooks.path(), &["add", "-A"]);
    support::git(hooks.path(), &["commit", "-q", "-m", "hooks"]);
    let rev = sh(Command::new("git")
        .arg("-C")
        .arg(hooks.path())
        .args(["rev-parse", "HEAD"]));

    // A definitions repository: the example estate.
    let defs = support::estate_copy();
    let config = format!(
        "repos:\n  - repo: {}\n    rev: {}\n    hooks:\n      - id: mon-validate-wheel\n",
        support::q(&hooks.path().to_string_lossy()),
        rev.trim()
    );
    std::fs::write(defs.path().join(".pre-commit-config.yaml"), config).unwrap();
    support::git(defs.path(), &["init", "-q"]);
    support::git(defs.path(), &["add", "-A"]);

    // The wheel beside the hook package's build backend: all pip may use.
    let links = format!(
        "{} {}",
        wheels().display(),
        root().join(".tools/wheels").display()
    );
    let home = tempfile::tempdir().unwrap();
    let (ok, out, first) = pre_commit(defs.path(), home.path(), &links);
    assert!(ok, "{out}");
    assert!(
        out.contains("mon validate") && out.contains("Passed"),
        "{out}"
    );
    // The environment holds the wheel's binary, not one built from source.
    let installed: Vec<_> = support::files_under(home.path())
        .into_iter()
        .filter(|p| p.ends_with("bin/mon"))
        .collect();
    assert_eq!(installed.len(), 1, "{installed:?}");
    eprintln!("pre-commit, language: python, first run: {first:.1} s");

    // It checks: a broken definition fails the hook with mon's finding.
    std::fs::write(
        defs.path().join("broken.yaml"),
        "monitor:\n  web:\n    type: http\n    host: web1\n    interval: soon\n",
    )
    .unwrap();
    support::git(defs.path(), &["add", "-A"]);
    let (ok, out, again) = pre_commit(defs.path(), home.path(), &links);
    assert!(!ok, "{out}");
    assert!(
        out.contains("Failed") && out.contains("broken.yaml:"),
        "{out}"
    );
    // The environment is kept: the second run installs nothing.
    assert!(again < first, "second run {again:.1} s, first {first:.1} s");
}

#[test]
fn the_python_packages_carry_the_crate_version() {
    let version = env!("CARGO_PKG_VERSION");
    let shim: toml::Table = std::fs::read_to_string(root().join("pyproject.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(shim["project"]["version"].as_str(), Some(version));
    assert_eq!(
        shim["project"]["dependencies"].as_array().unwrap()[0].as_str(),
        Some(format!("mon-defs=={version}").as_str())
    );
    let wheel: toml::Table = std::fs::read_to_string(root().join("packaging/wheel/pyproject.toml"))
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(wheel["project"]["name"].as_str(), Some("mon-defs"));
    assert_eq!(wheel["tool"]["maturin"]["bindings"].as_str(), Some("bin"));
}
