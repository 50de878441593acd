//! A fast path for the TOML that definitions are written in: `[a.b]`
//! headers, `key = value` lines, strings, numbers, booleans, arrays and
//! inline tables. It takes toml_parser's events as they come and builds the
//! `Node`s directly, with the same spans and key order as the full reader
//! (toml's `DeTable`, sorted maps): no event list, no `DeTable` of
//! BTreeMaps to build, walk and drop, which cost three quarters of a large
//! file's time.
//!
//! Anything it does not handle, or any error at all, makes it give up on the
//! whole file, which the full reader then reads with its own messages:
//! dotted keys in a key/value line, `[[arrays of tables]]`, dates and times,
//! duplicate keys, tables defined twice, and every syntax error.
//!
//! The tests below hold it to the full reader on every shape it accepts and
//! on generated files.

use compact_str::CompactString;
use indexmap::IndexMap;
use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{EventReceiver, RecursionGuard, ValidateWhitespace};
use toml_parser::{ErrorSink, ParseError, Raw, Source};

use crate::diagnostic::Span;
use crate::source::FileId;
use crate::syntax::{Entry, Node, Value};

/// The nesting toml's own reader allows (its `LIMIT`); deeper is its error.
/// It also refuses a key of that many parts (`[a.b.c...]`), which would
/// otherwise make every line below the header walk that far.
const DEPTH: u32 = 80;

/// The document's root table, or `None` when the full reader must read it.
pub(super) fn parse(file: FileId, text: &str) -> Option<Node> {
    let source = Source::new(text);
    let tokens = source.lex().into_vec();
    let mut reader = Reader {
        file,
        text,
        root: Table::new(Span::new(file, 0, 0), false),
        current: Vec::new(),
        keys: Vec::new(),
        line_key: None,
        header: None,
        frames: Vec::new(),
        bail: false,
    };
    let mut errors = Errors(false);
    {
        let mut ws = ValidateWhitespace::new(&mut reader, source);
        let mut guard = RecursionGuard::new(&mut ws, DEPTH);
        toml_parser::parser::parse_document(&tokens, &mut guard, &mut errors);
    }
    let open = !reader.frames.is_empty() || !reader.keys.is_empty() || reader.line_key.is_some();
    if reader.bail || errors.0 || open {
        return None;
    }
    Some(reader.root.into_node())
}

/// Whether any error was reported.
struct Errors(bool);

impl ErrorSink for Errors {
    fn report_error(&mut self, _: ParseError) {
        self.0 = true;
    }
}

/// Keys in the order first written, each with its span and value: a list
/// searched in turn while short, as most tables are, and indexed by hash
/// once long (10,000 definitions under one section).
enum Keyed<V> {
    Few(Vec<(CompactString, Span, V)>),
    Many(IndexMap<CompactString, (Span, V), foldhash::fast::RandomState>),
}

/// Past this many keys a table is indexed.
const FEW: usize = 12;

impl<V> Keyed<V> {
    fn new() -> Self {
        Keyed::Few(Vec::new())
    }

    fn position(&self, key: &str) -> Option<usize> {
        match self {
            Keyed::Few(v) => v.iter().position(|(k, _, _)| k == key),
            Keyed::Many(m) => m.get_index_of(key),
        }
    }

    /// Adds `key`, or gives it back when it is there already.
    fn add(&mut self, key: CompactString, span: Span, value: V) -> Result<usize, ()> {
        if self.position(&key).is_some() {
            return Err(());
        }
        if let Keyed::Few(v) = self {
            if v.len() == FEW {
                let m = std::mem::take(v).into_iter().map(|(k, s, v)| (k, (s, v)));
                *self = Keyed::Many(m.collect());
            }
        }
        Ok(match self {
            Keyed::Few(v) => {
                v.push((key, span, value));
                v.len() - 1
            }
            Keyed::Many(m) => m.insert_full(key, (span, value)).0,
        })
    }

    fn at(&mut self, i: usize) -> (&mut Span, &mut V) {
        match self {
            Keyed::Few(v) => {
                let (_, s, v) = &mut v[i];
                (s, v)
            }
            Keyed::Many(m) => {
                let (_, (s, v)) = m.get_index_mut(i).expect("an index given out");
                (s, v)
            }
        }
    }

    /// In key order, as toml's sorted maps give it.
    fn into_sorted(self, node: impl Fn(V) -> Node) -> Box<[Entry]> {
        let entry = |(key, key_span, value)| Entry {
            key,
            key_span,
            value: node(value),
        };
        let mut v: Vec<Entry> = match self {
            Keyed::Few(v) => v.into_iter().map(entry).collect(),
            Keyed::Many(m) => m.into_iter().map(|(k, (s, v))| entry((k, s, v))).collect(),
        };
        v.sort_unstable_by(|a, b| a.key.as_bytes().cmp(b.key.as_bytes()));
        v.into_boxed_slice()
    }
}

/// A table that later lines may still add to: the root, and those that
/// headers name or imply.
struct Table {
    span: Span,
    /// Made by a header's path (`a` of `[a.b]`), not defined itself yet.
    implicit: bool,
    entries: Keyed<Slot>,
}

enum Slot {
    /// A value a key/value line gave, complete.
    Done(Node),
    /// Boxed: an entry of a table is then a third the size, and most
    /// entries are values.
    Table(Box<Table>),
}

impl Table {
    fn new(span: Span, implicit: bool) -> Table {
        Table {
            span,
            implicit,
            entries: Keyed::new(),
        }
    }

    fn into_node(self) -> Node {
        let entries = self.entries.into_sorted(|slot| match slot {
            Slot::Done(n) => n,
            Slot::Table(t) => t.into_node(),
        });
        Node::new(self.span, Value::Map(entries))
    }

    /// The table `key` names here, made (implicit, at `span`) if missing.
    fn child(&mut self, key: &CompactString, span: Span) -> Option<(usize, &mut Table)> {
        let i = match self.entries.position(key) {
            Some(i) => i,
            None => self
                .entries
                .add(
                    key.clone(),
                    span,
                    Slot::Table(Box::new(Table::new(span, true))),
                )
                .ok()?,
        };
        match self.entries.at(i).1 {
            Slot::Table(t) => Some((i, t)),
            // A value's table (inline), or an array of tables.
            Slot::Done(_) => None,
        }
    }
}

/// A value still open: an array or an inline table.
enum Frame {
    Array {
        start: usize,
        items: Vec<Node>,
    },
    Inline {
        start: usize,
        entries: Keyed<Node>,
        /// The key whose value comes next.
        key: Option<(CompactString, Span)>,
    },
}

struct Reader<'t> {
    file: FileId,
    text: &'t str,
    root: Table,
    /// Where key/value lines go: the table the last header named, as the
    /// positions of the keys that lead to it from the root.
    current: Vec<usize>,
    /// The keys read since the last `=` or header, with their spans.
    keys: Vec<(CompactString, Span)>,
    /// The key of the key/value line being read.
    line_key: Option<(CompactString, Span)>,
    /// The start of the header being read.
    header: Option<usize>,
    frames: Vec<Frame>,
    bail: bool,
}

impl Reader<'_> {
    fn span(&self, s: toml_parser::Span) -> Span {
        Span::new(self.file, s.start(), s.end())
    }

    fn raw(&self, s: toml_parser::Span, encoding: Option<Encoding>) -> Raw<'_> {
        Raw::new_unchecked(&self.text[s.start()..s.end()], encoding, s)
    }

    /// A value is complete: it goes to the open array or inline table, or
    /// under the key of its line.
    fn value(&mut self, node: Node) {
        let added = match self.frames.last_mut() {
            Some(Frame::Array { items, .. }) => {
                items.push(node);
                Ok(0)
            }
            Some(Frame::Inline { entries, key, .. }) => match key.take() {
                Some((k, span)) => entries.add(k, span, node),
                None => Err(()),
            },
            None => match self.line_key.take() {
                Some((k, span)) => {
                    let mut table = &mut self.root;
                    for &i in &self.current {
                        table = match table.entries.at(i).1 {
                            Slot::Table(t) => t,
                            Slot::Done(_) => unreachable!("a header's path leads through tables"),
                        };
                    }
                    table.entries.add(k, span, Slot::Done(node))
                }
                None => Err(()),
            },
        };
        self.bail |= added.is_err();
    }

    /// `[a.b.c]`: `a` and `b` are made if missing; `c` is new, or made by
    /// an earlier header's path and defined now.
    fn header(&mut self, span: Span) {
        let mut keys = std::mem::take(&mut self.keys);
        let Some((last, last_span)) = keys.pop() else {
            self.bail = true;
            return;
        };
        self.current.clear();
        let mut table = &mut self.root;
        for (k, s) in &keys {
            let Some((i, t)) = table.child(k, *s) else {
                self.bail = true;
                return;
            };
            self.current.push(i);
            table = t;
        }
        let i = match table.entries.position(&last) {
            None => table
                .entries
                .add(
                    last,
                    last_span,
                    Slot::Table(Box::new(Table::new(span, false))),
                )
                .expect("a missing key"),
            Some(i) => match table.entries.at(i) {
                (key_span, Slot::Table(t)) if t.implicit => {
                    // As the full reader re-inserts it: this header's key
                    // and span.
                    *key_span = last_span;
                    t.span = span;
                    t.implicit = false;
                    i
                }
                _ => {
                    self.bail = true;
                    return;
                }
            },
        };
        self.current.push(i);
    }
}

impl EventReceiver for Reader<'_> {
    fn std_table_open(&mut self, span: toml_parser::Span, _: &mut dyn ErrorSink) {
        if !self.keys.is_empty() || !self.frames.is_empty() || self.line_key.is_some() {
            self.bail = true;
        }
        self.header = Some(span.start());
    }
    fn std_table_close(&mut self, span: toml_parser::Span, _: &mut dyn ErrorSink) {
        match self.header.take() {
            Some(start) => {
                let span = Span::new(self.file, start, span.end());
                self.header(span);
            }
            None => self.bail = true,
        }
    }
    fn array_table_open(&mut self, _: toml_parser::Span, _: &mut dyn ErrorSink) {
        self.bail = true;
    }
    fn inline_table_open(&mut self, span: toml_parser::Span, _: &mut dyn ErrorSink) -> bool {
        self.frames.push(Frame::Inline {
            start: span.start(),
            entries: Keyed::new(),
            key: None,
        });
        true
    }
    fn inline_table_close(&mut self, span: toml_parser::Span, _: &mut dyn ErrorSink) {
        match self.frames.pop() {
            Some(Frame::Inline {
                start,
                entries,
                key: None,
            }) if self.keys.is_empty() => {
                let entries = entries.into_sorted(|n| n);
                let span = Span::new(self.file, start, span.end());
                self.value(Node::new(span, Value::Map(entries)));
            }
            _ => self.bail = true,
        }
    }
    fn array_open(&mut self, span: toml_parser::Span, _: &mut dyn ErrorSink) -> bool {
        self.frames.push(Frame::Array {
            start: span.start(),
            items: Vec::new(),
        });
        true
    }
    fn array_close(&mut self, span: toml_parser::Span, _: &mut dyn ErrorSink) {
        match self.frames.pop() {
            Some(Frame::Array { start, items }) => {
                let span = Span::new(self.file, start, span.end());
                self.value(Node::new(span, Value::Seq(items.into_boxed_slice())));
            }
            _ => self.bail = true,
        }
    }
    fn simple_key(
        &mut self,
        span: toml_parser::Span,
        encoding: Option<Encoding>,
        error: &mut dyn ErrorSink,
    ) {
        let mut decoded = std::borrow::Cow::Borrowed("");
        self.raw(span, encoding).decode_key(&mut decoded, error);
        let key = (CompactString::from(decoded), self.span(span));
        self.keys.push(key);
        self.bail |= self.keys.len() >= DEPTH as usize;
    }
    fn key_val_sep(&mut self, _: toml_parser::Span, _: &mut dyn ErrorSink) {
        // The key moves to its inline table or line; a dotted one is the
        // full reader's.
        let keys = std::mem::take(&mut self.keys);
        let slot = match self.frames.last_mut() {
            Some(Frame::Inline { key, .. }) => key,
            Some(Frame::Array { .. }) => {
                self.bail = true;
                return;
            }
            None => &mut self.line_key,
        };
        match <[_; 1]>::try_from(keys) {
            Ok([k]) if slot.is_none() => *slot = Some(k),
            _ => self.bail = true,
        }
    }
    fn scalar(
        &mut self,
        span: toml_parser::Span,
        encoding: Option<Encoding>,
        error: &mut dyn ErrorSink,
    ) {
        let mut decoded = std::borrow::Cow::Borrowed("");
        let kind = self.raw(span, encoding).decode_scalar(&mut decoded, error);
        let value = match kind {
            ScalarKind::String => Value::Str(CompactString::from(decoded)),
            ScalarKind::Boolean(b) => Value::Bool(b),
            ScalarKind::Integer(radix) => super::integer(&decoded, radix.value()),
            ScalarKind::Float => super::float(&decoded),
            // Its message and hint are the full reader's.
            ScalarKind::DateTime => {
                self.bail = true;
                return;
            }
        };
        let node = Node::new(self.span(span), value);
        self.value(node);
    }
    fn error(&mut self, _: toml_parser::Span, _: &mut dyn ErrorSink) {
        self.bail = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;
    use proptest::prelude::*;

    /// What the fast path read, checked against the full reader: when it
    /// reads a file at all, it reads the same nodes, spans and order.
    fn agrees(text: &str) -> bool {
        let Some(fast) = parse(0, text) else {
            return false;
        };
        let source = SourceFile::new("t.toml".into(), text.to_string());
        let full = super::super::parse_full(0, &source);
        assert!(
            full.diagnostics.is_empty(),
            "the fast path read a file the full reader refuses: {text:?}\n{:?}",
            full.diagnostics
        );
        assert_eq!(
            fast.shown(),
            full.documents[0].shown(),
            "the fast path read {text:?} otherwise"
        );
        true
    }

    #[test]
    fn definitions_as_written_take_the_fast_path() {
        for text in [
            "",
            "# only a comment\n",
            "\u{feff}[conveyer.a]\nhost = \"h\"\n",
            "[conveyer.logs1-0]\nhost = \"127.0.0.1\"\nport = 10000\nlogs = \"/var/log/m.log\"\n\n[conveyer.logs1-0.plugin]\nconfig_path = \"/etc/p.json\"\nmetrics = [\"events.count\", \"errors.count\"]\n\n[conveyer.logs1-0.logstash]\ntag = \"metric\"\n",
            "a = 1\nb = -2\nc = +3\nd = 0x1F\ne = 0o17\nf = 0b101\ng = 1_000\nh = 9223372036854775808\n",
            "a = 1.5\nb = -0.0\nc = 1e3\nd = inf\ne = -inf\nf = nan\ng = +nan\nh = 6.626e-34\ni = 1_0.5\n",
            "a = true\nb = false\n",
            "a = \"x\\ny\\u0041\\\"\"\nb = 'lit\\n'\nc = \"\"\"\nml\nstring\"\"\"\nd = '''\nml 'lit'\n'''\n",
            "\"quoted key\" = 1\n'lit key' = 2\n\"\" = 3\nbare-key_1 = 4\n",
            "a = [1, 2, [3, [4]], {x = 1}]\nb = []\nc = {}\nd = { y = \"z\", w = [ ] }\n",
            "a = [\n  1, # one\n  2,\n]\n",
            "[a.b.c]\nx = 1\n[a]\ny = 2\n[a.b]\nz = 3\n",
            "[ a . \"b c\" . 'd' ]  # header\nk = 1\n",
            "z = 1\ny = 2\n[b]\n[a]\n",
            "s = \"caf\u{e9} \u{65e5}\"\n# \u{e9}t\u{e9}\n",
            "a = 1\r\nb = 2\r\n",
        ] {
            assert!(agrees(text), "{text:?} left the fast path");
        }
    }

    #[test]
    fn what_it_does_not_handle_goes_to_the_full_reader() {
        for text in [
            "a.b = 1\n",
            "[t]\na.b = 1\n",
            "a = {b.c = 1}\n",
            "[[a]]\nb = 1\n",
            "a = 1979-05-27\n",
            "a = 07:32:00\n",
            "a = 1979-05-27T07:32:00Z\n",
            "a = 1\na = 2\n",
            "a = {b = 1, b = 2}\n",
            "[a]\n[a]\n",
            "a = 1\n[a]\n",
            "a = {}\n[a.b]\n",
            "[a.b]\n[a]\n[a]\n",
            "[a]\nb = 1\n[a.b]\n",
            "a = \"\\q\"\n",
            "a = 1 b = 2\n",
            "a =\n",
            "[a\n",
            "a = \"x\u{1}\"\n",
            "# \u{1}\n",
            "a = 1\rb = 2\n",
            "a = [1,,2]\n",
            "a = 01\n",
        ] {
            if parse(0, text).is_some() {
                agrees(text);
                panic!("{text:?} took the fast path");
            }
        }
    }

    /// Past `FEW` keys a table is indexed: the same answers either way.
    #[test]
    fn long_tables_read_the_same() {
        let mut text = String::new();
        for i in (0..40).rev() {
            text.push_str(&format!("k{i} = {i}\n"));
        }
        text.push_str("inline = {");
        for i in 0..30 {
            text.push_str(&format!("i{i} = {i}, "));
        }
        text.push_str("last = 0}\n");
        for i in 0..40 {
            text.push_str(&format!(
                "[s.d{i}]\nhost = \"h{i}\"\n[s.d{i}.plugin]\nx = 1\n"
            ));
        }
        text.push_str("[s]\nafter = 1\n");
        assert!(agrees(&text));
        for dup in [
            "after = 0\n",
            "[s.d7]\n",
            "[s.d7.plugin]\n",
            "[k5]\n",
            "[s]\n",
        ] {
            assert!(parse(0, &format!("{text}{dup}")).is_none(), "{dup:?}");
        }
        assert!(parse(0, &format!("k3 = 0\n{text}")).is_none());
        let inline_dup = text.replace("last = 0", "i17 = 0");
        assert!(parse(0, &inline_dup).is_none());
    }

    #[test]
    fn nesting_past_the_full_readers_limit_goes_to_it() {
        let deep = format!("a = {}1{}\n", "[".repeat(100), "]".repeat(100));
        assert!(parse(0, &deep).is_none());
        let fine = format!("a = {}1{}\n", "[".repeat(40), "]".repeat(40));
        assert!(agrees(&fine));
        // A header of 100 keys: the full reader refuses it ("recursion
        // limit"); read here, each line below it would walk 100 tables.
        let long = format!("[{}]\nx = 1\n", vec!["k"; 100].join("."));
        assert!(parse(0, &long).is_none());
        let source = SourceFile::new("t.toml".into(), long);
        assert!(!super::super::parse_full(0, &source).diagnostics.is_empty());
        let fine = format!("[{}]\nx = 1\n", vec!["k"; 40].join("."));
        assert!(agrees(&fine));
    }

    /// Pieces of TOML lines, put together where a reader could go wrong:
    /// keys that repeat, headers that reopen, values of every kind.
    fn tomlish() -> impl Strategy<Value = String> {
        let key = prop::sample::select(vec![
            "a",
            "b",
            "c",
            "a.b",
            "b.a",
            "\"a\"",
            "'b'",
            "\"a.b\"",
            "\"\"",
            "x-1",
            "1",
            "true",
            "\"\\u0061\"",
            "a .b",
        ]);
        let value = prop::sample::select(vec![
            "1",
            "-0",
            "0x1f",
            "1_000",
            "1.5",
            "-0.0",
            "inf",
            "nan",
            "1e9",
            "true",
            "\"s\"",
            "'l'",
            "\"\\n\"",
            "\"\\q\"",
            "[]",
            "[1, 2]",
            "[1, \"a\"]",
            "[[1], []]",
            "{}",
            "{a = 1}",
            "{a = 1, b = {c = 2}}",
            "{a = 1, a = 2}",
            "[{a = 1}, {b = 2}]",
            "1979-05-27",
            "01",
            "\"\"\"x\"\"\"",
            "'''y'''",
            "[1,]",
            "{a = 1,}",
            "",
        ]);
        let line = prop_oneof![
            (key.clone(), value).prop_map(|(k, v)| format!("{k} = {v}")),
            prop::collection::vec(key.clone(), 1..4).prop_map(|ks| format!("[{}]", ks.join("."))),
            prop::collection::vec(key, 1..3).prop_map(|ks| format!("[[{}]]", ks.join("."))),
            Just("# comment".to_string()),
            Just(String::new()),
        ];
        prop::collection::vec(line, 1..12).prop_map(|lines| lines.join("\n") + "\n")
    }

    /// Generated files: wherever the fast path reads one, the full reader
    /// reads it the same. A good share must take the fast path, or the
    /// comparison proves little.
    #[test]
    fn generated_files_agree_with_the_full_reader() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let (cases, mut fast) = (4096, 0);
        for _ in 0..cases {
            let text = tomlish().new_tree(&mut runner).unwrap().current();
            fast += usize::from(agrees(&text));
        }
        assert!(
            fast * 5 > cases,
            "only {fast} of {cases} took the fast path"
        );
        eprintln!("{fast} of {cases} generated files took the fast path");
    }
}
