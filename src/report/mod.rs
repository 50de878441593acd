//! Turning diagnostics into output. One file per format behind one entry
//! point, so adding a format touches one file and the `Format` list.

mod github;
mod json;
mod junit;
pub mod plan_json;
pub mod plan_short;
pub mod plan_text;
mod sarif;
mod short;
#[cfg(feature = "net")]
pub mod status;
mod tap;
mod text;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::source::SourceMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Source snippets with carets, for people.
    Text,
    /// One `file:line:col: severity[code]: message` line each, for editors.
    Short,
    Json,
    /// GitHub Actions workflow commands (annotations on the PR diff).
    Github,
    Junit,
    Sarif,
    /// TAP version 13, one test point per file.
    Tap,
}

pub struct Report<'a> {
    pub sources: &'a SourceMap,
    pub diagnostics: &'a [Diagnostic],
    pub files: usize,
    pub definitions: usize,
}

/// A resolved position, 1-based, columns in characters.
pub struct Location<'a> {
    pub file: &'a str,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl<'a> Report<'a> {
    /// Everything `mon validate` found in loaded definitions.
    pub fn of(loaded: &'a crate::ops::validate::Loaded) -> Report<'a> {
        Report {
            sources: &loaded.sources,
            diagnostics: &loaded.diagnostics,
            files: loaded.sources.len(),
            definitions: loaded.catalog.len(),
        }
    }

    pub fn location(&self, span: Span) -> Location<'_> {
        let f = self.sources.get(span.file);
        let (line, column) = f.line_col(span.start as usize);
        let (end_line, end_column) = f.line_col(span.end as usize);
        Location {
            file: &f.name,
            line,
            column,
            end_line,
            end_column,
        }
    }
    pub fn count(&self, s: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == s).count()
    }
    fn summary(&self) -> String {
        let (e, w) = (self.count(Severity::Error), self.count(Severity::Warning));
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        format!(
            "{}, {} in {} ({})",
            plural(e, "error"),
            plural(w, "warning"),
            plural(self.files, "file"),
            plural(self.definitions, "definition")
        )
    }
}

pub fn write(format: Format, report: &Report, out: &mut dyn Write, color: bool) -> io::Result<()> {
    match format {
        Format::Text => text::write(report, out, color),
        Format::Short => short::write(report, out),
        Format::Json => json::write(report, out),
        Format::Github => github::write(report, out),
        Format::Junit => junit::write(report, out),
        Format::Sarif => sarif::write(report, out),
        Format::Tap => tap::write(report, out),
    }
}
