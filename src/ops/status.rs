//! `mon status`: what 9volt runs against what the definitions say, read from
//! etcd alone. The definitions give the monitors; `<prefix>/monitor/` what
//! 9volt was told; `<prefix>/cluster/` its living members and the check
//! references its director wrote (reference 9volt.md §5, §6). No 9volt
//! address and no secret is needed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use crate::etcd::Entry;
use crate::ninevolt::{member_tag, Cluster};
use crate::ops::plan::{dir, equivalent, OWNER_FIELD};
use crate::section::Section;

pub use crate::ninevolt::status::{Check, State, Status, Why};

/// Compares the definitions' monitors (name -> JSON as written) with the
/// monitor listing and 9volt's cluster state.
pub fn compare(
    prefix: &str,
    defined: &BTreeMap<String, Value>,
    listed: &[Entry],
    cluster: Cluster,
) -> Status {
    let monitor_dir = dir(prefix, Section::Monitor);
    let in_etcd: BTreeMap<&str, Option<Value>> = listed
        .iter()
        .map(|e| {
            let mut v: Option<Value> = serde_json::from_str(&e.value).ok();
            if let Some(Value::Object(o)) = v.as_mut() {
                o.remove(OWNER_FIELD);
            }
            (e.key.as_str(), v)
        })
        .collect();
    let assigned = cluster.assignments();
    let mut checks = Vec::new();
    for (name, want) in defined {
        let key = format!("{monitor_dir}{name}");
        let members: Vec<String> = assigned
            .get(key.as_str())
            .map(|m| m.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default();
        let state = match in_etcd.get(key.as_str()) {
            None => State::NotInEtcd,
            Some(have)
                if !have
                    .as_ref()
                    .is_some_and(|h| equivalent(want, h, Section::Monitor)) =>
            {
                State::Differs
            }
            Some(_) if members.len() > 1 => State::Duplicate,
            Some(_) if members.is_empty() => {
                let tag = member_tag(want);
                State::Unassigned(if !cluster.live() {
                    Why::NoLivingMember
                } else if !cluster.takes(tag) {
                    Why::NoMemberWithTag(tag.to_string())
                } else {
                    Why::NotYet
                })
            }
            Some(_) if want.get("disable") == Some(&Value::Bool(true)) => State::Disabled,
            Some(_) => State::Running,
        };
        checks.push(Check {
            name: name.clone(),
            key,
            state,
            members,
        });
    }
    let keys: BTreeSet<&str> = listed.iter().map(|e| e.key.as_str()).collect();
    let stale = assigned
        .iter()
        .filter(|(check, _)| !keys.contains(*check))
        .flat_map(|(check, ms)| ms.iter().map(|m| (check.to_string(), m.to_string())))
        .collect();
    let undefined = listed
        .iter()
        .filter_map(|e| e.key.strip_prefix(&monitor_dir))
        .filter(|name| !defined.contains_key(*name))
        .map(str::to_string)
        .collect();
    Status {
        prefix: prefix.to_string(),
        cluster,
        checks,
        stale,
        undefined,
    }
}

#[cfg(feature = "net")]
pub enum Error {
    Path(crate::source::PathError),
    Invalid(Box<crate::ops::validate::Loaded>),
    NoDefinitions,
    Etcd(crate::etcd::Error),
    /// etcd v3: 9volt never reads it.
    NotV2,
}

#[cfg(feature = "net")]
impl Error {
    /// Says why nothing could be compared; returns the exit code that means.
    pub fn report(self, color: bool, err: &mut dyn std::io::Write) -> crate::exit::Exit {
        use crate::exit::Exit;
        let (m, code) = match self {
            Error::Path(e) => (format!("{}: {}", e.path.display(), e.message), Exit::Io),
            Error::Invalid(loaded) => {
                return crate::report::refuse(&loaded, color, "cannot compare", "read from etcd", err)
            }
            Error::NoDefinitions => ("no definitions in the paths (looked for *.yaml, *.yml and *.toml files)\nhint: run mon in the definitions directory or name it".to_string(), Exit::Refused),
            Error::Etcd(e) => (format!("{e}\nhint: {}", crate::report::sync::etcd_hint(&e)), Exit::Unreachable),
            Error::NotV2 => ("9volt keeps its state only in etcd's v2 keyspace; drop --etcd-api v3 (or MON_ETCD_API)".to_string(), Exit::Usage),
        };
        let _ = writeln!(err, "error: {m}");
        code
    }
}

#[cfg(feature = "net")]
/// Loads the definitions, reads etcd and compares.
pub async fn status(
    scope: &crate::ops::validate::Scope,
    etcd: &crate::etcd::Options,
    prefix: &str,
) -> Result<Status, Error> {
    if etcd.api != crate::etcd::Api::V2 {
        return Err(Error::NotV2);
    }
    let loaded = crate::ops::validate::load(scope).map_err(Error::Path)?;
    if loaded.errors() > 0 {
        return Err(Error::Invalid(Box::new(loaded)));
    }
    if loaded.catalog.is_empty() {
        return Err(Error::NoDefinitions);
    }
    let defined: BTreeMap<String, Value> = loaded
        .model
        .monitors
        .iter()
        .map(|(name, m)| (name.clone(), m.json()))
        .collect();
    let mut store = crate::etcd::Store::connect(etcd)
        .await
        .map_err(Error::Etcd)?;
    let listed = store
        .list(&dir(prefix, Section::Monitor))
        .await
        .map_err(Error::Etcd)?;
    let cluster = crate::ninevolt::pace::cluster(&store, prefix)
        .await
        .ok_or(Error::NotV2)?
        .map_err(Error::Etcd)?;
    Ok(compare(prefix, &defined, &listed, cluster))
}
