use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::plan::PlanOptions;

use super::etcd::EtcdArgs;
use super::PlanFormat;

/// Show what `mon sync` would change in etcd, key by key
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon diff                                    # definitions in . against http://127.0.0.1:2379
  mon diff defs/ --endpoints https://etcd1:2379,https://etcd2:2379 --cacert ca.pem
  mon diff --etcd-api v2 --format json        # the plan as JSON, against 9volt's v2 keyspace

Keys: /<prefix>/monitor/<name> and /<prefix>/alerter/<name>. Values are compared as JSON, so
formatting and key order never show as changes; secrets are masked.
Exit codes: 0 in sync, 4 changes pending, 1 invalid definitions, 3 unreadable path or secret,
5 etcd unreachable or refused the credentials.")]
pub struct Args {
    /// Definition files or directories [default: .]
    pub paths: Vec<PathBuf>,
    /// Keep keys that exist only in etcd (compare as `mon sync --nosync` would apply)
    #[arg(long)]
    pub nosync: bool,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
    #[command(flatten)]
    pub etcd: EtcdArgs,
}

pub fn run(args: Args, color: bool) -> Exit {
    let opts = PlanOptions {
        keep_remote_only: args.nosync,
        replace: false,
    };
    let rt = super::runtime();
    let prepared = match super::show_plan(
        &rt,
        args.paths,
        &args.etcd,
        &opts,
        args.format,
        color,
        "compare",
    ) {
        Ok(p) => p,
        Err(code) => return code,
    };
    if prepared.plan.pending() > 0 {
        Exit::ChangesPending
    } else {
        Exit::Ok
    }
}
