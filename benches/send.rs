//! Whole-process MQTT round trips: `mon send-command` against `mosquitto_rr`
//! (with and without --nodelay), at QoS 1 and 2, against the same responder
//! on the same broker. Run: `bench/run send` (needs mosquitto, mosquitto-clients).

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::process::{Command, Stdio};
use std::time::Duration;

use common::{measure, mib, verdict, Run};
use support::mqtt::{responder, Behaviour, Mosquitto};

const RUNS: usize = 30;

fn median(mut f: impl FnMut() -> Run) -> Run {
    let _ = f();
    let mut runs: Vec<Run> = (0..RUNS).map(|_| f()).collect();
    runs.sort_by_key(|r| r.wall);
    runs.swap_remove(RUNS / 2)
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn main() {
    let broker = Mosquitto::start();
    responder(broker.port, "t/cmd", "t/res", Behaviour::hello());
    let port = broker.port.to_string();
    let rr = support::require("mosquitto_rr");
    println!("MQTT round trip per process (connect, subscribe, publish, wait, disconnect), median of {RUNS}");
    let mut failed = false;
    for qos in ["1", "2"] {
        let mon = median(|| {
            let r = measure(
                Command::new(env!("CARGO_BIN_EXE_mon"))
                    .args([
                        "send-command",
                        "hello",
                        "exec",
                        "--host",
                        &format!("127.0.0.1:{port}"),
                        "--topic",
                        "t/cmd",
                        "--result-topic",
                        "t/res",
                        "--qos",
                        qos,
                    ])
                    .stdout(Stdio::null()),
            );
            assert_eq!(r.status, 0, "mon send-command failed");
            r
        });
        let rr_run = |nodelay: bool| {
            median(|| {
                let mut c = Command::new(&rr);
                c.args(["-h", "127.0.0.1", "-p", &port, "-t", "t/cmd", "-e", "t/res", "-q", qos, "-W", "5"])
                    .args(["-m", r#"{"task_id":1,"timestamp":"2026-11-21T00:00:00Z","service":"hello","command":"exec"}"#])
                    .stdout(Stdio::null());
                if nodelay {
                    c.arg("--nodelay");
                }
                let r = measure(&mut c);
                assert_eq!(r.status, 0, "mosquitto_rr failed");
                r
            })
        };
        let fast = rr_run(true);
        let slow = rr_run(false);
        let vs_fast = fast.wall.as_secs_f64() / mon.wall.as_secs_f64();
        let vs_slow = slow.wall.as_secs_f64() / mon.wall.as_secs_f64();
        println!("  QoS {qos}: mon {:>9} (peak RSS {})   mosquitto_rr --nodelay {:>9}   mosquitto_rr {:>9}", ms(mon.wall), mib(mon.max_rss_kib), ms(fast.wall), ms(slow.wall));
        println!("         ratios: mosquitto_rr --nodelay / mon = {vs_fast:.2}x, mosquitto_rr / mon = {vs_slow:.1}x");
        // "No slower" with a 10% allowance for timer noise on a shared machine.
        let no_slower = vs_fast >= 0.9;
        println!(
            "         mon no slower than mosquitto_rr --nodelay:   {}",
            verdict(no_slower)
        );
        failed |= !no_slower;
        if qos == "2" {
            let ten = vs_slow >= 10.0;
            println!(
                "         mon at least 10x faster than mosquitto_rr:   {}",
                verdict(ten)
            );
            failed |= !ten;
        }
    }
    if failed {
        std::process::exit(1);
    }
}
