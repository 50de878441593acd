//! YAML through yaml-rust2's event parser, building `Node`s ourselves so we
//! keep positions, catch duplicate keys and bound alias expansion and depth.

// foldhash, not SipHash: keys are the file's own, and a 100,000-key
// mapping hashed each key through SipHash.
use foldhash::HashMap;

use compact_str::CompactString;

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

mod fast;

use super::{Entry, Node, Parsed, Value, MAX_ALIAS_NODES, MAX_DEPTH};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::source::{FileId, SourceFile};

/// The first character YAML does not allow in a stream (YAML 1.2 §5.1: C0
/// controls but tab, LF and CR; DEL; C1 controls but NEL; U+FFFE, U+FFFF).
/// Readers differ at them: a NUL silently ended the file for the parser,
/// dropping every definition after it.
fn forbidden_char(text: &str) -> Option<(usize, char)> {
    let bad_byte = |b: u8| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || b == 0x7f;
    if text.is_ascii() {
        // Whole chunks first, without an early exit, so the loop vectorises:
        // this scan was a tenth of what parsing a large estate cost.
        const CHUNK: usize = 64;
        let bytes = text.as_bytes();
        let clean = bytes
            .chunks(CHUNK)
            .take_while(|c| !c.iter().fold(false, |bad, &b| bad | bad_byte(b)))
            .count();
        let from = (clean * CHUNK).min(bytes.len());
        return bytes[from..]
            .iter()
            .position(|&b| bad_byte(b))
            .map(|i| (from + i, bytes[from + i] as char));
    }
    text.char_indices().find(|&(_, c)| {
        let u = c as u32;
        (u < 0x80 && bad_byte(u as u8))
            || ((0x80..=0x9f).contains(&u) && u != 0x85)
            || u == 0xfffe
            || u == 0xffff
    })
}

pub fn parse(file: FileId, source: &SourceFile) -> Parsed {
    if let Some((at, c)) = forbidden_char(&source.text) {
        let d = Diagnostic::error(
            Code::ForbiddenChar,
            Span::new(file, at, at + c.len_utf8()),
            format!("character U+{:04X} is not allowed in YAML", c as u32),
        )
        .with_hint(
            "remove it; inside a double-quoted string write it as an escape (\\0, \\x1b); \
             YAML readers disagree at such characters (a NUL ends the file for some, dropping what follows)",
        );
        return Parsed {
            documents: Vec::new(),
            diagnostics: vec![d],
        };
    }
    if let Some(documents) = fast::parse(file, &source.text) {
        return Parsed {
            documents,
            diagnostics: Vec::new(),
        };
    }
    parse_full(file, source)
}

/// Any YAML, through yaml-rust2.
fn parse_full(file: FileId, source: &SourceFile) -> Parsed {
    let mut b = Builder {
        file,
        source,
        stack: Vec::new(),
        items: Vec::new(),
        entries: Vec::new(),
        anchors: HashMap::default(),
        documents: Vec::new(),
        diagnostics: Vec::new(),
        alias_nodes: 0,
        stopped: false,
        ascii: source.text.is_ascii(),
        plain_merge: false,
    };
    let mut parser = Parser::new_from_str(&source.text).keep_tags(true);
    if let Err(e) = parser.load(&mut b, true) {
        if !b.stopped {
            let m = e.marker();
            let span = b.point(m);
            let mut d = Diagnostic::error(Code::YamlSyntax, span, e.info().to_string());
            if e.info().contains("block") || e.info().contains("indentation") {
                d = d.with_hint("YAML nests by indentation: check this line's indentation against the line above");
            }
            b.diagnostics.push(d);
        }
    }
    Parsed {
        documents: b.documents,
        diagnostics: b.diagnostics,
    }
}

/// An open collection. Its children wait on the builder's shared stacks
/// from `start` on, and move into one exactly sized list when it closes:
/// growing a list per collection cost a reallocation per doubling, and the
/// allocator keeps a shrunk list's whole block.
enum Frame {
    Seq {
        span: Span,
        anchor: usize,
        start: usize,
    },
    Map {
        span: Span,
        anchor: usize,
        start: usize,
        /// The pending key, and whether it is a merge key.
        key: Option<(CompactString, Span, bool)>,
        /// Index of keys once the mapping is large, so duplicate detection
        /// stays linear for files with thousands of definitions.
        index: Option<HashMap<CompactString, usize>>,
        /// The entry (from `start`) that is a merge key; a second `<<` is a
        /// duplicate key.
        merge: Option<usize>,
    },
}

struct Builder<'a> {
    file: FileId,
    source: &'a SourceFile,
    stack: Vec<Frame>,
    /// Children of the open sequences and mappings, innermost last.
    items: Vec<Node>,
    entries: Vec<Entry>,
    anchors: HashMap<usize, Node>,
    documents: Vec<Node>,
    diagnostics: Vec<Diagnostic>,
    alias_nodes: usize,
    /// Set after a finding that makes the rest of the file meaningless.
    stopped: bool,
    /// In ASCII text the parser's character index is the byte offset.
    ascii: bool,
    /// The scalar being finished is a plain `<<`: only that is a merge key
    /// (a quoted "<<" is a key like any other, as 9volt's go-yaml reads it).
    plain_merge: bool,
}

impl Builder<'_> {
    fn offset(&self, m: &Marker) -> usize {
        if self.ascii {
            m.index().min(self.source.text.len())
        } else {
            self.source.offset_of(m.line(), m.col())
        }
    }

    fn point(&self, m: &Marker) -> Span {
        let start = self.offset(m);
        let end = self.source.text[start..]
            .char_indices()
            .nth(1)
            .map(|(i, _)| start + i)
            .unwrap_or(start);
        Span::new(self.file, start, end)
    }

    /// The span of a scalar token: to its closing quote, or its own length.
    fn scalar_span(&self, m: &Marker, value: &str, style: TScalarStyle) -> Span {
        let start = self.offset(m);
        let text = &self.source.text[start..];
        let line_end = |within: &str| memchr::memchr2(b'\n', b'\r', within.as_bytes());
        let len = match style {
            // A one-line plain scalar is its value: look no further than its length.
            TScalarStyle::Plain if !value.contains('\n') => {
                let own = &text.as_bytes()[..value.len().min(text.len())];
                // Short: a plain loop beats memchr's set-up.
                own.iter()
                    .position(|&b| b == b'\n' || b == b'\r')
                    .unwrap_or(own.len())
            }
            TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
                let end = line_end(text).unwrap_or(text.len());
                closing_quote(&text[..end]).unwrap_or(end)
            }
            _ => line_end(text).unwrap_or(text.len()),
        };
        Span::new(self.file, start, start + len.max(1).min(text.len()))
    }

    fn stop(&mut self, d: Diagnostic) {
        self.diagnostics.push(d);
        self.stopped = true;
    }

    fn finish(&mut self, node: Node, anchor: usize) {
        if anchor > 0 {
            self.anchors.insert(anchor, node.clone());
        }
        match self.stack.last_mut() {
            None => self.documents.push(node),
            Some(Frame::Seq { .. }) => self.items.push(node),
            Some(Frame::Map {
                start,
                key,
                index,
                merge,
                ..
            }) => match key.take() {
                None => {
                    // Only scalars reach here as keys; collections are refused earlier.
                    *key = Some((
                        scalar_key(node.value),
                        node.span,
                        std::mem::take(&mut self.plain_merge),
                    ));
                }
                Some((k, key_span, is_merge)) => {
                    let entries = &mut self.entries;
                    let own = &entries[*start..];
                    if index.is_none() && own.len() >= 16 {
                        *index = Some(
                            own.iter()
                                .enumerate()
                                .map(|(i, e)| (e.key.clone(), i))
                                .collect(),
                        );
                    }
                    let existing = match index {
                        Some(ix) => ix.get(k.as_str()).map(|&i| &own[i]),
                        None => own.iter().find(|e| e.key == k),
                    };
                    // Two `<<` are refused as well: a reader keeps one of them.
                    if let Some(first) = existing {
                        let d = Diagnostic::error(
                            Code::DuplicateKey,
                            key_span,
                            format!("duplicate key `{k}` in this mapping"),
                        )
                        .with_related(first.key_span, "first defined here")
                        .with_hint(if k == "<<" {
                            "merge several mappings with one key, `<<: [*a, *b]`; YAML readers silently keep only one `<<`"
                        } else {
                            "remove one of them; YAML readers silently keep only one"
                        });
                        self.diagnostics.push(d);
                    } else {
                        if let Some(ix) = index {
                            ix.insert(k.clone(), own.len());
                        }
                        if is_merge {
                            *merge = Some(own.len());
                        }
                        entries.push(Entry {
                            key: k,
                            key_span,
                            value: node,
                        });
                    }
                }
            },
        }
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn handle(&mut self, ev: Event, mark: Marker) {
        match ev {
            Event::Scalar(value, style, anchor, tag) => {
                let span = self.scalar_span(&mark, &value, style);
                self.plain_merge =
                    self.expecting_key() && style == TScalarStyle::Plain && value == "<<";
                match resolve(value, style, tag.as_ref()) {
                    Ok((v, yaml11_bool)) => {
                        let mut node = Node::new(span, v);
                        node.yaml11_bool = yaml11_bool;
                        self.finish(node, anchor)
                    }
                    Err(msg) => self.stop(Diagnostic::error(Code::UnsupportedYaml, span, msg)),
                }
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                let span = self.point(&mark);
                // Only the core tag of the node's own kind; any other would
                // mean something to some reader (`!!python/object`) and
                // nothing to us.
                if let Some(tag) = tag {
                    let core = tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!";
                    let own = if matches!(ev, Event::SequenceStart(..)) {
                        "seq"
                    } else {
                        "map"
                    };
                    if !(core && tag.suffix == own) {
                        return self.stop(
                            Diagnostic::error(
                                Code::UnsupportedYaml,
                                span,
                                format!("unsupported YAML tag `{}{}`", tag.handle, tag.suffix),
                            )
                            .with_hint(
                                "remove the tag: definitions are plain mappings, lists and scalars",
                            ),
                        );
                    }
                }
                if self.expecting_key() {
                    return self.stop(
                        Diagnostic::error(
                            Code::UnsupportedYaml,
                            span,
                            "a list or mapping used as a key",
                        )
                        .with_hint("keys must be plain words or strings"),
                    );
                }
                if self.stack.len() >= MAX_DEPTH {
                    return self.stop(Diagnostic::error(
                        Code::TooDeep,
                        span,
                        format!("nesting deeper than {MAX_DEPTH} levels"),
                    ));
                }
                self.stack.push(if matches!(ev, Event::SequenceStart(..)) {
                    Frame::Seq {
                        span,
                        anchor,
                        start: self.items.len(),
                    }
                } else {
                    Frame::Map {
                        span,
                        anchor,
                        start: self.entries.len(),
                        key: None,
                        index: None,
                        merge: None,
                    }
                });
            }
            Event::SequenceEnd | Event::MappingEnd => match self.stack.pop() {
                Some(Frame::Seq {
                    span,
                    anchor,
                    start,
                }) => {
                    let items = take_from(&mut self.items, start);
                    self.finish(Node::new(span, Value::Seq(items.into())), anchor)
                }
                Some(Frame::Map {
                    span,
                    anchor,
                    start,
                    merge,
                    ..
                }) => {
                    let entries = take_from(&mut self.entries, start);
                    let entries = match merge {
                        Some(i) => self.merge_keys(entries, i),
                        None => entries,
                    };
                    self.finish(Node::new(span, Value::Map(entries.into())), anchor)
                }
                None => {}
            },
            Event::Alias(id) => {
                let span = self.point(&mark);
                if self.expecting_key() {
                    return self.stop(Diagnostic::error(
                        Code::UnsupportedYaml,
                        span,
                        "an alias used as a key",
                    ));
                }
                let Some(target) = self.anchors.get(&id) else {
                    return self.stop(Diagnostic::error(Code::YamlSyntax, span, "unknown alias"));
                };
                self.alias_nodes += target.size();
                if self.alias_nodes > MAX_ALIAS_NODES {
                    return self.stop(
                        Diagnostic::error(
                            Code::AliasBomb,
                            span,
                            format!("aliases in this file expand to more than {MAX_ALIAS_NODES} values"),
                        )
                        .with_hint("this looks like an alias bomb; write the values out or use fewer nested aliases"),
                    );
                }
                let mut node = target.clone();
                node.span = span;
                self.finish(node, 0)
            }
            Event::DocumentStart | Event::DocumentEnd => {}
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
        }
    }

    /// YAML 1.1 merge keys (`<<: *base`), which 9volt's YAML reader honours:
    /// explicit keys win over merged ones.
    /// `at` is the merge key's entry.
    fn merge_keys(&mut self, entries: Vec<Entry>, at: usize) -> Vec<Entry> {
        let mut own = entries;
        let merges = [own.remove(at)];
        // A set, not a scan of `own` per merged key: linear for any fan-in.
        let mut present: std::collections::HashSet<CompactString> =
            own.iter().map(|e| e.key.clone()).collect();
        for merge in merges {
            let sources: Vec<Node> = match merge.value.value {
                Value::Map(_) => vec![merge.value],
                Value::Seq(items) => items.into_vec(),
                _ => {
                    self.diagnostics.push(Diagnostic::error(
                        Code::UnsupportedYaml,
                        merge.key_span,
                        "`<<` must merge a mapping or a list of mappings",
                    ));
                    continue;
                }
            };
            for source in sources {
                if !matches!(source.value, Value::Map(_)) {
                    self.diagnostics.push(Diagnostic::error(
                        Code::UnsupportedYaml,
                        source.span,
                        "`<<` must merge a mapping or a list of mappings",
                    ));
                    continue;
                }
                if let Value::Map(src) = source.value {
                    for e in src {
                        if present.insert(e.key.clone()) {
                            own.push(e);
                        }
                    }
                }
            }
        }
        own
    }
}

impl MarkedEventReceiver for Builder<'_> {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if !self.stopped {
            self.handle(ev, mark);
        }
    }
}

/// The children of a closing collection, in a list of their own size. A
/// stack left empty by a huge collection is given back rather than held
/// for the rest of the file.
fn take_from<T>(stack: &mut Vec<T>, start: usize) -> Vec<T> {
    let own = stack.drain(start..).collect();
    if stack.is_empty() && stack.capacity() > 4096 {
        *stack = Vec::new();
    }
    own
}

fn scalar_key(value: Value) -> CompactString {
    match value {
        Value::Str(s) => s,
        Value::Bool(b) => b.to_string().into(),
        Value::Int(i) => i.to_string().into(),
        Value::Float(f) => f.to_string().into(),
        _ => CompactString::default(),
    }
}

fn closing_quote(token: &str) -> Option<usize> {
    let mut chars = token.char_indices();
    let (_, quote) = chars.next()?;
    let mut escaped = false;
    while let Some((i, c)) = chars.next() {
        if quote == '"' && c == '\\' && !escaped {
            escaped = true;
            continue;
        }
        if c == quote && !escaped {
            // '' inside single quotes is an escaped quote.
            if quote == '\'' && token[i + 1..].starts_with('\'') {
                chars.next();
                continue;
            }
            return Some(i + 1);
        }
        escaped = false;
    }
    None
}

/// Words YAML 1.1 (and so 9volt's reader) takes for booleans but YAML 1.2 does not.
fn is_yaml11_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "on"
            | "On"
            | "ON"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// YAML 1.2 core schema resolution of one scalar.
fn resolve(s: String, style: TScalarStyle, tag: Option<&Tag>) -> Result<(Value, bool), String> {
    if let Some(tag) = tag {
        let core = tag.handle == "tag:yaml.org,2002:" || tag.handle == "!!";
        return match (core, tag.suffix.as_str()) {
            (true, "str") => Ok((Value::Str(s.into()), false)),
            (true, "int") => int(&s)
                .map(|i| (Value::Int(i), false))
                .ok_or(format!("`{s}` is not an integer")),
            (true, "float") => float(&s)
                .map(|f| (Value::Float(f), false))
                .ok_or(format!("`{s}` is not a number")),
            (true, "bool") => match s.as_str() {
                "true" | "True" | "TRUE" => Ok((Value::Bool(true), false)),
                "false" | "False" | "FALSE" => Ok((Value::Bool(false), false)),
                _ => Err(format!("`{s}` is not a boolean")),
            },
            (true, "null") => Ok((Value::Null, false)),
            _ => Err(format!(
                "unsupported YAML tag `{}{}`",
                tag.handle, tag.suffix
            )),
        };
    }
    if style != TScalarStyle::Plain {
        return Ok((Value::Str(s.into()), false));
    }
    Ok(resolve_plain(&s))
}

/// A plain (unquoted, untagged) scalar: null, boolean, number or string,
/// and whether YAML 1.1 would have read the string as a boolean.
fn resolve_plain(s: &str) -> (Value, bool) {
    let v = match s {
        "" | "~" | "null" | "Null" | "NULL" => Value::Null,
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        _ => {
            if let Some(i) = int(s) {
                Value::Int(i)
            } else if let Some(f) = float(s) {
                Value::Float(f)
            } else {
                return (Value::Str(s.into()), is_yaml11_bool(s));
            }
        }
    };
    (v, false)
}

fn int(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    // YAML 1.2 core: 0x and 0o take digits only (from_str_radix would
    // also take a sign, reading `0x-1` as -1).
    if let Some(hex) = s.strip_prefix("0x") {
        return (!hex.is_empty() && hex.bytes().all(|c| c.is_ascii_hexdigit()))
            .then(|| i64::from_str_radix(hex, 16).ok())
            .flatten();
    }
    if let Some(oct) = s.strip_prefix("0o") {
        return (!oct.is_empty() && oct.bytes().all(|c| (b'0'..=b'7').contains(&c)))
            .then(|| i64::from_str_radix(oct, 8).ok())
            .flatten();
    }
    let digits = match b.first()? {
        b'-' | b'+' => &b[1..],
        _ => b,
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    s.parse().ok()
}

fn float(s: &str) -> Option<f64> {
    // Most plain scalars are words: no number starts with a letter.
    match s.as_bytes().first() {
        Some(b'0'..=b'9' | b'.' | b'+' | b'-') => {}
        _ => return None,
    }
    match s {
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => return Some(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => return Some(f64::NEG_INFINITY),
        ".nan" | ".NaN" | ".NAN" => return Some(f64::NAN),
        _ => {}
    }
    let body = s.strip_prefix(['-', '+']).unwrap_or(s);
    let (mantissa, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int_part, frac) = match mantissa.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mantissa, None),
    };
    let digits = |t: &str| t.bytes().all(|c| c.is_ascii_digit());
    let ok_mantissa = match frac {
        Some(f) => digits(int_part) && digits(f) && !(int_part.is_empty() && f.is_empty()),
        None => !int_part.is_empty() && digits(int_part),
    };
    let ok_exp = exp.is_none_or(|e| {
        let e = e.strip_prefix(['-', '+']).unwrap_or(e);
        !e.is_empty() && digits(e)
    });
    if ok_mantissa && ok_exp {
        s.parse().ok()
    } else {
        None
    }
}
