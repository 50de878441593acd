use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::status;
use mon::report::status as show;

use mon::settings::etcd::EtcdFlags;
use mon::settings::input::InputFlags;

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
    #[arg(long, short = 'f', value_enum, default_value_t = show::Format::Text)]
    pub format: show::Format,
    #[command(flatten)]
    pub etcd: EtcdFlags,
    #[command(flatten)]
    pub input: InputFlags,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let fail = |code| super::failed_json(args.format == show::Format::Json, code);
    let input = match super::input(&args.input, args.paths.clone()) {
        Ok(i) => i,
        Err(code) => return fail(code),
    };
    let resolved = match args.etcd.resolve(input.cfg.as_ref()) {
        Ok(r) => r,
        Err(e) => return fail(super::setting_failed(e)),
    };
    let rt = mon::etcd::runtime(2);
    let s = match rt.block_on(status::status(
        &input.scope,
        &resolved.options,
        &resolved.prefix,
    )) {
        Ok(s) => s,
        Err(e) => return fail(e.report(color.stderr, &mut std::io::stderr())),
    };
    let written = super::emit(|out| show::write(&s, args.format, out));
    if let Err(code) = written {
        return code;
    }
    s.exit()
}
