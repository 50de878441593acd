//! How a sync ended, for people (stderr) and for the JSON outcome, with
//! the exit code each ending means.

use std::io::Write;

use serde_json::{json, Value};

use crate::exit::Exit;
use crate::ninevolt::pace::{Progress, Redistribution};
use crate::plan::{Action, Outcome, PrepareError, Refusal, Report};

/// A line to the operator; a closed stderr is no reason to stop.
macro_rules! say {
    ($w:expr, $($t:tt)*) => {{
        let _ = writeln!($w, $($t)*);
    }};
}

/// Tells the operator how the sync ended; returns the outcome for JSON and the exit code.
pub fn outcome(
    ran: Outcome,
    owner: &str,
    plan_file: Option<&std::path::Path>,
    pending: bool,
    err: &mut dyn Write,
) -> (Value, Exit) {
    match ran {
        Outcome::Stale(differences) => {
            say!(
                err,
                "error: refusing to apply {}: it no longer describes what a sync would do:\n  {}\nnothing was written; run `mon diff --out` again and review the new plan",
                plan_file.map(|p| p.display().to_string()).unwrap_or_default(),
                differences.join("\n  ")
            );
            let outcome =
                json!({"status": "refused", "reason": "stale plan", "differences": differences});
            (outcome, Exit::Refused)
        }
        Outcome::Refused(refusal) => {
            explain(&refusal, owner, err);
            (
                json!({"status": "refused", "reason": refusal.reason()}),
                Exit::Refused,
            )
        }
        Outcome::DryRun => {
            say!(
                err,
                "dry run: nothing was written, and 9volt was not watched"
            );
            // As `mon diff`: 4 while changes are pending.
            let code = if pending {
                Exit::ChangesPending
            } else {
                Exit::Ok
            };
            (json!({"status": "dry-run"}), code)
        }
        Outcome::NothingToDo => (json!({"status": "nothing to do"}), Exit::Ok),
        Outcome::NotConfirmed => {
            say!(err, "not applied: nothing was written");
            (
                json!({"status": "refused", "reason": "not confirmed"}),
                Exit::Refused,
            )
        }
        Outcome::Applied(report) => applied(*report, err),
    }
}

fn applied(report: Report, err: &mut dyn Write) -> (Value, Exit) {
    let count = |a| report.applied.get(&a).copied().unwrap_or(0);
    say!(
        err,
        "applied: {} added, {} changed, {} deleted, {} adopted",
        count(Action::Add),
        count(Action::Change),
        count(Action::Delete),
        count(Action::Adopt)
    );
    let (pace_json, taken_up) = followed(&report, err);
    let mut outcome = json!({
        "status": "applied",
        "applied": {"add": count(Action::Add), "change": count(Action::Change), "delete": count(Action::Delete), "adopt": count(Action::Adopt)},
        "conflicts": report.conflicts,
        "not_applied": report.not_applied,
        "unknown": report.unknown,
        "error": report.error.as_ref().map(|e| e.to_string()),
        "pace": pace_json,
    });
    if let Some(e) = &report.error {
        outcome["status"] = json!("failed");
        say!(
            err,
            "error: {e}\n{} writes were applied before this; {} were not applied.",
            report.total(),
            report.not_applied
        );
        if !report.unknown.is_empty() {
            say!(
                err,
                "{} writes were sent but no answer came, and no endpoint was left to read them back; each was applied whole or not at all:\n  {}",
                report.unknown.len(),
                report.unknown.join("\n  ")
            );
        }
        if matches!(
            e,
            crate::etcd::Error::Auth(_) | crate::etcd::Error::Request(_)
        ) {
            // etcd answered no: a rerun meets the same answer.
            outcome["status"] = json!("refused");
            say!(err, "etcd refused the write; nothing was left half-written, and a rerun is refused the same way until the hint below is followed.");
        } else {
            say!(err, "Nothing was left half-written: `mon diff` shows what is left, and a rerun of `mon sync` converges.");
        }
        say!(err, "hint: {}", etcd_hint(e));
        return (outcome, Exit::Unreachable);
    }
    if !report.conflicts.is_empty() {
        outcome["status"] = json!("conflicts");
        say!(
                err,
            "error: {} keys changed in etcd since they were read and were left as the other writer made them:\n  {}\nrerun `mon diff` to see them, then `mon sync` again",
            report.conflicts.len(),
            report.conflicts.join("\n  ")
        );
        return (outcome, Exit::Conflict);
    }
    if report.pace.as_ref().is_some_and(|p| p.busy.is_some()) {
        outcome["status"] = json!("refused");
        return (outcome, Exit::Refused);
    }
    if !taken_up {
        outcome["status"] = json!("not taken up");
        return (outcome, Exit::NotTakenUp);
    }
    (outcome, Exit::Ok)
}

/// Says how the writes went to 9volt and what it made of them; returns
/// that for JSON, and whether 9volt took up everything.
fn followed(report: &Report, err: &mut dyn Write) -> (Value, bool) {
    let Some(way) = &report.way else {
        return (Value::Null, true);
    };
    let Some(p) = &report.pace else {
        say!(err, "written at once: {}", way.why());
        return (json!({"way": "burst", "why": way.why()}), true);
    };
    if way.paced() {
        say!(
                err,
            "written in {} batches, each after 9volt's director took up the last (busiest background: {:.0} events/s)",
            p.batches, p.rate
        );
    } else {
        say!(err, "written at once: {}", way.why());
    }
    let mut restarts = 0;
    for r in &p.redistributions {
        match r {
            Redistribution::Restart { after_written } => {
                restarts += 1;
                say!(err, "error: 9volt redistributed every check during the sync, with the same members (a restart: its director's watch fell out of etcd's window, or another member took over), after {after_written} keys were written; every running check was stopped and started again")
            }
            Redistribution::Members { left, joined } => say!(
                err,
                "warning: 9volt's members changed during the sync (left: {}; joined: {}); 9volt redistributes every check when that happens",
                list(left),
                list(joined)
            ),
        }
    }
    if let Some(key) = &p.stalled {
        say!(err, "error: 9volt's director did not take up the batch ending in {key} within --wait-timeout; the rest was not written. Is 9volt running? `mon status` shows what it runs");
    }
    if let Some(e) = &p.error {
        say!(err, "error: reading 9volt's state failed: {e}");
    }
    if let Some((rate, per_check)) = p.busy {
        busy(rate, per_check, "the rest was not written", err);
    }
    if let Some(v) = &p.verdict {
        for (what, keys) in [
            ("written but on no living member", &v.missing),
            ("deleted but still on a member", &v.not_deleted),
            (
                "on more than one member (two directors at once)",
                &v.duplicates,
            ),
        ] {
            if !keys.is_empty() {
                say!(
                    err,
                    "error: {} checks {what}:\n  {}",
                    keys.len(),
                    keys.join("\n  ")
                );
            }
        }
        if !v.unassignable.is_empty() {
            let list: Vec<String> = v
                .unassignable
                .iter()
                .map(|(k, why)| format!("{k}: {why}"))
                .collect();
            say!(
                err,
                "error: {} checks cannot run on any living member; 9volt leaves them unassigned:\n  {}",
                list.len(),
                list.join("\n  ")
            );
        }
        if v.ok() {
            say!(err, "9volt took up every change");
        }
    }
    let json = json!({
        "way": if way.paced() { "paced" } else { "burst" },
        "why": way.why(),
        "batches": p.batches,
        "busiest_background_events_per_second": p.rate,
        "restarts": restarts,
        "stalled": p.stalled,
        "busy": p.busy.map(|(rate, t)| json!({"events_per_second": rate, "seconds_per_check": t})),
        "error": p.error,
        "verdict": p.verdict.as_ref().map(|v| json!({
            "missing": v.missing,
            "not_deleted": v.not_deleted,
            "duplicates": v.duplicates,
            "unassignable": v.unassignable.iter().map(|(k, why)| json!({"key": k, "why": why})).collect::<Vec<_>>(),
        })),
    });
    (json, p.taken_up())
}

fn list(ids: &[String]) -> String {
    if ids.is_empty() {
        "none".into()
    } else {
        ids.join(", ")
    }
}

/// Says why the guard refused, and what would change its mind.
pub fn explain(refusal: &Refusal, owner: &str, err: &mut dyn Write) {
    match refusal {
        Refusal::OwnedElsewhere(keys) => owned_elsewhere(keys, owner, "sync", err),
        Refusal::TooMany { keys, max } => say!(
                err,
            "error: refusing to delete {} keys (more than --max-delete {max}):\n  {}\nnothing was written; if this is intended, rerun with --force (or --nosync to keep them)",
            keys.len(),
            keys.join("\n  ")
        ),
        Refusal::Busy { rate, per_check } => busy(*rate, *per_check, "nothing was written", err),
        Refusal::Pace(e) => say!(err, "error: {e}\nnothing was written"),
        Refusal::Most {
            keys,
            owned,
            section,
        } => say!(
            err,
            "error: refusing to delete {} of the {owned} {} keys owned by `{owner}` (most of them):\n  {}\nnothing was written; check that the paths hold all the definitions (a single file or the wrong directory looks like this); if this is intended, rerun with --force",
            keys.len(),
            section.key(),
            keys.join("\n  ")
        ),
    }
}

/// Why 9volt cannot follow, and what would let it.
fn busy(rate: f64, per_check: f64, written: &str, err: &mut dyn Write) {
    say!(
                err,
        "error: refusing to sync on: 9volt's own traffic reached {rate:.0} events/s, so etcd's v2 window of 1,000 events turns over in {:.1} s, while its director needs about {:.0} ms a check: even one check at a time could push its watch out of the window and restart every check.\n{written}; let 9volt write less (a longer StateDumpInterval in <prefix>/config, 10s by default; longer check intervals), sync at a quieter time, or rerun with --force to go one check at a time anyway",
        1000.0 / rate.max(1.0),
        per_check * 1000.0
    );
}

/// Why keys these definitions name are not theirs to write, and how to
/// claim them: when one other owner holds them all, these are most likely
/// that owner's definitions under another name.
pub fn owned_elsewhere(keys: &[(String, String)], owner: &str, verb: &str, err: &mut dyn Write) {
    let list: Vec<String> = keys
        .iter()
        .map(|(k, o)| format!("{} (owner `{}`)", super::shown(k), super::shown(o)))
        .collect();
    say!(
                err,
        "error: refusing to {verb}: {} keys these definitions name belong to another owner:\n  {}\nnothing was written",
        keys.len(),
        list.join("\n  ")
    );
    let mut owners: Vec<&str> = keys.iter().map(|(_, o)| o.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    if let [one] = owners[..] {
        let one = super::shown(one);
        say!(
                err,
            "hint: if these definitions are `{one}`'s (its repository under another remote, or from before mon derived owners from the repository), claim them without rewriting anything: `owner = \"{one}\"` in mon.toml, or --owner {one}"
        );
    }
    say!(
                err,
        "hint: otherwise rename the definitions or remove them from one repository; --take-over rewrites each key as `{owner}`'s (9volt restarts every such check)"
    );
}

/// What to look at after an etcd error, by its kind.
pub fn etcd_hint(e: &crate::etcd::Error) -> &'static str {
    use crate::etcd::Error;
    match e {
        Error::Connect(_) => "check --endpoints (or ETCDCTL_ENDPOINTS) and that etcd is running",
        Error::Auth(_) => {
            "check --user and --password (or ETCDCTL_USER, ETCDCTL_PASSWORD, --password-file); \
             the user needs read and write permission on the keys under --prefix"
        }
        Error::Request(_) => "etcd's own message above says what it refused",
        Error::NoV2(_) => {
            "9volt reads only etcd's v2 keyspace: start etcd 3.4 or 3.5 with --enable-v2=true \
             (etcd 3.6 removed the v2 API, and 9volt cannot run against it); \
             --etcd-api v3 writes where 9volt never looks"
        }
    }
}

/// Says why nothing could be planned, and picks the exit code.
pub fn prepare_failed(
    e: PrepareError,
    color: bool,
    verb: &str,
    err: &mut dyn Write,
) -> (Exit, Value) {
    // What a JSON document carries besides the exit code: the findings of
    // invalid definitions, or the messages.
    let details = match &e {
        PrepareError::Invalid(loaded) => {
            let mut buf = Vec::new();
            let _ = crate::report::write(
                crate::report::Format::Json,
                &crate::report::Report::of(loaded),
                &mut buf,
                false,
            );
            serde_json::from_slice(&buf).unwrap_or(Value::Null)
        }
        PrepareError::TooLarge(m) | PrepareError::Secrets(m) => json!({ "errors": m }),
        _ => Value::Null,
    };
    (explain_prepare(e, color, verb, err), details)
}

fn explain_prepare(e: PrepareError, color: bool, verb: &str, err: &mut dyn Write) -> Exit {
    match e {
        PrepareError::Path(e) => {
            say!(err, "error: {}: {}", e.path.display(), e.message);
            Exit::Io
        }
        PrepareError::NoDefinitions(paths) => {
            let looked: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            say!(
                err,
                "error: refusing to {verb}: no definitions in {} (looked for *.yaml, *.yml and *.toml files defining monitors, alerters or other sections)\nhint: run mon in the definitions directory or name it; nothing was written",
                looked.join(", ")
            );
            Exit::Refused
        }
        PrepareError::TooLarge(errors) => {
            for e in errors {
                say!(err, "error: {e}");
            }
            say!(
                err,
                "error: refusing to {verb}: values too large for etcd; nothing was written"
            );
            Exit::Invalid
        }
        PrepareError::Invalid(loaded) => crate::report::refuse(
            &loaded,
            color,
            &format!("refusing to {verb}"),
            "written",
            err,
        ),
        PrepareError::Secrets(errors) => {
            for e in errors {
                say!(err, "error: {e}");
            }
            say!(
                err,
                "error: refusing to {verb}: secrets cannot be resolved; nothing was written"
            );
            Exit::Io
        }
        PrepareError::Etcd(e) => {
            say!(
                err,
                "error: {e}\nhint: {}; nothing was written",
                etcd_hint(&e)
            );
            Exit::Unreachable
        }
    }
}

/// How pacing goes, said once at each step (the per-batch progress is the
/// command's bar).
pub fn progress(p: &Progress, err: &mut dyn Write) {
    match p {
        Progress::Probing(d) => say!(
            err,
            "9volt runs here: watching its own etcd traffic for {} before writing",
            crate::model::duration::show(d.as_nanos() as i128)
        ),
        Progress::Probed {
            rate,
            batch,
            traffic_cap,
        } => {
            say!(
                err,
                "9volt's own traffic: busiest {rate:.0} events/s; writing in batches from {batch} keys, each after 9volt's director took up the last"
            );
            if let Some(cap) = traffic_cap {
                say!(
                    err,
                    "warning: 9volt's own traffic turns etcd's v2 window over every {:.1} s, so batches stay at {cap} keys or fewer (a longer StateDumpInterval in <prefix>/config, or longer check intervals, would let them grow)",
                    1000.0 / rate.max(1.0)
                );
            }
        }
        Progress::Batch { .. } => {}
        Progress::Verifying => say!(
            err,
            "checking that 9volt runs every written check and no deleted one"
        ),
    }
}

/// Warns of each glob that selected nothing and refuses each name that
/// did; false when the plan must not be used.
pub fn unmatched(plan: &crate::plan::Plan, verb: &str, err: &mut dyn Write) -> bool {
    for u in &plan.unmatched {
        say!(err, "{}: {u}", if u.glob { "warning" } else { "error" });
    }
    let ok = plan.unmatched.iter().all(|u| u.glob);
    if !ok {
        say!(
            err,
            "error: refusing to {verb}: a selection names nothing; nothing was written"
        );
    }
    ok
}

/// What the operator should know about a plan that is still usable: keys
/// mon cannot address, and settings files that are not read.
pub fn warn(plan: &crate::plan::Plan, other_settings: &[String], err: &mut dyn Write) {
    for w in other_settings {
        say!(err, "warning: {w}");
    }
    for key in &plan.unreadable {
        say!(
            err,
            "warning: {key:?} is not a UTF-8 key; mon cannot address it and leaves it alone (9volt cannot read it either: delete it with etcdctl)"
        );
    }
}
