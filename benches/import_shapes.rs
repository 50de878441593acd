//! `mon import` on hostile inputs, each at 1 MB and 10 MB: 60,000-line
//! `LoadPlugin` lists, one `<Plugin>` block of many options, a hastmon
//! resource of many `on` sections, one `remote` list of many addresses,
//! many watchdogs beside many unclaimed friends.
//! Time and peak memory must grow linearly (10x the
//! input within 15x the time); each is meant to take under 2 s at 10 MB.
//! Then a fleet: 200 collectd hosts rendered by mon, imported in one call.
//!
//! Run: `bench/run import_shapes`.

mod common;
#[path = "../tests/support/mod.rs"]
mod support;

use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{measure, mib, secs, verdict, Run};

const MB: usize = 1024 * 1024;

/// `prefix`, then `line(i)` until `size` bytes, then `suffix`.
fn fill(size: usize, prefix: &str, line: impl Fn(usize) -> String, suffix: &str) -> String {
    let mut s = String::from(prefix);
    let mut i = 0;
    while s.len() < size {
        s.push_str(&line(i));
        i += 1;
    }
    s.push_str(suffix);
    s
}

type Shape = (&'static str, &'static str, fn(usize) -> String);

fn shapes() -> [Shape; 5] {
    [
        ("60,000-line LoadPlugin lists", "collectd", |n| {
            fill(n, "", |i| format!("LoadPlugin p{i}\n"), "")
        }),
        ("one <Plugin> block of many options", "collectd", |n| {
            fill(
                n,
                "LoadPlugin cpu\n<Plugin cpu>\n",
                |i| format!("  Opt{i} {i}\n"),
                "</Plugin>\n",
            )
        }),
        ("a resource of many `on` sections", "hastmon", |n| {
            fill(
                n,
                "resource r {\n exec /x\n",
                |i| format!(" on n{i} {{ remote n{} }}\n", i + 1),
                "}\n",
            )
        }),
        ("one `remote` list of many addresses", "hastmon", |n| {
            fill(
                n,
                "resource r {\n exec /x\n on a { remote ",
                |i| format!("10.{}.{}.{} ", i / 65536, (i / 256) % 256, i % 256),
                " }\n on b { remote a }\n}\n",
            )
        }),
        ("many watchdogs beside many friends", "hastmon", |n| {
            // Half the bytes are friends no node claims, half watchdog
            // sections: each watchdog looks for its address among them.
            let mut s = fill(
                n / 2,
                "resource r {\n exec /x\n on a { remote b }\n on b { remote a }\n friends ",
                |i| format!("10.{}.{}.{} ", i / 65536, (i / 256) % 256, i % 256),
                "\n",
            );
            let rest = n - s.len();
            s.push_str(&fill(rest, "", |i| format!(" on w{i} {{ }}\n"), "}\n"));
            s
        }),
    ]
}

fn import(dir: &Path, kind: &str, file: &Path) -> Run {
    let out = dir.join(format!("out-{}", rand::random::<u32>()));
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mon"));
    cmd.current_dir(dir).arg("import").arg(kind);
    match kind {
        "collectd" => cmd.arg("config.json").arg(file).args(["--node", "h"]),
        _ => cmd.arg(file).args(["--cluster", "c"]),
    };
    let run = measure(
        cmd.arg("--out")
            .arg(&out)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert!(
        run.status == 0 || run.status == 1,
        "mon import {kind} failed"
    );
    run
}

/// The fleet: 200 hosts rendered from definitions, imported in one call.
fn fleet(dir: &Path) -> Run {
    let defs = dir.join("fleet-defs");
    std::fs::create_dir_all(&defs).unwrap();
    let mut text = String::from("mqtt:\n  main: {host: \"broker.example.com:1883\"}\ncollectd:\n");
    for i in 0..200 {
        writeln!(
            text,
            "  h{i:03}:\n    broker: main\n    plugins: {{cpu: {{}}, df: {{MountPoint: [/, /var]}}}}\n    services:\n      nginx: {{commands: {{reload: systemctl reload nginx}}}}\n    triggers:\n      hot: {{metric: {{plugin: cpu, above: 90}}, run: {{service: nginx, command: reload}}}}"
        )
        .unwrap();
    }
    std::fs::write(defs.join("hosts.yaml"), text).unwrap();
    let rendered = dir.join("fleet-rendered");
    let r = Command::new(env!("CARGO_BIN_EXE_mon"))
        .args(["render", "collectd"])
        .arg(&defs)
        .arg("--out")
        .arg(&rendered)
        .output()
        .unwrap();
    assert!(
        r.status.success(),
        "render: {}",
        String::from_utf8_lossy(&r.stderr)
    );
    let run = measure(
        Command::new(env!("CARGO_BIN_EXE_mon"))
            .args(["import", "collectd"])
            .arg(rendered.join("collectd"))
            .arg("--out")
            .arg(dir.join("fleet-imported"))
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    assert_eq!(run.status, 0, "the fleet import failed");
    run
}

fn main() -> std::process::ExitCode {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.json"),
        r#"{"Host":"b:1883","CommandTopic":"t/c","CommandResultTopic":"t/r"}"#,
    )
    .unwrap();
    let mut checks = Vec::new();
    println!("mon import on hostile shapes: time and peak RSS at 1 MB and 10 MB");
    for (what, kind, make) in shapes() {
        let mut runs = Vec::new();
        for size in [MB, 10 * MB] {
            let file = dir.path().join(format!("shape-{}.conf", size / MB));
            std::fs::write(&file, make(size)).unwrap();
            runs.push(import(dir.path(), kind, &file));
        }
        let ratio = runs[1].wall.as_secs_f64() / runs[0].wall.as_secs_f64();
        println!(
            "  {what:<38} 1 MB {:>8} {:>8}   10 MB {:>8} {:>8}   ratio {ratio:.1}x",
            secs(runs[0].wall),
            mib(runs[0].max_rss_kib),
            secs(runs[1].wall),
            mib(runs[1].max_rss_kib),
        );
        checks.push((format!("{what}: linear"), ratio <= 15.0));
        checks.push((
            format!("{what}: under 2 s at 10 MB"),
            runs[1].wall.as_secs_f64() < 2.0,
        ));
    }
    let f = fleet(dir.path());
    println!(
        "  200 rendered collectd hosts in one call    {:>8} {:>8}",
        secs(f.wall),
        mib(f.max_rss_kib)
    );
    checks.push((
        "200-host fleet under 2 s".into(),
        f.wall.as_secs_f64() < 2.0,
    ));
    for (what, ok) in &checks {
        println!("  {what:<62} {}", verdict(*ok));
    }
    if checks.iter().any(|(_, ok)| !ok) {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
