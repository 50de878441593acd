//! Applying a plan to etcd: the policy (a saved plan must still hold, the
//! deletion guards, dry runs, asking before deleting), then guarded writes
//! in batches within etcd's limits, alerters before the monitors that name
//! them, deletions last. Reports exactly what was applied when something
//! stops it part way.

use std::collections::{BTreeMap, BTreeSet};

use crate::etcd::{self, Guard, Op, Store};
use crate::ninevolt::pace::{self, Item, Progress, Watcher, Way};
use crate::ops::plan::{differences, Action, Change, Plan, Prepared, Saved};
pub use crate::plan::{Outcome, Refusal, Report};
use crate::section::Section;

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
    /// Whether and how to follow a running 9volt.
    pub pace: &'a pace::Settings,
    /// Told how pacing goes.
    pub pacing: &'a dyn Fn(Progress),
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
    let way = match way(prepared, req.pace.mode) {
        Ok(w) => w,
        Err(e) => return Outcome::Refused(Refusal::Pace(e)),
    };
    let deletes = plan.count(Action::Delete);
    if let Some(confirm) = req.confirm {
        if deletes > 0 && !confirm(deletes) {
            return Outcome::NotConfirmed;
        }
    }
    let cluster = match &prepared.cluster {
        Some(Ok(c)) => Some(c.clone()),
        _ => None,
    };
    if req.pace.verify && cluster.is_none() {
        return Outcome::Refused(Refusal::Pace(match &prepared.cluster {
            Some(Err(e)) => format!("--wait: cannot read 9volt's state: {e}"),
            _ => "--wait: 9volt reads only etcd's v2 keyspace, and this sync writes v3".into(),
        }));
    }
    let items = items(&prepared.plan);
    let written: BTreeSet<&str> = items.iter().map(|i| i.key.as_str()).collect();
    let mut watcher = match cluster {
        Some(c) if way.paced() || req.pace.verify => Some(Watcher::new(c, req.pace, &written)),
        _ => None,
    };
    if let (Some(w), true) = (watcher.as_mut(), way.paced()) {
        if let Err(e) = w.probe(&prepared.store, req.pacing).await {
            return Outcome::Applied(Box::new(Report::failed(e, prepared.plan.pending())));
        }
        if !w.fits() && !req.pace.force {
            return Outcome::Refused(Refusal::Busy {
                rate: w.report.rate,
                per_check: w.t,
            });
        }
    }
    let mut report = match watcher.as_mut().filter(|_| way.paced()) {
        Some(w) => {
            apply_paced(
                &mut prepared.store,
                &prepared.plan,
                req.progress,
                w,
                req.pacing,
                req.pace.force,
            )
            .await
        }
        None => apply(&mut prepared.store, &prepared.plan, req.progress).await,
    };
    if let Some(mut w) = watcher {
        if report.error.is_none() && w.report.stalled.is_none() {
            (req.pacing)(Progress::Verifying);
            let done: Vec<(Item, Option<i64>)> = items
                .into_iter()
                .filter(|i| report.written.contains_key(&i.key))
                .map(|i| {
                    let index = report.written.get(&i.key).copied().flatten();
                    (i, index)
                })
                .collect();
            match w.verify(&prepared.store, &done).await {
                Ok(v) => w.report.verdict = Some(v),
                Err(e) => w.report.error = Some(e.to_string()),
            }
        }
        report.pace = Some(w.report);
    }
    report.way = Some(way);
    Outcome::Applied(Box::new(report))
}

/// How a sync of this plan would be written: at once, or paced to a
/// running 9volt.
pub fn way(prepared: &Prepared, mode: pace::Mode) -> Result<Way, String> {
    let items = items(&prepared.plan);
    match &prepared.cluster {
        Some(Ok(c)) => pace::decide(mode, Some(c), &items),
        None => pace::decide(mode, None, &items),
        Some(Err(e)) => match mode {
            pace::Mode::Always => Err(format!("--pace always: cannot read 9volt's state: {e}")),
            _ => Ok(Way::Burst(format!(
                "9volt's state under the prefix could not be read ({e}), so mon cannot follow it"
            ))),
        },
    }
}

/// The writes of a plan in the order they go, as the pacer sees them.
pub fn items(plan: &Plan) -> Vec<Item> {
    writes(plan)
        .iter()
        .map(|c| {
            let after = (c.action != Action::Delete)
                .then_some(())
                .and(c.after.as_ref());
            Item::new(&c.key, c.section == Section::Monitor, after)
        })
        .collect()
}

/// Roughly how long a paced sync of this plan takes.
pub fn estimate(prepared: &Prepared) -> Option<std::time::Duration> {
    match &prepared.cluster {
        Some(Ok(c)) => Some(pace::estimate(c, &items(&prepared.plan))),
        _ => None,
    }
}

impl Report {
    /// Nothing written: `e` stopped the sync before the first write.
    fn failed(e: etcd::Error, pending: usize) -> Report {
        Report {
            error: Some(e),
            not_applied: pending,
            ..Report::default()
        }
    }
}

/// The limits a plan must keep to be applied without `--force`.
pub struct Limits {
    /// At most this many deletions.
    pub max_delete: usize,
    pub force: bool,
}

/// The ownership guard alone, as `mon diff` applies it: the (key, owner)
/// of each defined key another owner holds.
pub fn ownership(plan: &Plan) -> Result<(), Vec<(String, String)>> {
    let all = Limits {
        max_delete: usize::MAX,
        force: true,
    };
    match guard(plan, &all) {
        Err(Refusal::OwnedElsewhere(keys)) => Err(keys),
        _ => Ok(()),
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
    // Per section: naming only the monitors' file must not delete every
    // alerter, however many monitors there are.
    for (section, owned) in &plan.owned_in {
        let own: Vec<String> = deletes
            .iter()
            .filter(|c| c.section == *section && c.owner.as_deref() == Some(plan.owner.as_str()))
            .map(|c| c.key.clone())
            .collect();
        if !own.is_empty() && own.len() * 2 > *owned {
            return Err(Refusal::Most {
                keys: own,
                owned: *owned,
                section: *section,
            });
        }
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
        Action::Add | Action::Change | Action::Adopt => Some(Op::Put {
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

/// Writes the plan at once.
pub async fn apply(store: &mut Store, plan: &Plan, progress: &dyn Fn(u64)) -> Report {
    let changes = writes(plan);
    let by_key: BTreeMap<&str, &Change> = changes.iter().map(|c| (c.key.as_str(), *c)).collect();
    let mut report = Report::default();
    let ops: Vec<Op> = changes.iter().filter_map(|c| op(c)).collect();
    write(store, ops, &by_key, progress, &mut report).await;
    report.conflicts.sort();
    report
}

/// The writes of a plan in the order they go.
fn writes(plan: &Plan) -> Vec<&Change> {
    let mut changes: Vec<&Change> = plan.changes.iter().filter(|c| c.action.writes()).collect();
    changes.sort_by_key(|c| order(c));
    changes
}

/// Writes the plan batch by batch, each after `w` saw 9volt take up the last.
async fn apply_paced(
    store: &mut Store,
    plan: &Plan,
    progress: &dyn Fn(u64),
    w: &mut Watcher,
    pacing: &dyn Fn(Progress),
    force: bool,
) -> Report {
    let changes = writes(plan);
    let by_key: BTreeMap<&str, &Change> = changes.iter().map(|c| (c.key.as_str(), *c)).collect();
    let mut report = Report::default();
    let mut items: Vec<Item> = items(plan);
    let total = items.len();
    let mut rest = items.as_mut_slice();
    let mut size = w.first_batch();
    let mut taken_up = 0;
    while !rest.is_empty() {
        let (batch, tail) = rest.split_at_mut(size.min(rest.len()));
        let has_marker = w.marker_last(batch);
        let (body, last) = if has_marker {
            batch.split_at(batch.len() - 1)
        } else {
            (&batch[..], &batch[..0])
        };
        // The marker goes alone after the rest, so its index is the batch's highest.
        for part in [body, last] {
            let ops: Vec<Op> = part
                .iter()
                .filter_map(|i| op(by_key[i.key.as_str()]))
                .collect();
            if !write(store, ops, &by_key, progress, &mut report).await {
                report.not_applied += tail.len();
                report.conflicts.sort();
                return report;
            }
        }
        w.wrote(batch.len());
        let marker = last
            .first()
            .map(|m| (m, report.written.get(&m.key).copied().flatten()));
        // A marker whose write was a conflict or found already done is no
        // sign of the director: wait on the batch's time instead.
        let marker = marker.filter(|(m, i)| i.is_some() || !report.conflicts.contains(&m.key));
        match w.settle(store, batch, marker).await {
            Ok(true) => {}
            Ok(false) => {
                w.report.stalled = marker.map(|(m, _)| m.key.clone());
                report.not_applied += tail.len();
                report.conflicts.sort();
                return report;
            }
            // etcd went away while we waited: what was written stands,
            // the rest was not sent, as when a write fails.
            Err(e) => {
                report.error = Some(e);
                report.not_applied += tail.len();
                report.conflicts.sort();
                return report;
            }
        }
        w.report.batches += 1;
        taken_up += batch.len();
        // What the batch measured (the director's time a check, 9volt's own
        // traffic) may leave it no room: stop rather than risk the restart.
        if !tail.is_empty() && !w.fits() && !force {
            w.report.busy = Some((w.report.rate, w.t));
            report.not_applied += tail.len();
            report.conflicts.sort();
            return report;
        }
        size = w.batch();
        pacing(Progress::Batch {
            written: taken_up,
            taken_up,
            total,
            batch: size,
            rate: w.report.rate,
        });
        rest = tail;
    }
    report.conflicts.sort();
    report
}

/// Applies ops in etcd's batch limits, counting into `report`. False when
/// an error stopped them: the report then says what was not applied.
async fn write(
    store: &mut Store,
    ops: Vec<Op>,
    by_key: &BTreeMap<&str, &Change>,
    progress: &dyn Fn(u64),
    report: &mut Report,
) -> bool {
    let (max_ops, max_bytes) = store.batch_limits();
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
        let indexes: BTreeMap<&str, i64> =
            done.indexes.iter().map(|(k, i)| (k.as_str(), *i)).collect();
        for key in &done.applied {
            if let Some(c) = by_key.get(key.as_str()) {
                *report.applied.entry(c.action).or_default() += 1;
            }
            report
                .written
                .insert(key.clone(), indexes.get(key.as_str()).copied());
        }
        progress((done.applied.len() + done.conflicts.len()) as u64);
        report.conflicts.extend(done.conflicts.iter().cloned());
        if let Some(e) = done.error {
            report.not_applied = done.not_applied.len() + tail.len();
            report.unknown = done.unknown;
            report.error = Some(e);
            return false;
        }
        rest = tail;
    }
    true
}

/// How a sync would write the plan's changes to a running 9volt, and
/// roughly how long that takes: for the JSON plan, and a line for people.
pub fn preview(p: &Prepared, mode: pace::Mode) -> Option<(serde_json::Value, String)> {
    if p.plan.pending() == 0 {
        return None;
    }
    let (way, paced, why) = match way(p, mode) {
        Ok(w) => (
            if w.paced() { "paced" } else { "burst" },
            w.paced(),
            w.why().to_string(),
        ),
        Err(e) => ("refused", false, e),
    };
    let estimate = estimate(p).filter(|_| paced);
    let json = serde_json::json!({
        "way": way,
        "why": why,
        "estimate_seconds": estimate.map(|d| d.as_secs()),
    });
    let line = match (way, estimate) {
        ("paced", Some(d)) => format!(
            "9volt: a sync writes in batches, each after 9volt's director took up the last, in about {} ({why})",
            crate::model::duration::show(d.as_nanos() as i128 / 1_000_000_000 * 1_000_000_000)
        ),
        ("burst", _) => format!("9volt: a sync writes at once ({why})"),
        _ => format!("9volt: a sync would refuse: {why}"),
    };
    Some((json, line))
}
