//! Checks a schema cannot express: rules from the reference notes on each
//! target system, and references across definitions. Each module reads the
//! typed model (raw-text rules excepted) and appends diagnostics; none of
//! them formats text for output.

pub mod collectd;
pub mod conveyer;
pub mod dozor;
pub mod goregex;
pub mod hastmon;
pub mod ninevolt;

use crate::catalog::{Catalog, Definition, Section};
use crate::diagnostic::{did_you_mean, Diagnostic};
use crate::model::Model;

/// Rules that must see the raw text (YAML 1.1 words, fields of another
/// monitor type, the size of the JSON written as is), on every definition.
pub fn raw(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    let defs: Vec<&Definition> = catalog
        .all()
        .filter(|d| matches!(d.section, Section::Monitor | Section::Alerter))
        .collect();
    let found: Vec<Diagnostic> = crate::par::flat_map(&defs, |def| {
        let mut o = Vec::new();
        match def.section {
            Section::Monitor => ninevolt::monitor_text(def, &mut o),
            _ => ninevolt::alerter_text(def, &mut o),
        }
        o
    });
    out.extend(found);
}

/// Checks every definition of the model; definitions are independent, so in
/// parallel. The catalog answers "is there a definition of that name" (also
/// for definitions the model could not build, so one error does not cascade).
pub fn run(catalog: &Catalog, model: &Model, out: &mut Vec<Diagnostic>) {
    let mut found = each(&model.monitors, |m, o| ninevolt::monitor(catalog, m, o));
    found.extend(each(&model.alerters, ninevolt::alerter));
    found.extend(each(&model.clusters, hastmon::cluster));
    found.extend(each(&model.brokers, collectd::broker));
    found.extend(each(&model.hosts, |h, o| collectd::host(catalog, h, o)));
    collectd::shared_topics(model, &mut found);
    found.extend(each(&model.conveyers, conveyer::conveyer));
    // The agents share their regexes, each compiled once before.
    let agents: Vec<&_> = model.dozors.values().map(|b| &**b).collect();
    let regexes = dozor::Regexes::of(&agents);
    found.extend(crate::par::flat_map(&agents, |a| {
        let mut o = Vec::new();
        dozor::agent(a, &regexes, &mut o);
        o
    }));
    out.extend(found);
}

/// `check` on every definition of one section, in parallel, its findings
/// in the section's order.
fn each<T: Sync>(
    section: &std::collections::BTreeMap<String, Box<T>>,
    check: impl Fn(&T, &mut Vec<Diagnostic>) + Sync + Send,
) -> Vec<Diagnostic> {
    let items: Vec<&T> = section.values().map(|b| &**b).collect();
    crate::par::flat_map(&items, |t| {
        let mut o = Vec::new();
        check(t, &mut o);
        o
    })
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
