//! The JSON Schemas in `schemas/`, embedded, and validation of each definition
//! against its section's schema, with every error mapped back to a span.

use std::collections::HashMap;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::ValidationError;
use serde_json::Value as Json;

use crate::catalog::{Definition, Section};
use crate::diagnostic::{did_you_mean, Code, Diagnostic, Span};
use crate::syntax::Node;

pub mod pattern;
mod tree;

/// The schema names `mon schema NAME` takes: the whole-file schema, the
/// shared definitions, then one per section.
pub fn names() -> impl Iterator<Item = &'static str> + Clone {
    ["mon", "common"]
        .into_iter()
        .chain(Section::ALL.iter().map(|s| s.key()))
}

/// A schema's file name.
pub fn file_name(name: &str) -> String {
    format!("{name}.schema.json")
}

pub fn text(name: &str) -> Option<&'static str> {
    let name = name.strip_suffix(".schema.json").unwrap_or(name);
    match name {
        "mon" => Some(whole_file()),
        "common" => Some(include_str!("../schemas/common.schema.json")),
        _ => Section::from_key(name).map(Section::schema),
    }
}

/// The whole-file schema, generated from the sections: a mapping of section
/// to name to definition.
fn whole_file() -> &'static str {
    static TEXT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    TEXT.get_or_init(|| {
        let properties: Vec<String> = Section::ALL
            .iter()
            .map(|s| {
                format!(
                    r##"    "{k}": {{ "$ref": "#/$defs/section", "additionalProperties": {{ "$ref": "{k}.schema.json" }} }}"##,
                    k = s.key()
                )
            })
            .collect();
        format!(
            r##"{{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "title": "mon definition file",
  "description": "A mon definition file: a mapping of section -> name -> definition. Point your editor's YAML language server at this file.",
  "type": "object",
  "additionalProperties": false,
  "properties": {{
{}
  }},
  "$defs": {{
    "section": {{
      "type": ["object", "null"],
      "propertyNames": {{ "$ref": "common.schema.json#/$defs/name" }}
    }}
  }}
}}
"##,
            properties.join(",
")
        )
    })
}

/// The section schemas as validators generated at build time by jsonschema's
/// own macro (feature `macros`): a run compiles no schema. Compiling them when
/// mon started took most of a one-file `mon validate` (about 3 of 5.5 ms).
/// build.rs writes one per section schema, from a copy whose regex patterns
/// are formats (`pattern`); `errors` names each.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/validators.rs"));
}

/// Every schema error of `json` against its section's schema; empty when valid.
pub fn errors(section: Section, json: &Json) -> Vec<ValidationError<'_>> {
    macro_rules! by_section {
        ($($v:ident),*) => {
            match section {
                $(Section::$v => {
                    if generated::$v::is_valid(json) {
                        Vec::new()
                    } else {
                        generated::$v::iter_errors(json).collect()
                    }
                })*
            }
        };
    }
    by_section!(Monitor, Alerter, Cluster, Mqtt, Collectd, Conveyer, Dozor)
}

/// The pattern a value failed: the generated validators report one as
/// the format that stands for it (`pattern`).
fn failed_pattern(kind: &ValidationErrorKind) -> Option<&str> {
    match kind {
        ValidationErrorKind::Pattern { pattern } => Some(pattern),
        ValidationErrorKind::Format { format } => pattern::of_format(format),
        _ => None,
    }
}

/// The parsed schemas the error messages read (allowed keys for "did you
/// mean"), parsed once, on the first error.
fn parsed_schemas() -> &'static (HashMap<Section, Json>, Json) {
    static PARSED: std::sync::OnceLock<(HashMap<Section, Json>, Json)> = std::sync::OnceLock::new();
    // The embedded schemas are part of the binary; tests prove they parse.
    let parse = |text: &str| serde_json::from_str(text).expect("embedded schema is JSON");
    PARSED.get_or_init(|| {
        let sections = Section::ALL
            .iter()
            .map(|&s| (s, parse(s.schema())))
            .collect();
        (sections, parse(text("common").unwrap_or_default()))
    })
}

/// A section with this many definitions is checked by a validator compiled
/// at run time that reads the tree in place (`tree`). Compiling the monitor
/// schema takes about a millisecond; converting 1,000 monitors to JSON for
/// the generated validator takes as long.
pub const IN_PLACE_FROM: usize = 1000;

/// A load of this much text compiles the schema of every section it holds.
pub const IN_PLACE_BYTES: usize = 1 << 20;

/// Section schemas compiled at run time over the tree (`tree`), for large
/// loads (`for_load`). Held for one load's schema phase, not for the
/// process: compiled schemas and their regex caches are megabytes.
pub struct InPlace(Vec<(Section, jsonschema::Validator<tree::Tree>)>);

impl InPlace {
    /// The schemas of the sections `pick` takes. A schema that does not
    /// compile (a test proves each does) is left to the generated validator.
    pub fn compile(pick: impl Fn(Section) -> bool) -> InPlace {
        let picked: Vec<Section> = Section::ALL.iter().copied().filter(|&s| pick(s)).collect();
        // A small load picks nothing: the registry alone costs a one-file
        // run a tenth of a millisecond and a megabyte.
        if picked.is_empty() {
            return InPlace(Vec::new());
        }
        let registry = text("common")
            .and_then(|t| serde_json::from_str::<Json>(t).ok())
            .and_then(|common| {
                jsonschema::Registry::new()
                    .add("json-schema:///common.schema.json", common)
                    .ok()?
                    .prepare()
                    .ok()
            });
        let Some(registry) = registry else {
            return InPlace(Vec::new());
        };
        let compiled = picked
            .into_iter()
            .filter_map(|s| {
                let schema: Json = serde_json::from_str(s.schema()).ok()?;
                let v = jsonschema::options_for::<tree::Tree>()
                    .with_base_uri(format!("json-schema:///{}.schema.json", s.key()))
                    .with_registry(&registry)
                    .with_pattern_options(jsonschema::PatternOptions::regex())
                    .build(&schema)
                    .ok()?;
                Some((s, v))
            })
            .collect();
        InPlace(compiled)
    }

    /// For a load of `bytes` of text: the sections holding `IN_PLACE_FROM`
    /// definitions or more, or every section with one when the text is
    /// `IN_PLACE_BYTES` or more (one imported cluster of 400,000 nodes is a
    /// single definition of 13 MB).
    pub fn for_load(catalog: &crate::catalog::Catalog, bytes: usize) -> InPlace {
        InPlace::compile(|s| {
            let n = catalog.count(s);
            n >= IN_PLACE_FROM || (n > 0 && bytes >= IN_PLACE_BYTES)
        })
    }

    /// Whether `def` is valid to its section's schema; `None` when that
    /// section's schema is not compiled here.
    pub fn valid(&self, def: &Definition) -> Option<bool> {
        let (_, v) = self.0.iter().find(|(s, _)| *s == def.section)?;
        Some(v.is_valid(&def.node))
    }
}

/// Validates one definition against its section's schema: by `in_place`
/// where it holds the section's, else by the generated validators, which
/// always give an invalid one's errors.
pub fn check(def: &Definition, in_place: &InPlace, out: &mut Vec<Diagnostic>) {
    if in_place.valid(def) != Some(true) {
        schema_errors(def, out);
    }
    non_finite_values(def, out);
}

fn schema_errors(def: &Definition, out: &mut Vec<Diagnostic>) {
    let json = def.node.to_json();
    let errors = errors(def.section, &json);
    if !errors.is_empty() {
        let (schemas, common) = parsed_schemas();
        let ctx = Ctx {
            def,
            schema: &schemas[&def.section],
            common,
        };
        let before = out.len();
        for e in &errors {
            ctx.map(e, out);
        }
        dedup_from(out, before);
    }
}

/// JSON has no NaN or infinity: the schema sees them as strings, which
/// pass a string field. No reader of any output takes them, so they are
/// refused wherever they are, once.
fn non_finite_values(def: &Definition, out: &mut Vec<Diagnostic>) {
    let mut bad = Vec::new();
    non_finite(&def.node, &mut bad);
    for n in bad {
        if !out.iter().any(|d| d.span == n.span) {
            out.push(
                Diagnostic::error(Code::NotFinite, n.span, format!("`{}` is not a finite number", show(n)))
                    .with_hint("write a plain number or a quoted string: NaN and infinities cannot be written into any file mon renders or etcd"),
            );
        }
    }
}

fn show(n: &Node) -> String {
    match n.value {
        crate::syntax::Value::Float(f) => f.to_string(),
        _ => String::new(),
    }
}

fn non_finite<'n>(node: &'n Node, out: &mut Vec<&'n Node>) {
    use crate::syntax::Value;
    match &node.value {
        Value::Float(f) if !f.is_finite() => out.push(node),
        Value::Map(entries) => entries.iter().for_each(|e| non_finite(&e.value, out)),
        Value::Seq(items) => items.iter().for_each(|n| non_finite(n, out)),
        _ => {}
    }
}

/// Several schema branches can report the same problem; keep each once.
fn dedup_from(out: &mut Vec<Diagnostic>, before: usize) {
    let mut seen = std::collections::HashSet::new();
    let tail: Vec<Diagnostic> = out.drain(before..).collect();
    for d in tail {
        if seen.insert((d.span, d.code, d.message.clone())) {
            out.push(d);
        }
    }
}

struct Ctx<'a> {
    def: &'a Definition,
    schema: &'a Json,
    common: &'a Json,
}

impl Ctx<'_> {
    fn node(&self, ptr: &str) -> &Node {
        self.def.node.pointer(ptr).unwrap_or(&self.def.node)
    }

    /// Where to point for something about the object at `ptr` as a whole.
    fn object_span(&self, ptr: &str) -> Span {
        if ptr.is_empty() {
            self.def.name_span
        } else {
            self.def.node.key_span(ptr).unwrap_or(self.node(ptr).span)
        }
    }

    fn what(&self, ptr: &str) -> String {
        match ptr.rsplit_once('/') {
            Some((_, last)) if !last.is_empty() && last.parse::<usize>().is_err() => {
                format!("`{last}`")
            }
            Some((parent, idx)) if !idx.is_empty() => match parent.rsplit_once('/') {
                Some((_, p)) if !p.is_empty() => {
                    format!("item {} of `{p}`", idx.parse::<usize>().unwrap_or(0) + 1)
                }
                _ => "this item".into(),
            },
            _ => format!("{} `{}`", self.def.section.key(), self.def.name),
        }
    }

    fn map(&self, e: &ValidationError, out: &mut Vec<Diagnostic>) {
        let ptr = e.instance_path().as_str();
        let node = self.node(ptr);
        // The generated validators report a refused key as the key's own
        // error, located at the mapping, with the key as its instance (its
        // schema path is the $ref target's, so only the shapes tell).
        if node.is_map() && e.instance().is_string() {
            out.push(self.bad_key(ptr, node, e));
            return;
        }
        if let Some(pattern) = failed_pattern(e.kind()) {
            let d = Diagnostic::error(
                Code::BadFormat,
                node.span,
                format!(
                    "{} {} does not have the required form",
                    self.what(ptr),
                    shown_value(node)
                ),
            );
            out.push(d.with_hint(pattern::hint(pattern)));
            return;
        }
        let field = ptr.rsplit('/').next().unwrap_or("");
        let d = match e.kind() {
            // NaN and infinities reach the schema as strings (JSON has no
            // form for them); say what they are, not "a number, not a number".
            ValidationErrorKind::Type { .. }
                if matches!(node.value, crate::syntax::Value::Float(f) if !f.is_finite()) =>
            {
                Diagnostic::error(
                    Code::NotFinite,
                    node.span,
                    format!("{} is not a finite number", self.what(ptr)),
                )
                .with_hint("write a plain number: NaN and infinities cannot be written into any file mon renders")
            }
            ValidationErrorKind::Type { kind } => {
                let expected = match kind {
                    TypeKind::Single(t) => article(t.as_str()),
                    TypeKind::Multiple(set) => set
                        .into_iter()
                        .map(|t| article(t.as_str()))
                        .collect::<Vec<_>>()
                        .join(" or "),
                };
                let mut d = Diagnostic::error(
                    Code::WrongType,
                    node.span,
                    format!(
                        "{} must be {expected}, not {}",
                        self.what(ptr),
                        article(node.type_name())
                    ),
                );
                if let Some(h) = type_hint(field, node, &expected) {
                    d = d.with_hint(h);
                }
                d
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                let allowed = allowed_keys(self.schema, self.common, ptr);
                for key in unexpected {
                    let kptr = format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"));
                    let span = self.def.node.key_span(&kptr).unwrap_or(node.span);
                    let mut d = Diagnostic::error(
                        Code::UnknownField,
                        span,
                        format!("unknown field `{key}` in {}", self.what_object(ptr)),
                    );
                    if let Some(s) = did_you_mean(key, allowed.iter().map(String::as_str)) {
                        d = d.with_hint(format!("did you mean `{s}`?"));
                    } else if !allowed.is_empty() && allowed.len() <= 12 {
                        d = d.with_hint(format!("expected one of: {}", allowed.join(", ")));
                    }
                    out.push(d);
                }
                return;
            }
            ValidationErrorKind::Required { property } => {
                let prop = property.as_str().unwrap_or_default();
                let mut d = Diagnostic::error(
                    Code::MissingField,
                    self.object_span(ptr),
                    format!(
                        "{} is missing required field `{prop}`",
                        self.what_object(ptr)
                    ),
                );
                if let Some(h) = required_hint(self.def.section, prop, &self.def.node) {
                    d = d.with_hint(h);
                }
                d
            }
            ValidationErrorKind::Enum { options } => {
                let opts: Vec<String> = options
                    .as_array()
                    .map(|a| {
                        a.iter()
                            .map(|o| o.as_str().map_or(o.to_string(), str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                let shown = shown_value(node);
                let d = Diagnostic::error(
                    Code::NotAllowed,
                    node.span,
                    format!(
                        "{shown} is not a valid {}; expected one of: {}",
                        self.what(ptr).trim_matches('`'),
                        opts.join(", ")
                    ),
                );
                let role = matches!(node.as_str(), Some("primary" | "secondary" | "watchdog"));
                if field == "role_on_start" && role {
                    // hastmon applies a global or resource value to every node, watchdogs included.
                    d.with_hint("write `role`: each node then starts in the role its resource gives it; one role for every node would start the service on the watchdogs too")
                } else {
                    match node
                        .as_str()
                        .and_then(|s| did_you_mean(s, opts.iter().map(String::as_str)))
                    {
                        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
                        None => d,
                    }
                }
            }
            ValidationErrorKind::Constant { expected_value } => Diagnostic::error(
                Code::NotAllowed,
                node.span,
                format!("{} must be {expected_value}", self.what(ptr)),
            ),
            ValidationErrorKind::Minimum { .. }
            | ValidationErrorKind::Maximum { .. }
            | ValidationErrorKind::ExclusiveMinimum { .. }
            | ValidationErrorKind::ExclusiveMaximum { .. }
            | ValidationErrorKind::MinLength { .. }
            | ValidationErrorKind::MaxLength { .. }
            | ValidationErrorKind::MinItems { .. }
            | ValidationErrorKind::MaxItems { .. }
            | ValidationErrorKind::MinProperties { .. }
            | ValidationErrorKind::MaxProperties { .. } => Diagnostic::error(
                Code::OutOfRange,
                node.span,
                format!("{}: {}", self.what(ptr), range_message(e.kind(), node)),
            ),
            ValidationErrorKind::AnyOf { context }
            | ValidationErrorKind::OneOfNotValid { context } => {
                return self.best_branch(ptr, node, context, out);
            }
            _ => Diagnostic::error(
                Code::SchemaOther,
                node.span,
                format!("{}: {e}", self.what(ptr)),
            ),
        };
        out.push(d);
    }

    /// A key of the mapping at `ptr` that its schema's propertyNames refuses;
    /// `error` is the key's own error, the key its instance.
    fn bad_key(&self, ptr: &str, node: &Node, error: &ValidationError) -> Diagnostic {
        let key = error.instance().as_str().unwrap_or_default();
        let kptr = format!("{ptr}/{}", key.replace('~', "~0").replace('/', "~1"));
        let span = self.def.node.key_span(&kptr).unwrap_or(node.span);
        let hint = match failed_pattern(error.kind()) {
            Some(p) => pattern::hint(p),
            None => error.to_string().into(),
        };
        Diagnostic::error(
            Code::BadFormat,
            span,
            format!(
                "`{}` is not a valid name in {}",
                crate::model::types::shown(key),
                self.what_object(ptr)
            ),
        )
        .with_hint(hint)
    }

    fn what_object(&self, ptr: &str) -> String {
        if ptr.is_empty() {
            format!("{} `{}`", self.def.section.key(), self.def.name)
        } else {
            self.what(ptr)
        }
    }

    /// For anyOf/oneOf: report the branch that got furthest, or list the
    /// expected types when every branch failed on the type alone.
    fn best_branch(
        &self,
        ptr: &str,
        node: &Node,
        context: &[Vec<ValidationError<'static>>],
        out: &mut Vec<Diagnostic>,
    ) {
        if is_secret_position(self.def.section, ptr) {
            let mut d = Diagnostic::error(
                Code::WrongType,
                node.span,
                format!(
                    "{} must be a string, {{env: NAME}} or {{file: PATH}}",
                    self.what(ptr)
                ),
            );
            if node.is_map() {
                let keys: Vec<&str> = node.entries().iter().map(|e| e.key.as_str()).collect();
                d = d.with_hint(format!(
                    "a secret reference has exactly one key, `env` or `file`; found: {}",
                    keys.join(", ")
                ));
            }
            out.push(d);
            return;
        }
        // Branches that differ only in which field they require: "needs a or b".
        let required: Option<Vec<String>> = context
            .iter()
            .map(|b| match b.as_slice() {
                [e] if e.instance_path().as_str() == ptr => match e.kind() {
                    ValidationErrorKind::Required { property } => {
                        property.as_str().map(|p| format!("`{p}`"))
                    }
                    _ => None,
                },
                _ => None,
            })
            .collect();
        if let Some(fields) = required.filter(|f| !f.is_empty()) {
            out.push(Diagnostic::error(
                Code::MissingField,
                self.object_span(ptr),
                format!("{} needs {}", self.what_object(ptr), fields.join(" or ")),
            ));
            return;
        }
        let all_type_errors = context.iter().all(|branch| {
            branch.iter().all(|e| {
                e.instance_path().as_str() == ptr
                    && matches!(
                        e.kind(),
                        ValidationErrorKind::Type { .. } | ValidationErrorKind::Required { .. }
                    )
            })
        });
        if all_type_errors || context.is_empty() {
            let mut types: Vec<String> = Vec::new();
            for e in context.iter().flatten() {
                if let ValidationErrorKind::Type {
                    kind: TypeKind::Single(t),
                } = e.kind()
                {
                    let a = article(t.as_str());
                    if !types.contains(&a) {
                        types.push(a);
                    }
                }
            }
            let expected = if types.is_empty() {
                "one of the allowed forms".into()
            } else {
                types.join(" or ")
            };
            out.push(Diagnostic::error(
                Code::WrongType,
                node.span,
                format!(
                    "{} must be {expected}, not {}",
                    self.what(ptr),
                    article(node.type_name())
                ),
            ));
            return;
        }
        // Deepest error path wins: it is the most specific explanation.
        let best = context.iter().filter(|b| !b.is_empty()).max_by_key(|b| {
            let depth = b
                .iter()
                .map(|e| e.instance_path().as_str().matches('/').count())
                .max()
                .unwrap_or(0);
            (depth, usize::MAX - b.len())
        });
        if let Some(branch) = best {
            for e in branch {
                self.map(e, out);
            }
        }
    }
}

fn is_secret_position(section: Section, ptr: &str) -> bool {
    ptr.ends_with("/password")
        || ptr.ends_with("/secret")
        || (section == Section::Alerter && ptr.starts_with("/options/"))
}

fn article(t: &str) -> String {
    match t {
        "integer" => "an integer".into(),
        "object" | "mapping" => "a mapping".into(),
        "array" | "list" => "a list".into(),
        "null" => "empty".into(),
        other => format!("a {other}"),
    }
}

fn shown_value(node: &Node) -> String {
    match node.to_json() {
        // Escaped: a value holding ESC or a newline must not reach the terminal raw.
        Json::String(s) => format!("`{}`", crate::model::types::shown(&s)),
        other => {
            let s = other.to_string();
            if s.len() > 40 {
                format!("this {}", node.type_name())
            } else {
                format!("`{s}`")
            }
        }
    }
}

fn range_message(kind: &ValidationErrorKind, node: &Node) -> String {
    use ValidationErrorKind as K;
    let v = shown_value(node);
    match kind {
        K::Minimum { limit } => format!("{v} is below the minimum of {limit}"),
        K::Maximum { limit } => format!("{v} is above the maximum of {limit}"),
        K::ExclusiveMinimum { limit } => format!("{v} must be greater than {limit}"),
        K::ExclusiveMaximum { limit } => format!("{v} must be less than {limit}"),
        K::MinLength { limit } if *limit == 1 => "must not be empty".into(),
        K::MinLength { limit } => format!("must be at least {limit} characters long"),
        K::MaxLength { limit } => format!("must be at most {limit} characters long"),
        K::MinItems { limit } if *limit == 1 => "the list must not be empty".into(),
        K::MinItems { limit } => format!("the list needs at least {limit} items"),
        K::MaxItems { limit } => format!("the list may have at most {limit} items"),
        K::MinProperties { limit } if *limit == 1 => "must define at least one entry".into(),
        K::MinProperties { limit } => format!("needs at least {limit} entries"),
        K::MaxProperties { limit } => format!("may have at most {limit} entries"),
        _ => String::new(),
    }
}

fn type_hint(field: &str, node: &Node, expected: &str) -> Option<String> {
    if node.yaml11_bool && expected.contains("boolean") {
        let word = node.as_str().unwrap_or_default();
        let truth = matches!(word.to_ascii_lowercase().as_str(), "y" | "yes" | "on");
        return Some(format!(
            "`{word}` is a boolean only in YAML 1.1 (which 9volt used); write `{truth}`"
        ));
    }
    if crate::model::duration::FIELDS.contains(&field)
        && matches!(
            node.value,
            crate::syntax::Value::Int(_) | crate::syntax::Value::Float(_)
        )
    {
        let n = node.to_json();
        return Some(format!(
            "9volt reads a bare number as nanoseconds, so {n} means {n}ns; write a unit, e.g. \"{n}s\""
        ));
    }
    if expected == "a string"
        && matches!(
            node.value,
            crate::syntax::Value::Bool(_)
                | crate::syntax::Value::Int(_)
                | crate::syntax::Value::Float(_)
        )
    {
        return Some(format!("quote it: \"{}\"", node.to_json()));
    }
    if expected == "an integer" && node.as_str().is_some_and(|s| s.parse::<i64>().is_ok()) {
        return Some("remove the quotes: 9volt rejects a number written as a string".into());
    }
    None
}

fn required_hint(section: Section, prop: &str, node: &Node) -> Option<String> {
    let ty = node.get("type").and_then(Node::as_str).unwrap_or("");
    Some(match (section, prop) {
        (Section::Monitor, "status-code") => "9volt has no default: without it every http check fails against status 0; add `status-code: 200`".into(),
        (Section::Monitor, "dns-record-type") => "9volt rejects an empty record type; add e.g. `dns-record-type: A`".into(),
        (Section::Monitor, "interval") => "add e.g. `interval: 30s`".into(),
        (Section::Monitor, "port") if ty == "tcp" => "a tcp check needs the port to connect to".into(),
        (Section::Monitor, "host") => format!("a {ty} check needs the host to check"),
        (Section::Monitor, "command") => "an exec check needs the program to run".into(),
        (Section::Alerter, "options") => format!("a {ty} alerter needs options; see `mon schema alerter`"),
        (Section::Alerter, "address") => "the email alerter needs the SMTP server as host:port".into(),
        _ => return None,
    })
}

/// The keys the schema allows for the object at `ptr`, for "did you mean".
/// Follows properties, additionalProperties, $ref and the branches of
/// allOf/anyOf/oneOf/then, which is all our schemas use.
fn allowed_keys(schema: &Json, common: &Json, ptr: &str) -> Vec<String> {
    let mut current = vec![schema];
    for raw in ptr.split('/').skip(1) {
        let seg = raw.replace("~1", "/").replace("~0", "~");
        let mut next = Vec::new();
        for s in expand(schema, common, &current) {
            if let Some(p) = s.get("properties").and_then(|p| p.get(&seg)) {
                next.push(p);
            } else if let Some(ap) = s.get("additionalProperties").filter(|a| a.is_object()) {
                next.push(ap);
            } else if let Some(items) = s.get("items").filter(|a| a.is_object()) {
                next.push(items);
            }
        }
        current = next;
    }
    let mut keys: Vec<String> = Vec::new();
    for s in expand(schema, common, &current) {
        if let Some(props) = s.get("properties").and_then(Json::as_object) {
            for k in props.keys() {
                if !keys.contains(k) {
                    keys.push(k.clone());
                }
            }
        }
    }
    keys
}

/// A schema and everything it pulls in through $ref and combinators.
fn expand<'a>(schema: &'a Json, common: &'a Json, start: &[&'a Json]) -> Vec<&'a Json> {
    let mut out = Vec::new();
    let mut todo: Vec<&Json> = start.to_vec();
    while let Some(s) = todo.pop() {
        if out.len() > 64 {
            break;
        }
        if let Some(r) = s.get("$ref").and_then(Json::as_str) {
            let (doc, frag) = match r.split_once('#') {
                Some(("", f)) => (schema, f),
                Some(("common.schema.json", f)) => (common, f),
                _ => (schema, ""),
            };
            if let Some(t) = doc.pointer(frag) {
                todo.push(t);
            }
        }
        for k in ["allOf", "anyOf", "oneOf"] {
            if let Some(list) = s.get(k).and_then(Json::as_array) {
                todo.extend(list.iter());
            }
        }
        if let Some(t) = s.get("then") {
            todo.push(t);
        }
        out.push(s);
    }
    out
}
