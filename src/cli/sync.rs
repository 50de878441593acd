use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use serde_json::{json, Value};

use mon::exit::Exit;
use mon::ninevolt::pace::{self, Progress, Redistribution};
use mon::ops::plan::Action;
use mon::ops::sync::{self, Limits, Outcome, Refusal};

use super::etcd::{EtcdArgs, OwnerArgs};
use super::plan::{self, PlanArgs, PlanFormat, Request};

/// Write the definitions into etcd in 9volt's layout, guarded against concurrent writers
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon sync --nosync                  # definitions in . into http://127.0.0.1:2379, deleting nothing
  mon sync defs/ --dry-run           # show the plan, write nothing at all
  mon sync defs/ --yes               # apply without asking, even on a terminal
  mon sync defs/ --only 'monitor/web-*' --replace=monitor/web-1   # touch a few; restart one
  mon sync defs/ --plan plan.json    # apply exactly the plan `mon diff --out` saved, or refuse
  mon sync -e http://etcd1:2379 -p 9volt defs/    # 9volt's own flag names work too
  mon sync defs/ --wait              # then wait until 9volt runs every written check (`mon status`)

Writes go to etcd's v2 keyspace, the one 9volt reads, as actions a running 9volt follows at once:
a new key is created, a changed one updated, a removed one deleted. Every value carries
\"mon-owner\": the git repository the definitions are in (its origin remote, so every clone and CI
checkout is one owner), or `owner` in mon.toml, or --owner; only keys with this mark are ever
deleted, so monitors made through 9volt's API, by 9volt cfg or by another repository are left
alone. On a terminal a plan that deletes asks first. Nothing is written when any definition is
invalid or the paths hold none. A key someone else changed since the plan read it is reported and
left alone (exit 6); a rerun converges.

A running 9volt follows each write through a watch that etcd's v2 API keeps only 1,000 events
deep; a change that moves past its director makes every 9volt member restart all checks. So where
9volt runs (live members under <prefix>/cluster/members) and the change is larger than half that
window, mon first watches 9volt's own traffic (--probe), then writes in batches, each only after the
director has taken up the last (--pace), and checks at the end that every written check is on a
living member and every deleted one is gone. --wait makes that check after any sync.

Exit codes: 0 applied (or nothing to do), 4 --dry-run with changes pending, 1 invalid definitions, 2 bad flag, settings or plan file,
3 unreadable path or secret, 5 etcd unreachable, refused the credentials, serves no v2 API or failed
part way, 6 conflicts, 7 refused by a guard (deletions, another owner's keys, no definitions, the
question answered no, a saved plan that no longer holds, or a 9volt too busy to follow),
11 9volt did not take up the change (see `mon status`).")]
pub struct Args {
    /// Definition files or directories [default: . or paths in mon.toml]
    pub paths: Vec<PathBuf>,
    /// Keep keys that exist only in etcd instead of deleting them (9volt cfg's --nosync)
    #[arg(long)]
    pub nosync: bool,
    /// Show the plan and write nothing
    #[arg(long, visible_alias = "dryrun")]
    pub dry_run: bool,
    /// Rewrite values that are already equal, all or those matching SECTION/NAME (repeatable;
    /// a running 9volt restarts those checks)
    #[arg(long, value_name = "SECTION/NAME", num_args = 0..=1, require_equals = true, default_missing_value = "*/*")]
    pub replace: Vec<String>,
    /// Apply exactly this plan, saved by `mon diff --out`; refuse if etcd or the definitions changed
    #[arg(long, value_name = "FILE", conflicts_with_all = ["nosync", "replace", "only", "exclude", "prune_unowned", "take_over"])]
    pub plan: Option<PathBuf>,
    /// Refuse to delete more than this many keys without --force
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_delete: usize,
    /// Delete more than --max-delete keys, or most of what these definitions own
    #[arg(long)]
    pub force: bool,
    /// Apply a plan that deletes without asking (the question is only asked on a terminal)
    #[arg(long, short = 'y')]
    pub yes: bool,
    #[command(flatten)]
    pub pace: PaceArgs,
    #[command(flatten)]
    pub select: PlanArgs,
    #[command(flatten)]
    pub owner: OwnerArgs,
    #[command(flatten)]
    pub etcd: EtcdArgs,
}

/// How to follow a running 9volt.
#[derive(clap::Args)]
#[command(next_help_heading = "Following 9volt")]
pub struct PaceArgs {
    /// Write in batches that 9volt's director takes up one by one: auto where 9volt runs and the
    /// change would outrun it, always, or never (one burst; a running 9volt restarts every check)
    #[arg(long, value_enum, default_value_t = PaceArg::Auto)]
    pub pace: PaceArg,
    /// After writing, wait until 9volt runs every written check on a living member and no
    /// deleted one (a paced sync always does); exit 11 if it does not within --wait-timeout
    #[arg(long)]
    pub wait: bool,
    /// How long 9volt may take to take up one batch, and the whole change for the final check
    #[arg(long, default_value = "60s", value_parser = super::send::go_duration, value_name = "DURATION")]
    pub wait_timeout: std::time::Duration,
    /// How long to watch 9volt's own etcd traffic before a paced sync (longer than its 10 s
    /// state dump, so the dump's burst is seen)
    #[arg(long, default_value = "11s", value_parser = super::send::go_duration, value_name = "DURATION")]
    pub probe: std::time::Duration,
}

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaceArg {
    Auto,
    Always,
    Never,
}

impl PaceArg {
    fn mode(self) -> pace::Mode {
        match self {
            PaceArg::Auto => pace::Mode::Auto,
            PaceArg::Always => pace::Mode::Always,
            PaceArg::Never => pace::Mode::Never,
        }
    }
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let rt = super::runtime();
    let saved = match &args.plan {
        Some(path) => match plan::load(path) {
            Ok(s) => Some(s),
            Err(code) => return code,
        },
        None => None,
    };
    let replace = match args.replace.as_slice() {
        [] => None,
        r if r.iter().any(|p| p == "*/*") => Some(Vec::new()),
        r => Some(r.to_vec()),
    };
    let req = Request {
        paths: args.paths,
        etcd: &args.etcd,
        owner: &args.owner,
        plan: &args.select,
        keep_remote_only: args.nosync,
        replace,
        saved: saved.as_ref(),
        pace: args.pace.pace.mode(),
    };
    let mut planned = match plan::build(&rt, req, color, "sync") {
        Ok(p) => p,
        Err(code) => return code,
    };
    let json = planned.format == PlanFormat::Json;
    if !json {
        if let Err(code) = plan::print(&planned, color, None) {
            return code;
        }
    }
    let interactive = std::io::stdin().is_terminal() && std::io::stderr().is_terminal();
    // Made at the first write, so it never draws over the question.
    let total = planned.prepared.plan.pending() as u64;
    let bar = std::cell::OnceCell::new();
    let inc = |n| bar.get_or_init(|| progress(total)).inc(n);
    let settings = pace::Settings {
        mode: args.pace.pace.mode(),
        probe: args.pace.probe,
        wait: args.pace.wait_timeout,
        verify: args.pace.wait,
        force: args.force,
    };
    let last_line = std::cell::Cell::new(std::time::Instant::now());
    let pacing = |p: Progress| pacing(p, &bar, total, &last_line);
    let req = sync::Request {
        saved: saved.as_ref(),
        limits: Limits {
            max_delete: args.max_delete,
            force: args.force,
        },
        dry_run: args.dry_run,
        confirm: (interactive && !args.yes).then_some(&confirm as &dyn Fn(usize) -> bool),
        progress: &inc,
        pace: &settings,
        pacing: &pacing,
    };
    let pending = planned.prepared.plan.pending() > 0;
    let ran = rt.block_on(sync::run(&mut planned.prepared, req));
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    let (outcome, code) = report(
        ran,
        &planned.prepared.plan.owner,
        args.plan.as_deref(),
        pending,
    );
    // JSON is one document, plan and outcome, printed at the end.
    if json {
        if let Err(c) = plan::print(&planned, color, Some(&outcome)) {
            return c;
        }
    }
    code
}

/// Tells the operator how the sync ended; returns the outcome for JSON and the exit code.
fn report(
    ran: Outcome,
    owner: &str,
    plan_file: Option<&std::path::Path>,
    pending: bool,
) -> (Value, Exit) {
    match ran {
        Outcome::Stale(differences) => {
            eprintln!(
                "error: refusing to apply {}: it no longer describes what a sync would do:\n  {}\nnothing was written; run `mon diff --out` again and review the new plan",
                plan_file.map(|p| p.display().to_string()).unwrap_or_default(),
                plan::keys(&differences)
            );
            let outcome =
                json!({"status": "refused", "reason": "stale plan", "differences": differences});
            (outcome, Exit::Refused)
        }
        Outcome::Refused(refusal) => {
            explain(&refusal, owner);
            (
                json!({"status": "refused", "reason": refusal.reason()}),
                Exit::Refused,
            )
        }
        Outcome::DryRun => {
            eprintln!("dry run: nothing was written, and 9volt was not watched");
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
            eprintln!("not applied: nothing was written");
            (
                json!({"status": "refused", "reason": "not confirmed"}),
                Exit::Refused,
            )
        }
        Outcome::Applied(report) => applied(*report),
    }
}

fn applied(report: sync::Report) -> (Value, Exit) {
    let count = |a| report.applied.get(&a).copied().unwrap_or(0);
    eprintln!(
        "applied: {} added, {} changed, {} deleted",
        count(Action::Add),
        count(Action::Change),
        count(Action::Delete)
    );
    let (pace_json, taken_up) = followed(&report);
    let mut outcome = json!({
        "status": "applied",
        "applied": {"add": count(Action::Add), "change": count(Action::Change), "delete": count(Action::Delete)},
        "conflicts": report.conflicts,
        "not_applied": report.not_applied,
        "unknown": report.unknown,
        "error": report.error.as_ref().map(|e| e.to_string()),
        "pace": pace_json,
    });
    if let Some(e) = &report.error {
        outcome["status"] = json!("failed");
        eprintln!(
            "error: {e}\n{} writes were applied before this; {} were not applied.",
            report.total(),
            report.not_applied
        );
        if !report.unknown.is_empty() {
            eprintln!(
                "{} writes were sent but no answer came, and no endpoint was left to read them back; each was applied whole or not at all:\n  {}",
                report.unknown.len(),
                report.unknown.join("\n  ")
            );
        }
        if matches!(e, mon::etcd::Error::Auth(_) | mon::etcd::Error::Request(_)) {
            // etcd answered no: a rerun meets the same answer.
            outcome["status"] = json!("refused");
            eprintln!("etcd refused the write; nothing was left half-written, and a rerun is refused the same way until the hint below is followed.");
        } else {
            eprintln!("Nothing was left half-written: `mon diff` shows what is left, and a rerun of `mon sync` converges.");
        }
        eprintln!("hint: {}", super::etcd_hint(e));
        return (outcome, Exit::Unreachable);
    }
    if !report.conflicts.is_empty() {
        outcome["status"] = json!("conflicts");
        eprintln!(
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
fn followed(report: &sync::Report) -> (Value, bool) {
    let Some(way) = &report.way else {
        return (Value::Null, true);
    };
    let Some(p) = &report.pace else {
        eprintln!("written at once: {}", way.why());
        return (json!({"way": "burst", "why": way.why()}), true);
    };
    if way.paced() {
        eprintln!(
            "written in {} batches, each after 9volt's director took up the last (busiest background: {:.0} events/s)",
            p.batches, p.rate
        );
    } else {
        eprintln!("written at once: {}", way.why());
    }
    let mut restarts = 0;
    for r in &p.redistributions {
        match r {
            Redistribution::Restart { after_written } => {
                restarts += 1;
                eprintln!("error: 9volt redistributed every check during the sync, with the same members (a restart: its director's watch fell out of etcd's window, or another member took over), after {after_written} keys were written; every running check was stopped and started again")
            }
            Redistribution::Members { left, joined } => eprintln!(
                "warning: 9volt's members changed during the sync (left: {}; joined: {}); 9volt redistributes every check when that happens",
                list(left),
                list(joined)
            ),
        }
    }
    if let Some(key) = &p.stalled {
        eprintln!("error: 9volt's director did not take up the batch ending in {key} within --wait-timeout; the rest was not written. Is 9volt running? `mon status` shows what it runs");
    }
    if let Some(e) = &p.error {
        eprintln!("error: reading 9volt's state failed: {e}");
    }
    if let Some((rate, per_check)) = p.busy {
        busy(rate, per_check, "the rest was not written");
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
                eprintln!(
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
            eprintln!(
                "error: {} checks cannot run on any living member; 9volt leaves them unassigned:\n  {}",
                list.len(),
                list.join("\n  ")
            );
        }
        if v.ok() {
            eprintln!("9volt took up every change");
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

/// Shows how pacing goes: the bar's message on a terminal, a line every
/// 15 s otherwise.
fn pacing(
    p: Progress,
    bar: &std::cell::OnceCell<indicatif::ProgressBar>,
    total: u64,
    last: &std::cell::Cell<std::time::Instant>,
) {
    match p {
        Progress::Probing(d) => eprintln!(
            "9volt runs here: watching its own etcd traffic for {} before writing",
            mon::model::duration::show(d.as_nanos() as i128)
        ),
        Progress::Probed {
            rate,
            batch,
            traffic_cap,
        } => {
            eprintln!(
                "9volt's own traffic: busiest {rate:.0} events/s; writing in batches from {batch} keys, each after 9volt's director took up the last"
            );
            if let Some(cap) = traffic_cap {
                eprintln!(
                    "warning: 9volt's own traffic turns etcd's v2 window over every {:.1} s, so batches stay at {cap} keys or fewer (a longer StateDumpInterval in <prefix>/config, or longer check intervals, would let them grow)",
                    1000.0 / rate.max(1.0)
                );
            }
        }
        Progress::Batch {
            taken_up,
            total: of,
            batch,
            ..
        } => {
            let bar = bar.get_or_init(|| progress(total));
            bar.set_message(format!("taken up by 9volt; next batch {batch}"));
            if bar.is_hidden() && last.get().elapsed() >= std::time::Duration::from_secs(15) {
                last.set(std::time::Instant::now());
                eprintln!("paced: {taken_up} of {of} keys written and taken up by 9volt");
            }
        }
        Progress::Verifying => {
            if let Some(b) = bar.get() {
                b.finish_and_clear();
            }
            eprintln!("checking that 9volt runs every written check and no deleted one");
        }
    }
}

/// Says why the guard refused, and what would change its mind.
fn explain(refusal: &Refusal, owner: &str) {
    match refusal {
        Refusal::OwnedElsewhere(keys) => plan::owned_elsewhere(keys, owner, "sync"),
        Refusal::TooMany { keys, max } => eprintln!(
            "error: refusing to delete {} keys (more than --max-delete {max}):\n  {}\nnothing was written; if this is intended, rerun with --force (or --nosync to keep them)",
            keys.len(),
            keys.join("\n  ")
        ),
        Refusal::Busy { rate, per_check } => busy(*rate, *per_check, "nothing was written"),
        Refusal::Pace(e) => eprintln!("error: {e}\nnothing was written"),
        Refusal::Most { keys, owned } => eprintln!(
            "error: refusing to delete {} of the {owned} keys owned by `{owner}` (most of them):\n  {}\nnothing was written; check that the paths hold all the definitions (a single file or the wrong directory looks like this); if this is intended, rerun with --force",
            keys.len(),
            keys.join("\n  ")
        ),
    }
}

/// Why 9volt cannot follow, and what would let it.
fn busy(rate: f64, per_check: f64, written: &str) {
    eprintln!(
        "error: refusing to sync on: 9volt's own traffic reached {rate:.0} events/s, so etcd's v2 window of 1,000 events turns over in {:.1} s, while its director needs about {:.0} ms a check: even one check at a time could push its watch out of the window and restart every check.\n{written}; let 9volt write less (a longer StateDumpInterval in <prefix>/config, 10s by default; longer check intervals), sync at a quieter time, or rerun with --force to go one check at a time anyway",
        1000.0 / rate.max(1.0),
        per_check * 1000.0
    );
}

/// Asks on the terminal; anything but yes is no.
fn confirm(deletes: usize) -> bool {
    eprint!("Apply this plan, deleting {deletes} keys? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return false;
    }
    matches!(line.trim().to_ascii_lowercase().as_str(), "y" | "yes")
}

/// A progress bar on a terminal for large syncs; nothing when piped.
fn progress(total: u64) -> indicatif::ProgressBar {
    // TERM=dumb cannot redraw a line in place.
    if total < 500
        || !std::io::stderr().is_terminal()
        || std::env::var_os("TERM").is_some_and(|t| t == "dumb")
    {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} keys {elapsed} {msg}")
            .expect("valid template"),
    );
    bar
}
