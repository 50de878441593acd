//! `mon sync` against a running 9volt at scale, and `mon status`. A real
//! etcd 3.4 with the v2 API; a stand-in 9volt (tests/support/ninevolt.rs)
//! keeps members and check references as 9volt does, handles one watch event
//! at a time, and restarts, as 9volt's overwatch does, when its watch falls
//! out of etcd's 1,000-event window. A real 9volt is driven by
//! tests/ninevolt_live.rs, outside CI.

mod support;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::ninevolt::{references, Standin};
use support::Etcd;

const UNTAGGED: &[&str] = &[];

fn defs(dir: &Path, prefix: &str, n: usize, extra: &str) {
    let mut text = String::from("monitor:\n");
    for i in 0..n {
        text.push_str(&format!(
            "  {prefix}-{i}: {{type: exec, command: /bin/true, interval: 1h}}\n"
        ));
    }
    text.push_str(extra);
    std::fs::write(dir.join(format!("{prefix}.yaml")), text).unwrap();
}

fn mon(etcd: &Etcd, dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(dir)
        .env_remove("ETCDCTL_ENDPOINTS")
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .args(args)
        .args(["--endpoints", &etcd.endpoint()])
        .args(if args[0] == "status" {
            &[][..]
        } else {
            &["--owner", "estate"][..]
        })
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn text(o: &Output) -> String {
    support::output_text(o)
}

/// Waits until `mon status` says 9volt runs what the definitions say.
fn settled(etcd: &Etcd, dir: &Path) {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let out = mon(etcd, dir, &["status", "--format", "short"]);
        if out.status.code() == Some(0) {
            return;
        }
        assert!(Instant::now() < deadline, "never settled: {}", text(&out));
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// 40 checks running on two members, then `extra` more in one sync.
fn running_estate(etcd: &Etcd) -> (Standin, tempfile::TempDir) {
    let standin = Standin::start(
        etcd,
        "9volt",
        &[("aaaa0001", UNTAGGED), ("bbbb0002", UNTAGGED)],
        Duration::from_millis(1),
    );
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), "base", 40, "");
    let out = mon(etcd, dir.path(), &["sync", "--wait"]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("written at once"), "{}", text(&out));
    settled(etcd, dir.path());
    (standin, dir)
}

fn base_refs(etcd: &Etcd) -> Vec<(String, Vec<(String, u64)>)> {
    references(etcd)
        .into_iter()
        .filter(|(k, _)| k.contains("/base-"))
        .collect()
}

#[test]
fn a_large_sync_into_a_running_9volt_is_paced_and_never_restarts_it() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    let before = base_refs(&etcd);
    assert_eq!(before.len(), 40);
    defs(dir.path(), "new", 1_200, "");
    let out = mon(&etcd, dir.path(), &["sync", "--probe", "1s"]);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    // Every write reached the director as an action 9volt follows.
    assert_eq!(standin.ignored(), 0);
    assert!(
        log.contains("watching its own etcd traffic for 1s"),
        "{log}"
    );
    let batches: usize = log
        .split("written in ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no batch count: {log}"));
    // 10 first, then at most 500 each.
    assert!(batches >= 4, "{log}");
    assert!(log.contains("9volt took up every change"), "{log}");
    assert_eq!(standin.restarts(), 0, "the stand-in restarted: {log}");
    // None of the running checks was touched: their references are as before.
    assert_eq!(base_refs(&etcd), before);
    let status = mon(&etcd, dir.path(), &["status"]);
    assert_eq!(status.status.code(), Some(0), "{}", text(&status));
    assert!(text(&status).contains("1240 running"), "{}", text(&status));
}

#[test]
fn the_same_sync_as_one_burst_restarts_9volt_and_is_reported() {
    // The control: the stand-in must be able to fail the test above.
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    defs(dir.path(), "new", 1_200, "");
    let out = mon(&etcd, dir.path(), &["sync", "--pace", "never", "--wait"]);
    let log = text(&out);
    assert!(
        standin.restarts() >= 1,
        "a burst of 1,200 did not overrun the window: {log}"
    );
    assert_eq!(out.status.code(), Some(11), "{log}");
    assert!(
        log.contains("redistributed every check during the sync, with the same members"),
        "{log}"
    );
}

#[test]
fn a_member_that_dies_mid_sync_is_waited_out() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    // Slow enough that the sync still runs when the member's TTL ends.
    standin.set_per_check(Duration::from_millis(10));
    defs(dir.path(), "new", 600, "");
    let child = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(dir.path())
        // Short: a full plan would fill the pipe before the test reads it.
        .args([
            "sync", "--format", "short", "--probe", "1s", "--owner", "estate",
        ])
        .args(["--endpoints", &etcd.endpoint()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1_500));
    standin.kill("bbbb0002");
    let out = child.wait_with_output().unwrap();
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("members changed during the sync (left: bbbb0002"),
        "{log}"
    );
    assert!(standin.reshuffles() >= 1);
    // Everything now runs on the living member.
    let all = references(&etcd);
    assert_eq!(all.len(), 640);
    assert!(
        all.values().all(|m| m.len() == 1 && m[0].0 == "aaaa0001"),
        "{all:?}"
    );
    settled(&etcd, dir.path());
}

#[test]
fn a_batch_the_director_never_takes_up_stops_the_sync() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    standin.pause();
    defs(dir.path(), "new", 30, "");
    let out = mon(
        &etcd,
        dir.path(),
        &[
            "sync",
            "--pace",
            "always",
            "--probe",
            "1s",
            "--wait-timeout",
            "2s",
        ],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(11), "{log}");
    assert!(
        log.contains("did not take up the batch ending in /9volt/monitor/new-"),
        "{log}"
    );
    // Only the first batch went out.
    assert_eq!(etcd.dump("2", "/9volt/monitor").len(), 40 + 10, "{log}");
    standin.resume();
}

#[test]
fn wait_and_status_say_what_9volt_did_not_take_up() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    let tagged = "  db-main: {type: tcp, host: db1, port: 5432, interval: 1h, member-tag: db}\n";
    defs(dir.path(), "base", 40, tagged);
    standin.pause();
    let out = mon(
        &etcd,
        dir.path(),
        &["sync", "--wait", "--wait-timeout", "1s"],
    );
    let log = text(&out);
    // The tagged check can never be assigned: no member has the tag.
    assert_eq!(out.status.code(), Some(11), "{log}");
    assert!(
        log.contains(
            "1 checks cannot run on any living member; 9volt leaves them unassigned:\n  \
             /9volt/monitor/db-main: its member-tag `db` is on no living member"
        ),
        "{log}"
    );
    let status = mon(&etcd, dir.path(), &["status"]);
    assert_eq!(status.status.code(), Some(11), "{}", text(&status));
    assert!(
        text(&status).contains("monitor/db-main  not assigned: no living member has tag `db`"),
        "{}",
        text(&status)
    );
    // A new untagged check while the director is stopped: --wait fails.
    defs(dir.path(), "base", 41, "");
    let out = mon(
        &etcd,
        dir.path(),
        &["sync", "--wait", "--wait-timeout", "1s"],
    );
    assert_eq!(out.status.code(), Some(11), "{}", text(&out));
    assert!(
        text(&out).contains("1 checks written but on no living member:\n  /9volt/monitor/base-40"),
        "{}",
        text(&out)
    );
    standin.resume();
}

#[test]
fn status_finds_stale_references_duplicates_and_drift() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    standin.pause();
    let put = |key: &str, value: &str| {
        let url = format!("{}/v2/keys{key}", etcd.endpoint());
        let o = Command::new("curl")
            .args(["-sS", "-X", "PUT", &url, "--data-urlencode"])
            .arg(format!("value={value}"))
            .output()
            .unwrap();
        assert!(o.status.success());
    };
    let b64 = |k: &str| {
        use base64::Engine;
        base64::engine::general_purpose::STANDARD.encode(k)
    };
    // A reference to a deleted check, and base-0 on both members.
    put(
        &format!(
            "/9volt/cluster/members/aaaa0001/config/{}",
            b64("/9volt/monitor/ghost")
        ),
        "/9volt/monitor/ghost",
    );
    for m in ["aaaa0001", "bbbb0002"] {
        put(
            &format!(
                "/9volt/cluster/members/{m}/config/{}",
                b64("/9volt/monitor/base-0")
            ),
            "/9volt/monitor/base-0",
        );
    }
    let out = mon(&etcd, dir.path(), &["status"]);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(11), "{t}");
    assert!(
        t.contains("monitor/base-0  on 2 members at once: aaaa0001, bbbb0002"),
        "{t}"
    );
    assert!(t.contains("/9volt/monitor/ghost on aaaa0001"), "{t}");
    assert!(t.contains("aaaa0001  host-aaaa0001  tags (no tags)"), "{t}");
    let out = mon(&etcd, dir.path(), &["status", "--format", "json"]);
    assert_eq!(out.status.code(), Some(11));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["summary"]["duplicate"], 1);
    assert_eq!(v["summary"]["stale_references"], 1);
    assert_eq!(v["members"].as_array().unwrap().len(), 2);
    let short = mon(&etcd, dir.path(), &["status", "--format", "short"]);
    assert!(
        text(&short).contains("monitor/base-0: duplicate: on 2 members"),
        "{}",
        text(&short)
    );
    // etcd no longer holding what is defined: a sync is pending (exit 4).
    put(
        "/9volt/monitor/base-1",
        r#"{"type":"exec","command":"/bin/false","interval":"1h"}"#,
    );
    let out = mon(&etcd, dir.path(), &["status", "--format", "short"]);
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    assert!(
        text(&out).contains("monitor/base-1: differs"),
        "{}",
        text(&out)
    );
    standin.resume();
}

#[test]
fn diff_and_dry_run_say_how_a_sync_would_be_written() {
    let etcd = Etcd::start();
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), "new", 300, "");
    // Nothing runs yet: one burst.
    let out = mon(&etcd, dir.path(), &["diff", "--format", "short"]);
    assert_eq!(out.status.code(), Some(4));
    assert!(
        text(&out).contains("9volt: a sync writes at once (no 9volt member is alive under /9volt/"),
        "{}",
        text(&out)
    );
    let _standin = Standin::start(
        &etcd,
        "9volt",
        &[("aaaa0001", UNTAGGED), ("bbbb0002", UNTAGGED)],
        Duration::from_millis(1),
    );
    let out = mon(
        &etcd,
        dir.path(),
        &["sync", "--dry-run", "--format", "short"],
    );
    assert!(
        text(&out).contains("9volt: a sync writes in batches, each after 9volt's director took up the last, in about"),
        "{}",
        text(&out)
    );
    let out = mon(&etcd, dir.path(), &["diff", "--format", "json"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pace"]["way"], "paced", "{v}");
    assert!(v["pace"]["estimate_seconds"].is_u64(), "{v}");
    // --pace always with nothing alive is refused, and says why.
    let fresh = Etcd::start();
    let out = mon(&fresh, dir.path(), &["sync", "--pace", "always"]);
    assert_eq!(out.status.code(), Some(7), "{}", text(&out));
    assert!(
        text(&out).contains("no 9volt member is alive"),
        "{}",
        text(&out)
    );
}

/// Writes what 9volt's state dumper writes (`state/<check>`, with a TTL)
/// as fast as it can until dropped.
struct Dumper {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: Option<std::thread::JoinHandle<usize>>,
}

impl Dumper {
    /// At most `per_second` events a second, if given.
    fn start(etcd: &Etcd, per_second: Option<f64>) -> Dumper {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = stop.clone();
        let base = etcd.endpoint();
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let http = reqwest::Client::new();
                let began = Instant::now();
                let mut n = 0;
                while !flag.load(std::sync::atomic::Ordering::SeqCst) {
                    let mut puts = tokio::task::JoinSet::new();
                    for i in 0..16 {
                        let put = http
                            .put(format!(
                                "{base}/v2/keys/9volt/state/check-{}",
                                (n + i) % 3000
                            ))
                            .form(&[("value", "{}"), ("ttl", "20")])
                            .send();
                        puts.spawn(put);
                    }
                    while let Some(r) = puts.join_next().await {
                        assert!(r.unwrap().is_ok());
                    }
                    n += 16;
                    if let Some(rate) = per_second {
                        let due = Duration::from_secs_f64(n as f64 / rate);
                        if let Some(wait) = due.checked_sub(began.elapsed()) {
                            tokio::time::sleep(wait).await;
                        }
                    }
                }
                n
            })
        });
        Dumper {
            stop,
            handle: Some(handle),
        }
    }
}

impl Drop for Dumper {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

#[test]
fn the_probe_measures_9volts_own_traffic_before_writing() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    let before = etcd.v2_index();
    let dumper = Dumper::start(&etcd, Some(300.0));
    defs(dir.path(), "new", 300, "");
    let started = Instant::now();
    let out = mon(&etcd, dir.path(), &["sync", "--probe", "2s"]);
    let secs = started.elapsed().as_secs_f64();
    drop(dumper);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    // What the dumper wrote, over the time of the sync: a floor for what
    // the probe should have seen in its busiest second.
    let events = (etcd.v2_index() - before) as f64 - 600.0;
    let average = events / secs;
    let busiest: f64 = log
        .split("busiest ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no rate: {log}"));
    assert!(
        average > 50.0,
        "the dumper wrote only {average:.0} events/s"
    );
    assert!(
        busiest >= average * 0.5,
        "probe saw {busiest}, the dumper averaged {average:.0}: {log}"
    );
    assert_eq!(standin.restarts(), 0, "{log}");
}

#[test]
fn a_9volt_too_busy_to_follow_is_refused_before_writing() {
    // State dumps as fast as etcd takes them (over 2,000 events a second
    // on a quiet machine) beside a director needing a second a check: the
    // probe refuses at once where the rate alone leaves no room, and the
    // first batch (one key, the window being busy) where it takes the
    // measured director to see it. Either way no more than that key is
    // written. (That one key may itself restart a director a thousand
    // times slower than the guess mon starts from: nothing shows that
    // before a write, which is why the first batch is a single key.)
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    standin.set_per_check(Duration::from_secs(1));
    let before = etcd.v2_index();
    let started = Instant::now();
    let dumper = Dumper::start(&etcd, None);
    defs(dir.path(), "new", 300, "");
    let out = mon(&etcd, dir.path(), &["sync", "--probe", "2s"]);
    let average = (etcd.v2_index() - before) as f64 / started.elapsed().as_secs_f64();
    drop(dumper);
    let log = text(&out);
    assert!(
        average > 450.0,
        "the dumper wrote only {average:.0} events/s"
    );
    assert_eq!(out.status.code(), Some(7), "{log}");
    assert!(
        log.contains("refusing to sync on: 9volt's own traffic reached"),
        "{log}"
    );
    let written = etcd.dump("2", "/9volt/monitor").len() - 40;
    if log.contains("nothing was written; let 9volt write less (a longer StateDumpInterval") {
        assert_eq!(written, 0, "{log}");
    } else {
        assert!(
            log.contains("the rest was not written; let 9volt write less"),
            "{log}"
        );
        assert_eq!(written, 1, "{log}");
    }
}

#[test]
fn a_director_too_slow_for_9volts_own_traffic_stops_the_sync() {
    // 600 events a second leave room before writing; the first batch then
    // measures a director needing a second a check, and the window turns
    // over faster than that.
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    standin.set_per_check(Duration::from_secs(1));
    let dumper = Dumper::start(&etcd, Some(600.0));
    defs(dir.path(), "new", 300, "");
    let out = mon(&etcd, dir.path(), &["sync", "--probe", "2s"]);
    drop(dumper);
    let log = text(&out);
    assert_eq!(out.status.code(), Some(7), "{log}");
    assert!(
        log.contains("the rest was not written; let 9volt write less"),
        "{log}"
    );
    // The first batch, one key where the window is this busy, went out,
    // and 9volt took it up.
    assert!(log.contains("writing in batches from 1 keys"), "{log}");
    assert_eq!(etcd.dump("2", "/9volt/monitor").len(), 40 + 1, "{log}");
    assert!(log.contains("9volt took up every change"), "{log}");
    assert_eq!(standin.restarts(), 0, "{log}");
}

#[test]
fn a_saved_plan_is_applied_at_the_pace_9volt_follows() {
    let etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    defs(dir.path(), "new", 600, "");
    let out = mon(
        &etcd,
        dir.path(),
        &["diff", "--out", "plan.json", "--format", "short"],
    );
    assert_eq!(out.status.code(), Some(4), "{}", text(&out));
    let out = mon(
        &etcd,
        dir.path(),
        &["sync", "--plan", "plan.json", "--probe", "1s"],
    );
    let log = text(&out);
    assert_eq!(out.status.code(), Some(0), "{log}");
    assert!(
        log.contains("each after 9volt's director took up the last"),
        "{log}"
    );
    assert_eq!(standin.restarts(), 0, "{log}");
    settled(&etcd, dir.path());
}

#[test]
fn etcd_going_away_mid_paced_sync_leaves_true_counts() {
    let mut etcd = Etcd::start();
    let (standin, dir) = running_estate(&etcd);
    // A director slow enough that the sync is still writing after 2 s.
    standin.set_per_check(Duration::from_millis(20));
    defs(dir.path(), "new", 600, "");
    let child = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(dir.path())
        // Short: a full plan would fill the pipe before the test reads it.
        .args(["sync", "--format", "short", "--probe", "1s"])
        .args(["--owner", "estate", "--command-timeout", "2s"])
        .args(["--endpoints", &etcd.endpoint()])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Stopped once some batches are in.
    let deadline = Instant::now() + Duration::from_secs(60);
    let mut child = child;
    while etcd.dump("2", "/9volt/monitor").len() < 40 + 30 {
        if Instant::now() > deadline || child.try_wait().unwrap().is_some() {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!("the sync never wrote 30 keys: {}", text(&out));
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    etcd.stop();
    let out = child.wait_with_output().unwrap();
    let log = text(&out);
    assert_eq!(out.status.code(), Some(5), "{log}");
    let added: usize = log
        .split("applied: ")
        .nth(1)
        .and_then(|s| s.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count: {log}"));
    assert!(added > 0 && added < 600, "{log}");
    let not_sent: usize = log
        .split(" were not applied")
        .next()
        .and_then(|s| s.rsplit(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no count: {log}"));
    // Sent with no answer: each landed whole or not at all.
    let unknown = log
        .lines()
        .find(|l| l.contains("writes were sent but no answer came"))
        .and_then(|l| l.split(' ').next())
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0);
    assert_eq!(added + not_sent + unknown, 600, "{log}");
    etcd.restart();
    // What mon says it wrote is what etcd holds.
    let held = etcd.dump("2", "/9volt/monitor").len() - 40;
    assert!(
        held >= added && held <= added + unknown,
        "{held} held: {log}"
    );
}
