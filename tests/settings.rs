//! The settings layer as an operator meets it: typed `mon.toml` errors at
//! their place, credentials confined and never echoed, flags only where they
//! do something, `--deny-warnings` as every report format shows it, and JSON
//! that is one document however the command ends.

mod support;

use std::path::Path;
use std::process::Output;

const DEFS: &str = "monitor:\n  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n";

fn mon(dir: &Path, args: &[&str]) -> Output {
    support::mon_in(support::repo(dir), None, args)
}

fn text(o: &Output) -> String {
    support::output_text(o)
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in files {
        std::fs::write(dir.path().join(name), content).unwrap();
    }
    dir
}

#[test]
fn a_settings_file_mistake_is_located_and_typed() {
    for (toml, says) in [
        ("[etcd]\ndial-timeout = \"5\"\n", "mon.toml:2:"),
        ("[etcd]\napi = \"v4\"\n", "not an etcd API"),
        ("[plan]\nformat = \"yaml\"\n", "mon.toml:2:"),
        ("[validate]\nformat = \"xml\"\n", "mon.toml:2:"),
    ] {
        let dir = dir_with(&[("defs.yaml", DEFS), ("mon.toml", toml)]);
        let out = mon(dir.path(), &["config"]);
        assert_eq!(out.status.code(), Some(2), "{toml}: {}", text(&out));
        assert!(text(&out).contains(says), "{toml}: {}", text(&out));
    }
    let dir = dir_with(&[
        ("defs.yaml", DEFS),
        (
            "mon.toml",
            "[etcd]\ndial-timeout = \"1500ms\"\napi = \"3\"\n",
        ),
    ]);
    let out = mon(dir.path(), &["config"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("1.5s"), "{}", text(&out));
    assert!(text(&out).contains("v3"), "{}", text(&out));
}

#[test]
fn credentials_mon_toml_names_stay_mons() {
    // A definition may not send mon's own password anywhere, whatever
    // variable mon.toml keeps it in.
    let dir = dir_with(&[
        (
            "defs.yaml",
            "alerter:\n  pager: {type: pagerduty, options: {token: {env: OUR_ETCD_PW}}}\n",
        ),
        (
            "mon.toml",
            "[etcd]\nuser = \"mon\"\npassword = { env = \"OUR_ETCD_PW\" }\n",
        ),
    ]);
    let out = mon(dir.path(), &["validate", "--format", "short"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("E0310") && text(&out).contains("OUR_ETCD_PW"),
        "{}",
        text(&out)
    );
    // A password file in mon.toml is read as `{file:}` is: from the
    // settings file's directory (or a --secrets-dir), nowhere else.
    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("pw"), "SECRET-PW-1\n").unwrap();
    let toml = format!(
        "[etcd]\nuser = \"mon\"\npassword = {{ file = \"{}\" }}\n",
        outside.path().join("pw").display()
    );
    let dir = dir_with(&[("defs.yaml", DEFS), ("mon.toml", &toml)]);
    let out = mon(dir.path(), &["diff", "--endpoints", "http://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("outside"), "{}", text(&out));
    assert!(!text(&out).contains("SECRET-PW-1"));
    let dirs = outside.path().to_str().unwrap();
    let out = mon(dir.path(), &["config", "--secrets-dir", dirs]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("etcd password"), "{}", text(&out));
    assert!(!text(&out).contains("SECRET-PW-1"));
    let proc = dir_with(&[
        ("defs.yaml", DEFS),
        (
            "mon.toml",
            "[etcd]\nuser = \"mon\"\npassword = { file = \"/proc/self/environ\" }\n",
        ),
    ]);
    let out = mon(proc.path(), &["diff", "--endpoints", "http://127.0.0.1:1"]);
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
}

#[test]
fn flags_are_offered_only_where_they_do_something() {
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["schema", "--config", "x.toml"][..],
        &["explain", "E0310", "--ignore", "x"],
        &["man", "--secrets-dir", "x"],
        &["completions", "bash", "--config", "x"],
    ] {
        let out = mon(dir.path(), args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", text(&out));
    }
    let out = mon(dir.path(), &["explain", "E0310"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

#[test]
fn deny_warnings_fails_in_every_format_and_an_empty_path_fails() {
    let dir = dir_with(&[("defs.yaml", DEFS), ("empty.yaml", "# nothing yet\n")]);
    let run = |format: &str, deny: bool| {
        let mut args = vec!["validate", "--format", format];
        if deny {
            args.push("--deny-warnings");
        }
        mon(dir.path(), &args)
    };
    let plain = run("junit", false);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain));
    let out = run("junit", true);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out).contains("<failure"), "{}", text(&out));
    let out = run("tap", true);
    assert!(text(&out).contains("not ok"), "{}", text(&out));
    let out = run("github", true);
    assert!(text(&out).contains("::error"), "{}", text(&out));
    let out = run("text", true);
    assert!(!text(&out).contains("0 errors"), "{}", text(&out));

    // Pointed at a directory with no definitions: a failure, with the reason.
    let empty = tempfile::tempdir().unwrap();
    std::fs::create_dir(empty.path().join("definitons")).unwrap();
    for args in [
        &["validate", "definitons"][..],
        &["validate", "definitons", "--format", "junit"],
    ] {
        let out = mon(empty.path(), args);
        assert_eq!(out.status.code(), Some(1), "{}", text(&out));
        assert!(
            text(&out).contains("holds no definition files"),
            "{}",
            text(&out)
        );
    }
}

#[test]
fn json_is_one_document_however_a_plan_ends() {
    let dir = dir_with(&[("defs.yaml", DEFS)]);
    for cmd in ["diff", "sync"] {
        let out = mon(
            dir.path(),
            &[cmd, "--format", "json", "--endpoints", "http://127.0.0.1:1"],
        );
        assert_eq!(out.status.code(), Some(5), "{}", text(&out));
        let v: serde_json::Value =
            serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&out)));
        assert_eq!(v["outcome"]["status"], "failed");
        assert_eq!(v["outcome"]["exit_code"], 5);
    }
    // The other commands with a JSON format, stopped early.
    for (args, code) in [
        (
            &[
                "status",
                "--format",
                "json",
                "--endpoints",
                "http://127.0.0.1:1",
            ][..],
            5,
        ),
        (&["validate", "--format", "json", "no-such-dir"], 3),
        (
            &[
                "send-command",
                "nginx",
                "reload",
                "--node",
                "web9",
                "--format",
                "json",
            ],
            2,
        ),
    ] {
        let out = mon(dir.path(), args);
        assert_eq!(out.status.code(), Some(code), "{args:?}: {}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .unwrap_or_else(|e| panic!("{args:?}: {e}: {}", text(&out)));
        assert_eq!(v["outcome"]["exit_code"], code, "{args:?}");
    }
    // Invalid definitions too.
    std::fs::write(dir.path().join("bad.yaml"), "monitor:\n  x: {type: 3}\n").unwrap();
    let out = mon(dir.path(), &["diff", "--format", "json"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["exit_code"], 1);
    // With the findings that stopped it.
    let found = v["diagnostics"].to_string();
    assert!(found.contains("bad.yaml") && found.contains("E0303"), "{v}");
}

#[test]
fn a_saved_plan_of_an_unknown_api_is_refused() {
    let dir = dir_with(&[("defs.yaml", DEFS)]);
    let plan = serde_json::json!({
        "mon_plan": 1, "prefix": "9volt", "api": "v9", "owner": "x",
        "options": {"nosync": false, "replace": null, "only": [], "exclude": [], "prune_unowned": false, "take_over": false},
        "summary": {}, "changes": []
    });
    std::fs::write(dir.path().join("plan.json"), plan.to_string()).unwrap();
    let out = mon(
        dir.path(),
        &[
            "sync",
            "--plan",
            "plan.json",
            "--endpoints",
            "http://127.0.0.1:1",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not an etcd API"), "{}", text(&out));
}

#[test]
fn a_settings_file_among_the_definitions_that_is_not_in_use_is_a_warning() {
    let dir = dir_with(&[("mon.toml", "[etcd]\nprefix = \"estate\"\n")]);
    std::fs::create_dir_all(dir.path().join("definitions/team-a")).unwrap();
    std::fs::write(dir.path().join("definitions/a.yaml"), DEFS).unwrap();
    std::fs::write(
        dir.path().join("definitions/team-a/mon.toml"),
        "[etcd]\nprefix = \"team-a\"\n",
    )
    .unwrap();
    let out = mon(
        dir.path(),
        &["validate", "--format", "short", "definitions"],
    );
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(shown.contains("W0112"), "{shown}");
    assert!(shown.contains("team-a/mon.toml"), "{shown}");
    let root = dir.path().join("mon.toml").canonicalize().unwrap();
    assert!(shown.contains(&root.display().to_string()), "{shown}");
    let out = mon(dir.path(), &["validate", "--deny-warnings", "definitions"]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
}
