use clap_complete::Shell;

use mon::exit::Exit;

/// Print a shell's completion script (also kept in completions/ in the repository)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon completions bash > /etc/bash_completion.d/mon
  mon completions zsh > \"${fpath[1]}/_mon\"
  mon completions fish > ~/.config/fish/completions/mon.fish
At each TAB the script runs `MON_COMPLETE=SHELL mon` from PATH, which completes flags, values,
finding codes and the names the definitions hold (--only/--exclude/--replace= SECTION/NAME,
--node HOST), read from the paths in the settings found from here (or MON_CONFIG), else `.`.")]
pub struct Args {
    /// bash, zsh, fish, elvish or powershell
    #[arg(value_enum)]
    pub shell: Shell,
}

pub fn run(args: Args) -> Exit {
    match mon::complete::registration(&args.shell.to_string()) {
        Ok(script) => {
            super::emit(|out| out.write_all(&script)).map_or_else(|code| code, |()| Exit::Ok)
        }
        Err(e) => super::failed_with(Exit::Io, &e.to_string()),
    }
}
