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
    let run = |term: &str, extra: &str, redirect: &str| {
        let mut cmd = std::process::Command::new("sh");
        cmd.current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", term)
            .arg("-c")
            .arg(format!(
                "{extra} '{}' validate '{}' {redirect}",
                mon.display(),
                invalid().display()
            ));
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        let shown = p.exp_eof().unwrap();
        p.process().wait().unwrap();
        shown
    };
    // validate writes its report to stdout: coloured on the terminal...
    let shown = run("xterm", "", "");
    assert!(shown.contains("error[") && shown.contains(ESC), "{shown:?}");
    // ...and plain in a file, although stderr is still the terminal.
    run("xterm", "", "> report.txt");
    let file = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert!(file.contains("error[") && !file.contains(ESC), "{file:?}");
    // render writes its findings to stderr: coloured on the terminal even
    // when stdout goes to a file (it used to follow stdout).
    let out = dir.path().join("out");
    let render = |term: &str, extra: &str| {
        let mut cmd = std::process::Command::new("sh");
        cmd.env_remove("NO_COLOR")
            .env_remove("CLICOLOR_FORCE")
            .env("TERM", term)
            .arg("-c")
            .arg(format!(
                "{extra} '{}' render all '{}' --out '{}' > /dev/null",
                mon.display(),
                invalid().display(),
                out.display()
            ));
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        let shown = p.exp_eof().unwrap();
        p.process().wait().unwrap();
        shown
    };
    let shown = render("xterm", "");
    assert!(shown.contains("error[") && shown.contains(ESC), "{shown:?}");
    for (term, extra) in [
        ("dumb", ""),
        ("xterm", "CLICOLOR=0"),
        ("xterm", "NO_COLOR=1"),
    ] {
        let shown = render(term, extra);
        assert!(
            shown.contains("error[") && !shown.contains(ESC),
            "TERM={term} {extra}: {shown:?}"
        );
        let shown = run(term, extra, "");
        assert!(
            shown.contains("error[") && !shown.contains(ESC),
            "TERM={term} {extra}: {shown:?}"
        );
    }
}
