use clap::CommandFactory;

use mon::exit::Exit;

/// Print the man page (roff), generated from the same definition as --help
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon man | man -l -
  mon man > /usr/local/share/man/man1/mon.1")]
pub struct Args {}

pub fn run(_: Args) -> Exit {
    let mut buf = Vec::new();
    if let Err(e) = clap_mangen::Man::new(super::Cli::command()).render(&mut buf) {
        eprintln!("error: {e}");
        return Exit::Io;
    }
    // One page for the whole tool: each subcommand's options follow.
    for sub in super::Cli::command().get_subcommands() {
        let page = clap_mangen::Man::new(sub.clone());
        let mut section = Vec::new();
        if page.render_options_section(&mut section).is_ok() {
            buf.extend_from_slice(
                format!(".SH \"MON {}\"\n", sub.get_name().to_uppercase()).as_bytes(),
            );
            if let Some(about) = sub.get_about() {
                buf.extend_from_slice(format!("{about}\n").as_bytes());
            }
            buf.extend(section);
        }
    }
    match super::emit(|out| out.write_all(&buf)) {
        Ok(()) => Exit::Ok,
        Err(code) => code,
    }
}
