//! Real shells on a pseudo-terminal, completing as an operator's TAB does.

use std::path::Path;
use std::process::Command;

/// The shells whose completion is tried interactively.
#[derive(Clone, Copy, Debug)]
pub enum Shell {
    /// bash with `script` sourced from its rc file (as bash-completion
    /// loads it).
    Bash,
    /// zsh with `script` autoloaded from fpath as `_mon`, after compinit
    /// (as Debian's vendor-completions directory serves it).
    Zsh,
}

/// Types `line` and a TAB into an interactive `shell` running in `dir`,
/// with `script` as mon's completion and `bin` first on PATH. Then Ctrl-A
/// and Ctrl-E wrap the completed line in `echo @@…@@ | tr @ %` and run
/// it, so the shell prints exactly what the TAB made of the line, between
/// marks the typed text does not hold. The shell reads
/// keys in order and finishes a completion before the next key, so nothing
/// here waits on time. Returns that line and everything the terminal
/// showed before it (where an error printed into the prompt would be).
pub fn tab(shell: Shell, script: &Path, bin: &Path, dir: &Path, line: &str) -> (String, String) {
    let home = tempfile::tempdir().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = match shell {
        Shell::Bash => {
            let rc = home.path().join("bashrc");
            std::fs::write(
                &rc,
                format!("PS1='$ '\nsource {}\n", super::q(&script.to_string_lossy())),
            )
            .unwrap();
            let mut c = Command::new(super::require("bash"));
            c.args(["--noprofile", "--rcfile"]).arg(&rc).arg("-i");
            c.env("INPUTRC", "/dev/null");
            c
        }
        Shell::Zsh => {
            let fpath = home.path().join("functions");
            std::fs::create_dir(&fpath).unwrap();
            std::fs::copy(script, fpath.join("_mon")).unwrap();
            std::fs::write(
                home.path().join(".zshrc"),
                format!(
                    "PS1='$ '\nunsetopt PROMPT_SP\nbindkey -e\nfpath=({} $fpath)\nautoload -Uz compinit\ncompinit -u -d {}\n",
                    super::q(&fpath.to_string_lossy()),
                    super::q(&home.path().join(".zcompdump").to_string_lossy())
                ),
            )
            .unwrap();
            let mut c = Command::new(super::require("zsh"));
            c.arg("-i").env("ZDOTDIR", home.path());
            c
        }
    };
    cmd.current_dir(dir)
        .env("HOME", home.path())
        .env("PATH", path)
        .env("TERM", "dumb")
        .env_remove("MON_CONFIG");
    let mut p = rexpect::session::spawn_command(cmd, Some(5_000)).unwrap();
    p.exp_string("$ ").unwrap();
    p.send(&format!("{line}\t\x01echo @@\x05@@ | tr @ %\r"))
        .unwrap();
    p.flush().unwrap();
    let (shown, echoed) = p.exp_regex("%%[^\r\n]*%%").unwrap();
    p.send_line("exit").unwrap();
    p.exp_eof().unwrap();
    (echoed[2..echoed.len() - 2].to_string(), shown)
}
