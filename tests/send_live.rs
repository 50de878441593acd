//! Fleet sends that report as they go, against a real mosquitto and
//! responders that answer as remote.lua does: each host's line as its
//! result arrives, a status line on a terminal only, ^C that keeps what
//! came, and a dry run that publishes nothing.

mod support;

use std::io::BufRead;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use support::mqtt::{responder, Behaviour, Mosquitto, Seen};

/// Hosts `fast` (answers at once) and `slow` (after `slow_after`) on one
/// broker, each on its own default topics.
fn fleet(broker: &Mosquitto, slow_after: Duration) -> (tempfile::TempDir, Seen, Seen) {
    let dir = tempfile::tempdir().unwrap();
    let mut text = format!(
        "mqtt:\n  main: {{host: \"{}\"}}\ncollectd:\n",
        broker.host()
    );
    for h in ["fast", "slow"] {
        text.push_str(&format!(
            "  {h}:\n    broker: main\n    services:\n      hello: {{commands: {{exec: /bin/echo hi}}}}\n"
        ));
    }
    std::fs::write(dir.path().join("hosts.yaml"), text).unwrap();
    let fast = responder(
        broker.port,
        "collectd/fast/command",
        "collectd/fast/result",
        Behaviour::hello(),
    );
    let mut b = Behaviour::hello();
    b.delay = slow_after;
    let slow = responder(
        broker.port,
        "collectd/slow/command",
        "collectd/slow/result",
        b,
    );
    (dir, fast, slow)
}

fn mon_cmd(dir: &Path, args: &[&str]) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("mon"));
    c.current_dir(dir).args(args);
    c
}

/// Runs mon with stdout piped; each stdout line with when it came.
fn timed_lines(mut cmd: Command) -> (Vec<(Duration, String)>, Option<i32>, String) {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let mut lines = Vec::new();
    for line in std::io::BufReader::new(stdout).lines() {
        lines.push((start.elapsed(), line.unwrap()));
    }
    let out = child.wait_with_output().unwrap();
    (
        lines,
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn each_hosts_line_is_printed_when_its_result_comes() {
    let broker = Mosquitto::start();
    let (dir, _, _) = fleet(&broker, Duration::from_secs(3));
    for format in ["text", "json"] {
        let (lines, code, err) = timed_lines(mon_cmd(
            dir.path(),
            &["send-command", "hello", "exec", "--all", "--format", format],
        ));
        assert_eq!(code, Some(0), "{lines:?} {err}");
        let when = |host: &str| {
            lines
                .iter()
                .find(|(_, l)| {
                    l.starts_with(&format!("{host}: "))
                        || l.contains(&format!("\"node\":\"{host}\""))
                })
                .unwrap_or_else(|| panic!("no line for {host}: {lines:?}"))
                .0
        };
        // The fast host's line is out well before the slow host answers.
        assert!(
            when("slow") - when("fast") > Duration::from_millis(2000),
            "{format}: fast at {:?}, slow at {:?}",
            when("fast"),
            when("slow")
        );
        // The summary comes last.
        let last = &lines.last().unwrap().1;
        assert!(
            last.contains("2 hosts: 2 ok") || last.contains("\"summary\""),
            "{last}"
        );
        if format == "text" {
            assert!(
                err.contains("sending to 2 hosts via broker 127.0.0.1:"),
                "{err}"
            );
            assert!(err.contains("as no user; waiting up to 30 s"), "{err}");
        }
    }
}

#[test]
fn the_status_line_shows_on_a_terminal_and_never_in_a_pipe() {
    let broker = Mosquitto::start();
    let (dir, _, _) = fleet(&broker, Duration::from_secs(3));
    let mon = assert_cmd::cargo::cargo_bin("mon");
    let mut cmd = Command::new("sh");
    cmd.current_dir(dir.path()).arg("-c").arg(format!(
        "TERM=xterm {} send-command hello exec --all",
        mon.display()
    ));
    let mut p = rexpect::session::spawn_command(cmd, Some(20_000)).unwrap();
    p.exp_string("sent to 2 hosts, 1 answered, waiting for slow")
        .unwrap();
    p.exp_string("2 hosts: 2 ok").unwrap();
    p.exp_eof().unwrap();
    // Piped, or on a dumb terminal: no status line, no escape codes.
    let out = mon_cmd(dir.path(), &["send-command", "hello", "exec", "--all"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    for stream in [&out.stdout, &out.stderr] {
        let text = String::from_utf8_lossy(stream);
        assert!(
            !text.contains('\u{1b}') && !text.contains("waiting for slow"),
            "{text}"
        );
    }
}

#[test]
fn interrupted_prints_what_came_and_exits_130() {
    let broker = Mosquitto::start();
    let (dir, _, _) = fleet(&broker, Duration::from_secs(20));
    for format in ["text", "json"] {
        let mut child = mon_cmd(
            dir.path(),
            &["send-command", "hello", "exec", "--all", "--format", format],
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
        let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
        let mut first = String::new();
        stdout.read_line(&mut first).unwrap();
        assert!(first.contains("fast"), "{first}");
        // SAFETY: a signal to our own child.
        assert_eq!(unsafe { libc::kill(child.id() as i32, libc::SIGINT) }, 0);
        let mut rest = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut rest).unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(130), "{rest}");
        if format == "text" {
            assert!(rest.contains("2 hosts: 1 ok"), "{rest}");
            assert!(
                rest.contains("interrupted: no result shown for slow"),
                "{rest}"
            );
        } else {
            let summary: serde_json::Value = serde_json::from_str(rest.trim()).unwrap();
            assert_eq!(summary["exit_code"], 130);
            assert_eq!(summary["summary"]["waiting"], serde_json::json!(["slow"]));
        }
    }
}

#[test]
fn a_dry_run_connects_and_subscribes_but_publishes_nothing() {
    let broker = Mosquitto::start();
    let (dir, fast, slow) = fleet(&broker, Duration::ZERO);
    let out = mon_cmd(
        dir.path(),
        &["send-command", "hello", "exec", "--all", "--dry-run"],
    )
    .output()
    .unwrap();
    let text = support::output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("fast: ready: would send "), "{text}");
    assert!(
        text.contains(" B to collectd/fast/command (QoS 2) via broker 127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains("subscribed to collectd/slow/result"),
        "{text}"
    );
    assert!(
        text.contains("2 ready (dry run: nothing was published)"),
        "{text}"
    );
    std::thread::sleep(Duration::from_millis(300));
    assert!(fast.lock().unwrap().is_empty() && slow.lock().unwrap().is_empty());
    let log = std::fs::read_to_string(broker.dir.path().join("mosquitto.log")).unwrap();
    assert!(log.contains("Received SUBSCRIBE from mon-"), "{log}");
    assert!(
        !log.lines()
            .any(|l| l.contains("Received PUBLISH from mon-")),
        "{log}"
    );
    // A dead broker: the same exit as a real send (5).
    let dead = tempfile::tempdir().unwrap();
    std::fs::write(
        dead.path().join("hosts.yaml"),
        "mqtt:\n  main: {host: \"127.0.0.1:1\"}\ncollectd:\n  web1: {broker: main, services: {hello: {commands: {exec: /bin/true}}}}\n",
    )
    .unwrap();
    let out = mon_cmd(dead.path(), &["send-command", "hello", "exec", "--dry-run"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5), "{}", support::output_text(&out));
}

/// A broker that requires client certificates (`require_certificate true`):
/// the right one works from the flags and from the broker definition; one
/// from another CA, an expired one and a missing key are each refused with
/// a clear message and exit 5.
#[test]
fn client_certificates_against_a_broker_that_requires_them() {
    let (broker, clients) = Mosquitto::start_requiring_client_certs();
    responder(broker.port, "t/cmd", "t/res", Behaviour::hello());
    let dir = tempfile::tempdir().unwrap();
    let ca = broker.dir.path().join("ca.pem");
    let write = |name: &str, (cert, key): &(String, String)| {
        let c = dir.path().join(format!("{name}.pem"));
        let k = dir.path().join(format!("{name}.key"));
        std::fs::write(&c, cert).unwrap();
        std::fs::write(&k, key).unwrap();
        (c, k)
    };
    let good = write("good", &clients.good);
    let expired = write("expired", &clients.expired);
    let stranger = write("stranger", &clients.stranger);
    let host = format!("127.0.0.1:{}", broker.tls_port.unwrap());
    // Every send here: the TLS listener, its CA, and `extra`.
    let base = |extra: &[&str]| {
        let ca = ca.to_str().unwrap();
        let mut args = vec![
            "send-command",
            "hello",
            "exec",
            "--host",
            &host,
            "--topic",
            "t/cmd",
            "--result-topic",
            "t/res",
            "--timeout",
            "5s",
            "--cafile",
            ca,
        ];
        args.extend_from_slice(extra);
        mon_cmd(dir.path(), &args).output().unwrap()
    };
    let send = |cert: &Path, key: &Path| {
        base(&[
            "--cert",
            cert.to_str().unwrap(),
            "--key",
            key.to_str().unwrap(),
        ])
    };
    let out = send(&good.0, &good.1);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    for (what, (cert, key), says) in [
        ("another CA", &stranger, "refused the client certificate"),
        ("expired", &expired, "refused the client certificate"),
    ] {
        let out = send(cert, key);
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(5), "{what}: {text}");
        assert!(text.contains(says), "{what}: {text}");
    }
    let out = send(&good.0, &dir.path().join("missing.key"));
    let text = support::output_text(&out);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(text.contains("cannot read client key"), "{text}");
    // Without a certificate at all: refused as well.
    let out = base(&[]);
    assert_eq!(out.status.code(), Some(5), "{}", support::output_text(&out));
    // From a broker definition: cert as a path, key as a secret reference.
    std::fs::write(
        dir.path().join("hosts.yaml"),
        format!(
            "mqtt:\n  main:\n    host: \"{host}\"\n    cafile: {}\n    cert: {}\n    key: {{file: good.key}}\ncollectd:\n  web1:\n    broker: main\n    command_topic: t/cmd\n    result_topic: t/res\n    services:\n      hello: {{commands: {{exec: /bin/echo hi}}}}\n",
            ca.display(),
            good.0.display()
        ),
    )
    .unwrap();
    let out = mon_cmd(
        dir.path(),
        &[
            "send-command",
            "hello",
            "exec",
            "--node",
            "web1",
            "--timeout",
            "5s",
        ],
    )
    .output()
    .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
}
