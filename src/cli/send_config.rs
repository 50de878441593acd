use std::path::PathBuf;
use std::time::Duration;

use mon::exit::Exit;
use mon::ops::send::What;

use super::send::TargetArgs;
use mon::model::duration::positive as go_duration;

/// Replace collectd.conf on collectd hosts over MQTT: each host's own, rendered from the
/// definitions, or a FILE
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon send-config --node web1                  # web1's collectd.conf from the definitions in .
  mon send-config defs/ --all                  # every host its own, each checked by collectd first
  mon send-config --file out/web1/collectd.conf --node web1 --check
  mon send-config --file collectd.conf --host broker --topic t --result-topic r --timeout 3m

Without FILE, each host's collectd.conf is rendered from the definitions exactly as `mon render
collectd` writes it, checked with collectd's own parser (collectd -T), and sent only if every
host's file passes. A FILE whose Hostname names another host, or that is not a collectd.conf (a
config.json, say), is refused unless --force.
Only collectd.conf travels over this protocol: lua-collectd-monitor's config.json and trigger files
(`mon render collectd` writes them) must be installed by your configuration management, followed by
a collectd restart.
The host dry-runs the file, stops collectd, swaps the file and starts collectd again; the final
result comes from the restarted collectd, up to about two minutes later, hence the long default
timeout. Codes 0x2000-0x200a are explained in the output.
Exit codes: 0 replaced (or all ready, with --dry-run), 8 the host reported a failure, 9 result
without a code, 10 timeout, 5 broker unreachable or login refused, 3 unreadable, non-UTF-8 or
oversized file, 2 a file for another host or not a collectd.conf, 1 invalid definitions or collectd
refused the file, 130 interrupted (what had arrived is shown).")]
pub struct Args {
    /// Definition files or directories [default: . or paths in mon.toml]
    pub paths: Vec<PathBuf>,
    /// The collectd.conf to send (UTF-8, at most 1 MiB) [default: each host's own, rendered from
    /// the definitions]
    #[arg(long, value_name = "FILE")]
    pub file: Option<PathBuf>,
    /// Check FILE with collectd's own parser (collectd -T) first (always done without FILE)
    #[arg(long)]
    pub check: bool,
    /// Send FILE even if its Hostname names another host or it does not look like a collectd.conf
    #[arg(long, requires = "file")]
    pub force: bool,
    /// Templates that replace the embedded ones, for rendering without FILE [default: [render]
    /// templates in mon.toml, as `mon render` uses them]
    #[arg(long, value_name = "DIR", conflicts_with = "file")]
    pub templates: Option<PathBuf>,
    /// How long to wait for the final result
    #[arg(long, default_value = "150s", value_parser = go_duration)]
    pub timeout: Duration,
    #[command(flatten)]
    pub target: TargetArgs,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let what = match args.file {
        Some(path) => What::ConfigFile {
            path,
            check: args.check,
            force: args.force,
        },
        None => {
            // The same templates `mon render` would use, so what is sent is
            // what render writes.
            let templates = match args.templates {
                Some(t) => Some(t),
                None => match args.target.input.settings.find(&args.paths) {
                    Ok(cfg) => cfg.and_then(|c| {
                        let t = c.file.render.templates.as_ref()?;
                        Some(c.path_of(t))
                    }),
                    Err(e) => return super::setting_failed(e),
                },
            };
            What::Rendered { templates }
        }
    };
    super::send::run(&args.target, args.paths, what, args.timeout, color)
}
