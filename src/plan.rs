//! The plan between the definitions and etcd, as a value: per key, what a
//! sync would do, with the values shown masked. `ops::plan` builds it;
//! reports print it; `ops::sync` applies it.

use serde_json::Value;

#[cfg(feature = "net")]
use std::collections::BTreeMap;

#[cfg(feature = "net")]
use crate::ninevolt::pace::{self, Way};
use crate::section::Section;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Action {
    Add,
    Change,
    Delete,
    Unchanged,
    /// Only in etcd, and not these definitions' to delete: written by
    /// someone else (9volt's API, 9volt cfg, etcdctl, another directory).
    LeftAlone,
    /// Defined here, but the key belongs to another definitions directory:
    /// not written unless taken over.
    OwnedElsewhere,
    /// etcd holds the definition's value (9volt's own representation
    /// counts as the same), without mon's mark: written once to add the
    /// mark, shown as one line, never as a diff.
    Adopt,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Add => "add",
            Action::Change => "change",
            Action::Delete => "delete",
            Action::Unchanged => "unchanged",
            Action::LeftAlone => "left_alone",
            Action::OwnedElsewhere => "owned_elsewhere",
            Action::Adopt => "adopt",
        }
    }
    /// The action `as_str` names.
    pub fn parse(word: &str) -> Option<Action> {
        [
            Action::Add,
            Action::Change,
            Action::Delete,
            Action::Unchanged,
            Action::LeftAlone,
            Action::OwnedElsewhere,
            Action::Adopt,
        ]
        .into_iter()
        .find(|a| a.as_str() == word)
    }
    /// Whether this action writes or deletes.
    pub fn writes(self) -> bool {
        matches!(
            self,
            Action::Add | Action::Change | Action::Delete | Action::Adopt
        )
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
    /// Who wrote what etcd holds, by its ownership mark.
    pub owner: Option<String>,
    /// The definition's digest, for keys that are defined.
    pub digest: Option<String>,
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
    pub owner: String,
    pub changes: Vec<Change>,
    /// Keys in etcd that these definitions own (carry our mark).
    pub owned: usize,
    /// The same, per section: the deletion guard holds for each.
    pub owned_in: std::collections::BTreeMap<Section, usize>,
    /// Keys whose name is not UTF-8: mon cannot address them, so it leaves
    /// them alone and says so.
    pub unreadable: Vec<String>,
    /// Every resolved secret, to redact wherever it would be shown.
    pub redactor: crate::secret::Redactor,
    /// --only, --exclude and --replace patterns that selected nothing.
    pub unmatched: Vec<crate::select::Unmatched>,
    /// The counts a saved plan recorded: it keeps only the keys it writes,
    /// so the unchanged and left-alone ones are counted, not listed.
    pub counts: Option<std::collections::BTreeMap<Action, usize>>,
}

impl Plan {
    /// The changes of one action, in plan order.
    pub fn with(&self, a: Action) -> impl Iterator<Item = &Change> {
        self.changes.iter().filter(move |c| c.action == a)
    }
    pub fn count(&self, a: Action) -> usize {
        match &self.counts {
            Some(counts) => counts.get(&a).copied().unwrap_or(0),
            None => self.with(a).count(),
        }
    }
    /// Keys the sync would write or delete.
    pub fn pending(&self) -> usize {
        self.changes.iter().filter(|c| c.action.writes()).count()
    }
    /// What `mon diff` reports as a difference: pending writes, and
    /// definitions another directory's keys stand in the way of.
    pub fn differs(&self) -> bool {
        self.pending() > 0 || self.count(Action::OwnedElsewhere) > 0
    }
    pub fn summary(&self) -> String {
        let mut s = format!(
            "{} to add, {} to change, {} to delete, {} unchanged",
            self.count(Action::Add),
            self.count(Action::Change),
            self.count(Action::Delete),
            self.count(Action::Unchanged)
        );
        for (action, what) in [
            (Action::Adopt, "to adopt"),
            (Action::OwnedElsewhere, "owned by other definitions"),
            (
                Action::LeftAlone,
                "not written by these definitions (left alone)",
            ),
        ] {
            let n = self.count(action);
            if n > 0 {
                s.push_str(&format!(", {n} {what}"));
            }
        }
        s
    }
}

impl Plan {
    /// A change's value as shown (`before` or after): secrets masked, and
    /// every known secret value redacted.
    pub fn shown(&self, c: &Change, before: bool) -> Option<Value> {
        let mut v = if before {
            masked(c.before.as_ref()?, &c.secrets, None)
        } else {
            masked(c.after.as_ref()?, &c.secrets, c.before.as_ref())
        };
        self.redactor.value(&mut v);
        Some(v)
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

/// What applying a plan did: the writes made, what stopped them, and
/// what 9volt made of them.
#[cfg(feature = "net")]
#[derive(Default)]
pub struct Report {
    pub applied: BTreeMap<Action, usize>,
    /// Keys someone else changed between reading and writing; left as they are.
    pub conflicts: Vec<String>,
    /// What stopped the sync, if anything; `not_applied` ops were not written.
    pub error: Option<crate::etcd::Error>,
    pub not_applied: usize,
    /// Writes sent when etcd went away: none answered, and no endpoint was
    /// left to read them back, so each may or may not have been applied.
    pub unknown: Vec<String>,
    /// Keys applied, with the index etcd gave our write (v2), if we made it.
    pub written: BTreeMap<String, Option<i64>>,
    /// How the writes went, and why.
    pub way: Option<Way>,
    /// What 9volt made of them, when it was watched.
    pub pace: Option<pace::Report>,
}

#[cfg(feature = "net")]
/// How a sync ended.
pub enum Outcome {
    /// The saved plan no longer describes what a sync would do: these keys differ.
    Stale(Vec<String>),
    Refused(Refusal),
    /// A dry run passed the guards.
    DryRun,
    NothingToDo,
    /// The question before deleting was not answered yes.
    NotConfirmed,
    /// Writes were made; the report says which, and what stopped them.
    Applied(Box<Report>),
}

#[cfg(feature = "net")]
/// Why the guards refuse a plan.
pub enum Refusal {
    /// Definitions whose keys another definitions directory owns: (key, owner).
    OwnedElsewhere(Vec<(String, String)>),
    /// More deletions than `max_delete`.
    TooMany { keys: Vec<String>, max: usize },
    /// Deleting most of what these definitions own, however few keys.
    Most {
        keys: Vec<String>,
        owned: usize,
        section: Section,
    },
    /// 9volt's own traffic turns etcd's v2 window over faster than its
    /// director can take even one check (events a second, seconds a check).
    Busy { rate: f64, per_check: f64 },
    /// `--pace` or `--wait` cannot be honoured here.
    Pace(String),
}

#[cfg(feature = "net")]
impl Refusal {
    /// A few words for machine-readable output.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::OwnedElsewhere(_) => "owned by other definitions",
            Refusal::TooMany { .. } => "more deletions than --max-delete",
            Refusal::Most { .. } => "deletes most of what this owner has",
            Refusal::Busy { .. } => "9volt's own traffic leaves its director no room",
            Refusal::Pace(_) => "cannot follow 9volt",
        }
    }
}

/// Why no plan could be made.
pub enum PrepareError {
    Path(crate::source::PathError),
    /// The paths hold no definition at all: planning against them would
    /// delete everything these definitions own.
    NoDefinitions(Vec<std::path::PathBuf>),
    Invalid(Box<crate::loaded::Loaded>),
    Secrets(Vec<String>),
    /// Values that, with their secrets resolved, are over etcd's limit.
    TooLarge(Vec<String>),
    Etcd(crate::etcd::Error),
}
