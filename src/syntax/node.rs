use compact_str::CompactString;

use crate::diagnostic::Span;

/// A value with the place it was written.
#[derive(Clone, Debug)]
pub struct Node {
    pub span: Span,
    pub value: Value,
    /// The plain YAML word this came from when 9volt's YAML 1.1 reader would
    /// have taken it for a boolean (`yes`, `on`, ...), for hints.
    pub yaml11_bool: bool,
}

#[derive(Clone, Debug)]
pub enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    /// Inline up to 24 bytes: most keys and words of a definition need no
    /// allocation of their own.
    Str(CompactString),
    Seq(Box<[Node]>),
    Map(Box<[Entry]>),
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub key: CompactString,
    pub key_span: Span,
    pub value: Node,
}

/// A float as JSON: a number, or for NaN and the infinities, which have no
/// JSON form, their text, which keeps them visible to the schema as a string.
pub fn json_float(f: f64) -> Result<serde_json::Number, String> {
    serde_json::Number::from_f64(f).ok_or_else(|| f.to_string())
}

impl Node {
    pub fn new(span: Span, value: Value) -> Self {
        Node {
            span,
            value,
            yaml11_bool: false,
        }
    }

    /// Where the whole value lies, keys and children included: a block
    /// mapping's own span marks only where it starts.
    pub fn extent(&self) -> Span {
        let mut out = self.span;
        let mut widen = |s: Span| {
            out.start = out.start.min(s.start);
            out.end = out.end.max(s.end);
        };
        match &self.value {
            Value::Map(entries) => entries.iter().for_each(|e| {
                widen(e.key_span);
                widen(e.value.extent());
            }),
            Value::Seq(items) => items.iter().for_each(|n| widen(n.extent())),
            _ => {}
        }
        out
    }

    pub fn get(&self, key: &str) -> Option<&Node> {
        self.entry(key).map(|e| &e.value)
    }
    pub fn entry(&self, key: &str) -> Option<&Entry> {
        match &self.value {
            Value::Map(entries) => entries.iter().find(|e| e.key == key),
            _ => None,
        }
    }
    pub fn entries(&self) -> &[Entry] {
        match &self.value {
            Value::Map(entries) => entries,
            _ => &[],
        }
    }
    pub fn items(&self) -> &[Node] {
        match &self.value {
            Value::Seq(items) => items,
            _ => &[],
        }
    }
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }
    pub fn as_i64(&self) -> Option<i64> {
        match self.value {
            Value::Int(i) => Some(i),
            _ => None,
        }
    }
    pub fn as_f64(&self) -> Option<f64> {
        match self.value {
            Value::Int(i) => Some(i as f64),
            Value::Float(f) => Some(f),
            _ => None,
        }
    }
    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }
    pub fn is_map(&self) -> bool {
        matches!(self.value, Value::Map(_))
    }
    /// Strings of a sequence, skipping other items (the schema reports those).
    pub fn strings(&self) -> impl Iterator<Item = (&str, Span)> {
        self.items()
            .iter()
            .filter_map(|n| n.as_str().map(|s| (s, n.span)))
    }
    pub fn type_name(&self) -> &'static str {
        match self.value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Int(_) => "integer",
            Value::Float(_) => "number",
            Value::Str(_) => "string",
            Value::Seq(_) => "list",
            Value::Map(_) => "mapping",
        }
    }

    /// Follows a JSON pointer (as jsonschema reports instance paths).
    pub fn pointer(&self, pointer: &str) -> Option<&Node> {
        let mut node = self;
        for raw in pointer.split('/').skip(1) {
            let seg = raw.replace("~1", "/").replace("~0", "~");
            node = match &node.value {
                Value::Map(entries) => &entries.iter().find(|e| e.key == seg)?.value,
                Value::Seq(items) => items.get(seg.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(node)
    }
    /// The span of the key that holds the value at `pointer`, if any.
    pub fn key_span(&self, pointer: &str) -> Option<Span> {
        let (parent, last) = pointer.rsplit_once('/')?;
        let last = last.replace("~1", "/").replace("~0", "~");
        self.pointer(parent)?.entry(&last).map(|e| e.key_span)
    }

    /// Converts to JSON for schema validation and for writing to etcd.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match &self.value {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Int(i) => J::from(*i),
            Value::Float(f) => json_float(*f).map_or_else(J::String, J::Number),
            Value::Str(s) => J::String(s.as_str().to_owned()),
            Value::Seq(items) => J::Array(items.iter().map(Node::to_json).collect()),
            Value::Map(entries) => J::Object(
                entries
                    .iter()
                    .map(|e| (e.key.as_str().to_owned(), e.value.to_json()))
                    .collect(),
            ),
        }
    }

    /// Number of nodes in this tree, for the alias expansion budget.
    pub fn size(&self) -> usize {
        1 + match &self.value {
            Value::Seq(items) => items.iter().map(Node::size).sum(),
            Value::Map(entries) => entries.iter().map(|e| e.value.size()).sum(),
            _ => 0,
        }
    }
}

#[cfg(test)]
impl Node {
    /// Every node with its span, compact enough to read in a failure: what
    /// the fast paths' tests compare with the full readers.
    pub(crate) fn shown(&self) -> String {
        fn walk(n: &Node, out: &mut String) {
            out.push_str(&format!("<{}-{}>", n.span.start, n.span.end));
            match &n.value {
                Value::Map(es) => {
                    out.push('{');
                    for e in es {
                        let s = e.key_span;
                        out.push_str(&format!("{:?}@{}-{}: ", e.key, s.start, s.end));
                        walk(&e.value, out);
                        out.push_str(", ");
                    }
                    out.push('}');
                }
                Value::Seq(xs) => {
                    out.push('[');
                    for x in xs {
                        walk(x, out);
                        out.push_str(", ");
                    }
                    out.push(']');
                }
                // Debug of a float tells -0.0 and NaN apart.
                v => out.push_str(&format!(
                    "{v:?}{}",
                    if n.yaml11_bool { "(1.1 bool)" } else { "" }
                )),
            }
        }
        let mut out = String::new();
        walk(self, &mut out);
        out
    }
}
