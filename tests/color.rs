//! Colour is decided per stream (reference: the NO_COLOR, CLICOLOR and
//! CLICOLOR_FORCE conventions, TERM=dumb): escape codes reach a terminal,
//! never a redirected file, whichever stream is which.

use std::path::Path;

use assert_cmd::cargo::CommandCargoExt;

const ESC: &str = "\x1b[";

fn invalid() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/invalid/bad-duration")
}

/// `mon render` on invalid definitions: the findings go to stderr.
fn piped(env: &[(&str, &str)]) -> (String, String) {
    let out = tempfile::tempdir().unwrap();
    let o = std::process::Command::cargo_bin("mon")
        .unwrap()
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR")
        .env_remove("CLICOLOR_FORCE")
        .envs(env.iter().copied())
        .args(["render", "all"])
        .arg(invalid())
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn piped_output_has_no_colour_unless_forced_and_no_color_wins() {
    let (_, err) = piped(&[]);
    assert!(err.contains("error[") && !err.contains(ESC), "{err:?}");
    let (_, err) = piped(&[("CLICOLOR_FORCE", "1")]);
    assert!(err.contains(ESC), "{err:?}");
    let (_, err) = piped(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]);
    assert!(!err.contains(ESC), "{err:?}");
    let (_, err) = piped(&[("CLICOLOR_FORCE", "1"), ("TERM", "dumb")]);
    assert!(
        err.contains(ESC),
        "forced colour overrides TERM=dumb: {err:?}"
    );
}

/// In a terminal with stdout (or stderr) redirected to a file: the
/// terminal's stream is coloured, the file never; TERM=dumb and CLICOLOR=0
/// turn it off.
#[test]
fn each_stream_is_decided_on_its_own() {
    let mon = assert_cmd::cargo::cargo_bin("mon");
    let dir = tempfile::tempdir().unwrap();
    // `sh -c "ENV mon ARGS"` in a pty, in `dir`; what the terminal showed.
    let in_pty = |term: &str, env: &str, args: &str| {
        let mut cmd = std::process::Command::new("sh");
        cmd.current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", term)
            .arg("-c")
            .arg(format!("{env} '{}' {args}", mon.display()));
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        let shown = p.exp_eof().unwrap();
        p.process().wait().unwrap();
        shown
    };
    let validate = format!("validate '{}'", invalid().display());
    // render writes its findings to stderr.
    let render = format!("render all '{}' --out out > /dev/null", invalid().display());
    // validate writes its report to stdout: coloured on the terminal...
    let shown = in_pty("xterm", "", &validate);
    assert!(shown.contains("error[") && shown.contains(ESC), "{shown:?}");
    // ...and plain in a file, although stderr is still the terminal.
    in_pty("xterm", "", &format!("{validate} > report.txt"));
    let file = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(file.contains("error[") && !file.contains(ESC), "{file:?}");
    // Findings on stderr are coloured on the terminal even when stdout goes
    // to a file (they used to follow stdout).
    let shown = in_pty("xterm", "", &render);
    assert!(shown.contains("error[") && shown.contains(ESC), "{shown:?}");
    for (term, env) in [
        ("dumb", ""),
        ("xterm", "CLICOLOR=0"),
        ("xterm", "NO_COLOR=1"),
    ] {
        for args in [&render, &validate] {
            let shown = in_pty(term, env, args);
            assert!(
                shown.contains("error[") && !shown.contains(ESC),
                "TERM={term} {env} {args}: {shown:?}"
            );
        }
    }
}
