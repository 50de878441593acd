use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use serde_json::{json, Value};

use mon::exit::Exit;
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

Writes go to etcd's v2 keyspace, the one 9volt reads, as actions a running 9volt follows at once:
a new key is created, a changed one updated, a removed one deleted. Every value carries
\"mon-owner\": the definitions directory's name (--owner); only keys with this directory's mark are
ever deleted, so monitors made through 9volt's API, by 9volt cfg or by another directory are left
alone. On a terminal a plan that deletes asks first. Nothing is written when any definition is
invalid or the paths hold none. A key someone else changed since the plan read it is reported and
left alone (exit 6); a rerun converges.
Exit codes: 0 applied (or nothing to do), 1 invalid definitions, 2 bad flag, settings or plan file,
3 unreadable path or secret, 5 etcd unreachable, refused the credentials, serves no v2 API or failed
part way, 6 conflicts, 7 refused by a guard (deletions, another owner's keys, no definitions, the
question answered no, or a saved plan that no longer holds).")]
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
    pub select: PlanArgs,
    #[command(flatten)]
    pub owner: OwnerArgs,
    #[command(flatten)]
    pub etcd: EtcdArgs,
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
    let req = sync::Request {
        saved: saved.as_ref(),
        limits: Limits {
            max_delete: args.max_delete,
            force: args.force,
        },
        dry_run: args.dry_run,
        confirm: (interactive && !args.yes).then_some(&confirm as &dyn Fn(usize) -> bool),
        progress: &inc,
    };
    let ran = rt.block_on(sync::run(&mut planned.prepared, req));
    if let Some(bar) = bar.get() {
        bar.finish_and_clear();
    }
    let (outcome, code) = report(ran, &planned.prepared.plan.owner, args.plan.as_deref());
    // JSON is one document, plan and outcome, printed at the end.
    if json {
        if let Err(c) = plan::print(&planned, color, Some(&outcome)) {
            return c;
        }
    }
    code
}

/// Tells the operator how the sync ended; returns the outcome for JSON and the exit code.
fn report(ran: Outcome, owner: &str, plan_file: Option<&std::path::Path>) -> (Value, Exit) {
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
            eprintln!("dry run: nothing was written");
            (json!({"status": "dry-run"}), Exit::Ok)
        }
        Outcome::NothingToDo => (json!({"status": "nothing to do"}), Exit::Ok),
        Outcome::NotConfirmed => {
            eprintln!("not applied: nothing was written");
            (
                json!({"status": "refused", "reason": "not confirmed"}),
                Exit::Refused,
            )
        }
        Outcome::Applied(report) => applied(report),
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
    let mut outcome = json!({
        "status": "applied",
        "applied": {"add": count(Action::Add), "change": count(Action::Change), "delete": count(Action::Delete)},
        "conflicts": report.conflicts,
        "not_applied": report.not_applied,
        "unknown": report.unknown,
        "error": report.error.as_ref().map(|e| e.to_string()),
    });
    if let Some(e) = &report.error {
        outcome["status"] = json!("failed");
        eprintln!(
            "error: {e}\n{} writes were applied before this; {} were not sent.",
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
        eprintln!("Nothing was left half-written: `mon diff` shows what is left, and a rerun of `mon sync` converges.");
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
    (outcome, Exit::Ok)
}

/// Says why the guard refused, and what would change its mind.
fn explain(refusal: &Refusal, owner: &str) {
    match refusal {
        Refusal::OwnedElsewhere(keys) => {
            let list: Vec<String> = keys
                .iter()
                .map(|(k, o)| format!("{k} (owner `{o}`)"))
                .collect();
            eprintln!(
                "error: refusing to sync: {} keys these definitions name belong to other definitions directories:\n  {}\nnothing was written; rename the definitions, remove them from one directory, or pass --take-over to make them `{owner}`'s",
                keys.len(),
                list.join("\n  ")
            );
        }
        Refusal::TooMany { keys, max } => eprintln!(
            "error: refusing to delete {} keys (more than --max-delete {max}):\n  {}\nnothing was written; if this is intended, rerun with --force (or --nosync to keep them)",
            keys.len(),
            keys.join("\n  ")
        ),
        Refusal::Most { keys, owned } => eprintln!(
            "error: refusing to delete {} of the {owned} keys owned by `{owner}` (most of them):\n  {}\nnothing was written; check that the paths hold all the definitions (a single file or the wrong directory looks like this); if this is intended, rerun with --force",
            keys.len(),
            keys.join("\n  ")
        ),
    }
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
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} keys {elapsed}")
            .expect("valid template"),
    );
    bar
}
