//! Human output through codespan-reporting: the offending line with a caret,
//! related places, and a hint.

use std::io::{self, Write};
use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic as CsDiagnostic, Label, Severity as CsSeverity};
use codespan_reporting::files::{Error, Files};
use codespan_reporting::term::{self, Config};

// Messages quote names and values from the files, which may hold any
// character: each is escaped here, once for every diagnostic, as short.rs does.
use super::{shown, shown_lines, Report};
use crate::diagnostic::Severity;
use crate::source::{FileId, SourceMap};

/// The files, with their names as they may be shown: a name is a path
/// from the file system, which may hold a CR or ESC.
struct Sources<'a>(&'a SourceMap, Vec<std::borrow::Cow<'a, str>>);

impl<'a> Files<'a> for Sources<'a> {
    type FileId = FileId;
    type Name = &'a str;
    type Source = &'a str;
    fn name(&'a self, id: FileId) -> Result<&'a str, Error> {
        Ok(&self.1[id as usize])
    }
    fn source(&'a self, id: FileId) -> Result<&'a str, Error> {
        Ok(&self.0.get(id).text)
    }
    fn line_index(&'a self, id: FileId, byte_index: usize) -> Result<usize, Error> {
        Ok(self.0.get(id).line_col(byte_index).0 - 1)
    }
    fn line_range(&'a self, id: FileId, line_index: usize) -> Result<Range<usize>, Error> {
        let f = self.0.get(id);
        let start = f.offset_of(line_index + 1, 0);
        let end = start + f.line_text(line_index + 1).len();
        Ok(start..(end + 1).min(f.text.len()).max(start))
    }
}

pub fn write(r: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    let names = r.sources.files().map(|(_, f)| shown(&f.name)).collect();
    let files = Sources(r.sources, names);
    let config = Config::default();
    for d in r.diagnostics {
        let severity = match d.severity {
            Severity::Error => CsSeverity::Error,
            Severity::Warning => CsSeverity::Warning,
        };
        let range = |s: crate::diagnostic::Span| s.start as usize..s.end as usize;
        let mut labels = vec![Label::primary(d.span.file, range(d.span))];
        labels.extend(d.related.iter().map(|rel| {
            Label::secondary(rel.span.file, range(rel.span)).with_message(shown(&rel.message))
        }));
        let mut cs = CsDiagnostic::new(severity)
            .with_code(d.code.id())
            .with_message(shown(&d.message))
            .with_labels(labels);
        if let Some(h) = &d.hint {
            cs = cs.with_notes(vec![format!("hint: {}", shown_lines(h))]);
        }
        let result = if color {
            let mut buffer = termcolor::Buffer::ansi();
            let res = term::emit_to_write_style(&mut buffer, &config, &files, &cs);
            out.write_all(buffer.as_slice())?;
            res
        } else {
            term::emit_to_io_write(out, &config, &files, &cs)
        };
        result.map_err(io::Error::other)?;
    }
    if r.diagnostics.is_empty() {
        writeln!(out, "ok: {}", r.summary())
    } else {
        writeln!(out, "{}", r.summary())
    }
}
