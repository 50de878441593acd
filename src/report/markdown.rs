//! Markdown for pull requests and `$GITHUB_STEP_SUMMARY`, as tfcmt writes
//! terraform's plans: a summary table, then the details. Text from the
//! input is escaped so that it stays text: every ASCII punctuation mark is
//! backslash-escaped (CommonMark allows it for all of them), so no `<`
//! from a definition or from etcd becomes HTML, no `|` a table cell.

use std::io::{self, Write};

use super::{shown, Report};
use crate::diagnostic::Severity;

/// `s` as literal Markdown text, on one line.
pub fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in shown(s).chars() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if c.is_ascii_punctuation() => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// `s` as text inside an HTML element (`<summary>`), where Markdown is not
/// read but entities are.
pub fn html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in shown(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// A fenced code block holding `body` as it is: the fence is longer than
/// any run of backticks in it.
pub fn code_block(out: &mut dyn Write, info: &str, body: &str) -> io::Result<()> {
    let longest = body.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    writeln!(out, "{fence}{info}")?;
    out.write_all(body.as_bytes())?;
    if !body.ends_with('\n') {
        writeln!(out)?;
    }
    writeln!(out, "{fence}")
}

/// `mon validate --format markdown`: the counts, then a table of findings.
pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "### mon validate: {}\n", text(&r.summary()))?;
    if r.diagnostics.is_empty() {
        return Ok(());
    }
    writeln!(out, "| | code | where | finding |")?;
    writeln!(out, "|---|---|---|---|")?;
    for d in r.diagnostics {
        let l = r.location(d.span);
        let severity = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut finding = text(&d.message);
        if let Some(h) = &d.hint {
            finding.push_str(&format!("<br>hint: {}", text(h)));
        }
        writeln!(
            out,
            "| {severity} | {} | {} | {finding} |",
            d.code.id(),
            text(&format!("{}:{}:{}", l.file, l.line, l.column))
        )?;
    }
    Ok(())
}
