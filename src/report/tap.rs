//! TAP version 13 (kubeconform's `-output tap`): one test point per file,
//! `not ok` when the file has errors, its findings in a YAML block, so any
//! TAP consumer (prove, tap-junit, CI plugins) shows which files broke.

use std::io::{self, Write};

use super::Report;
use crate::diagnostic::Severity;

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "TAP version 13")?;
    writeln!(out, "1..{}", r.sources.len())?;
    for (n, (id, file)) in r.sources.files().enumerate() {
        let findings: Vec<_> = r.diagnostics.iter().filter(|d| d.span.file == id).collect();
        let failed = findings.iter().any(|d| d.severity == Severity::Error);
        // A test point's description ends at a `#` (a directive), so it is escaped.
        let name = file
            .name
            .replace('\\', "\\\\")
            .replace('#', "\\#")
            .replace('\n', " ");
        writeln!(
            out,
            "{} {} - {name}",
            if failed { "not ok" } else { "ok" },
            n + 1
        )?;
        if findings.is_empty() {
            continue;
        }
        writeln!(out, "  ---")?;
        writeln!(out, "  findings:")?;
        for d in findings {
            let l = r.location(d.span);
            // JSON strings are YAML strings: any message reads back exactly.
            let quoted = |s: &str| serde_json::Value::String(s.to_string()).to_string();
            writeln!(out, "    - severity: {}", d.severity.as_str())?;
            writeln!(out, "      code: {}", d.code.id())?;
            writeln!(out, "      line: {}", l.line)?;
            writeln!(out, "      column: {}", l.column)?;
            writeln!(out, "      message: {}", quoted(&d.message))?;
            if let Some(h) = &d.hint {
                writeln!(out, "      hint: {}", quoted(h))?;
            }
        }
        writeln!(out, "  ...")?;
    }
    Ok(())
}
