use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::render::{self, Status, WriteOptions};
use mon::render::Target;

/// Write hastmon, collectd, Conveyer and Dozor files from the definitions
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon render all fixtures/estate --out rendered
  mon render hastmon defs/ --out rendered --diff --dry-run
  mon render collectd defs/ --out rendered --check       # collectd's own parser before installing
  mon render collectd defs/ --out rendered --templates my-templates/

Files land under OUT/<target>/<name>/: hastmon/<cluster>/hastmon.conf (+ <cluster>-<resource>.sh),
collectd/<host>/{collectd.conf,config.json,local/<host>.lua}, conveyer/<name>/{conveyer.env,
conveyer-plugin.json,agent.env,logstash-output.conf}, dozor/<agent>/plugins.json.
Exit codes: 0 done, 1 invalid definitions or --check failed, 2 no --out, or a selection (--only,
--node) that names nothing, 3 unreadable template, secret or path, 4 with --dry-run: files differ
from what is on disk (drift; --diff without --dry-run writes them and exits 0).")]
pub struct Args {
    /// What to render
    #[arg(value_parser = targets())]
    pub target: String,
    /// Definition files or directories [default: .]
    pub paths: Vec<PathBuf>,
    /// Directory to write into [default: [render] out in mon.toml]
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// Only these definitions, as SECTION/NAME globs (repeatable): collectd/web1, cluster/*
    #[arg(long, value_name = "SECTION/NAME")]
    pub only: Vec<String>,
    /// Leave out these definitions, as SECTION/NAME globs (repeatable)
    #[arg(long, value_name = "SECTION/NAME")]
    pub exclude: Vec<String>,
    /// Templates that replace the embedded ones (same file names as templates/) [default:
    /// [render] templates in mon.toml]
    #[arg(long, value_name = "DIR")]
    pub templates: Option<PathBuf>,
    /// Show a unified diff against what is on disk (with --dry-run, exit 4 if any file differs)
    #[arg(long)]
    pub diff: bool,
    /// With --diff, show files that hold credentials (mode 0600) too
    #[arg(long, requires = "diff")]
    pub show_secrets: bool,
    /// Write nothing (exit 4 if any file would change)
    #[arg(long)]
    pub dry_run: bool,
    /// Check each collectd.conf with collectd's own parser before installing it
    #[arg(long)]
    pub check: bool,
    /// Remove the directories of definitions that no longer exist (only those holding nothing but
    /// files mon writes there)
    #[arg(long)]
    pub prune: bool,
    /// Only this collectd host (repeatable; the same as --only collectd/HOST)
    #[arg(long, value_name = "HOST")]
    pub node: Vec<String>,
}

/// `all` and every target's word.
fn targets() -> clap::builder::PossibleValuesParser {
    let words = Target::ALL.iter().map(|t| t.name());
    clap::builder::PossibleValuesParser::new(std::iter::once("all").chain(words))
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let cfg = match super::settings(&args.paths) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let in_cfg = |p: Option<&PathBuf>| cfg.as_ref().and_then(|c| p.map(|p| c.path_of(p)));
    let Some(out_dir) = args
        .out
        .clone()
        .or_else(|| in_cfg(cfg.as_ref().and_then(|c| c.file.render.out.as_ref())))
    else {
        eprintln!("error: say where to write: --out DIR, or [render] out in mon.toml");
        return Exit::Usage;
    };
    let templates_dir = args
        .templates
        .clone()
        .or_else(|| in_cfg(cfg.as_ref().and_then(|c| c.file.render.templates.as_ref())));
    let only: Vec<String> = args
        .only
        .iter()
        .cloned()
        .chain(args.node.iter().map(|h| format!("collectd/{h}")))
        .collect();
    let selection = match mon::select::Selection::new(&only, &args.exclude) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("error: {e}");
            return Exit::Usage;
        }
    };
    let paths = super::paths_or_configured(args.paths, cfg.as_ref());
    super::allow_secrets_under(&paths);
    let targets: Vec<Target> = match args.target.as_str() {
        "all" => Target::ALL.to_vec(),
        word => Target::ALL
            .iter()
            .copied()
            .filter(|t| t.name() == word)
            .collect(),
    };
    let request = render::Request {
        paths: &paths,
        out_dir: &out_dir,
        templates: templates_dir.as_deref(),
        targets: &targets,
        selection: &selection,
        write: WriteOptions {
            dry_run: args.dry_run,
            diff: args.diff,
            check: args.check,
            show_secrets: args.show_secrets,
            prune: args.prune,
        },
    };
    let reports = match render::run(request) {
        Ok(r) => r,
        Err(render::Error::Path(e)) => {
            eprintln!("error: {}: {}", e.path.display(), e.message);
            return Exit::Io;
        }
        Err(render::Error::Invalid(loaded)) => {
            return super::refuse_invalid(&loaded, color, "refusing to render", "written")
        }
        Err(render::Error::Io(e)) => {
            eprintln!("error: {e}");
            return Exit::Io;
        }
        Err(render::Error::Selection(unmatched)) => {
            for u in unmatched {
                eprintln!("{}: {u}", if u.glob { "warning" } else { "error" });
            }
            eprintln!("error: refusing to render: a selection names nothing; nothing was written");
            return Exit::Usage;
        }
    };
    let printed = super::emit(|out| {
        for r in &reports {
            if let Some(d) = &r.diff {
                write!(out, "{d}")?;
            }
            let what = match &r.status {
                Status::Written => "written",
                Status::Unchanged => "unchanged",
                Status::WouldWrite => "would write",
                Status::CheckFailed(_) => "check failed",
                Status::HeldBack(_) => "not written",
                Status::Orphan { .. } => "orphaned",
                Status::Removed => "removed",
            };
            writeln!(out, "{what:>12}  {}", out_dir.join(&r.path).display())?;
            match &r.status {
                Status::CheckFailed(m) => {
                    for line in m.lines() {
                        writeln!(out, "              {line}")?;
                    }
                }
                Status::HeldBack(conf) => writeln!(
                    out,
                    "              {} failed --check: a host gets all its files or none",
                    conf.display()
                )?,
                Status::Orphan { ours: true } => writeln!(
                    out,
                    "              no definition renders it any more; --prune removes it"
                )?,
                Status::Orphan { ours: false } => writeln!(
                    out,
                    "              no definition renders it any more; it holds files mon does not write, so it is left for you"
                )?,
                _ => {}
            }
        }
        let count = |s: fn(&Status) -> bool| reports.iter().filter(|r| s(&r.status)).count();
        writeln!(
            out,
            "{} written, {} unchanged, {} would be written, {} refused by --check, {} held back with them, {} orphaned, {} removed",
            count(|s| *s == Status::Written),
            count(|s| *s == Status::Unchanged),
            count(|s| *s == Status::WouldWrite),
            count(|s| matches!(s, Status::CheckFailed(_))),
            count(|s| matches!(s, Status::HeldBack(_))),
            count(|s| matches!(s, Status::Orphan { .. })),
            count(|s| *s == Status::Removed)
        )
    });
    if let Err(code) = printed {
        return code;
    }
    let differs = reports.iter().any(|r| {
        matches!(
            r.status,
            Status::Written | Status::WouldWrite | Status::Orphan { .. }
        )
    });
    if reports
        .iter()
        .any(|r| matches!(r.status, Status::CheckFailed(_)))
    {
        Exit::Invalid
    } else if differs && args.dry_run {
        // As `mon diff`: CI can tell drift from a clean tree. A render that
        // wrote the files leaves nothing pending.
        Exit::ChangesPending
    } else {
        Exit::Ok
    }
}
