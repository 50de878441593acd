use std::path::PathBuf;
use std::time::Duration;

use mon::exit::Exit;
use mon::ops::send::ConfigError;

use super::send::{go_duration, TargetArgs};

/// Send a new collectd.conf to collectd hosts over MQTT and wait for the replacement's result
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon send-config out/web1/collectd.conf --node web1
  mon send-config collectd.conf --node web1 --check        # collectd's own parser first
  mon send-config collectd.conf --host broker --topic t --result-topic r --timeout 3m

The host dry-runs the file, stops collectd, swaps the file and starts collectd again; the final
result comes from the restarted collectd, up to about two minutes later, hence the long default
timeout. Codes 0x2000-0x200a are explained in the output.
Exit codes: 0 replaced, 8 the host reported a failure, 9 result without a code, 10 timeout,
5 broker unreachable, 3 unreadable, non-UTF-8 or oversized file, 1 --check found errors.")]
pub struct Args {
    /// The collectd.conf to send (UTF-8, at most 1 MiB)
    pub file: PathBuf,
    /// Check the file with collectd's own parser (collectd -T) before sending
    #[arg(long)]
    pub check: bool,
    /// How long to wait for the final result
    #[arg(long, default_value = "150s", value_parser = go_duration)]
    pub timeout: Duration,
    #[command(flatten)]
    pub target: TargetArgs,
}

pub fn run(args: Args, color: bool) -> Exit {
    let file = args.file.display();
    let task = match mon::ops::send::config_task(&args.file, args.check) {
        Ok(t) => t,
        Err(ConfigError::Read(m)) => {
            eprintln!("error: {file}: {m}; nothing was sent");
            return Exit::Io;
        }
        Err(ConfigError::Rejected(m)) => {
            eprintln!("error: collectd rejects {file}:\n{m}\nnothing was sent");
            return Exit::Invalid;
        }
        Err(ConfigError::Unavailable(m)) => {
            eprintln!("error: cannot check: {m}; nothing was sent");
            return Exit::Io;
        }
    };
    if args.check {
        eprintln!("check: collectd accepts {file}");
    }
    super::send::run(&args.target, task, None, args.timeout, color)
}
