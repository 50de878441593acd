//! `mon sync` of 10,000 monitors into a real etcd, side by side with etcdctl
//! doing the same writes the fastest way the CLI allows (128-op `txn`
//! batches over v3; a loop of `set` over v2), plus no-change re-syncs.
//!
//! Run: `bench/run sync` (needs etcd-server and etcd-client: scripts/deps).

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{measure, median_of, mib, secs, verdict, Run};
use support::Etcd;

const MONITORS: usize = 10_000;

fn generate(dir: &std::path::Path) {
    for f in 0..10 {
        let mut text = String::from("monitor:\n");
        for j in 0..MONITORS / 10 {
            let i = f * (MONITORS / 10) + j;
            text.push_str(&format!(
                "  check-{i:05}: {{type: http, host: web{i}.example.com, url: /health, status-code: 200, interval: 30s, timeout: 5s, warning-threshold: 1, critical-threshold: 3, tags: [web, generated]}}\n"
            ));
        }
        std::fs::write(dir.join(format!("monitors-{f}.yaml")), text).unwrap();
    }
}

fn mon_sync(etcd: &Etcd, dir: &std::path::Path, api: &str) -> Run {
    let run = measure(
        Command::new(env!("CARGO_BIN_EXE_mon"))
            .args(["sync", "--endpoints", &etcd.endpoint(), "--etcd-api", api])
            // A scratch directory is no git repository: name the owner.
            .args(["--owner", "bench"])
            .arg(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert_eq!(run.status, 0, "mon sync failed");
    run
}

fn clear(etcd: &Etcd) {
    etcd.ctl("3", &["del", "--prefix", "/9volt"]);
    let _ = Command::new(support::require("etcdctl"))
        .env("ETCDCTL_API", "2")
        .args([
            "--endpoints",
            &etcd.endpoint(),
            "rm",
            "--recursive",
            "/9volt",
        ])
        .output();
}

/// `diff --out` of 30,000 alerters with literal tokens, and the same diff
/// in `--format short`, which shows no values and so redacts nothing.
fn redaction(etcd: &Etcd) -> (Run, Run) {
    let dir = tempfile::tempdir().unwrap();
    let mut s = String::from("alerter:\n");
    for i in 0..30_000 {
        s.push_str(&format!(
            "  a{i}:\n    type: slack\n    options: {{token: xoxb-{i:08}-secret, channel: \"#ops-{i}\"}}\n"
        ));
    }
    std::fs::write(dir.path().join("a.yaml"), s).unwrap();
    let diff = |args: &[&str]| {
        let run = measure(
            Command::new(env!("CARGO_BIN_EXE_mon"))
                .args(["diff", "--endpoints", &etcd.endpoint(), "--owner", "bench"])
                .args(args)
                .arg(dir.path())
                .current_dir(dir.path())
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        assert_eq!(run.status, 4, "mon diff failed");
        run
    };
    let out = median_of(3, || diff(&["--out", "plan.json"]));
    let short = median_of(3, || diff(&["--format", "short"]));
    (out, short)
}

fn main() -> std::process::ExitCode {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    println!("mon sync: {MONITORS} monitors, etcd 3.4 on loopback");

    // v3: into an empty etcd, median of 3.
    let v3 = median_of(3, || {
        clear(&etcd);
        mon_sync(&etcd, dir.path(), "v3")
    });
    let resync = median_of(5, || mon_sync(&etcd, dir.path(), "v3"));
    // The exact keys and values mon wrote, for etcdctl to write the same.
    let kvs = etcd.dump("3", "/9volt/monitor/");
    assert_eq!(kvs.len(), MONITORS);

    clear(&etcd);
    let txn_dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for (i, chunk) in kvs.iter().collect::<Vec<_>>().chunks(128).enumerate() {
        let mut body = String::from("\n");
        for (k, v) in chunk {
            body.push_str(&format!("put {k} {}\n", serde_json::to_string(v).unwrap()));
        }
        body.push_str("\n\n");
        let path = txn_dir.path().join(format!("t{i}.txt"));
        std::fs::write(&path, body).unwrap();
        files.push(path);
    }
    let start = std::time::Instant::now();
    let mut txn_rss = 0;
    for f in &files {
        let run = measure(
            Command::new(support::require("etcdctl"))
                .env("ETCDCTL_API", "3")
                .args(["--endpoints", &etcd.endpoint(), "txn"])
                .stdin(std::fs::File::open(f).unwrap())
                .stdout(Stdio::null()),
        );
        assert_eq!(run.status, 0);
        txn_rss = txn_rss.max(run.max_rss_kib);
    }
    let txn = start.elapsed();
    assert_eq!(etcd.dump("3", "/9volt/monitor/").len(), MONITORS);

    // v2, the default and what 9volt reads: into an empty keyspace, median
    // of 3, then a no-change re-sync, against a loop of `etcdctl set`.
    let v2 = median_of(3, || {
        clear(&etcd);
        mon_sync(&etcd, dir.path(), "v2")
    });
    let resync_v2 = median_of(5, || mon_sync(&etcd, dir.path(), "v2"));
    clear(&etcd);
    let start = std::time::Instant::now();
    let mut set_rss = 0;
    for (k, v) in &kvs {
        let run = measure(
            Command::new(support::require("etcdctl"))
                .env("ETCDCTL_API", "2")
                .args(["--endpoints", &etcd.endpoint(), "set", k, v])
                .stdout(Stdio::null()),
        );
        assert_eq!(run.status, 0);
        set_rss = set_rss.max(run.max_rss_kib);
    }
    let set_loop = start.elapsed();
    let _ = std::io::stdout().flush();

    let r_v3 = txn.as_secs_f64() / v3.wall.as_secs_f64();
    let r_v2 = set_loop.as_secs_f64() / v2.wall.as_secs_f64();
    println!(
        "  v3  mon sync (empty etcd, median of 3)   {:>9}   peak RSS {}",
        secs(v3.wall),
        mib(v3.max_rss_kib)
    );
    println!(
        "  v3  etcdctl txn, {} batches of <=128     {:>9}   peak RSS {} per process",
        files.len(),
        secs(txn),
        mib(txn_rss)
    );
    println!("      ratio etcdctl / mon: {r_v3:.1}x");
    println!(
        "  v3  mon sync, no changes (median of 5)   {:>9}   peak RSS {}",
        secs(resync.wall),
        mib(resync.max_rss_kib)
    );
    println!(
        "  v2  mon sync (empty, median of 3)        {:>9}   peak RSS {}",
        secs(v2.wall),
        mib(v2.max_rss_kib)
    );
    println!(
        "  v2  loop of etcdctl set                  {:>9}   peak RSS {} per process",
        secs(set_loop),
        mib(set_rss)
    );
    println!("      ratio etcdctl / mon: {r_v2:.1}x");
    println!(
        "  v2  mon sync, no changes (median of 5)   {:>9}   peak RSS {}",
        secs(resync_v2.wall),
        mib(resync_v2.max_rss_kib)
    );
    let (tokens, short) = redaction(&etcd);
    println!("mon diff: 30,000 alerters with literal tokens (redacted in every shown value)");
    println!(
        "  diff --out plan.json                     {:>9}   peak RSS {}",
        secs(tokens.wall),
        mib(tokens.max_rss_kib)
    );
    println!(
        "  diff --format short (no values shown)    {:>9}   peak RSS {}",
        secs(short.wall),
        mib(short.max_rss_kib)
    );
    let r_tokens = tokens.wall.as_secs_f64() / short.wall.as_secs_f64();
    println!("      ratio --out / short: {r_tokens:.1}x");
    let checks = [
        ("v3 sync under 1 s", v3.wall.as_secs_f64() < 1.0),
        ("30,000 tokens redacted within 3x of short", r_tokens <= 3.0),
        ("v3 at least 3x faster than etcdctl txn", r_v3 >= 3.0),
        (
            "v3 no-change re-sync under 300 ms",
            resync.wall.as_secs_f64() < 0.3,
        ),
        ("v2 sync under 2 s", v2.wall.as_secs_f64() < 2.0),
        ("v2 at least 100x faster than etcdctl set", r_v2 >= 100.0),
        (
            "v2 no-change re-sync under 300 ms",
            resync_v2.wall.as_secs_f64() < 0.3,
        ),
    ];
    for (what, ok) in checks {
        println!("  {what:<42} {}", verdict(ok));
    }
    // Returning (not process::exit) stops etcd and removes the files on a failed verdict too.
    if checks.iter().any(|(_, ok)| !ok) {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
