//! JUnit XML: one test case per file, failed when the file has errors, so CI
//! dashboards show which definition files broke.

use std::io::{self, Write};

use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};

use super::Report;
use crate::diagnostic::Severity;

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut suite = TestSuite::new("mon validate");
    for (id, file) in r.sources.files() {
        let findings: Vec<_> = r.diagnostics.iter().filter(|d| d.span.file == id).collect();
        let errors: Vec<_> = findings
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        let status = if errors.is_empty() {
            TestCaseStatus::success()
        } else {
            let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
            s.set_message(format!("{} error(s)", errors.len()));
            s.set_type("invalid definitions");
            let text: Vec<String> = findings
                .iter()
                .map(|d| {
                    let l = r.location(d.span);
                    let hint = d
                        .hint
                        .as_deref()
                        .map(|h| format!(" (hint: {h})"))
                        .unwrap_or_default();
                    format!(
                        "{}:{}:{}: {}[{}]: {}{hint}",
                        l.file,
                        l.line,
                        l.column,
                        d.severity.as_str(),
                        d.code.id(),
                        d.message
                    )
                })
                .collect();
            s.set_description(text.join("\n"));
            s
        };
        let mut case = TestCase::new(file.name.clone(), status);
        case.set_classname("mon.validate");
        suite.add_test_case(case);
    }
    let mut report = JReport::new("mon");
    report.add_test_suite(suite);
    report.serialize(&mut *out).map_err(io::Error::other)?;
    writeln!(out)
}
