//! Every `mon ...` line in the README's `sh` blocks runs and exits 0, from a
//! directory that has the repository's fixtures and schemas, so the README
//! cannot drift from the tool.

mod support;

use std::path::Path;

use assert_cmd::Command;

/// Each `mon ...` line of the README's `sh` blocks, with the exit code its
/// comment promises: `(exit N)` in the comment, else 0.
fn readme_commands() -> Vec<(String, i32)> {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let mut in_sh = false;
    let mut commands = Vec::new();
    for line in readme.lines() {
        if line.starts_with("```") {
            in_sh = line == "```sh";
            continue;
        }
        if in_sh {
            let mut parts = line.splitn(2, " # ");
            let cmd = parts.next().unwrap().trim();
            let comment = parts.next().unwrap_or("");
            let code = comment
                .split("(exit ")
                .nth(1)
                .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
                .map_or(0, |n| n.parse().unwrap());
            if let Some(rest) = cmd.strip_prefix("mon ") {
                commands.push((rest.to_string(), code));
            }
        }
    }
    commands
}

fn copy_fixtures(from: &Path, to: &Path, broker: &str) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_fixtures(&p, &target, broker);
        } else {
            let bytes = std::fs::read(&p).unwrap();
            let bytes = match String::from_utf8(bytes) {
                Ok(t) => t.replace("broker.example.com:1883", broker).into_bytes(),
                Err(e) => e.into_bytes(),
            };
            std::fs::write(target, bytes).unwrap();
        }
    }
}

#[test]
fn readme_examples_run() {
    let commands = readme_commands();
    assert!(commands.len() >= 6, "found {commands:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    // A clone of the repository: mon's owner is its remote.
    support::repository(dir.path());
    std::os::unix::fs::symlink(root.join("schemas"), dir.path().join("schemas")).unwrap();
    // The diff and sync examples need an etcd and the estate's secrets; the
    // send examples a broker where the estate's hosts answer. The estate is
    // copied with its broker pointed at that broker.
    let etcd = support::Etcd::start();
    let broker = support::mqtt::Mosquitto::start();
    copy_fixtures(
        &root.join("fixtures"),
        &dir.path().join("fixtures"),
        &broker.host(),
    );
    let mut host = support::mqtt::Behaviour::hello();
    host.commands
        .entry("nginx".into())
        .or_default()
        .insert("reload".into(), (Some(0), String::new()));
    host.commands
        .entry("postgresql".into())
        .or_default()
        .insert("restart".into(), (Some(0), String::new()));
    host.config_code = Some(Some(0));
    support::mqtt::responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        host.clone(),
    );
    support::mqtt::responder(broker.port, "ops/db1/tasks", "ops/db1/results", host);
    for (cmd, code) in commands {
        let args: Vec<&str> = cmd.split_whitespace().collect();
        let out = Command::cargo_bin("mon")
            .unwrap()
            .current_dir(dir.path())
            .env("ETCDCTL_ENDPOINTS", etcd.endpoint())
            .env_remove("ETCDCTL_API")
            .env("PAGERDUTY_TOKEN", "example")
            .env("SMTP_PASSWORD", "example")
            .env("HASTMON_QUEUE_SECRET", "example")
            .env("MQTT_PASSWORD", "example")
            .args(&args)
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(code),
            "`mon {cmd}` did not exit {code}:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn readme_quick_start_output_is_true() {
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let out = Command::cargo_bin("mon")
        .unwrap()
        .args(["validate", "fixtures/estate"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    let first = String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert!(
        readme.contains(&format!("`{first}`")),
        "README should quote `{first}`"
    );
}
