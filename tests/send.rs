//! `mon send-command` / `mon send-config` against a real mosquitto and a
//! responder that answers as lua-collectd-monitor's remote.lua does.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use assert_cmd::Command;
use support::mqtt::{responder, Behaviour, Mosquitto};

fn defs(dir: &Path, broker_host: &str, hosts: &[&str]) {
    let mut text = format!("mqtt:\n  main: {{host: \"{broker_host}\"}}\ncollectd:\n");
    for h in hosts {
        text.push_str(&format!(
            "  {h}:\n    broker: main\n    services:\n      hello: {{commands: {{exec: /bin/echo \"Hello World!\"}}}}\n      nginx: {{commands: {{reload: systemctl reload nginx}}}}\n"
        ));
    }
    std::fs::write(dir.join("hosts.yaml"), text).unwrap();
}

/// `--format json` output: one JSON object per line, a host's each, as
/// results come; the summary object last.
fn ndjson(stdout: &[u8]) -> (Vec<serde_json::Value>, serde_json::Value) {
    let mut lines: Vec<serde_json::Value> = String::from_utf8_lossy(stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let summary = lines.pop().expect("a summary line");
    assert!(summary.get("summary").is_some(), "{summary}");
    (lines, summary)
}

fn mon(dir: &Path, args: &[&str]) -> std::process::Output {
    Command::cargo_bin("mon")
        .unwrap()
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap()
}

/// The explicit form of the reference senders: broker and topics as flags.
fn explicit(broker: &Mosquitto) -> Vec<String> {
    vec![
        "--host".into(),
        broker.host(),
        "--topic".into(),
        "t/cmd".into(),
        "--result-topic".into(),
        "t/res".into(),
    ]
}

fn send_explicit(
    broker: &Mosquitto,
    service: &str,
    command: &str,
    extra: &[&str],
) -> std::process::Output {
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["send-command".into(), service.into(), command.into()];
    args.extend(explicit(broker));
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    mon(dir.path(), &args)
}

#[test]
fn the_one_host_in_the_definitions_gets_the_task_and_its_result() {
    let broker = Mosquitto::start();
    let seen = responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        Behaviour::hello(),
    );
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), &broker.host(), &["web1"]);
    let out = mon(dir.path(), &["send-command", "hello", "exec"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("web1: ok (task "), "{stdout}");
    assert!(stdout.ends_with("\n  Hello World!\n"), "{stdout}");
    // The message is exactly what remote.lua validates.
    let task = seen.lock().unwrap()[0].clone();
    let id = task["task_id"].as_u64().unwrap();
    assert!((1..=1u64 << 32).contains(&id));
    assert_eq!(task["service"], "hello");
    assert_eq!(task["command"], "exec");
    let ts = task["timestamp"].as_str().unwrap();
    assert_eq!(ts.len(), 20, "{ts}");
    assert!(ts.ends_with('Z') && ts.as_bytes()[10] == b'T', "{ts}");
    assert_eq!(task.as_object().unwrap().len(), 4);
}

#[test]
fn each_error_code_is_explained_and_fails_the_exit_code() {
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    let svc = b.commands.entry("app".into()).or_default();
    svc.insert(
        "noconf".into(),
        (
            Some(4097),
            "Cannot handle \"x\" command: No service is configured!".into(),
        ),
    );
    svc.insert("exit2".into(), (Some(2), "".into()));
    responder(broker.port, "t/cmd", "t/res", b);
    let cases = [
        (
            "nosuch",
            "exec",
            "code 4098 = 0x1002: unknown service",
            "Cannot find the service settings for: nosuch",
        ),
        (
            "hello",
            "nosuch",
            "code 4099 = 0x1003: unknown command for this service",
            "Cannot find nosuch command for hello",
        ),
        (
            "app",
            "noconf",
            "code 4097 = 0x1001:",
            "No service is configured!",
        ),
        (
            "app",
            "exit2",
            "code 2 = the command exited with status 2",
            "",
        ),
    ];
    for (service, command, meaning, message) in cases {
        let out = send_explicit(&broker, service, command, &[]);
        assert_eq!(
            out.status.code(),
            Some(8),
            "{service} {command}: {}",
            support::output_text(&out)
        );
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(stdout.contains(&format!("failed: {meaning}")), "{stdout}");
        assert!(stdout.contains(message), "{stdout}");
    }
}

#[test]
fn a_result_without_code_has_its_own_exit_code() {
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.commands
        .get_mut("hello")
        .unwrap()
        .insert("exec".into(), (None, "".into()));
    responder(broker.port, "t/cmd", "t/res", b);
    let out = send_explicit(&broker, "hello", "exec", &[]);
    assert_eq!(out.status.code(), Some(9), "{}", support::output_text(&out));
    assert!(support::output_text(&out).contains("result without a code"));
}

#[test]
fn string_task_ids_duplicates_and_other_tasks_results_are_handled() {
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.task_id_as_string = true;
    b.noise_before = true;
    b.noise_after = true;
    b.duplicate = true;
    responder(broker.port, "t/cmd", "t/res", b);
    let out = send_explicit(&broker, "hello", "exec", &["-v", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let (v, summary) = ndjson(&out.stdout);
    assert_eq!(v.len(), 1);
    assert_eq!(summary["summary"]["ok"], 1);
    assert_eq!(summary["exit_code"], 0);
    assert_eq!(v[0]["outcome"], "ok");
    assert_eq!(v[0]["message"], "Hello World!");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("ignored on t/res: {\"code\":0,\"message\":\"someone else's\""),
        "{stderr}"
    );
    assert!(
        stderr.contains("ignored on t/res: (not a JSON object) not json at all"),
        "{stderr}"
    );
}

#[test]
fn no_responder_is_a_timeout_in_time() {
    let broker = Mosquitto::start();
    let start = Instant::now();
    let out = send_explicit(&broker, "hello", "exec", &["--timeout", "1s"]);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{}",
        support::output_text(&out)
    );
    assert!(
        start.elapsed() < Duration::from_secs(4),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        support::output_text(&out).contains("timeout: no result for task"),
        "{}",
        support::output_text(&out)
    );
}

#[test]
fn a_dead_broker_fails_fast_and_clearly() {
    let port = support::free_port();
    let dir = tempfile::tempdir().unwrap();
    let start = Instant::now();
    let out = mon(
        dir.path(),
        &[
            "send-command",
            "hello",
            "exec",
            "--host",
            &format!("127.0.0.1:{port}"),
            "--topic",
            "a",
            "--result-topic",
            "b",
        ],
    );
    assert_eq!(out.status.code(), Some(5), "{}", support::output_text(&out));
    assert!(
        start.elapsed() < Duration::from_secs(3),
        "took {:?}",
        start.elapsed()
    );
    assert!(
        support::output_text(&out).contains(&format!("cannot connect to broker 127.0.0.1:{port}")),
        "{}",
        support::output_text(&out)
    );
}

#[test]
fn a_broker_with_passwords_gets_them_from_flags_environment_files_and_definitions() {
    let broker = Mosquitto::start_with_users(&[("collectd", "s3cret")]);
    let b = Behaviour {
        credentials: Some(("collectd".into(), "s3cret".into())),
        ..Behaviour::hello()
    };
    responder(broker.port, "t/cmd", "t/res", b);
    let dir = tempfile::tempdir().unwrap();
    // A refusal names the account tried and where it came from, never
    // its password.
    for (creds, says) in [
        (&[][..], "without a user name (give --user"),
        (
            &["--user", "collectd", "--password", "wrong"][..],
            "for user `collectd` (from flag --user, with a password; check its password",
        ),
    ] {
        let start = Instant::now();
        let out = send_explicit(&broker, "hello", "exec", creds);
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(5), "{text}");
        assert!(text.contains("refused the connection"), "{text}");
        assert!(text.contains(says), "{text}");
        assert!(!text.contains("wrong"), "{text}");
        assert!(start.elapsed() < Duration::from_secs(3), "{text}");
    }
    // A password exported without a user is not used, and said so.
    let mut args = vec!["send-command", "hello", "exec"];
    let flags = explicit(&broker);
    args.extend(flags.iter().map(String::as_str));
    let out = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(dir.path())
        .env("MON_MQTT_PASSWORD", "s3cret")
        .args(&args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(5));
    assert!(
        support::output_text(&out).contains("warning: MON_MQTT_PASSWORD is set but no --user"),
        "{}",
        support::output_text(&out)
    );

    let ok = |out: std::process::Output| {
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
        assert!(support::output_text(&out).contains("Hello World!"));
    };
    ok(send_explicit(
        &broker,
        "hello",
        "exec",
        &["--user", "collectd", "--password", "s3cret"],
    ));
    std::fs::write(dir.path().join("pw"), "s3cret\n").unwrap();
    let pw = dir.path().join("pw");
    ok(send_explicit(
        &broker,
        "hello",
        "exec",
        &[
            "--user",
            "collectd",
            "--password-file",
            pw.to_str().unwrap(),
        ],
    ));
    let mut args = vec!["send-command", "hello", "exec", "--user", "collectd"];
    let flags = explicit(&broker);
    args.extend(flags.iter().map(String::as_str));
    ok(Command::cargo_bin("mon")
        .unwrap()
        .current_dir(dir.path())
        .env("MON_MQTT_PASSWORD", "s3cret")
        .args(&args)
        .output()
        .unwrap());

    // From the definitions: the broker's user, and its password as a secret.
    std::fs::write(
        dir.path().join("hosts.yaml"),
        format!(
            "mqtt:\n  main: {{host: \"{}\", user: collectd, password: {{env: TEST_MQTT_PW}}}}\ncollectd:\n  web1:\n    broker: main\n    command_topic: t/cmd\n    result_topic: t/res\n    services:\n      hello: {{commands: {{exec: /bin/echo hi}}}}\n",
            broker.host()
        ),
    )
    .unwrap();
    let by_node = |pw: Option<&str>| {
        let mut c = Command::cargo_bin("mon").unwrap();
        c.current_dir(dir.path())
            .args(["send-command", "hello", "exec", "--node", "web1"]);
        match pw {
            Some(p) => c.env("TEST_MQTT_PW", p),
            None => c.env_remove("TEST_MQTT_PW"),
        };
        c.output().unwrap()
    };
    ok(by_node(Some("s3cret")));
    let wrong = by_node(Some("nope"));
    assert_eq!(
        wrong.status.code(),
        Some(5),
        "{}",
        support::output_text(&wrong)
    );
    assert!(
        support::output_text(&wrong).contains(
            "for user `collectd` (from broker `main` in the definitions, with a password"
        ),
        "{}",
        support::output_text(&wrong)
    );
    assert!(!support::output_text(&wrong).contains("nope"));
    let unset = by_node(None);
    assert_eq!(
        unset.status.code(),
        Some(3),
        "{}",
        support::output_text(&unset)
    );
    assert!(
        support::output_text(&unset).contains("TEST_MQTT_PW"),
        "{}",
        support::output_text(&unset)
    );
}

#[test]
fn a_broker_restart_while_waiting_is_survived() {
    let mut broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.delay = Duration::from_millis(2500);
    let seen = responder(broker.port, "t/cmd", "t/res", b);
    let dir = tempfile::tempdir().unwrap();
    let mut args = vec![
        "send-command".to_string(),
        "hello".into(),
        "exec".into(),
        "--timeout".into(),
        "15s".into(),
    ];
    args.extend(explicit(&broker));
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mon"))
        .current_dir(dir.path())
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while seen.lock().unwrap().is_empty() {
        assert!(Instant::now() < deadline, "the task never arrived");
        std::thread::sleep(Duration::from_millis(20));
    }
    // The host is working on it; the broker goes away and comes back.
    broker.restart();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with(&format!("{}: ok (task ", broker.host())),
        "{}",
        support::output_text(&out)
    );
}

#[test]
fn tls_against_a_broker_with_a_generated_certificate() {
    let broker = Mosquitto::start_with_tls();
    let tls_port = broker.tls_port.unwrap();
    responder(broker.port, "t/cmd", "t/res", Behaviour::hello());
    let dir = tempfile::tempdir().unwrap();
    let ca = broker.dir.path().join("ca.pem");
    let host = format!("127.0.0.1:{tls_port}");
    let base = [
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
    ];
    let verified = mon(
        dir.path(),
        &[&base[..], &["--cafile", ca.to_str().unwrap()]].concat(),
    );
    assert_eq!(
        verified.status.code(),
        Some(0),
        "{}",
        support::output_text(&verified)
    );
    // Without the CA the certificate is not trusted...
    let untrusted = mon(dir.path(), &[&base[..], &["--secure"]].concat());
    assert_eq!(
        untrusted.status.code(),
        Some(5),
        "{}",
        support::output_text(&untrusted)
    );
    // ...unless verification is explicitly off, as the collectd plugin runs it.
    let insecure = mon(dir.path(), &[&base[..], &["--insecure"]].concat());
    assert_eq!(
        insecure.status.code(),
        Some(0),
        "{}",
        support::output_text(&insecure)
    );
}

#[test]
fn fan_out_to_twenty_hosts() {
    let broker = Mosquitto::start();
    let hosts: Vec<String> = (0..20).map(|i| format!("h{i:02}")).collect();
    for h in &hosts[..19] {
        responder(
            broker.port,
            &format!("collectd/{h}/command"),
            &format!("collectd/{h}/result"),
            Behaviour::hello(),
        );
    }
    let mut silent = Behaviour::hello();
    silent.silent = true;
    responder(
        broker.port,
        "collectd/h19/command",
        "collectd/h19/result",
        silent,
    );
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<&str> = hosts.iter().map(String::as_str).collect();
    defs(dir.path(), &broker.host(), &names);
    let start = Instant::now();
    let out = mon(
        dir.path(),
        &["send-command", "hello", "exec", "--all", "--timeout", "3s"],
    );
    // Nineteen answer; the silent one makes the worst outcome a timeout.
    assert_eq!(
        out.status.code(),
        Some(10),
        "{}",
        support::output_text(&out)
    );
    assert!(
        start.elapsed() < Duration::from_secs(6),
        "took {:?}: not concurrent",
        start.elapsed()
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains(": ok (task")).count(),
        19,
        "{stdout}"
    );
    assert!(stdout.contains("h19: timeout:"), "{stdout}");
    let some = mon(
        dir.path(),
        &[
            "send-command",
            "hello",
            "exec",
            "--node",
            "h03",
            "--node",
            "h07",
        ],
    );
    assert_eq!(
        some.status.code(),
        Some(0),
        "{}",
        support::output_text(&some)
    );
    assert_eq!(
        String::from_utf8_lossy(&some.stdout)
            .lines()
            .filter(|l| l.starts_with("h0"))
            .count(),
        2
    );
}

#[test]
fn requests_are_checked_against_the_definitions_before_sending() {
    let broker = Mosquitto::start();
    let seen = responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        Behaviour::hello(),
    );
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), &broker.host(), &["web1", "web2"]);
    let ambiguous = mon(dir.path(), &["send-command", "hello", "exec"]);
    assert_eq!(ambiguous.status.code(), Some(2));
    assert!(
        support::output_text(&ambiguous)
            .contains("2 collectd hosts (web1, web2); choose with --node HOST or --all"),
        "{}",
        support::output_text(&ambiguous)
    );
    let unknown = mon(
        dir.path(),
        &["send-command", "helo", "exec", "--node", "web1"],
    );
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        support::output_text(&unknown)
            .contains("`web1` has no service `helo` (it has: hello, nginx)"),
        "{}",
        support::output_text(&unknown)
    );
    let typo = mon(
        dir.path(),
        &["send-command", "hello", "exec", "--node", "web3"],
    );
    assert!(
        support::output_text(&typo).contains("did you mean"),
        "{}",
        support::output_text(&typo)
    );
    assert!(seen.lock().unwrap().is_empty(), "nothing may be sent");
}

#[test]
fn send_config_reports_the_replacement_result() {
    let broker = Mosquitto::start();
    let mut ok = Behaviour::hello();
    ok.config_code = Some(Some(0));
    let seen = responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        ok,
    );
    let mut broken = Behaviour::hello();
    broken.config_code = Some(Some(0x2002));
    responder(
        broker.port,
        "collectd/web2/command",
        "collectd/web2/result",
        broken,
    );
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), &broker.host(), &["web1", "web2"]);
    let conf = "LoadPlugin cpu\nInterval 10\n";
    std::fs::write(dir.path().join("collectd.conf"), conf).unwrap();
    let out = mon(
        dir.path(),
        &["send-config", "--file", "collectd.conf", "--node", "web1"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    assert!(support::output_text(&out).contains("Succeeded to replace the config."));
    assert_eq!(seen.lock().unwrap()[0]["config"], conf);
    let bad = mon(
        dir.path(),
        &["send-config", "--file", "collectd.conf", "--node", "web2"],
    );
    assert_eq!(bad.status.code(), Some(8), "{}", support::output_text(&bad));
    assert!(
        support::output_text(&bad).contains("code 8194 = 0x2002: the new config is broken"),
        "{}",
        support::output_text(&bad)
    );

    std::fs::write(dir.path().join("latin1.conf"), b"Hostname \"caf\xe9\"\n").unwrap();
    let latin = mon(
        dir.path(),
        &["send-config", "--file", "latin1.conf", "--node", "web1"],
    );
    assert_eq!(latin.status.code(), Some(3));
    assert!(
        support::output_text(&latin).contains("not UTF-8"),
        "{}",
        support::output_text(&latin)
    );
    let f = std::fs::File::create(dir.path().join("huge.conf")).unwrap();
    f.set_len(2 * 1024 * 1024).unwrap();
    let huge = mon(
        dir.path(),
        &["send-config", "--file", "huge.conf", "--node", "web1"],
    );
    assert_eq!(huge.status.code(), Some(3));
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "refused files are never sent"
    );
}

#[test]
fn send_config_check_uses_collectds_own_parser() {
    let broker = Mosquitto::start();
    let mut ok = Behaviour::hello();
    ok.config_code = Some(Some(0));
    let seen = responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        ok,
    );
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), &broker.host(), &["web1"]);
    // The fork's <Module> block is fine: the check strips it for stock collectd.
    let good = "LoadPlugin logfile\n<LoadPlugin lua>\n  Globals true\n</LoadPlugin>\n<Plugin lua>\n  BasePath \"/usr/local/share/lua/5.1\"\n  Script \"collectd/monitor/remote.lua\"\n  <Module \"collectd/monitor/remote.lua\">\n    MonitorConfigPath \"/etc/collectd/monitor/config.json\"\n  </Module>\n</Plugin>\nLoadPlugin cpu\n";
    std::fs::write(dir.path().join("good.conf"), good).unwrap();
    let out = mon(
        dir.path(),
        &[
            "send-config",
            "--file",
            "good.conf",
            "--node",
            "web1",
            "--check",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    std::fs::write(
        dir.path().join("broken.conf"),
        "LoadPlugin cpu\n<Plugin cpu>\n  ReportByCpu true\n",
    )
    .unwrap();
    let bad = mon(
        dir.path(),
        &[
            "send-config",
            "--file",
            "broken.conf",
            "--node",
            "web1",
            "--check",
        ],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", support::output_text(&bad));
    let said = support::output_text(&bad);
    assert!(said.contains("collectd rejects broken.conf"), "{said}");
    // collectd's own words, about the user's file and its own lines (the
    // file has 3 lines; the unclosed block is reported at its end).
    assert!(
        said.contains("Parse error in file `broken.conf', line 4"),
        "{said}"
    );
    assert!(!said.contains("/tmp") && !said.contains(".tmp"), "{said}");
    // The reason collectd gives is shown, not only its "failed" line.
    std::fs::write(dir.path().join("unknown.conf"), "LoadPlugin nosuchplugin\n").unwrap();
    let bad = mon(
        dir.path(),
        &[
            "send-config",
            "--file",
            "unknown.conf",
            "--node",
            "web1",
            "--check",
        ],
    );
    assert_eq!(bad.status.code(), Some(1), "{}", support::output_text(&bad));
    let said = support::output_text(&bad);
    assert!(
        said.contains("Could not find plugin \"nosuchplugin\""),
        "{said}"
    );
    // A file that loads other plugins before the bad one: the error, not
    // collectd's "[info] plugin ... successfully loaded" lines (-v has them).
    std::fs::write(
        dir.path().join("mixed.conf"),
        "LoadPlugin cpu\nLoadPlugin load\nLoadPlugin nosuchplugin\n",
    )
    .unwrap();
    let args = [
        "send-config",
        "--file",
        "mixed.conf",
        "--node",
        "web1",
        "--check",
    ];
    let quiet = support::output_text(&mon(dir.path(), &args));
    assert!(
        quiet.contains("nosuchplugin") && !quiet.contains("successfully loaded"),
        "{quiet}"
    );
    assert!(
        !quiet.contains("/tmp") && !quiet.contains(".tmp"),
        "{quiet}"
    );
    let verbose = support::output_text(&mon(dir.path(), &[&args[..], &["-v"]].concat()));
    assert!(
        verbose.contains("plugin \"cpu\" successfully loaded"),
        "{verbose}"
    );
    assert_eq!(
        seen.lock().unwrap().len(),
        1,
        "the rejected files are not sent"
    );
}

#[test]
fn the_operators_own_account_works_with_node_and_from_mon_toml() {
    let broker = Mosquitto::start_with_users(&[("collectd", "s3cret"), ("ops", "opspw")]);
    let b = Behaviour {
        credentials: Some(("collectd".into(), "s3cret".into())),
        ..Behaviour::hello()
    };
    responder(broker.port, "t/cmd", "t/res", b);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("hosts.yaml"),
        format!(
            "mqtt:\n  main: {{host: \"{}\", user: collectd, password: {{env: TEST_MQTT_PW}}}}\ncollectd:\n  web1:\n    broker: main\n    command_topic: t/cmd\n    result_topic: t/res\n    services:\n      hello: {{commands: {{exec: /bin/echo hi}}}}\n",
            broker.host()
        ),
    )
    .unwrap();
    // The hosts' password is not set: only the operator's account can connect.
    let send = |args: &[&str], env: &[(&str, &str)]| {
        let mut c = Command::cargo_bin("mon").unwrap();
        c.current_dir(dir.path())
            .env_remove("TEST_MQTT_PW")
            .env_remove("MON_MQTT_PASSWORD")
            .args(["send-command", "hello", "exec", "--node", "web1"])
            .args(args);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let out = send(&["--user", "ops", "--password", "opspw"], &[]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let out = send(&["--user", "ops"], &[("MON_MQTT_PASSWORD", "opspw")]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let out = send(&["--user", "ops", "--password", "wrong"], &[]);
    assert_eq!(out.status.code(), Some(5), "{}", support::output_text(&out));
    let out = send(&["--password", "opspw"], &[]);
    assert_eq!(out.status.code(), Some(2), "{}", support::output_text(&out));
    assert!(support::output_text(&out).contains("a password needs --user"));

    // A MON_MQTT_PASSWORD exported for something else, with no user: the
    // definitions' account is used, as before.
    let out = send(
        &[],
        &[("MON_MQTT_PASSWORD", "opspw"), ("TEST_MQTT_PW", "s3cret")],
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));

    // The account in mon.toml, its password a reference.
    std::fs::write(
        dir.path().join("mon.toml"),
        "[mqtt]\nuser = \"ops\"\npassword = { env = \"OPS_PW\" }\n",
    )
    .unwrap();
    let out = send(&[], &[("OPS_PW", "opspw")]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let out = send(&[], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", support::output_text(&out));
    assert!(support::output_text(&out)
        .contains("[mqtt] password: environment variable OPS_PW is not set"));
}

#[test]
fn hostile_results_and_topics_are_handled() {
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.code_as_float = true;
    b.big_noise_before = Some(6 << 20);
    b.commands.entry("svc".into()).or_default().insert(
        "escape".into(),
        (Some(0), "\u{1b}[2Jcleared your screen".into()),
    );
    b.commands
        .entry("svc".into())
        .or_default()
        .insert("huge".into(), (Some(0), "y".repeat(2 << 20)));
    responder(broker.port, "t/cmd", "t/res", b);

    // `code: 0.0` is code 0; a 6 MiB foreign message before it costs nothing.
    let out = send_explicit(&broker, "hello", "exec", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    assert!(support::output_text(&out).contains("Hello World!"));

    // Escape sequences from the network reach the terminal escaped.
    let out = send_explicit(&broker, "svc", "escape", &[]);
    let text = support::output_text(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(!text.contains('\u{1b}'), "{text:?}");
    assert!(text.contains("\\u{1b}[2Jcleared your screen"), "{text}");

    // Our own result over the limit is reported by its size.
    let out = send_explicit(&broker, "svc", "huge", &[]);
    let text = support::output_text(&out);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        &text[..200.min(text.len())]
    );
    assert!(
        text.contains("over mon's 1048576 byte limit"),
        "{}",
        &text[text.len().saturating_sub(300)..]
    );
    assert!(text.len() < 200_000);

    // Topics that would read mon's own task, refused before connecting.
    let dir = tempfile::tempdir().unwrap();
    for (topic, result) in [("t", "t"), ("t/cmd", "t/#"), ("t/+", "t/res")] {
        let out = mon(
            dir.path(),
            &[
                "send-command",
                "hello",
                "exec",
                "--host",
                "127.0.0.1:1",
                "--topic",
                topic,
                "--result-topic",
                result,
            ],
        );
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(2), "{topic} {result}: {text}");
        assert!(text.contains("nothing was sent"), "{text}");
    }
}

#[test]
fn a_broker_that_dies_and_stays_down_is_exit_5() {
    let mut broker = Mosquitto::start();
    let b = Behaviour {
        silent: true,
        ..Behaviour::hello()
    };
    responder(broker.port, "t/cmd", "t/res", b);
    let host = broker.host();
    let child = std::thread::spawn(move || {
        let dir = tempfile::tempdir().unwrap();
        mon(
            dir.path(),
            &[
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
                "3s",
            ],
        )
    });
    std::thread::sleep(Duration::from_millis(800));
    broker.stop();
    let out = child.join().unwrap();
    let text = support::output_text(&out);
    assert_eq!(out.status.code(), Some(5), "{text}");
    assert!(
        text.contains("went away and was not back within --timeout"),
        "{text}"
    );
}

#[test]
fn pipes_and_devices_are_never_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = support::fifo(&dir.path().join("fifo"));
    let fifo = fifo.to_str().unwrap();
    for args in [
        vec![
            "send-config",
            "--file",
            fifo,
            "--host",
            "127.0.0.1:1",
            "--topic",
            "a",
            "--result-topic",
            "b",
        ],
        vec![
            "send-config",
            "--file",
            "/dev/zero",
            "--host",
            "127.0.0.1:1",
            "--topic",
            "a",
            "--result-topic",
            "b",
        ],
        vec![
            "send-command",
            "s",
            "c",
            "--host",
            "127.0.0.1:1",
            "--topic",
            "a",
            "--result-topic",
            "b",
            "--user",
            "u",
            "--password-file",
            fifo,
        ],
    ] {
        let start = Instant::now();
        let out = mon(dir.path(), &args);
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {text}");
        assert!(text.contains("not a regular file"), "{text}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }
}

/// remote.lua answers a redelivered copy of a running task with 0x1100 and
/// the same task id; the real result follows (reference
/// lua-collectd-monitor.md §4.3). That answer is not the result.
#[test]
fn a_duplicate_delivery_is_reported_and_the_real_result_awaited() {
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.redelivered = true;
    b.delay = Duration::from_millis(400);
    responder(broker.port, "t/cmd", "t/res", b);
    let out = send_explicit(&broker, "hello", "exec", &[]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains(": ok (task"), "{stdout}");
    assert!(stdout.contains("delivered twice"), "{stdout}");
    assert!(stdout.contains("Hello World!"), "{stdout}");
    let out = send_explicit(&broker, "hello", "exec", &["--format", "json"]);
    let (v, _) = ndjson(&out.stdout);
    assert_eq!(v[0]["outcome"], "ok");
    assert_eq!(v[0]["duplicates"], 1);

    // Only the 0x1100 ever comes: a timeout that says the host has the task.
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.redelivered = true;
    b.silent = true;
    responder(broker.port, "t/cmd", "t/res", b);
    let out = send_explicit(&broker, "hello", "exec", &["--timeout", "1s"]);
    assert_eq!(
        out.status.code(),
        Some(10),
        "{}",
        support::output_text(&out)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("though the host got it"), "{stdout}");
}

/// mon says goodbye: the broker logs a DISCONNECT ("disconnected"), not a
/// socket closed without one ("closed its connection"), at every QoS.
#[test]
fn the_connection_ends_with_a_disconnect_at_every_qos() {
    let broker = Mosquitto::start();
    responder(broker.port, "t/cmd", "t/res", Behaviour::hello());
    for qos in ["0", "1", "2"] {
        let id = format!("mon-disconnect-test-{qos}");
        let out = send_explicit(
            &broker,
            "hello",
            "exec",
            &["--qos", qos, "--client-id", &id],
        );
        assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            let log = std::fs::read_to_string(broker.dir.path().join("mosquitto.log")).unwrap();
            assert!(
                !log.contains(&format!("Client {id} closed its connection")),
                "QoS {qos}: {log}"
            );
            if log.contains(&format!("Client {id} disconnected.")) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "QoS {qos}: no DISCONNECT logged: {log}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// The deploy flow: without FILE each host gets its own collectd.conf,
/// exactly as `mon render collectd` writes it, checked by collectd first.
/// A file for another host, or a config.json, is refused unless --force.
#[test]
fn send_config_deploys_each_hosts_own_rendered_config() {
    let broker = Mosquitto::start();
    let mut ok = Behaviour::hello();
    ok.config_code = Some(Some(0));
    let seen_web1 = responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        ok.clone(),
    );
    let seen_db1 = responder(
        broker.port,
        "collectd/db1/command",
        "collectd/db1/result",
        ok,
    );
    let dir = tempfile::tempdir().unwrap();
    defs(dir.path(), &broker.host(), &["web1", "db1"]);
    let out = mon(dir.path(), &["send-config", "--all"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let rendered = mon(dir.path(), &["render", "collectd", ".", "--out", "out"]);
    assert_eq!(
        rendered.status.code(),
        Some(0),
        "{}",
        support::output_text(&rendered)
    );
    for (host, seen) in [("web1", &seen_web1), ("db1", &seen_db1)] {
        let tasks = seen.lock().unwrap().clone();
        assert_eq!(tasks.len(), 1, "{host}: {tasks:?}");
        let file = std::fs::read_to_string(
            dir.path()
                .join(format!("out/collectd/{host}/collectd.conf")),
        )
        .unwrap();
        assert_eq!(
            tasks[0]["config"].as_str().unwrap(),
            file,
            "{host} got its own file"
        );
        assert!(file.contains(&format!("Hostname \"{host}\"")), "{file}");
    }

    // web1's file to db1: refused, nothing sent; --force sends it.
    let wrong = mon(
        dir.path(),
        &[
            "send-config",
            "--file",
            "out/collectd/web1/collectd.conf",
            "--node",
            "db1",
        ],
    );
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "{}",
        support::output_text(&wrong)
    );
    let said = support::output_text(&wrong);
    assert!(
        said.contains("sets Hostname \"web1\", but `db1` is \"db1\""),
        "{said}"
    );
    assert_eq!(seen_db1.lock().unwrap().len(), 1, "nothing more sent");
    // collectd takes the last Hostname: a file that names db1 first and
    // web1 last would make db1 report as web1.
    let web1 = std::fs::read_to_string(dir.path().join("out/collectd/web1/collectd.conf")).unwrap();
    let two = format!("Hostname \"db1\"\n{web1}");
    std::fs::write(dir.path().join("two-names.conf"), two).unwrap();
    let wrong = mon(
        dir.path(),
        &["send-config", "--file", "two-names.conf", "--node", "db1"],
    );
    assert_eq!(
        wrong.status.code(),
        Some(2),
        "{}",
        support::output_text(&wrong)
    );
    assert!(
        support::output_text(&wrong).contains("sets Hostname \"web1\""),
        "{}",
        support::output_text(&wrong)
    );
    assert_eq!(seen_db1.lock().unwrap().len(), 1, "nothing more sent");
    let forced = mon(
        dir.path(),
        &[
            "send-config",
            "--file",
            "out/collectd/web1/collectd.conf",
            "--node",
            "db1",
            "--force",
        ],
    );
    assert_eq!(
        forced.status.code(),
        Some(0),
        "{}",
        support::output_text(&forced)
    );
    assert_eq!(seen_db1.lock().unwrap().len(), 2);

    // config.json cannot travel over this protocol.
    let json = mon(
        dir.path(),
        &[
            "send-config",
            "--file",
            "out/collectd/web1/config.json",
            "--node",
            "web1",
        ],
    );
    assert_eq!(
        json.status.code(),
        Some(2),
        "{}",
        support::output_text(&json)
    );
    assert!(support::output_text(&json)
        .contains("config.json and trigger files cannot travel over this protocol"));
    assert_eq!(seen_web1.lock().unwrap().len(), 1, "nothing more sent");

    // Templates from mon.toml, as `mon render` takes them: what is sent is
    // what render writes.
    std::fs::create_dir(dir.path().join("tpl")).unwrap();
    std::fs::write(
        dir.path().join("tpl/collectd.conf.j2"),
        "Hostname {{ hostname | cq }}\nLoadPlugin cpu\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("mon.toml"),
        "[render]\ntemplates = \"tpl\"\n",
    )
    .unwrap();
    let out = mon(dir.path(), &["send-config", "--node", "web1"]);
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    let last = seen_web1.lock().unwrap().last().cloned().unwrap();
    assert_eq!(last["config"], "Hostname \"web1\"\nLoadPlugin cpu\n");
    std::fs::remove_file(dir.path().join("mon.toml")).unwrap();

    // A host whose rendered file collectd refuses: nothing is sent to anyone.
    let mut text = std::fs::read_to_string(dir.path().join("hosts.yaml")).unwrap();
    text.push_str("    plugins: {nosuchplugin: {}}\n");
    std::fs::write(dir.path().join("hosts.yaml"), text).unwrap();
    let refused = mon(dir.path(), &["send-config", "--all"]);
    assert_eq!(
        refused.status.code(),
        Some(1),
        "{}",
        support::output_text(&refused)
    );
    let said = support::output_text(&refused);
    assert!(
        said.contains("collectd rejects collectd/db1/collectd.conf (rendered)"),
        "{said}"
    );
    assert!(
        said.contains("Could not find plugin \"nosuchplugin\""),
        "{said}"
    );
    assert_eq!(seen_web1.lock().unwrap().len(), 2);
    assert_eq!(seen_db1.lock().unwrap().len(), 2);
}

/// Hosts on one broker share one connection: 200 hosts at QoS 2, one client
/// of mon's in the broker's log, every host its own result. (With rumqttc's
/// default of 100 publishes in flight, mosquitto lost all but 40 tasks.)
#[test]
fn hosts_on_one_broker_share_one_connection() {
    let broker = Mosquitto::start();
    let seen = responder(
        broker.port,
        "collectd/+/command",
        "collectd/+/result",
        Behaviour::hello(),
    );
    let dir = tempfile::tempdir().unwrap();
    let names: Vec<String> = (0..200).map(|i| format!("h{i:03}")).collect();
    let refs: Vec<&str> = names.iter().map(String::as_str).collect();
    defs(dir.path(), &broker.host(), &refs);
    let args = ["send-command", "hello", "exec", "--all", "--timeout", "10s"];
    let out = mon(
        dir.path(),
        &[
            &args[..],
            &["--client-id", "mon-fanout", "--format", "json"],
        ]
        .concat(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
    assert_eq!(seen.lock().unwrap().len(), 200);
    let (mut all, summary) = ndjson(&out.stdout);
    assert_eq!(all.len(), 200);
    assert_eq!(summary["summary"]["ok"], 200);
    // In the order results came; every host once.
    all.sort_by_key(|r| names.iter().position(|n| r["node"] == n.as_str()));
    let mut ids = std::collections::BTreeSet::new();
    for (r, name) in all.iter().zip(&names) {
        assert_eq!(r["node"], name.as_str());
        assert_eq!(r["outcome"], "ok", "{r}");
        assert!(
            ids.insert(r["task_id"].as_u64().unwrap()),
            "task ids differ"
        );
    }
    let log = std::fs::read_to_string(broker.dir.path().join("mosquitto.log")).unwrap();
    let mine = log
        .lines()
        .filter(|l| l.contains("New client connected") && l.contains(" as mon-fanout"))
        .count();
    assert_eq!(mine, 1, "one connection for 200 hosts:\n{log}");
    // Text output: one line per host, then the result's message.
    let out = mon(dir.path(), &args);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        text.lines().filter(|l| l.contains(": ok (task")).count(),
        200,
        "{text}"
    );
}

/// remote.lua runs one task at a time: a second task waits for the first,
/// and mon's wait covers that (the reference's advice on --timeout).
#[test]
fn a_task_queued_behind_another_is_still_awaited() {
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.delay = Duration::from_millis(700);
    responder(broker.port, "t/cmd", "t/res", b);
    let start = Instant::now();
    let mut took: Vec<Duration> = std::thread::scope(|scope| {
        let runs: Vec<_> = (0..2)
            .map(|_| {
                scope.spawn(|| {
                    let out = send_explicit(&broker, "hello", "exec", &["--timeout", "5s"]);
                    assert_eq!(out.status.code(), Some(0), "{}", support::output_text(&out));
                    start.elapsed()
                })
            })
            .collect();
        runs.into_iter().map(|r| r.join().unwrap()).collect()
    });
    took.sort();
    assert!(
        took[1] >= Duration::from_millis(1400),
        "the second waited for the first: {took:?}"
    );
}

/// A foreign message on the result topic is read for a result's fields
/// only: a 32 MiB JSON array (16 million values) costs mon about its bytes,
/// not the gigabyte its parsed values would take.
#[test]
fn a_huge_foreign_message_costs_its_bytes_not_its_values() {
    use std::os::unix::process::ExitStatusExt;
    let broker = Mosquitto::start();
    let mut b = Behaviour::hello();
    b.big_array_before = Some(32 << 20);
    responder(broker.port, "t/cmd", "t/res", b);
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["send-command".into(), "hello".into(), "exec".into()];
    args.extend(explicit(&broker));
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("mon"))
        .current_dir(dir.path())
        .args(&args)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // wait4: this child's own peak memory, not the test process's others.
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid out-parameter.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32);
    // Reaped by wait4 already: this only closes the pipes.
    let _ = child.try_wait();
    let code = std::process::ExitStatus::from_raw(status).code();
    let peak_mib = usage.ru_maxrss / 1024;
    assert_eq!(code, Some(0));
    eprintln!("mon's peak RSS with a 32 MiB foreign array: {peak_mib} MiB");
    assert!(peak_mib < 200, "peak RSS {peak_mib} MiB");
}

/// The broker's connection drops on the task's PUBLISH, before the broker
/// has it: mon reconnects, subscribes again and sends the task again (the
/// clean session forgot it), instead of waiting out --timeout and blaming
/// the host. At QoS 0 (at most once) it is not sent again, and the exit
/// says the broker connection, not the host.
#[test]
fn a_task_the_broker_never_acknowledged_is_sent_again() {
    let broker = Mosquitto::start();
    let seen = responder(broker.port, "t/cmd", "t/res", Behaviour::hello());
    for (qos, code) in [("0", 5), ("1", 0), ("2", 0)] {
        let proxy = support::mqtt::dropping_proxy(broker.port);
        let dir = tempfile::tempdir().unwrap();
        let host = format!("127.0.0.1:{proxy}");
        let out = mon(
            dir.path(),
            &[
                "send-command",
                "hello",
                "exec",
                "--host",
                &host,
                "--topic",
                "t/cmd",
                "--result-topic",
                "t/res",
                "--qos",
                qos,
                "--timeout",
                "4s",
            ],
        );
        let text = support::output_text(&out);
        assert_eq!(out.status.code(), Some(code), "QoS {qos}: {text}");
        if code == 0 {
            assert!(text.contains("Hello World!"), "{text}");
        } else {
            assert!(text.contains("at most once"), "{text}");
        }
    }
    assert_eq!(
        seen.lock().unwrap().len(),
        2,
        "each task sent again arrived once"
    );
}
