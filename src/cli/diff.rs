use std::path::PathBuf;

use mon::exit::Exit;

use super::plan::{self, PlanArgs, Request};
use mon::settings::etcd::EtcdFlags;
use mon::settings::input::InputFlags;
use mon::settings::owner::OwnerFlags;

/// Show what `mon sync` would change in etcd, key by key
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon diff                                    # definitions in . against http://127.0.0.1:2379
  mon diff defs/ --endpoints https://etcd1:2379,https://etcd2:2379 --cacert ca.pem
  mon diff --format short                     # one line per key, for large plans
  mon diff --only 'monitor/web-*' --context 2 # a few monitors, with 2 lines around each change
  mon diff defs/ --out plan.json              # save the plan for review; `mon sync --plan plan.json`

Keys: /<prefix>/monitor/<name> and /<prefix>/alerter/<name> in etcd's v2 keyspace, the one 9volt
reads. Values are compared as JSON, so formatting and key order never show as changes; secrets are
masked. Keys these definitions did not write are listed as left alone, never as deletions.
Exit codes: 0 in sync, 4 changes pending, 1 invalid definitions, 2 bad flag or settings file,
3 unreadable path or secret, 5 etcd unreachable, refused the credentials or serves no v2 API,
7 refused as `mon sync` would: no definitions in the paths, or keys another owner holds.")]
pub struct Args {
    /// Definition files or directories [default: . or paths in mon.toml]
    pub paths: Vec<PathBuf>,
    /// Keep keys that exist only in etcd (compare as `mon sync --nosync` would apply)
    #[arg(long)]
    pub nosync: bool,
    /// Also write the plan to FILE, for `mon sync --plan FILE` (secrets are not stored)
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    #[command(flatten)]
    pub plan: PlanArgs,
    #[command(flatten)]
    pub owner: OwnerFlags,
    #[command(flatten)]
    pub etcd: EtcdFlags,
    #[command(flatten)]
    pub input: InputFlags,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let rt = mon::etcd::runtime(2);
    let req = Request {
        paths: args.paths,
        etcd: &args.etcd,
        owner: &args.owner,
        input: &args.input,
        plan: &args.plan,
        keep_remote_only: args.nosync,
        replace: None,
        saved: None,
        pace: mon::ninevolt::pace::Mode::Auto,
    };
    let planned = match plan::build(&rt, req, color, "compare") {
        Ok(p) => p,
        Err(code) => return code,
    };
    if let Err(code) = plan::print(&planned, color, None) {
        return code;
    }
    if let Some(path) = &args.out {
        if let Err(code) = plan::save(&planned, path) {
            return code;
        }
        eprintln!(
            "plan written to {}: apply it with `mon sync --plan {}`",
            path.display(),
            path.display()
        );
    }
    // As `mon sync` would: another owner's keys are a refusal, not a change.
    let plan = &planned.prepared.plan;
    if let Err(keys) = mon::ops::sync::ownership(plan) {
        let err = &mut std::io::stderr();
        mon::report::sync::owned_elsewhere(&keys, &plan.owner, "plan a sync", err);
        return Exit::Refused;
    }
    if planned.prepared.plan.differs() {
        Exit::ChangesPending
    } else {
        Exit::Ok
    }
}
