mod cli;

use clap::Parser;

// Loading allocates many small values; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // `COMPLETE=bash mon -- WORDS` answers a TAB (the scripts in completions/ call it) and exits.
    clap_complete::CompleteEnv::with_factory(<cli::Cli as clap::CommandFactory>::command)
        .shells(mon::complete::SHELLS)
        .complete();
    std::process::ExitCode::from(cli::run(cli::Cli::parse()).code())
}
