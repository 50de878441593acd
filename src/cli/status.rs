use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::status::{self, Error};

use super::etcd::EtcdArgs;

#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// Members, then every definition not as defined, then the verdict
    Text,
    /// One line per definition not as defined, then the verdict
    Short,
    /// One JSON document: members, every definition's state, stale references
    Json,
}

/// Show what 9volt runs against what the definitions say, from etcd alone
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon status                         # definitions in . against http://127.0.0.1:2379
  mon status defs/ -p 9volt-stage    # another 9volt estate
  mon status --format json | jq '.checks[] | select(.state != \"running\")'

Reads <prefix>/monitor/ and 9volt's own state under <prefix>/cluster/: its living members (each
with its tags and the checks its director gave it) and which member runs each defined monitor. A
check without member-tag runs only on members without tags; a tagged one only on members with that
tag. Nothing is written, no secret is needed, and no 9volt address: etcd holds it all.
Exit codes: 0 9volt runs exactly what the definitions say, 4 etcd does not hold the definitions as
written (`mon diff`), 11 9volt does not run what etcd says (a check unassigned or on two members, a
reference to a deleted check), 1 invalid definitions, 2 bad flag or settings, 3 unreadable path,
5 etcd unreachable or without the v2 API, 7 no definitions in the paths.")]
pub struct Args {
    /// Definition files or directories [default: . or paths in mon.toml]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = StatusFormat::Text)]
    pub format: StatusFormat,
    #[command(flatten)]
    pub etcd: EtcdArgs,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let cfg = match super::settings(&args.paths) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let paths = super::paths_or_configured(args.paths, cfg.as_ref());
    let resolved = match super::connection(&args.etcd, cfg.as_ref()) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let rt = super::runtime();
    let s = match rt.block_on(status::status(&paths, &resolved.options, &resolved.prefix)) {
        Ok(s) => s,
        Err(e) => return failed(e, color),
    };
    let written = super::emit(|out| match args.format {
        StatusFormat::Text => mon::report::status::text(&s, out),
        StatusFormat::Short => mon::report::status::short(&s, out),
        StatusFormat::Json => mon::report::status::json(&s, out),
    });
    if let Err(code) = written {
        return code;
    }
    if s.pending() {
        Exit::ChangesPending
    } else if !s.runs_as_told() {
        Exit::NotTakenUp
    } else {
        Exit::Ok
    }
}

fn failed(e: Error, color: super::Colors) -> Exit {
    match e {
        Error::Path(e) => {
            eprintln!("error: {}: {}", e.path.display(), e.message);
            Exit::Io
        }
        Error::Invalid(loaded) => {
            super::refuse_invalid(&loaded, color, "cannot compare", "read from etcd")
        }
        Error::NoDefinitions => {
            eprintln!("error: no definitions in the paths (looked for *.yaml, *.yml and *.toml files)\nhint: run mon in the definitions directory or name it");
            Exit::Refused
        }
        Error::Etcd(e) => {
            eprintln!("error: {e}\nhint: {}", super::etcd_hint(&e));
            Exit::Unreachable
        }
        Error::NotV2 => {
            eprintln!("error: 9volt keeps its state only in etcd's v2 keyspace; drop --etcd-api v3 (or MON_ETCD_API)");
            Exit::Usage
        }
    }
}
