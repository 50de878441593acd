//! The operator contract around the engine: who mon thinks it is (the owner,
//! from the git repository), where it finds `mon.toml`, what its exit codes
//! mean and what a selection that names nothing does. Against a real etcd,
//! with real git repositories, clones and a worktree.

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use support::{git, Etcd};

const DEFS: &str = "\
monitor:
  web-health: {type: http, host: web1, status-code: 200, interval: 10s}
  db: {type: tcp, host: db1, port: 5432, interval: 30s}
";

/// A repository (the "server") holding `definitions/defs.yaml` and,
/// if given, a `mon.toml` at its root.
fn origin(parent: &Path, name: &str, settings: Option<&str>) -> PathBuf {
    let repo = parent.join(name);
    std::fs::create_dir_all(repo.join("definitions")).unwrap();
    std::fs::write(repo.join("definitions/defs.yaml"), DEFS).unwrap();
    if let Some(s) = settings {
        std::fs::write(repo.join("mon.toml"), s).unwrap();
    }
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "."]);
    git(&repo, &["commit", "-qm", "definitions"]);
    repo
}

fn clone(from: &Path, to: &Path) -> PathBuf {
    git(
        from.parent().unwrap(),
        &["clone", "-q", from.to_str().unwrap(), to.to_str().unwrap()],
    );
    to.to_path_buf()
}

/// A clone, in `checkout/`, of a repository in `server/`.
fn checkout(parent: &Path, settings: Option<&str>) -> PathBuf {
    clone(
        &origin(parent, "server", settings),
        &parent.join("checkout"),
    )
}

fn mon(etcd: &Etcd, cwd: &Path, args: &[&str]) -> Output {
    support::mon_in(cwd, Some(&etcd.endpoint()), args)
}

fn text(o: &Output) -> String {
    support::output_text(o)
}

fn owner_of(etcd: &Etcd, key: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(&etcd.dump("2", "/")[key]).unwrap();
    v["mon-owner"].as_str().unwrap().to_string()
}

#[test]
fn every_clone_and_worktree_of_one_repository_is_one_owner() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let server = origin(tmp.path(), "server", None);
    let a = clone(&server, &tmp.path().join("laptop"));
    let b = clone(&server, &tmp.path().join("ci-workspace-1234"));
    let c = clone(&server, &tmp.path().join("defs"));
    git(&a, &["worktree", "add", "-q", "../wt"]);
    let wt = tmp.path().join("wt");

    let out = mon(&etcd, &a, &["sync", "definitions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let owner = owner_of(&etcd, "/9volt/monitor/db");
    // The remote, not a directory name: none of the checkouts is "server".
    assert!(owner.ends_with("/server"), "{owner}");
    assert!(owner.starts_with('/'), "{owner}");
    for dir in [&b, &c, &wt] {
        let out = mon(&etcd, dir, &["diff", "definitions"]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}: {}",
            dir.display(),
            text(&out)
        );
        let conf = mon(&etcd, dir, &["config", "definitions"]);
        assert!(text(&conf).contains(&owner), "{}", text(&conf));
        assert!(text(&conf).contains("git remote"), "{}", text(&conf));
    }
    // A definition removed in one clone is deleted from another: it is ours.
    std::fs::write(
        c.join("definitions/defs.yaml"),
        "monitor:\n  web-health: {type: http, host: web1, status-code: 200, interval: 10s}\n",
    )
    .unwrap();
    let out = mon(&etcd, &c, &["sync", "definitions", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!etcd.dump("2", "/").contains_key("/9volt/monitor/db"));
}

#[test]
fn two_repositories_with_same_named_directories_are_two_owners() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let team_a = clone(
        &origin(tmp.path(), "team-a", None),
        &tmp.path().join("a-checkout"),
    );
    let team_b = clone(
        &origin(tmp.path(), "team-b", None),
        &tmp.path().join("b-checkout"),
    );
    std::fs::write(
        team_b.join("definitions/defs.yaml"),
        "monitor:\n  other: {type: tcp, host: db2, port: 5432, interval: 30s}\n",
    )
    .unwrap();
    let out = mon(&etcd, &team_a, &["sync", "definitions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Both keep their definitions in `definitions/`; team B's forced sync
    // leaves team A's keys alone.
    let out = mon(&etcd, &team_b, &["sync", "definitions", "--force"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let keys: Vec<String> = etcd.dump("2", "/9volt").into_keys().collect();
    assert_eq!(
        keys,
        [
            "/9volt/monitor/db",
            "/9volt/monitor/other",
            "/9volt/monitor/web-health"
        ]
    );
    assert_ne!(
        owner_of(&etcd, "/9volt/monitor/db"),
        owner_of(&etcd, "/9volt/monitor/other")
    );
    // Team B defining team A's monitor: refused by diff as by sync, with
    // the way to claim it if it is the same estate.
    std::fs::write(
        team_b.join("definitions/more.yaml"),
        "monitor:\n  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n",
    )
    .unwrap();
    let a_owner = owner_of(&etcd, "/9volt/monitor/db");
    for cmd in ["diff", "sync"] {
        let out = mon(&etcd, &team_b, &[cmd, "definitions"]);
        assert_eq!(out.status.code(), Some(7), "{cmd}: {}", text(&out));
        assert!(
            text(&out).contains(&format!("--owner {a_owner}")),
            "{}",
            text(&out)
        );
    }
}

#[test]
fn a_run_inside_the_definitions_directory_reads_the_repositorys_settings() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(
        tmp.path(),
        Some("paths = [\"definitions\"]\n[etcd]\nprefix = \"estate\"\n"),
    );
    let out = mon(&etcd, &repo, &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Inside definitions/: the same file, so the same prefix and owner.
    let inside = repo.join("definitions");
    let out = mon(&etcd, &inside, &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("(2 unchanged)"), "{}", text(&out));
    let keys: Vec<String> = etcd.dump("2", "/").into_keys().collect();
    assert!(keys.iter().all(|k| k.starts_with("/estate/")), "{keys:?}");
    let conf = mon(&etcd, &inside, &["config"]);
    assert!(text(&conf).contains("estate"), "{}", text(&conf));
    assert!(
        text(&conf).contains(
            &repo
                .join("mon.toml")
                .canonicalize()
                .unwrap()
                .display()
                .to_string()
        ),
        "{}",
        text(&conf)
    );
}

#[test]
fn keys_an_older_mon_marked_with_the_directory_name_stay_ours() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(tmp.path(), None);
    // What mon before the repository identity wrote: the directory's name.
    let out = mon(
        &etcd,
        &repo,
        &["sync", "definitions", "--owner", "definitions"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let before = etcd.dump("2", "/");
    // Recognised: nothing to change, nothing rewritten (no restart).
    let out = mon(&etcd, &repo, &["diff", "definitions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let out = mon(&etcd, &repo, &["sync", "definitions"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert_eq!(etcd.dump("2", "/"), before);
    // Re-marked only on request.
    let out = mon(&etcd, &repo, &["sync", "definitions", "--take-over"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(owner_of(&etcd, "/9volt/monitor/db").ends_with("/server"));
}

#[test]
fn outside_a_repository_mon_asks_for_an_owner_instead_of_guessing() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("defs.yaml"), DEFS).unwrap();
    let out = mon(&etcd, tmp.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(
        text(&out).contains("not in a git repository"),
        "{}",
        text(&out)
    );
    assert!(text(&out).contains("--owner"), "{}", text(&out));
    assert!(etcd.dump("2", "/").is_empty());
    // A remote's credentials never become part of the owner or output.
    let repo = tmp.path().join("r");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(repo.join("defs.yaml"), DEFS).unwrap();
    git(&repo, &["init", "-q"]);
    git(
        &repo,
        &[
            "remote",
            "add",
            "origin",
            "https://ci-token:S3CRET@git.example.com/ops/defs.git",
        ],
    );
    let out = mon(&etcd, &repo, &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(!text(&out).contains("S3CRET"));
    assert_eq!(
        owner_of(&etcd, "/9volt/monitor/db"),
        "git.example.com/ops/defs"
    );
}

#[test]
fn exit_codes_follow_one_contract() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(tmp.path(), None);
    let code = |args: &[&str]| {
        let out = mon(&etcd, &repo, args);
        (out.status.code(), text(&out))
    };
    // Pending: diff, sync --dry-run, render --dry-run (with --diff too).
    assert_eq!(code(&["diff", "definitions"]).0, Some(4));
    assert_eq!(code(&["sync", "definitions", "--dry-run"]).0, Some(4));
    assert!(etcd.dump("2", "/").is_empty());
    assert_eq!(code(&["sync", "definitions"]).0, Some(0));
    assert_eq!(code(&["sync", "definitions", "--dry-run"]).0, Some(0));
    assert_eq!(code(&["diff", "definitions"]).0, Some(0));
    let out = tmp.path().join("rendered");
    let out = out.to_str().unwrap();
    std::fs::write(
        repo.join("definitions/collectd.yaml"),
        "mqtt:\n  main: {host: \"broker.example.com:1883\"}\ncollectd:\n  web1: {broker: main, interval: 10}\n",
    )
    .unwrap();
    let render = |extra: &[&str]| {
        let mut a = vec!["render", "collectd", "definitions", "--out", out];
        a.extend_from_slice(extra);
        code(&a)
    };
    assert_eq!(render(&["--dry-run"]).0, Some(4));
    assert_eq!(render(&["--diff", "--dry-run"]).0, Some(4));
    // A render that writes leaves nothing pending: 0, with its diff shown.
    let (c, shown) = render(&["--diff"]);
    assert_eq!(c, Some(0), "{shown}");
    assert_eq!(render(&["--diff", "--dry-run"]).0, Some(0));
}

#[test]
fn a_selection_that_names_nothing_is_an_error_with_a_suggestion() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(tmp.path(), None);
    let run = |args: &[&str]| {
        let out = mon(&etcd, &repo, args);
        (out.status.code(), text(&out))
    };
    for args in [
        &["diff", "definitions", "--only", "monitor/web-helth"][..],
        &["sync", "definitions", "--only", "monitor/web-helth"],
        &["sync", "definitions", "--exclude", "monitor/web-helth"],
        &["sync", "definitions", "--replace=monitor/web-helth"],
    ] {
        let (c, shown) = run(args);
        assert_eq!(c, Some(2), "{args:?}: {shown}");
        assert!(
            shown.contains("did you mean `monitor/web-health`?"),
            "{shown}"
        );
    }
    assert!(etcd.dump("2", "/").is_empty());
    // A glob that matches nothing is a warning.
    let (c, shown) = run(&["diff", "definitions", "--exclude", "monitor/old-*"]);
    assert_eq!(c, Some(4), "{shown}");
    assert!(
        shown.contains("warning: `monitor/old-*` matches no definition"),
        "{shown}"
    );
    // render --node names a collectd host.
    std::fs::write(
        repo.join("definitions/collectd.yaml"),
        "mqtt:\n  main: {host: \"broker.example.com:1883\"}\ncollectd:\n  web1: {broker: main, interval: 10}\n",
    )
    .unwrap();
    let out_dir = tmp.path().join("rendered");
    let (c, shown) = run(&[
        "render",
        "collectd",
        "definitions",
        "--out",
        out_dir.to_str().unwrap(),
        "--node",
        "web9",
    ]);
    assert_eq!(c, Some(2), "{shown}");
    assert!(
        shown.contains("`collectd/web9` matches no definition"),
        "{shown}"
    );
    assert!(!out_dir.exists());
}

#[test]
fn a_write_etcd_refuses_is_refused_not_unanswered() {
    let mut etcd = Etcd::start();
    etcd.enable_auth("2", "mon", "monpw", "/9volt/");
    etcd.add_v2_reader("ro", "ropw", "/9volt/");
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(tmp.path(), None);
    let out = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(&repo)
        .env_remove("MON_OWNER")
        .env("ETCDCTL_ENDPOINTS", etcd.endpoint())
        .env("ETCDCTL_PASSWORD", "ropw")
        .args(["sync", "definitions", "--user", "ro", "--format", "json"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(5), "{shown}");
    assert!(shown.contains("etcd refused the write"), "{shown}");
    assert!(!shown.contains("no answer came"), "{shown}");
    assert!(!shown.contains("converges"), "{shown}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["outcome"]["status"], "refused", "{v}");
    assert!(!shown.contains("ropw"));
}

#[test]
fn credentials_in_settings_are_refused_without_being_echoed() {
    let etcd = Etcd::start();
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(tmp.path(), Some("[etcd]\nuser = \"root:PASSW0RD-1\"\n"));
    for cmd in ["diff", "config"] {
        let out = mon(&etcd, &repo, &[cmd]);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(2), "{shown}");
        assert!(shown.contains("holds a password"), "{shown}");
        assert!(!shown.contains("PASSW0RD-1"), "{shown}");
    }
    std::fs::write(
        repo.join("mon.toml"),
        "[etcd]\nendpoints = [\"http://root:PASSW0RD-2@127.0.0.1:1\"]\n",
    )
    .unwrap();
    let out = mon(&etcd, &repo, &["diff"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains("PASSW0RD-2"), "{}", text(&out));
    // From a flag too: never printed.
    std::fs::remove_file(repo.join("mon.toml")).unwrap();
    let out = mon(
        &etcd,
        &repo,
        &["diff", "--endpoints", "http://u:PASSW0RD-3@127.0.0.1:1"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(!text(&out).contains("PASSW0RD-3"), "{}", text(&out));
}

#[test]
fn an_import_of_unmarked_keys_records_whose_they_now_are() {
    let etcd = Etcd::start();
    let value = r#"{"type":"tcp","host":"db1","port":5432,"interval":"30s"}"#;
    let put = Command::new("curl")
        .args([
            "-sS",
            "-X",
            "PUT",
            &format!("{}/v2/keys/9volt/monitor/db", etcd.endpoint()),
        ])
        .args(["--data-urlencode", &format!("value={value}")])
        .output()
        .unwrap();
    assert!(put.status.success());
    let tmp = tempfile::tempdir().unwrap();
    let repo = checkout(tmp.path(), None);
    let out = mon(&etcd, &repo, &["import", "etcd", "--out", "imported"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let toml = std::fs::read_to_string(repo.join("imported/mon.toml")).unwrap();
    let owner = format!(
        "{}",
        tmp.path().join("server").canonicalize().unwrap().display()
    );
    assert!(toml.contains(&format!("owner = \"{owner}\"")), "{toml}");
    // The adopted estate is this repository's: nothing to change but the mark.
    let out = mon(&etcd, &repo, &["diff", "imported", "--format", "short"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(text(&out).contains("1 to adopt"), "{}", text(&out));
}
