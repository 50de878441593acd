//! Definition files, serialised from typed values (`def.rs`) in the style
//! of the README's examples: block mappings in declaration order, two-space
//! indents, short lists of words and secret references on one line, strings
//! plain where every YAML reader (1.1 as 9volt cfg reads, and 1.2) takes
//! them as the same string, double-quoted otherwise.

use std::borrow::Cow;
use std::fmt::Write;

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
fn string(s: &str) -> Cow<'_, str> {
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

/// A comment block: each line prefixed with `# `. A header names paths
/// from the tree being imported, so every character YAML 1.1 or 1.2 takes
/// as a line break starts a new comment line, never content.
fn comment(out: &mut String, text: &str) {
    for line in text.split(['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}']) {
        out.push_str("# ");
        out.push_str(line);
        out.push('\n');
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

    /// A path in a header cannot end the comment: YAML breaks lines at
    /// CR, NEL and the Unicode separators too.
    #[test]
    fn a_header_stays_a_comment() {
        for br in ["\n", "\r", "\r\n", "\u{85}", "\u{2028}", "\u{2029}"] {
            let text = document(&format!("from /x{br}monitor: {{evil: 1}}"), &());
            let read = yaml_rust2::YamlLoader::load_from_str(&text).unwrap();
            assert!(
                read.is_empty() || read[0].is_null(),
                "{br:?}: {text:?} read as {read:?}"
            );
        }
    }
}

/// A value as the README writes definitions: `serde` drives it, so a
/// typed definition's fields come out in the order they are declared.
pub fn to_string<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, Error> {
    Ok(match v.serialize(Ser { indent: 0 })? {
        Out::Block(lines) => lines,
        Out::Scalar { text, .. } => text + "\n",
        Out::Flow(text) => text.into_owned() + "\n",
    })
}

/// A file: the comment `header`, then `v`.
pub fn document<T: serde::Serialize + ?Sized>(header: &str, v: &T) -> String {
    let mut out = String::new();
    comment(&mut out, header);
    // Only a type with no mapping or string form fails, and import writes
    // none: that is a bug here, not bad input.
    out.push_str(&to_string(v).expect("definitions are mappings of strings"));
    out
}

/// Why a value has no YAML form here.
#[derive(Debug)]
pub struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl serde::ser::Error for Error {
    fn custom<T: std::fmt::Display>(msg: T) -> Self {
        Error(msg.to_string())
    }
}

/// What a value became.
enum Out {
    /// Its YAML text; `plain` for a plain string (it may name a secret in
    /// `{env: X}`), `listed` where it may stand in `[a, b]`.
    Scalar {
        text: String,
        plain: bool,
        listed: bool,
    },
    /// A mapping or sequence on one line: `{env: X}`, `[a, b]`.
    Flow(Cow<'static, str>),
    /// A non-empty mapping or sequence: lines at the indent it was given.
    Block(String),
}

impl Out {
    /// A number or boolean: in a flow list, never a secret's name.
    fn word(text: String) -> Out {
        Out::Scalar {
            text,
            plain: false,
            listed: true,
        }
    }
}

struct Ser {
    indent: usize,
}

/// A mapping: each entry written as it comes.
struct MapSer {
    indent: usize,
    lines: String,
    count: usize,
    key: Option<String>,
    /// `{env: X}`: a secret reference stays on one line, as the README writes it.
    flow: Option<String>,
}

/// A sequence: items kept until its end decides flow or block.
struct SeqSer {
    indent: usize,
    items: Vec<Out>,
}

macro_rules! numbers {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<Out, Error> {
            Ok(Out::word(v.to_string()))
        }
    )*};
}

impl serde::Serializer for Ser {
    type Ok = Out;
    type Error = Error;
    type SerializeSeq = SeqSer;
    type SerializeTuple = SeqSer;
    type SerializeTupleStruct = SeqSer;
    type SerializeTupleVariant = serde::ser::Impossible<Out, Error>;
    type SerializeMap = MapSer;
    type SerializeStruct = MapSer;
    type SerializeStructVariant = serde::ser::Impossible<Out, Error>;

    numbers!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64,
        serialize_bool: bool);

    fn serialize_f32(self, v: f32) -> Result<Out, Error> {
        self.serialize_f64(v.into())
    }
    fn serialize_f64(self, v: f64) -> Result<Out, Error> {
        // JSON's shortest form (`1.5`, `100.0`): a float reads back a float.
        // No definition field takes infinity or NaN; as serde_json, null.
        Ok(Out::word(match serde_json::Number::from_f64(v) {
            Some(n) => n.to_string(),
            None => "null".into(),
        }))
    }
    fn serialize_char(self, v: char) -> Result<Out, Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Out, Error> {
        let plain = plain_ok(v);
        Ok(Out::Scalar {
            text: string(v).into_owned(),
            plain,
            listed: plain && !v.contains([',', ':', ' ']),
        })
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<Out, Error> {
        Err(Error("bytes have no YAML form here".into()))
    }
    fn serialize_none(self) -> Result<Out, Error> {
        Ok(Out::Scalar {
            text: "null".into(),
            plain: false,
            listed: false,
        })
    }
    fn serialize_some<T: serde::Serialize + ?Sized>(self, v: &T) -> Result<Out, Error> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<Out, Error> {
        self.serialize_none()
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<Out, Error> {
        self.serialize_none()
    }
    fn serialize_unit_variant(
        self,
        _: &'static str,
        _: u32,
        v: &'static str,
    ) -> Result<Out, Error> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<Out, Error> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: serde::Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result<Out, Error> {
        use serde::ser::SerializeMap;
        let mut m = self.serialize_map(Some(1))?;
        m.serialize_entry(variant, v)?;
        m.end()
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer, Error> {
        Ok(SeqSer {
            indent: self.indent,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Error> {
        Err(Error(format!(
            "{name}: a tuple variant has no YAML form here"
        )))
    }
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer, Error> {
        Ok(MapSer {
            indent: self.indent,
            lines: String::new(),
            count: 0,
            key: None,
            flow: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<MapSer, Error> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        name: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Error> {
        Err(Error(format!(
            "{name}: a struct variant has no YAML form here"
        )))
    }
}

impl MapSer {
    fn line(&mut self, text: &str) {
        self.lines.push(' ');
        self.lines.push_str(text);
        self.lines.push('\n');
    }

    /// `key` is YAML text already (plain or quoted).
    fn entry(&mut self, key: &str, v: Out) {
        if self.count == 0 && matches!(key, "env" | "file") {
            if let Out::Scalar {
                text, plain: true, ..
            } = &v
            {
                self.flow = Some(format!("{{{key}: {text}}}"));
            }
        }
        self.count += 1;
        pad(&mut self.lines, self.indent);
        self.lines.push_str(key);
        self.lines.push(':');
        match v {
            Out::Scalar { text, .. } => self.line(&text),
            Out::Flow(text) => self.line(&text),
            Out::Block(lines) => {
                self.lines.push('\n');
                self.lines.push_str(&lines);
            }
        }
    }
}

impl serde::ser::SerializeMap for MapSer {
    type Ok = Out;
    type Error = Error;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        match key.serialize(Ser { indent: 0 })? {
            Out::Scalar { text, .. } => {
                self.key = Some(text);
                Ok(())
            }
            _ => Err(Error("a mapping key must be a string".into())),
        }
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .key
            .take()
            .ok_or(Error("a value without a key".into()))?;
        let v = v.serialize(Ser {
            indent: self.indent + 2,
        })?;
        self.entry(&key, v);
        Ok(())
    }
    fn end(self) -> Result<Out, Error> {
        Ok(match (self.count, self.flow) {
            (0, _) => Out::Flow("{}".into()),
            (1, Some(flow)) => Out::Flow(flow.into()),
            _ => Out::Block(self.lines),
        })
    }
}

impl serde::ser::SerializeStruct for MapSer {
    type Ok = Out;
    type Error = Error;
    fn serialize_field<T: serde::Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        // A field's name needs no copy: a node of a 300,000-node cluster
        // has three.
        let v = v.serialize(Ser {
            indent: self.indent + 2,
        })?;
        self.entry(&string(key), v);
        Ok(())
    }
    fn end(self) -> Result<Out, Error> {
        serde::ser::SerializeMap::end(self)
    }
}

impl serde::ser::SerializeSeq for SeqSer {
    type Ok = Out;
    type Error = Error;
    fn serialize_element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        self.items.push(v.serialize(Ser {
            indent: self.indent + 2,
        })?);
        Ok(())
    }
    fn end(self) -> Result<Out, Error> {
        if self.items.is_empty() {
            return Ok(Out::Flow("[]".into()));
        }
        // A short list of plain words on one line, as the README writes
        // `secondary: [bolek]`; anything a flow list could misread is a block.
        let mut line = String::from("[");
        for v in &self.items {
            match v {
                Out::Scalar {
                    text, listed: true, ..
                } if line.len() + 2 + text.len() <= 63 => {
                    // Past 61 characters it is a block.
                    if line.len() > 1 {
                        line.push_str(", ");
                    }
                    line.push_str(text);
                    if line.len() > 61 {
                        line.clear();
                        break;
                    }
                }
                _ => {
                    line.clear();
                    break;
                }
            }
        }
        if !line.is_empty() {
            line.push(']');
            return Ok(Out::Flow(line.into()));
        }
        let mut lines = String::new();
        for v in self.items {
            pad(&mut lines, self.indent);
            lines.push_str("- ");
            match v {
                Out::Scalar { text, .. } => {
                    lines.push_str(&text);
                    lines.push('\n');
                }
                Out::Flow(text) => {
                    lines.push_str(&text);
                    lines.push('\n');
                }
                // The first line of a nested block goes after `- `.
                Out::Block(inner) => lines.push_str(&inner[self.indent + 2..]),
            }
        }
        Ok(Out::Block(lines))
    }
}

macro_rules! seq_like {
    ($($t:path: $f:ident),*) => {$(
        impl $t for SeqSer {
            type Ok = Out;
            type Error = Error;
            fn $f<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
                serde::ser::SerializeSeq::serialize_element(self, v)
            }
            fn end(self) -> Result<Out, Error> {
                serde::ser::SerializeSeq::end(self)
            }
        }
    )*};
}
seq_like!(serde::ser::SerializeTuple: serialize_element, serde::ser::SerializeTupleStruct: serialize_field);
