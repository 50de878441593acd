//! How `diff` and `sync` select and show a plan.

/// Selection and output, the same for diff and sync.
#[derive(clap::Args, Clone)]
pub struct PlanArgs {
    /// Only these definitions and keys, as SECTION/NAME globs (repeatable): monitor/web-*
    #[arg(long, value_name = "SECTION/NAME", add = clap_complete::ArgValueCandidates::new(crate::complete::ninevolt))]
    pub only: Vec<String>,
    /// Leave out these definitions and keys, as SECTION/NAME globs (repeatable)
    #[arg(long, value_name = "SECTION/NAME", add = clap_complete::ArgValueCandidates::new(crate::complete::ninevolt))]
    pub exclude: Vec<String>,
    /// Output format of the plan [default: text, or [plan] format in mon.toml]
    #[arg(long, short = 'f', value_enum)]
    pub format: Option<crate::report::PlanFormat>,
    /// Lines of unchanged JSON around each change in text diffs [default: all]
    #[arg(long, value_name = "N")]
    pub context: Option<usize>,
}
