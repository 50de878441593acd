//! The command line: one small file per subcommand, each turning arguments
//! into a call to a library operation and an exit code.

pub mod completions;
pub mod diff;
pub mod etcd;
pub mod man;
pub mod render;
pub mod schema;
pub mod send;
pub mod send_command;
pub mod send_config;
pub mod sync;
pub mod validate;

use clap::{Parser, Subcommand, ValueEnum};

use mon::exit::Exit;

#[derive(Parser)]
#[command(
    name = "mon",
    version,
    about = "One directory of YAML/TOML definitions as the source of truth for a 9volt, hastmon, collectd, Conveyer and Dozor estate",
    long_about = None,
    after_help = "Exit codes: 0 ok, 1 invalid definitions, 2 usage error, 3 I/O error, 4 changes pending,\n5 server unreachable or refused the credentials, 6 conflict, 7 refused by a safety guard,\n8 host reported a failure, 9 result without a code, 10 timeout.\nDocs: the README, and `mon schema` for the definition format."
)]
pub struct Cli {
    /// When to color output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Cmd,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn enabled(self) -> bool {
        use std::io::IsTerminal;
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal()
            }
        }
    }
}

#[derive(Subcommand)]
pub enum Cmd {
    Validate(validate::Args),
    Diff(diff::Args),
    Sync(sync::Args),
    SendCommand(send_command::Args),
    SendConfig(send_config::Args),
    Render(render::Args),
    Schema(schema::Args),
    Completions(completions::Args),
    Man(man::Args),
}

#[derive(Clone, Copy, ValueEnum)]
pub enum PlanFormat {
    /// Changed keys with unified diffs, for people
    Text,
    /// The plan as one JSON document
    Json,
}

pub fn run(cli: Cli) -> Exit {
    let color = cli.color.enabled();
    match cli.command {
        Cmd::Validate(args) => validate::run(args, color),
        Cmd::Diff(args) => diff::run(args, color),
        Cmd::Sync(args) => sync::run(args, color),
        Cmd::SendCommand(args) => send_command::run(args, color),
        Cmd::SendConfig(args) => send_config::run(args, color),
        Cmd::Render(args) => render::run(args, color),
        Cmd::Schema(args) => schema::run(args),
        Cmd::Completions(args) => completions::run(args),
        Cmd::Man(args) => man::run(args),
    }
}

pub fn default_paths(paths: Vec<std::path::PathBuf>) -> Vec<std::path::PathBuf> {
    if paths.is_empty() {
        vec![std::path::PathBuf::from(".")]
    } else {
        paths
    }
}

/// One thread is enough for a handful of network round trips, and starts faster.
pub fn small_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

pub fn connection(args: &etcd::EtcdArgs) -> Result<(mon::etcd::Options, String), Exit> {
    let prefix = args.prefix().map_err(|e| {
        eprintln!("error: {e}");
        Exit::Usage
    })?;
    let options = args.options().map_err(|e| {
        eprintln!("error: {e}");
        Exit::Io
    })?;
    Ok((options, prefix))
}

/// How diff and sync plan: what to keep, rewrite and own.
pub struct PlanRequest<'a> {
    pub paths: Vec<std::path::PathBuf>,
    pub etcd: &'a etcd::EtcdArgs,
    pub owner: &'a etcd::OwnerArgs,
    pub keep_remote_only: bool,
    pub replace: bool,
}

/// What diff and sync share: connect, read etcd, build the plan and print it.
pub fn show_plan(
    rt: &tokio::runtime::Runtime,
    req: PlanRequest,
    format: PlanFormat,
    color: bool,
    verb: &str,
) -> Result<mon::ops::plan::Prepared, Exit> {
    let (options, prefix) = connection(req.etcd)?;
    let paths = default_paths(req.paths);
    let owner = req.owner.owner(&paths).map_err(|e| {
        eprintln!("error: --owner: {e}");
        Exit::Usage
    })?;
    let opts = mon::ops::plan::PlanOptions {
        keep_remote_only: req.keep_remote_only,
        replace: req.replace,
        owner,
        prune_unowned: req.owner.prune_unowned,
        take_over: req.owner.take_over,
    };
    let prepared = rt
        .block_on(mon::ops::plan::prepare(&paths, &options, &prefix, &opts))
        .map_err(|e| prepare_failed(e, color, verb))?;
    for key in &prepared.plan.unreadable {
        eprintln!(
            "warning: {key:?} is not a UTF-8 key; mon cannot address it and leaves it alone (9volt cannot read it either: delete it with etcdctl)"
        );
    }
    let api = options.api.as_str();
    emit(|out| match format {
        PlanFormat::Text => mon::report::plan_text::write(&prepared.plan, out, color),
        PlanFormat::Json => mon::report::plan_json::write(&prepared.plan, api, out),
    })?;
    Ok(prepared)
}

/// Shows the findings on stderr and refuses: nothing was `done` ("written", "sent").
pub fn refuse_invalid(
    loaded: &mon::ops::validate::Loaded,
    color: bool,
    what: &str,
    done: &str,
) -> Exit {
    let _ = mon::report::write(
        mon::report::Format::Text,
        &mon::report::Report::of(loaded),
        &mut std::io::stderr(),
        color,
    );
    eprintln!("error: {what}: the definitions have errors; nothing was {done}");
    Exit::Invalid
}

/// Says why nothing could be planned, and picks the exit code.
pub fn prepare_failed(e: mon::ops::plan::PrepareError, color: bool, verb: &str) -> Exit {
    use mon::ops::plan::PrepareError;
    match e {
        PrepareError::Path(e) => {
            eprintln!("error: {}: {}", e.path.display(), e.message);
            Exit::Io
        }
        PrepareError::NoDefinitions(paths) => {
            let looked: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
            eprintln!(
                "error: refusing to {verb}: no definitions in {} (looked for *.yaml, *.yml and *.toml files defining monitors, alerters or other sections)\nhint: run mon in the definitions directory or name it; nothing was written",
                looked.join(", ")
            );
            Exit::Refused
        }
        PrepareError::TooLarge(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            eprintln!("error: refusing to {verb}: values too large for etcd; nothing was written");
            Exit::Invalid
        }
        PrepareError::Invalid(loaded) => {
            refuse_invalid(&loaded, color, &format!("refusing to {verb}"), "written")
        }
        PrepareError::Secrets(errors) => {
            for e in errors {
                eprintln!("error: {e}");
            }
            eprintln!("error: refusing to {verb}: secrets cannot be resolved; nothing was written");
            Exit::Io
        }
        PrepareError::Etcd(e) => {
            eprintln!("error: {e}\nhint: {}; nothing was written", etcd_hint(&e));
            Exit::Unreachable
        }
    }
}

/// What to look at after an etcd error, by its kind.
pub fn etcd_hint(e: &mon::etcd::Error) -> &'static str {
    use mon::etcd::Error;
    match e {
        Error::Connect(_) => "check --endpoints (or ETCDCTL_ENDPOINTS) and that etcd is running",
        Error::Auth(_) => {
            "check --user and --password (or ETCDCTL_USER, ETCDCTL_PASSWORD, --password-file); \
             the user needs read and write permission on the keys under --prefix"
        }
        Error::Request(_) => "etcd's own message above says what it refused",
        Error::NoV2(_) => {
            "9volt reads only etcd's v2 keyspace: start etcd 3.4 or 3.5 with --enable-v2=true \
             (etcd 3.6 removed the v2 API, and 9volt cannot run against it); \
             --etcd-api v3 writes where 9volt never looks"
        }
    }
}

/// Writes to stdout, ending quietly when the reader has gone (`| head`).
pub fn emit(f: impl FnOnce(&mut dyn std::io::Write) -> std::io::Result<()>) -> Result<(), Exit> {
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    match f(&mut out).and_then(|_| std::io::Write::flush(&mut out)) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            eprintln!("error: cannot write output: {e}");
            Err(Exit::Io)
        }
    }
}
