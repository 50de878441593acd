//! The command line: one small file per subcommand, each turning arguments
//! into a call to a library operation and an exit code.

pub mod completions;
pub mod config;
#[cfg(feature = "net")]
pub mod diff;
pub mod etcd;
pub mod explain;
pub mod import;
pub mod man;
#[cfg(feature = "net")]
pub mod plan;
pub mod render;
pub mod schema;
#[cfg(feature = "net")]
pub mod send;
#[cfg(feature = "net")]
pub mod send_command;
#[cfg(feature = "net")]
pub mod send_config;
#[cfg(feature = "net")]
pub mod status;
#[cfg(feature = "net")]
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
    after_help = "Exit codes: 0 ok, 1 invalid definitions, 2 usage error, 3 I/O error, 4 changes pending,\n5 server unreachable or refused the credentials, 6 conflict, 7 refused by a safety guard,\n8 host reported a failure, 9 result without a code, 10 timeout, 11 9volt did not take up the change.\nDocs: the README, and `mon schema` for the definition format."
)]
pub struct Cli {
    /// When to color output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    /// Settings file [default: the nearest mon.toml at or above the definitions, else at or
    /// above the current directory, up to the git repository's root]
    #[arg(long, global = true, env = "MON_CONFIG", value_name = "FILE")]
    pub config: Option<std::path::PathBuf>,
    /// Another directory `{file: PATH}` secret references may read from (repeatable; by
    /// default only the definitions' own directories)
    #[arg(
        long,
        global = true,
        env = "MON_SECRETS_DIR",
        value_name = "DIR",
        value_delimiter = ':'
    )]
    pub secrets_dir: Vec<std::path::PathBuf>,
    /// Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a
    /// line of .monignore)
    #[arg(long, global = true, value_name = "GLOB")]
    pub ignore: Vec<String>,
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
    /// Whether to colour each stream. `auto` decides per stream, with
    /// anstyle-query's readings of the conventions: NO_COLOR and CLICOLOR=0
    /// turn colour off, CLICOLOR_FORCE turns it on, otherwise a terminal
    /// whose TERM is not `dumb`. (anstream's own choice also colours a
    /// TERM=dumb terminal when CI is set; mon keeps TERM=dumb plain.) So a
    /// redirected error log never gets escape codes because stdout is a
    /// terminal, and the other way round.
    pub fn streams(self) -> Colors {
        use std::io::IsTerminal;
        let auto = |terminal: bool| {
            if anstyle_query::no_color() {
                false
            } else if anstyle_query::clicolor_force() {
                true
            } else if anstyle_query::clicolor() == Some(false) {
                false
            } else {
                terminal && anstyle_query::term_supports_color()
            }
        };
        match self {
            ColorChoice::Always => Colors {
                stdout: true,
                stderr: true,
            },
            ColorChoice::Never => Colors {
                stdout: false,
                stderr: false,
            },
            ColorChoice::Auto => Colors {
                stdout: auto(std::io::stdout().is_terminal()),
                stderr: auto(std::io::stderr().is_terminal()),
            },
        }
    }
}

/// Whether each output stream gets colour.
#[derive(Clone, Copy, Debug)]
pub struct Colors {
    pub stdout: bool,
    pub stderr: bool,
}

#[derive(Subcommand)]
pub enum Cmd {
    Validate(validate::Args),
    #[cfg(feature = "net")]
    Diff(diff::Args),
    #[cfg(feature = "net")]
    Sync(sync::Args),
    #[cfg(feature = "net")]
    Status(status::Args),
    #[cfg(feature = "net")]
    SendCommand(send_command::Args),
    #[cfg(feature = "net")]
    SendConfig(send_config::Args),
    Render(render::Args),
    Import(import::Args),
    Schema(schema::Args),
    Config(config::Args),
    Completions(completions::Args),
    Man(man::Args),
    Explain(explain::Args),
}

static MATCHES: std::sync::OnceLock<clap::ArgMatches> = std::sync::OnceLock::new();
static CONFIG: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();

/// Keeps the parsed command line, for telling flags from environment variables.
pub fn remember(matches: clap::ArgMatches) {
    let _ = MATCHES.set(matches);
}

/// Whether the subcommand's argument `id` was taken from its environment variable.
pub fn from_env(id: &str) -> bool {
    MATCHES
        .get()
        .and_then(|m| m.subcommand())
        .and_then(|(_, sub)| sub.try_get_raw(id).ok().flatten().map(|_| sub))
        .and_then(|sub| sub.value_source(id))
        == Some(clap::parser::ValueSource::EnvVariable)
}

/// The settings file for these paths: --config, or mon.toml at their root.
pub fn settings(paths: &[std::path::PathBuf]) -> Result<Option<mon::config::Loaded>, Exit> {
    let explicit = CONFIG.get().and_then(|c| c.as_deref());
    mon::config::find(paths, explicit).map_err(|e| {
        eprintln!("error: {e}");
        Exit::Usage
    })
}

/// The paths given, else the settings file's, else the current directory.
pub fn paths_or_configured(
    paths: Vec<std::path::PathBuf>,
    cfg: Option<&mon::config::Loaded>,
) -> Vec<std::path::PathBuf> {
    if !paths.is_empty() {
        return paths;
    }
    match cfg.and_then(|c| c.file.paths.as_ref().map(|ps| (c, ps))) {
        Some((c, ps)) if !ps.is_empty() => ps.iter().map(|p| c.path_of(p)).collect(),
        _ => default_paths(paths),
    }
}

static SECRETS_DIRS: std::sync::OnceLock<Vec<std::path::PathBuf>> = std::sync::OnceLock::new();

/// Lets `{file:}` secrets read under the definitions' directories (a named
/// file's directory) and the --secrets-dir ones, nowhere else.
pub fn allow_secrets_under(paths: &[std::path::PathBuf]) {
    let mut roots: Vec<std::path::PathBuf> = paths
        .iter()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                p.parent()
                    .filter(|d| !d.as_os_str().is_empty())
                    .map_or_else(|| std::path::PathBuf::from("."), |d| d.to_path_buf())
            }
        })
        .collect();
    roots.extend(SECRETS_DIRS.get().cloned().unwrap_or_default());
    mon::secret::allow_roots(roots);
}

pub fn run(cli: Cli) -> Exit {
    let _ = CONFIG.set(cli.config.clone());
    let _ = SECRETS_DIRS.set(cli.secrets_dir.clone());
    mon::source::set_ignore(cli.ignore.clone());
    let color = cli.color.streams();
    match cli.command {
        Cmd::Validate(args) => validate::run(args, color),
        #[cfg(feature = "net")]
        Cmd::Diff(args) => diff::run(args, color),
        #[cfg(feature = "net")]
        Cmd::Sync(args) => sync::run(args, color),
        #[cfg(feature = "net")]
        Cmd::Status(args) => status::run(args, color),
        #[cfg(feature = "net")]
        Cmd::SendCommand(args) => send_command::run(args, color),
        #[cfg(feature = "net")]
        Cmd::SendConfig(args) => send_config::run(args, color),
        Cmd::Render(args) => render::run(args, color),
        Cmd::Import(args) => import::run(args, color),
        Cmd::Schema(args) => schema::run(args),
        Cmd::Config(args) => config::run(args),
        Cmd::Completions(args) => completions::run(args),
        Cmd::Man(args) => man::run(args),
        Cmd::Explain(args) => explain::run(args),
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
#[cfg(feature = "net")]
pub fn small_runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

#[cfg(feature = "net")]
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts")
}

/// The connection from flags, environment, settings file and defaults.
pub fn connection(
    args: &etcd::EtcdArgs,
    cfg: Option<&mon::config::Loaded>,
) -> Result<etcd::Resolved, Exit> {
    args.resolve(cfg).map_err(|e| {
        eprintln!("error: {e}");
        match e {
            etcd::SettingError::Usage(_) => Exit::Usage,
            etcd::SettingError::Unreadable(_) => Exit::Io,
        }
    })
}

/// Shows the findings on stderr and refuses: nothing was `done` ("written", "sent").
pub fn refuse_invalid(
    loaded: &mon::ops::validate::Loaded,
    color: Colors,
    what: &str,
    done: &str,
) -> Exit {
    let _ = mon::report::write(
        mon::report::Format::Text,
        &mon::report::Report::of(loaded),
        &mut std::io::stderr(),
        color.stderr,
    );
    eprintln!("error: {what}: the definitions have errors; nothing was {done}");
    Exit::Invalid
}

/// Says why nothing could be planned, and picks the exit code.
#[cfg(feature = "net")]
pub fn prepare_failed(e: mon::ops::plan::PrepareError, color: Colors, verb: &str) -> Exit {
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
#[cfg(feature = "net")]
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
