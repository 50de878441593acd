//! `mon validate` on 100,000 generated monitors in 1,000 files, side by side
//! with check-jsonschema using `schemas/` on the same files, and on one file
//! of the example estate (the whole process, as a pre-commit hook runs it).
//! With `MON_BASELINE` set to another build of mon (`bench/baseline REV`
//! builds one), that build runs beside this one on the same inputs.
//!
//! Run: `bench/run validate` (installs check-jsonschema into .bench/venv);
//! `MON_BASELINE=$(bench/baseline 95243d1) bench/run validate` for before/after.

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

    let baseline = std::env::var_os("MON_BASELINE").map(std::path::PathBuf::from);
    let run_all = |bin: &Path| {
        median(5, || {
            let mut c = Command::new(bin);
            c.arg("validate").arg(dir.path()).stdout(Stdio::null());
            c
        })
    };
    let m = run_all(Path::new(mon));
    assert_eq!(m.status, 0, "mon validate failed on the generated files");
    println!(
        "  mon validate            median of 5: {:>9}   peak RSS {}",
        secs(m.wall),
        mib(m.max_rss_kib)
    );
    if let Some(b) = &baseline {
        let r = run_all(b);
        println!(
            "  baseline mon validate   median of 5: {:>9}   peak RSS {}   (this build: {:.2}x the time, {:.2}x the memory)",
            secs(r.wall),
            mib(r.max_rss_kib),
            m.wall.as_secs_f64() / r.wall.as_secs_f64(),
            m.max_rss_kib as f64 / r.max_rss_kib as f64
        );
    }

    // One small file, the whole process: what a pre-commit hook pays.
    let one = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate/cluster.yaml");
    let run_one = |bin: &Path| {
        median(51, || {
            let mut c = Command::new(bin);
            c.arg("validate").arg(&one).stdout(Stdio::null());
            c
        })
    };
    let single = run_one(Path::new(mon));
    assert_eq!(single.status, 0, "mon validate failed on {}", one.display());
    println!(
        "  mon validate one file   median of 51: {:>6.1} ms",
        single.wall.as_secs_f64() * 1000.0
    );
    if let Some(b) = &baseline {
        let r = run_one(b);
        println!(
            "  baseline, one file      median of 51: {:>6.1} ms   (this build: {:.2}x)",
            r.wall.as_secs_f64() * 1000.0,
            single.wall.as_secs_f64() / r.wall.as_secs_f64()
        );
    }

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
    // The targets of issue 14: 100,000 monitors under 0.6 s and 300 MB
    // (decimal: 292,968 KiB), one file at most 3 ms, whole process.
    let fast = m.wall.as_secs_f64() < 0.6;
    let faster = ratio >= 25.0;
    let lean = m.max_rss_kib * 1024 < 300_000_000;
    let quick = single.wall.as_secs_f64() <= 0.003;
    println!("  mon under 0.6 s:          {}", verdict(fast));
    println!("  at least 25x faster:      {}", verdict(faster));
    println!(
        "  peak RSS under 300 MB:    {} ({:.0} MB)",
        verdict(lean),
        m.max_rss_kib as f64 * 1024.0 / 1e6
    );
    println!("  one file at most 3 ms:    {}", verdict(quick));
    // Returning (not process::exit) removes the generated files on a failed verdict too.
    if !(fast && faster && lean && quick) {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
