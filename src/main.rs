mod cli;

use clap::Parser;

// Loading allocates many small values; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // `MON_COMPLETE=bash mon -- WORDS` answers a TAB (the scripts in completions/ call it), exits.
    mon::complete::answer_a_tab(<cli::Cli as clap::CommandFactory>::command);
    std::process::ExitCode::from(cli::run(cli::Cli::parse()).code())
}
