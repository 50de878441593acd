use std::path::PathBuf;

use mon::exit::Exit;
use mon::schema;

/// Print the JSON Schemas of the definition format (for editors and other tools)
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon schema                 # the whole-file schema (mon.schema.json)
  mon schema monitor         # one section's schema (the names are listed above)
  mon schema --write .schemas   # all schema files, for `# yaml-language-server: $schema=.schemas/mon.schema.json`")]
pub struct Args {
    /// Which schema to print
    #[arg(default_value = "mon", value_parser = clap::builder::PossibleValuesParser::new(schema::names()))]
    pub name: String,
    /// Write every schema file into this directory instead of printing one
    #[arg(long, value_name = "DIR")]
    pub write: Option<PathBuf>,
}

pub fn run(args: Args) -> Exit {
    if let Some(dir) = args.write {
        if let Err(e) = std::fs::create_dir_all(&dir) {
            eprintln!("error: {}: {e}", dir.display());
            return Exit::Io;
        }
        for name in schema::names() {
            let text = schema::text(name).unwrap_or_default();
            let path = dir.join(schema::file_name(name));
            // A temporary file renamed over the target replaces a symlink
            // there instead of writing through it to wherever it points.
            let written = tempfile::Builder::new()
                .prefix(".mon-")
                .tempfile_in(&dir)
                .and_then(|mut t| {
                    std::io::Write::write_all(&mut t, text.as_bytes())?;
                    t.persist(&path).map_err(|e| e.error)?;
                    Ok(())
                });
            if let Err(e) = written {
                eprintln!("error: {}: {e}", path.display());
                return Exit::Io;
            }
        }
        eprintln!(
            "wrote {} schema files to {}",
            schema::names().count(),
            dir.display()
        );
        return Exit::Ok;
    }
    let text = schema::text(&args.name).unwrap_or_default();
    match super::emit(|out| out.write_all(text.as_bytes())) {
        Ok(()) => Exit::Ok,
        Err(code) => code,
    }
}
