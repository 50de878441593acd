//! `mon render` on the example estate, with every output read back by the
//! program that will read it: hastmon's grammar and per-node rules (checker in
//! tests/support/hastmon.rs), collectd's own parser, a JSON parser, luajit.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command as Std;

use assert_cmd::Command;
use support::hastmon;

fn estate() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate")
}

fn render(out: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("mon")
        .unwrap()
        .args(["render", "all"])
        .arg(estate())
        .arg("--out")
        .arg(out)
        .args(extra)
        .env("HASTMON_QUEUE_SECRET", "queue-secret")
        .env("MQTT_PASSWORD", "mqtt-password")
        .output()
        .unwrap()
}

/// `mon render collectd DEFS --out OUT ...`.
fn render_collectd(defs: &Path, out: &Path, extra: &[&str]) -> std::process::Output {
    Command::cargo_bin("mon")
        .unwrap()
        .args(["render", "collectd"])
        .arg(defs)
        .arg("--out")
        .arg(out)
        .args(extra)
        .output()
        .unwrap()
}

fn read(p: PathBuf) -> String {
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

#[test]
fn renders_match_the_reviewed_golden_files() {
    let out = tempfile::tempdir().unwrap();
    let r = render(out.path(), &[]);
    assert_eq!(r.status.code(), Some(0), "{}", support::output_text(&r));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/render");
    let mut compared = 0;
    for entry in walkdir(&golden) {
        let rel = entry.strip_prefix(&golden).unwrap();
        assert_eq!(
            read(out.path().join(rel)),
            read(entry.clone()),
            "{} differs from its golden file",
            rel.display()
        );
        compared += 1;
    }
    assert_eq!(compared, 13, "every rendered file has a golden file");
}

fn walkdir(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walkdir(&p));
        } else {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn hastmon_reads_the_readme_cluster_as_listed_on_every_node() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    let conf = hastmon::parse(&read(out.path().join("hastmon/storage-ha/hastmon.conf"))).unwrap();
    // reference/hastmon.md §9: lolek priority 0 -> bolek; bolek 1 -> lolek; reksio 100 -> both;
    // timeout 5, attempts 5, heartbeat 10, complaint_count 3, complaint_interval 60, role init.
    let expect = |prio: i64, remotes: &[&str]| {
        (
            prio,
            remotes
                .iter()
                .map(|r| format!("tcp4://{r}"))
                .collect::<Vec<_>>(),
        )
    };
    for (node, (prio, remotes)) in [
        ("lolek", expect(0, &["bolek"])),
        ("bolek", expect(1, &["lolek"])),
        ("reksio", expect(100, &["lolek", "bolek"])),
    ] {
        let eff = hastmon::as_node(&conf, node).unwrap_or_else(|e| panic!("{node}: {e}"));
        assert_eq!(eff.keys().collect::<Vec<_>>(), ["daemon", "storage"]);
        for (res, e) in &eff {
            assert_eq!(e.priority, prio, "{node}/{res}");
            assert_eq!(e.remotes, remotes, "{node}/{res}");
            assert_eq!(
                (
                    e.timeout,
                    e.attempts,
                    e.heartbeat_interval,
                    e.complaint_count,
                    e.complaint_interval
                ),
                (5, 5, 10, 3, 60)
            );
            assert_eq!(e.role_on_start, "init");
            assert_eq!(e.exec, format!("/etc/{res}.sh"));
        }
    }
    // A host that is not a node is refused, as hastmon refuses it.
    assert!(hastmon::as_node(&conf, "other")
        .unwrap_err()
        .contains("No resource daemon configuration for this node"));
}

#[test]
fn every_hastmon_conf_is_accepted_on_every_node_and_hook_scripts_work() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    let conf = hastmon::parse(&read(out.path().join("hastmon/queue-ha/hastmon.conf"))).unwrap();
    for node in ["mq1", "mq2", "mqwatch"] {
        let eff = hastmon::as_node(&conf, node).unwrap_or_else(|e| panic!("{node}: {e}"));
        let e = &eff["rabbitmq"];
        assert_eq!(
            e.attempts, 3,
            "attempts must be per resource: hastmon ignores it globally"
        );
        assert_eq!(e.heartbeat_interval, 5);
        assert_eq!(e.exec, "/usr/local/libexec/hastmon/queue-ha-rabbitmq.sh");
    }
    assert_eq!(conf.global.values["secret"], "queue-secret");
    let mode = std::fs::metadata(out.path().join("hastmon/queue-ha/hastmon.conf")).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600,
        "a file with a key secret is private"
    );
    // The rendered hook speaks hastmon's protocol: status 0 run, 1 stopped.
    let script = out.path().join("hastmon/queue-ha/queue-ha-rabbitmq.sh");
    let st = Std::new("sh")
        .arg(&script)
        .args(["role", "rabbitmq", "init", "primary"])
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    let st = Std::new("sh")
        .arg(&script)
        .args(["bogus"])
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(64));
}

fn find<'a>(nodes: &'a serde_json::Value, key: &str) -> Vec<&'a serde_json::Value> {
    nodes
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["key"] == key)
        .collect()
}

#[test]
fn collectd_reads_every_rendered_collectd_conf_as_meant() {
    let out = tempfile::tempdir().unwrap();
    // --check: the second part of §3.7, stock collectd -T with the fork-only blocks removed.
    let r = render(out.path(), &["--check"]);
    assert_eq!(r.status.code(), Some(0), "{}", support::output_text(&r));
    assert!(support::output_text(&r).contains("0 refused by --check"));
    let web1 = support::collectd_tree(&read(out.path().join("collectd/web1/collectd.conf")));
    assert_eq!(
        find(&web1, "Hostname")[0]["values"],
        serde_json::json!(["web1.example.com"])
    );
    assert_eq!(
        find(&web1, "Interval")[0]["values"],
        serde_json::json!([10.0])
    );
    let df = find(&web1, "Plugin")
        .into_iter()
        .find(|p| p["values"] == serde_json::json!(["df"]))
        .unwrap();
    let mounts: Vec<_> = df["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "MountPoint")
        .map(|c| c["values"].clone())
        .collect();
    assert_eq!(
        mounts,
        [serde_json::json!(["/"]), serde_json::json!(["/var"])],
        "a list repeats the option"
    );
    let lua = find(&web1, "Plugin")
        .into_iter()
        .find(|p| p["values"] == serde_json::json!(["lua"]))
        .unwrap();
    let modules: Vec<_> = lua["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["key"] == "Module")
        .collect();
    assert_eq!(modules.len(), 2);
    assert_eq!(
        modules[0]["children"][0]["values"],
        serde_json::json!(["/etc/collectd/monitor/config.json"])
    );
    assert_eq!(modules[1]["children"][1]["key"], "LocalMonitorConfigDir");
    let network = find(&web1, "Plugin")
        .into_iter()
        .find(|p| p["values"] == serde_json::json!(["network"]))
        .unwrap();
    assert_eq!(
        network["children"][0]["values"],
        serde_json::json!(["metrics.example.com", "25826"]),
        "host and port are strings"
    );
    let db1 = support::collectd_tree(&read(out.path().join("collectd/db1/collectd.conf")));
    assert_eq!(
        find(&db1, "Hostname")[0]["values"],
        serde_json::json!(["db1"])
    );
}

#[test]
fn config_json_has_exactly_the_plugins_keys_and_types() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    let path = out.path().join("collectd/db1/config.json");
    let v: serde_json::Value = serde_json::from_str(&read(path.clone())).unwrap();
    let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(
        keys,
        [
            "CleanSession",
            "CommandResultTopic",
            "CommandTopic",
            "Host",
            "MonitorConfigPath",
            "Password",
            "QoS",
            "ReconnectInterval",
            "Secure",
            "Services",
            "User"
        ]
    );
    assert!(v["CleanSession"].is_boolean() && v["Secure"].is_boolean());
    assert!(v["QoS"].is_i64() && v["ReconnectInterval"].is_i64());
    assert_eq!(v["Password"], "mqtt-password");
    assert_eq!(
        v["Services"]["postgresql"]["commands"]["restart"],
        "/bin/systemctl restart postgresql 2>&1"
    );
    assert_eq!(
        v["Services"]["collectd"]["ConfigPath"],
        "/etc/collectd/collectd.conf"
    );
    assert!(v["Services"]["collectd"]["commands"]["start"].is_string());
    let web1: serde_json::Value =
        serde_json::from_str(&read(out.path().join("collectd/web1/config.json"))).unwrap();
    assert_eq!(
        web1["ReconnectInterval"], 5,
        "always set: without it the plugin never reconnects"
    );
    assert_eq!(web1["CommandTopic"], "collectd/web1/command");
    assert_eq!(web1["LocalMonitorConfigDir"], "/etc/collectd/monitor/local");
    let mode = std::fs::metadata(&path).unwrap();
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&mode.permissions()) & 0o777,
        0o600
    );
}

#[test]
fn trigger_files_run_under_luajit_and_pick_the_right_command() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    let file = out.path().join("collectd/web1/local/web1.lua");
    let probe = format!(
        "local metric, notification = dofile({:?})\n\
         local r = metric['low-memory']({{plugin='memory', type_instance='free', values={{5e8}}}})\n\
         print(r.service .. ' ' .. r.command)\n\
         print(tostring(metric['low-memory']({{plugin='memory', type_instance='free', values={{5e9}}}})))\n\
         print(tostring(metric['low-memory']({{plugin='cpu', type_instance='free', values={{1}}}})))\n\
         local n = notification['any-failure']({{severity=1}})\n\
         print(n.service .. ' ' .. n.command)\n\
         print(tostring(notification['any-failure']({{severity=4}})))\n",
        file.display().to_string()
    );
    let o = Std::new(support::require("luajit"))
        .arg("-e")
        .arg(probe)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        "nginx reload\nnil\nnil\nhello exec\nnil\n"
    );
}

#[test]
fn rerendering_changes_nothing_and_dry_run_writes_nothing() {
    let out = tempfile::tempdir().unwrap();
    // Files would change: exit 4, as `mon diff` says drift.
    let dry = render(out.path(), &["--dry-run"]);
    assert_eq!(dry.status.code(), Some(4));
    assert!(
        support::output_text(&dry).contains("0 written, 0 unchanged, 13 would be written"),
        "{}",
        support::output_text(&dry)
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "--dry-run wrote something"
    );
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    let again = render(out.path(), &[]);
    assert!(
        support::output_text(&again).contains("0 written, 13 unchanged"),
        "{}",
        support::output_text(&again)
    );
    // No drift: 0, for --dry-run and --diff alike.
    assert_eq!(render(out.path(), &["--dry-run"]).status.code(), Some(0));
    assert_eq!(render(out.path(), &["--diff"]).status.code(), Some(0));
    // A hand edit shows in --diff and is put back.
    let conf = out.path().join("conveyer/logs1/conveyer.env");
    std::fs::write(
        &conf,
        read(conf.clone()).replace("CONVEYER_PORT=10100", "CONVEYER_PORT=1"),
    )
    .unwrap();
    // --diff shows it and writes it back: nothing is left pending, so 0.
    let diff = render(out.path(), &["--diff"]);
    assert_eq!(diff.status.code(), Some(0));
    let shown = support::output_text(&diff);
    assert!(
        shown.contains("-CONVEYER_PORT=1\n+CONVEYER_PORT=10100"),
        "{shown}"
    );
    assert!(shown.contains("1 written, 12 unchanged"), "{shown}");
    assert!(read(conf).contains("CONVEYER_PORT=10100"));
}

#[test]
fn conveyer_and_dozor_outputs_parse() {
    let out = tempfile::tempdir().unwrap();
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    let plugin: serde_json::Value = serde_json::from_str(&read(
        out.path().join("conveyer/logs1/conveyer-plugin.json"),
    ))
    .unwrap();
    assert_eq!(
        plugin.as_object().unwrap().keys().collect::<Vec<_>>(),
        ["conveyer_url", "metrics", "state_file_name"]
    );
    assert_eq!(plugin["conveyer_url"], "http://127.0.0.1:10100/rotate");
    let manifest: serde_json::Value =
        serde_json::from_str(&read(out.path().join("dozor/web1-agent/plugins.json"))).unwrap();
    assert_eq!(manifest["plugins"][0]["id"], "os/generic/load_average@0.1");
}

#[test]
fn an_undefined_template_variable_is_an_error() {
    let templates = tempfile::tempdir().unwrap();
    std::fs::write(
        templates.path().join("conveyer.env.j2"),
        "CONVEYER_HOST={{ hots }}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = render(
        out.path(),
        &["--templates", templates.path().to_str().unwrap()],
    );
    assert_eq!(r.status.code(), Some(3), "{}", support::output_text(&r));
    assert!(
        support::output_text(&r).contains("undefined"),
        "{}",
        support::output_text(&r)
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing is written when a template fails"
    );
}

#[test]
fn diff_never_prints_a_credential_unless_asked() {
    let out = tempfile::tempdir().unwrap();
    let with = |secret: &str, password: &str, extra: &[&str]| {
        Command::cargo_bin("mon")
            .unwrap()
            .args(["render", "all"])
            .arg(estate())
            .arg("--out")
            .arg(out.path())
            .args(extra)
            .env("HASTMON_QUEUE_SECRET", secret)
            .env("MQTT_PASSWORD", password)
            .output()
            .unwrap()
    };
    assert_eq!(
        with("old-queue-secret", "old-mqtt-pw", &[]).status.code(),
        Some(0)
    );
    let diff = with("new-queue-secret", "new-mqtt-pw", &["--diff", "--dry-run"]);
    let shown = support::output_text(&diff);
    assert_eq!(diff.status.code(), Some(4), "{shown}");
    for secret in [
        "old-queue-secret",
        "new-queue-secret",
        "old-mqtt-pw",
        "new-mqtt-pw",
    ] {
        assert!(!shown.contains(secret), "{secret} shown:\n{shown}");
    }
    assert!(
        shown.contains("hastmon/queue-ha/hastmon.conf\n(holds credentials, mode 600: 2 lines differ; --show-secrets shows them)"),
        "{shown}"
    );
    let open = with(
        "new-queue-secret",
        "new-mqtt-pw",
        &["--diff", "--dry-run", "--show-secrets"],
    );
    assert!(support::output_text(&open).contains("new-queue-secret"));
}

#[test]
fn targets_are_never_followed_through_symlinks_and_stale_temporaries_go() {
    let out = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let secret = elsewhere.path().join("secret.txt");
    std::fs::write(&secret, "TOPSECRET\n").unwrap();
    let env = out.path().join("conveyer/logs1/conveyer.env");
    std::fs::create_dir_all(env.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&secret, &env).unwrap();
    // A temporary file a killed run left two hours ago.
    let stale = env.parent().unwrap().join(".mon-killed");
    std::fs::write(&stale, "half").unwrap();
    assert!(Std::new("touch")
        .args(["-d", "2 hours ago"])
        .arg(&stale)
        .status()
        .unwrap()
        .success());

    let diff = render(out.path(), &["--diff"]);
    let shown = support::output_text(&diff);
    assert!(!shown.contains("TOPSECRET"), "{shown}");
    assert_eq!(
        read(secret.clone()),
        "TOPSECRET\n",
        "the link's target was written"
    );
    assert!(std::fs::symlink_metadata(&env)
        .unwrap()
        .file_type()
        .is_file());
    assert!(!stale.exists(), "the stale temporary file is still there");

    // schema --write replaces a link too, and leaves its target alone.
    let schemas = tempfile::tempdir().unwrap();
    let link = schemas.path().join("mon.schema.json");
    std::os::unix::fs::symlink(&secret, &link).unwrap();
    let w = Command::cargo_bin("mon")
        .unwrap()
        .args(["schema", "--write"])
        .arg(schemas.path())
        .output()
        .unwrap();
    assert_eq!(w.status.code(), Some(0), "{}", support::output_text(&w));
    assert_eq!(read(secret), "TOPSECRET\n");
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_file());
}

#[test]
fn a_failure_part_way_says_what_was_already_replaced() {
    let out = tempfile::tempdir().unwrap();
    // A directory where a file must go: its rename fails, late.
    std::fs::create_dir_all(out.path().join("dozor/web1-agent/plugins.json/x")).unwrap();
    let r = render(out.path(), &[]);
    let shown = support::output_text(&r);
    assert_eq!(r.status.code(), Some(3), "{shown}");
    assert!(shown.contains("dozor/web1-agent/plugins.json"), "{shown}");
    assert!(shown.contains("files were replaced before this"), "{shown}");
}

/// Renders one definitions file (YAML) to hastmon.conf for cluster `c`.
fn hastmon_conf(defs: &str, env: &[(&str, &str)]) -> Result<String, String> {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), defs).unwrap();
    let out = dir.path().join("out");
    let run = Command::cargo_bin("mon")
        .unwrap()
        .args(["render", "hastmon"])
        .arg(dir.path().join("defs.yaml"))
        .arg("--out")
        .arg(&out)
        .envs(env.iter().copied())
        .output()
        .unwrap();
    if !run.status.success() {
        return Err(String::from_utf8_lossy(&run.stderr).into_owned());
    }
    Ok(read(out.join("hastmon/c/hastmon.conf")))
}

const WATCHED: &str = "cluster:
  c:
    nodes:
      db1: {address: 10.77.0.11}
      db2: {address: 'tcp4://10.77.0.12:8458'}
      watch1: {address: 10.77.0.13}
      watch2: {}
    resources:
      svc: {exec: /opt/svc.sh, primary: db1, secondary: [db2], watchdog: [watch1, watch2]}
      other: {exec: /opt/other.sh, primary: db2, secondary: [db1], watchdog: [watch1, watch2], friends: [10.77.0.50]}
";

#[test]
fn every_watchdog_is_admitted_by_every_service_node_of_its_resources() {
    let conf = hastmon::parse(&hastmon_conf(WATCHED, &[]).unwrap()).unwrap();
    for res in ["svc", "other"] {
        for node in ["db1", "db2"] {
            for (watchdog, addr) in [("watch1", "10.77.0.13"), ("watch2", "watch2")] {
                assert!(
                    hastmon::accepts_complaint(&conf, node, res, addr),
                    "{node} refuses {watchdog}'s complaints for {res}: no failover"
                );
            }
        }
    }
    // The user's own friends stay.
    assert!(hastmon::accepts_complaint(
        &conf,
        "db1",
        "other",
        "10.77.0.50"
    ));
    // The checker can say no: a stranger is refused, as hastmon refuses it.
    assert!(!hastmon::accepts_complaint(
        &conf,
        "db1",
        "svc",
        "10.77.0.99"
    ));
    // Without friends (mon before this rule), the watchdog was refused: the
    // checker agrees with what the real daemons logged (reference §6).
    let without: String = read_lines_without(&hastmon_conf(WATCHED, &[]).unwrap(), "friends");
    let bare = hastmon::parse(&without).unwrap();
    assert!(!hastmon::accepts_complaint(
        &bare,
        "db2",
        "svc",
        "10.77.0.13"
    ));
}

fn read_lines_without(text: &str, keyword: &str) -> String {
    text.lines()
        .filter(|l| l.split_whitespace().next() != Some(keyword))
        .map(|l| format!("{l}\n"))
        .collect()
}

#[test]
fn role_on_start_follows_each_nodes_role_and_never_starts_a_watchdog_as_primary() {
    let with = WATCHED.replace(
        "    resources:\n",
        "    role_on_start: role\n    resources:\n",
    );
    let conf = hastmon::parse(&hastmon_conf(&with, &[]).unwrap()).unwrap();
    for (node, svc, other) in [
        ("db1", "primary", "secondary"),
        ("db2", "secondary", "primary"),
        ("watch1", "watchdog", "watchdog"),
        ("watch2", "watchdog", "watchdog"),
    ] {
        let eff = hastmon::as_node(&conf, node).unwrap_or_else(|e| panic!("{node}: {e}"));
        assert_eq!(eff["svc"].role_on_start, svc, "{node}/svc");
        assert_eq!(eff["other"].role_on_start, other, "{node}/other");
    }
    // Without it every node waits for `hastmonctl role`.
    let conf = hastmon::parse(&hastmon_conf(WATCHED, &[]).unwrap()).unwrap();
    for node in ["db1", "db2", "watch1"] {
        let eff = hastmon::as_node(&conf, node).unwrap();
        assert!(eff.values().all(|e| e.role_on_start == "init"), "{node}");
    }
    // One role for every node is refused, with the way out.
    let err = hastmon_conf(
        &WATCHED.replace(
            "    resources:\n",
            "    role_on_start: primary\n    resources:\n",
        ),
        &[],
    )
    .unwrap_err();
    assert!(err.contains("write `role`"), "{err}");
}

#[test]
fn a_resolved_secret_hastmon_cannot_read_is_refused_at_its_definition() {
    let defs = "cluster:
  c:
    nodes: {a1: {}, b1: {}}
    key: {algorithm: SHA256, secret: {env: HAST_SECRET}}
    resources:
      r: {exec: /opt/r.sh, primary: a1, secondary: [b1]}
";
    // 1024 bytes: hastmon says \"Secret is too long.\" on every node (reference §9).
    let long = "k".repeat(1024);
    let err = hastmon_conf(defs, &[("HAST_SECRET", &long)]).unwrap_err();
    assert!(
        err.contains("defs.yaml:4:38"),
        "names the definition: {err}"
    );
    assert!(err.contains("at most 1023"), "{err}");
    assert!(!err.contains(&long), "never prints the secret: {err}");
    // A keyword or an all-digit value would be read as something else.
    for bad in ["primary", "123456", "with space", "cut#here"] {
        let err = hastmon_conf(defs, &[("HAST_SECRET", bad)]).unwrap_err();
        assert!(err.contains("$HAST_SECRET"), "{err}");
        assert!(!err.contains(bad), "never prints the secret: {err}");
    }
    let ok = hastmon_conf(defs, &[("HAST_SECRET", &"k".repeat(1023))]).unwrap();
    let conf = hastmon::parse(&ok).unwrap();
    assert_eq!(conf.global.values["secret"].len(), 1023);
}

/// `--check` is all or nothing per host: a host whose collectd.conf collectd
/// refuses gets none of its files (config.json, triggers) either, and the
/// others are written.
#[test]
fn render_check_holds_back_every_file_of_a_refused_host() {
    let defs = tempfile::tempdir().unwrap();
    std::fs::write(
        defs.path().join("hosts.yaml"),
        "mqtt:\n  m: {host: broker}\ncollectd:\n  good: {broker: m, plugins: {cpu: {}}}\n  bad:\n    broker: m\n    plugins: {nosuchplugin: {}}\n    services: {web: {commands: {reload: /bin/true}}}\n    triggers:\n      hot: {metric: {plugin: cpu, above: 90}, run: {service: web, command: reload}}\n",
    )
    .unwrap();
    let out = tempfile::tempdir().unwrap();
    let r = render_collectd(defs.path(), out.path(), &["--check"]);
    let said = support::output_text(&r);
    assert_eq!(r.status.code(), Some(1), "{said}");
    assert!(
        said.contains("Could not find plugin \"nosuchplugin\""),
        "{said}"
    );
    assert!(said.contains("collectd/bad/collectd.conf"), "{said}");
    assert!(
        said.contains("1 refused by --check, 2 held back with them"),
        "{said}"
    );
    assert!(
        !out.path().join("collectd/bad").exists(),
        "nothing of `bad` is written"
    );
    for f in ["collectd.conf", "config.json"] {
        assert!(out.path().join("collectd/good").join(f).exists(), "{f}");
    }
}

/// `--templates` never falls back silently: a missing directory, a file that
/// replaces no template (a misspelling) and an undefined variable are errors
/// that name what is wrong; nothing is written.
#[test]
fn templates_errors_name_the_directory_the_file_and_the_variable() {
    let out = tempfile::tempdir().unwrap();
    let tpl = tempfile::tempdir().unwrap();
    let run = |dir: &Path| {
        let r = render(out.path(), &["--templates", dir.to_str().unwrap()]);
        (r.status.code(), support::output_text(&r))
    };
    let (code, said) = run(&tpl.path().join("missing"));
    assert_eq!(code, Some(3), "{said}");
    assert!(
        said.contains("missing: no such file or directory"),
        "{said}"
    );
    std::fs::write(tpl.path().join("colectd.conf.j2"), "x").unwrap();
    let (code, said) = run(tpl.path());
    assert_eq!(code, Some(3), "{said}");
    assert!(
        said.contains("`colectd.conf.j2` replaces no template; did you mean `collectd.conf.j2`?"),
        "{said}"
    );
    std::fs::remove_file(tpl.path().join("colectd.conf.j2")).unwrap();
    std::fs::write(
        tpl.path().join("collectd.conf.j2"),
        "Hostname {{ hostnme }}\n",
    )
    .unwrap();
    let (code, said) = run(tpl.path());
    assert_eq!(code, Some(3), "{said}");
    assert!(
        said.contains("`hostnme` is not a variable mon gives this template"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing written"
    );
    // A correct override is used.
    std::fs::write(
        tpl.path().join("collectd.conf.j2"),
        "Hostname {{ hostname | cq }}\n",
    )
    .unwrap();
    let (code, said) = run(tpl.path());
    assert_eq!(code, Some(0), "{said}");
    assert_eq!(
        read(out.path().join("collectd/web1/collectd.conf")),
        "Hostname \"web1.example.com\"\n"
    );
}

/// Files of hosts no longer defined are reported; --prune removes a
/// directory only when it holds nothing but files mon writes there.
#[test]
fn orphaned_directories_are_reported_and_pruned_only_when_all_ours() {
    let defs = tempfile::tempdir().unwrap();
    let hosts = |names: &[&str]| {
        let mut t = String::from("mqtt:\n  m: {host: broker}\ncollectd:\n");
        for n in names {
            t.push_str(&format!("  {n}:\n    broker: m\n    services: {{web: {{commands: {{reload: /bin/true}}}}}}\n    triggers:\n      hot: {{metric: {{plugin: cpu, above: 90}}, run: {{service: web, command: reload}}}}\n"));
        }
        std::fs::write(defs.path().join("hosts.yaml"), t).unwrap();
    };
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        let r = render_collectd(defs.path(), out.path(), extra);
        (r.status.code(), support::output_text(&r))
    };
    hosts(&["web1", "db1", "old"]);
    assert_eq!(run(&[]).0, Some(0));
    assert!(out.path().join("collectd/old/local/old.lua").exists());
    // `db1` gets a file of the operator's; then both are dropped.
    std::fs::write(out.path().join("collectd/db1/notes.txt"), "mine").unwrap();
    hosts(&["web1"]);
    let (code, said) = run(&["--dry-run"]);
    assert_eq!(code, Some(4), "drift: {said}");
    let (code, said) = run(&[]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("orphaned"), "{said}");
    assert!(said.contains("collectd/old"), "{said}");
    assert!(said.contains("--prune removes it"), "{said}");
    assert!(said.contains("it holds files mon does not write"), "{said}");
    assert!(
        out.path().join("collectd/old").exists(),
        "reported, not removed"
    );
    let (code, said) = run(&["--prune"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("1 orphaned, 1 removed"), "{said}");
    assert!(!out.path().join("collectd/old").exists(), "removed");
    assert!(
        out.path().join("collectd/db1/notes.txt").exists(),
        "the operator's file stays"
    );
    assert!(out.path().join("collectd/web1/collectd.conf").exists());
    // --node renders one host and calls no other orphaned.
    let (code, said) = run(&["--node", "web1"]);
    assert_eq!(code, Some(0), "{said}");
    assert!(said.contains("0 orphaned"), "{said}");
}

/// collectd's lexer reads every byte of a quoted string but NUL as written,
/// line breaks included: such values are accepted, rendered, and read back
/// exactly by collectd's own parser; a NUL is refused.
#[test]
fn collectd_reads_back_control_characters_exactly_and_a_nul_is_refused() {
    let defs = tempfile::tempdir().unwrap();
    let hosts = "mqtt:\n  m: {host: broker}\ncollectd:\n  web:\n    broker: m\n    hostname: \"web\\r\\n1\\u001b\"\n    plugins: {df: {MountPoint: \"/a\\tb\\\\\\n\\\"c\"}}\n    network:\n      servers:\n        - {host: metrics.example.com, username: u, password: {env: NET_PASSWORD}, security_level: Sign}\n";
    std::fs::write(defs.path().join("hosts.yaml"), hosts).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = |extra: &[&str]| {
        Command::cargo_bin("mon")
            .unwrap()
            .args(["render", "collectd"])
            .arg(defs.path())
            .arg("--out")
            .arg(out.path())
            .args(extra)
            .env("NET_PASSWORD", "pa\rss\nword")
            .output()
            .unwrap()
    };
    let r = run(&["--check"]);
    assert_eq!(r.status.code(), Some(0), "{}", support::output_text(&r));
    let tree = support::collectd_tree(&read(out.path().join("collectd/web/collectd.conf")));
    assert_eq!(
        find(&tree, "Hostname")[0]["values"],
        serde_json::json!(["web\r\n1\u{1b}"])
    );
    let plugin = |name: &str| {
        find(&tree, "Plugin")
            .into_iter()
            .find(|p| p["values"] == serde_json::json!([name]))
            .unwrap()
            .clone()
    };
    assert_eq!(
        plugin("df")["children"][0]["values"],
        serde_json::json!(["/a\tb\\\n\"c"])
    );
    let server = &plugin("network")["children"][0];
    let password = server["children"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["key"] == "Password")
        .unwrap();
    assert_eq!(password["values"], serde_json::json!(["pa\rss\nword"]));
    // Shown on a terminal, the ESC is escaped, never sent.
    std::fs::remove_dir_all(out.path().join("collectd")).unwrap();
    let shown = run(&["--diff", "--dry-run", "--show-secrets"]);
    assert!(
        !shown.stdout.contains(&0x1b),
        "{}",
        support::output_text(&shown)
    );
    assert!(
        support::output_text(&shown).contains("web\\r"),
        "{}",
        support::output_text(&shown)
    );
    // A NUL ends collectd's C string: refused where it is written.
    std::fs::write(
        defs.path().join("hosts.yaml"),
        hosts.replace("\\r\\n1", "\\0"),
    )
    .unwrap();
    let r = render_collectd(defs.path(), out.path(), &[]);
    assert_eq!(r.status.code(), Some(1), "{}", support::output_text(&r));
    assert!(support::output_text(&r).contains("contains a NUL"));
}

/// A render takes a lock on its output directory: a rerun after a killed
/// one (however recent) removes every temporary it left, and a render while
/// another holds the lock writes nothing and says why.
#[test]
fn a_rerun_removes_every_temporary_of_a_killed_render_and_a_concurrent_one_waits() {
    use std::os::fd::AsRawFd;
    let out = tempfile::tempdir().unwrap();
    assert_eq!(render(out.path(), &[]).status.code(), Some(0));
    // What `kill -9` mid-write leaves: fresh temporaries beside the targets.
    let left: Vec<PathBuf> = ["collectd/web1", "hastmon/node-a", "dozor/web1-agent"]
        .iter()
        .filter(|d| out.path().join(d).is_dir())
        .map(|d| out.path().join(d).join(".mon-a1b2c3"))
        .collect();
    assert!(!left.is_empty());
    for f in &left {
        std::fs::write(f, "half").unwrap();
    }
    // Another render holds the lock: this one refuses and touches nothing.
    let lock = std::fs::File::open(out.path().join(".mon-render.lock")).unwrap();
    // SAFETY: flock on a descriptor the test holds open.
    assert_eq!(unsafe { libc::flock(lock.as_raw_fd(), libc::LOCK_EX) }, 0);
    let r = render(out.path(), &[]);
    let said = support::output_text(&r);
    assert_eq!(r.status.code(), Some(3), "{said}");
    assert!(
        said.contains("another `mon render` is writing into"),
        "{said}"
    );
    assert!(left.iter().all(|f| f.exists()));
    drop(lock);
    let r = render(out.path(), &[]);
    assert_eq!(r.status.code(), Some(0), "{}", support::output_text(&r));
    for f in &left {
        assert!(!f.exists(), "{} is still there", f.display());
    }
}
