use clap::CommandFactory;
use clap_complete::Shell;

use mon::exit::Exit;

/// Print shell completions (also kept in completions/ in the repository)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon completions bash > /etc/bash_completion.d/mon
  mon completions zsh > \"${fpath[1]}/_mon\"
  mon completions fish > ~/.config/fish/completions/mon.fish")]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: Args) -> Exit {
    let mut cmd = super::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "mon", &mut buf);
    match super::emit(|out| out.write_all(&buf)) {
        Ok(()) => Exit::Ok,
        Err(code) => code,
    }
}
