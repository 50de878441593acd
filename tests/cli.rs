//! The command line as a product: completions and man page kept in the
//! repository and checked against the CLI, help with examples everywhere,
//! suggestions for mistyped flags, the version.

mod support;

use std::path::Path;

use assert_cmd::Command;

fn mon(args: &[&str]) -> std::process::Output {
    Command::cargo_bin("mon")
        .unwrap()
        .args(args)
        .output()
        .unwrap()
}

const COMPLETIONS: &[(&str, &str)] = &[
    ("bash", "mon.bash"),
    ("zsh", "_mon"),
    ("fish", "mon.fish"),
    ("elvish", "mon.elv"),
    ("powershell", "_mon.ps1"),
];
const SUBCOMMANDS: &[&str] = &[
    "validate",
    "diff",
    "sync",
    "status",
    "send-command",
    "send-config",
    "render",
    "schema",
    "completions",
    "man",
    "import",
    "explain",
    "show",
];

#[test]
fn completions_in_the_repository_match_the_cli() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (shell, file) in COMPLETIONS {
        let out = mon(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0));
        let kept = std::fs::read(root.join("completions").join(file)).unwrap();
        assert!(
            out.stdout == kept,
            "completions/{file} is out of date: regenerate with `mon completions {shell} > completions/{file}`"
        );
        // Each script asks `mon` on PATH, in its shell's protocol.
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("MON_COMPLETE") && text.contains(shell),
            "{shell}: {text}"
        );
    }
}

/// mon on PATH, as the completion scripts call it.
fn bin_dir() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_mon")).parent().unwrap()
}

#[test]
fn bash_completes_subcommands_and_finding_codes() {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/mon.bash");
    let setup = format!(
        "PATH={}:$PATH; source {}",
        support::q(&bin_dir().to_string_lossy()),
        support::q(script.to_str().unwrap())
    );
    assert_eq!(
        support::bash_completes(&setup, &["mon", "va"]),
        ["validate"]
    );
    let codes = support::bash_completes(&setup, &["mon", "explain", "E030"]);
    assert!(codes.contains(&"E0308".to_string()), "{codes:?}");
    assert!(codes.iter().all(|c| c.starts_with("E030")), "{codes:?}");
    assert_eq!(
        codes.len(),
        mon::diagnostic::Code::ALL
            .iter()
            .filter(|c| c.id().starts_with("E030"))
            .count()
    );
}

/// The example estate beside two broken files: one YAML cannot parse at
/// all, one defines a monitor of no known type.
fn estate_with_broken_files() -> tempfile::TempDir {
    let dir = support::estate_copy();
    std::fs::write(
        dir.path().join("broken.yaml"),
        "collectd:\n  web9: [unclosed\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("odd.yaml"),
        "monitor:\n  wobbly:\n    type: nope\n",
    )
    .unwrap();
    dir
}

/// A TAB in real bash and zsh on a pseudo-terminal completes the names the
/// definitions hold, from the scripts in completions/, in a directory whose
/// broken files leave the names that parse and print nothing.
#[test]
fn shells_complete_definition_names_at_a_tab_beside_broken_files() {
    use support::shell::{tab, Shell};
    let dir = estate_with_broken_files();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let validate = support::mon_in(dir.path(), None, &["validate"]);
    assert_eq!(
        validate.status.code(),
        Some(1),
        "the broken files are broken"
    );
    for (shell, script) in [(Shell::Bash, "mon.bash"), (Shell::Zsh, "_mon")] {
        let script = root.join("completions").join(script);
        for (typed, completed) in [
            ("mon render all --node w", "mon render all --node web1 "),
            ("mon send-command --node d", "mon send-command --node db1 "),
            (
                "mon render all --only collectd/w",
                "mon render all --only collectd/web1 ",
            ),
            (
                "mon sync --only monitor/web",
                "mon sync --only monitor/web-health ",
            ),
            (
                "mon diff --exclude alerter/ops-p",
                "mon diff --exclude alerter/ops-pager ",
            ),
            (
                "mon sync --replace=monitor/api",
                "mon sync --replace=monitor/api-login ",
            ),
            ("mon explain E030", "mon explain E030"),
            ("mon explain E0308", "mon explain E0308 "),
            ("mon va", "mon validate "),
        ] {
            let (line, shown) = tab(shell, &script, bin_dir(), dir.path(), typed);
            // zsh takes back the space it added when the next key is not a word.
            assert_eq!(
                line.trim_end(),
                completed.trim_end(),
                "{shell:?}: {typed:?}; the terminal showed {shown:?}"
            );
            for noise in ["error", "warning", "E01", "broken.yaml", "panicked"] {
                assert!(
                    !shown.contains(noise),
                    "{shell:?}: {typed:?} printed {noise}: {shown:?}"
                );
            }
        }
    }
}

/// fish's own completer (what its TAB runs) on the script in completions/.
#[test]
fn fish_completes_definition_names_beside_broken_files() {
    let dir = estate_with_broken_files();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("completions/mon.fish");
    let complete = |line: &str| -> Vec<String> {
        let o = std::process::Command::new(support::require("fish"))
            .arg("--no-config")
            .arg("-c")
            .arg(format!(
                "source {}; complete -C{}",
                support::q(&script.to_string_lossy()),
                support::q(line)
            ))
            .current_dir(dir.path())
            .env(
                "PATH",
                format!("{}:{}", bin_dir().display(), std::env::var("PATH").unwrap()),
            )
            .env_remove("MON_CONFIG")
            .output()
            .unwrap();
        assert!(
            o.stderr.is_empty(),
            "{line}: {}",
            String::from_utf8_lossy(&o.stderr)
        );
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .map(|l| l.split('\t').next().unwrap().to_string())
            .collect()
    };
    assert_eq!(complete("mon render all --node "), ["db1", "web1"]);
    assert_eq!(
        complete("mon sync --only monitor/r"),
        [
            "monitor/redis-ping",
            "monitor/resolver-a",
            "monitor/resolver-mx"
        ]
    );
    assert_eq!(complete("mon va"), ["validate"]);
}

#[test]
fn the_man_page_in_the_repository_matches_the_cli() {
    let out = mon(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let kept = std::fs::read(Path::new(env!("CARGO_MANIFEST_DIR")).join("man/mon.1")).unwrap();
    assert!(
        out.stdout == kept,
        "man/mon.1 is out of date: regenerate with `mon man > man/mon.1`"
    );
    let roff = String::from_utf8_lossy(&out.stdout);
    assert!(roff.contains(".TH mon 1"));
    for sub in SUBCOMMANDS {
        assert!(
            roff.contains(&format!(".SH \"MON {}\"", sub.to_uppercase())),
            "the man page lacks {sub}"
        );
    }
}

#[test]
fn every_subcommand_help_has_examples() {
    for sub in SUBCOMMANDS {
        let out = mon(&[sub, "--help"]);
        assert_eq!(out.status.code(), Some(0), "{sub}");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            text.contains("Examples:"),
            "`mon {sub} --help` has no examples"
        );
        assert!(text.contains("mon "), "{sub}");
    }
}

#[test]
fn a_mistyped_flag_gets_a_suggestion_and_exit_2() {
    let out = mon(&["sync", "--dryrun-please"]);
    assert_eq!(out.status.code(), Some(2));
    let out = mon(&["validate", "--formt", "json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("tip: a similar argument exists: '--format'")
    );
}

#[test]
fn version_is_printed() {
    let out = mon(&["--version"]);
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("mon {}\n", env!("CARGO_PKG_VERSION"))
    );
    // clap's generic completion variable, set for something else, changes nothing.
    let out = Command::cargo_bin("mon")
        .unwrap()
        .env("COMPLETE", "bash")
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        format!("mon {}\n", env!("CARGO_PKG_VERSION"))
    );
}

/// `mon explain` knows every code, and the README's list of codes is what
/// it prints.
#[test]
fn every_code_is_explained_and_listed_in_the_readme() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let out = mon(&["explain"]);
    assert_eq!(out.status.code(), Some(0));
    let list = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(list.lines().count() > 60, "{list}");
    for line in list.lines() {
        let (code, summary) = line.split_once("  ").unwrap();
        let severity = if code.starts_with('W') {
            "warning"
        } else {
            "error"
        };
        let row = format!("| `{code}` | {severity} | {summary} |");
        assert!(readme.contains(&row), "README lacks {row}");
        let one = mon(&["explain", &code.to_ascii_lowercase()]);
        assert_eq!(one.status.code(), Some(0), "{code}");
        let text = String::from_utf8_lossy(&one.stdout);
        assert!(
            text.starts_with(&format!("{code}: {summary} ({severity})"))
                && text.contains("Mistake:\n    ")
                && text.contains("Fix:\n    "),
            "{text}"
        );
    }
    let rows = readme
        .lines()
        .filter(|l| l.starts_with("| `E0") || l.starts_with("| `W0"))
        .count();
    assert_eq!(
        rows,
        list.lines().count(),
        "the README lists codes mon does not have"
    );
    let unknown = mon(&["explain", "E0999"]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// What bash's script sends for `--replace=…`: the words split at `=`,
/// the index pointing at the value (or past the words, when bash and mon
/// disagree): mon answers with the part after `=`, or with nothing, and
/// never an error.
#[test]
fn bash_words_split_at_equals_are_joined_back() {
    let ask = |index: &str, words: &[&str]| {
        let o = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate"))
            .env("MON_COMPLETE", "bash")
            .env("_CLAP_COMPLETE_INDEX", index)
            .env("_CLAP_IFS", "\n")
            .env_remove("MON_CONFIG")
            .arg("--")
            .args(words)
            .output()
            .unwrap();
        assert!(o.status.success() && o.stderr.is_empty(), "{o:?}");
        String::from_utf8(o.stdout).unwrap()
    };
    let words = ["mon", "sync", "--replace", "=", "monitor/api"];
    assert_eq!(ask("4", &words), "monitor/api-login");
    assert_eq!(ask("9", &words), "");
    let after = ask("3", &["mon", "sync", "--replace", ""]);
    assert!(after.lines().any(|l| l == "monitor/web-health"), "{after}");
    assert!(after.lines().all(|l| !l.starts_with("--")), "{after}");
}
