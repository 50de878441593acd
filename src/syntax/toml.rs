//! TOML through toml's spanned parse tree. TOML itself forbids duplicate keys,
//! so the parser reports those; depth is bounded by the parser. Files as
//! definitions are written take a fast path over the same parser's events.

mod fast;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::{Entry, Node, Parsed, Value};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::source::{FileId, SourceFile};

pub fn parse(file: FileId, source: &SourceFile) -> Parsed {
    if let Some(root) = fast::parse(file, &source.text) {
        return Parsed {
            documents: vec![root],
            diagnostics: Vec::new(),
        };
    }
    parse_full(file, source)
}

/// Any TOML, through toml's `DeTable`, with its messages.
fn parse_full(file: FileId, source: &SourceFile) -> Parsed {
    match DeTable::parse(&source.text) {
        Ok(table) => {
            let span = Span::new(file, 0, 0);
            let mut diagnostics = Vec::new();
            let root = Node::new(
                span,
                Value::Map(entries(file, table.get_ref(), &mut diagnostics).into()),
            );
            Parsed {
                documents: vec![root],
                diagnostics,
            }
        }
        Err(e) => {
            let range = e.span().unwrap_or(0..0);
            let mut message = e.message().trim_end().to_string();
            let (code, hint) = if message.contains("duplicate key") {
                let key = source.text.get(range.clone()).unwrap_or("").trim();
                if !key.is_empty() && !key.contains('\n') {
                    message = format!("duplicate key `{key}`");
                }
                (Code::DuplicateKey, Some("remove one of them"))
            } else {
                (Code::TomlSyntax, None)
            };
            let mut d = Diagnostic::error(code, Span::new(file, range.start, range.end), message);
            if let Some(h) = hint {
                d = d.with_hint(h);
            }
            Parsed {
                documents: Vec::new(),
                diagnostics: vec![d],
            }
        }
    }
}

fn entries(file: FileId, table: &DeTable<'_>, diags: &mut Vec<Diagnostic>) -> Vec<Entry> {
    table
        .iter()
        .map(|(k, v)| Entry {
            key: k.get_ref().as_ref().into(),
            key_span: span(file, k),
            value: node(file, v, diags),
        })
        .collect()
}

fn span<T>(file: FileId, s: &Spanned<T>) -> Span {
    let r = s.span();
    Span::new(file, r.start, r.end)
}

fn node(file: FileId, v: &Spanned<DeValue<'_>>, diags: &mut Vec<Diagnostic>) -> Node {
    let value = match v.get_ref() {
        DeValue::String(s) => Value::Str(s.as_ref().into()),
        DeValue::Integer(i) => integer(i.as_str(), i.radix()),
        DeValue::Float(f) => float(f.as_str()),
        DeValue::Boolean(b) => Value::Bool(*b),
        // No definition field is a date; taking it for a string would
        // accept `interval = 1979-05-27` as text.
        DeValue::Datetime(d) => {
            diags.push(
                Diagnostic::error(
                    Code::WrongType,
                    span(file, v),
                    format!("`{d}` is a TOML date/time; no field takes one"),
                )
                .with_hint(format!("quote it if it is text: \"{d}\"")),
            );
            Value::Str(d.to_string().into())
        }
        DeValue::Array(items) => Value::Seq(items.iter().map(|i| node(file, i, diags)).collect()),
        DeValue::Table(t) => Value::Map(entries(file, t, diags).into()),
    };
    Node::new(span(file, v), value)
}

/// An integer as toml decoded it (digits, perhaps `_` and a sign).
fn integer(decoded: &str, radix: u32) -> Value {
    let digits = decoded.replace('_', "");
    match i64::from_str_radix(digits.trim_start_matches('+'), radix) {
        Ok(n) => Value::Int(n),
        // Out of i64 range: keep it visible as a number to the schema.
        Err(_) => Value::Float(digits.parse().unwrap_or(f64::MAX)),
    }
}

/// A float as toml decoded it.
fn float(decoded: &str) -> Value {
    let s = decoded.replace('_', "");
    Value::Float(match s.trim_start_matches('+') {
        "inf" => f64::INFINITY,
        "-inf" => f64::NEG_INFINITY,
        "nan" | "-nan" => f64::NAN,
        t => t.parse().unwrap_or(f64::NAN),
    })
}
