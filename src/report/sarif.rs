//! SARIF 2.1.0 (through serde-sarif's typed builders) for code-scanning
//! dashboards: every finding a result with its rule, file, line and column.

use std::io::{self, Write};

use serde_sarif::sarif::{
    ArtifactLocation, Location, Message, MultiformatMessageString, PhysicalLocation, Region,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
    Version, SCHEMA_URL,
};

use super::Report;
use crate::diagnostic::{Code, Severity, Span};

fn location(r: &Report, span: Span, message: Option<&str>) -> Location {
    let l = r.location(span);
    let region = Region::builder()
        .start_line(l.line as i64)
        .start_column(l.column as i64)
        .end_line(l.end_line as i64)
        .end_column(l.end_column as i64)
        .build();
    let physical = PhysicalLocation::builder()
        .artifact_location(ArtifactLocation::builder().uri(uri(l.file)).build())
        .region(region)
        .build();
    match message {
        Some(m) => Location::builder()
            .physical_location(physical)
            .message(Message::builder().text(m.to_string()).build())
            .build(),
        None => Location::builder().physical_location(physical).build(),
    }
}

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<ReportingDescriptor> = Code::ALL
        .iter()
        .map(|c| {
            ReportingDescriptor::builder()
                .id(c.id())
                .short_description(
                    MultiformatMessageString::builder()
                        .text(c.summary())
                        .build(),
                )
                .full_description(MultiformatMessageString::builder().text(c.why()).build())
                .help(
                    MultiformatMessageString::builder()
                        .text(format!(
                            "Mistake:\n{}\nFix:\n{}\n(`mon explain {}`)",
                            c.example().0,
                            c.example().1,
                            c.id()
                        ))
                        .build(),
                )
                .build()
        })
        .collect();
    let results: Vec<SarifResult> = r
        .diagnostics
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.hint {
                text.push_str(&format!(" (hint: {h})"));
            }
            let level = match d.severity {
                Severity::Error => ResultLevel::Error,
                Severity::Warning => ResultLevel::Warning,
            };
            let related: Vec<Location> = d
                .related
                .iter()
                .map(|rel| location(r, rel.span, Some(&rel.message)))
                .collect();
            let rule_index = Code::ALL.iter().position(|c| *c == d.code).unwrap_or(0) as i64;
            SarifResult::builder()
                .rule_id(d.code.id())
                .rule_index(rule_index)
                .level(level)
                .message(Message::builder().text(text).build())
                .locations(vec![location(r, d.span, None)])
                .related_locations(related)
                .build()
        })
        .collect();
    let driver = ToolComponent::builder()
        .name("mon")
        .version(env!("CARGO_PKG_VERSION"))
        .rules(rules)
        .build();
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(results)
        .build();
    let sarif = Sarif::builder()
        .schema(SCHEMA_URL)
        .version(serde_json::to_value(Version::V2_1_0).map_err(io::Error::other)?)
        .runs(vec![run])
        .build();
    serde_json::to_writer_pretty(&mut *out, &sarif)?;
    writeln!(out)
}

/// A file's path as a SARIF `artifactLocation.uri`: a URI reference, so
/// each byte outside RFC 3986's unreserved set (and `/`) is percent-encoded
/// (a space, a `#` that would start a fragment, a bare `%`); an absolute
/// path becomes a `file://` URI.
fn uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    if path.starts_with('/') {
        out.push_str("file://");
    }
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod uri_tests {
    #[test]
    fn paths_become_uri_references() {
        assert_eq!(super::uri("defs/a b#1%.yaml"), "defs/a%20b%231%25.yaml");
        assert_eq!(super::uri("/srv/defs/x.yaml"), "file:///srv/defs/x.yaml");
        assert_eq!(super::uri("défs/x.yaml"), "d%C3%A9fs/x.yaml");
    }
}
