//! `mon validate` on 100,000 generated monitors in 1,000 files, side by side
//! with check-jsonschema using `schemas/` on the same files.
//!
//! Run: `bench/run validate` (installs check-jsonschema into .bench/venv).

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{measure, median, mib, peer, secs, verdict};

const FILES: usize = 1_000;
const PER_FILE: usize = 100;

const KINDS: [&str; 4] = [
    "    type: http\n    host: web{i}.example.com\n    url: /health\n    status-code: 200\n    interval: 30s\n    timeout: 5s\n    warning-threshold: 1\n    critical-threshold: 3\n    critical-alerter: [pager]\n    tags: [web, generated]\n",
    "    type: tcp\n    host: db{i}.example.com\n    port: 5432\n    interval: 30s\n    timeout: 2s\n    critical-alerter: [pager]\n",
    "    type: exec\n    command: /usr/lib/nagios/plugins/check_load\n    args: [\"-w\", \"5\", \"-c\", \"10\"]\n    interval: 1m\n",
    "    type: dns\n    host: 10.0.0.53\n    dns-target: host{i}.example.com\n    dns-record-type: A\n    expect: '\\s10\\.'\n    interval: 30s\n",
];

pub fn generate(dir: &Path) {
    for f in 0..FILES {
        let mut text = String::from("monitor:\n");
        for j in 0..PER_FILE {
            let i = f * PER_FILE + j;
            text.push_str(&format!("  check-{i}:\n"));
            text.push_str(&KINDS[i % 4].replace("{i}", &i.to_string()));
        }
        if f == 0 {
            text.push_str(
                "alerter:\n  pager:\n    type: pagerduty\n    options: {token: {env: PD_TOKEN}}\n",
            );
        }
        std::fs::write(dir.join(format!("defs-{f:04}.yaml")), text).unwrap();
    }
}

fn main() -> std::process::ExitCode {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path());
    let files: Vec<_> = {
        let mut v: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    };
    let mon = env!("CARGO_BIN_EXE_mon");
    println!(
        "mon validate: {} monitors in {FILES} files ({} definitions with the alerter)",
        FILES * PER_FILE,
        FILES * PER_FILE + 1
    );

    let m = median(5, || {
        let mut c = Command::new(mon);
        c.arg("validate").arg(dir.path()).stdout(Stdio::null());
        c
    });
    assert_eq!(m.status, 0, "mon validate failed on the generated files");
    println!(
        "  mon validate            median of 5: {:>9}   peak RSS {}",
        secs(m.wall),
        mib(m.max_rss_kib)
    );

    let Some(cj) = peer("check-jsonschema", "CHECK_JSONSCHEMA") else {
        eprintln!("check-jsonschema not found: run `bench/setup` (pip install into .bench/venv) or set CHECK_JSONSCHEMA");
        return std::process::ExitCode::from(2);
    };
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/mon.schema.json");
    let c = measure(
        Command::new(&cj)
            .arg("--schemafile")
            .arg(&schema)
            .args(&files)
            .stdout(Stdio::null()),
    );
    assert_eq!(c.status, 0, "check-jsonschema rejected the generated files");
    println!(
        "  check-jsonschema        one run:     {:>9}   peak RSS {}",
        secs(c.wall),
        mib(c.max_rss_kib)
    );

    let ratio = c.wall.as_secs_f64() / m.wall.as_secs_f64();
    println!("  ratio check-jsonschema / mon: {ratio:.1}x");
    let fast = m.wall.as_secs_f64() < 1.0;
    let faster = ratio >= 25.0;
    let lean = m.max_rss_kib < 400 * 1024;
    println!("  mon under 1 s:            {}", verdict(fast));
    println!("  at least 25x faster:      {}", verdict(faster));
    println!("  peak RSS under 400 MiB:   {}", verdict(lean));
    // Returning (not process::exit) removes the generated files on a failed verdict too.
    if !(fast && faster && lean) {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
