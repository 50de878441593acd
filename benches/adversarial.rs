//! `mon validate` on hostile 10 MB files, one shape each: a merge key that
//! fans a huge mapping into one with many keys of its own, a 30,000-node
//! hastmon cluster, one resource of as many prioritised secondaries,
//! thousands of YAML documents, very long lines, and TOML of many tables,
//! one inline table of as many keys, and lines under a header of the most
//! parts TOML readers allow. Each must finish in under 2 s: no input shape
//! may cost more than linear time.
//!
//! Run: `bench/run adversarial`.

mod common;

use std::fmt::Write as _;
use std::process::{Command, Stdio};

use common::{measure, mib, secs, verdict};

const TARGET: usize = 10 * 1024 * 1024;

fn merge_fan_in() -> String {
    let mut s = String::from("x-base: &base\n");
    let mut i = 0;
    while s.len() < TARGET / 4 {
        writeln!(s, "  k{i}: v").unwrap();
        i += 1;
    }
    s.push_str("monitor:\n  fan:\n    <<: *base\n");
    let mut j = 0;
    while s.len() < TARGET {
        writeln!(s, "    own{j}: v").unwrap();
        j += 1;
    }
    s
}

fn huge_cluster() -> String {
    let mut s = String::from("cluster:\n  big:\n    nodes:\n");
    let mut n = 0;
    while s.len() < TARGET - 200 {
        writeln!(s, "      host-{n:06}.site{}.example.com: {{}}", n % 7).unwrap();
        n += 1;
    }
    s.push_str(
        "    resources:\n      r: {exec: /etc/r.sh, primary: host-000000.site0.example.com}\n",
    );
    s
}

/// Every secondary of one resource with its own priority: each node's
/// priority was looked for in the whole list, quadratic in the nodes.
fn many_priorities() -> String {
    let mut nodes = String::from("cluster:\n  big:\n    nodes:\n      h000000: {}\n");
    let mut secondary = String::from(
        "    resources:\n      r:\n        exec: /etc/r.sh\n        primary: h000000\n        secondary:\n",
    );
    let mut priority = String::from("        priority:\n          h000000: 0\n");
    let mut n = 1;
    while nodes.len() + secondary.len() + priority.len() < TARGET - 100 {
        writeln!(nodes, "      h{n:06}: {{}}").unwrap();
        writeln!(secondary, "          - h{n:06}").unwrap();
        writeln!(priority, "          h{n:06}: {n}").unwrap();
        n += 1;
    }
    nodes + &secondary + &priority
}

fn many_documents() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < TARGET {
        write!(
            s,
            "---\nmonitor:\n  m{i}: {{type: exec, command: /bin/true, interval: 10s}}\n"
        )
        .unwrap();
        i += 1;
    }
    s
}

fn long_lines() -> String {
    let mut s = String::from("monitor:\n");
    let line = "x".repeat(1024 * 1024);
    for i in 0..9 {
        writeln!(
            s,
            "  m{i}: {{type: exec, command: /bin/true, interval: 10s, description: \"{line}\"}}"
        )
        .unwrap();
    }
    s
}

/// Headers by the hundred thousand, each a new table of one large one.
fn toml_tables() -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < TARGET {
        write!(
            s,
            "[conveyer.c{i}]\nhost = \"h\"\nport = 1\n[conveyer.c{i}.plugin]\nmetrics = [\"a\", \"b\"]\n"
        )
        .unwrap();
        i += 1;
    }
    s
}

/// One inline table of every definition, on one line.
fn toml_wide_inline() -> String {
    let mut s = String::from("conveyer = {");
    let mut i = 0;
    while s.len() < TARGET {
        write!(s, "c{i} = {{host = \"h\", port = 1}}, ").unwrap();
        i += 1;
    }
    s.push_str("last = {}}\n");
    s
}

/// A header of 79 parts (one short of toml's limit) and every line
/// below it: each line's table is that far down.
fn toml_deep_header() -> String {
    let parts: Vec<String> = (0..79).map(|i| format!("p{i}")).collect();
    let mut s = format!("[{}]\n", parts.join("."));
    let mut i = 0;
    while s.len() < TARGET {
        writeln!(s, "k{i} = {i}").unwrap();
        i += 1;
    }
    s
}

fn main() -> std::process::ExitCode {
    let mon = env!("CARGO_BIN_EXE_mon");
    type Make = fn() -> String;
    let cases: [(&str, &str, Make); 8] = [
        ("merge-key fan-in", "yaml", merge_fan_in),
        ("30,000-node cluster", "yaml", huge_cluster),
        ("prioritised secondaries", "yaml", many_priorities),
        ("many documents", "yaml", many_documents),
        ("long lines", "yaml", long_lines),
        ("TOML tables", "toml", toml_tables),
        ("TOML wide inline table", "toml", toml_wide_inline),
        ("TOML 79-part header", "toml", toml_deep_header),
    ];
    println!("mon validate on hostile 10 MB files");
    let mut ok = true;
    for (name, ext, make) in cases {
        let dir = tempfile::tempdir().unwrap();
        let text = make();
        let file = dir.path().join(format!("hostile.{ext}"));
        std::fs::write(&file, &text).unwrap();
        let run = measure(
            Command::new(mon)
                .args(["validate", "--format", "short"])
                .arg(&file)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        );
        let fast = run.wall.as_secs_f64() < 2.0 && run.status != -1;
        ok &= fast;
        println!(
            "  {name:<24} {:>5.1} MB  {:>9}  peak RSS {:>8}  exit {}  under 2 s {}",
            text.len() as f64 / 1e6,
            secs(run.wall),
            mib(run.max_rss_kib),
            run.status,
            verdict(fast)
        );
    }
    if ok {
        std::process::ExitCode::SUCCESS
    } else {
        std::process::ExitCode::FAILURE
    }
}
