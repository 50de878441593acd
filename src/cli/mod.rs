//! The command line: one small file per subcommand, each turning arguments
//! into a call to a library operation and an exit code.

pub mod completions;
pub mod config;
#[cfg(feature = "net")]
pub mod diff;
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
pub mod show;
#[cfg(feature = "net")]
pub mod status;
#[cfg(feature = "net")]
pub mod sync;
pub mod validate;

use clap::{Parser, Subcommand};

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
    #[command(subcommand)]
    pub command: Cmd,
}

pub use mon::report::color::{ColorChoice, Colors};

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
    Show(show::Args),
    Render(render::Args),
    Import(import::Args),
    Schema(schema::Args),
    Config(config::Args),
    Completions(completions::Args),
    Man(man::Args),
    Explain(explain::Args),
}

/// Settings and the definitions' scope, or the exit code after saying why.
pub fn input(
    flags: &mon::settings::input::InputFlags,
    paths: Vec<std::path::PathBuf>,
) -> Result<mon::settings::input::Input, Exit> {
    flags.load(paths).map_err(setting_failed)
}

/// Says what is wrong with a setting; a wrong value is a usage error, a
/// credential that cannot be read an I/O error.
pub fn setting_failed(e: mon::settings::Error) -> Exit {
    eprintln!("error: {e}");
    e.exit()
}

pub fn run(cli: Cli) -> Exit {
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
        Cmd::Show(args) => show::run(args, color),
        Cmd::Render(args) => render::run(args, color),
        Cmd::Import(args) => import::run(args, color),
        Cmd::Schema(args) => schema::run(args),
        Cmd::Config(args) => config::run(args),
        Cmd::Completions(args) => completions::run(args),
        Cmd::Man(args) => man::run(args),
        Cmd::Explain(args) => explain::run(args),
    }
}

/// Shows the findings on stderr and refuses: nothing was `done` ("written", "sent").
pub fn refuse_invalid(loaded: &mon::loaded::Loaded, color: Colors, what: &str, done: &str) -> Exit {
    mon::report::refuse(loaded, color.stderr, what, done, &mut std::io::stderr())
}

/// With `--format json`, a command that stops early still prints one
/// document, `{"outcome": {"status": "failed", "exit_code": N}}`.
pub fn failed_json(json: bool, code: Exit) -> Exit {
    if json {
        let _ = emit(|o| mon::report::failed(code, o));
    }
    code
}

/// Says `error: message` on stderr and returns `code`.
pub fn failed_with(code: Exit, message: &str) -> Exit {
    eprintln!("error: {message}");
    code
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
