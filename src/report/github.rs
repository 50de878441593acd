//! GitHub Actions workflow commands: each finding becomes an annotation on
//! the file and line in the pull request.

use std::io::{self, Write};

use super::Report;
use crate::diagnostic::Severity;

fn escape_data(s: &str) -> String {
    let s = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::shown(&s).into_owned()
}
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in r.diagnostics {
        let l = r.location(d.span);
        let level = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut message = d.message.clone();
        if let Some(h) = &d.hint {
            message.push_str("\nhint: ");
            message.push_str(h);
        }
        writeln!(
            out,
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(l.file),
            l.line,
            l.column,
            l.end_line,
            l.end_column,
            escape_property(&format!("mon {}", d.code.id())),
            escape_data(&message)
        )?;
    }
    writeln!(out, "{}", r.summary())
}
