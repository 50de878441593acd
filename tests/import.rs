//! `mon import etcd` against a real etcd: what `mon sync` wrote, what
//! 9volt's API writes (integer-nanosecond durations, no ownership mark) and
//! what plain etcdctl puts come back as definitions that validate and that
//! `mon diff` finds in sync. Secrets never reach a definition file or the
//! output.

mod support;

use std::path::Path;

use assert_cmd::Command;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use support::Etcd;

/// Strings every YAML reader could take for something else, or that need
/// quoting, mixed with ordinary ones.
const WORDS: &[&str] = &[
    "web",
    "yes",
    "No",
    "on",
    "null",
    "~",
    "80",
    "8e1",
    "0x1F",
    "1:30",
    ".inf",
    "2024-01-02",
    "a: b",
    "x #y",
    "#c",
    "-d",
    "[e]",
    "{f}",
    "*g",
    "&h",
    "!i",
    "'j'",
    "\"k\"",
    "%l",
    "@m",
    "line\nbreak",
    "tab\there",
    "ünï ☃",
    " lead",
    "trail ",
    "back\\slash",
    "",
];

fn word(rng: &mut impl Rng) -> String {
    WORDS[rng.random_range(0..WORDS.len())].to_string()
}

/// A valid estate: monitors of every type with every kind of value, and
/// alerters holding credentials.
fn generated_estate(seed: u64, n: usize) -> String {
    let mut rng = rand::rngs::StdRng::seed_from_u64(seed);
    let mut monitors = serde_json::Map::new();
    for i in 0..n {
        let ty = ["http", "tcp", "exec", "dns"][i % 4];
        let interval = ["30s", "1m30s", "2h", "90000ms", "1.5m"][rng.random_range(0..5)];
        let mut m = json!({
            "type": ty,
            "interval": interval,
            "description": word(&mut rng),
            "tags": (0..rng.random_range(0..3)).map(|_| word(&mut rng)).collect::<Vec<_>>(),
            "critical-threshold": rng.random_range(1..5),
            "critical-alerter": ["pager"],
        });
        let o = m.as_object_mut().unwrap();
        match ty {
            "http" => {
                o.insert("host".into(), json!(format!("web{i}.example.com")));
                // A control character in a url is E0414: 9volt could never send the check.
                let path = std::iter::repeat_with(|| word(&mut rng))
                    .find(|w| !w.chars().any(|c| c.is_ascii_control()))
                    .unwrap();
                o.insert("url".into(), json!(format!("/health/{path}")));
                o.insert("status-code".into(), json!(200));
                o.insert("timeout".into(), json!("5s"));
            }
            "tcp" => {
                o.insert("host".into(), json!("db"));
                o.insert("port".into(), json!(rng.random_range(1..65535)));
                o.insert("send".into(), json!(word(&mut rng)));
            }
            "exec" => {
                o.insert("command".into(), json!("/usr/lib/nagios/check"));
                o.insert("args".into(), json!([word(&mut rng), "-w", "80"]));
            }
            _ => {
                o.insert("host".into(), json!("ns1"));
                o.insert("dns-target".into(), json!("example.com"));
                o.insert("dns-record-type".into(), json!("A"));
                o.insert("dns-max-time".into(), json!("2s"));
            }
        }
        if rng.random_bool(0.3) {
            o.insert("disable".into(), json!(true));
        }
        monitors.insert(format!("check-{i}"), m);
    }
    let estate = json!({
        "monitor": monitors,
        "alerter": {
            "pager": {"type": "pagerduty", "options": {"token": {"env": "TEST_PD_TOKEN"}}},
            "mail": {"type": "email", "description": "ops mail", "options": {
                "to": "ops@example.com", "address": "smtp:25", "username": "mon",
                "password": {"env": "TEST_SMTP_PASSWORD"}}},
        }
    });
    // JSON is YAML: the import writes its own style, whatever the source's.
    serde_json::to_string_pretty(&estate).unwrap()
}

fn mon(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("mon")
        .unwrap()
        .current_dir(support::repo(dir))
        .env_remove("ETCDCTL_ENDPOINTS")
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .env("TEST_PD_TOKEN", "pd-token-SECRET-1")
        .env("TEST_SMTP_PASSWORD", "smtp-pass-SECRET-2")
        .args(args)
        .output()
        .unwrap()
}

/// `mon diff` on the imported definitions, with the imported secrets.
fn diff(etcd: &Etcd, api: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
    let mut cmd = Command::cargo_bin("mon").unwrap();
    cmd.current_dir(support::repo(dir))
        .env_remove("ETCDCTL_ENDPOINTS")
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .args(["diff", "--endpoints", &etcd.endpoint(), "--etcd-api", api])
        .args(extra);
    if dir.join("secrets.env").exists() {
        for (k, v) in support::secrets_env(dir, "ALERTER_") {
            cmd.env(k, v);
        }
    }
    cmd.output().unwrap()
}

fn import(etcd: &Etcd, api: &str, out: &Path, extra: &[&str]) -> std::process::Output {
    let o = mon(
        out.parent().unwrap(),
        &[
            &[
                "import",
                "etcd",
                "--endpoints",
                &etcd.endpoint(),
                "--etcd-api",
                api,
                "--out",
            ],
            &[out.to_str().unwrap()][..],
            extra,
        ]
        .concat(),
    );
    // Whatever happened, no credential is shown.
    let text = support::output_text(&o);
    assert!(!text.contains("SECRET"), "{text}");
    o
}

fn no_secret_in_definitions(dir: &Path) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "yaml") {
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(!text.contains("SECRET"), "{}:\n{text}", p.display());
        }
    }
}

both_apis!(
    what_mon_sync_wrote_imports_back_into_definitions_in_sync,
    |api: &str| {
        let etcd = Etcd::start();
        for seed in 0..3 {
            let work = tempfile::tempdir().unwrap();
            let src = work.path().join("estate");
            std::fs::create_dir(&src).unwrap();
            std::fs::write(src.join("defs.yaml"), generated_estate(seed, 40)).unwrap();
            let prefix = format!("ops/seed{seed}");
            let sync = mon(
                &src,
                &[
                    "sync",
                    "--endpoints",
                    &etcd.endpoint(),
                    "--etcd-api",
                    api,
                    "--prefix",
                    &prefix,
                    "--yes",
                ],
            );
            assert_eq!(
                sync.status.code(),
                Some(0),
                "{}",
                support::output_text(&sync)
            );

            let out = work.path().join("imported");
            let imported = import(&etcd, api, &out, &["--prefix", &prefix]);
            assert_eq!(
                imported.status.code(),
                Some(0),
                "{}",
                support::output_text(&imported)
            );
            no_secret_in_definitions(&out);
            let mode = std::fs::metadata(out.join("secrets.env"))
                .unwrap()
                .permissions();
            assert_eq!(
                std::os::unix::fs::PermissionsExt::mode(&mode) & 0o777,
                0o600
            );
            let mut vars: Vec<_> = support::secrets_env(&out, "ALERTER_")
                .into_iter()
                .map(|(_, v)| v)
                .collect();
            vars.sort();
            assert_eq!(vars, ["pd-token-SECRET-1", "smtp-pass-SECRET-2"]);
            // The owner and the prefix came along in mon.toml.
            let toml = std::fs::read_to_string(out.join("mon.toml")).unwrap();
            assert!(
                toml.contains("owner = \"git.test/estate\"")
                    && toml.contains(&format!("prefix = \"{prefix}\"")),
                "{toml}"
            );

            let d = diff(&etcd, api, &out, &["--prefix", &prefix]);
            let text = support::output_text(&d);
            assert_eq!(d.status.code(), Some(0), "seed {seed}: {text}");
            assert!(
                text.contains("No changes: etcd matches the definitions (42 unchanged)."),
                "{text}"
            );
            assert!(!text.contains("SECRET"), "{text}");
            let validate = mon(&out, &["validate", "--deny-warnings", "."]);
            assert_eq!(
                validate.status.code(),
                Some(0),
                "{}",
                support::output_text(&validate)
            );
        }
    }
);

// What 9volt's HTTP API stores (durations as integer nanoseconds, an empty
// description, no ownership mark) and what plain etcdctl puts.
both_apis!(
    keys_written_by_9volt_and_etcdctl_import_with_only_the_ownership_mark_to_add,
    |api: &str| {
        let etcd = Etcd::start();
        let values = [
            (
                "monitor/api-http",
                r#"{"type":"http","description":"","host":"web1","interval":60000000000,"timeout":5000000000,"url":"/health","status-code":200,"critical-alerter":["pager"]}"#,
            ),
            (
                "monitor/api-tcp",
                r#"{"type":"tcp","host":"db","interval":90500000000,"read-timeout":2000000000,"port":5432,"send":"PING\n"}"#,
            ),
            (
                "monitor/ctl-dns",
                r#"{"type":"dns","host":"ns1","interval":"30s","dns-target":"example.com","dns-record-type":"A","expect":"93\\.184\\."}"#,
            ),
            (
                "alerter/pager",
                r#"{"type":"pagerduty","description":"","options":{"token":"pd-SECRET-tok'en"}}"#,
            ),
            (
                "alerter/mail",
                r#"{"type":"email","description":"","options":{"to":"ops@example.com","address":"smtp:25","username":"mon","password":"SECRET \"pw\" $(x)"}}"#,
            ),
        ];
        for (k, v) in values {
            let key = format!("/9volt/{k}");
            match api {
                "2" => etcd.ctl("2", &["set", &key, v]),
                _ => etcd.ctl("3", &["put", &key, v]),
            };
        }
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("adopted");
        let imported = import(&etcd, api, &out, &[]);
        assert_eq!(
            imported.status.code(),
            Some(0),
            "{}",
            support::output_text(&imported)
        );
        no_secret_in_definitions(&out);
        let http = std::fs::read_to_string(out.join("monitors-http.yaml")).unwrap();
        assert!(
            http.contains("interval: 1m\n") && http.contains("timeout: 5s\n"),
            "{http}"
        );
        let tcp = std::fs::read_to_string(out.join("monitors-tcp.yaml")).unwrap();
        assert!(
            tcp.contains("interval: 1m30s500ms\n") && tcp.contains("send: \"PING\\n\"\n"),
            "{tcp}"
        );
        assert!(std::fs::read_to_string(out.join("alerters.yaml"))
            .unwrap()
            .contains("password: {env: ALERTER_MAIL_PASSWORD}"));

        // The only difference mon diff reports is the ownership mark it adds:
        // nothing 9volt reads changes, so every key is "to adopt", one line
        // each, never a JSON diff (30000000000 against "30s" is no change).
        let text = diff(&etcd, api, &out, &[]);
        let shown = String::from_utf8_lossy(&text.stdout);
        assert!(shown.contains("5 to adopt"), "{shown}");
        assert!(shown.contains("will be adopted"), "{shown}");
        assert!(
            !shown.contains("60000000000") && !shown.contains("- "),
            "{shown}"
        );
        let d = diff(&etcd, api, &out, &["--format", "json"]);
        assert_eq!(d.status.code(), Some(4), "{}", support::output_text(&d));
        let plan: Value = serde_json::from_slice(&d.stdout).unwrap();
        let changes = plan["changes"].as_array().unwrap();
        assert_eq!(changes.len(), 5);
        for c in changes {
            assert_eq!(c["action"], "adopt", "{c}");
            let mut after = c["after"].clone();
            assert!(after.as_object_mut().unwrap().remove("mon-owner").is_some());
            let section = match c["section"].as_str().unwrap() {
                "monitor" => mon::section::Section::Monitor,
                _ => mon::section::Section::Alerter,
            };
            assert!(
                mon::ops::plan::equivalent(&c["before"], &after, section),
                "{c}"
            );
        }
        // Once adopted, etcd and the definitions agree.
        let sync = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(support::repo(&out))
            .envs(support::secrets_env(&out, "ALERTER_"))
            .args([
                "sync",
                "--endpoints",
                &etcd.endpoint(),
                "--etcd-api",
                api,
                "--yes",
            ])
            .output()
            .unwrap();
        assert_eq!(
            sync.status.code(),
            Some(0),
            "{}",
            support::output_text(&sync)
        );
        let again = diff(&etcd, api, &out, &[]);
        assert_eq!(
            again.status.code(),
            Some(0),
            "{}",
            support::output_text(&again)
        );
    }
);

#[test]
fn unreadable_values_are_left_out_and_named_and_files_are_never_replaced() {
    let etcd = Etcd::start();
    etcd.ctl("2", &["set", "/9volt/monitor/broken", "{not json"]);
    etcd.ctl("2", &["set", "/9volt/monitor/list", "[1]"]);
    etcd.ctl(
        "2",
        &[
            "set",
            "/9volt/monitor/bad-port",
            r#"{"type":"tcp","host":"db","interval":"10s","port":80.0}"#,
        ],
    );
    etcd.ctl(
        "2",
        &[
            "set",
            "/9volt/alerter/pager",
            r#"{"type":"pagerduty","options":{"token":"tok-SECRET"}}"#,
        ],
    );
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("defs");

    let first = import(&etcd, "2", &out, &["--no-secrets"]);
    let text = support::output_text(&first);
    // A value mon refuses is imported as it is, and the error says where.
    assert_eq!(first.status.code(), Some(1), "{text}");
    assert!(
        text.contains("left out: /9volt/monitor/broken: the value is not JSON"),
        "{text}"
    );
    assert!(
        text.contains("left out: /9volt/monitor/list: the value is JSON but not an object"),
        "{text}"
    );
    assert!(text.contains("`port` is `80.0`"), "{text}");
    assert!(
        text.contains("ALERTER_PAGER_TOKEN  (from /9volt/alerter/pager/options/token)"),
        "{text}"
    );
    assert!(
        text.contains("imported 1 alerters and 1 monitors"),
        "{text}"
    );
    assert!(!out.join("secrets.env").exists());
    no_secret_in_definitions(&out);

    // A second import into the same directory replaces nothing.
    let before = std::fs::read_to_string(out.join("monitors-tcp.yaml")).unwrap();
    std::fs::write(out.join("monitors-tcp.yaml"), "# edited\n").unwrap();
    let second = import(&etcd, "2", &out, &[]);
    let text = support::output_text(&second);
    assert_eq!(second.status.code(), Some(3), "{text}");
    assert!(
        text.contains("monitors-tcp.yaml exists already") && text.contains("nothing was written"),
        "{text}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("monitors-tcp.yaml")).unwrap(),
        "# edited\n"
    );
    assert!(!out.join("secrets.env").exists());
    let forced = import(&etcd, "2", &out, &["--force"]);
    assert_eq!(
        forced.status.code(),
        Some(1),
        "{}",
        support::output_text(&forced)
    );
    assert_eq!(
        std::fs::read_to_string(out.join("monitors-tcp.yaml")).unwrap(),
        before
    );
}

#[test]
fn an_unreachable_etcd_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("defs");
    let port = support::free_port();
    let o = mon(
        work.path(),
        &[
            "import",
            "etcd",
            "--endpoints",
            &format!("http://127.0.0.1:{port}"),
            "--out",
            out.to_str().unwrap(),
            "--dial-timeout",
            "300ms",
        ],
    );
    assert_eq!(o.status.code(), Some(5), "{}", support::output_text(&o));
    assert!(!out.exists());
}

/// lua-collectd-monitor's shipped example config.json (reference §2.3).
const PLUGIN_EXAMPLE: &str = r#"{
  "Host": "localhost:1883",
  "User": "test-user",
  "Password": "test-user",
  "Secure": false,
  "CleanSession": false,
  "ReconnectInterval": 5,
  "QoS": 2,
  "CommandTopic": "test-topic",
  "CommandResultTopic": "test-result-topic",
  "Services": {
    "nginx": {"commands": {"restart": "/bin/systemctl restart nginx 2>&1"}},
    "hello": {"commands": {"exec": "/bin/echo \"Hello World!\""}}
  }
}"#;

fn render_collectd(defs: &Path, out: &Path, env: &[(String, String)]) {
    render_target("collectd", defs, out, env);
}

/// `mon render TARGET DEFS --out OUT`, which must succeed.
fn render_target(target: &str, defs: &Path, out: &Path, env: &[(String, String)]) {
    let o = Command::cargo_bin("mon")
        .unwrap()
        .envs(env.iter().cloned())
        .args(["render", target])
        .arg(defs)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", support::output_text(&o));
}

/// `mon import KIND FROM --out OUT` in `dir`, which must succeed; its output.
fn import_into(dir: &Path, kind: &str, from: &Path, out: &Path) -> String {
    let o = mon(
        dir,
        &[
            "import",
            kind,
            from.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    text
}

#[test]
fn the_plugins_example_config_json_imports_and_validates() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("config.json"), PLUGIN_EXAMPLE).unwrap();
    let out = work.path().join("defs");
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            "config.json",
            "--node",
            "web1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        !text.contains("test-user\n") && text.contains("imported 1 brokers and 1 collectd hosts"),
        "{text}"
    );
    let yaml = std::fs::read_to_string(out.join("collectd-web1.yaml")).unwrap();
    assert!(
        yaml.contains("password: {env: MQTT_LOCALHOST_1883_PASSWORD}")
            && !yaml.contains("password: test-user"),
        "{yaml}"
    );
    let validate = mon(&out, &["validate", "--deny-warnings", "."]);
    assert_eq!(
        validate.status.code(),
        Some(0),
        "{}",
        support::output_text(&validate)
    );
    // Rendered back, the plugin reads the same settings: every key of the
    // example, and the MonitorConfigPath remote.lua needs.
    let rendered = work.path().join("rendered");
    render_collectd(&out, &rendered, &support::secrets_env(&out, "MQTT_"));
    let back: Value = serde_json::from_str(
        &std::fs::read_to_string(rendered.join("collectd/web1/config.json")).unwrap(),
    )
    .unwrap();
    let example: Value = serde_json::from_str(PLUGIN_EXAMPLE).unwrap();
    for (k, v) in example.as_object().unwrap() {
        assert_eq!(&back[k], v, "{k}");
    }
    assert_eq!(
        back["MonitorConfigPath"],
        "/etc/collectd/monitor/config.json"
    );
}

/// config.json rendered by mon from generated hosts imports back into
/// definitions that render the same file: a fixed point.
#[test]
fn config_json_that_mon_rendered_imports_into_a_fixed_point() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(7);
    for case in 0..12 {
        let work = tempfile::tempdir().unwrap();
        let defs = work.path().join("defs");
        std::fs::create_dir(&defs).unwrap();
        let mut host = json!({"broker": "main"});
        let h = host.as_object_mut().unwrap();
        let pick = |rng: &mut rand::rngs::StdRng| rng.random_bool(0.5);
        if pick(&mut rng) {
            h.insert(
                "command_topic".into(),
                json!(format!("ops/{}/in", word(&mut rng))),
            );
        }
        if pick(&mut rng) {
            h.insert("result_topic".into(), json!("ops/out 1"));
        }
        if pick(&mut rng) {
            h.insert("qos".into(), json!(rng.random_range(0..3)));
        }
        if pick(&mut rng) {
            h.insert("clean_session".into(), json!(pick(&mut rng)));
        }
        if pick(&mut rng) {
            h.insert("reconnect_interval".into(), json!(rng.random_range(1..60)));
        }
        if pick(&mut rng) {
            h.insert("log_level".into(), json!("debug"));
        }
        if pick(&mut rng) {
            h.insert("log_device".into(), json!("stdout"));
        }
        if pick(&mut rng) {
            h.insert(
                "paths".into(),
                json!({"monitor_config": "/opt/collectd/etc/monitor/config.json"}),
            );
        }
        let services: serde_json::Map<String, Value> = (0..rng.random_range(0..3))
            .map(|i| (format!("svc{i}"), json!({"commands": {"run": format!("echo '{}' 2>&1", word(&mut rng)), "yes": "true"}})))
            .collect();
        if !services.is_empty() {
            h.insert("services".into(), Value::Object(services));
        }
        if pick(&mut rng) {
            h.insert("replacer".into(), json!({"config_path": "/etc/collectd/collectd.conf", "log_level": "info", "start": "systemctl start collectd 2>&1"}));
        }
        let mut broker = json!({"host": "mqtt.example.com:1883"});
        if pick(&mut rng) {
            broker["user"] = json!("collectd");
            broker["password"] = json!({"env": "TEST_MQTT_PASSWORD"});
        }
        if pick(&mut rng) {
            broker["secure"] = json!(true);
        }
        let estate = json!({"mqtt": {"main": broker}, "collectd": {"web1": host}});
        std::fs::write(
            defs.join("defs.yaml"),
            serde_json::to_string_pretty(&estate).unwrap(),
        )
        .unwrap();
        let first = work.path().join("first");
        render_collectd(
            &defs,
            &first,
            &[("TEST_MQTT_PASSWORD".into(), "mqtt-SECRET-'x'".into())],
        );
        let rendered = first.join("collectd/web1/config.json");

        let imported = work.path().join("imported");
        let o = mon(
            work.path(),
            &[
                "import",
                "collectd",
                rendered.to_str().unwrap(),
                "--node",
                "web1",
                "--broker",
                "main",
                "--out",
                imported.to_str().unwrap(),
            ],
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "case {case}: {}",
            support::output_text(&o)
        );
        no_secret_in_definitions(&imported);
        let second = work.path().join("second");
        render_collectd(
            &imported,
            &second,
            &support::secrets_env(&imported, "MQTT_"),
        );
        assert_eq!(
            std::fs::read_to_string(second.join("collectd/web1/config.json")).unwrap(),
            std::fs::read_to_string(&rendered).unwrap(),
            "case {case}: {}",
            std::fs::read_to_string(imported.join("collectd-web1.yaml")).unwrap()
        );
    }
}

#[test]
fn config_json_keys_mon_cannot_express_are_named() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("config.json"),
        r#"{"Host": "b:1883", "CommandTopic": "t", "ReconnectInterval": true, "Extra": 1,
            "Secure": {"cafile": "/x"}, "Services": {"a": {"Commands": {"x": "y"}}}}"#,
    )
    .unwrap();
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            "config.json",
            "--node",
            "h",
            "--out",
            "d",
        ],
    );
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    for expected in [
        "note: config.json: ReconnectInterval: `true`",
        "left out: config.json: Extra: not a key lua-collectd-monitor reads",
        "note: config.json: Secure: luasec parameters",
        "left out: config.json: Services.a: has no `commands`",
        "note: config.json: CommandResultTopic: unset, so the plugin sends no replies",
    ] {
        assert!(text.contains(expected), "{expected}\n{text}");
    }
    std::fs::write(work.path().join("bad.json"), "{").unwrap();
    let bad = mon(
        work.path(),
        &[
            "import", "collectd", "bad.json", "--node", "h", "--out", "e",
        ],
    );
    assert_eq!(bad.status.code(), Some(3), "{}", support::output_text(&bad));
    assert!(!work.path().join("e").exists());
}

/// collectd.conf and the trigger file mon rendered from generated hosts
/// (plugins with every kind of option value, the network plugin, paths,
/// metric and notification triggers with hostile strings) import, with
/// config.json, into definitions that render all three files again.
#[test]
fn collectd_conf_and_triggers_that_mon_rendered_import_into_a_fixed_point() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(23);
    // Strings collectd.conf can hold (no line breaks) and Lua can carry.
    let text = |rng: &mut rand::rngs::StdRng| loop {
        let w = word(rng);
        if !w.contains('\n') && !w.is_empty() {
            return w;
        }
    };
    for case in 0..support::prop_cases(16) {
        let work = tempfile::tempdir().unwrap();
        let defs = work.path().join("defs");
        std::fs::create_dir(&defs).unwrap();
        let mut host = json!({"broker": "main", "services": {"web": {"commands": {"restart": "systemctl restart web"}}}});
        let pick = |rng: &mut rand::rngs::StdRng| rng.random_bool(0.5);
        if pick(&mut rng) {
            host["hostname"] = json!(format!("{}.example.com", text(&mut rng)));
        }
        if pick(&mut rng) {
            host["interval"] = json!(rng.random_range(1..600) as f64 / 4.0);
        }
        if pick(&mut rng) {
            host["paths"] = json!({"base_path": "/opt/lua", "local_dir": "/etc/mon/local"});
        }
        let mut plugins = serde_json::Map::new();
        for p in ["cpu", "df", "exec_x", "memory"]
            .iter()
            .take(rng.random_range(0..4))
        {
            let mut opts = serde_json::Map::new();
            for k in ["Alpha", "Beta_2", "Gamma"]
                .iter()
                .take(rng.random_range(0..3))
            {
                let v = match rng.random_range(0..4) {
                    0 => json!(text(&mut rng)),
                    1 => json!(pick(&mut rng)),
                    2 => json!(pick_number(&mut rng)),
                    _ => json!([text(&mut rng), text(&mut rng)]),
                };
                opts.insert(k.to_string(), v);
            }
            plugins.insert(p.to_string(), Value::Object(opts));
        }
        if !plugins.is_empty() {
            host["plugins"] = Value::Object(plugins);
        }
        if pick(&mut rng) {
            host["network"] = json!({
                "servers": [{"host": "collector.example.com", "port": 25827, "security_level": "Sign", "username": text(&mut rng), "password": {"env": "TEST_NET_PASSWORD"}}, {"host": "10.0.0.9"}],
                "listen": [{"host": "0.0.0.0", "security_level": "Encrypt", "auth_file": "/etc/collectd/auth"}],
                "time_to_live": rng.random_range(1..256),
                "max_packet_size": 1452,
                "forward": pick(&mut rng),
            });
        }
        let mut triggers = serde_json::Map::new();
        for i in 0..rng.random_range(0..3) {
            let mut metric = json!({"plugin": text(&mut rng), "above": pick_number(&mut rng)});
            if pick(&mut rng) {
                metric["type_instance"] = json!(text(&mut rng));
                metric["value_index"] = json!(rng.random_range(2..4));
                metric["below"] = json!(1e12);
            }
            triggers.insert(
                format!("m{i}"),
                json!({"metric": metric, "run": {"service": "web", "command": "restart"}}),
            );
            triggers.insert(format!("n {}", text(&mut rng)), json!({"notification": {"severity": "warning", "host": text(&mut rng)}, "run": {"service": "web", "command": "restart"}}));
        }
        if !triggers.is_empty() {
            host["triggers"] = Value::Object(triggers);
        }
        let estate = json!({"mqtt": {"main": {"host": "mqtt.example.com:1883"}}, "collectd": {"web1": host}});
        std::fs::write(
            defs.join("defs.yaml"),
            serde_json::to_string_pretty(&estate).unwrap(),
        )
        .unwrap();
        let env = [(
            "TEST_NET_PASSWORD".to_string(),
            "net-SECRET-\"x\\".to_string(),
        )];
        let first = work.path().join("first");
        render_collectd(&defs, &first, &env);
        let dir = first.join("collectd/web1");
        let mut args: Vec<String> = ["import", "collectd"].map(String::from).to_vec();
        args.push(dir.join("config.json").display().to_string());
        args.push(dir.join("collectd.conf").display().to_string());
        if dir.join("local/web1.lua").exists() {
            args.push("--triggers".into());
            args.push(dir.join("local/web1.lua").display().to_string());
        }
        args.extend(["--node", "web1", "--broker", "main", "--out", "imported"].map(String::from));
        let o = mon(
            work.path(),
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
        );
        let out = support::output_text(&o);
        assert_eq!(o.status.code(), Some(0), "case {case}: {out}");
        assert!(
            !out.contains("SECRET") && !out.contains("left out"),
            "case {case}: {out}"
        );
        let imported = work.path().join("imported");
        no_secret_in_definitions(&imported);
        let second = work.path().join("second");
        render_collectd(
            &imported,
            &second,
            &support::secrets_env(&imported, "COLLECTD_"),
        );
        for f in ["collectd.conf", "config.json", "local/web1.lua"] {
            assert_eq!(
                std::fs::read_to_string(second.join("collectd/web1").join(f)).ok(),
                std::fs::read_to_string(dir.join(f)).ok(),
                "case {case}: {f}\n{}",
                std::fs::read_to_string(imported.join("collectd-web1.yaml")).unwrap()
            );
        }
    }
}

fn pick_number(rng: &mut rand::rngs::StdRng) -> Value {
    match rng.random_range(0..3) {
        0 => json!(rng.random_range(0..100_000)),
        1 => json!(rng.random_range(0..1000) as f64 / 8.0 + 0.125),
        _ => json!(-2.5),
    }
}

/// A hand-written collectd.conf: what mon renders is imported, the rest is
/// named with its line; trigger files in another form are named too.
#[test]
fn collectd_conf_settings_mon_cannot_express_are_named_with_their_line() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("config.json"), PLUGIN_EXAMPLE).unwrap();
    std::fs::write(
        work.path().join("collectd.conf"),
        "BaseDir \"/var/lib/collectd\"   # a comment\n\
         Hostname \"db1\"\n\
         LoadPlugin cpu\n\
         LoadPlugin df\n\
         <Plugin df>\n\
         \x20 MountPoint \"/\"\n\
         \x20 ReportByDevice true\n\
         \x20 ValuesPercentage 1 2\n\
         </Plugin>\n\
         <LoadPlugin curl>\n\
         \x20 Interval 60\n\
         </LoadPlugin>\n\
         <Plugin curl>\n\
         \x20 <Page \"x\">\n\
         \x20   URL \"http://x/\"\n\
         \x20 </Page>\n\
         </Plugin>\n\
         <Plugin load>\n\
         \x20 ReportRelative true\n\
         </Plugin>\n\
         LoadPlugin network\n\
         <Plugin network>\n\
         \x20 <Server \"c.example.com\" \"25826\">\n\
         \x20   Password \"net-SECRET-9\"\n\
         \x20   Interface \"eth0\"\n\
         \x20 </Server>\n\
         </Plugin>\n",
    )
    .unwrap();
    std::fs::write(
        work.path().join("hand.lua"),
        "return function(v) return nil end\n",
    )
    .unwrap();
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            "config.json",
            "collectd.conf",
            "--triggers",
            "hand.lua",
            "--node",
            "db1",
            "--out",
            "d",
        ],
    );
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    for want in [
        "collectd.conf:1: `BaseDir` is not a setting mon renders",
        "collectd.conf:8: `ValuesPercentage` in `<Plugin df>` has 2 values",
        "collectd.conf:11: `Interval` in `<LoadPlugin curl>`",
        "collectd.conf:14: the block `<Page>` in `<Plugin curl>`",
        "collectd.conf:18: `<Plugin load>` has no `LoadPlugin load`",
        "collectd.conf:25: `Interface` in `<Server>`",
        "hand.lua: not a trigger file in the form mon renders",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    let yaml = std::fs::read_to_string(work.path().join("d/collectd-db1.yaml")).unwrap();
    assert!(
        !yaml.contains("hostname")
            && yaml.contains("ReportByDevice: true")
            && yaml.contains("password: {env: COLLECTD_NETWORK_PASSWORD}"),
        "{yaml}"
    );
    assert!(std::fs::read_to_string(work.path().join("d/secrets.env"))
        .unwrap()
        .contains("net-SECRET-9"));
}

/// What etcd holds is data: an alerter option planted as `{"env": ...}` or
/// `{"file": ...}` is left out, never imported as a live secret reference
/// (the next sync would resolve it from the operator's environment and
/// store it in etcd in clear); a numeric password goes to secrets.env like
/// any credential, and secrets.env is kept out of git.
#[test]
fn alerter_options_from_etcd_are_data_never_references() {
    let etcd = Etcd::start();
    etcd.ctl(
        "2",
        &[
            "set",
            "/9volt/alerter/mail",
            r#"{"type":"email","options":{"to":"ops@example.com","from":"m@example.com","address":"smtp.example.com:587","username":"m","password":93817264}}"#,
        ],
    );
    etcd.ctl(
        "2",
        &[
            "set",
            "/9volt/alerter/slack",
            r#"{"type":"slack","options":{"token":{"env":"TEST_PD_TOKEN"},"channel":{"file":"/etc/shadow"},"username":"x"}}"#,
        ],
    );
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("defs");
    let o = import(&etcd, "2", &out, &[]);
    let text = support::output_text(&o);
    assert!(!text.contains("93817264"), "{text}");
    let alerters = std::fs::read_to_string(out.join("alerters.yaml")).unwrap();
    assert!(!alerters.contains("93817264"), "{alerters}");
    assert!(
        !alerters.contains("TEST_PD_TOKEN") && !alerters.contains("shadow"),
        "{alerters}"
    );
    assert!(
        text.contains("left out: /9volt/alerter/slack/options/token: an object"),
        "{text}"
    );
    assert!(support::secrets_env(&out, "ALERTER_")
        .iter()
        .any(|(k, v)| k == "ALERTER_MAIL_PASSWORD" && v == "93817264"));
    let ignore = std::fs::read_to_string(out.join(".gitignore")).unwrap();
    assert!(ignore.lines().any(|l| l == "/secrets.env"), "{ignore}");
    assert!(text.contains("kept out of git by"), "{text}");
}

/// An empty prefix is an error that names where mon looked and what etcd
/// holds instead, and writes nothing (not "imported nothing", exit 0).
#[test]
fn the_wrong_prefix_says_what_etcd_holds() {
    let etcd = Etcd::start();
    for api in ["2", "3"] {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("defs");
        let o = import(&etcd, api, &out, &[]);
        let text = support::output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(
            text.contains("no key under /9volt/monitor/ or /9volt/alerter/ at http://"),
            "{text}"
        );
        assert!(text.contains("etcd holds no keys at all"), "{text}");
        assert!(!out.exists(), "nothing written");
    }
    etcd.ctl(
        "2",
        &[
            "set",
            "/stage/monitor/web",
            r#"{"type":"tcp","host":"w","port":80,"interval":"10s"}"#,
        ],
    );
    etcd.ctl("3", &["put", "/prod/monitor/web", "{}"]);
    for (api, holds) in [
        ("2", "etcd holds /stage there"),
        ("3", "etcd holds /prod there"),
    ] {
        let work = tempfile::tempdir().unwrap();
        let out = work.path().join("defs");
        let o = import(&etcd, api, &out, &[]);
        let text = support::output_text(&o);
        assert_eq!(o.status.code(), Some(2), "{text}");
        assert!(text.contains(holds), "{api}: {text}");
        assert!(text.contains("--prefix"), "{text}");
    }
}

/// Imports add to one directory: a second host on the same broker reuses
/// it (one broker, no E0204/E0609), secrets.env keeps the earlier import's
/// credentials and gains the new ones, and the result validates as is. A
/// variable secrets.env holds with another value is refused (exit 3),
/// nothing written, unless --force.
#[test]
fn imports_merge_into_one_directory() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/render");
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("estate");
    let run = |args: &[&str]| {
        let o = mon(work.path(), args);
        let text = support::output_text(&o);
        assert!(!text.contains("mqtt-password"), "{text}");
        (o.status.code(), text)
    };
    let outs = out.to_str().unwrap();
    for host in ["web1", "db1"] {
        let json = root.join(format!("collectd/{host}/config.json"));
        let (code, text) = run(&[
            "import",
            "collectd",
            json.to_str().unwrap(),
            "--node",
            host,
            "--out",
            outs,
        ]);
        assert_eq!(code, Some(0), "{host}: {text}");
    }
    let db1 = std::fs::read_to_string(out.join("collectd-db1.yaml")).unwrap();
    assert!(!db1.contains("mqtt:"), "the broker is reused: {db1}");
    let conf = root.join("hastmon/queue-ha/hastmon.conf");
    let (code, text) = run(&["import", "hastmon", conf.to_str().unwrap(), "--out", outs]);
    assert_eq!(code, Some(0), "{text}");
    let vars: Vec<String> = support::secrets_env(&out, "")
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    assert!(vars.iter().any(|v| v.starts_with("MQTT_")), "{vars:?}");
    assert!(vars.iter().any(|v| v.starts_with("HASTMON_")), "{vars:?}");
    let (code, text) = run(&["validate", outs]);
    assert_eq!(code, Some(0), "{text}");
    // Another value for a variable secrets.env holds: refused, unless --force.
    let env = std::fs::read_to_string(out.join("secrets.env")).unwrap();
    let var = vars.iter().find(|v| v.starts_with("MQTT_")).unwrap();
    let edited: String = env
        .lines()
        .map(|l| {
            if l.starts_with(&format!("{var}=")) {
                format!("{var}='rotated'\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    std::fs::write(out.join("secrets.env"), &edited).unwrap();
    std::fs::remove_file(out.join("collectd-web1.yaml")).unwrap();
    let web1 = root.join("collectd/web1/config.json");
    let again = [
        "import",
        "collectd",
        web1.to_str().unwrap(),
        "--node",
        "web1",
        "--out",
        outs,
    ];
    let (code, text) = run(&again);
    // web1's file defined the broker and is gone: web1 defines it again,
    // with a password other than the one secrets.env now holds.
    assert_eq!(code, Some(3), "{text}");
    assert!(
        text.contains(&format!(
            "secrets.env already holds {var} with another value"
        )),
        "{text}"
    );
    assert!(!out.join("collectd-web1.yaml").exists(), "nothing written");
    assert_eq!(
        std::fs::read_to_string(out.join("secrets.env")).unwrap(),
        edited
    );
    let (code, text) = run(&[&again[..], &["--force"]].concat());
    assert_eq!(code, Some(0), "{text}");
}

/// A fleet in one call: a tree as `mon render collectd` writes it imports
/// every host (config.json, collectd.conf, local triggers), with one broker
/// for the hosts that share it; rendered again, the files are the same.
#[test]
fn a_rendered_collectd_tree_imports_in_one_call_into_a_fixed_point() {
    let estate = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate");
    let work = tempfile::tempdir().unwrap();
    let first = work.path().join("first");
    let env = [
        ("MQTT_PASSWORD", "mqtt-password"),
        ("NETWORK_PASSWORD", "net-password"),
        ("HASTMON_QUEUE_SECRET", "x"),
    ];
    let base: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let render = |defs: &Path, out: &Path, extra: &[(String, String)]| {
        render_target("collectd", defs, out, &[&base[..], extra].concat());
    };
    render(&estate, &first, &[]);
    let defs = work.path().join("defs");
    let text = import_into(work.path(), "collectd", &first, &defs);
    assert!(
        text.contains("imported 1 brokers and 2 collectd hosts"),
        "{text}"
    );
    let second = work.path().join("second");
    let secrets = support::secrets_env(&defs, "");
    render(&defs, &second, &secrets);
    for host in ["web1", "db1"] {
        for f in ["collectd.conf", "config.json", &format!("local/{host}.lua")] {
            let a = first.join("collectd").join(host).join(f);
            let b = second.join("collectd").join(host).join(f);
            if a.exists() {
                assert_eq!(
                    std::fs::read_to_string(&a).unwrap(),
                    std::fs::read_to_string(&b).unwrap(),
                    "{host}/{f}"
                );
            }
        }
    }
}

/// A credential in a plugin block (`<Plugin nginx> Password`) goes to
/// secrets.env, never into the 0644 definition or the output; the
/// definition names it as `{env: NAME}`, and rendering puts it back
/// (collectd.conf then mode 0600), as collectd's own parser reads it.
#[test]
fn plugin_credentials_go_to_secrets_env_and_render_back() {
    let work = tempfile::tempdir().unwrap();
    let web1 = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/render/collectd/web1");
    let conf = "Hostname \"web1\"\nLoadPlugin nginx\n<Plugin nginx>\n  URL \"http://localhost/status\"\n  User \"stats\"\n  Password \"ng-SECRET-1\"\n</Plugin>\nLoadPlugin notify_email\n<Plugin notify_email>\n  SMTPPassword \"mail-SECRET-2\"\n</Plugin>\n";
    std::fs::write(work.path().join("collectd.conf"), conf).unwrap();
    let out = work.path().join("defs");
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            web1.join("config.json").to_str().unwrap(),
            "collectd.conf",
            "--node",
            "web1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    let text = support::output_text(&o);
    assert!(!text.contains("SECRET"), "{text}");
    let def = std::fs::read_to_string(out.join("collectd-web1.yaml")).unwrap();
    assert!(!def.contains("SECRET"), "{def}");
    assert!(
        def.contains("Password: {env: COLLECTD_WEB1_NGINX_PASSWORD}"),
        "{def}"
    );
    let env = support::secrets_env(&out, "");
    assert!(
        env.iter()
            .any(|(k, v)| k == "COLLECTD_WEB1_NGINX_PASSWORD" && v == "ng-SECRET-1"),
        "{env:?}"
    );
    let rendered = work.path().join("rendered");
    render_collectd(&out, &rendered, &env);
    let path = rendered.join("collectd/web1/collectd.conf");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let tree = support::collectd_tree(&std::fs::read_to_string(&path).unwrap());
    let shown = tree.to_string();
    assert!(
        shown.contains("\"Password\",\"values\":[\"ng-SECRET-1\"]"),
        "{shown}"
    );
    assert!(
        shown.contains("\"SMTPPassword\",\"values\":[\"mail-SECRET-2\"]"),
        "{shown}"
    );
}

/// Conveyer back from what `mon render conveyer` writes: the estate's
/// daemons, and a generated fleet with non-default settings, import into
/// definitions that render the same bytes.
#[test]
fn conveyer_files_import_into_a_fixed_point() {
    // Generated fleets, one per case: every optional field present or not,
    // values drawn from everything each field takes (mon refuses the rest).
    for case in 0..support::prop_cases(8) {
        let mut rng = rand::rngs::StdRng::seed_from_u64(25 + u64::from(case));
        let daemons = rng.random_range(1..=20);
        conveyer_fleet_round_trip(case, &mut rng, daemons);
    }
}

fn conveyer_fleet_round_trip(case: u32, rng: &mut rand::rngs::StdRng, daemons: usize) {
    let work = tempfile::tempdir().unwrap();
    let word = |rng: &mut rand::rngs::StdRng, hard: bool| -> String {
        // What a metric takes, and what a path in an env file takes (E0701, E0706).
        let alphabet: &[u8] = if hard {
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:@%+,="
        } else {
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-"
        };
        let n = rng.random_range(1..12);
        (0..n)
            .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
            .collect()
    };
    // YAML double-quoted, so any of those characters is written as meant.
    let q = |s: String| serde_json::to_string(&s).unwrap();
    let mut defs = String::new();
    for i in 0..daemons {
        let hard = rng.random_bool(0.5);
        let config = if rng.random_bool(0.3) {
            format!(
                "      config_path: {}\n",
                q(format!("/etc/conveyer/{}.json", word(rng, hard)))
            )
        } else {
            String::new()
        };
        let mut d = format!(
            "  c{i}:\n    logs: {}\n    plugin:\n{config}      state_file: {}\n      metrics: [{}, {}]\n",
            q(format!("/var/log/{}/m.log", word(rng, hard).trim_matches('.'))),
            q(format!("/var/lib/c{i}/{}.json", word(rng, hard))),
            q(format!("m{i}.{}", word(rng, false))),
            q(format!("e{i}.{}", word(rng, false)))
        );
        if rng.random_bool(0.5) {
            let host =
                ["127.0.0.1", "10.0.0.7", "logs.internal", "localhost"][rng.random_range(0..4)];
            d.push_str(&format!("    host: {host}\n"));
        }
        if rng.random_bool(0.5) {
            d.push_str(&format!("    port: {}\n", rng.random_range(1..=65535)));
        }
        let (tag, pool) = (rng.random_bool(0.5), rng.random_bool(0.5));
        if tag || pool {
            d.push_str("    logstash:\n");
            if tag {
                d.push_str(&format!(
                    "      tag: t_{}\n",
                    word(rng, false).replace('-', "_")
                ));
            }
            if pool {
                d.push_str(&format!("      pool_max: {}\n", rng.random_range(1..50)));
            }
        }
        defs.push_str(&d);
    }
    let first_defs = work.path().join("first-defs");
    std::fs::create_dir_all(&first_defs).unwrap();
    std::fs::write(first_defs.join("c.yaml"), format!("conveyer:\n{defs}")).unwrap();
    let estate = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate/conveyer.toml");
    std::fs::copy(estate, first_defs.join("conveyer.toml")).unwrap();
    let render = |defs: &Path, out: &Path| render_target("conveyer", defs, out, &[]);
    let first = work.path().join("first");
    render(&first_defs, &first);
    let imported = work.path().join("imported");
    let text = import_into(work.path(), "conveyer", &first, &imported);
    assert!(
        text.contains(&format!("imported {} conveyer daemons", daemons + 1)),
        "case {case}: {text}"
    );
    let second = work.path().join("second");
    render(&imported, &second);
    let files = |root: &Path| {
        let mut v: Vec<(String, String)> = Vec::new();
        for d in std::fs::read_dir(root.join("conveyer")).unwrap() {
            let d = d.unwrap().path();
            for f in std::fs::read_dir(&d).unwrap() {
                let f = f.unwrap().path();
                v.push((
                    f.strip_prefix(root).unwrap().display().to_string(),
                    std::fs::read_to_string(&f).unwrap(),
                ));
            }
        }
        v.sort();
        v
    };
    assert_eq!(files(&first), files(&second), "case {case}:\n{defs}");
}

/// What a killed import left (`.mon-import-<pid>-...` of a process that is
/// gone) is removed by the next import; a live import's own stays.
#[test]
fn a_killed_imports_temporaries_go_with_the_next_import() {
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("defs");
    std::fs::create_dir_all(&out).unwrap();
    let mut dead = std::process::Command::new("true").spawn().unwrap();
    let pid = dead.id();
    dead.wait().unwrap();
    let left = out.join(format!(".mon-import-{pid}-killed"));
    let live = out.join(format!(".mon-import-{}-running", std::process::id()));
    std::fs::write(&left, "half").unwrap();
    std::fs::write(&live, "half").unwrap();
    let json =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/render/collectd/web1/config.json");
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            json.to_str().unwrap(),
            "--node",
            "web1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", support::output_text(&o));
    assert!(
        !left.exists(),
        "the killed import's temporary is still there"
    );
    assert!(live.exists(), "a running import's temporary was removed");
}

/// A quoted value holding line breaks, which collectd reads as written and
/// mon therefore renders, imports back as the same value: the reader
/// splits lines only outside quotes (and outside comments).
#[test]
fn collectd_conf_values_with_line_breaks_import_as_written() {
    let work = tempfile::tempdir().unwrap();
    let defs = work.path().join("defs");
    std::fs::create_dir_all(&defs).unwrap();
    std::fs::write(
        defs.join("h.yaml"),
        "mqtt:\n  m: {host: broker}\ncollectd:\n  web1:\n    broker: m\n    hostname: \"web\\r\\n1 # not a comment\"\n    plugins: {df: {MountPoint: \"/a\\nb\\\\\", IgnoreSelected: true}}\n",
    )
    .unwrap();
    let first = work.path().join("first");
    render_target("collectd", &defs, &first, &[]);
    let dir = first.join("collectd/web1");
    // A comment with a quote in it must not open a string.
    let conf = std::fs::read_to_string(dir.join("collectd.conf")).unwrap() + "# a \"stray quote\n";
    std::fs::write(work.path().join("c.conf"), conf).unwrap();
    let out = work.path().join("imported");
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            dir.join("config.json").to_str().unwrap(),
            "c.conf",
            "--node",
            "web1",
            "--out",
            out.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", support::output_text(&o));
    let second = work.path().join("second");
    render_target("collectd", &out, &second, &support::secrets_env(&out, ""));
    assert_eq!(
        std::fs::read_to_string(dir.join("collectd.conf")).unwrap(),
        std::fs::read_to_string(second.join("collectd/web1/collectd.conf")).unwrap()
    );
}

/// The README's "Adopting a whole estate" block, run as it is written
/// against an etcd holding the example estate's keys as `9volt cfg` wrote
/// them (the values mon would write, without its mark): every import
/// succeeds, the result validates, and `mon diff` has only keys to adopt.
#[test]
fn the_readme_adopts_the_whole_example_estate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let block: Vec<&str> = readme
        .lines()
        .skip_while(|l| *l != "```sh adopt")
        .skip(1)
        .take_while(|l| !l.starts_with("```"))
        .collect();
    assert!(block.len() >= 6, "{block:?}");

    let etcd = Etcd::start();
    let work = tempfile::tempdir().unwrap();
    support::repository(work.path());
    std::os::unix::fs::symlink(root.join("fixtures"), work.path().join("fixtures")).unwrap();
    let secrets = [
        ("PAGERDUTY_TOKEN", "pd-SECRET-1"),
        ("SMTP_PASSWORD", "smtp-SECRET-2"),
        ("HASTMON_QUEUE_SECRET", "queue-SECRET-3"),
        ("MQTT_PASSWORD", "mqtt-SECRET-4"),
    ];
    let planned = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(work.path())
        .envs(secrets)
        .args([
            "diff",
            "fixtures/estate",
            "--format",
            "json",
            "--owner",
            "9volt-cfg",
        ])
        .args(["--endpoints", &etcd.endpoint(), "--etcd-api", "2"])
        .output()
        .unwrap();
    assert_eq!(
        planned.status.code(),
        Some(4),
        "{}",
        support::output_text(&planned)
    );
    let plan: Value = serde_json::from_slice(&planned.stdout).unwrap();
    let changes = plan["changes"].as_array().unwrap();
    for c in changes {
        let mut value = c["after"].clone();
        value.as_object_mut().unwrap().remove("mon-owner");
        etcd.ctl(
            "2",
            &["set", c["key"].as_str().unwrap(), &value.to_string()],
        );
    }

    // Each `mon` line must exit as its comment says; the others are shell.
    let mut script = String::from("set -u\n");
    for line in &block {
        let (cmd, comment) = line.split_once(" # ").unwrap_or((line, ""));
        let code = comment
            .split("(exit ")
            .nth(1)
            .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
            .map_or(0, |n| n.parse::<i32>().unwrap());
        let cmd = cmd.trim();
        if cmd.starts_with("mon ") {
            script.push_str(&format!(
                "{cmd}\nrc=$?; [ $rc -eq {code} ] || {{ echo \"exit $rc, not {code}: {}\" >&2; exit 90; }}\n",
                cmd.replace(['"', '$', '`', '\\'], "")
            ));
        } else {
            script.push_str(cmd);
            script.push('\n');
        }
    }
    let bin = Path::new(env!("CARGO_BIN_EXE_mon")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap());
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(&script)
        .current_dir(work.path())
        .env("PATH", path)
        .env("ETCDCTL_ENDPOINTS", etcd.endpoint())
        .env_remove("ETCDCTL_API")
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .output()
        .unwrap();
    let text = support::output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{script}\n{text}");
    assert!(!text.contains("SECRET"), "{text}");
    let n = changes.len();
    assert!(
        text.contains(&format!(
            "Plan: 0 to add, 0 to change, 0 to delete, 0 unchanged, {n} to adopt."
        )),
        "{text}"
    );
    assert_eq!(
        text.matches("will be adopted").count(),
        n,
        "one line per key: {text}"
    );
    assert!(block.iter().any(|l| l.contains(&format!("{n} to adopt"))));
    // Every system mon imports is in the one directory.
    for f in [
        "mon.toml",
        "alerters.yaml",
        "cluster-queue-ha.yaml",
        "cluster-storage-ha.yaml",
        "collectd-web1.yaml",
        "collectd-db1.yaml",
        "conveyer-logs1.yaml",
    ] {
        assert!(work.path().join("adopted").join(f).is_file(), "{f}");
    }
}

/// The import's report quotes keys and paths from what it reads: an ESC or
/// CR planted in a config.json key reaches the terminal escaped, never raw.
#[test]
fn the_import_report_escapes_what_it_quotes() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("config.json"),
        r#"{"Host": "mq:1883", "CommandResultTopic": "r", "\u001b[2J\rX": 1}"#,
    )
    .unwrap();
    let o = mon(
        work.path(),
        &[
            "import",
            "collectd",
            "config.json",
            "--node",
            "h",
            "--out",
            "out",
        ],
    );
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("\\u{1b}[2J\\rX"), "{err}");
    let raw: Vec<char> = err
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(raw.is_empty(), "raw {raw:?} in {err}");
}
