//! Checks a schema cannot express: rules from the reference notes on each
//! target system, and references across definitions. Each module reads the
//! catalog and appends diagnostics; none of them formats text for output.

pub mod collectd;
pub mod conveyer;
pub mod dozor;
pub mod duration;
pub mod goregex;
pub mod hastmon;
pub mod ninevolt;

use rayon::prelude::*;

use crate::catalog::{Catalog, Definition, Section};
use crate::diagnostic::{did_you_mean, Diagnostic};

/// Checks every definition; definitions are independent, so in parallel.
pub fn run(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let defs: Vec<&Definition> = catalog.all().collect();
    let found: Vec<Diagnostic> = defs
        .par_iter()
        .flat_map_iter(|def| {
            let mut o = Vec::new();
            match def.section {
                Section::Monitor => ninevolt::monitor(catalog, def, &mut o),
                Section::Alerter => ninevolt::alerter(def, &mut o),
                Section::Cluster => hastmon::cluster(def, &mut o),
                Section::Mqtt => collectd::broker(def, &mut o),
                Section::Collectd => collectd::host(catalog, def, &mut o),
                Section::Conveyer => conveyer::conveyer(def, &mut o),
                Section::Dozor => dozor::agent(def, &mut o),
            }
            o
        })
        .collect();
    out.extend(found);
}

/// The regex crates' multi-line error, reduced to its last meaningful line.
pub(crate) fn regex_message(s: &str) -> String {
    let line = s
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or(s)
        .trim();
    line.strip_prefix("error: ").unwrap_or(line).to_string()
}

/// "did you mean" for a reference to a name that does not exist.
pub(crate) fn suggest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, names).map(|s| format!("did you mean `{s}`?"))
}
