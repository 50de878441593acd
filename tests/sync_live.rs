//! `mon sync` as a running 9volt sees it, and the guards that keep it from
//! wiping an estate. Against a real etcd 3.4; the v2 watcher stands in for
//! 9volt's director, which applies only `set`, `update`, `create` and
//! `delete` (reference 9volt.md §1.9).

mod support;

use std::path::Path;
use std::process::Command;

use support::Etcd;

const DEFS: &str = "\
monitor:
  web: {type: http, host: web1, status-code: 200, interval: 10s, critical-alerter: [pager]}
  db: {type: tcp, host: db1, port: 5432, interval: 30s}
  dns: {type: dns, host: ns1, dns-target: example.com, dns-record-type: A, interval: 30s}
alerter:
  pager: {type: pagerduty, options: {token: {env: TEST_PD_TOKEN}}}
";

fn mon(etcd: &Etcd, api: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    support::mon_etcd(etcd, api, dir, args)
}

fn text(o: &std::process::Output) -> String {
    support::output_text(o)
}

fn defs(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), text).unwrap();
    dir
}

/// Runs a v2 sync under a watcher and returns what it saw, sorted.
fn watched_sync(etcd: &Etcd, dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let watch = etcd.watch_v2("/9volt");
    let out = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(support::repo(dir))
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .env("TEST_PD_TOKEN", "pd-token-1")
        .arg("sync")
        .args(args)
        .args(["--endpoints", &etcd.endpoint()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let mut events = watch.finish();
    events.sort();
    events
}

fn ev(action: &str, key: &str) -> (String, String) {
    (action.to_string(), key.to_string())
}

#[test]
fn the_watcher_sees_the_actions_9volt_ignores() {
    // The watcher must be able to fail: guarded writes as a client that
    // uses prevIndex sends them.
    let etcd = Etcd::start();
    let url = format!("{}/v2/keys/9volt/monitor/x", etcd.endpoint());
    let curl = |args: &[&str]| {
        let o = Command::new("curl")
            .args(["-sS", "--fail-with-body"])
            .args(args)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", text(&o));
        serde_json::from_slice::<serde_json::Value>(&o.stdout).unwrap()
    };
    let created = curl(&["-X", "PUT", &url, "-d", "value={}"]);
    let index = created["node"]["modifiedIndex"]
        .as_u64()
        .unwrap()
        .to_string();
    let watch = etcd.watch_v2("/9volt");
    curl(&[
        "-X",
        "PUT",
        &format!("{url}?prevIndex={index}"),
        "-d",
        "value={\"a\":1}",
    ]);
    let swapped = curl(&[&url]);
    let index = swapped["node"]["modifiedIndex"]
        .as_u64()
        .unwrap()
        .to_string();
    curl(&["-X", "DELETE", &format!("{url}?prevIndex={index}")]);
    assert_eq!(
        watch.finish(),
        [
            ev("compareAndSwap", "/9volt/monitor/x"),
            ev("compareAndDelete", "/9volt/monitor/x")
        ]
    );
}

#[test]
fn every_kind_of_change_reaches_a_running_9volt_as_an_action_it_applies() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    // Without --etcd-api: the default is v2, the keyspace 9volt reads, and
    // an exported ETCDCTL_API=3 (common for etcdctl) does not change that.
    let first = {
        let watch = etcd.watch_v2("/9volt");
        let out = Command::new(env!("CARGO_BIN_EXE_mon"))
            .current_dir(support::repo(dir.path()))
            .env_remove("MON_ETCD_API")
            .env("ETCDCTL_API", "3")
            .env("TEST_PD_TOKEN", "pd-token-1")
            .args(["sync", "--endpoints", &etcd.endpoint()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
        let mut e = watch.finish();
        e.sort();
        e
    };
    assert_eq!(
        first,
        [
            ev("create", "/9volt/alerter/pager"),
            ev("create", "/9volt/monitor/db"),
            ev("create", "/9volt/monitor/dns"),
            ev("create", "/9volt/monitor/web"),
        ]
    );
    assert_eq!(etcd.dump("2", "/9volt").len(), 4);
    assert!(etcd.dump("3", "/9volt").is_empty(), "nothing in v3");

    // A change and a deletion.
    std::fs::write(
        dir.path().join("defs.yaml"),
        DEFS.replace("interval: 30s}\n  dns", "interval: 1m}\n  dns")
            .replace(
                "  dns: {type: dns, host: ns1, dns-target: example.com, dns-record-type: A, interval: 30s}\n",
                "",
            ),
    )
    .unwrap();
    assert_eq!(
        watched_sync(&etcd, dir.path(), &[]),
        [
            ev("delete", "/9volt/monitor/dns"),
            ev("update", "/9volt/monitor/db"),
        ]
    );
    // --replace rewrites equal values so 9volt restarts those checks.
    assert_eq!(
        watched_sync(&etcd, dir.path(), &["--replace"]),
        [
            ev("update", "/9volt/alerter/pager"),
            ev("update", "/9volt/monitor/db"),
            ev("update", "/9volt/monitor/web"),
        ]
    );
    // Nothing to do writes nothing.
    assert!(watched_sync(&etcd, dir.path(), &[]).is_empty());
}

#[test]
fn keys_mon_did_not_write_are_left_alone_unless_pruned() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    // Monitors made through 9volt's API or by 9volt cfg carry no owner.
    etcd.ctl(
        "2",
        &[
            "set",
            "/9volt/monitor/by-api",
            r#"{"type":"exec","command":"/bin/true","interval":60000000000}"#,
        ],
    );
    let out = mon(&etcd, "2", dir.path(), &["sync"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(0), "{shown}");
    assert!(
        shown.contains("4 to add, 0 to change, 0 to delete, 0 unchanged, 1 not written by these definitions (left alone)"),
        "{shown}"
    );
    assert!(
        shown.contains("/9volt/monitor/by-api (no owner: 9volt's API, 9volt cfg or etcdctl; --prune-unowned deletes it)"),
        "{shown}"
    );
    assert!(etcd
        .dump("2", "/9volt")
        .contains_key("/9volt/monitor/by-api"));
    let diff = mon(&etcd, "2", dir.path(), &["diff"]);
    assert_eq!(diff.status.code(), Some(0), "{}", text(&diff));
    assert!(
        text(&diff).contains("(4 unchanged, 1 left alone)"),
        "{}",
        text(&diff)
    );

    let pruned = mon(&etcd, "2", dir.path(), &["sync", "--prune-unowned"]);
    assert_eq!(pruned.status.code(), Some(0), "{}", text(&pruned));
    assert!(text(&pruned).contains("- /9volt/monitor/by-api will be deleted"));
    assert!(!etcd
        .dump("2", "/9volt")
        .contains_key("/9volt/monitor/by-api"));
}

#[test]
fn an_empty_directory_or_a_stray_file_deletes_nothing() {
    let etcd = Etcd::start();
    let estate = defs(DEFS);
    assert_eq!(
        mon(&etcd, "2", estate.path(), &["sync"]).status.code(),
        Some(0)
    );
    let before = etcd.dump("2", "/");

    // `mon sync` in a directory without definitions: refused, and it says where it looked.
    let empty = tempfile::tempdir().unwrap();
    std::fs::write(empty.path().join("README.md"), "not a definition\n").unwrap();
    for verb in ["sync", "diff"] {
        let out = mon(&etcd, "2", empty.path(), &[verb]);
        let shown = text(&out);
        assert_eq!(out.status.code(), Some(7), "{shown}");
        let looked = std::fs::canonicalize(empty.path()).unwrap();
        assert!(
            shown.contains(&format!("no definitions in {}", looked.display())),
            "{shown}"
        );
        assert!(shown.contains("nothing was written"), "{shown}");
    }

    // A file from elsewhere that defines no monitors: another owner, so
    // nothing of the estate's is deleted.
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(
        elsewhere.path().join("cluster.yaml"),
        "cluster:\n  ha:\n    nodes: {a: {}, b: {}}\n    resources:\n      r: {exec: /etc/r.sh, primary: a, secondary: [b]}\n",
    )
    .unwrap();
    let out = mon(&etcd, "2", elsewhere.path(), &["sync", "cluster.yaml"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out)
            .contains("No changes: etcd matches the definitions (0 unchanged, 4 left alone)."),
        "{}",
        text(&out)
    );

    // One file of the estate itself, named on its own: it would delete
    // all that the estate owns, which the guard refuses however few keys.
    std::fs::write(
        estate.path().join("cluster.yaml"),
        "cluster:\n  ha:\n    nodes: {a: {}, b: {}}\n    resources:\n      r: {exec: /etc/r.sh, primary: a, secondary: [b]}\n",
    )
    .unwrap();
    let out = mon(&etcd, "2", estate.path(), &["sync", "cluster.yaml"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(7), "{shown}");
    assert!(
        shown.contains("refusing to delete 3 of the 3 monitor keys owned by"),
        "{shown}"
    );
    assert_eq!(etcd.dump("2", "/"), before, "nothing was written");
}

#[test]
fn two_definitions_directories_share_a_prefix_and_delete_only_their_own() {
    let etcd = Etcd::start();
    let team_a = defs(
        "monitor:\n  a1: {type: exec, command: /bin/true, interval: 10s}\n  a2: {type: exec, command: /bin/true, interval: 10s}\n  a3: {type: exec, command: /bin/true, interval: 10s}\n",
    );
    let team_b = defs("monitor:\n  b1: {type: exec, command: /bin/true, interval: 10s}\n");
    for dir in [&team_a, &team_b] {
        let out = mon(&etcd, "2", dir.path(), &["sync"]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }
    // Each sees the other's keys as left alone, not as deletions.
    let out = mon(&etcd, "2", team_b.path(), &["diff"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        text(&out).contains("(1 unchanged, 3 left alone)"),
        "{}",
        text(&out)
    );

    // Team A drops a1: only a1 goes.
    std::fs::write(
        team_a.path().join("defs.yaml"),
        "monitor:\n  a2: {type: exec, command: /bin/true, interval: 10s}\n  a3: {type: exec, command: /bin/true, interval: 10s}\n",
    )
    .unwrap();
    let out = mon(&etcd, "2", team_a.path(), &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let keys: Vec<String> = etcd.dump("2", "/9volt").into_keys().collect();
    assert_eq!(
        keys,
        [
            "/9volt/monitor/a2",
            "/9volt/monitor/a3",
            "/9volt/monitor/b1"
        ]
    );

    // Team B defining a name team A owns is refused, naming the owner;
    // --take-over moves it.
    std::fs::write(
        team_b.path().join("defs.yaml"),
        "monitor:\n  b1: {type: exec, command: /bin/true, interval: 10s}\n  a2: {type: exec, command: /bin/false, interval: 10s}\n",
    )
    .unwrap();
    let a_owner = support::owner_of_dir(team_a.path());
    let out = mon(&etcd, "2", team_b.path(), &["sync"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(7), "{shown}");
    assert!(
        shown.contains(&format!("/9volt/monitor/a2 (owner `{a_owner}`)")),
        "{shown}"
    );
    assert!(etcd.dump("2", "/9volt")["/9volt/monitor/a2"].contains("/bin/true"));
    // diff exits as sync would, and says how to claim the keys.
    let diff = mon(&etcd, "2", team_b.path(), &["diff"]);
    assert_eq!(diff.status.code(), Some(7), "{}", text(&diff));
    assert!(
        text(&diff).contains(&format!("--owner {a_owner}")),
        "{}",
        text(&diff)
    );
    let out = mon(&etcd, "2", team_b.path(), &["sync", "--take-over"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(etcd.dump("2", "/9volt")["/9volt/monitor/a2"].contains("/bin/false"));
}

#[test]
fn an_explicit_owner_names_the_estate_wherever_it_is_checked_out() {
    let etcd = Etcd::start();
    let laptop = defs(DEFS);
    let ci = defs(DEFS);
    let out = mon(&etcd, "2", laptop.path(), &["sync", "--owner", "estate"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Another checkout of the same definitions, named by MON_OWNER.
    let out = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(ci.path())
        .env("MON_OWNER", "estate")
        .env("TEST_PD_TOKEN", "pd-token-1")
        .args(["diff", "--endpoints", &etcd.endpoint()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // Never folded: `a b` is refused, not taken for `a-b`.
    let bad = mon(&etcd, "2", ci.path(), &["diff", "--owner", "a b"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    assert!(
        text(&bad).contains("owner \"a b\" must be"),
        "{}",
        text(&bad)
    );
}

#[test]
fn on_a_terminal_a_deleting_sync_asks_first() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    assert_eq!(
        mon(&etcd, "2", dir.path(), &["sync"]).status.code(),
        Some(0)
    );
    std::fs::write(
        dir.path().join("defs.yaml"),
        DEFS.replace(
            "  dns: {type: dns, host: ns1, dns-target: example.com, dns-record-type: A, interval: 30s}\n",
            "",
        ),
    )
    .unwrap();
    let run = |extra: &[&str], answer: Option<&str>| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_mon"));
        cmd.current_dir(support::repo(dir.path()))
            .env("TEST_PD_TOKEN", "pd-token-1")
            .env("NO_COLOR", "1")
            .args(["sync", "--endpoints", &etcd.endpoint()])
            .args(extra);
        let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
        if let Some(a) = answer {
            p.exp_string("Apply this plan, deleting 1 keys? [y/N]")
                .unwrap();
            p.send_line(a).unwrap();
        }
        let rest = p.exp_eof().unwrap();
        let status = p.process().wait().unwrap();
        (rest, status)
    };
    let (rest, status) = run(&[], Some("n"));
    assert!(rest.contains("not applied: nothing was written"), "{rest}");
    assert!(format!("{status:?}").contains("7)"), "{status:?}");
    assert!(etcd.dump("2", "/9volt").contains_key("/9volt/monitor/dns"));

    let (rest, status) = run(&[], Some("y"));
    assert!(
        rest.contains("applied: 0 added, 0 changed, 1 deleted"),
        "{rest}"
    );
    assert!(format!("{status:?}").contains("0)"), "{status:?}");
    assert!(!etcd.dump("2", "/9volt").contains_key("/9volt/monitor/dns"));

    // --yes: no question.
    std::fs::write(
        dir.path().join("defs.yaml"),
        DEFS.replace(
            "  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n",
            "",
        ),
    )
    .unwrap();
    let (rest, status) = run(&["--yes"], None);
    assert!(!rest.contains("Apply this plan"), "{rest}");
    assert!(rest.contains("1 deleted"), "{rest}");
    assert!(format!("{status:?}").contains("0)"), "{status:?}");
}

#[test]
fn any_path_without_definitions_stops_a_sync() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    std::fs::create_dir(dir.path().join("typo")).unwrap();
    let out = mon(&etcd, "2", dir.path(), &["sync", "defs.yaml", "typo"]);
    let shown = text(&out);
    assert_eq!(out.status.code(), Some(7), "{shown}");
    let typo = std::fs::canonicalize(dir.path().join("typo")).unwrap();
    assert!(
        shown.contains(&format!("no definitions in {}", typo.display())),
        "{shown}"
    );
    assert!(etcd.dump("2", "/9volt").is_empty());
}
