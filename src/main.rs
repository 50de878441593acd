mod cli;

use clap::{CommandFactory, FromArgMatches};

// Loading allocates many small values; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // Parsed by hand so the matches can say whether a value came from a
    // flag or from the environment (`mon config` shows it).
    let matches = cli::Cli::command().get_matches();
    let cli = cli::Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli::remember(matches);
    std::process::ExitCode::from(cli::run(cli).code())
}
