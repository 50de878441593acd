//! Reviewed plans, selections, the settings file, 9volt's own flags and the
//! output formats of `mon diff` and `mon sync`, against a real etcd 3.4.

mod support;

use std::path::Path;
use std::process::Command;

use support::Etcd;

const DEFS: &str = "\
monitor:
  web-1: {type: http, host: web1, status-code: 200, interval: 10s, critical-alerter: [pager]}
  web-2: {type: http, host: web2, status-code: 200, interval: 10s}
  db: {type: tcp, host: db1, port: 5432, interval: 30s}
alerter:
  pager: {type: pagerduty, options: {token: {env: TEST_PD_TOKEN}}}
";
const TOKEN: &str = "pd-token-secret-value";

fn defs(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), text).unwrap();
    dir
}

/// mon in `dir` with no connection settings from the caller's environment.
fn cmd(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_mon"));
    c.current_dir(support::repo(dir))
        .env("TEST_PD_TOKEN", TOKEN)
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    for v in [
        "ETCDCTL_ENDPOINTS",
        "MON_ETCD_API",
        "MON_OWNER",
        "MON_CONFIG",
        "NINEV_ETCD_MEMBERS",
        "NINEV_ETCD_PREFIX",
        "NINEV_ETCD_USERPASS",
    ] {
        c.env_remove(v);
    }
    c
}

fn run(c: &mut Command) -> (Option<i32>, String, String) {
    let o = c.output().unwrap();
    (
        o.status.code(),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn mon(etcd: &Etcd, dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    run(cmd(dir).args(args).args(["--endpoints", &etcd.endpoint()]))
}

#[test]
fn a_saved_plan_is_applied_as_reviewed() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    let plan = dir.path().join("plan.json");
    let (code, out, err) = mon(
        &etcd,
        dir.path(),
        &["diff", "--out", plan.to_str().unwrap()],
    );
    assert_eq!(code, Some(4), "{out}{err}");
    assert!(err.contains("apply it with `mon sync --plan"), "{err}");
    let saved = std::fs::read_to_string(&plan).unwrap();
    assert!(
        !saved.contains(TOKEN),
        "the plan file holds a secret: {saved}"
    );
    let v: serde_json::Value = serde_json::from_str(&saved).unwrap();
    assert_eq!(v["mon_plan"], 1);
    assert_eq!(v["summary"]["add"], 4);
    let pager = v["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "/9volt/alerter/pager")
        .unwrap();
    assert_eq!(pager["after"]["options"]["token"], "(secret)");
    assert_eq!(pager["action"], "add");

    let watch = etcd.watch_v2("/9volt");
    let (code, out, err) = mon(
        &etcd,
        dir.path(),
        &["sync", "--plan", plan.to_str().unwrap()],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(watch.finish_followed().len(), 4);
    let keys = etcd.dump("2", "/9volt");
    assert_eq!(keys.len(), 4);
    assert!(
        keys["/9volt/alerter/pager"].contains(TOKEN),
        "resolved when applied"
    );
    // Applied once: the same plan again no longer holds.
    let (code, _, err) = mon(
        &etcd,
        dir.path(),
        &["sync", "--plan", plan.to_str().unwrap()],
    );
    assert_eq!(code, Some(7), "{err}");
}

#[test]
fn a_saved_plan_is_refused_after_etcd_or_the_definitions_changed() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    assert_eq!(mon(&etcd, dir.path(), &["sync"]).0, Some(0));
    std::fs::write(
        dir.path().join("defs.yaml"),
        DEFS.replace("interval: 30s", "interval: 1m"),
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    assert_eq!(
        mon(&etcd, dir.path(), &["diff", "--out", plan_arg]).0,
        Some(4)
    );

    // Another writer touches the key after the review.
    let value = etcd.dump("2", "/9volt")["/9volt/monitor/db"].clone();
    etcd.ctl("2", &["set", "/9volt/monitor/db", &value]);
    let before = etcd.dump("2", "/9volt");
    let (code, _, err) = mon(&etcd, dir.path(), &["sync", "--plan", plan_arg]);
    assert_eq!(code, Some(7), "{err}");
    assert!(
        err.contains("/9volt/monitor/db: changed in etcd since the plan was written"),
        "{err}"
    );
    assert!(err.contains("nothing was written"), "{err}");
    assert_eq!(etcd.dump("2", "/9volt"), before);

    // A new review, then the definitions change before it is applied.
    assert_eq!(
        mon(&etcd, dir.path(), &["diff", "--out", plan_arg]).0,
        Some(4)
    );
    std::fs::write(
        dir.path().join("defs.yaml"),
        DEFS.replace("interval: 30s", "interval: 2m"),
    )
    .unwrap();
    let (code, _, err) = mon(&etcd, dir.path(), &["sync", "--plan", plan_arg]);
    assert_eq!(code, Some(7), "{err}");
    assert!(
        err.contains("/9volt/monitor/db: the definition changed since the plan was written"),
        "{err}"
    );
    assert_eq!(etcd.dump("2", "/9volt"), before);

    // And a plan that never was one.
    std::fs::write(&plan, "{}").unwrap();
    let (code, _, err) = mon(&etcd, dir.path(), &["sync", "--plan", plan_arg]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("is not a plan written by `mon diff --out`"),
        "{err}"
    );
}

#[test]
fn a_selection_writes_and_deletes_only_what_it_names() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    let (code, out, _) = mon(&etcd, dir.path(), &["sync", "--only", "monitor/web-*"]);
    assert_eq!(code, Some(0));
    assert!(
        out.contains("Plan: 2 to add, 0 to change, 0 to delete, 0 unchanged."),
        "{out}"
    );
    let keys: Vec<String> = etcd.dump("2", "/9volt").into_keys().collect();
    assert_eq!(keys, ["/9volt/monitor/web-1", "/9volt/monitor/web-2"]);
    assert_eq!(mon(&etcd, dir.path(), &["sync"]).0, Some(0));

    // Remove web-2 and change db; sync only the db: web-2 stays.
    std::fs::write(
        dir.path().join("defs.yaml"),
        DEFS.replace(
            "  web-2: {type: http, host: web2, status-code: 200, interval: 10s}\n",
            "",
        )
        .replace("interval: 30s", "interval: 1m"),
    )
    .unwrap();
    let (code, out, err) = mon(
        &etcd,
        dir.path(),
        &[
            "sync",
            "--exclude",
            "monitor/web-*",
            "--exclude",
            "alerter/*",
        ],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("0 to add, 1 to change, 0 to delete, 0 unchanged"),
        "{out}"
    );
    let keys = etcd.dump("2", "/9volt");
    assert!(keys.contains_key("/9volt/monitor/web-2"));
    assert!(keys["/9volt/monitor/db"].contains("1m"));

    // --replace=NAME rewrites just that one, as an update 9volt restarts.
    let watch = etcd.watch_v2("/9volt");
    let (code, out, err) = mon(
        &etcd,
        dir.path(),
        &["sync", "--only", "monitor/db", "--replace=monitor/db"],
    );
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(
        watch.finish_followed(),
        [("update".to_string(), "/9volt/monitor/db".to_string())]
    );

    let (code, _, err) = mon(&etcd, dir.path(), &["diff", "--only", "web-1"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("is not SECTION/NAME"), "{err}");
}

#[test]
fn settings_come_from_flags_then_environment_then_mon_toml_then_defaults() {
    let etcd = Etcd::start();
    let repo = tempfile::tempdir().unwrap();
    std::fs::create_dir(repo.path().join("definitions")).unwrap();
    std::fs::write(repo.path().join("definitions/defs.yaml"), DEFS).unwrap();
    std::fs::write(
        repo.path().join("mon.toml"),
        format!(
            "paths = [\"definitions\"]\nowner = \"estate\"\n[etcd]\nendpoints = [\"{}\"]\nprefix = \"from-file\"\n[plan]\nformat = \"short\"\n[validate]\nformat = \"json\"\n",
            etcd.endpoint()
        ),
    )
    .unwrap();
    // validate takes the file's paths and format too.
    let (code, out, err) = run(cmd(repo.path()).arg("validate"));
    assert_eq!(code, Some(0), "{out}{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["definitions"], 4);

    // The file alone: its endpoints, prefix, paths, owner and format.
    let (code, out, err) = run(cmd(repo.path()).arg("sync"));
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains("+ /from-file/monitor/db\n"),
        "short format: {out}"
    );
    assert!(
        etcd.dump("2", "/from-file")["/from-file/monitor/db"].contains(r#""mon-owner":"estate""#)
    );

    // The environment beats the file; a flag beats the environment.
    let (code, out, err) = run(cmd(repo.path())
        .env("NINEV_ETCD_PREFIX", "from-env")
        .arg("sync"));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(etcd.dump("2", "/from-env").len(), 4);
    let (code, out, err) = run(cmd(repo.path()).env("NINEV_ETCD_PREFIX", "from-env").args([
        "sync",
        "-p",
        "from-flag",
    ]));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(etcd.dump("2", "/from-flag").len(), 4);

    // mon config says where each came from.
    let (code, out, _) = run(cmd(repo.path())
        .env("NINEV_ETCD_PREFIX", "from-env")
        .args(["config", "--format", "json"]));
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let setting = |name: &str| {
        v["settings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["setting"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(setting("etcd prefix")["value"], "from-env");
    assert_eq!(
        setting("etcd prefix")["source"],
        "environment NINEV_ETCD_PREFIX"
    );
    assert_eq!(setting("owner")["value"], "estate");
    assert!(setting("owner")["source"]
        .as_str()
        .unwrap()
        .starts_with("file "));
    assert_eq!(setting("etcd api")["source"], "default");

    // A settings file with a password in clear is refused, naming the file.
    std::fs::write(
        repo.path().join("mon.toml"),
        "[etcd]\npassword = \"hunter2\"\n",
    )
    .unwrap();
    let (code, _, err) = run(cmd(repo.path()).arg("diff"));
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("mon.toml:2:12:"), "{err}");
    assert!(
        err.contains("{ env = \"NAME\" } or { file = \"PATH\" }"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
}

#[test]
fn ninevolts_own_flags_and_variables_work() {
    let mut etcd = Etcd::start();
    etcd.enable_auth("2", "mon", "monpw", "/9volt/");
    let dir = defs(DEFS);
    // `9volt cfg`'s -e, -p and -U.
    let (code, out, err) = run(cmd(dir.path()).args([
        "sync",
        "-e",
        &etcd.endpoint(),
        "-p",
        "9volt",
        "-U",
        "mon:monpw",
    ]));
    assert_eq!(code, Some(0), "{out}{err}");
    assert_eq!(etcd.dump("2", "/9volt").len(), 4);
    // And its environment variables, members with spaces as 9volt strips them.
    let (code, out, err) = run(cmd(dir.path())
        .env("NINEV_ETCD_MEMBERS", format!(" {} ", etcd.endpoint()))
        .env("NINEV_ETCD_PREFIX", "9volt")
        .env("NINEV_ETCD_USERPASS", "mon:monpw")
        .arg("diff"));
    assert_eq!(code, Some(0), "{out}{err}");
    let (code, _, err) = run(cmd(dir.path())
        .env("NINEV_ETCD_MEMBERS", etcd.endpoint())
        .env("NINEV_ETCD_USERPASS", "mon:wrong")
        .arg("diff"));
    assert_eq!(code, Some(5), "{err}");
}

#[test]
fn sync_json_is_one_document_with_the_outcome() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    let (code, out, _) = mon(&etcd, dir.path(), &["sync", "--format", "json"]);
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["summary"]["add"], 4);
    assert_eq!(v["outcome"]["status"], "applied");
    assert_eq!(v["outcome"]["applied"]["add"], 4);
    assert_eq!(v["outcome"]["conflicts"], serde_json::json!([]));
    assert!(!out.contains(TOKEN));

    // Refused by a guard: still one document, saying why.
    std::fs::write(
        dir.path().join("defs.yaml"),
        "monitor:\n  other: {type: exec, command: /bin/true, interval: 10s}\n",
    )
    .unwrap();
    let (code, out, _) = mon(&etcd, dir.path(), &["sync", "--format", "json"]);
    assert_eq!(code, Some(7));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"]["status"], "refused");
    assert_eq!(
        v["outcome"]["reason"],
        "deletes most of what this owner has"
    );

    let (code, out, _) = mon(
        &etcd,
        dir.path(),
        &["sync", "--format", "json", "--dry-run", "--force"],
    );
    assert_eq!(code, Some(4));
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["outcome"]["status"], "dry-run");
}

#[test]
fn short_format_and_context_fit_large_plans() {
    let etcd = Etcd::start();
    let mut text = String::from("monitor:\n");
    for i in 0..300 {
        text.push_str(&format!(
            "  m{i:03}: {{type: tcp, host: db{i}, port: 5432, interval: 30s, timeout: 2s, warning-threshold: 1, critical-threshold: 3, tags: [a, b, c]}}\n"
        ));
    }
    let dir = defs(&text);
    let (code, out, _) = mon(&etcd, dir.path(), &["diff", "--format", "short"]);
    assert_eq!(code, Some(4));
    assert_eq!(out.lines().count(), 301, "one line per key and the summary");
    assert!(out.starts_with("+ /9volt/monitor/m000\n"), "{out}");
    assert_eq!(mon(&etcd, dir.path(), &["sync"]).0, Some(0));

    std::fs::write(
        dir.path().join("defs.yaml"),
        text.replace("interval: 30s, timeout: 2s", "interval: 1m, timeout: 2s"),
    )
    .unwrap();
    let (_, full, _) = mon(&etcd, dir.path(), &["diff"]);
    let (code, narrow, _) = mon(&etcd, dir.path(), &["diff", "--context", "1"]);
    assert_eq!(code, Some(4));
    assert!(narrow.contains("-   \"interval\": \"30s\","), "{narrow}");
    assert!(
        !narrow.contains("\"tags\""),
        "context 1 leaves far lines out: {narrow}"
    );
    assert!(full.contains("\"tags\""));
    assert!(narrow.lines().count() * 2 < full.lines().count());
}

#[test]
fn render_takes_a_selection_and_its_directory_from_mon_toml() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("mon.toml"),
        "paths = [\"estate\"]\n[render]\nout = \"rendered\"\n",
    )
    .unwrap();
    let estate = work.path().join("estate");
    std::fs::create_dir(&estate).unwrap();
    for e in std::fs::read_dir(root.join("fixtures/estate")).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() {
            std::fs::copy(&p, estate.join(p.file_name().unwrap())).unwrap();
        }
    }
    let (code, out, err) = run(cmd(work.path())
        .env("MQTT_PASSWORD", "x")
        .env("HASTMON_QUEUE_SECRET", "x")
        .args(["render", "collectd", "--only", "collectd/web1"]));
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(work
        .path()
        .join("rendered/collectd/web1/collectd.conf")
        .is_file());
    assert!(!work.path().join("rendered/collectd/db1").exists(), "{out}");
    let (code, _, err) = run(cmd(tempfile::tempdir().unwrap().path()).args(["render", "all"]));
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("--out DIR, or [render] out in mon.toml"),
        "{err}"
    );
}

#[test]
fn no_secret_reaches_a_plan_in_any_format() {
    let etcd = Etcd::start();
    // A credential in an option not named token or password, and the
    // token's value copied into a monitor's description.
    let first = format!(
        "alerter:\n  chat: {{type: slack, options: {{token: {{env: TEST_PD_TOKEN}}, channel: '#ops', icon-url: 'https://hooks.example/K3Y-0LD-77'}}}}\nmonitor:\n  m: {{type: exec, command: /bin/true, interval: 10s, description: 'see {TOKEN}', critical-alerter: [chat]}}\n"
    );
    let dir = defs(&first);
    assert_eq!(mon(&etcd, dir.path(), &["sync"]).0, Some(0));
    // The icon-url goes away, the alerter changes type, the token changes.
    std::fs::write(
        dir.path().join("defs.yaml"),
        "alerter:\n  chat: {type: pagerduty, options: {token: {env: TEST_PD_TOKEN}}}\nmonitor:\n  m: {type: exec, command: /bin/true, interval: 10s, critical-alerter: [chat]}\n",
    )
    .unwrap();
    let plan = dir.path().join("plan.json");
    let mut shown = String::new();
    for args in [
        &["diff"][..],
        &["diff", "--format", "json"],
        &["diff", "--format", "short"],
        &["diff", "--out", plan.to_str().unwrap()],
        &["sync", "--dry-run", "--format", "json"],
        &["sync", "--format", "json"],
    ] {
        let (_, out, err) = run(cmd(dir.path())
            .env("TEST_PD_TOKEN", "pd-token-new-value")
            .args(args)
            .args(["--endpoints", &etcd.endpoint()]));
        shown.push_str(&out);
        shown.push_str(&err);
    }
    shown.push_str(&std::fs::read_to_string(&plan).unwrap());
    for secret in [TOKEN, "K3Y-0LD-77", "pd-token-new-value"] {
        assert!(!shown.contains(secret), "{secret} was shown:\n{shown}");
    }
    assert!(shown.contains("(secret"), "{shown}");
}

/// `mon show` prints a saved plan as `mon diff` printed it when it saved
/// it, in text and short, with the counts of keys the plan does not list;
/// it reads nothing but the file: no etcd, no secret.
#[test]
fn show_prints_a_saved_plan_as_diff_did() {
    let etcd = Etcd::start();
    let dir = defs(DEFS);
    assert_eq!(mon(&etcd, dir.path(), &["sync", "--yes"]).0, Some(0));
    // A change, a deletion and unchanged keys.
    let changed = DEFS
        .replace(
            "status-code: 200, interval: 10s}",
            "status-code: 301, interval: 10s}",
        )
        .replace(
            "  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n",
            "",
        );
    std::fs::write(dir.path().join("defs.yaml"), changed).unwrap();
    let plan = dir.path().join("plan.json");
    let plan_arg = plan.to_str().unwrap();
    for format in ["text", "short"] {
        let (code, diff, err) = mon(
            &etcd,
            dir.path(),
            &["diff", "--format", format, "--out", plan_arg],
        );
        assert_eq!(code, Some(4), "{diff}{err}");
        // Nothing but the file: no endpoint (a dead one), no token.
        let (code, shown, err) = run(cmd(dir.path())
            .env_remove("TEST_PD_TOKEN")
            .env("ETCDCTL_ENDPOINTS", "http://127.0.0.1:9")
            .args(["show", plan_arg, "--format", format]));
        assert_eq!(code, Some(0), "{shown}{err}");
        assert_eq!(shown, diff, "{format}");
        assert!(!shown.contains(TOKEN));
    }
    let (_, text, _) = run(cmd(dir.path()).args(["show", plan_arg]));
    assert!(
        text.contains("Plan: 0 to add, 1 to change, 1 to delete, 2 unchanged."),
        "{text}"
    );
    let (code, json, _) = run(cmd(dir.path()).args(["show", plan_arg, "--format", "json"]));
    assert_eq!(code, Some(0));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["changes"].as_array().unwrap().len(), 2, "{v}");

    // Not a plan, or not there: exit 3, said plainly.
    std::fs::write(&plan, "{\"changes\": 1}").unwrap();
    let (code, _, err) = run(cmd(dir.path()).args(["show", plan_arg]));
    assert_eq!(code, Some(3));
    assert!(
        err.contains("is not a plan written by `mon diff --out`"),
        "{err}"
    );
    let (code, _, err) = run(cmd(dir.path()).args(["show", "missing.json"]));
    assert_eq!(code, Some(3), "{err}");
}

/// `--format markdown` for `diff` and `show`: a table of counts and each
/// key's diff in a fenced block, through a CommonMark parser. Values that
/// try to close the block or open HTML stay text, and secrets stay masked.
#[test]
fn markdown_plans_are_tables_and_fenced_diffs_that_input_cannot_break() {
    let etcd = Etcd::start();
    let hostile = DEFS.replace(
        "host: web2,",
        "host: web2, description: \"```</details><script>alert(1)</script> | x\",",
    );
    let dir = defs(&hostile);
    let plan = dir.path().join("plan.json");
    let (code, md, err) = mon(
        &etcd,
        dir.path(),
        &[
            "diff",
            "--format",
            "markdown",
            "--out",
            plan.to_str().unwrap(),
        ],
    );
    assert_eq!(code, Some(4), "{md}{err}");
    let (code, shown, _) =
        run(cmd(dir.path()).args(["show", plan.to_str().unwrap(), "--format", "markdown"]));
    assert_eq!(code, Some(0));
    assert_eq!(shown, md);
    assert!(!md.contains(TOKEN));
    let read = support::markdown::read(&md);
    assert_eq!(read.tables, 1, "{md}");
    assert_eq!(read.code.len(), 4, "one diff per key: {md}");
    assert!(read.code.iter().all(|(info, _)| info == "diff"), "{md}");
    let web2 = read
        .code
        .iter()
        .find(|(_, body)| body.contains("web2"))
        .unwrap();
    assert!(
        web2.1
            .contains("+  \"description\": \"```</details><script>alert(1)</script> | x\","),
        "the value is in its block whole: {md}"
    );
    assert!(
        !read.html_left.contains('<'),
        "HTML from input: {:?}\n{md}",
        read.html_left
    );
    assert!(read.text.contains("Plan: 4 to add"), "{md}");
}
