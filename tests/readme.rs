//! Every `mon ...` line in the README's `sh` blocks runs and exits 0, from a
//! directory that has the repository's fixtures and schemas, so the README
//! cannot drift from the tool.

mod support;

use std::path::Path;

use assert_cmd::Command;

fn readme_commands() -> Vec<String> {
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
            let cmd = line.split(" # ").next().unwrap().trim();
            if let Some(rest) = cmd.strip_prefix("mon ") {
                commands.push(rest.to_string());
            }
        }
    }
    commands
}

#[test]
fn readme_examples_run() {
    let commands = readme_commands();
    assert!(commands.len() >= 6, "found {commands:?}");
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = tempfile::tempdir().unwrap();
    for sub in ["fixtures", "schemas"] {
        std::os::unix::fs::symlink(root.join(sub), dir.path().join(sub)).unwrap();
    }
    // The diff and sync examples need an etcd and the estate's secrets.
    let etcd = support::Etcd::start();
    for cmd in commands {
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
            Some(0),
            "`mon {cmd}` failed:\n{}{}",
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
