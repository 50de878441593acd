//! `mon import etcd` of 10,000 monitors from a real etcd, through v2 and
//! v3, beside the fastest plain read of the same keys (etcdctl v3 `get
//! --prefix`, curl on v2's recursive listing): what importing costs over
//! reading. No peer tool imports into definitions.
//!
//! Run: `bench/run import` (needs etcd-server and etcd-client: scripts/deps).

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};

use common::{measure, median_of, mib, secs, verdict};
use support::Etcd;

const MONITORS: usize = 10_000;

fn main() -> std::process::ExitCode {
    let etcd = Etcd::start();
    let defs = tempfile::tempdir().unwrap();
    let mut text = String::from("monitor:\n");
    for i in 0..MONITORS {
        text.push_str(&format!(
            "  check-{i:05}: {{type: http, host: web{i}.example.com, url: /health, status-code: 200, interval: 30s, timeout: 5s, critical-threshold: 3, tags: [web, generated]}}\n"
        ));
    }
    std::fs::write(defs.path().join("monitors.yaml"), text).unwrap();
    println!("mon import etcd: {MONITORS} monitors, etcd 3.4 on loopback");
    let mut checks = Vec::new();
    for api in ["v2", "v3"] {
        let sync = Command::new(env!("CARGO_BIN_EXE_mon"))
            .args([
                "sync",
                "--yes",
                // A scratch directory is no git repository: name the owner.
                "--owner",
                "bench",
                "--endpoints",
                &etcd.endpoint(),
                "--etcd-api",
                api,
            ])
            .arg(defs.path())
            .output()
            .unwrap();
        assert!(
            sync.status.success(),
            "{}",
            String::from_utf8_lossy(&sync.stderr)
        );
        let import = median_of(3, || {
            let out = tempfile::tempdir().unwrap();
            let run = measure(
                Command::new(env!("CARGO_BIN_EXE_mon"))
                    .args([
                        "import",
                        "etcd",
                        "--endpoints",
                        &etcd.endpoint(),
                        "--etcd-api",
                        api,
                        "--out",
                    ])
                    .arg(out.path().join("imported"))
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            );
            assert_eq!(run.status, 0, "mon import failed");
            run
        });
        let read = median_of(3, || {
            let run = match api {
                "v3" => measure(
                    Command::new(support::require("etcdctl"))
                        .env("ETCDCTL_API", "3")
                        .args([
                            "--endpoints",
                            &etcd.endpoint(),
                            "get",
                            "--prefix",
                            "/9volt/monitor/",
                            "-w",
                            "json",
                        ])
                        .stdout(Stdio::null()),
                ),
                _ => measure(
                    Command::new("curl")
                        .args([
                            "-sS",
                            &format!("{}/v2/keys/9volt/monitor/?recursive=true", etcd.endpoint()),
                        ])
                        .stdout(Stdio::null()),
                ),
            };
            assert_eq!(run.status, 0);
            run
        });
        let peer = if api == "v3" {
            "etcdctl get --prefix -w json"
        } else {
            "curl, recursive v2 listing"
        };
        println!(
            "  {api}  {:<36} {:>9}   peak RSS {}",
            "mon import etcd (median of 3)",
            secs(import.wall),
            mib(import.max_rss_kib)
        );
        println!(
            "  {api}  {peer:<36} {:>9}   peak RSS {}",
            secs(read.wall),
            mib(read.max_rss_kib)
        );
        println!(
            "      ratio mon import / plain read: {:.1}x",
            import.wall.as_secs_f64() / read.wall.as_secs_f64()
        );
        checks.push((
            format!("{api} import under 2 s"),
            import.wall.as_secs_f64() < 2.0,
        ));
    }
    for (what, ok) in &checks {
        println!("  {what:<42} {}", verdict(*ok));
    }
    if checks.iter().any(|(_, ok)| !ok) {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
