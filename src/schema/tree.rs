//! The definition tree as jsonschema's instance, read in place (jsonschema's
//! custom representations). The validators generated at build time read
//! `serde_json` values only, and turning each of 100,000 monitors into one
//! first was a tenth of the whole load's CPU time. Every value reads as
//! `Node::to_json` would give it, so a tree is valid here exactly when its
//! JSON is valid to the generated validator; errors still come from that one.

use std::borrow::Cow;

use jsonschema::json::{Array, Json, Node as Instance, NodeIdentity, Object};
use jsonschema::JsonType;
use serde_json::{Number, Value as Json_};

use crate::syntax::{json_float as float, Entry, Node, Value};

/// The representation: a `&Node` is a JSON value.
pub struct Tree;

impl Json for Tree {
    type Node<'a> = &'a Node;
    type PreparedKey = String;
    type StringBuffer = Option<Node>;
    // A mapping is a short list scanned per look-up, dearer per look-up
    // than serde_json's B-tree (which sets 2): a members pass pays sooner.
    const KEYS_PER_LOOKUP: usize = 4;

    fn prepare_key(key: &str) -> String {
        key.to_owned()
    }

    fn with_string_node<T>(
        buffer: &mut Option<Node>,
        string: &str,
        f: impl FnOnce(&Node) -> T,
    ) -> T {
        let node = buffer.insert(Node::new(
            crate::diagnostic::Span::file_only(0),
            Value::Str(string.into()),
        ));
        f(node)
    }
}

impl<'a> Instance<'a, Tree> for &'a Node {
    type Object = &'a [Entry];
    type Array = &'a [Node];
    type Number = Number;

    fn as_object(&self) -> Option<&'a [Entry]> {
        match &self.value {
            Value::Map(entries) => Some(entries),
            _ => None,
        }
    }

    fn as_array(&self) -> Option<&'a [Node]> {
        match &self.value {
            Value::Seq(items) => Some(items),
            _ => None,
        }
    }

    fn as_string(&self) -> Option<Cow<'a, str>> {
        match &self.value {
            Value::Str(s) => Some(Cow::Borrowed(s.as_str())),
            Value::Float(f) => float(*f).err().map(Cow::Owned),
            _ => None,
        }
    }

    fn as_number(&self) -> Option<Number> {
        match self.value {
            Value::Int(i) => Some(Number::from(i)),
            Value::Float(f) => float(f).ok(),
            _ => None,
        }
    }

    fn as_boolean(&self) -> Option<bool> {
        match self.value {
            Value::Bool(b) => Some(b),
            _ => None,
        }
    }

    fn is_null(&self) -> bool {
        matches!(self.value, Value::Null)
    }

    fn json_type(&self) -> JsonType {
        match &self.value {
            Value::Null => JsonType::Null,
            Value::Bool(_) => JsonType::Boolean,
            Value::Int(_) => JsonType::Number,
            Value::Float(f) if f.is_finite() => JsonType::Number,
            Value::Float(_) | Value::Str(_) => JsonType::String,
            Value::Seq(_) => JsonType::Array,
            Value::Map(_) => JsonType::Object,
        }
    }

    fn to_value(&self) -> Cow<'a, Json_> {
        Cow::Owned(self.to_json())
    }

    fn identity(&self) -> Option<NodeIdentity> {
        Some(NodeIdentity::new(std::ptr::from_ref::<Node>(self) as usize))
    }
}

/// A mapping's members, as (key, value).
pub struct Members<'a>(std::slice::Iter<'a, Entry>);

impl<'a> Iterator for Members<'a> {
    type Item = (&'a str, &'a Node);

    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|e| (e.key.as_str(), &e.value))
    }
}

impl<'a> Object<'a, Tree> for &'a [Entry] {
    type Node = &'a Node;
    type MemberName = &'a str;
    type MembersIter = Members<'a>;

    fn len(&self) -> usize {
        <[Entry]>::len(self)
    }

    fn get(&self, key: &String) -> Option<&'a Node> {
        self.iter()
            .find(|e| e.key == key.as_str())
            .map(|e| &e.value)
    }

    fn members(&self) -> Members<'a> {
        Members(self.iter())
    }
}

impl<'a> Array<'a, Tree> for &'a [Node] {
    type Node = &'a Node;
    type ElementsIter = std::slice::Iter<'a, Node>;

    fn len(&self) -> usize {
        <[Node]>::len(self)
    }

    fn elements(&self) -> std::slice::Iter<'a, Node> {
        self.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(json: &str) -> Node {
        let file = crate::source::SourceFile::new("t.yaml".into(), json.to_string());
        let mut parsed = crate::syntax::parse(0, &file);
        assert!(parsed.diagnostics.is_empty(), "{:?}", parsed.diagnostics);
        parsed.documents.remove(0)
    }

    /// jsonschema's own contract for a representation: lengths in code
    /// points, numbers equal by value, identities stable.
    #[test]
    fn the_tree_keeps_jsonschemas_contract() {
        let node = tree(&jsonschema::json::conformance::document().to_string());
        jsonschema::json::conformance::assert_conformance::<Tree>(&&node);
    }

    /// NaN and the infinities read as the strings `to_json` makes of them.
    #[test]
    fn non_finite_floats_are_strings_as_in_their_json() {
        let node = tree("[.nan, .inf, 1.5, 2]");
        let items = node.items();
        for (n, want) in items.iter().zip(node.to_json().as_array().unwrap()) {
            let n: &Node = n;
            assert_eq!(
                n.json_type() == JsonType::String,
                want.is_string(),
                "{want}"
            );
            assert_eq!(
                n.as_string().map(Cow::into_owned),
                want.as_str().map(str::to_string)
            );
            assert_eq!(n.as_number(), want.as_number().cloned());
        }
    }
}
