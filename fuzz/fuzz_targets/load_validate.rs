//! Any bytes as a YAML or TOML definition file: loading, checking and every
//! output format must finish without panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mon::report::{self, Format, Report};

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let name = if selector & 1 == 0 { "fuzz.yaml" } else { "fuzz.toml" };
    let read = match std::str::from_utf8(rest) {
        Ok(text) => Ok(text.to_string()),
        Err(_) => return, // the UTF-8 check happens before parsing; covered by tests
    };
    let loaded = mon::ops::validate::analyze(vec![(name.into(), read)]);
    let r = Report { sources: &loaded.sources, diagnostics: &loaded.diagnostics, files: 1, definitions: loaded.catalog.len() };
    for format in [Format::Text, Format::Short, Format::Json, Format::Github, Format::Junit, Format::Sarif] {
        report::write(format, &r, &mut std::io::sink(), false).unwrap();
    }
});
