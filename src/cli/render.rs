use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::render::{self, WriteOptions};
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
    #[arg(long, value_name = "SECTION/NAME", add = clap_complete::ArgValueCandidates::new(mon::complete::rendered))]
    pub only: Vec<String>,
    /// Leave out these definitions, as SECTION/NAME globs (repeatable)
    #[arg(long, value_name = "SECTION/NAME", add = clap_complete::ArgValueCandidates::new(mon::complete::rendered))]
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
    #[arg(long, value_name = "HOST", add = clap_complete::ArgValueCandidates::new(mon::complete::collectd_hosts))]
    pub node: Vec<String>,
    #[command(flatten)]
    pub input: mon::settings::input::InputFlags,
}

/// Where to write, the templates, the selection and the targets.
type Parts = (
    PathBuf,
    Option<PathBuf>,
    mon::select::Selection,
    Vec<Target>,
);

fn parts(args: &Args, cfg: &Option<mon::config::Loaded>) -> Result<Parts, Exit> {
    let in_cfg = |p: Option<&PathBuf>| cfg.as_ref().and_then(|c| p.map(|p| c.path_of(p)));
    let Some(out_dir) = args
        .out
        .clone()
        .or_else(|| in_cfg(cfg.as_ref().and_then(|c| c.file.render.out.as_ref())))
    else {
        eprintln!("error: say where to write: --out DIR, or [render] out in mon.toml");
        return Err(Exit::Usage);
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
    let selection = mon::select::Selection::new(&only, &args.exclude)
        .map_err(|e| super::failed_with(Exit::Usage, &e))?;
    let targets: Vec<Target> = match args.target.as_str() {
        "all" => Target::ALL.to_vec(),
        word => Target::ALL
            .iter()
            .copied()
            .filter(|t| t.name() == word)
            .collect(),
    };
    Ok((out_dir, templates_dir, selection, targets))
}

/// `all` and every target's word.
fn targets() -> clap::builder::PossibleValuesParser {
    let words = Target::ALL.iter().map(|t| t.name());
    clap::builder::PossibleValuesParser::new(std::iter::once("all").chain(words))
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let input = match super::input(&args.input, args.paths.clone()) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let (out_dir, templates_dir, selection, targets) = match parts(&args, &input.cfg) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let request = render::Request {
        scope: &input.scope,
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
    let printed = super::emit(|out| mon::report::render::write(&reports, &out_dir, out));
    if let Err(code) = printed {
        return code;
    }
    render::exit(&reports, args.dry_run)
}
