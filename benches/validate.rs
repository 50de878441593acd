//! `mon validate` on 100,000 generated monitors in 1,000 files, side by side
//! with check-jsonschema using `schemas/` on the same files, and on one file
//! of the example estate (the whole process, as a pre-commit hook runs it).
//! A second estate is closer to what operators write (issue 27): 100,000
//! http monitors with thresholds and tags, 24 MB in 1,000 files; it prints
//! the phase costs (`MON_TIMINGS`) of each build too. A third is the README's
//! estate, every section, scaled to 10,000 definitions of each: its time per
//! definition against the monitors'.
//! With `MON_BASELINE` set to another build of mon (`bench/baseline REV`
//! builds one), that build runs beside this one on the same inputs.
//!
//! Run: `bench/run validate` (installs check-jsonschema into .bench/venv);
//! `MON_BASELINE=$(bench/baseline 95243d1) bench/run validate` for before/after.

mod common;

use std::path::Path;
use std::process::{Command, Stdio};

use common::{measure, median, mib, middle, peer, secs, verdict, Run};

const FILES: usize = 1_000;
const PER_FILE: usize = 100;

const KINDS: [&str; 4] = [
    "    type: http\n    host: web{i}.example.com\n    url: /health\n    status-code: 200\n    interval: 30s\n    timeout: 5s\n    warning-threshold: 1\n    critical-threshold: 3\n    critical-alerter: [pager]\n    tags: [web, generated]\n",
    "    type: tcp\n    host: db{i}.example.com\n    port: 5432\n    interval: 30s\n    timeout: 2s\n    critical-alerter: [pager]\n",
    "    type: exec\n    command: /usr/lib/nagios/plugins/check_load\n    args: [\"-w\", \"5\", \"-c\", \"10\"]\n    interval: 1m\n",
    "    type: dns\n    host: 10.0.0.53\n    dns-target: host{i}.example.com\n    dns-record-type: A\n    expect: '\\s10\\.'\n    interval: 30s\n",
];

/// Issue 27's estate: every monitor an http check with thresholds and tags.
const WRITTEN: &str = "    type: http\n    host: web{h}.internal\n    url: /health/{i}\n    status-code: 200\n    interval: 55s\n    timeout: 3s\n    warning-threshold: 1\n    critical-threshold: 3\n    tags: [web, shard-{s}]\n";

fn generate_written(dir: &Path) {
    for f in 0..FILES {
        let mut text = String::from("monitor:\n");
        for j in 0..PER_FILE {
            let i = f * PER_FILE + j;
            text.push_str(&format!("  check-{i}:\n"));
            text.push_str(
                &WRITTEN
                    .replace("{h}", &(i % 100).to_string())
                    .replace("{i}", &i.to_string())
                    .replace("{s}", &(i % 16).to_string()),
            );
        }
        std::fs::write(dir.join(format!("defs-{f:04}.yaml")), text).unwrap();
    }
}

/// Definitions of each section in the scaled README estate.
const PER_SECTION: usize = 10_000;

/// The README's estate (`fixtures/estate`, every section) scaled: each
/// section's definitions repeated until it holds `PER_SECTION`. A copy is
/// renamed `<name>-<copy>` wherever its name is a word in it (so a host's
/// topics stay its own); brokers and Conveyer ports get their own address,
/// which mon requires to differ. References to other definitions keep the
/// originals' names, which stay. Returns the number of definitions.
fn generate_estate(dir: &Path) -> usize {
    let estate = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate");
    let header = regex::Regex::new(r"^  ([A-Za-z0-9_.-]+):").unwrap();
    let table = regex::Regex::new(r"\[conveyer\.([^.\]]+)").unwrap();
    let mut sections = 0;
    let mut entries: Vec<_> = std::fs::read_dir(&estate)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        let name = path.file_name().unwrap().to_owned();
        if path.is_dir() {
            // The secrets that `{file: ...}` references read.
            std::fs::create_dir_all(dir.join(&name)).unwrap();
            for f in std::fs::read_dir(&path).unwrap() {
                let f = f.unwrap().path();
                std::fs::copy(&f, dir.join(&name).join(f.file_name().unwrap())).unwrap();
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mut out = String::new();
        if path.extension().is_some_and(|e| e == "toml") {
            // Conveyer: one `[conveyer.NAME]` table with its sub-tables.
            let first = &table.captures(&text).unwrap()[1];
            for copy in 0..PER_SECTION {
                out.push_str(
                    &text
                        .replace(
                            &format!("[conveyer.{first}"),
                            &format!("[conveyer.{first}-{copy}"),
                        )
                        .replace("port = 10100", &format!("port = {}", 10_000 + copy)),
                );
            }
            sections += 1;
        } else {
            // Sections at column 0, definitions at two spaces, bodies deeper.
            let mut defs: Vec<(String, String, String)> = Vec::new();
            let mut section = String::new();
            for line in text.lines() {
                if line.starts_with(|c: char| c.is_ascii_lowercase()) {
                    section = line.trim_end_matches(':').to_string();
                } else if let Some(c) = header.captures(line) {
                    defs.push((section.clone(), c[1].to_string(), format!("{line}\n")));
                } else if let Some(d) = defs.last_mut().filter(|_| line.starts_with("   ")) {
                    d.2.push_str(line);
                    d.2.push('\n');
                }
            }
            let mut names: Vec<&str> = defs.iter().map(|d| d.0.as_str()).collect();
            names.dedup();
            for sec in names {
                sections += 1;
                out.push_str(&format!("{sec}:\n"));
                let mine: Vec<_> = defs.iter().filter(|d| d.0 == sec).collect();
                let words: Vec<regex::Regex> = mine
                    .iter()
                    .map(|d| regex::Regex::new(&format!(r"\b{}\b", regex::escape(&d.1))).unwrap())
                    .collect();
                for i in 0..PER_SECTION {
                    let (_, name, body) = mine[i % mine.len()];
                    let copy = i / mine.len();
                    if copy == 0 {
                        out.push_str(body);
                        continue;
                    }
                    let renamed = format!("{name}-{copy}");
                    let body = if sec == "mqtt" {
                        body.replacen(&format!("  {name}:"), &format!("  {renamed}:"), 1)
                            .replace("broker.example.com", &format!("broker{copy}.example.com"))
                    } else {
                        words[i % mine.len()]
                            .replace_all(body, renamed.as_str())
                            .into_owned()
                    };
                    out.push_str(&body);
                }
            }
        }
        std::fs::write(dir.join(&name), out).unwrap();
    }
    sections * PER_SECTION
}

/// Medians of `n` runs of this build and of the baseline, interleaved so
/// that a noisy neighbour slows both alike.
fn side_by_side(
    n: usize,
    mon: &Path,
    baseline: Option<&Path>,
    args: &[&std::ffi::OsStr],
) -> (Run, Option<Run>) {
    let cmd = |bin: &Path| {
        let mut c = Command::new(bin);
        c.args(args).stdout(Stdio::null());
        c
    };
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    for _ in 0..n {
        ours.push(measure(&mut cmd(mon)));
        if let Some(b) = baseline {
            theirs.push(measure(&mut cmd(b)));
        }
    }
    (middle(ours), (!theirs.is_empty()).then(|| middle(theirs)))
}

/// The `MON_TIMINGS` lines of one run, indented.
fn phases(bin: &Path, dir: &Path) -> String {
    let out = Command::new(bin)
        .arg("validate")
        .arg(dir)
        .env("MON_TIMINGS", "1")
        .stdout(Stdio::null())
        .output()
        .expect("mon runs");
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter_map(|l| l.strip_prefix("mon timings: "))
        .map(|l| format!("      {l}\n"))
        .collect()
}

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
    // Beside `mon --version`, the process floor, in turn: the difference is
    // a fraction of a millisecond and the machine drifts by more.
    let (single, version) = common::median_alternating(
        51,
        || {
            let mut c = Command::new(mon);
            c.arg("validate").arg(&one).stdout(Stdio::null());
            c
        },
        || {
            let mut c = Command::new(mon);
            c.arg("--version").stdout(Stdio::null());
            c
        },
    );
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

    // Issue 27: the estate with thresholds and tags, beside the baseline.
    let written = tempfile::tempdir().unwrap();
    generate_written(written.path());
    println!(
        "mon validate: 100,000 http monitors with thresholds and tags (24 MB in {FILES} files)"
    );
    let args = [std::ffi::OsStr::new("validate"), written.path().as_os_str()];
    let (w, wb) = side_by_side(5, Path::new(mon), baseline.as_deref(), &args);
    assert_eq!(w.status, 0, "mon validate failed on the written estate");
    println!(
        "  mon validate            median of 5: {:>9}   peak RSS {}",
        secs(w.wall),
        mib(w.max_rss_kib)
    );
    print!("{}", phases(Path::new(mon), written.path()));
    let mut written_ratios = true;
    if let (Some(r), Some(b)) = (&wb, &baseline) {
        let (t, m) = (
            w.wall.as_secs_f64() / r.wall.as_secs_f64(),
            w.max_rss_kib as f64 / r.max_rss_kib as f64,
        );
        println!(
            "  baseline mon validate   median of 5: {:>9}   peak RSS {}   (this build: {t:.2}x the time, {m:.2}x the memory)",
            secs(r.wall),
            mib(r.max_rss_kib)
        );
        print!("{}", phases(b, written.path()));
        written_ratios = t <= 0.6 && m <= 0.6;
        println!(
            "  at most 0.6x the baseline's time and memory: {}",
            verdict(written_ratios)
        );
    }
    let w_fast = w.wall.as_secs_f64() <= 0.4;
    let w_lean = w.max_rss_kib * 1024 <= 200_000_000;
    println!("  at most 0.4 s:            {}", verdict(w_fast));
    println!(
        "  peak RSS at most 200 MB:  {} ({:.0} MB)",
        verdict(w_lean),
        w.max_rss_kib as f64 * 1024.0 / 1e6
    );
    // One file against the process floor, measured in turn above.
    let over = single.wall.as_secs_f64() - version.wall.as_secs_f64();
    let near = over <= 0.0005;
    println!(
        "  one file over `mon --version` ({:.1} ms): {:.2} ms, within 0.5 ms: {}",
        version.wall.as_secs_f64() * 1000.0,
        over * 1000.0,
        verdict(near)
    );
    // Issue 27: every section of the README's estate, 10,000 of each, within
    // twice the time per definition of the monitors above.
    let scaled = tempfile::tempdir().unwrap();
    let defs = generate_estate(scaled.path());
    println!(
        "mon validate: the README's estate, every section scaled to {PER_SECTION} definitions ({defs} in all)"
    );
    let args = [std::ffi::OsStr::new("validate"), scaled.path().as_os_str()];
    let (e, eb) = side_by_side(5, Path::new(mon), baseline.as_deref(), &args);
    assert_eq!(e.status, 0, "mon validate failed on the scaled estate");
    // The ratio from runs of the two estates in turn: measured minutes
    // apart, the machine's drift moved it by a fifth.
    let (e_turn, w_turn) = common::median_alternating(
        5,
        || {
            let mut c = Command::new(mon);
            c.arg("validate").arg(scaled.path()).stdout(Stdio::null());
            c
        },
        || {
            let mut c = Command::new(mon);
            c.arg("validate").arg(written.path()).stdout(Stdio::null());
            c
        },
    );
    let per_def = e_turn.wall.as_secs_f64() / defs as f64;
    let per_monitor = w_turn.wall.as_secs_f64() / (FILES * PER_FILE) as f64;
    let per_ratio = per_def / per_monitor;
    println!(
        "  mon validate            median of 5: {:>9}   peak RSS {}   {:.1} us a definition (in turn with the estate above)",
        secs(e.wall),
        mib(e.max_rss_kib),
        per_def * 1e6
    );
    print!("{}", phases(Path::new(mon), scaled.path()));
    if let Some(r) = &eb {
        println!(
            "  baseline mon validate   median of 5: {:>9}   peak RSS {}   (this build: {:.2}x the time)",
            secs(r.wall),
            mib(r.max_rss_kib),
            e.wall.as_secs_f64() / r.wall.as_secs_f64()
        );
    }
    let per_ok = per_ratio <= 2.0;
    println!(
        "  a definition costs {per_ratio:.2}x a monitor of the estate above ({:.1} us, in turn): at most 2x: {}",
        per_monitor * 1e6,
        verdict(per_ok)
    );
    let written_ok = w_fast && w_lean && written_ratios && near && per_ok;

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
    if !(fast && faster && lean && quick && written_ok) {
        return std::process::ExitCode::FAILURE;
    }
    std::process::ExitCode::SUCCESS
}
