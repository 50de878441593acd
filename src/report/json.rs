use std::io::{self, Write};

use serde_json::json;

use super::Report;
use crate::diagnostic::Severity;

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let diagnostics: Vec<_> = r
        .diagnostics
        .iter()
        .map(|d| {
            let l = r.location(d.span);
            json!({
                "code": d.code.id(),
                "severity": d.severity.as_str(),
                "message": d.message,
                "hint": d.hint,
                "file": l.file,
                "line": l.line,
                "column": l.column,
                "end_line": l.end_line,
                "end_column": l.end_column,
                "related": d.related.iter().map(|rel| {
                    let l = r.location(rel.span);
                    json!({"file": l.file, "line": l.line, "column": l.column, "message": rel.message})
                }).collect::<Vec<_>>(),
            })
        })
        .collect();
    let doc = json!({
        "files": r.files,
        "definitions": r.definitions,
        "errors": r.count(Severity::Error),
        "warnings": r.count(Severity::Warning),
        "diagnostics": diagnostics,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
