//! What `diff` and `sync` share: the flags that shape a plan, building it
//! from definitions, settings and etcd, and printing it in each format.

use std::path::PathBuf;

use clap::ValueEnum;

use mon::exit::Exit;
use mon::ninevolt::pace::Mode;
use mon::ops::plan::{PlanOptions, Prepared};
use mon::select::Selection;

use super::etcd::{EtcdArgs, OwnerArgs};

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// Changed keys with unified diffs, for people
    Text,
    /// One line per key to write or delete, then the summary
    Short,
    /// The plan as one JSON document (with the outcome, for sync)
    Json,
}

/// Selection and output, the same for diff and sync.
#[derive(clap::Args, Clone)]
pub struct PlanArgs {
    /// Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*
    #[arg(long, value_name = "SECTION/NAME")]
    pub only: Vec<String>,
    /// Leave out these definitions and keys, as SECTION/NAME globs (repeatable)
    #[arg(long, value_name = "SECTION/NAME")]
    pub exclude: Vec<String>,
    /// Output format of the plan [default: text, or [plan] format in mon.toml]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<PlanFormat>,
    /// Lines of unchanged JSON around each change in text diffs [default: all]
    #[arg(long, value_name = "N")]
    pub context: Option<usize>,
}

/// How to plan: what to keep, rewrite and own.
pub struct Request<'a> {
    pub paths: Vec<PathBuf>,
    pub etcd: &'a EtcdArgs,
    pub owner: &'a OwnerArgs,
    pub plan: &'a PlanArgs,
    pub keep_remote_only: bool,
    /// None: no --replace; empty: all; else SECTION/NAME globs.
    pub replace: Option<Vec<String>>,
    /// Settings from a saved plan, which win over the flags.
    pub saved: Option<&'a mon::ops::plan::Saved>,
    /// How a sync would follow a running 9volt.
    pub pace: Mode,
}

pub struct Planned {
    pub prepared: Prepared,
    pub options: PlanOptions,
    pub api: &'static str,
    pub format: PlanFormat,
    pub context: Option<usize>,
    pub pace: Mode,
}

fn usage(e: String) -> Exit {
    eprintln!("error: {e}");
    Exit::Usage
}

/// Loads settings and definitions, reads etcd and builds the plan.
pub fn build(
    rt: &tokio::runtime::Runtime,
    req: Request,
    color: super::Colors,
    verb: &str,
) -> Result<Planned, Exit> {
    let cfg = super::settings(&req.paths)?;
    let paths = super::paths_or_configured(req.paths, cfg.as_ref());
    super::allow_secrets_under(&paths);
    let resolved = super::connection(req.etcd, cfg.as_ref())?;
    let mut options = resolved.options;
    let mut prefix = resolved.prefix;
    let owner = match req.owner.resolve(&paths, cfg.as_ref()) {
        Ok(o) => o,
        // A path that cannot be used is the first thing to fix.
        Err(e) => match mon::source::discover(&paths) {
            Err(p) => {
                eprintln!("error: {}: {}", p.path.display(), p.message);
                return Err(Exit::Io);
            }
            Ok(_) => return Err(usage(e)),
        },
    };
    let format = match (
        req.plan.format,
        cfg.as_ref().and_then(|c| c.file.plan.format.as_deref()),
    ) {
        (Some(f), _) => f,
        (None, Some(f)) => PlanFormat::from_str(f, true).map_err(|_| {
            usage(format!(
                "mon.toml: [plan] format = \"{f}\" must be text, short or json"
            ))
        })?,
        (None, None) => PlanFormat::Text,
    };
    let opts = match req.saved {
        Some(saved) => {
            // The reviewed plan's settings, not today's flags.
            if saved.mon_plan != mon::ops::plan::SAVED_FORMAT {
                return Err(usage(format!(
                    "the plan file is format {}, this mon reads format {}",
                    saved.mon_plan,
                    mon::ops::plan::SAVED_FORMAT
                )));
            }
            prefix = saved.prefix.clone();
            options.api = match saved.api.as_str() {
                "v3" => mon::etcd::Api::V3,
                _ => mon::etcd::Api::V2,
            };
            saved.options.options(saved.owner.clone()).map_err(usage)?
        }
        None => PlanOptions {
            keep_remote_only: req.keep_remote_only,
            replace: match req.replace {
                None => None,
                Some(p) if p.is_empty() => Some(Selection::all()),
                Some(p) => {
                    Some(Selection::new(&p, &[]).map_err(|e| usage(format!("--replace {e}")))?)
                }
            },
            selection: Selection::new(&req.plan.only, &req.plan.exclude).map_err(usage)?,
            owner: owner.name.value,
            legacy: owner.legacy,
            prune_unowned: req.owner.prune_unowned,
            take_over: req.owner.take_over,
        },
    };
    let prepared = rt
        .block_on(mon::ops::plan::prepare(&paths, &options, &prefix, &opts))
        .map_err(|e| super::prepare_failed(e, color, verb))?;
    // A misspelt name would otherwise plan nothing and succeed.
    let mut refused = false;
    for u in &prepared.plan.unmatched {
        if u.glob {
            eprintln!("warning: {u}");
        } else {
            eprintln!("error: {u}");
            refused = true;
        }
    }
    if refused {
        eprintln!("error: refusing to {verb}: a selection names nothing; nothing was written");
        return Err(Exit::Usage);
    }
    for key in &prepared.plan.unreadable {
        eprintln!(
            "warning: {key:?} is not a UTF-8 key; mon cannot address it and leaves it alone (9volt cannot read it either: delete it with etcdctl)"
        );
    }
    Ok(Planned {
        prepared,
        options: opts,
        api: options.api.as_str(),
        format,
        context: req.plan.context,
        pace: req.pace,
    })
}

/// Prints the plan; JSON carries `outcome` when sync has one.
pub fn print(
    p: &Planned,
    color: super::Colors,
    outcome: Option<&serde_json::Value>,
) -> Result<(), Exit> {
    let plan = &p.prepared.plan;
    let pace = pacing(p);
    super::emit(|out| match p.format {
        PlanFormat::Text => mon::report::plan_text::write(plan, out, color.stdout, p.context),
        PlanFormat::Short => mon::report::plan_short::write(plan, out),
        PlanFormat::Json => {
            let pace = pace.as_ref().map(|(v, _)| v);
            mon::report::plan_json::write(plan, p.api, pace, outcome, out)
        }
    })?;
    if let (Some((_, line)), false) = (pace, p.format == PlanFormat::Json) {
        eprintln!("{line}");
    }
    Ok(())
}

/// How a sync would write the plan's changes to a running 9volt, and
/// roughly how long that takes: for the JSON plan, and a line for people.
fn pacing(p: &Planned) -> Option<(serde_json::Value, String)> {
    use mon::ops::sync;
    if p.prepared.plan.pending() == 0 {
        return None;
    }
    let (way, paced, why) = match sync::way(&p.prepared, p.pace) {
        Ok(w) => (
            if w.paced() { "paced" } else { "burst" },
            w.paced(),
            w.why().to_string(),
        ),
        Err(e) => ("refused", false, e),
    };
    let estimate = sync::estimate(&p.prepared).filter(|_| paced);
    let json = serde_json::json!({
        "way": way,
        "why": why,
        "estimate_seconds": estimate.map(|d| d.as_secs()),
    });
    let line = match (way, estimate) {
        ("paced", Some(d)) => format!(
            "9volt: a sync writes in batches, each after 9volt's director took up the last, in about {} ({why})",
            mon::model::duration::show(d.as_nanos() as i128 / 1_000_000_000 * 1_000_000_000)
        ),
        ("burst", _) => format!("9volt: a sync writes at once ({why})"),
        _ => format!("9volt: a sync would refuse: {why}"),
    };
    Some((json, line))
}

/// Writes the plan for review, without secrets (`mon diff --out`).
pub fn save(p: &Planned, path: &std::path::Path) -> Result<(), Exit> {
    let saved = mon::ops::plan::save(&p.prepared.plan, p.api, &p.options);
    let text = serde_json::to_string_pretty(&saved).expect("JSON") + "\n";
    std::fs::write(path, text).map_err(|e| {
        eprintln!(
            "error: cannot write the plan to {}: {}",
            path.display(),
            mon::source::io_message(&e)
        );
        Exit::Io
    })
}

/// Reads a plan written by `mon diff --out`.
pub fn load(path: &std::path::Path) -> Result<mon::ops::plan::Saved, Exit> {
    let regular = std::fs::metadata(path).map(|m| m.is_file());
    let text = match regular {
        Ok(true) => std::fs::read_to_string(path).map_err(|e| mon::source::io_message(&e)),
        Ok(false) => Err("not a regular file".into()),
        Err(e) => Err(mon::source::io_message(&e)),
    }
    .map_err(|e| {
        eprintln!("error: cannot read the plan {}: {e}", path.display());
        Exit::Io
    })?;
    serde_json::from_str(&text).map_err(|e| {
        eprintln!(
            "error: {} is not a plan written by `mon diff --out`: {e}",
            path.display()
        );
        Exit::Usage
    })
}

/// The key of a plan that is shown, for error messages that name keys.
pub fn keys(list: &[String]) -> String {
    list.join("\n  ")
}

/// Why keys these definitions name are not theirs to write, and how to
/// claim them: when one other owner holds them all, these are most likely
/// that owner's definitions under another name.
pub fn owned_elsewhere(keys: &[(String, String)], owner: &str, verb: &str) {
    let list: Vec<String> = keys
        .iter()
        .map(|(k, o)| format!("{k} (owner `{o}`)"))
        .collect();
    eprintln!(
        "error: refusing to {verb}: {} keys these definitions name belong to another owner:\n  {}\nnothing was written",
        keys.len(),
        list.join("\n  ")
    );
    let mut owners: Vec<&str> = keys.iter().map(|(_, o)| o.as_str()).collect();
    owners.sort_unstable();
    owners.dedup();
    if let [one] = owners[..] {
        eprintln!(
            "hint: if these definitions are `{one}`'s (its repository under another remote, or from before mon derived owners from the repository), claim them without rewriting anything: `owner = \"{one}\"` in mon.toml, or --owner {one}"
        );
    }
    eprintln!(
        "hint: otherwise rename the definitions or remove them from one repository; --take-over rewrites each key as `{owner}`'s (9volt restarts every such check)"
    );
}
