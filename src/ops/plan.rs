//! The plan between the definitions and etcd: per key, add, change, delete or
//! unchanged. Comparison is semantic, as 9volt cfg's reflect.DeepEqual on
//! decoded JSON, and also takes integer-nanosecond durations (what 9volt's
//! own API writes) as equal to the same duration written as a string.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::catalog::{Catalog, Section};
use crate::check::duration;
use crate::etcd::Entry;
use crate::secret;
use crate::source::SourceMap;

/// The sections that live in etcd, and their directory names there.
pub const SYNCED: [Section; 2] = [Section::Alerter, Section::Monitor];

/// Alerter options that hold credentials even when written literally.
const SECRET_OPTIONS: &[&str] = &["token", "password"];

pub fn dir(prefix: &str, section: Section) -> String {
    format!("/{prefix}/{}/", section.key())
}

/// One definition as it should be in etcd.
pub struct Desired {
    pub section: Section,
    pub name: String,
    pub value: Value,
    /// JSON pointers of values that are secrets (never printed).
    pub secrets: Vec<String>,
}

/// Builds what etcd should hold, resolving secret references. Errors name the
/// definition and the secret that could not be resolved.
pub fn desired(catalog: &Catalog, sources: &SourceMap) -> Result<Vec<Desired>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for section in SYNCED {
        for def in catalog.section(section) {
            let mut value = def.node.to_json();
            let mut secrets = Vec::new();
            if section == Section::Alerter {
                let base = sources
                    .get(def.name_span.file)
                    .path
                    .parent()
                    .map(|p| p.to_path_buf())
                    .unwrap_or_default();
                if let Some(options) = value.get_mut("options").and_then(Value::as_object_mut) {
                    for (k, v) in options.iter_mut() {
                        let is_ref = secret::reference(v).is_some();
                        if is_ref || SECRET_OPTIONS.contains(&k.as_str()) {
                            secrets.push(format!("/options/{k}"));
                        }
                        if is_ref {
                            match secret::resolve(v, &base) {
                                Ok(s) => *v = Value::String(s),
                                Err(e) => {
                                    errors.push(format!("alerter `{}` option `{k}`: {e}", def.name))
                                }
                            }
                        }
                    }
                }
            }
            out.push(Desired {
                section,
                name: def.name.clone(),
                value,
                secrets,
            });
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Add,
    Change,
    Delete,
    Unchanged,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Change => "change",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
        }
    }
}

pub struct Change {
    pub section: Section,
    pub name: String,
    pub key: String,
    pub action: Action,
    /// What etcd holds, decoded; `before_raw` keeps it when it is not JSON.
    pub before: Option<Value>,
    pub before_raw: Option<String>,
    pub after: Option<Value>,
    /// The version read, which guards the write.
    pub version: Option<i64>,
    pub secrets: Vec<String>,
}

impl Change {
    /// The compact JSON with sorted keys that goes into etcd.
    pub fn value_to_write(&self) -> Option<String> {
        self.after
            .as_ref()
            .map(|v| serde_json::to_string(v).expect("JSON values serialize"))
    }
}

pub struct Plan {
    pub prefix: String,
    pub changes: Vec<Change>,
}

impl Plan {
    pub fn count(&self, a: Action) -> usize {
        self.changes.iter().filter(|c| c.action == a).count()
    }
    pub fn pending(&self) -> usize {
        self.changes
            .iter()
            .filter(|c| c.action != Action::Unchanged)
            .count()
    }
    pub fn summary(&self) -> String {
        format!(
            "{} to add, {} to change, {} to delete, {} unchanged",
            self.count(Action::Add),
            self.count(Action::Change),
            self.count(Action::Delete),
            self.count(Action::Unchanged)
        )
    }
}

pub struct PlanOptions {
    /// Keep keys that exist only in etcd (9volt cfg's --nosync).
    pub keep_remote_only: bool,
    /// Rewrite values that are already equal (9volt cfg's --replace).
    pub replace: bool,
}

/// `remote` holds the listing of each synced directory.
pub fn plan(
    prefix: &str,
    desired: Vec<Desired>,
    remote: &BTreeMap<Section, Vec<Entry>>,
    opts: &PlanOptions,
) -> Plan {
    let mut changes = Vec::new();
    let mut by_key: BTreeMap<String, &Entry> = BTreeMap::new();
    for entries in remote.values() {
        for e in entries {
            by_key.insert(e.key.clone(), e);
        }
    }
    for d in desired {
        let key = format!("{}{}", dir(prefix, d.section), d.name);
        let (action, before, before_raw, version) = match by_key.remove(&key) {
            None => (Action::Add, None, None, None),
            Some(e) => match serde_json::from_str::<Value>(&e.value) {
                Ok(v) => {
                    let same = equivalent(&v, &d.value, d.section);
                    let action = if same && !opts.replace {
                        Action::Unchanged
                    } else {
                        Action::Change
                    };
                    (action, Some(v), None, Some(e.version))
                }
                // Not JSON: 9volt cannot read it, so it is always rewritten.
                Err(_) => (Action::Change, None, Some(e.value.clone()), Some(e.version)),
            },
        };
        changes.push(Change {
            section: d.section,
            name: d.name,
            key,
            action,
            before,
            before_raw,
            after: Some(d.value),
            version,
            secrets: d.secrets,
        });
    }
    for (key, e) in by_key {
        let section = SYNCED
            .into_iter()
            .find(|s| key.starts_with(&dir(prefix, *s)))
            .unwrap_or(Section::Monitor);
        let name = key.rsplit('/').next().unwrap_or_default().to_string();
        let before = serde_json::from_str::<Value>(&e.value).ok();
        let secrets = if section == Section::Alerter {
            SECRET_OPTIONS
                .iter()
                .map(|o| format!("/options/{o}"))
                .collect()
        } else {
            Vec::new()
        };
        changes.push(Change {
            section,
            name,
            key,
            action: if opts.keep_remote_only {
                Action::Unchanged
            } else {
                Action::Delete
            },
            before_raw: if before.is_none() {
                Some(e.value.clone())
            } else {
                None
            },
            before,
            after: None,
            version: Some(e.version),
            secrets,
        });
    }
    changes.sort_by(|a, b| (a.section, &a.name).cmp(&(b.section, &b.name)));
    Plan {
        prefix: prefix.to_string(),
        changes,
    }
}

/// Whether 9volt would see the two values as the same: numbers compared as
/// float64 (Go decodes JSON numbers so), monitor durations by their length,
/// whether written as a string or as integer nanoseconds.
pub fn equivalent(a: &Value, b: &Value, section: Section) -> bool {
    fn num(v: &Value) -> Option<f64> {
        v.as_f64()
    }
    fn same(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => num(a) == num(b) || x == y,
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same(p, q))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
            }
            _ => a == b,
        }
    }
    fn duration_ns(v: &Value) -> Option<f64> {
        match v {
            Value::String(s) => duration::parse(s).ok().map(|ns| ns as f64),
            other => num(other),
        }
    }
    match (section, a, b) {
        (Section::Monitor, Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter().all(|(k, v)| {
                    y.get(k).is_some_and(|w| {
                        if duration::FIELDS.contains(&k.as_str()) {
                            v == w || (duration_ns(v).is_some() && duration_ns(v) == duration_ns(w))
                        } else {
                            same(v, w)
                        }
                    })
                })
        }
        _ => same(a, b),
    }
}

/// A copy with secrets replaced, for showing. `other` is the value on the
/// other side of the diff, so a changed secret can say so.
pub fn masked(v: &Value, secrets: &[String], other: Option<&Value>) -> Value {
    let mut v = v.clone();
    for ptr in secrets {
        let theirs = other.and_then(|o| o.pointer(ptr));
        if let Some(slot) = v.pointer_mut(ptr) {
            let changed = theirs.is_some_and(|t| t != slot);
            *slot = Value::String(if changed {
                "(secret, changed)".into()
            } else {
                "(secret)".into()
            });
        }
    }
    v
}

/// Everything before the plan is shown: load and check the definitions,
/// resolve secrets, read etcd.
pub struct Prepared {
    pub store: crate::etcd::Store,
    pub plan: Plan,
}

pub enum PrepareError {
    Path(crate::source::PathError),
    Invalid(Box<crate::ops::validate::Loaded>),
    Secrets(Vec<String>),
    Etcd(crate::etcd::Error),
}

pub async fn prepare(
    paths: &[std::path::PathBuf],
    etcd: &crate::etcd::Options,
    prefix: &str,
    opts: &PlanOptions,
) -> Result<Prepared, PrepareError> {
    let loaded = crate::ops::validate::load(paths).map_err(PrepareError::Path)?;
    if loaded.errors() > 0 {
        return Err(PrepareError::Invalid(Box::new(loaded)));
    }
    let desired = desired(&loaded.catalog, &loaded.sources).map_err(PrepareError::Secrets)?;
    let mut store = crate::etcd::Store::connect(etcd)
        .await
        .map_err(PrepareError::Etcd)?;
    let mut remote = BTreeMap::new();
    for section in SYNCED {
        let entries = store
            .list(&dir(prefix, section))
            .await
            .map_err(PrepareError::Etcd)?;
        remote.insert(section, entries);
    }
    let plan = plan(prefix, desired, &remote, opts);
    Ok(Prepared { store, plan })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn equivalence_is_9volts() {
        let cases = [
            // What 9volt's own API writes equals the string form.
            (
                json!({"type": "http", "interval": 60_000_000_000u64, "status-code": 200}),
                json!({"type": "http", "interval": "1m", "status-code": 200.0}),
                true,
            ),
            (json!({"interval": "60s"}), json!({"interval": "1m"}), true),
            (json!({"interval": "30s"}), json!({"interval": "1m"}), false),
            (json!({"interval": "x"}), json!({"interval": "y"}), false),
            (json!({"tags": [1, 2]}), json!({"tags": [1.0, 2.0]}), true),
            (json!({"a": 1}), json!({"a": 1, "b": 2}), false),
            (json!({"a": {"b": "c"}}), json!({"a": {"b": "d"}}), false),
        ];
        for (a, b, eq) in cases {
            assert_eq!(equivalent(&a, &b, Section::Monitor), eq, "{a} vs {b}");
            assert_eq!(equivalent(&b, &a, Section::Monitor), eq, "{b} vs {a}");
        }
    }

    #[test]
    fn secrets_are_masked_and_changes_shown() {
        let before = json!({"options": {"token": "old", "channel": "#ops"}});
        let after = json!({"options": {"token": "new", "channel": "#ops"}});
        let secrets = vec!["/options/token".to_string()];
        assert_eq!(
            masked(&before, &secrets, Some(&after))["options"]["token"],
            "(secret, changed)"
        );
        assert_eq!(
            masked(&after, &secrets, Some(&after))["options"]["token"],
            "(secret)"
        );
        assert!(!masked(&after, &secrets, None).to_string().contains("new"));
    }
}
