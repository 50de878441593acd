//! Applying a plan to etcd: the policy (a saved plan must still hold, the
//! deletion guards, dry runs, asking before deleting), then guarded writes
//! in batches within etcd's limits, alerters before the monitors that name
//! them, deletions last. Reports exactly what was applied when something
//! stops it part way.

use std::collections::BTreeMap;

use crate::etcd::{self, Guard, Op, Store};
use crate::ops::plan::{differences, Action, Change, Plan, Prepared, Saved};
use crate::section::Section;

#[derive(Default)]
pub struct Report {
    pub applied: BTreeMap<Action, usize>,
    /// Keys someone else changed between reading and writing; left as they are.
    pub conflicts: Vec<String>,
    /// What stopped the sync, if anything; `not_applied` ops were not written.
    pub error: Option<etcd::Error>,
    pub not_applied: usize,
    /// Writes sent when etcd went away: none answered, and no endpoint was
    /// left to read them back, so each may or may not have been applied.
    pub unknown: Vec<String>,
}

/// What `run` may do with a prepared plan.
pub struct Request<'a> {
    /// The plan `mon diff --out` saved: applied only if the fresh plan is the same.
    pub saved: Option<&'a Saved>,
    pub limits: Limits,
    /// Decide and report, write nothing.
    pub dry_run: bool,
    /// Asked before a plan that deletes is applied, with the number of
    /// deletions; `None` applies without asking (--yes, or no terminal).
    pub confirm: Option<&'a dyn Fn(usize) -> bool>,
    /// Told how many keys each batch settled.
    pub progress: &'a dyn Fn(u64),
}

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
    Applied(Report),
}

/// Decides whether the plan may be applied and applies it. Nothing is
/// written unless every check before `apply` passed.
pub async fn run(prepared: &mut Prepared, req: Request<'_>) -> Outcome {
    let plan = &prepared.plan;
    if let Some(saved) = req.saved {
        let differences = differences(saved, plan);
        if !differences.is_empty() {
            return Outcome::Stale(differences);
        }
    }
    if let Err(refusal) = guard(plan, &req.limits) {
        return Outcome::Refused(refusal);
    }
    if req.dry_run {
        return Outcome::DryRun;
    }
    if plan.pending() == 0 {
        return Outcome::NothingToDo;
    }
    let deletes = plan.count(Action::Delete);
    if let Some(confirm) = req.confirm {
        if deletes > 0 && !confirm(deletes) {
            return Outcome::NotConfirmed;
        }
    }
    Outcome::Applied(apply(&mut prepared.store, &prepared.plan, req.progress).await)
}

/// The limits a plan must keep to be applied without `--force`.
pub struct Limits {
    /// At most this many deletions.
    pub max_delete: usize,
    pub force: bool,
}

/// Why the guards refuse a plan.
pub enum Refusal {
    /// Definitions whose keys another definitions directory owns: (key, owner).
    OwnedElsewhere(Vec<(String, String)>),
    /// More deletions than `max_delete`.
    TooMany { keys: Vec<String>, max: usize },
    /// Deleting most of what these definitions own, however few keys.
    Most { keys: Vec<String>, owned: usize },
}

impl Refusal {
    /// A few words for machine-readable output.
    pub fn reason(&self) -> &'static str {
        match self {
            Refusal::OwnedElsewhere(_) => "owned by other definitions",
            Refusal::TooMany { .. } => "more deletions than --max-delete",
            Refusal::Most { .. } => "deletes most of what this owner has",
        }
    }
}

/// The safety guards, applied before anything is written.
pub fn guard(plan: &Plan, limits: &Limits) -> Result<(), Refusal> {
    let elsewhere: Vec<(String, String)> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::OwnedElsewhere)
        .map(|c| (c.key.clone(), c.owner.clone().unwrap_or_default()))
        .collect();
    if !elsewhere.is_empty() {
        return Err(Refusal::OwnedElsewhere(elsewhere));
    }
    if limits.force {
        return Ok(());
    }
    let deletes: Vec<&Change> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .collect();
    let keys = || deletes.iter().map(|c| c.key.clone()).collect();
    if deletes.len() > limits.max_delete {
        return Err(Refusal::TooMany {
            keys: keys(),
            max: limits.max_delete,
        });
    }
    let own = deletes
        .iter()
        .filter(|c| c.owner.as_deref() == Some(plan.owner.as_str()))
        .count();
    if own > 0 && own * 2 > plan.owned {
        return Err(Refusal::Most {
            keys: keys(),
            owned: plan.owned,
        });
    }
    Ok(())
}

impl Report {
    pub fn total(&self) -> usize {
        self.applied.values().sum()
    }
}

fn op(c: &Change) -> Option<Op> {
    let guard = match c.version {
        Some(v) => Guard::Version(v),
        None => Guard::Absent,
    };
    match c.action {
        Action::Add | Action::Change => Some(Op::Put {
            key: c.key.clone(),
            value: c.value_to_write()?,
            guard,
        }),
        Action::Delete => Some(Op::Delete {
            key: c.key.clone(),
            guard,
        }),
        Action::Unchanged | Action::LeftAlone | Action::OwnedElsewhere => None,
    }
}

/// The order writes go in: alerters before the monitors naming them, and
/// deletions of monitors before the alerters they named.
fn order(c: &Change) -> u8 {
    match (c.action, c.section) {
        (Action::Delete, Section::Monitor) => 2,
        (Action::Delete, _) => 3,
        (_, Section::Alerter) => 0,
        _ => 1,
    }
}

pub async fn apply(store: &mut Store, plan: &Plan, progress: &dyn Fn(u64)) -> Report {
    let mut changes: Vec<&Change> = plan.changes.iter().filter(|c| c.action.writes()).collect();
    changes.sort_by_key(|c| order(c));
    let action_of: BTreeMap<&str, Action> =
        changes.iter().map(|c| (c.key.as_str(), c.action)).collect();
    let ops: Vec<Op> = changes.iter().filter_map(|c| op(c)).collect();

    let (max_ops, max_bytes) = store.batch_limits();
    let mut report = Report::default();
    let mut rest = ops.as_slice();
    while !rest.is_empty() {
        let mut n = 0;
        let mut bytes = 0;
        while n < rest.len() && n < max_ops && (n == 0 || bytes + rest[n].size() <= max_bytes) {
            bytes += rest[n].size();
            n += 1;
        }
        let (batch, tail) = rest.split_at(n);
        let done = store.apply(batch.to_vec()).await;
        for key in &done.applied {
            if let Some(a) = action_of.get(key.as_str()) {
                *report.applied.entry(*a).or_default() += 1;
            }
        }
        progress((done.applied.len() + done.conflicts.len()) as u64);
        report.conflicts.extend(done.conflicts.iter().cloned());
        if let Some(e) = done.error {
            report.not_applied = done.not_applied.len() + tail.len();
            report.unknown = done.unknown;
            report.error = Some(e);
            break;
        }
        rest = tail;
    }
    report.conflicts.sort();
    report
}
