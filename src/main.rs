mod cli;

use clap::Parser;

// Loading allocates many small values; mimalloc makes that markedly cheaper.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(cli::run(cli::Cli::parse()).code())
}
