use std::time::Duration;

use mon::exit::Exit;
use mon::ops::send::What;

use super::send::TargetArgs;
use mon::model::duration::positive as go_duration;

/// Run a service command on collectd hosts over MQTT and wait for its result
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon send-command hello exec                  # the one collectd host in the definitions in .
  mon send-command nginx reload defs/ --node web1 --node web2
  mon send-command nginx reload --all --timeout 1m --format json
  mon send-command hello exec --host broker:1883 --topic test-topic --result-topic test-result-topic
  mon send-command nginx reload --all --dry-run   # connect, log in, subscribe; publish nothing

The service and command are checked against the host's definitions before anything is sent.
Only the result with this task's id counts; others on the result topic are ignored (-v shows them).
Each host's line is printed as its result arrives; on a terminal a status line says who is awaited.
Exit codes: 0 ok (or all ready, with --dry-run), 8 the host reported a failure, 9 result without a
code, 10 timeout, 5 broker unreachable or login refused, 2 unknown host/service/command, 1 invalid
definitions, 130 interrupted (what had arrived is shown).")]
pub struct Args {
    /// Service, as defined under the host's `services:`
    pub service: String,
    /// Command of that service
    pub command: String,
    /// Definition files or directories [default: . or paths in mon.toml]
    pub paths: Vec<std::path::PathBuf>,
    /// How long to wait for the result
    #[arg(long, default_value = "30s", value_parser = go_duration)]
    pub timeout: Duration,
    #[command(flatten)]
    pub target: TargetArgs,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let what = What::Command {
        service: args.service,
        command: args.command,
    };
    super::send::run(&args.target, args.paths, what, args.timeout, color)
}
