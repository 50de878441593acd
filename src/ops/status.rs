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

/// Where one defined monitor stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// In etcd as defined, referenced on one living member that takes it.
    Running,
    /// As defined and assigned, with `disable: true`: 9volt's manager does
    /// not start it.
    Disabled,
    /// Not in etcd: a sync would add it.
    NotInEtcd,
    /// etcd holds another value: a sync would change it.
    Differs,
    /// In etcd, but no living member references it.
    Unassigned(Why),
    /// Referenced on more than one member: it runs twice.
    Duplicate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    NoLivingMember,
    /// The check's member-tag, which no living member has.
    NoMemberWithTag(String),
    /// A living member takes it, but the director has not assigned it
    /// (yet: it is behind, or it ignored a guarded write).
    NotYet,
}

impl State {
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Running => "running",
            State::Disabled => "disabled",
            State::NotInEtcd => "not-in-etcd",
            State::Differs => "differs",
            State::Unassigned(_) => "unassigned",
            State::Duplicate => "duplicate",
        }
    }

    /// Whether this is what the definitions say.
    pub fn as_defined(&self) -> bool {
        matches!(self, State::Running | State::Disabled)
    }
}

impl Why {
    pub fn text(&self) -> String {
        match self {
            Why::NoLivingMember => "no 9volt member is alive".into(),
            Why::NoMemberWithTag(t) => format!("no living member has tag `{t}`"),
            Why::NotYet => {
                "a living member takes it, but 9volt's director has not assigned it".into()
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub key: String,
    pub state: State,
    /// Members referencing it.
    pub members: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Status {
    pub prefix: String,
    pub cluster: Cluster,
    pub checks: Vec<Check>,
    /// References to checks that are not in etcd: (check key, member).
    pub stale: Vec<(String, String)>,
    /// Monitors in etcd that these definitions do not name (someone else's).
    pub undefined: Vec<String>,
}

impl Status {
    /// A sync is pending: some definition is not in etcd as written.
    pub fn pending(&self) -> bool {
        self.checks
            .iter()
            .any(|c| matches!(c.state, State::NotInEtcd | State::Differs))
    }

    /// 9volt runs exactly what etcd says (for the defined checks).
    pub fn runs_as_told(&self) -> bool {
        self.stale.is_empty()
            && self.checks.iter().all(|c| {
                c.state.as_defined() || matches!(c.state, State::NotInEtcd | State::Differs)
            })
    }

    pub fn count(&self, state: &str) -> usize {
        self.checks
            .iter()
            .filter(|c| c.state.as_str() == state)
            .count()
    }
}

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
/// Loads the definitions, reads etcd and compares.
pub async fn status(
    paths: &[std::path::PathBuf],
    etcd: &crate::etcd::Options,
    prefix: &str,
) -> Result<Status, Error> {
    if etcd.api != crate::etcd::Api::V2 {
        return Err(Error::NotV2);
    }
    let loaded = crate::ops::validate::load(paths).map_err(Error::Path)?;
    if loaded.errors() > 0 {
        return Err(Error::Invalid(Box::new(loaded)));
    }
    if loaded.catalog.is_empty() {
        return Err(Error::NoDefinitions);
    }
    let defined: BTreeMap<String, Value> = loaded
        .model
        .monitors
        .values()
        .map(|m| (m.name.clone(), m.json()))
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
