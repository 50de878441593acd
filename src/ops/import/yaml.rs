//! Definition files written from JSON values, in the style of the README's
//! examples: block mappings, two-space indents, strings plain where every
//! YAML reader (1.1 as 9volt cfg reads, and 1.2) takes them as the same
//! string, double-quoted otherwise.

use std::borrow::Cow;
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
    let special = [
        "true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
    ]
    .iter()
    .any(|w| w.eq_ignore_ascii_case(s));
    let safe = (first.is_ascii_alphanumeric() || matches!(first, '/' | '_' | '.'))
        && !special
        && !s.ends_with([' ', ':'])
        && !s.contains(": ")
        && !s.contains(" #")
        && s.bytes().all(|c| {
            c.is_ascii_alphanumeric()
                || matches!(
                    c,
                    b' ' | b'_' | b'.' | b'/' | b'@' | b'+' | b'-' | b'=' | b':' | b',' | b'%'
                )
        });
    // Every numberish form starts with a sign, a dot or a digit, and all
    // but a date have at most two dots: an address is no number.
    let b = s.as_bytes();
    let date = b.len() > 4 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-';
    let maybe_number = (first.is_ascii_digit() || matches!(first, '-' | '+' | '.'))
        && (date || b.iter().filter(|c| **c == b'.').count() <= 2);
    safe && !(maybe_number && numberish.is_match(s))
}

/// A string as a YAML scalar that reads back exactly.
pub fn string(s: &str) -> Cow<'_, str> {
    if plain_ok(s) {
        return Cow::Borrowed(s);
    }
    // JSON's escapes are YAML's; YAML also wants DEL and C1 controls escaped.
    let json = serde_json::to_string(s).expect("strings serialize");
    Cow::Owned(
        json.chars()
            .fold(String::with_capacity(json.len()), |mut o, c| {
                match c as u32 {
                    0x7f..=0x84 | 0x86..=0x9f => {
                        let _ = write!(o, "\\u{:04x}", c as u32);
                    }
                    _ => o.push(c),
                }
                o
            }),
    )
}

fn scalar(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => "null".into(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) => string(s).into_owned(),
        Value::Array(a) if a.is_empty() => "[]".into(),
        // A short list of plain words on one line, as the README writes
        // `secondary: [bolek]`; anything a flow list could misread is a block.
        Value::Array(a) => {
            // Past 60 characters it is a block: stop there, not at the end
            // of a list of 400,000.
            let mut line = String::from("[");
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    line.push_str(", ");
                }
                match v {
                    Value::String(s) if plain_ok(s) && !s.contains([',', ':', ' ']) => {
                        line.push_str(s)
                    }
                    Value::Number(n) => line.push_str(&n.to_string()),
                    Value::Bool(b) => line.push_str(&b.to_string()),
                    _ => return None,
                }
                if line.len() > 61 {
                    return None;
                }
            }
            line.push(']');
            line
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
    pad(out, indent);
    out.push_str(&string(key));
    out.push(':');
    match scalar(v) {
        Some(s) => {
            out.push(' ');
            out.push_str(&s);
            out.push('\n');
        }
        None => {
            out.push('\n');
            block(out, indent + 2, v);
        }
    }
}

/// `n` spaces: a hundred thousand lines padded through `fmt` cost more
/// than writing them.
fn pad(out: &mut String, n: usize) {
    const SPACES: &str = "                                ";
    let mut n = n;
    while n > 0 {
        let k = n.min(SPACES.len());
        out.push_str(&SPACES[..k]);
        n -= k;
    }
}

/// A non-empty mapping or sequence as a block at `indent`.
pub fn block(out: &mut String, indent: usize, v: &Value) {
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
                        pad(out, indent);
                        out.push_str("- ");
                        out.push_str(&s);
                        out.push('\n');
                    }
                    None => {
                        // The first line of a nested block goes after `- `.
                        let mut inner = String::new();
                        block(&mut inner, indent + 2, item);
                        pad(out, indent);
                        out.push_str("- ");
                        out.push_str(&inner[indent + 2..]);
                    }
                }
            }
        }
        other => {
            pad(out, indent);
            out.push_str(&scalar(other).unwrap_or_default());
            out.push('\n');
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
