//! Parsing YAML and TOML into one tree that remembers where every key and
//! value came from. Nothing here knows what a monitor or a cluster is.

mod node;
mod toml;
mod yaml;

pub use node::{json_float, Entry, Node, Value};

use crate::diagnostic::Diagnostic;
use crate::source::{FileId, SourceFile};

/// Limits that keep hostile input from exhausting memory or the stack.
pub const MAX_DEPTH: usize = 64;
/// Nodes that YAML aliases may add to one file by expansion.
pub const MAX_ALIAS_NODES: usize = 100_000;

/// Every document in a file (YAML may have several; TOML has one).
pub struct Parsed {
    pub documents: Vec<Node>,
    pub diagnostics: Vec<Diagnostic>,
}

pub fn parse(file: FileId, source: &SourceFile) -> Parsed {
    let is_toml = source.path.extension().and_then(|e| e.to_str()) == Some("toml");
    if is_toml {
        toml::parse(file, source)
    } else {
        yaml::parse(file, source)
    }
}
