//! `mon diff` / `mon sync` against a real etcd 3.4, through both the v2 keys
//! API (what 9volt reads) and v3. Results are checked with etcd's own tools.

mod support;

use std::path::Path;

use assert_cmd::Command;
use support::Etcd;

const DEFS: &str = "\
monitor:
  web:
    type: http
    host: web1
    status-code: 200
    interval: 10s
    critical-alerter: [pager]
  db:
    type: tcp
    host: db1
    port: 5432
    interval: 30s
alerter:
  pager:
    type: pagerduty
    options: {token: {env: TEST_PD_TOKEN}}
";

fn write_defs(dir: &Path, text: &str) {
    std::fs::write(dir.join("defs.yaml"), text).unwrap();
}

fn mon(etcd: &Etcd, api: &str, dir: &Path, args: &[&str]) -> std::process::Output {
    support::mon_etcd(etcd, api, dir, args)
}

fn owner(dir: &Path) -> String {
    support::owner_of_dir(dir)
}

both_apis!(
    first_sync_writes_9volt_layout_then_second_changes_nothing,
    |api: &str| {
        let etcd = Etcd::start();
        let dir = tempfile::tempdir().unwrap();
        write_defs(dir.path(), DEFS);
        let diff = mon(&etcd, api, dir.path(), &["diff"]);
        assert_eq!(
            diff.status.code(),
            Some(4),
            "{}",
            support::output_text(&diff)
        );
        assert!(
            support::output_text(&diff)
                .contains("Plan: 3 to add, 0 to change, 0 to delete, 0 unchanged."),
            "{}",
            support::output_text(&diff)
        );

        let first = mon(&etcd, api, dir.path(), &["sync"]);
        assert_eq!(
            first.status.code(),
            Some(0),
            "{}",
            support::output_text(&first)
        );
        let keys = etcd.dump(api, "/9volt");
        assert_eq!(
            keys.keys().collect::<Vec<_>>(),
            [
                "/9volt/alerter/pager",
                "/9volt/monitor/db",
                "/9volt/monitor/web"
            ]
        );
        // Compact JSON, sorted keys, secret resolved: what 9volt cfg would
        // write, plus the ownership mark that 9volt's decoder ignores.
        let o = owner(dir.path());
        assert_eq!(
            keys["/9volt/monitor/db"],
            format!(
                r#"{{"host":"db1","interval":"30s","mon-owner":"{o}","port":5432,"type":"tcp"}}"#
            )
        );
        assert_eq!(
            keys["/9volt/alerter/pager"],
            format!(
                r#"{{"mon-owner":"{o}","options":{{"token":"pd-token-1"}},"type":"pagerduty"}}"#
            )
        );
        if api == "2" {
            // 9volt needs monitor/ and alerter/ to be directories.
            let ls = etcd.ctl("2", &["ls", "/9volt"]);
            assert!(
                ls.contains("/9volt/monitor") && ls.contains("/9volt/alerter"),
                "{ls}"
            );
        }

        let revision_before = etcd.ctl("3", &["endpoint", "status", "-w", "json"]);
        let second = mon(&etcd, api, dir.path(), &["sync"]);
        assert_eq!(second.status.code(), Some(0));
        assert!(
            support::output_text(&second)
                .contains("No changes: etcd matches the definitions (3 unchanged)."),
            "{}",
            support::output_text(&second)
        );
        let revision_after = etcd.ctl("3", &["endpoint", "status", "-w", "json"]);
        let rev = |s: &str| {
            serde_json::from_str::<serde_json::Value>(s).unwrap()[0]["Status"]["header"]["revision"]
                .clone()
        };
        assert_eq!(
            rev(&revision_before),
            rev(&revision_after),
            "a no-change sync must write nothing"
        );
        let again = mon(&etcd, api, dir.path(), &["diff"]);
        assert_eq!(again.status.code(), Some(0));
    }
);

both_apis!(changes_and_deletes_are_applied, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    assert_eq!(
        mon(&etcd, api, dir.path(), &["sync"]).status.code(),
        Some(0)
    );
    // db changes its interval, web goes away.
    let changed = DEFS.replace("interval: 30s", "interval: 1m").replace(
        "  web:\n    type: http\n    host: web1\n    status-code: 200\n    interval: 10s\n    critical-alerter: [pager]\n",
        "",
    );
    write_defs(dir.path(), &changed);
    let diff = mon(&etcd, api, dir.path(), &["diff"]);
    let shown = support::output_text(&diff);
    assert!(
        shown.contains("~ /9volt/monitor/db will be changed"),
        "{shown}"
    );
    assert!(shown.contains("-   \"interval\": \"30s\","), "{shown}");
    assert!(shown.contains("+   \"interval\": \"1m\","), "{shown}");
    assert!(
        shown.contains("- /9volt/monitor/web will be deleted"),
        "{shown}"
    );
    assert!(
        shown.contains("Plan: 0 to add, 1 to change, 1 to delete, 1 unchanged."),
        "{shown}"
    );
    let sync = mon(&etcd, api, dir.path(), &["sync"]);
    assert_eq!(
        sync.status.code(),
        Some(0),
        "{}",
        support::output_text(&sync)
    );
    assert!(support::output_text(&sync).contains("applied: 0 added, 1 changed, 1 deleted"));
    let keys = etcd.dump(api, "/9volt");
    assert!(!keys.contains_key("/9volt/monitor/web"));
    assert!(keys["/9volt/monitor/db"].contains(r#""interval":"1m""#));
});

both_apis!(nosync_keeps_and_dry_run_writes_nothing, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    assert_eq!(
        mon(&etcd, api, dir.path(), &["sync"]).status.code(),
        Some(0)
    );
    write_defs(
        dir.path(),
        "monitor:\n  only:\n    type: exec\n    command: /bin/true\n    interval: 10s\n",
    );
    let before = etcd.dump(api, "/");

    // Deleting all three keys this directory owns needs --force.
    // A dry run exits as diff does: 4, changes pending.
    let dry = mon(&etcd, api, dir.path(), &["sync", "--dry-run", "--force"]);
    assert_eq!(dry.status.code(), Some(4), "{}", support::output_text(&dry));
    assert!(
        support::output_text(&dry)
            .contains("Plan: 1 to add, 0 to change, 3 to delete, 0 unchanged."),
        "{}",
        support::output_text(&dry)
    );
    assert!(support::output_text(&dry).contains("dry run: nothing was written"));
    assert_eq!(
        etcd.dump(api, "/"),
        before,
        "--dry-run must write and delete nothing"
    );

    let nosync = mon(&etcd, api, dir.path(), &["sync", "--nosync"]);
    assert_eq!(
        nosync.status.code(),
        Some(0),
        "{}",
        support::output_text(&nosync)
    );
    let keys = etcd.dump(api, "/9volt");
    assert_eq!(keys.len(), 4, "{keys:?}");
    assert!(keys.contains_key("/9volt/monitor/web") && keys.contains_key("/9volt/monitor/only"));
});

both_apis!(foreign_keys_are_never_touched, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    for key in [
        "/9volt/config",
        "/9volt/cluster/director",
        "/9volt/state/web",
        "/9volt/event/x-abc",
        "/9volt/monitor/nested/deep",
        "/other/monitor/web",
    ] {
        if api == "2" {
            etcd.ctl("2", &["set", key, "{\"foreign\":true}"]);
        } else {
            etcd.ctl("3", &["put", key, "{\"foreign\":true}"]);
        }
    }
    let sync = mon(&etcd, api, dir.path(), &["sync"]);
    assert_eq!(
        sync.status.code(),
        Some(0),
        "{}",
        support::output_text(&sync)
    );
    assert!(
        support::output_text(&sync).contains("0 to delete"),
        "{}",
        support::output_text(&sync)
    );
    let keys = etcd.dump(api, "/");
    for key in [
        "/9volt/config",
        "/9volt/cluster/director",
        "/9volt/state/web",
        "/9volt/event/x-abc",
        "/9volt/monitor/nested/deep",
        "/other/monitor/web",
    ] {
        assert_eq!(
            keys.get(key).map(String::as_str),
            Some("{\"foreign\":true}"),
            "{key} was touched"
        );
    }
});

both_apis!(invalid_definitions_abort_with_no_write, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    std::fs::write(
        dir.path().join("broken.yaml"),
        "monitor:\n  bad:\n    type: http\n    interval: -5s\n",
    )
    .unwrap();
    let sync = mon(&etcd, api, dir.path(), &["sync"]);
    assert_eq!(
        sync.status.code(),
        Some(1),
        "{}",
        support::output_text(&sync)
    );
    assert!(support::output_text(&sync)
        .contains("refusing to sync: the definitions have errors; nothing was written"));
    assert!(
        support::output_text(&sync).contains("broken.yaml:4:15"),
        "{}",
        support::output_text(&sync)
    );
    assert!(etcd.dump(api, "/").is_empty());
});

both_apis!(the_deletion_guard_refuses_and_names_keys, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    assert_eq!(
        mon(&etcd, api, dir.path(), &["sync"]).status.code(),
        Some(0)
    );
    write_defs(
        dir.path(),
        "monitor:\n  only:\n    type: exec\n    command: /bin/true\n    interval: 10s\n",
    );
    let refused = mon(&etcd, api, dir.path(), &["sync", "--max-delete", "2"]);
    assert_eq!(
        refused.status.code(),
        Some(7),
        "{}",
        support::output_text(&refused)
    );
    let shown = support::output_text(&refused);
    assert!(
        shown.contains("refusing to delete 3 keys (more than --max-delete 2)"),
        "{shown}"
    );
    assert!(shown.contains("/9volt/monitor/web"), "{shown}");
    assert_eq!(etcd.dump(api, "/9volt").len(), 3);
    // Within --max-delete, deleting all that this directory owns is still refused.
    let most = mon(&etcd, api, dir.path(), &["sync"]);
    assert_eq!(
        most.status.code(),
        Some(7),
        "{}",
        support::output_text(&most)
    );
    assert!(
        support::output_text(&most).contains("of the 2 monitor keys owned by"),
        "{}",
        support::output_text(&most)
    );
    assert_eq!(etcd.dump(api, "/9volt").len(), 3);
    let forced = mon(
        &etcd,
        api,
        dir.path(),
        &["sync", "--max-delete", "2", "--force"],
    );
    assert_eq!(
        forced.status.code(),
        Some(0),
        "{}",
        support::output_text(&forced)
    );
    assert_eq!(
        etcd.dump(api, "/9volt").keys().collect::<Vec<_>>(),
        ["/9volt/monitor/only"]
    );
});

both_apis!(
    durations_stored_as_nanoseconds_are_unchanged,
    |api: &str| {
        let etcd = Etcd::start();
        let dir = tempfile::tempdir().unwrap();
        write_defs(
            dir.path(),
            "monitor:\n  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n",
        );
        // The duration as 9volt's own HTTP API encodes it (with this
        // directory's mark, so only the duration's form differs).
        let value = format!(
            r#"{{"type":"tcp","host":"db1","port":5432,"interval":30000000000,"mon-owner":"{}"}}"#,
            owner(dir.path())
        );
        if api == "2" {
            etcd.ctl("2", &["set", "/9volt/monitor/db", &value]);
        } else {
            etcd.ctl("3", &["put", "/9volt/monitor/db", &value]);
        }
        let diff = mon(&etcd, api, dir.path(), &["diff"]);
        assert_eq!(
            diff.status.code(),
            Some(0),
            "{}",
            support::output_text(&diff)
        );
    }
);

both_apis!(a_value_9volt_cannot_read_is_replaced, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(
        dir.path(),
        "monitor:\n  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n",
    );
    if api == "2" {
        etcd.ctl("2", &["set", "/9volt/monitor/db", "not json"]);
    } else {
        etcd.ctl("3", &["put", "/9volt/monitor/db", "not json"]);
    }
    let diff = mon(&etcd, api, dir.path(), &["diff"]);
    assert!(
        support::output_text(&diff).contains("(not JSON, 8 bytes: 9volt cannot read this value)"),
        "{}",
        support::output_text(&diff)
    );
    assert_eq!(
        mon(&etcd, api, dir.path(), &["sync"]).status.code(),
        Some(0)
    );
    assert!(etcd.dump(api, "/9volt")["/9volt/monitor/db"].starts_with('{'));
});

both_apis!(secrets_are_never_printed, |api: &str| {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    assert_eq!(
        mon(&etcd, api, dir.path(), &["sync"]).status.code(),
        Some(0)
    );
    let out = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir.path()))
        .env("MON_ETCD_API", api)
        .env("TEST_PD_TOKEN", "pd-token-2")
        .args(["diff", "--endpoints", &etcd.endpoint()])
        .output()
        .unwrap();
    let shown = support::output_text(&out);
    assert_eq!(out.status.code(), Some(4));
    assert!(shown.contains("-     \"token\": \"(secret)\""), "{shown}");
    assert!(
        shown.contains("+     \"token\": \"(secret, changed)\""),
        "{shown}"
    );
    assert!(!shown.contains("pd-token"), "{shown}");
    let json = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir.path()))
        .env("MON_ETCD_API", api)
        .env("TEST_PD_TOKEN", "pd-token-2")
        .args(["diff", "--format", "json", "--endpoints", &etcd.endpoint()])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(v["summary"]["change"], 1);
    assert!(!String::from_utf8_lossy(&json.stdout).contains("pd-token"));
});

#[test]
fn an_unset_secret_aborts_before_connecting() {
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    let out = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir.path()))
        .env_remove("TEST_PD_TOKEN")
        .args(["sync", "--endpoints", "http://127.0.0.1:1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(3));
    assert!(
        support::output_text(&out).contains(
            "defs.yaml:16:22: alerter `pager` option `token`: environment variable TEST_PD_TOKEN is not set"
        ),
        "{}",
        support::output_text(&out)
    );
}

#[test]
fn an_unreachable_etcd_fails_fast_and_clearly() {
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    let port = support::free_port();
    for api in ["2", "3"] {
        let start = std::time::Instant::now();
        let out = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .env("TEST_PD_TOKEN", "x")
            .env("MON_ETCD_API", api)
            .args([
                "diff",
                "--endpoints",
                &format!("http://127.0.0.1:{port}"),
                "--dial-timeout",
                "1s",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(5), "{}", support::output_text(&out));
        assert!(
            support::output_text(&out).contains(&format!("127.0.0.1:{port}")),
            "{}",
            support::output_text(&out)
        );
        assert!(start.elapsed() < std::time::Duration::from_secs(10));
    }
}

both_apis!(
    tls_with_a_ca_and_failover_past_a_dead_endpoint,
    |api: &str| {
        let etcd = Etcd::start_with_tls();
        let dir = tempfile::tempdir().unwrap();
        write_defs(dir.path(), DEFS);
        let ca = etcd.ca();
        // A dead endpoint first: mon must go on to the live one.
        let dead = format!("https://127.0.0.1:{}", support::free_port());
        let endpoints = format!("{dead},{}", etcd.endpoint());
        let out = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .env("MON_ETCD_API", api)
            .env("TEST_PD_TOKEN", "t")
            .args([
                "sync",
                "--endpoints",
                &endpoints,
                "--cacert",
                ca.to_str().unwrap(),
                "--dial-timeout",
                "1s",
            ])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
        assert_eq!(etcd.dump(api, "/9volt").len(), 3);
        // etcdctl v2's name for the CA works too.
        let v2_name = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .env("MON_ETCD_API", api)
            .env("TEST_PD_TOKEN", "t")
            .env("ETCDCTL_CA_FILE", &ca)
            .args(["diff", "--endpoints", &etcd.endpoint()])
            .output()
            .unwrap();
        assert_eq!(
            v2_name.status.code(),
            Some(0),
            "{}",
            support::output_text(&v2_name)
        );
        // Without the CA the server's certificate is not trusted.
        let untrusted = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .env("MON_ETCD_API", api)
            .env("TEST_PD_TOKEN", "t")
            .args([
                "diff",
                "--endpoints",
                &etcd.endpoint(),
                "--dial-timeout",
                "1s",
            ])
            .output()
            .unwrap();
        assert_eq!(
            untrusted.status.code(),
            Some(5),
            "{}",
            support::output_text(&untrusted)
        );
    }
);

both_apis!(
    an_etcd_with_authentication_takes_credentials_and_says_when_they_are_wrong,
    |api: &str| {
        let mut etcd = Etcd::start();
        etcd.enable_auth(api, "mon", "monpw", "/9volt/");
        let dir = tempfile::tempdir().unwrap();
        write_defs(dir.path(), DEFS);
        let hint = "hint: check --user and --password";

        for creds in [&[][..], &["--user", "mon", "--password", "wrong"][..]] {
            let out = mon(&etcd, api, dir.path(), &[&["sync"], creds].concat());
            let text = support::output_text(&out);
            assert_eq!(out.status.code(), Some(5), "{text}");
            assert!(text.contains(hint), "{text}");
            assert!(text.contains("nothing was written"), "{text}");
        }
        assert!(etcd.dump(api, "/9volt").is_empty());

        // user:password in --user, as etcdctl takes it.
        let out = mon(&etcd, api, dir.path(), &["sync", "--user", "mon:monpw"]);
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
        assert_eq!(etcd.dump(api, "/9volt").len(), 3);

        // The password from a file, after a change.
        write_defs(dir.path(), &DEFS.replace("port: 5432", "port: 5433"));
        std::fs::write(dir.path().join("pw"), "monpw\n").unwrap();
        let pw = dir.path().join("pw");
        let args = [
            "sync",
            "--user",
            "mon",
            "--password-file",
            pw.to_str().unwrap(),
        ];
        let out = mon(&etcd, api, dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
        assert!(etcd.dump(api, "/9volt")["/9volt/monitor/db"].contains("5433"));

        // From the environment, as etcdctl reads it.
        let out = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .env("MON_ETCD_API", api)
            .env("ETCDCTL_USER", "mon")
            .env("ETCDCTL_PASSWORD", "monpw")
            .env("TEST_PD_TOKEN", "pd-token-1")
            .args(["diff", "--endpoints", &etcd.endpoint()])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));

        // Right credentials, but no permission under another prefix.
        let out = mon(
            &etcd,
            api,
            dir.path(),
            &["diff", "--user", "mon:monpw", "--prefix", "elsewhere"],
        );
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(5), "{text}");
        assert!(text.contains(hint), "{text}");
    }
);

#[test]
fn an_etcd_without_the_v2_api_is_named_not_read_as_empty() {
    let etcd = Etcd::start_without_v2();
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    for verb in ["diff", "sync"] {
        let out = mon(&etcd, "2", dir.path(), &[verb]);
        let shown = support::output_text(&out);
        assert_eq!(out.status.code(), Some(5), "{shown}");
        assert!(shown.contains("serves no v2 keys API"), "{shown}");
        assert!(shown.contains("--enable-v2=true"), "{shown}");
        assert!(shown.contains("etcd 3.6 removed the v2 API"), "{shown}");
        assert!(
            !shown.contains("Plan:"),
            "no plan against an empty keyspace: {shown}"
        );
    }
    assert!(etcd.dump("3", "/").is_empty());
}

#[test]
fn a_prefix_that_is_not_a_plain_key_path_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    write_defs(dir.path(), DEFS);
    for prefix in ["ops/..", "..", "a/./b", "a//b", "a b"] {
        let out = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .args([
                "diff",
                "--prefix",
                prefix,
                "--endpoints",
                "http://127.0.0.1:1",
            ])
            .output()
            .unwrap();
        let shown = support::output_text(&out);
        assert_eq!(out.status.code(), Some(2), "{prefix}: {shown}");
        assert!(shown.contains("must be a key path"), "{shown}");
    }
}

both_apis!(
    a_key_that_is_not_utf8_is_reported_and_left_alone,
    |api: &str| {
        use std::os::unix::ffi::OsStrExt;
        let etcd = Etcd::start();
        let dir = tempfile::tempdir().unwrap();
        write_defs(dir.path(), DEFS);
        if api == "2" {
            let out = std::process::Command::new("curl")
                .args(["-sS", "--fail-with-body", "-X", "PUT"])
                .arg(format!(
                    "{}/v2/keys/9volt/monitor/bad%FFkey",
                    etcd.endpoint()
                ))
                .args(["-d", "value={}"])
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", support::output_text(&out));
        } else {
            let out = std::process::Command::new(support::require("etcdctl"))
                .env("ETCDCTL_API", "3")
                .args(["--endpoints", &etcd.endpoint(), "put"])
                .arg(std::ffi::OsStr::from_bytes(b"/9volt/monitor/bad\xffkey"))
                .arg("{}")
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", support::output_text(&out));
        }
        let out = mon(&etcd, api, dir.path(), &["sync", "--prune-unowned"]);
        let shown = support::output_text(&out);
        assert_eq!(out.status.code(), Some(0), "{shown}");
        assert!(
            shown.contains("is not a UTF-8 key; mon cannot address it"),
            "{shown}"
        );
        assert!(!shown.contains("changed in etcd since"), "{shown}");
        assert_eq!(
            etcd.dump(api, "/9volt").len(),
            4,
            "the odd key is still there"
        );
    }
);

#[test]
fn a_value_over_etcds_request_limit_is_refused_by_validate() {
    let dir = tempfile::tempdir().unwrap();
    let big = "x".repeat(1_600_000);
    write_defs(
        dir.path(),
        &format!("monitor:\n  big:\n    type: exec\n    command: /bin/true\n    interval: 10s\n    description: {big}\n"),
    );
    let out = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir.path()))
        .args(["validate", "--format", "short"])
        .output()
        .unwrap();
    let shown = support::output_text(&out);
    assert_eq!(out.status.code(), Some(1), "{shown}");
    assert!(
        shown.contains("defs.yaml:2:3: error[E0412]: monitor `big` is 1600"),
        "{shown}"
    );
    assert!(
        shown.contains("etcd refuses a request over 1572864 bytes"),
        "{shown}"
    );
    // Just under the limit is fine.
    let fits = "x".repeat(1_500_000);
    write_defs(
        dir.path(),
        &format!("monitor:\n  big:\n    type: exec\n    command: /bin/true\n    interval: 10s\n    description: {fits}\n"),
    );
    let out = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir.path()))
        .args(["validate"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
}

both_apis!(
    a_value_that_fits_after_validation_is_written_whole,
    |api: &str| {
        // A monitor just under the limit goes through either API.
        let etcd = Etcd::start();
        let dir = tempfile::tempdir().unwrap();
        let fits = "x".repeat(1_500_000);
        write_defs(
        dir.path(),
        &format!("monitor:\n  big:\n    type: exec\n    command: /bin/true\n    interval: 10s\n    description: {fits}\n"),
    );
        let out = mon(&etcd, api, dir.path(), &["sync"]);
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
        assert!(etcd.dump(api, "/9volt")["/9volt/monitor/big"].len() > 1_500_000);
    }
);

#[test]
fn secret_references_reach_only_what_they_should() {
    let dir = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    std::fs::write(elsewhere.path().join("token"), "outside-token\n").unwrap();
    std::fs::write(dir.path().join("big"), "x".repeat(100 * 1024)).unwrap();
    support::fifo(&dir.path().join("fifo"));
    let outside = elsewhere.path().join("token");
    // What is always refused is a finding in the definitions (E0310, exit
    // 1, the same in `mon validate`); what only reading shows is exit 3.
    let cases: Vec<(String, &str, i32)> = vec![
        (
            "{file: /proc/self/environ}".into(),
            "is outside the definitions' directories",
            1,
        ),
        (
            format!("{{file: {}}}", outside.display()),
            "is outside the definitions' directories",
            1,
        ),
        (
            "{file: ../../../../etc/hostname}".into(),
            "is outside the definitions' directories",
            1,
        ),
        (
            "{env: ETCDCTL_PASSWORD}".into(),
            "names mon's own credential",
            1,
        ),
        (
            "{env: MON_MQTT_PASSWORD}".into(),
            "names mon's own credential",
            1,
        ),
        ("{file: fifo}".into(), "not a regular file", 3),
        ("{file: big}".into(), "larger than 64 KiB", 3),
    ];
    for (reference, message, code) in cases {
        write_defs(
            dir.path(),
            &format!("alerter:\n  pager: {{type: pagerduty, options: {{token: {reference}}}}}\n"),
        );
        let start = std::time::Instant::now();
        let out = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(dir.path()))
            .env("ETCDCTL_PASSWORD", "mons-own")
            .args(["diff", "--endpoints", "http://127.0.0.1:1"])
            .output()
            .unwrap();
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(code), "{reference}: {text}");
        assert!(text.contains(message), "{reference}: {text}");
        if code == 1 {
            let v = Command::cargo_bin("mon")
                .unwrap()
                .current_dir(dir.path())
                .args(["validate", "--format", "short"])
                .output()
                .unwrap();
            let shown = support::output_text(&v);
            assert_eq!(v.status.code(), Some(1), "{reference}: {shown}");
            assert!(
                shown.contains("E0310") && shown.contains(message),
                "{shown}"
            );
        }
        assert!(
            !text.contains("mons-own") && !text.contains("outside-token"),
            "{text}"
        );
        assert!(
            start.elapsed() < std::time::Duration::from_secs(5),
            "{reference} hung"
        );
    }
    // --secrets-dir (or MON_SECRETS_DIR) lets one more directory in.
    write_defs(
        dir.path(),
        &format!(
            "alerter:\n  pager: {{type: pagerduty, options: {{token: {{file: {}}}}}}}\n",
            outside.display()
        ),
    );
    let out = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir.path()))
        .args([
            "diff",
            "--endpoints",
            "http://127.0.0.1:1",
            "--dial-timeout",
            "1s",
        ])
        .arg("--secrets-dir")
        .arg(elsewhere.path())
        .output()
        .unwrap();
    // Past the secrets: it now fails only for want of an etcd.
    assert_eq!(out.status.code(), Some(5), "{}", support::output_text(&out));
}
