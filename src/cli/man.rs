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
    // One page for the whole tool: each subcommand's options follow, and
    // those of its own subcommands (`mon import etcd`).
    fn section(cmd: &clap::Command, name: &str, buf: &mut Vec<u8>) {
        let mut options = Vec::new();
        if clap_mangen::Man::new(cmd.clone())
            .render_options_section(&mut options)
            .is_ok()
        {
            buf.extend_from_slice(format!(".SH \"{}\"\n", name.to_uppercase()).as_bytes());
            if let Some(about) = cmd.get_about() {
                buf.extend_from_slice(format!("{about}\n").as_bytes());
            }
            buf.extend(options);
        }
        for sub in cmd.get_subcommands() {
            section(sub, &format!("{name} {}", sub.get_name()), buf);
        }
    }
    for sub in super::Cli::command().get_subcommands() {
        section(sub, &format!("mon {}", sub.get_name()), &mut buf);
    }
    match super::emit(|out| out.write_all(&buf)) {
        Ok(()) => Exit::Ok,
        Err(code) => code,
    }
}
