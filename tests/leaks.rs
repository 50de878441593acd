//! No secret value in any output: every command and output format runs on
//! the example estate with known secret values, against a real etcd and a
//! password-protected mosquitto, before and after the secrets change.
//! Everything printed, every plan file and every rendered file is searched;
//! the only files that may hold a secret are the rendered credential files,
//! and those must be readable by their owner alone.

mod support;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

use support::mqtt::{responder, Behaviour, Mosquitto};
use support::{files_under, Etcd};

struct Secrets {
    pd: &'static str,
    smtp: &'static str,
    hastmon: &'static str,
    mqtt: &'static str,
    slack: &'static str,
}

const FIRST: Secrets = Secrets {
    pd: "PD-SECRET-1111",
    smtp: "SMTP-SECRET-2222",
    hastmon: "HASTSECRET3333",
    mqtt: "MQTT-SECRET-4444",
    slack: "SLACK-SECRET-5555",
};
const SECOND: Secrets = Secrets {
    pd: "PD-SECRET-9111",
    smtp: "SMTP-SECRET-9222",
    hastmon: "HASTSECRET9333",
    mqtt: "MQTT-SECRET-4444",
    slack: "SLACK-SECRET-9555",
};
const ETCD_PW: &str = "ETCD-SECRET-6666";
const OPS_PW: &str = "OPS-SECRET-7777";

fn all_values() -> Vec<&'static str> {
    let mut v = vec![ETCD_PW, OPS_PW];
    for s in [&FIRST, &SECOND] {
        v.extend([s.pd, s.smtp, s.hastmon, s.mqtt, s.slack]);
    }
    v
}

fn copy(from: &Path, to: &Path, broker: &str) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy(&p, &target, broker);
        } else {
            let text = std::fs::read_to_string(&p).unwrap();
            std::fs::write(target, text.replace("broker.example.com:1883", broker)).unwrap();
        }
    }
}

#[test]
fn no_command_prints_or_leaks_a_secret() {
    let etcd = Etcd::start();
    let broker = Mosquitto::start_with_users(&[("collectd", FIRST.mqtt), ("ops", OPS_PW)]);
    let mut host = Behaviour::hello();
    host.credentials = Some(("collectd".into(), FIRST.mqtt.into()));
    host.commands.entry("nginx".into()).or_default().insert(
        "reload".into(),
        (Some(0), format!("reloaded; your password is {OPS_PW}")),
    );
    responder(
        broker.port,
        "collectd/web1/command",
        "collectd/web1/result",
        host,
    );

    let work = tempfile::tempdir().unwrap();
    let estate = work.path().join("estate");
    copy(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate"),
        &estate,
        &broker.host(),
    );
    std::fs::write(
        estate.join("mon.toml"),
        "[etcd]\nuser = \"root\"\npassword = { env = \"ETCD_PW\" }\n[mqtt]\nuser = \"ops\"\npassword = { env = \"OPS_PW\" }\n",
    )
    .unwrap();
    let out_dir = work.path().join("rendered");
    let plan = work.path().join("plan.json");

    let mut printed = String::new();
    let mut run = |secrets: &Secrets, args: &[&str]| {
        std::fs::write(
            estate.join("secrets/slack-token"),
            format!("{}\n", secrets.slack),
        )
        .unwrap();
        let o = Command::new(env!("CARGO_BIN_EXE_mon"))
            .current_dir(support::repo(work.path()))
            .env("ETCDCTL_ENDPOINTS", etcd.endpoint())
            .env_remove("MON_ETCD_API")
            .env("PAGERDUTY_TOKEN", secrets.pd)
            .env("SMTP_PASSWORD", secrets.smtp)
            .env("HASTMON_QUEUE_SECRET", secrets.hastmon)
            .env("MQTT_PASSWORD", secrets.mqtt)
            .env("ETCD_PW", ETCD_PW)
            .env("OPS_PW", OPS_PW)
            .env("NO_COLOR", "1")
            .args(args)
            .output()
            .unwrap();
        let code = o.status.code();
        printed.push_str(&format!("$ mon {}\n", args.join(" ")));
        printed.push_str(&support::output_text(&o));
        code
    };

    for format in ["text", "short", "json", "github", "junit", "sarif"] {
        assert_eq!(
            run(&FIRST, &["validate", "--format", format, "estate"]),
            Some(0)
        );
    }
    for format in ["text", "short", "json"] {
        run(&FIRST, &["diff", "estate", "--format", format]);
    }
    run(&FIRST, &["diff", "estate", "--out", plan.to_str().unwrap()]);
    assert_eq!(
        run(
            &FIRST,
            &["sync", "estate", "--plan", plan.to_str().unwrap()]
        ),
        Some(0)
    );
    assert_eq!(
        run(
            &FIRST,
            &[
                "render",
                "all",
                "estate",
                "--out",
                out_dir.to_str().unwrap()
            ]
        ),
        Some(0)
    );
    for format in ["text", "json"] {
        assert_eq!(
            run(
                &FIRST,
                &[
                    "send-command",
                    "nginx",
                    "reload",
                    "--defs",
                    "estate",
                    "--node",
                    "web1",
                    "-v",
                    "--format",
                    format
                ]
            ),
            Some(0)
        );
    }
    for format in ["text", "json"] {
        assert_eq!(
            run(&FIRST, &["config", "estate", "--format", format]),
            Some(0)
        );
    }
    // Every secret changes: old and new values meet in every diff.
    for format in ["text", "short", "json"] {
        assert_eq!(
            run(&SECOND, &["diff", "estate", "--format", format]),
            Some(4)
        );
    }
    run(
        &SECOND,
        &["diff", "estate", "--out", plan.to_str().unwrap()],
    );
    assert_eq!(
        run(&SECOND, &["sync", "estate", "--format", "json", "--yes"]),
        Some(0)
    );
    assert_eq!(
        run(
            &SECOND,
            &[
                "render",
                "all",
                "estate",
                "--out",
                out_dir.to_str().unwrap(),
                "--diff"
            ]
        ),
        // Shown and written: nothing left pending.
        Some(0)
    );
    assert_eq!(
        run(
            &SECOND,
            &[
                "render",
                "all",
                "estate",
                "--out",
                out_dir.to_str().unwrap(),
                "--diff",
                "--dry-run"
            ]
        ),
        Some(0)
    );

    printed.push_str(&std::fs::read_to_string(&plan).unwrap());
    for secret in all_values() {
        assert!(!printed.contains(secret), "{secret} was shown:\n{printed}");
    }
    // Rendered files: a secret only in a file its owner alone may read.
    let mut credential_files = 0;
    for f in files_under(&out_dir) {
        let text = std::fs::read_to_string(&f).unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        if all_values().iter().any(|s| text.contains(s)) {
            credential_files += 1;
            assert_eq!(
                mode & 0o077,
                0,
                "{} holds a secret but has mode {mode:o}",
                f.display()
            );
        }
    }
    assert!(
        credential_files >= 2,
        "the hastmon key and MQTT passwords are in their files"
    );
    // etcd holds the resolved alerter secrets, as 9volt needs them.
    let keys = etcd.dump("2", "/9volt");
    assert!(keys["/9volt/alerter/ops-pager"].contains(SECOND.pd));
}
