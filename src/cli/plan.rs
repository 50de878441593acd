//! What `diff` and `sync` share: the flags that shape a plan, building it
//! from definitions, settings and etcd, and printing it in each format.

use std::path::PathBuf;

use mon::exit::Exit;
use mon::ninevolt::pace::Mode;
use mon::ops::plan::{PlanOptions, Prepared};
use mon::select::Selection;

use mon::settings::etcd::EtcdFlags;
use mon::settings::input::InputFlags;
use mon::settings::owner::OwnerFlags;

pub use mon::report::PlanFormat;

pub use mon::settings::plan::PlanArgs;

/// How to plan: what to keep, rewrite and own.
pub struct Request<'a> {
    pub paths: Vec<PathBuf>,
    pub etcd: &'a EtcdFlags,
    pub owner: &'a OwnerFlags,
    pub input: &'a InputFlags,
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
    super::failed_with(Exit::Usage, &e)
}

/// The plan options from today's flags and settings.
fn fresh(req: &Request, input: &mon::settings::input::Input) -> Result<PlanOptions, Exit> {
    let paths = &input.paths.value;
    let owner = match req.owner.resolve(paths, input.cfg.as_ref()) {
        Ok(o) => o,
        // A path that cannot be used is the first thing to fix.
        Err(e) => match mon::source::discover(paths, &input.scope.ignore) {
            Err(p) => {
                eprintln!("error: {}: {}", p.path.display(), p.message);
                return Err(Exit::Io);
            }
            Ok(_) => return Err(usage(e)),
        },
    };
    let replace = match &req.replace {
        None => None,
        Some(p) if p.is_empty() => Some(Selection::all()),
        Some(p) => Some(Selection::new(p, &[]).map_err(|e| usage(format!("--replace {e}")))?),
    };
    Ok(PlanOptions {
        keep_remote_only: req.keep_remote_only,
        replace,
        selection: Selection::new(&req.plan.only, &req.plan.exclude).map_err(usage)?,
        owner: owner.name.value,
        legacy: owner.legacy,
        prune_unowned: req.owner.prune_unowned,
        take_over: req.owner.take_over,
    })
}

/// Loads settings and definitions, reads etcd and builds the plan. With
/// `--format json`, a plan that cannot be made is still one document.
pub fn build(
    rt: &tokio::runtime::Runtime,
    req: Request,
    color: super::Colors,
    verb: &str,
) -> Result<Planned, Exit> {
    let json = std::cell::Cell::new(req.plan.format == Some(PlanFormat::Json));
    let details = std::cell::Cell::new(serde_json::Value::Null);
    let built = build_in(rt, req, color, verb, (&json, &details));
    if let (Err(code), true) = (&built, json.get()) {
        super::emit(|o| mon::report::plan_json::failed(*code, details.take(), o))?;
    }
    built
}

fn build_in(
    rt: &tokio::runtime::Runtime,
    req: Request,
    color: super::Colors,
    verb: &str,
    (json, details): (&std::cell::Cell<bool>, &std::cell::Cell<serde_json::Value>),
) -> Result<Planned, Exit> {
    let input = super::input(req.input, req.paths.clone())?;
    let cfg = input.cfg.as_ref();
    let resolved = req.etcd.resolve(cfg).map_err(super::setting_failed)?;
    let mut options = resolved.options;
    let mut prefix = resolved.prefix;
    let format = req
        .plan
        .format
        .or_else(|| cfg.and_then(|c| c.file.plan.format))
        .unwrap_or(PlanFormat::Text);
    json.set(format == PlanFormat::Json);
    let opts = match req.saved {
        // The reviewed plan's settings, not today's flags.
        Some(saved) => {
            let flags = (
                req.owner.owner.as_deref(),
                req.etcd.prefix.as_deref(),
                req.etcd.etcd_api,
            );
            saved
                .apply(flags, &mut options.api, &mut prefix)
                .map_err(usage)?
        }
        None => fresh(&req, &input)?,
    };
    let prepared = rt
        .block_on(mon::ops::plan::prepare(
            &input.scope,
            &options,
            &prefix,
            &opts,
        ))
        .map_err(|e| {
            let err = &mut std::io::stderr();
            let (code, d) = mon::report::sync::prepare_failed(e, color.stderr, verb, err);
            details.set(d);
            code
        })?;
    // A misspelt name would otherwise plan nothing and succeed.
    if !mon::report::sync::unmatched(&prepared.plan, verb, &mut std::io::stderr()) {
        return Err(Exit::Usage);
    }
    let err = &mut std::io::stderr();
    mon::report::sync::warn(&prepared.plan, &prepared.other_settings, err);
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
    let pace = mon::ops::sync::preview(&p.prepared, p.pace);
    let json = (p.api, pace.as_ref().map(|(v, _)| v), outcome);
    let look = (color.stdout, p.context);
    super::emit(|out| mon::report::write_plan(p.format, plan, json, look, out))?;
    if let (Some((_, line)), false) = (pace, p.format == PlanFormat::Json) {
        eprintln!("{line}");
    }
    Ok(())
}

/// Writes the plan for review, without secrets (`mon diff --out`).
pub fn save(p: &Planned, path: &std::path::Path) -> Result<(), Exit> {
    let saved = mon::ops::plan::save(&p.prepared.plan, p.api, &p.options);
    saved
        .write_to(path)
        .map_err(|e| super::failed_with(Exit::Io, &e))
}

/// Reads a plan written by `mon diff --out`.
pub fn load(path: &std::path::Path) -> Result<mon::ops::plan::Saved, Exit> {
    mon::ops::plan::Saved::read_from(path).map_err(|(e, unreadable)| {
        eprintln!("error: {e}");
        if unreadable {
            Exit::Io
        } else {
            Exit::Usage
        }
    })
}
