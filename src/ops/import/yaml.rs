//! Definition files written from JSON values, in the style of the README's
//! examples: block mappings, two-space indents, strings plain where every
//! YAML reader (1.1 as 9volt cfg reads, and 1.2) takes them as the same
//! string, double-quoted otherwise.

use std::fmt::Write;

use serde_json::Value;

/// Whether `s` may be written plain: it must read back as this string, not
/// as a number, boolean, null, date or YAML syntax, in YAML 1.1 and 1.2.
fn plain_ok(s: &str) -> bool {
    use std::sync::OnceLock;
    static NUMBERISH: OnceLock<regex::Regex> = OnceLock::new();
    let numberish = NUMBERISH.get_or_init(|| {
        regex::Regex::new(concat!(
            r"^[-+]?(\.?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?",
            r"|0[xXoObB][0-9a-fA-F_]+",
            r"|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?",
            r"|\.(inf|Inf|INF|nan|NaN|NAN))$",
            r"|^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
        ))
        .expect("a valid regex")
    });
    let first = match s.chars().next() {
        Some(c) => c,
        None => return false,
    };
    let special = matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no" | "on" | "off" | "y" | "n" | "null" | "~"
    );
    (first.is_ascii_alphanumeric() || matches!(first, '/' | '_' | '.'))
        && !special
        && !numberish.is_match(s)
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    ' ' | '_' | '.' | '/' | '@' | '+' | '-' | '=' | ':' | ',' | '%'
                )
        })
}

/// A string as a YAML scalar that reads back exactly.
pub fn string(s: &str) -> String {
    if plain_ok(s) {
        return s.to_string();
    }
    // JSON's escapes are YAML's; YAML also wants DEL and C1 controls escaped.
    let json = serde_json::to_string(s).expect("strings serialize");
    json.chars()
        .fold(String::with_capacity(json.len()), |mut o, c| {
            match c as u32 {
                0x7f..=0x84 | 0x86..=0x9f => {
                    let _ = write!(o, "\\u{:04x}", c as u32);
                }
                _ => o.push(c),
            }
            o
        })
}

fn scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s),
        Value::Array(a) if a.is_empty() => "[]".into(),
        // A short list of plain words on one line, as the README writes
        // `secondary: [bolek]`; anything a flow list could misread is a block.
        Value::Array(a) => {
            let items: Option<Vec<String>> = a
                .iter()
                .map(|v| match v {
                    Value::String(s) if plain_ok(s) && !s.contains([',', ':', ' ']) => {
                        Some(s.clone())
                    }
                    Value::Number(n) => Some(n.to_string()),
                    Value::Bool(b) => Some(b.to_string()),
                    _ => None,
                })
                .collect();
            match items.map(|i| i.join(", ")) {
                Some(line) if line.len() <= 60 => format!("[{line}]"),
                _ => return None,
            }
        }
        Value::Object(o) if o.is_empty() => "{}".into(),
        // A secret reference, as the README writes it: `{env: NAME}`.
        Value::Object(o) if o.len() == 1 => match o.iter().next() {
            Some((k, Value::String(s))) if matches!(k.as_str(), "env" | "file") && plain_ok(s) => {
                format!("{{{k}: {s}}}")
            }
            _ => return None,
        },
        _ => return None,
    })
}

/// `key: value` lines at `indent`, nested blocks indented by two.
pub fn entry(out: &mut String, indent: usize, key: &str, v: &Value) {
    let pad = " ".repeat(indent);
    match scalar(v) {
        Some(s) => {
            let _ = writeln!(out, "{pad}{}: {s}", string(key));
        }
        None => {
            let _ = writeln!(out, "{pad}{}:", string(key));
            block(out, indent + 2, v);
        }
    }
}

/// A non-empty mapping or sequence as a block at `indent`.
pub fn block(out: &mut String, indent: usize, v: &Value) {
    let pad = " ".repeat(indent);
    match v {
        Value::Object(o) => {
            for (k, v) in o {
                entry(out, indent, k, v);
            }
        }
        Value::Array(a) => {
            for item in a {
                match scalar(item) {
                    Some(s) => {
                        let _ = writeln!(out, "{pad}- {s}");
                    }
                    None => {
                        // The first line of a nested block goes after `- `.
                        let mut inner = String::new();
                        block(&mut inner, indent + 2, item);
                        let _ = write!(out, "{pad}- {}", &inner[indent + 2..]);
                    }
                }
            }
        }
        other => {
            let _ = writeln!(out, "{pad}{}", scalar(other).unwrap_or_default());
        }
    }
}

/// A comment block: each line prefixed with `# `.
pub fn comment(out: &mut String, indent: usize, text: &str) {
    for line in text.lines() {
        let _ = writeln!(out, "{}# {line}", " ".repeat(indent));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_that_yaml_would_read_otherwise_are_quoted() {
        for s in [
            "yes",
            "No",
            "on",
            "OFF",
            "y",
            "null",
            "~",
            "true",
            "80",
            "8e1",
            "0x10",
            "1_000",
            "1:30",
            ".inf",
            ".5",
            "-1",
            "+1",
            "2024-01-02",
            "",
            " x",
            "x ",
            "a: b",
            "a #b",
            "#x",
            "-x",
            "[x]",
            "{x}",
            "*x",
            "&x",
            "!x",
            "|",
            ">",
            "'x'",
            "\"x\"",
            "x\ny",
            "%x",
            "@x",
            "`x",
            "x:",
        ] {
            assert!(string(s).starts_with('"'), "{s:?} written plain");
        }
        for s in [
            "30s",
            "web-1",
            "10.0.0.1",
            "example.com:443",
            "/health",
            "a b",
            "user@host",
        ] {
            assert_eq!(string(s), s);
        }
        assert_eq!(string("a\u{7f}b"), "\"a\\u007fb\"");
    }
}
