//! Turning diagnostics into output. One file per format behind one entry
//! point, so adding a format touches one file and the `Format` list.

pub mod color;
mod github;
mod gitlab;
mod json;
mod junit;
pub mod markdown;
pub mod plan_json;
pub mod plan_markdown;
pub mod plan_short;
pub mod plan_text;
pub mod render;
mod sarif;
#[cfg(feature = "net")]
pub mod send;
mod short;
#[cfg(feature = "net")]
pub mod status;
#[cfg(feature = "net")]
pub mod sync;
mod tap;
mod text;

use std::io::{self, Write};

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::source::SourceMap;

/// How `mon validate` reports findings (`--format`, `[validate] format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// Source lines with carets, for people
    Text,
    /// file:line:col: severity[code]: message, one per line
    Short,
    /// One JSON document with every finding
    Json,
    /// GitHub Actions annotations
    Github,
    /// JUnit XML, one test case per file
    Junit,
    /// SARIF 2.1.0 for code scanning
    Sarif,
    /// TAP version 13, one test point per file
    Tap,
    /// GitLab Code Quality report (JSON), for merge requests
    Gitlab,
    /// Markdown: counts and a table of findings, for a pull request
    Markdown,
}

/// How `mon diff` and `mon sync` print the plan (`--format`, `[plan] format`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PlanFormat {
    /// Changed keys with unified diffs, for people
    Text,
    /// One line per key to write or delete, then the summary
    Short,
    /// The plan as one JSON document (with the outcome, for sync)
    Json,
    /// Markdown: counts, then each key's diff folded, for a pull request
    Markdown,
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
    pub fn of(loaded: &'a crate::loaded::Loaded) -> Report<'a> {
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

/// A plan in `format`. JSON carries the API, and how a sync paces its
/// writes and what it did, when there is a sync.
pub fn write_plan(
    format: PlanFormat,
    plan: &crate::plan::Plan,
    (api, pace, outcome): (&str, Option<&serde_json::Value>, Option<&serde_json::Value>),
    (color, context): (bool, Option<usize>),
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        PlanFormat::Text => plan_text::write(plan, out, color, context),
        PlanFormat::Short => plan_short::write(plan, out),
        PlanFormat::Json => plan_json::write(plan, api, pace, outcome, out),
        PlanFormat::Markdown => plan_markdown::write(plan, out),
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
        Format::Gitlab => gitlab::write(report, out),
        Format::Markdown => markdown::write(report, out),
    }
}

/// Shows the findings and refuses: nothing was `done` ("written", "sent").
pub fn refuse(
    loaded: &crate::loaded::Loaded,
    color: bool,
    what: &str,
    done: &str,
    err: &mut dyn std::io::Write,
) -> crate::exit::Exit {
    let _ = write(Format::Text, &Report::of(loaded), err, color);
    let _ = writeln!(
        err,
        "error: {what}: the definitions have errors; nothing was {done}"
    );
    crate::exit::Exit::Invalid
}

/// The JSON document of a command that stopped before it had anything to
/// show (the reason is on stderr).
pub fn failed(code: crate::exit::Exit, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let doc = serde_json::json!({"outcome": {"status": "failed", "exit_code": code.code()}});
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// `s` safe to show on a terminal line: every control character (ESC,
/// BEL, a newline in a file name...) as a visible escape, so text read from
/// etcd or a definition can neither run terminal sequences nor forge a
/// second line.
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    escaped(s, |_| false)
}

/// Lines of text (a diff, a program's messages) safe to show: as `shown`,
/// but tabs and line ends stay.
pub fn shown_lines(s: &str) -> std::borrow::Cow<'_, str> {
    escaped(s, |c| c == '\n' || c == '\t')
}

fn escaped(s: &str, keep: fn(char) -> bool) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(|c| c.is_control() && !keep(c)) {
        return std::borrow::Cow::Borrowed(s);
    }
    s.chars()
        .map(|c| {
            if c.is_control() && !keep(c) {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect::<String>()
        .into()
}
