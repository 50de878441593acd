use std::io::IsTerminal;
use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::plan::{Action, PlanOptions};
use mon::ops::sync;

use super::etcd::EtcdArgs;
use super::PlanFormat;

/// Write the definitions into etcd in 9volt's layout, guarded against concurrent writers
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon sync --nosync                  # definitions in . into http://127.0.0.1:2379, deleting nothing
  mon sync defs/ --dry-run           # show the plan, write nothing at all
  mon sync defs/ --etcd-api v2       # the keyspace a running 9volt reads
  mon sync defs/ --max-delete 100    # allow a larger cleanup; --force lifts the guard

Nothing is written when any definition is invalid. Each write is guarded by the revision the plan
read, so a key someone else changed meanwhile is reported and left alone (exit 6); a rerun converges.
Exit codes: 0 applied (or nothing to do), 1 invalid definitions, 3 unreadable path or secret,
5 etcd unreachable, refused the credentials or failed part way, 6 conflicts,
7 refused by the deletion guard.")]
pub struct Args {
    /// Definition files or directories [default: .]
    pub paths: Vec<PathBuf>,
    /// Keep keys that exist only in etcd instead of deleting them (9volt cfg's --nosync)
    #[arg(long)]
    pub nosync: bool,
    /// Show the plan and write nothing
    #[arg(long, visible_alias = "dryrun")]
    pub dry_run: bool,
    /// Rewrite values that are already equal (restarts those checks in 9volt)
    #[arg(long)]
    pub replace: bool,
    /// Refuse to delete more than this many keys without --force
    #[arg(long, default_value_t = 20, value_name = "N")]
    pub max_delete: usize,
    /// Delete even more than --max-delete keys
    #[arg(long)]
    pub force: bool,
    /// Output format of the plan
    #[arg(long, short = 'f', value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    #[command(flatten)]
    pub etcd: EtcdArgs,
}

pub fn run(args: Args, color: bool) -> Exit {
    let opts = PlanOptions {
        keep_remote_only: args.nosync,
        replace: args.replace,
    };
    let rt = super::runtime();
    let mut prepared = match super::show_plan(
        &rt,
        args.paths,
        &args.etcd,
        &opts,
        args.format,
        color,
        "sync",
    ) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let plan = &prepared.plan;

    let deletes: Vec<&str> = plan
        .changes
        .iter()
        .filter(|c| c.action == Action::Delete)
        .map(|c| c.key.as_str())
        .collect();
    if deletes.len() > args.max_delete && !args.force {
        eprintln!(
            "error: refusing to delete {} keys (more than --max-delete {}):\n  {}\nnothing was written; if this is intended, rerun with --force (or --nosync to keep them)",
            deletes.len(),
            args.max_delete,
            deletes.join("\n  ")
        );
        return Exit::Refused;
    }
    if args.dry_run {
        eprintln!("dry run: nothing was written");
        return Exit::Ok;
    }
    if plan.pending() == 0 {
        return Exit::Ok;
    }

    let bar = progress(plan.pending() as u64);
    let report = rt.block_on(sync::apply(&mut prepared.store, &prepared.plan, &|n| {
        bar.inc(n)
    }));
    bar.finish_and_clear();

    let count = |a| report.applied.get(&a).copied().unwrap_or(0);
    eprintln!(
        "applied: {} added, {} changed, {} deleted",
        count(Action::Add),
        count(Action::Change),
        count(Action::Delete)
    );
    if let Some(e) = &report.error {
        eprintln!(
            "error: {e}\n{} writes were applied before this; {} were not. Nothing was left half-written: rerun `mon sync` to converge.",
            report.total(),
            report.not_applied
        );
        if matches!(e, mon::etcd::Error::Auth(_)) {
            eprintln!("hint: {}", super::etcd_hint(e));
        }
        return Exit::Unreachable;
    }
    if !report.conflicts.is_empty() {
        eprintln!(
            "error: {} keys changed in etcd since they were read and were left as they are:\n  {}\nrerun `mon diff` to see them, then `mon sync` again",
            report.conflicts.len(),
            report.conflicts.join("\n  ")
        );
        return Exit::Conflict;
    }
    Exit::Ok
}

/// A progress bar on a terminal for large syncs; nothing when piped.
fn progress(total: u64) -> indicatif::ProgressBar {
    if total < 500 || !std::io::stderr().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(total);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} keys {elapsed}")
            .expect("valid template"),
    );
    bar
}
