//! The schemas' regex patterns as plain functions, for the validators
//! generated at build time. Compiling the regexes was about 0.2 ms of a
//! one-file `mon validate` (the regex engine's code paged in, three or four
//! patterns built), more than all the checking. build.rs turns each
//! `pattern` in its copy of the schemas into a `format` named after one of
//! these functions; `schemas/` itself, what editors and `mon schema` read,
//! keeps the patterns. The schema is still the one statement of the rule:
//! tests hold every function to jsonschema's own reading of its pattern,
//! and the validator compiled at run time for large loads uses the regexes.

include!("patterns.in");

/// Whether a string matches a pattern.
pub type Matcher = fn(&str) -> bool;

// The formats the generated validators call, with the pattern each stands for.
include!(concat!(env!("OUT_DIR"), "/pattern_formats.rs"));

/// The hint for a value that fails `pattern`: the table's fixed text.
pub fn hint(pattern: &str) -> std::borrow::Cow<'static, str> {
    match PATTERNS.iter().find(|(p, _, _)| *p == pattern) {
        Some((_, _, h)) => (*h).into(),
        None => format!("it must match {pattern}").into(),
    }
}

/// The pattern a generated validator's `format` stands for.
pub fn of_format(format: &str) -> Option<&'static str> {
    PATTERNS
        .iter()
        .find(|(_, f, _)| *f == Some(format))
        .map(|(p, _, _)| *p)
}

/// Each pattern with the function standing for it.
pub fn matchers() -> impl Iterator<Item = (&'static str, Matcher)> {
    FORMATS
        .iter()
        .filter_map(|&(format, f)| Some((of_format(format)?, f)))
}

fn alnum(c: u8) -> bool {
    c.is_ascii_alphanumeric()
}

/// One or more bytes, each in the class.
fn all(s: &str, class: impl Fn(u8) -> bool) -> bool {
    !s.is_empty() && s.bytes().all(class)
}

/// `^[A-Za-z0-9][A-Za-z0-9._-]*$`
pub fn name(s: &str) -> bool {
    s.as_bytes().first().is_some_and(|&c| alnum(c))
        && s.bytes()
            .all(|c| alnum(c) || matches!(c, b'.' | b'_' | b'-'))
}

/// `^[A-Za-z0-9._/:-]+$`
pub fn hastmon_word(s: &str) -> bool {
    all(s, |c| {
        alnum(c) || matches!(c, b'.' | b'_' | b'/' | b':' | b'-')
    })
}

/// `^[A-Za-z0-9._-]+(:[0-9]{1,5})?$`: the host's class has no `:`, so the
/// first `:` is the one before the port.
pub fn host_port(s: &str) -> bool {
    let host = |h: &str| all(h, |c| alnum(c) || matches!(c, b'.' | b'_' | b'-'));
    match s.split_once(':') {
        None => host(s),
        Some((h, port)) => host(h) && port.len() <= 5 && all(port, |c| c.is_ascii_digit()),
    }
}

/// `^[A-Za-z0-9_]+$`
pub fn collectd_identifier(s: &str) -> bool {
    all(s, |c| alnum(c) || c == b'_')
}

/// `^[A-Za-z0-9_.-]+$`
pub fn tag(s: &str) -> bool {
    all(s, |c| alnum(c) || matches!(c, b'_' | b'.' | b'-'))
}

/// `^[a-z0-9_]+$`
pub fn lower_word(s: &str) -> bool {
    all(s, |c| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_'
    })
}

/// `^[a-z0-9_]+(/[a-z0-9_]+)*$`
pub fn category(s: &str) -> bool {
    s.split('/').all(lower_word)
}

/// `^[^@\s]+$`, with `\s` as ECMA-262 reads it.
pub fn no_at_or_space(s: &str) -> bool {
    !s.is_empty() && !s.chars().any(|c| c == '@' || ecma_space(c))
}

/// `^[A-Za-z_][A-Za-z0-9_]*$`
pub fn env_name(s: &str) -> bool {
    s.as_bytes()
        .first()
        .is_some_and(|&c| c.is_ascii_alphabetic() || c == b'_')
        && s.bytes().all(|c| alnum(c) || c == b'_')
}

/// ECMA-262's `\s`: WhiteSpace (TAB, VT, FF, SP, NBSP, ZWNBSP, every Zs)
/// and LineTerminator (LF, CR, LS, PS).
fn ecma_space(c: char) -> bool {
    matches!(c,
        '\t'..='\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'..='\u{200a}'
        | '\u{2028}' | '\u{2029}'
        | '\u{202f}' | '\u{205f}' | '\u{3000}' | '\u{feff}')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    #[test]
    fn every_matcher_stands_for_a_pattern_of_the_table() {
        let with_matcher = PATTERNS.iter().filter(|(_, f, _)| f.is_some()).count();
        assert_eq!(matchers().count(), with_matcher);
        assert_eq!(FORMATS.len(), with_matcher);
    }

    /// Each pattern as jsonschema reads it (ECMA-262 translated to Rust's
    /// regex), which the validator compiled at run time uses.
    type Checked = (&'static str, Matcher, jsonschema::Validator);
    fn regexes() -> &'static [Checked] {
        static V: std::sync::OnceLock<Vec<Checked>> = std::sync::OnceLock::new();
        V.get_or_init(|| {
            matchers()
                .map(|(p, f)| {
                    let v = jsonschema::options()
                        .with_pattern_options(jsonschema::PatternOptions::regex())
                        .build(&json!({ "pattern": p }))
                        .expect("a schema pattern compiles");
                    (p, f, v)
                })
                .collect()
        })
    }

    fn agree(s: &str) -> Result<(), String> {
        for (p, f, v) in regexes() {
            if f(s) != v.is_valid(&json!(s)) {
                return Err(format!("{p} on {s:?}: matcher {}, regex {}", f(s), !f(s)));
            }
        }
        Ok(())
    }

    #[test]
    fn the_matchers_agree_with_the_regexes_at_the_edges() {
        for s in [
            "",
            "a",
            "-a",
            "a-",
            "_",
            "/",
            "a/b",
            "a//b",
            "/a",
            "a/",
            "A",
            "Z",
            "9",
            ".",
            "a:",
            ":1",
            "a:1",
            "a:12345",
            "a:123456",
            "a:1:2",
            "a::1",
            "a:b",
            "host.example:0",
            "1.2.3.4:80",
            "x@y",
            "1.0",
            "1.0 ",
            " ",
            "\u{a0}",
            "a\u{feff}",
            "a\u{85}",
            "a\u{200b}",
            "a\u{3000}",
            "é",
            "aé",
            "a\n",
            "\na",
            "a\r\n",
            "os/generic",
            "Os/generic",
            "os/",
            "_x",
            "x_1",
            "1x",
            "x\u{0}",
        ] {
            agree(s).unwrap();
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4096))]
        #[test]
        fn the_matchers_agree_with_the_regexes(
            s in proptest::collection::vec(proptest::sample::select(vec![
                'a', 'z', 'A', 'Z', '0', '9', '_', '.', '-', '/', ':', '@', ' ', '\t', '\n',
                '\r', '\u{b}', '\u{c}', '\u{a0}', '\u{1680}', '\u{2000}', '\u{200a}',
                '\u{200b}', '\u{2028}', '\u{202f}', '\u{205f}', '\u{3000}', '\u{feff}',
                '\u{85}', 'é', '1', '5', '\u{0}', '`', '{', '[',
            ]), 0..10).prop_map(|cs| cs.into_iter().collect::<String>())
        ) {
            prop_assert_eq!(agree(&s), Ok(()));
        }
    }
}
