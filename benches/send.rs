//! Whole-process MQTT round trips: `mon send-command` against `mosquitto_rr`
//! with and without `--nodelay`, at QoS 1 and 2, all three against the same
//! responder on the same broker. The broker and the responder are each run
//! with TCP_NODELAY and without it (mosquitto's and libmosquitto's default),
//! because that is where the reference measured the ~40 ms stalls to be.
//! The tools take turns within each round so drift on a shared machine hits
//! them alike. Then the fan-out: `mon send-command --all` to 1,000 hosts on
//! one broker (one responder serving them all) beside 1,000 sequential
//! `mosquitto_rr` calls, the reference senders' way of reaching many hosts.
//! Run: `bench/run send` (needs mosquitto and mosquitto-clients).

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{measure, mib, verdict, Run};
use support::mqtt::{responder, Behaviour, Mosquitto};

const TASK: &str =
    r#"{"task_id":1,"timestamp":"2026-11-21T00:00:00Z","service":"hello","command":"exec"}"#;

/// Another build of mon to compare with (`MON_BASELINE=$(bench/baseline REV)`).
fn baseline() -> Option<std::path::PathBuf> {
    std::env::var_os("MON_BASELINE").map(std::path::PathBuf::from)
}

/// mon, mosquitto_rr --nodelay, mosquitto_rr (and the baseline mon, last,
/// when set): one command line each.
fn tools(rr: &Path, port: u16, qos: &str) -> Vec<(&'static str, Command)> {
    let mon_at = |bin: &Path| {
        let mut mon = Command::new(bin);
        mon.args(["send-command", "hello", "exec", "--host"])
            .arg(format!("127.0.0.1:{port}"))
            .args(["--topic", "t/cmd", "--result-topic", "t/res", "--qos", qos])
            // What mon is doing goes to stderr; the figures are about stdout.
            .stderr(Stdio::null());
        mon
    };
    let mon = mon_at(Path::new(env!("CARGO_BIN_EXE_mon")));
    let plain = || {
        let mut c = Command::new(rr);
        c.args(["-h", "127.0.0.1", "-p", &port.to_string()]).args([
            "-t", "t/cmd", "-e", "t/res", "-q", qos, "-W", "5", "-m", TASK,
        ]);
        c
    };
    let mut fast = plain();
    fast.arg("--nodelay");
    let mut all = vec![
        ("mon", mon),
        ("mosquitto_rr --nodelay", fast),
        ("mosquitto_rr", plain()),
    ];
    if let Some(b) = baseline() {
        all.push(("mon (baseline)", mon_at(&b)));
    }
    all
}

/// Medians of `rounds` interleaved runs (after one warm-up round).
fn race(rr: &Path, port: u16, qos: &str, rounds: usize) -> Vec<(&'static str, Run)> {
    let mut cmds = tools(rr, port, qos);
    let mut runs: Vec<Vec<Run>> = cmds.iter().map(|_| Vec::new()).collect();
    for round in 0..=rounds {
        for (i, (name, cmd)) in cmds.iter_mut().enumerate() {
            let r = measure(cmd.stdout(Stdio::null()));
            assert_eq!(r.status, 0, "{name} failed at QoS {qos}");
            if round > 0 {
                runs[i].push(r);
            }
        }
    }
    cmds.iter()
        .zip(runs)
        .map(|((name, _), mut v)| {
            v.sort_by_key(|r| r.wall);
            (*name, v.swap_remove(v.len() / 2))
        })
        .collect()
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() -> std::process::ExitCode {
    let rr = support::require("mosquitto_rr");
    println!("MQTT round trip per process (connect, subscribe, publish, wait, disconnect), median of interleaved runs");
    let mut failed = false;
    for (broker_nodelay, responder_nodelay, rounds) in [
        (true, true, 40),
        (true, false, 15),
        (false, true, 15),
        (false, false, 15),
    ] {
        let broker = if broker_nodelay {
            Mosquitto::start()
        } else {
            Mosquitto::start_stock()
        };
        let b = Behaviour {
            nagle: !responder_nodelay,
            ..Behaviour::hello()
        };
        responder(broker.port, "t/cmd", "t/res", b);
        let on = |yes: bool| {
            if yes {
                "TCP_NODELAY"
            } else {
                "Nagle (default)"
            }
        };
        println!(
            "broker {}, responder {} ({rounds} rounds):",
            on(broker_nodelay),
            on(responder_nodelay)
        );
        for qos in ["1", "2"] {
            let r = race(&rr, broker.port, qos, rounds);
            let mon = r[0].1.wall.as_secs_f64();
            let mut line = format!(
                "  QoS {qos}: mon {:>8} (peak RSS {})",
                ms(r[0].1.wall),
                mib(r[0].1.max_rss_kib)
            );
            for (name, run) in &r[1..] {
                line.push_str(&format!(
                    "  {name} {:>8} ({:.2}x)",
                    ms(run.wall),
                    run.wall.as_secs_f64() / mon
                ));
            }
            println!("{line}");
            // "No slower", with 10% for timer noise on a shared machine.
            let no_slower = r[1].1.wall.as_secs_f64() / mon >= 0.9;
            println!(
                "         mon no slower than mosquitto_rr --nodelay: {}",
                verdict(no_slower)
            );
            failed |= !no_slower;
        }
    }
    println!(
        "The x figures are each tool's time over mon's. Against the same responder the stalls follow the\n\
         broker's and the responder's sockets, not the requesting client's: no client is 10x faster than\n\
         mosquitto_rr without --nodelay (reference peers.md section 5.2)."
    );
    failed |= !fan_out(&rr);
    if failed {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}

const HOSTS: usize = 1_000;

/// `send-command --all` to 1,000 hosts against 1,000 sequential mosquitto_rr.
fn fan_out(rr: &Path) -> bool {
    let broker = Mosquitto::start();
    responder(
        broker.port,
        "collectd/+/command",
        "collectd/+/result",
        Behaviour::hello(),
    );
    let dir = tempfile::tempdir().unwrap();
    let mut defs = format!(
        "mqtt:\n  main: {{host: \"{}\"}}\ncollectd:\n",
        broker.host()
    );
    for i in 0..HOSTS {
        defs.push_str(&format!(
            "  h{i:04}:\n    broker: main\n    services:\n      hello: {{commands: {{exec: /bin/echo hi}}}}\n"
        ));
    }
    std::fs::write(dir.path().join("hosts.yaml"), defs).unwrap();
    let all = |bin: &Path| {
        let mut runs = Vec::new();
        for _ in 0..4 {
            let r = measure(
                Command::new(bin)
                    .args(["send-command", "hello", "exec", "--all", "--timeout", "30s"])
                    .current_dir(dir.path())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null()),
            );
            assert_eq!(r.status, 0, "mon send-command --all failed");
            runs.push(r);
        }
        runs.remove(0); // warm-up
        runs.sort_by_key(|r| r.wall);
        runs.swap_remove(1)
    };
    let mon = all(Path::new(env!("CARGO_BIN_EXE_mon")));
    let before = baseline().map(|b| all(&b));
    let start = std::time::Instant::now();
    let mut rr_peak = 0;
    for i in 0..HOSTS {
        let r = measure(
            Command::new(rr)
                .args([
                    "-h",
                    "127.0.0.1",
                    "-p",
                    &broker.port.to_string(),
                    "-q",
                    "2",
                    "-W",
                    "5",
                ])
                .args(["-t", &format!("collectd/h{i:04}/command")])
                .args(["-e", &format!("collectd/h{i:04}/result")])
                .args(["-m", TASK])
                .stdout(Stdio::null()),
        );
        assert_eq!(r.status, 0, "mosquitto_rr failed for host {i}");
        rr_peak = rr_peak.max(r.max_rss_kib);
    }
    let rr_wall = start.elapsed();
    println!("fan-out: one command to {HOSTS} hosts on one broker, QoS 2");
    println!(
        "  mon send-command --all (median of 3): {:>9}   peak RSS {}",
        ms(mon.wall),
        mib(mon.max_rss_kib)
    );
    println!(
        "  {HOSTS} sequential mosquitto_rr:          {:>9}   peak RSS {} each   ({:.0}x mon's time)",
        ms(rr_wall),
        mib(rr_peak),
        rr_wall.as_secs_f64() / mon.wall.as_secs_f64()
    );
    if let Some(b) = before {
        println!(
            "  baseline mon --all (median of 3):      {:>9}   peak RSS {}   (this build {:.2}x its time)",
            ms(b.wall),
            mib(b.max_rss_kib),
            mon.wall.as_secs_f64() / b.wall.as_secs_f64()
        );
    }
    let fast = mon.wall < Duration::from_secs(1);
    println!("  mon under 1 s:  {}", verdict(fast));
    fast
}
