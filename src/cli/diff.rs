use std::path::PathBuf;

use mon::exit::Exit;

use super::etcd::{EtcdArgs, OwnerArgs};
use super::{PlanFormat, PlanRequest};

/// Show what `mon sync` would change in etcd, key by key
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon diff                                    # definitions in . against http://127.0.0.1:2379
  mon diff defs/ --endpoints https://etcd1:2379,https://etcd2:2379 --cacert ca.pem
  mon diff --format json                      # the plan as JSON

Keys: /<prefix>/monitor/<name> and /<prefix>/alerter/<name> in etcd's v2 keyspace, the one 9volt
reads. Values are compared as JSON, so formatting and key order never show as changes; secrets are
masked. Keys these definitions did not write are listed as left alone, never as deletions.
Exit codes: 0 in sync, 4 changes pending, 1 invalid definitions, 3 unreadable path or secret,
5 etcd unreachable, refused the credentials or serves no v2 API, 7 no definitions in the paths.")]
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
    pub owner: OwnerArgs,
    #[command(flatten)]
    pub etcd: EtcdArgs,
}

pub fn run(args: Args, color: bool) -> Exit {
    let rt = super::runtime();
    let req = PlanRequest {
        paths: args.paths,
        etcd: &args.etcd,
        owner: &args.owner,
        keep_remote_only: args.nosync,
        replace: false,
    };
    match super::show_plan(&rt, req, args.format, color, "compare") {
        Ok(p) if p.plan.differs() => Exit::ChangesPending,
        Ok(_) => Exit::Ok,
        Err(code) => code,
    }
}
