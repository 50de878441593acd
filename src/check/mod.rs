//! Checks a schema cannot express: rules from the reference notes on each
//! target system, and references across definitions. Each module reads the
//! catalog and appends diagnostics; none of them formats text for output.

pub mod collectd;
pub mod conveyer;
pub mod dozor;
pub mod duration;
pub mod hastmon;
pub mod ninevolt;

use crate::catalog::Catalog;
use crate::diagnostic::{did_you_mean, Diagnostic};

pub fn run(catalog: &Catalog, out: &mut Vec<Diagnostic>) {
    ninevolt::check(catalog, out);
    hastmon::check(catalog, out);
    collectd::check(catalog, out);
    conveyer::check(catalog, out);
    dozor::check(catalog, out);
}

/// "did you mean" for a reference to a name that does not exist.
pub(crate) fn suggest<'a>(word: &str, names: impl IntoIterator<Item = &'a str>) -> Option<String> {
    did_you_mean(word, names).map(|s| format!("did you mean `{s}`?"))
}
