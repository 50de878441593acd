use std::path::PathBuf;

use clap::ValueEnum;

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
always read. A path that holds no definition file is a warning (an error with --deny-warnings).

Exit codes: 0 valid (warnings allowed), 1 invalid, 2 usage error, 3 a path cannot be read.")]
pub struct Args {
    /// Files or directories to check, or `-` for standard input [default: . or paths in mon.toml]
    pub paths: Vec<PathBuf>,
    /// Output format [default: text, or [validate] format in mon.toml]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<OutputFormat>,
    /// Treat warnings as errors (exit 1 when there are any)
    #[arg(long)]
    pub deny_warnings: bool,
    /// The name standard input (`-`) is shown as; `.toml` reads it as TOML
    #[arg(long, value_name = "NAME", default_value = "<stdin>")]
    pub stdin_filename: PathBuf,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum OutputFormat {
    /// Source lines with carets, for people
    Text,
    /// file:line:col: severity[code]: message, one per line
    Short,
    /// One JSON document with every finding
    Json,
    /// GitHub Actions annotations
    Github,
    /// JUnit XML, one test case per file
    Junit,
    /// SARIF 2.1.0 for code scanning
    Sarif,
    /// TAP version 13, one test point per file
    Tap,
}

impl From<OutputFormat> for Format {
    fn from(f: OutputFormat) -> Format {
        match f {
            OutputFormat::Text => Format::Text,
            OutputFormat::Short => Format::Short,
            OutputFormat::Json => Format::Json,
            OutputFormat::Github => Format::Github,
            OutputFormat::Junit => Format::Junit,
            OutputFormat::Sarif => Format::Sarif,
            OutputFormat::Tap => Format::Tap,
        }
    }
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let cfg = match super::settings(&args.paths) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let format = match (
        args.format,
        cfg.as_ref().and_then(|c| c.file.validate.format.as_deref()),
    ) {
        (Some(f), _) => f,
        (None, Some(f)) => match OutputFormat::from_str(f, true) {
            Ok(f) => f,
            Err(_) => {
                eprintln!("error: mon.toml: [validate] format = \"{f}\" is not a format (text, short, json, github, junit, sarif, tap)");
                return Exit::Usage;
            }
        },
        (None, None) => OutputFormat::Text,
    };
    let paths = super::paths_or_configured(args.paths, cfg.as_ref());
    let loaded = match validate::load_with_stdin(&paths, Some(&args.stdin_filename)) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {}: {}", e.path.display(), e.message);
            return Exit::Io;
        }
    };
    // A path that held no definition file is a false green waiting to happen.
    for p in &loaded.empty_paths {
        eprintln!(
            "warning: {} holds no definition files (*.yaml, *.yml, *.toml)",
            p.display()
        );
    }
    let report = Report::of(&loaded);
    if let Err(code) = super::emit(|out| report::write(format.into(), &report, out, color.stdout)) {
        return code;
    }
    let io_failures = loaded
        .diagnostics
        .iter()
        .any(|d| d.code == mon::diagnostic::Code::Io);
    let exit = if io_failures {
        Exit::Io
    } else if loaded.errors() > 0
        || (args.deny_warnings && (loaded.warnings() > 0 || !loaded.empty_paths.is_empty()))
    {
        Exit::Invalid
    } else {
        Exit::Ok
    };
    // The process ends next; freeing 100k definition trees would only cost time.
    std::mem::forget(loaded);
    exit
}
