// mon is often run for a few milliseconds (send-command, validate of one
// file), where loading the binary dominates. Linked as a fixed-address
// executable, it needs no runtime relocation of its pointer-holding data;
// as a PIE, the loader touches and copies every such page at each start.
//
// The section schemas' validators are generated from a copy of schemas/ in
// which each regex `pattern` is a `format` that a function of
// src/schema/pattern.rs checks: a small run then compiles no regex.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

include!("src/schema/patterns.in");

fn main() {
    println!("cargo:rustc-link-arg-bins=-no-pie");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=schemas");
    println!("cargo:rerun-if-changed=src/schema/patterns.in");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dir = out.join("schemas");
    std::fs::create_dir_all(&dir).expect("OUT_DIR is writable");

    let mut sections = Vec::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir("schemas")
        .expect("schemas/ is readable")
        .map(|e| e.expect("schemas/ is readable").path())
        .filter(|p| p.to_string_lossy().ends_with(".schema.json"))
        .collect();
    files.sort();
    for path in files {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        let key = name.trim_end_matches(".schema.json");
        if key == "mon" {
            continue; // the whole-file schema, for editors: no validator
        }
        let text = std::fs::read_to_string(&path).expect("a schema is readable");
        std::fs::write(dir.join(name), as_formats(&path, &text)).expect("OUT_DIR is writable");
        if key != "common" {
            sections.push(key.to_string());
        }
    }

    std::fs::write(out.join("validators.rs"), validators(&dir, &sections))
        .expect("OUT_DIR is writable");
    let mut formats = String::from("pub const FORMATS: &[(&str, Matcher)] = &[\n");
    for (_, f) in matchers() {
        writeln!(formats, "    ({f:?}, {f}),").unwrap();
    }
    formats.push_str("];\n");
    std::fs::write(out.join("pattern_formats.rs"), formats).expect("OUT_DIR is writable");
}

fn matchers() -> impl Iterator<Item = (&'static str, &'static str)> {
    PATTERNS.iter().filter_map(|(p, f, _)| Some((*p, (*f)?)))
}

/// The schema with each pattern that has a matcher written as its format.
/// Every `"pattern"` must be in the table: a new one needs its matcher and
/// hint there.
fn as_formats(path: &Path, text: &str) -> String {
    let mut text = text.to_string();
    for (pattern, format) in matchers() {
        let written = format!("\"pattern\": {}", json_string(pattern));
        text = text.replace(&written, &format!("\"format\": {}", json_string(format)));
    }
    for (i, _) in text.match_indices("\"pattern\"") {
        let rest = &text[i..];
        let known = PATTERNS.iter().any(|(p, f, _)| {
            f.is_none() && rest.starts_with(&format!("\"pattern\": {}", json_string(p)))
        });
        assert!(
            known,
            "{}: a pattern missing from src/schema/patterns.in: {}",
            path.display(),
            rest.lines().next().unwrap_or_default()
        );
    }
    text
}

/// A JSON string literal: the schemas' patterns hold `\` and nothing else
/// JSON escapes.
fn json_string(s: &str) -> String {
    assert!(
        !s.chars().any(|c| c == '"' || c.is_control()),
        "pattern {s:?}: only `\\` is escaped here"
    );
    format!("\"{}\"", s.replace('\\', "\\\\"))
}

fn validators(dir: &Path, sections: &[String]) -> String {
    let formats: Vec<String> = matchers()
        .map(|(_, f)| format!("{f:?} => crate::schema::pattern::{f}"))
        .collect();
    let common = dir.join("common.schema.json");
    let mut code = String::new();
    for key in sections {
        let path = dir.join(format!("{key}.schema.json"));
        let mut ty = key.clone();
        ty[..1].make_ascii_uppercase();
        writeln!(
            code,
            r#"#[jsonschema::validator(
    path = {path:?},
    base_uri = "json-schema:///{key}.schema.json",
    resources = {{ "json-schema:///common.schema.json" => {{ path = {common:?} }} }},
    pattern_options = {{ engine = regex }},
    validate_formats = true,
    formats = {{ {formats} }},
    methods = {{ is_valid = true, iter_errors = true }}
)]
pub struct {ty};
"#,
            path = path.to_string_lossy(),
            common = common.to_string_lossy(),
            formats = formats.join(", "),
        )
        .unwrap();
    }
    code
}
