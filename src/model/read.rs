//! Reading the schema-valid tree into typed values. Every field of the
//! definition format is read here once, by name, with its type; the type's
//! `FromNode` says what the reader of the rendered value accepts.

use std::collections::BTreeSet;

use crate::diagnostic::{Code, Diagnostic, Span};
use crate::syntax::{Node, Value};

/// A value with the place it was written, for diagnostics after the fact.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// Outputs see the value only; the span is for diagnostics.
impl<T: serde::Serialize> serde::Serialize for Spanned<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.value.serialize(s)
    }
}

impl<T> std::ops::Deref for Spanned<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// What building the model found, and (for the agreement test) every field
/// path it asked for.
#[derive(Default)]
pub struct Cx<'s> {
    pub out: Vec<Diagnostic>,
    /// The text of the file being read, to quote a value as written.
    source: &'s str,
    seen: Option<BTreeSet<String>>,
    /// The field being read, for messages (`interval` is not a Go duration).
    field: String,
}

impl<'s> Cx<'s> {
    /// A context over the text of the file the definition is in.
    pub fn new(source: &'s str) -> Cx<'s> {
        Cx {
            source,
            ..Cx::default()
        }
    }
    /// A context that records every field path read (`cluster/resources/*/exec`).
    pub fn recording() -> Cx<'s> {
        Cx {
            seen: Some(BTreeSet::new()),
            ..Cx::default()
        }
    }
    /// A value as it was written, or `None` when the place is not in the text.
    pub fn written(&self, span: Span) -> Option<&'s str> {
        self.source.get(span.start as usize..span.end as usize)
    }
    pub fn seen(&self) -> BTreeSet<String> {
        self.seen.clone().unwrap_or_default()
    }
    /// The field being read, quoted, or "this value".
    pub fn what(&self) -> String {
        if self.field.is_empty() {
            "this value".into()
        } else {
            format!("`{}`", self.field)
        }
    }
    fn at(&mut self, key: &str) {
        self.field.clear();
        self.field.push_str(key);
    }
    pub fn error(&mut self, code: Code, span: Span, message: impl Into<String>) {
        self.out.push(Diagnostic::error(code, span, message));
    }
    pub fn push(&mut self, d: Diagnostic) {
        self.out.push(d);
    }
    /// The field path below `path`, which only the recording context reads:
    /// an ordinary build formats and interns none.
    fn below(&self, path: &str, key: &str, suffix: &str) -> &'static str {
        match self.seen {
            Some(_) => intern(format!("{path}/{key}{suffix}")),
            None => "",
        }
    }
    fn saw(&mut self, path: &str, key: &str) {
        if let Some(s) = &mut self.seen {
            s.insert(format!("{path}/{key}"));
        }
    }
}

/// A typed value read from one node. `None` means a diagnostic was pushed
/// (or the schema already reported a wrong type).
pub trait FromNode: Sized {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self>;
}

/// Reads one value; a value of a shape the type cannot take is reported
/// here when its `FromNode` said nothing, so no value is ever left out
/// without a word (where the schema already refused it, the report drops
/// this one as a repeat).
fn typed<T: FromNode>(node: &Node, cx: &mut Cx) -> Option<T> {
    let before = cx.out.len();
    let v = T::from_node(node, cx);
    if v.is_none() && cx.out.len() == before {
        let what = cx.what();
        cx.error(
            Code::WrongType,
            node.extent(),
            format!("{what} has a value of the wrong type"),
        );
    }
    v
}

impl FromNode for String {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        node.as_str().map(str::to_string)
    }
}

/// Eight bytes smaller than a `String`, for fields most definitions leave out.
impl FromNode for Box<str> {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        node.as_str().map(Box::from)
    }
}

/// Inline up to 24 bytes: a field of 100,000 definitions needs no allocation.
impl FromNode for compact_str::CompactString {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        match &node.value {
            crate::syntax::Value::Str(s) => Some(s.clone()),
            _ => None,
        }
    }
}

impl FromNode for bool {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        node.as_bool()
    }
}

/// Integers are integers: `80.0`, `8e1` and TOML's `1e3` are refused, never
/// converted or dropped (Go's JSON decoder, hastmon's lexer and collectd's
/// readers of whole numbers all refuse or misread them).
impl FromNode for i64 {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match node.value {
            Value::Int(i) => Some(i),
            Value::Float(f) => {
                // Quoted as written (`8e1`), not as parsed (`80.0`).
                let shown = cx
                    .written(node.span)
                    .map(str::to_string)
                    .unwrap_or_else(|| show_float(f));
                let d = Diagnostic::error(
                    Code::NotAnInteger,
                    node.span,
                    format!(
                        "{} is `{shown}`, a fraction where a whole number is needed",
                        cx.what(),
                    ),
                );
                cx.push(if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e18 {
                    d.with_hint(format!(
                        "write `{}`: where a whole number is expected, Go's JSON decoder (9volt) and hastmon's lexer refuse `{shown}`",
                        f as i64,
                    ))
                } else {
                    d.with_hint("write a whole number without a point or exponent")
                });
                None
            }
            _ => None,
        }
    }
}

fn show_float(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 {
        format!("{f:.1}")
    } else {
        f.to_string()
    }
}

macro_rules! bounded_int {
    ($($t:ty),*) => {$(
        impl FromNode for $t {
            fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
                let i = i64::from_node(node, cx)?;
                match <$t>::try_from(i) {
                    Ok(v) => Some(v),
                    Err(_) => {
                        let what = cx.what();
                        cx.error(Code::OutOfRange, node.span, format!(
                            "{what}: {i} is out of range ({}..={})", <$t>::MIN, <$t>::MAX));
                        None
                    }
                }
            }
        }
    )*};
}
bounded_int!(u8, u16, u32);

/// A finite number: NaN and infinities have no place in any file mon writes.
impl FromNode for f64 {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match node.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) if f.is_finite() => Some(f),
            Value::Float(f) => {
                let what = cx.what();
                cx.error(
                    Code::NotFinite,
                    node.span,
                    format!("{what} is `{f}`, not a finite number"),
                );
                None
            }
            _ => None,
        }
    }
}

impl<T: FromNode> FromNode for Vec<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let Value::Seq(items) = &node.value else {
            return None;
        };
        // Every item is read, so every bad one is reported.
        let read: Vec<Option<T>> = items.iter().map(|i| typed::<T>(i, cx)).collect();
        read.into_iter().collect()
    }
}

impl<T: FromNode> FromNode for Spanned<T> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        T::from_node(node, cx).map(|value| Spanned {
            value,
            span: node.span,
        })
    }
}

/// The fields of one mapping, read by name.
#[derive(Clone, Copy)]
pub struct Fields<'n> {
    pub node: &'n Node,
    path: &'n str,
}

/// Field paths are interned per build: leaking a handful of short strings
/// keeps `Fields` `Copy` and the readers free of lifetimes juggling.
fn intern(s: String) -> &'static str {
    use std::sync::Mutex;
    static PATHS: Mutex<BTreeSet<&'static str>> = Mutex::new(BTreeSet::new());
    let mut set = PATHS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(p) = set.get(s.as_str()) {
        return p;
    }
    let leaked: &'static str = Box::leak(s.into_boxed_str());
    set.insert(leaked);
    leaked
}

impl<'n> Fields<'n> {
    pub fn new(node: &'n Node, path: &'static str) -> Fields<'n> {
        Fields { node, path }
    }
    pub fn span(&self) -> Span {
        self.node.span
    }
    /// An optional field.
    pub fn opt<T: FromNode>(&self, cx: &mut Cx, key: &str) -> Option<Spanned<T>> {
        cx.saw(self.path, key);
        // Most declared fields are absent: name the field only when read.
        let n = self.node.get(key)?;
        cx.at(key);
        typed::<T>(n, cx).map(|value| Spanned {
            value,
            span: n.span,
        })
    }
    /// An optional field's value, when its place is not needed.
    pub fn value<T: FromNode>(&self, cx: &mut Cx, key: &str) -> Option<T> {
        self.opt(cx, key).map(|s| s.value)
    }
    /// A field the schema requires; `None` only when it was already reported.
    pub fn req<T: FromNode>(&self, cx: &mut Cx, key: &str) -> Option<Spanned<T>> {
        self.opt(cx, key)
    }
    /// The span of a value as written, whatever its type (for "both set").
    pub fn span_of(&self, cx: &mut Cx, key: &str) -> Option<Span> {
        cx.saw(self.path, key);
        self.node.get(key).map(|n| n.span)
    }
    /// A nested mapping.
    pub fn object(&self, cx: &mut Cx, key: &str) -> Option<Fields<'n>> {
        cx.saw(self.path, key);
        let n = self.node.get(key).filter(|n| n.is_map())?;
        Some(Fields {
            node: n,
            path: cx.below(self.path, key, ""),
        })
    }
    /// A mapping of names to objects (`resources:`, `services:`...), each
    /// read by `f` with its name and the name's span.
    pub fn named<T>(
        &self,
        cx: &mut Cx,
        key: &str,
        mut f: impl FnMut(&mut Cx, Spanned<&'n str>, Fields<'n>) -> Option<T>,
    ) -> Vec<T> {
        cx.saw(self.path, key);
        let Some(n) = self.node.get(key) else {
            return Vec::new();
        };
        let path = cx.below(self.path, key, "/*");
        if let Some(s) = &mut cx.seen {
            s.insert(path.to_string());
        }
        n.entries()
            .iter()
            .filter_map(|e| {
                let name = Spanned {
                    value: e.key.as_str(),
                    span: e.key_span,
                };
                f(
                    cx,
                    name,
                    Fields {
                        node: &e.value,
                        path,
                    },
                )
            })
            .collect()
    }
    /// A mapping of names to plain values (`priority:`, `commands:`).
    pub fn named_values<T: FromNode>(
        &self,
        cx: &mut Cx,
        key: &str,
    ) -> Vec<(Spanned<String>, Spanned<T>)> {
        cx.saw(self.path, key);
        if let Some(s) = &mut cx.seen {
            s.insert(format!("{}/{key}/*", self.path));
        }
        let Some(n) = self.node.get(key) else {
            return Vec::new();
        };
        n.entries()
            .iter()
            .filter_map(|e| {
                cx.at(&e.key);
                let v = typed::<Spanned<T>>(&e.value, cx)?;
                Some((
                    Spanned {
                        value: e.key.as_str().to_owned(),
                        span: e.key_span,
                    },
                    v,
                ))
            })
            .collect()
    }
    /// Every entry of this mapping, when its keys are the user's (a
    /// collectd plugin's options).
    pub fn entries(&self, cx: &mut Cx) -> &'n [crate::syntax::Entry] {
        cx.saw(self.path, "*");
        self.node.entries()
    }
    /// A list of objects (`network: {servers: [...]}`).
    pub fn list<T>(
        &self,
        cx: &mut Cx,
        key: &str,
        mut f: impl FnMut(&mut Cx, Fields<'n>) -> Option<T>,
    ) -> Vec<T> {
        cx.saw(self.path, key);
        let Some(n) = self.node.get(key) else {
            return Vec::new();
        };
        let path = cx.below(self.path, key, "/*");
        n.items()
            .iter()
            .filter(|i| i.is_map())
            .filter_map(|i| f(cx, Fields { node: i, path }))
            .collect()
    }
}
