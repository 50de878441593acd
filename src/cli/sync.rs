use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;

use mon::exit::Exit;
use mon::ninevolt::pace::{self, Progress};
use mon::ops::sync::{self, Limits};
use mon::settings::etcd::EtcdFlags;
use mon::settings::input::InputFlags;
use mon::settings::owner::OwnerFlags;

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
    #[arg(long, value_name = "SECTION/NAME", num_args = 0..=1, require_equals = true, default_missing_value = "*/*",
          add = clap_complete::ArgValueCandidates::new(mon::complete::ninevolt))]
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
    pub owner: OwnerFlags,
    #[command(flatten)]
    pub etcd: EtcdFlags,
    #[command(flatten)]
    pub input: InputFlags,
}

/// How to follow a running 9volt.
#[derive(clap::Args)]
#[command(next_help_heading = "Following 9volt")]
pub struct PaceArgs {
    /// Write in batches that 9volt's director takes up one by one: auto where 9volt runs and the
    /// change would outrun it, always, or never (one burst; a running 9volt restarts every check)
    #[arg(long, value_enum, default_value_t = pace::Mode::Auto)]
    pub pace: pace::Mode,
    /// After writing, wait until 9volt runs every written check on a living member and no
    /// deleted one (a paced sync always does); exit 11 if it does not within --wait-timeout
    #[arg(long)]
    pub wait: bool,
    /// How long 9volt may take to take up one batch, and the whole change for the final check
    #[arg(long, default_value = "60s", value_parser = mon::model::duration::positive, value_name = "DURATION")]
    pub wait_timeout: std::time::Duration,
    /// How long to watch 9volt's own etcd traffic before a paced sync (longer than its 10 s
    /// state dump, so the dump's burst is seen)
    #[arg(long, default_value = "11s", value_parser = mon::model::duration::positive, value_name = "DURATION")]
    pub probe: std::time::Duration,
}

/// The plan a sync applies: a saved one's, or one from today's flags.
fn planned(
    args: &Args,
    rt: &tokio::runtime::Runtime,
    color: super::Colors,
) -> Result<(plan::Planned, Option<mon::ops::plan::Saved>), Exit> {
    let saved = args.plan.as_deref().map(plan::load).transpose()?;
    let replace = match args.replace.as_slice() {
        [] => None,
        r if r.iter().any(|p| p == "*/*") => Some(Vec::new()),
        r => Some(r.to_vec()),
    };
    let req = Request {
        paths: args.paths.clone(),
        etcd: &args.etcd,
        owner: &args.owner,
        input: &args.input,
        plan: &args.select,
        keep_remote_only: args.nosync,
        replace,
        saved: saved.as_ref(),
        pace: args.pace.pace,
    };
    Ok((plan::build(rt, req, color, "sync")?, saved))
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let rt = mon::etcd::runtime(2);
    let (mut planned, saved) = match planned(&args, &rt, color) {
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
        mode: args.pace.pace,
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
    let (outcome, code) = mon::report::sync::outcome(
        ran,
        &planned.prepared.plan.owner,
        args.plan.as_deref(),
        pending,
        &mut std::io::stderr(),
    );
    // JSON is one document, plan and outcome, printed at the end.
    if json {
        if let Err(c) = plan::print(&planned, color, Some(&outcome)) {
            return c;
        }
    }
    code
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
        other => {
            if let (Progress::Verifying, Some(b)) = (&other, bar.get()) {
                b.finish_and_clear();
            }
            mon::report::sync::progress(&other, &mut std::io::stderr());
        }
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
        indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} keys {elapsed} {msg}")
            .expect("valid template"),
    );
    bar
}
