use std::path::PathBuf;

use mon::exit::Exit;
use mon::report::PlanFormat;

/// Print a plan `mon diff --out` saved, as `mon diff` showed it
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon show plan.json                  # the keys to write, with diffs, for review
  mon show plan.json --format short   # one line per key

Reads only the file: no etcd, no definitions, no secret. It shows what `mon sync --plan plan.json`
checks before it writes: the same keys, values (secrets masked) and counts.
Exit codes: 0 shown, 2 usage error, 3 the file cannot be read or is not a plan.")]
pub struct Args {
    /// The plan file
    pub plan: PathBuf,
    /// Output format
    #[arg(long, value_enum, default_value_t = PlanFormat::Text)]
    pub format: PlanFormat,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    let (saved, plan) = match mon::ops::plan::Saved::open(&args.plan) {
        Ok(p) => p,
        Err(e) => return super::failed_with(Exit::Io, &e),
    };
    let json = (saved.api.as_str(), None, None);
    super::emit(|out| mon::report::write_plan(args.format, &plan, json, (color.stdout, None), out))
        .err()
        .unwrap_or(Exit::Ok)
}
