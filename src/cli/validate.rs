use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::validate;
use mon::report::{self, Format, Report};

/// Check definition files against the schemas and every rule of the target systems
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon validate                          # every *.yaml, *.yml, *.toml under the current directory
  mon validate fixtures/estate          # one directory (walked; hidden entries skipped)
  mon validate --format github defs/    # annotations in a GitHub Actions job
  mon validate --format short a.yaml    # file:line:col lines for editors
  mon validate --ignore 'ci/*' .        # leave out files the walk would find (also .monignore)
  cat a.yaml | mon validate - --stdin-filename defs/a.yaml   # one document from standard input

Directories are walked for *.yaml, *.yml and *.toml files, leaving out hidden entries, what
.gitignore and .monignore files list, and --ignore globs; files named on the command line are
always read. A path that holds no definition file is an error. With --deny-warnings every warning
is an error in every format (a JUnit failure, a TAP `not ok`, a GitHub `::error`).

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error, 3 a path cannot be read.")]
pub struct Args {
    /// Files or directories to check, or `-` for standard input [default: . or paths in mon.toml]
    pub paths: Vec<PathBuf>,
    /// Output format [default: text, or [validate] format in mon.toml]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<Format>,
    /// Treat warnings as errors (exit 1 when there are any)
    #[arg(long)]
    pub deny_warnings: bool,
    #[command(flatten)]
    pub input: mon::settings::input::InputFlags,
    /// The name standard input (`-`) is shown as; `.toml` reads it as TOML
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: PathBuf,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let input = match super::input(&args.input, args.paths) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let format = args
        .format
        .or_else(|| input.cfg.as_ref().and_then(|c| c.file.validate.format))
        .unwrap_or(Format::Text);
    let mut loaded = match validate::load_with_stdin(&input.scope, Some(&args.stdin_filename)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {}: {}", e.path.display(), e.message);
            return super::failed_json(format == Format::Json, Exit::Io);
        }
    };
    validate::strict(&mut loaded, args.deny_warnings);
    let report = Report::of(&loaded);
    if let Err(code) = super::emit(|out| report::write(format, &report, out, color.stdout)) {
        return code;
    }
    let io_failures = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == mon::diagnostic::Code::Io);
    let exit = if io_failures {
        Exit::Io
    } else if loaded.errors() > 0 {
        Exit::Invalid
    } else {
        Exit::Ok
    };
    // The process ends next; freeing 100k definition trees would only cost time.
    std::mem::forget(loaded);
    exit
}
