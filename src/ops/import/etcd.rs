//! Monitors and alerters from 9volt's etcd keys into definition files: one
//! file per monitor type and one for alerters. Values are carried over as
//! they are (so `mon diff` finds them unchanged), except what definitions
//! hold differently: integer-nanosecond durations (9volt's API writes them)
//! become Go duration strings, alerter credentials become `{env: NAME}`
//! references, and mon's ownership mark moves to `mon.toml`.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::def::{self, Alerter, Document, Monitor};
use super::{secret_var, yaml, File, Import, Note, Secret};
use crate::etcd::Entry;
use crate::model::duration;
use crate::ops::plan::{OWNER_FIELD, SECRET_OPTIONS};

/// Where the keys were read, for the files' header and `mon.toml`.
pub struct Origin<'a> {
    /// `http://127.0.0.1:2379 (etcd v2)`.
    pub describe: String,
    pub prefix: &'a str,
    /// "v2" or "v3".
    pub api: &'a str,
    /// The owner unmarked keys are adopted for: the output's repository.
    pub adopt_as: Option<String>,
}

/// A Go duration string for `ns` nanoseconds, as short as Go reads it back:
/// `1h30m`, `45s`, `1s500ms`, `0s`.
pub fn go_duration(ns: i64) -> String {
    if ns == 0 {
        return "0s".into();
    }
    let mut out = String::new();
    if ns < 0 {
        out.push('-');
    }
    let mut rest = ns.unsigned_abs();
    for (unit, size) in [
        ("h", 3_600_000_000_000u64),
        ("m", 60_000_000_000),
        ("s", 1_000_000_000),
        ("ms", 1_000_000),
        ("us", 1_000),
        ("ns", 1),
    ] {
        if rest >= size {
            out.push_str(&format!("{}{unit}", rest / size));
            rest %= size;
        }
    }
    out
}

/// The definitions for the keys of `monitors` and `alerters` (a listing of
/// `/<prefix>/monitor/` and `/<prefix>/alerter/`).
pub fn import(monitors: &[Entry], alerters: &[Entry], origin: &Origin) -> Import {
    let mut imp = Import::default();
    let mut owners: BTreeMap<String, usize> = BTreeMap::new();
    let mut unowned = 0;
    let mut by_type: BTreeMap<String, def::Map<Monitor>> = BTreeMap::new();
    for (e, fields) in read(monitors, &mut imp.notes) {
        let (name, mut fields) = (name_of(&e.key), fields);
        match take_owner(&mut fields) {
            Some(o) => *owners.entry(o).or_default() += 1,
            None => unowned += 1,
        }
        for f in duration::FIELDS {
            if let Some(ns) = fields.get(*f).and_then(Value::as_i64) {
                fields.insert(f.to_string(), Value::String(go_duration(ns)));
            }
        }
        let ty = match fields.get("type").and_then(Value::as_str) {
            Some(t)
                if !t.is_empty()
                    && t.len() <= 32
                    && t.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') =>
            {
                t.to_ascii_lowercase()
            }
            _ => "other".into(),
        };
        // A null is unset to 9volt (Go leaves the field at zero); as a
        // field it would be dropped below, so it is said.
        fields.retain(|k, v| {
            if v.is_null() {
                imp.notes.push(Note {
                    source: format!("{}/{k}", e.key),
                    message: "null, which 9volt reads as unset; left out".into(),
                    left_out: true,
                });
            }
            !v.is_null()
        });
        // Every value is JSON already: only the field names are sorted out.
        let monitor = serde_json::from_value(Value::Object(fields))
            .expect("a monitor's fields are each any JSON value");
        by_type.entry(ty).or_default().insert(name, monitor);
    }
    let mut taken = super::Taken::default();
    let mut alerter_defs = def::Map::default();
    for (e, mut fields) in read(alerters, &mut imp.notes) {
        let name = name_of(&e.key);
        match take_owner(&mut fields) {
            Some(o) => *owners.entry(o).or_default() += 1,
            None => unowned += 1,
        }
        let options = match fields.remove("options") {
            Some(Value::Object(options)) => Some(options_as_data(
                &e.key, &name, options, &mut taken, &mut imp,
            )),
            // Not 9volt's shape: kept as it is, for `mon validate` to name.
            Some(other) => {
                fields.insert("options".into(), other);
                None
            }
            None => None,
        };
        let alerter = Alerter {
            kind: fields.remove("type"),
            description: fields.remove("description"),
            options,
            other: fields,
        };
        alerter_defs.insert(name, alerter);
    }
    let header = |what: &str| {
        format!(
            "Imported by `mon import etcd` from {}: {what}\nunder /{}/.",
            origin.describe, origin.prefix
        )
    };
    for (ty, defs) in by_type {
        imp.counts
            .entry("monitors")
            .and_modify(|n| *n += defs.len())
            .or_insert(defs.len());
        imp.files.push(File {
            path: format!("monitors-{ty}.yaml").into(),
            content: yaml::document(
                &header(&format!("the {ty} monitors")),
                &Document {
                    monitor: Some(defs),
                    ..Document::default()
                },
            ),
            mode: 0o644,
        });
    }
    if !alerter_defs.is_empty() {
        imp.counts.insert("alerters", alerter_defs.len());
        let mut h = header("the alerters");
        if !imp.secrets.is_empty() {
            h.push_str(
                "\nCredentials are {env: NAME} references; their values are in secrets.env.",
            );
        }
        imp.files.push(File {
            path: "alerters.yaml".into(),
            content: yaml::document(
                &h,
                &Document {
                    alerter: Some(alerter_defs),
                    ..Document::default()
                },
            ),
            mode: 0o644,
        });
    }
    if let Some(f) = settings(origin, &owners, unowned, &mut imp.notes) {
        imp.files.push(f);
    }
    imp
}

/// An alerter's options as 9volt holds them (strings: reference 9volt.md
/// §alerters), read as data. A credential goes to secrets.env, whatever its
/// JSON type. Anything else that is not a string is something 9volt cannot
/// load: a number or boolean becomes its string, and an object or list is
/// left out, so that `{"env": "X"}` planted in etcd never becomes a live
/// secret reference that the next sync resolves from the operator's
/// environment. Notes never quote a value.
fn options_as_data(
    key: &str,
    name: &str,
    options: Map<String, Value>,
    taken: &mut super::Taken,
    imp: &mut Import,
) -> def::Map<def::Secret> {
    let mut out = def::Map::default();
    for (opt, value) in options {
        let source = format!("{key}/options/{opt}");
        let text = match &value {
            Value::String(v) => Some(v.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        let Some(text) = text else {
            imp.notes.push(Note {
                source,
                message: "an object, list or null where 9volt holds a string (it cannot load this alerter); left out, and never read as a secret reference".into(),
                left_out: true,
            });
            continue;
        };
        if !value.is_string() {
            imp.notes.push(Note {
                source: source.clone(),
                message: "not a string, which 9volt cannot load; written as its text".into(),
                left_out: false,
            });
        }
        if SECRET_OPTIONS.contains(&opt.as_str()) {
            let var = secret_var(&["alerter", name, &opt], taken);
            imp.secrets.push(Secret {
                var: var.clone(),
                value: text,
                source,
            });
            out.insert(opt, def::Secret::env(var));
        } else {
            out.insert(opt, def::Secret::Literal(text));
        }
    }
    out
}

fn name_of(key: &str) -> String {
    key.rsplit('/').next().unwrap_or_default().to_string()
}

/// The entries whose value is a JSON object; the others are noted and left
/// out (9volt cannot read them either).
fn read<'e>(entries: &'e [Entry], notes: &mut Vec<Note>) -> Vec<(&'e Entry, Map<String, Value>)> {
    let mut out = Vec::new();
    for e in entries {
        if !e.exact {
            notes.push(Note {
                source: e.key.clone(),
                message: "the key is not UTF-8; left out".into(),
                left_out: true,
            });
            continue;
        }
        match serde_json::from_str::<Value>(&e.value) {
            Ok(Value::Object(fields)) => out.push((e, fields)),
            Ok(_) => notes.push(Note {
                source: e.key.clone(),
                message: "the value is JSON but not an object, which 9volt cannot load; left out".into(),
                left_out: true,
            }),
            Err(err) => notes.push(Note {
                source: e.key.clone(),
                message: format!(
                    "the value is not JSON ({err}); 9volt cannot load it and it stops the director's redistribution; left out"
                ),
                left_out: true,
            }),
        }
    }
    out.sort_by(|a, b| a.0.key.cmp(&b.0.key));
    out
}

fn take_owner(fields: &mut Map<String, Value>) -> Option<String> {
    match fields.remove(OWNER_FIELD) {
        Some(Value::String(o)) => Some(o),
        Some(other) => {
            // Not a mark mon wrote: keep it as the user's field.
            fields.insert(OWNER_FIELD.into(), other);
            None
        }
        None => None,
    }
}

/// What `mon.toml` records for an import, serialised by `toml`: the keys
/// came from etcd and are data, whatever they hold.
#[derive(serde::Serialize, Default)]
struct Recorded {
    #[serde(skip_serializing_if = "Option::is_none")]
    owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    etcd: Option<RecordedEtcd>,
}

#[derive(serde::Serialize, Default)]
struct RecordedEtcd {
    #[serde(skip_serializing_if = "Option::is_none")]
    api: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,
}

/// `mon.toml` when the keys need settings to be found again: a prefix or
/// API other than the defaults, and the owner they are adopted for (the
/// mark they carry, or for unmarked keys the owner of where they land).
fn settings(
    origin: &Origin,
    owners: &BTreeMap<String, usize>,
    unowned: usize,
    notes: &mut Vec<Note>,
) -> Option<File> {
    let mut note = |message: String| {
        notes.push(Note {
            source: format!("/{}/", origin.prefix),
            message,
            left_out: false,
        })
    };
    let mut rec = Recorded::default();
    match (owners.len(), &origin.adopt_as) {
        (0, Some(o)) => {
            rec.owner = Some(o.clone());
            note(format!("the keys carry no ownership mark; mon.toml records owner `{o}` (the output's repository), and the first `mon sync` adds that mark to them (a rewrite, which restarts those checks)"));
        }
        (0, None) => note("the keys carry no ownership mark, and the output directory is in no git repository with a remote: set `owner = \"NAME\"` in mon.toml before the first `mon sync`".into()),
        (1, _) => {
            let (o, _) = owners.iter().next().expect("one owner");
            rec.owner = Some(o.clone());
            if unowned > 0 {
                note(format!("{unowned} keys carry no ownership mark; `mon sync` adds owner `{o}`'s mark to them (a rewrite, which restarts those checks)"));
            }
        }
        _ => note(format!(
            "the keys carry the marks of several owners ({}); no owner is set in mon.toml, so `mon sync` would refuse the others' keys: split the definitions by owner, or sync with --take-over",
            owners.iter().map(|(o, n)| format!("{o}: {n}")).collect::<Vec<_>>().join(", ")
        )),
    }
    if origin.prefix != "9volt" || origin.api != "v2" {
        rec.etcd = Some(RecordedEtcd {
            api: (origin.api != "v2").then(|| origin.api.to_string()),
            prefix: (origin.prefix != "9volt").then(|| origin.prefix.to_string()),
        });
    }
    if rec.owner.is_none() && rec.etcd.is_none() {
        return None;
    }
    let body = toml::to_string(&rec).expect("plain strings serialise");
    Some(File {
        path: "mon.toml".into(),
        content: format!("# Written by `mon import etcd`: what `mon diff` and `mon sync` need to find these keys again.\n{body}"),
        mode: 0o644,
    })
}

#[cfg(feature = "net")]
/// Why `import etcd` imported nothing.
pub enum FromStoreError {
    Etcd(crate::etcd::Error),
    /// Nothing under the prefix: where mon looked, and what etcd holds.
    Empty(String),
}

#[cfg(feature = "net")]
impl From<crate::etcd::Error> for FromStoreError {
    fn from(e: crate::etcd::Error) -> Self {
        FromStoreError::Etcd(e)
    }
}

#[cfg(feature = "net")]
/// Reads both directories and imports them. A prefix with neither is an
/// error that names it and lists what the keyspace holds instead: an empty
/// import is almost always the wrong prefix or API.
pub async fn from_store(
    store: &mut crate::etcd::Store,
    origin: &Origin<'_>,
) -> Result<Import, FromStoreError> {
    use crate::ops::plan::dir;
    use crate::section::Section;
    let (m, a) = (
        dir(origin.prefix, Section::Monitor),
        dir(origin.prefix, Section::Alerter),
    );
    let monitors = store.list(&m).await?;
    let alerters = store.list(&a).await?;
    if monitors.is_empty() && alerters.is_empty() {
        let there = store.top_level().await?;
        let holds = if there.is_empty() {
            format!(
                "etcd holds no keys at all through {} (etcd's v2 and v3 keyspaces are separate: try the other --etcd-api)",
                origin.api
            )
        } else {
            let shown: Vec<String> = there
                .iter()
                .take(20)
                .map(|t| crate::report::shown(t).into_owned())
                .collect();
            format!(
                "etcd holds {}{} there; give the right one with --prefix (or [etcd] prefix in mon.toml)",
                shown.join(", "),
                if there.len() > 20 { ", ..." } else { "" }
            )
        };
        return Err(FromStoreError::Empty(format!(
            "nothing to import: no key under {m} or {a} at {}; {holds}",
            origin.describe
        )));
    }
    Ok(import(&monitors, &alerters, origin))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_back_as_the_same_nanoseconds() {
        for ns in [
            0i64,
            1,
            999,
            1_000,
            500_000_000,
            1_500_000_000,
            60_000_000_000,
            5_400_000_000_000,
            90_061_001_001_001,
            -5_000_000_000,
            i64::MAX,
        ] {
            let s = go_duration(ns);
            assert_eq!(duration::parse(&s), Ok(ns as i128), "{ns} as {s}");
        }
        assert_eq!(go_duration(5_400_000_000_000), "1h30m");
        assert_eq!(go_duration(1_500_000_000), "1s500ms");
    }

    /// Fields come out in the format's order whatever etcd's order, one
    /// the format lacks is kept for `mon validate` to name, and a null
    /// (unset to 9volt) is said, not silently dropped.
    #[test]
    fn a_monitor_is_written_in_the_formats_order_and_nothing_is_lost_unsaid() {
        let entry = Entry {
            key: "/9volt/monitor/web".into(),
            value: r#"{"port": 80, "zzz": 1, "description": null, "host": "w", "type": "tcp", "interval": 30000000000}"#.into(),
            version: 1,
            exact: true,
        };
        let origin = Origin {
            describe: "test".into(),
            prefix: "9volt",
            api: "v3",
            adopt_as: None,
        };
        let imp = import(&[entry], &[], &origin);
        let text = &imp.files[0].content;
        let body: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert_eq!(
            body,
            [
                "monitor:",
                "  web:",
                "    type: tcp",
                "    host: w",
                "    interval: 30s",
                "    port: 80",
                "    zzz: 1"
            ],
            "{text}"
        );
        assert!(imp
            .notes
            .iter()
            .any(|n| n.source == "/9volt/monitor/web/description" && n.left_out));
    }
}
