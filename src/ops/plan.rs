//! The plan between the definitions and etcd: per key, add, change, delete or
//! unchanged. Comparison is semantic, as 9volt cfg's reflect.DeepEqual on
//! decoded JSON, and also takes integer-nanosecond durations (what 9volt's
//! own API writes) as equal to the same duration written as a string.
//!
//! Ownership: every value mon writes carries `"mon-owner": "<owner>"`, the
//! repository its definitions came from (`identity`). 9volt decodes monitors and
//! alerters into Go structs and ignores unknown keys (reference 9volt.md §2),
//! so it runs such a value unchanged. A key is deleted only by the owner that
//! wrote it; keys written by 9volt's API, `9volt cfg`, etcdctl or another
//! definitions directory are left alone unless a flag says otherwise.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::etcd::Entry;
#[cfg(feature = "net")]
use crate::etcd::{ETCD_REQUEST_LIMIT, ETCD_VALUE_ALLOWANCE};
use crate::model::duration;
use crate::model::Model;
use crate::section::Section;
use crate::select::Selection;

pub use crate::plan::{masked, Action, Change, Plan, PrepareError};

/// The sections that live in etcd, and their directory names there.
pub const SYNCED: [Section; 2] = [Section::Alerter, Section::Monitor];

/// The field that records which definitions wrote a value.
pub const OWNER_FIELD: &str = "mon-owner";

/// The owner recorded in a value read from etcd, if any.
fn owner_of(v: &Value) -> Option<&str> {
    v.get(OWNER_FIELD).and_then(Value::as_str)
}

/// Alerter options that hold credentials even when written literally.
pub const SECRET_OPTIONS: &[&str] = &["token", "password"];

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
    /// SHA-256 of the definition as written (secret references unresolved):
    /// what a saved plan pins it by.
    pub digest: String,
}

/// Hex SHA-256 of a JSON value's compact form.
fn digest(v: &Value) -> String {
    let text = serde_json::to_string(v).expect("JSON values serialize");
    ring::digest::digest(&ring::digest::SHA256, text.as_bytes())
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// What a saved plan pins an alerter by: its definition as written, with
/// each literal credential replaced. A digest over the literal would let
/// anyone holding the plan test guesses against it, with every other field
/// shown beside it; a reference (`{env: NAME}`) is no secret and stays.
fn pinned(written: &Value, a: &crate::model::ninevolt::Alerter) -> Value {
    let mut v = written.clone();
    for (k, secret) in &a.options {
        if !secret.reference.is_reference() && SECRET_OPTIONS.contains(&k.as_str()) {
            if let Some(o) = v.get_mut("options").and_then(|o| o.get_mut(k.as_str())) {
                *o = Value::String("(secret)".into());
            }
        }
    }
    v
}

/// Builds what etcd should hold from the model: each monitor and alerter as
/// the JSON the user wrote, alerter secret references resolved. Errors name
/// the definition and the secret that could not be resolved.
pub fn desired(model: &Model) -> Result<Vec<Desired>, Vec<String>> {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for a in model.alerters.values() {
        let mut value = a.written.to_json();
        let written = digest(&pinned(&value, a));
        let mut secrets = Vec::new();
        for (k, secret) in &a.options {
            let is_ref = secret.reference.is_reference();
            if is_ref || SECRET_OPTIONS.contains(&k.as_str()) {
                secrets.push(format!(
                    "/options/{}",
                    k.replace('~', "~0").replace('/', "~1")
                ));
            }
            if is_ref {
                match crate::secret::resolve(
                    &secret.reference.to_json(),
                    secret.dir(),
                    &secret.roots,
                ) {
                    Ok(v) => {
                        if let Some(o) =
                            value.get_mut("options").and_then(|o| o.get_mut(k.as_str()))
                        {
                            *o = Value::String(v);
                        }
                    }
                    Err(e) => errors.push(format!(
                        "{}: alerter `{}` option `{}`: {e}",
                        secret.at(),
                        a.name,
                        k.value
                    )),
                }
            }
        }
        out.push(Desired {
            section: Section::Alerter,
            name: a.name.clone(),
            value,
            secrets,
            digest: written,
        });
    }
    for (name, m) in &model.monitors {
        let value = m.json();
        out.push(Desired {
            section: Section::Monitor,
            name: name.clone(),
            digest: digest(&value),
            value,
            secrets: Vec::new(),
        });
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

pub struct PlanOptions {
    /// Keep keys that exist only in etcd (9volt cfg's --nosync).
    pub keep_remote_only: bool,
    /// Rewrite values that are already equal (9volt cfg's --replace): none,
    /// or those in this selection.
    pub replace: Option<Selection>,
    /// The definitions and keys this plan may touch; the rest are left out
    /// of it entirely, neither written nor deleted.
    pub selection: Selection,
    /// The name written into every value as its ownership mark.
    pub owner: String,
    /// The directory-name mark an older mon derived for these definitions:
    /// a key a definition names that carries it is still theirs, equal
    /// values are left as they are and only `take_over` re-marks them. An
    /// undefined key that carries it is left alone: another repository's
    /// directory may have had the same name.
    pub legacy: Option<String>,
    /// Also delete keys that carry no ownership mark (written by 9volt's
    /// API, 9volt cfg or etcdctl) when no definition names them.
    pub prune_unowned: bool,
    /// Write definitions whose keys another definitions directory owns,
    /// making them ours.
    pub take_over: bool,
}

/// `remote` holds the listing of each synced directory.
pub fn plan(
    prefix: &str,
    desired: Vec<Desired>,
    remote: &BTreeMap<Section, Vec<Entry>>,
    opts: &PlanOptions,
) -> Plan {
    let mut changes = Vec::new();
    let mut unreadable = Vec::new();
    let mut by_key: BTreeMap<String, &Entry> = BTreeMap::new();
    for entries in remote.values() {
        for e in entries {
            if e.exact {
                by_key.insert(e.key.clone(), e);
            } else {
                unreadable.push(e.key.clone());
            }
        }
    }
    let name_of = |key: &str| key.rsplit('/').next().unwrap_or_default().to_string();
    let section_of = |key: &str| {
        SYNCED
            .into_iter()
            .find(|s| key.starts_with(&dir(prefix, *s)))
            .unwrap_or(Section::Monitor)
    };
    // Every name a selection could mean, before it narrows the plan.
    let names: Vec<String> = desired
        .iter()
        .map(|d| format!("{}/{}", d.section.key(), d.name))
        .chain(
            by_key
                .keys()
                .map(|k| format!("{}/{}", section_of(k).key(), name_of(k))),
        )
        .collect();
    let mut unmatched = opts.selection.unmatched(&names);
    if let Some(r) = &opts.replace {
        unmatched.extend(r.unmatched(&names));
    }
    by_key.retain(|k, _| opts.selection.contains(section_of(k), &name_of(k)));
    let mut owned_in: BTreeMap<Section, usize> = BTreeMap::new();
    for (k, e) in &by_key {
        if serde_json::from_str::<Value>(&e.value)
            .is_ok_and(|v| owner_of(&v) == Some(opts.owner.as_str()))
        {
            *owned_in.entry(section_of(k)).or_default() += 1;
        }
    }
    let owned = owned_in.values().sum();
    for mut d in desired {
        if !opts.selection.contains(d.section, &d.name) {
            continue;
        }
        if let Value::Object(fields) = &mut d.value {
            fields.insert(OWNER_FIELD.into(), Value::String(opts.owner.clone()));
        }
        let key = format!("{}{}", dir(prefix, d.section), d.name);
        let (action, before, before_raw, version, owner) = match by_key.remove(&key) {
            None => (Action::Add, None, None, None, None),
            Some(e) => match serde_json::from_str::<Value>(&e.value) {
                Ok(v) => {
                    let owner = owner_of(&v).map(str::to_string);
                    let legacy = owner.is_some() && owner == opts.legacy;
                    let elsewhere = !legacy && owner.as_ref().is_some_and(|o| *o != opts.owner);
                    let same = if legacy {
                        let mut marked = v.clone();
                        if let Value::Object(f) = &mut marked {
                            f.insert(OWNER_FIELD.into(), Value::String(opts.owner.clone()));
                        }
                        equivalent(&marked, &d.value, d.section) && !opts.take_over
                    } else {
                        equivalent(&v, &d.value, d.section)
                    };
                    let replace = opts
                        .replace
                        .as_ref()
                        .is_some_and(|r| r.contains(d.section, &d.name));
                    // Unmarked, and the same once marked: only the mark to add.
                    let adopt = owner.is_none() && !replace && {
                        let mut marked = v.clone();
                        if let Value::Object(f) = &mut marked {
                            f.insert(OWNER_FIELD.into(), Value::String(opts.owner.clone()));
                        }
                        equivalent(&marked, &d.value, d.section)
                    };
                    let action = if elsewhere && !opts.take_over {
                        Action::OwnedElsewhere
                    } else if same && !replace {
                        Action::Unchanged
                    } else if adopt {
                        Action::Adopt
                    } else {
                        Action::Change
                    };
                    (action, Some(v), None, Some(e.version), owner)
                }
                // Not JSON: 9volt cannot read it, so it is always rewritten.
                Err(_) => (
                    Action::Change,
                    None,
                    Some(e.value.clone()),
                    Some(e.version),
                    None,
                ),
            },
        };
        let mut secrets = d.secrets;
        if d.section == Section::Alerter {
            // An old option shows only where the definition now has the same
            // option as a literal that is no secret: a removed option, a
            // renamed one or another type's may hold a credential.
            for ptr in option_pointers(before.as_ref()) {
                let public = d.value.pointer(&ptr).is_some() && !secrets.contains(&ptr);
                if !public && !secrets.contains(&ptr) {
                    secrets.push(ptr);
                }
            }
        }
        changes.push(Change {
            section: d.section,
            name: d.name,
            key,
            action,
            before,
            before_raw,
            after: Some(d.value),
            version,
            secrets,
            owner,
            digest: Some(d.digest),
        });
    }
    for (key, e) in by_key {
        let section = section_of(&key);
        let name = name_of(&key);
        let before = serde_json::from_str::<Value>(&e.value).ok();
        let owner = before.as_ref().and_then(owner_of).map(str::to_string);
        let ours = match &owner {
            Some(o) => *o == opts.owner,
            None => opts.prune_unowned,
        };
        // Nothing says which of its options were secrets: hide them all.
        let secrets = option_pointers(before.as_ref());
        changes.push(Change {
            section,
            name,
            key,
            action: match (ours, opts.keep_remote_only) {
                (false, _) => Action::LeftAlone,
                (true, true) => Action::Unchanged,
                (true, false) => Action::Delete,
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
            owner,
            digest: None,
        });
    }
    changes.sort_by(|a, b| (a.section, &a.name).cmp(&(b.section, &b.name)));
    unreadable.sort();
    // Short values would redact ordinary words; options named as secrets
    // are masked by field anyway.
    // Old values too: the credential etcd holds now may appear elsewhere.
    let redactor = crate::secret::Redactor::new(
        changes
            .iter()
            .flat_map(|c| [c.after.as_ref(), c.before.as_ref()].map(|v| (c, v)))
            .filter_map(|(c, v)| v.map(|v| (c, v)))
            .flat_map(|(c, v)| c.secrets.iter().filter_map(|p| v.pointer(p)?.as_str())),
        6,
    );
    Plan {
        prefix: prefix.to_string(),
        owner: opts.owner.clone(),
        changes,
        owned,
        owned_in,
        unreadable,
        redactor,
        unmatched,
        counts: None,
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

/// `/options/<name>` of every option of an alerter value.
fn option_pointers(v: Option<&Value>) -> Vec<String> {
    v.and_then(|v| v.get("options"))
        .and_then(Value::as_object)
        .map(|o| {
            o.keys()
                .map(|k| format!("/options/{}", k.replace('~', "~0").replace('/', "~1")))
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(feature = "net")]
/// Everything before the plan is shown: load and check the definitions,
/// resolve secrets, read etcd.
pub struct Prepared {
    pub store: crate::etcd::Store,
    pub plan: Plan,
    /// 9volt's own state under the prefix (v2), for pacing: `None` over
    /// v3, an error when it could not be read (a user without read access
    /// to `cluster/`).
    pub cluster: Option<Result<crate::ninevolt::Cluster, String>>,
    /// Settings files among the definitions that are not the one in use.
    pub other_settings: Vec<String>,
}

#[cfg(feature = "net")]
pub async fn prepare(
    scope: &crate::ops::validate::Scope,
    etcd: &crate::etcd::Options,
    prefix: &str,
    opts: &PlanOptions,
) -> Result<Prepared, PrepareError> {
    let loaded = crate::ops::validate::load(scope).map_err(PrepareError::Path)?;
    if loaded.errors() > 0 {
        return Err(PrepareError::Invalid(Box::new(loaded)));
    }
    // Any path that held nothing (a typo, the wrong directory) or nothing
    // at all: planning would take its definitions for deleted.
    if loaded.catalog.is_empty() || !loaded.empty_paths.is_empty() {
        let empty = if loaded.catalog.is_empty() {
            scope.paths.clone()
        } else {
            loaded.empty_paths.clone()
        };
        let looked = empty
            .iter()
            .map(|p| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone()))
            .collect();
        return Err(PrepareError::NoDefinitions(looked));
    }
    let desired = desired(&loaded.model).map_err(PrepareError::Secrets)?;
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
    let limit = ETCD_REQUEST_LIMIT - ETCD_VALUE_ALLOWANCE / 2;
    let too_large: Vec<String> = plan
        .changes
        .iter()
        .filter(|c| c.action.writes())
        .filter_map(|c| {
            let bytes = c.value_to_write()?.len() + c.key.len();
            (bytes > limit).then(|| {
                format!(
                    "{} is {bytes} bytes with its secrets resolved; etcd refuses a request over {} bytes",
                    c.key,
                    ETCD_REQUEST_LIMIT
                )
            })
        })
        .collect();
    if !too_large.is_empty() {
        return Err(PrepareError::TooLarge(too_large));
    }
    let cluster = crate::ninevolt::pace::cluster(&store, prefix)
        .await
        .map(|r| r.map_err(|e| e.to_string()));
    let other_settings = loaded
        .diagnostics
        .iter()
        .filter(|d| d.code == crate::diagnostic::Code::OtherSettings)
        .map(|d| format!("{}: {}", loaded.sources.get(d.span.file).name, d.message))
        .collect();
    Ok(Prepared {
        store,
        plan,
        cluster,
        other_settings,
    })
}

/// A plan as `mon diff --out` saves it for review, and `mon sync --plan`
/// applies it: every key it would write with the version it read and the
/// digest of the definition behind it, so that applying can refuse when etcd
/// or the definitions changed since. No secret is stored: values are shown
/// masked, and definitions are pinned by digests of their unresolved form.
#[derive(serde::Serialize, serde::Deserialize, Debug)]
pub struct Saved {
    /// The format's version.
    pub mon_plan: u32,
    pub prefix: String,
    pub api: String,
    pub owner: String,
    pub options: SavedOptions,
    pub summary: BTreeMap<String, usize>,
    pub changes: Vec<SavedChange>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SavedOptions {
    pub nosync: bool,
    /// None: no --replace; empty: all; else the patterns.
    pub replace: Option<Vec<String>>,
    pub only: Vec<String>,
    pub exclude: Vec<String>,
    pub prune_unowned: bool,
    pub take_over: bool,
    /// `PlanOptions::legacy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legacy: Option<String>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]
pub struct SavedChange {
    pub key: String,
    pub action: String,
    /// The version the plan read (v2 modifiedIndex, v3 mod_revision).
    pub read: Option<i64>,
    pub digest: Option<String>,
    #[serde(default)]
    pub before: Value,
    #[serde(default)]
    pub after: Value,
}

pub const SAVED_FORMAT: u32 = 1;

impl Saved {
    /// The options, API and prefix a plan is applied with, after `agrees`
    /// with the flags (owner, prefix, API) given beside it.
    pub fn apply(
        &self,
        (owner, prefix_flag, api_flag): (Option<&str>, Option<&str>, Option<crate::etcd::Api>),
        api: &mut crate::etcd::Api,
        prefix: &mut String,
    ) -> Result<PlanOptions, String> {
        self.agrees(owner, prefix_flag, api_flag)?;
        self.settings(api, prefix)
    }

    /// Refuses a flag given beside the plan that says otherwise than the
    /// plan: the plan is applied as reviewed, never quietly elsewhere.
    pub fn agrees(
        &self,
        owner: Option<&str>,
        prefix: Option<&str>,
        api: Option<crate::etcd::Api>,
    ) -> Result<(), String> {
        let differs = |flag: &str, given: &str, saved: &str| {
            Err(format!(
                "{flag} {given} contradicts the plan, which is for {saved}; drop the flag or make a new plan with `mon diff --out`"
            ))
        };
        if let Some(o) = owner.filter(|o| *o != self.owner) {
            return differs("--owner", o, &self.owner);
        }
        if let Some(p) = prefix.filter(|p| p.trim_matches('/') != self.prefix) {
            return differs("--prefix", p, &self.prefix);
        }
        if let Some(a) = api.filter(|a| a.as_str() != self.api) {
            return differs("--etcd-api", a.as_str(), &self.api);
        }
        Ok(())
    }

    /// Writes the plan as pretty JSON: to a new file beside `path`, then
    /// renamed over it, so a symlink there is replaced, not followed, and
    /// a named pipe never blocks the write.
    pub fn write_to(&self, path: &std::path::Path) -> Result<(), String> {
        use std::io::Write;
        let text = serde_json::to_string_pretty(self).expect("JSON") + "\n";
        let fail = |e: std::io::Error| {
            format!(
                "cannot write the plan to {}: {}",
                path.display(),
                crate::source::io_message(&e)
            )
        };
        let dir = match path.parent() {
            Some(d) if !d.as_os_str().is_empty() => d,
            _ => std::path::Path::new("."),
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".mon-plan-")
            .tempfile_in(dir)
            .map_err(fail)?;
        tmp.write_all(text.as_bytes()).map_err(fail)?;
        tmp.persist(path).map_err(|e| fail(e.error))?;
        Ok(())
    }

    /// Reads a plan `mon diff --out` wrote: a regular UTF-8 file within the
    /// definition files' size limit. The flag says whether it could not be
    /// read at all (rather than read and not understood).
    pub fn read_from(path: &std::path::Path) -> Result<Saved, (String, bool)> {
        let text = crate::source::read(path).map_err(|e| {
            (
                format!("cannot read the plan {}: {}", path.display(), e.message),
                true,
            )
        })?;
        serde_json::from_str(&text).map_err(|e| {
            (
                format!(
                    "{} is not a plan written by `mon diff --out`: {e}",
                    path.display()
                ),
                false,
            )
        })
    }

    /// A saved plan read from `path`, and the plan it shows (`mon show`).
    pub fn open(path: &std::path::Path) -> Result<(Saved, Plan), String> {
        let saved = Saved::read_from(path).map_err(|(e, _)| e)?;
        let plan = saved.to_plan()?;
        Ok((saved, plan))
    }

    /// The plan as `mon diff` showed it when it was saved, for `mon show`:
    /// its keys with their masked values and its counts. Nothing is read
    /// from etcd and no secret is resolved.
    pub fn to_plan(&self) -> Result<Plan, String> {
        if self.mon_plan != SAVED_FORMAT {
            return Err(format!(
                "the plan is of format {}, and this mon reads format {SAVED_FORMAT}",
                self.mon_plan
            ));
        }
        let value = |v: &Value| Some(v.clone()).filter(|v| !v.is_null());
        let changes = self
            .changes
            .iter()
            .map(|c| {
                let mut parts = c.key.rsplit('/');
                let name = parts.next().unwrap_or_default().to_string();
                let section = parts.next().and_then(Section::from_key);
                let (Some(section), Some(action)) = (section, Action::parse(&c.action)) else {
                    return Err(format!(
                        "`{}` ({}) is no key and action a plan holds",
                        c.key, c.action
                    ));
                };
                Ok(Change {
                    section,
                    name,
                    key: c.key.clone(),
                    action,
                    before: value(&c.before),
                    before_raw: None,
                    after: value(&c.after),
                    version: c.read,
                    secrets: Vec::new(),
                    owner: None,
                    digest: c.digest.clone(),
                })
            })
            .collect::<Result<Vec<_>, String>>()?;
        let counts = self
            .summary
            .iter()
            .filter_map(|(k, n)| Some((Action::parse(k)?, *n)))
            .collect();
        Ok(Plan {
            prefix: self.prefix.clone(),
            owner: self.owner.clone(),
            changes,
            owned: 0,
            owned_in: BTreeMap::new(),
            unreadable: Vec::new(),
            redactor: crate::secret::Redactor::new(std::iter::empty::<&str>(), 6),
            unmatched: Vec::new(),
            counts: Some(counts),
        })
    }

    /// What a plan is built with when this saved plan is applied: its own
    /// options, owner, prefix and API, never today's flags. A plan of
    /// another format or an unknown API is refused.
    pub fn settings(
        &self,
        api: &mut crate::etcd::Api,
        prefix: &mut String,
    ) -> Result<PlanOptions, String> {
        if self.mon_plan != SAVED_FORMAT {
            return Err(format!(
                "the plan file is format {}, this mon reads format {SAVED_FORMAT}",
                self.mon_plan
            ));
        }
        *api = self
            .api
            .parse()
            .map_err(|e| format!("the plan file's api: {e}"))?;
        // The same checks as the flag's: `p/..` would write outside any prefix.
        *prefix = crate::settings::etcd::check_prefix(&self.prefix)
            .map_err(|e| format!("the plan file's {e}"))?;
        self.options.options(self.owner.clone())
    }
}

impl SavedOptions {
    pub fn of(opts: &PlanOptions) -> SavedOptions {
        SavedOptions {
            nosync: opts.keep_remote_only,
            replace: opts.replace.as_ref().map(|r| r.only_patterns.clone()),
            only: opts.selection.only_patterns.clone(),
            exclude: opts.selection.exclude_patterns.clone(),
            prune_unowned: opts.prune_unowned,
            take_over: opts.take_over,
            legacy: opts.legacy.clone(),
        }
    }

    /// The plan options these stand for, with `owner`.
    pub fn options(&self, owner: String) -> Result<PlanOptions, String> {
        Ok(PlanOptions {
            keep_remote_only: self.nosync,
            replace: match &self.replace {
                None => None,
                Some(p) if p.is_empty() => Some(Selection::all()),
                Some(p) => Some(Selection::new(p, &[])?),
            },
            selection: Selection::new(&self.only, &self.exclude)?,
            owner,
            legacy: self.legacy.clone(),
            prune_unowned: self.prune_unowned,
            take_over: self.take_over,
        })
    }
}

fn saved_changes(plan: &Plan) -> Vec<SavedChange> {
    plan.changes
        .iter()
        .filter(|c| c.action.writes() || c.action == Action::OwnedElsewhere)
        .map(|c| SavedChange {
            key: c.key.clone(),
            action: c.action.as_str().into(),
            read: c.version,
            digest: c.digest.clone(),
            before: plan.shown(c, true).unwrap_or(Value::Null),
            after: plan.shown(c, false).unwrap_or(Value::Null),
        })
        .collect()
}

fn save_summary(plan: &Plan) -> BTreeMap<String, usize> {
    [
        Action::Add,
        Action::Change,
        Action::Adopt,
        Action::Delete,
        Action::Unchanged,
        Action::LeftAlone,
        Action::OwnedElsewhere,
    ]
    .into_iter()
    .map(|a| (a.as_str().to_string(), plan.count(a)))
    .collect()
}

pub fn save(plan: &Plan, api: &str, opts: &PlanOptions) -> Saved {
    let summary = save_summary(plan);
    Saved {
        mon_plan: SAVED_FORMAT,
        prefix: plan.prefix.clone(),
        api: api.into(),
        owner: plan.owner.clone(),
        options: SavedOptions::of(opts),
        summary,
        changes: saved_changes(plan),
    }
}

/// Why a fresh plan is not the saved one, key by key; empty when they agree.
pub fn differences(saved: &Saved, fresh: &Plan) -> Vec<String> {
    let now: BTreeMap<String, SavedChange> = saved_changes(fresh)
        .into_iter()
        .map(|c| (c.key.clone(), c))
        .collect();
    let then: BTreeMap<&str, &SavedChange> =
        saved.changes.iter().map(|c| (c.key.as_str(), c)).collect();
    let mut out = Vec::new();
    // The summary a reviewer read must be the one applied.
    for (action, n) in save_summary(fresh) {
        let shown = saved.summary.get(&action).copied().unwrap_or(0);
        if action != Action::LeftAlone.as_str() && shown != n {
            out.push(format!(
                "the plan file's summary says {shown} {action}, but applying it would {action} {n}"
            ));
        }
    }
    for (key, was) in &then {
        match now.get(*key) {
            None => out.push(format!(
                "{key}: the plan would {} it, but now nothing is to be done (changed in etcd or in the definitions)",
                was.action
            )),
            Some(is) if is.digest != was.digest => out.push(format!(
                "{key}: the definition changed since the plan was written"
            )),
            Some(is) if is.read != was.read => out.push(format!(
                "{key}: changed in etcd since the plan was written (read at {}, now {})",
                was.read.map_or("absent".into(), |v| v.to_string()),
                is.read.map_or("absent".into(), |v| v.to_string())
            )),
            Some(is) if is.action != was.action => out.push(format!(
                "{key}: the plan would {} it, but now it is to {} (a secret's value or etcd changed)",
                was.action, is.action
            )),
            // What the file shows is what was reviewed: an edited value is
            // not applied in its place, and not applied at all.
            Some(is) if is.before != was.before || is.after != was.after => out.push(format!(
                "{key}: the plan file shows another value than applying it would write (the file was edited, or a secret's state changed)"
            )),
            Some(_) => {}
        }
    }
    for (key, is) in &now {
        if !then.contains_key(key.as_str()) {
            out.push(format!(
                "{key}: not in the plan, but now to {} (changed in etcd or in the definitions)",
                is.action
            ));
        }
    }
    out
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
