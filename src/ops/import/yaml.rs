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

/// A value as the README writes definitions: `serde` drives it, so a
/// typed definition's fields come out in the order they are declared.
pub fn to_string<T: serde::Serialize + ?Sized>(v: &T) -> Result<String, Error> {
    let mut out = String::new();
    write(&mut out, v)?;
    Ok(out)
}

/// A file: the comment `header`, then `v`.
pub fn document<T: serde::Serialize + ?Sized>(header: &str, v: &T) -> String {
    let mut out = String::new();
    comment(&mut out, header);
    // Only a type with no mapping or string form fails, and import writes
    // none: that is a bug here, not bad input.
    write(&mut out, v).expect("definitions are mappings of strings");
    out
}

fn write<T: serde::Serialize + ?Sized>(out: &mut String, v: &T) -> Result<(), Error> {
    let at = Ser {
        out,
        indent: 0,
        lead: false,
        direct: false,
    };
    match v.serialize(at)? {
        Out::Written => {}
        Out::Scalar { text, .. } => out_line(out, &text),
        Out::Flow(text) => out_line(out, &text),
        Out::Block(lines) => out.push_str(&lines),
    }
    Ok(())
}

fn out_line(out: &mut String, text: &str) {
    out.push_str(text);
    out.push('\n');
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

/// What serialising a value gave its parent.
enum Out {
    /// Written into the output already.
    Written,
    /// Its YAML text; `plain` for a plain string (it may name a secret in
    /// `{env: X}`), `listed` where it may stand in `[a, b]`.
    Scalar {
        text: String,
        plain: bool,
        listed: bool,
    },
    /// A mapping or sequence on one line: `{env: X}`, `[a, b]`, `{}`.
    Flow(Cow<'static, str>),
    /// A list item's block, at the indent it was given.
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

/// Where a value goes. Mappings write straight into `out` (a cluster of
/// 300,000 nodes is not copied up level by level); only a list keeps its
/// items until its end decides between one line and a block.
struct Ser<'b> {
    out: &'b mut String,
    indent: usize,
    /// After `key:`: a block starts on the next line.
    lead: bool,
    /// After `key:`: a scalar is written at once (` text\n`).
    direct: bool,
}

impl Ser<'_> {
    fn scalar(self, v: Out) -> Result<Out, Error> {
        match (self.direct, v) {
            (true, Out::Scalar { text, .. }) => {
                self.out.push(' ');
                out_line(self.out, &text);
                Ok(Out::Written)
            }
            (_, v) => Ok(v),
        }
    }
}

/// A mapping: each entry written as it comes.
struct MapSer<'b> {
    out: &'b mut String,
    indent: usize,
    lead: bool,
    /// Where this mapping's text starts, to take it back for a flow form.
    start: usize,
    count: usize,
    /// The first key's text, for `{env: X}`.
    first: Option<String>,
    /// `{env: X}`: a secret reference stays on one line, as the README writes it.
    flow: Option<String>,
}

/// A sequence: items kept until its end decides flow or block.
struct SeqSer<'b> {
    out: &'b mut String,
    indent: usize,
    lead: bool,
    items: Vec<Out>,
}

macro_rules! numbers {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<Out, Error> {
            self.scalar(Out::word(v.to_string()))
        }
    )*};
}

impl<'b> serde::Serializer for Ser<'b> {
    type Ok = Out;
    type Error = Error;
    type SerializeSeq = SeqSer<'b>;
    type SerializeTuple = SeqSer<'b>;
    type SerializeTupleStruct = SeqSer<'b>;
    type SerializeTupleVariant = serde::ser::Impossible<Out, Error>;
    type SerializeMap = MapSer<'b>;
    type SerializeStruct = MapSer<'b>;
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
        self.scalar(Out::word(match serde_json::Number::from_f64(v) {
            Some(n) => n.to_string(),
            None => "null".into(),
        }))
    }
    fn serialize_char(self, v: char) -> Result<Out, Error> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<Out, Error> {
        if self.direct {
            self.out.push(' ');
            out_line(self.out, &string(v));
            return Ok(Out::Written);
        }
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
        self.scalar(Out::Scalar {
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
    fn serialize_seq(self, len: Option<usize>) -> Result<SeqSer<'b>, Error> {
        Ok(SeqSer {
            out: self.out,
            indent: self.indent,
            lead: self.lead,
            items: Vec::with_capacity(len.unwrap_or(0)),
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<SeqSer<'b>, Error> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<SeqSer<'b>, Error> {
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
    fn serialize_map(self, _: Option<usize>) -> Result<MapSer<'b>, Error> {
        let start = self.out.len();
        Ok(MapSer {
            out: self.out,
            indent: self.indent,
            lead: self.lead,
            start,
            count: 0,
            first: None,
            flow: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<MapSer<'b>, Error> {
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

impl MapSer<'_> {
    /// `key` (YAML text already, plain or quoted), then its value.
    fn entry<T: serde::Serialize + ?Sized>(&mut self, key: &str, v: &T) -> Result<(), Error> {
        if self.count == 0 && self.lead {
            self.out.push('\n');
        }
        pad(self.out, self.indent);
        self.out.push_str(key);
        self.out.push(':');
        // The first key of `{env: X}` keeps its value to see whether the
        // mapping is a secret reference.
        let keep = self.count == 0 && matches!(key, "env" | "file");
        let v = v.serialize(Ser {
            out: self.out,
            indent: self.indent + 2,
            lead: true,
            direct: !keep,
        })?;
        if keep {
            if let Out::Scalar {
                text, plain: true, ..
            } = &v
            {
                self.flow = Some(format!("{{{key}: {text}}}"));
            }
        }
        match v {
            Out::Written => {}
            Out::Scalar { text, .. } => {
                self.out.push(' ');
                out_line(self.out, &text);
            }
            Out::Flow(text) => {
                self.out.push(' ');
                out_line(self.out, &text);
            }
            Out::Block(lines) => {
                self.out.push('\n');
                self.out.push_str(&lines);
            }
        }
        self.count += 1;
        Ok(())
    }
}

impl serde::ser::SerializeMap for MapSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_key<T: serde::Serialize + ?Sized>(&mut self, key: &T) -> Result<(), Error> {
        let mut scratch = String::new();
        let at = Ser {
            out: &mut scratch,
            indent: 0,
            lead: false,
            direct: false,
        };
        match key.serialize(at)? {
            Out::Scalar { text, .. } => {
                self.first = Some(text);
                Ok(())
            }
            _ => Err(Error("a mapping key must be a string".into())),
        }
    }
    fn serialize_value<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        let key = self
            .first
            .take()
            .ok_or(Error("a value without a key".into()))?;
        self.entry(&key, v)
    }
    fn end(self) -> Result<Out, Error> {
        Ok(match (self.count, self.flow) {
            (0, _) => Out::Flow(Cow::Borrowed("{}")),
            (1, Some(flow)) => {
                self.out.truncate(self.start);
                Out::Flow(flow.into())
            }
            _ => Out::Written,
        })
    }
}

impl serde::ser::SerializeStruct for MapSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_field<T: serde::Serialize + ?Sized>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Error> {
        self.entry(&string(key), v)
    }
    fn end(self) -> Result<Out, Error> {
        serde::ser::SerializeMap::end(self)
    }
}

impl serde::ser::SerializeSeq for SeqSer<'_> {
    type Ok = Out;
    type Error = Error;
    fn serialize_element<T: serde::Serialize + ?Sized>(&mut self, v: &T) -> Result<(), Error> {
        // An item's block is its own text until the list is written.
        let mut block = String::new();
        let item = v.serialize(Ser {
            out: &mut block,
            indent: self.indent + 2,
            lead: false,
            direct: false,
        })?;
        self.items.push(match item {
            Out::Written => Out::Block(block),
            other => other,
        });
        Ok(())
    }
    fn end(self) -> Result<Out, Error> {
        if self.items.is_empty() {
            return Ok(Out::Flow(Cow::Borrowed("[]")));
        }
        // A short list of plain words on one line, as the README writes
        // `secondary: [bolek]`; anything a flow list could misread is a block.
        // Up to 61 characters before the `]`: past that it is a block.
        let mut line = String::from("[");
        let flow = self.items.iter().all(|v| match v {
            Out::Scalar {
                text, listed: true, ..
            } => {
                let comma = if line.len() > 1 { ", " } else { "" };
                if line.len() + comma.len() + text.len() > 61 {
                    return false;
                }
                line.push_str(comma);
                line.push_str(text);
                true
            }
            _ => false,
        });
        if flow {
            line.push(']');
            return Ok(Out::Flow(line.into()));
        }
        let out = self.out;
        if self.lead {
            out.push('\n');
        }
        for v in self.items {
            pad(out, self.indent);
            out.push_str("- ");
            match v {
                Out::Written => {}
                Out::Scalar { text, .. } => out_line(out, &text),
                Out::Flow(text) => out_line(out, &text),
                // The first line of a nested block goes after `- `.
                Out::Block(inner) => out.push_str(&inner[self.indent + 2..]),
            }
        }
        Ok(Out::Written)
    }
}

macro_rules! seq_like {
    ($($t:path: $f:ident),*) => {$(
        impl $t for SeqSer<'_> {
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

/// A YAML document as yaml-rust2 (a YAML 1.2 reader, not mon's) reads
/// it, as JSON: what another program takes from what import writes.
#[cfg(test)]
pub fn read_back(text: &str) -> serde_json::Value {
    fn json(y: &yaml_rust2::Yaml) -> serde_json::Value {
        use serde_json::Value as J;
        use yaml_rust2::Yaml;
        match y {
            Yaml::Hash(h) => J::Object(
                h.iter()
                    .map(|(k, v)| (k.as_str().expect("string keys").to_string(), json(v)))
                    .collect(),
            ),
            Yaml::Array(a) => J::Array(a.iter().map(json).collect()),
            Yaml::String(s) => J::String(s.clone()),
            Yaml::Integer(i) => J::from(*i),
            Yaml::Real(r) => J::from(r.parse::<f64>().expect("a float")),
            Yaml::Boolean(b) => J::Bool(*b),
            _ => J::Null,
        }
    }
    let docs = yaml_rust2::YamlLoader::load_from_str(text).expect("YAML");
    docs.first().map_or(serde_json::Value::Null, json)
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
