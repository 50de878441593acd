//! The command line: one small file per subcommand, each turning arguments
//! into a call to a library operation and an exit code.

pub mod schema;
pub mod validate;

use clap::{Parser, Subcommand, ValueEnum};

use mon::exit::Exit;

#[derive(Parser)]
#[command(
    name = "mon",
    version,
    about = "One directory of YAML/TOML definitions as the source of truth for a 9volt, hastmon, collectd, Conveyer and Dozor estate",
    long_about = None,
    after_help = "Exit codes: 0 ok, 1 invalid definitions, 2 usage error, 3 I/O error.\nDocs: the README, and `mon schema` for the definition format."
)]
pub struct Cli {
    /// When to color output
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    pub color: ColorChoice,
    #[command(subcommand)]
    pub command: Command,
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
            ColorChoice::Auto => std::env::var_os("NO_COLOR").is_none() && std::io::stdout().is_terminal(),
        }
    }
}

#[derive(Subcommand)]
pub enum Command {
    Validate(validate::Args),
    Schema(schema::Args),
}

pub fn run(cli: Cli) -> Exit {
    let color = cli.color.enabled();
    match cli.command {
        Command::Validate(args) => validate::run(args, color),
        Command::Schema(args) => schema::run(args),
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
