//! GitLab's Code Quality report: a JSON array of findings that a merge
//! request shows beside the lines, as ruff writes it. The fingerprint is
//! what GitLab tells findings apart by between pipelines, so it hashes the
//! code, the file and the message (not the line, which moves with edits)
//! and how many identical findings came before in that file.

use std::collections::HashMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Report;
use crate::diagnostic::Severity;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location<'a>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

fn fingerprint(parts: &[&str], occurrence: usize) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in parts {
        // Length-prefixed, so `a|bc` and `ab|c` differ.
        ctx.update(&(p.len() as u64).to_le_bytes());
        ctx.update(p.as_bytes());
    }
    ctx.update(&(occurrence as u64).to_le_bytes());
    ctx.finish()
        .as_ref()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut seen: HashMap<(&str, &str, &str), usize> = HashMap::new();
    let issues: Vec<Issue> = r
        .diagnostics
        .iter()
        .map(|d| {
            let l = r.location(d.span);
            let n = seen.entry((d.code.id(), l.file, &d.message)).or_default();
            *n += 1;
            let mut description = format!("{}: {}", d.code.id(), d.message);
            if let Some(h) = &d.hint {
                description.push_str(" (hint: ");
                description.push_str(h);
                description.push(')');
            }
            Issue {
                fingerprint: fingerprint(&[d.code.id(), l.file, &d.message], *n),
                description,
                check_name: d.code.id(),
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                },
                location: Location {
                    path: l.file,
                    lines: Lines {
                        begin: l.line,
                        end: l.end_line,
                    },
                },
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::fingerprint;

    #[test]
    fn fingerprints_tell_repeats_and_boundaries_apart() {
        let a = fingerprint(&["E0101", "a.yaml", "msg"], 1);
        assert_eq!(a, fingerprint(&["E0101", "a.yaml", "msg"], 1));
        assert_ne!(a, fingerprint(&["E0101", "a.yaml", "msg"], 2));
        assert_ne!(
            fingerprint(&["E0101", "ab", "c"], 1),
            fingerprint(&["E0101", "a", "bc"], 1)
        );
        assert_eq!(a.len(), 32);
    }
}
