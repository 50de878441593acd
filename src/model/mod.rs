//! One typed model of the definitions, built once from the schema-valid
//! tree. Render, plan, send and the checks read it and nothing else; each
//! field is read in one place, with its type and default. Values that reach
//! another program's file are of a type that knows that program's rules
//! (`types`), so a definition that builds renders into a file its reader
//! takes as written.

pub mod collectd;
pub mod conveyer;
pub mod dozor;
pub mod duration;
pub mod hastmon;
pub mod ninevolt;
pub mod read;
pub mod types;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Definition, Section};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

pub use read::{Cx, Fields, Spanned};

#[derive(Default)]
pub struct Model {
    /// Boxed: built once in parallel and never moved again, so 100,000
    /// of them are not held twice while the map is filled.
    pub monitors: BTreeMap<String, Box<ninevolt::Monitor>>,
    pub alerters: BTreeMap<String, ninevolt::Alerter>,
    pub clusters: BTreeMap<String, hastmon::Cluster>,
    pub brokers: BTreeMap<String, collectd::Broker>,
    pub hosts: BTreeMap<String, collectd::Host>,
    pub conveyers: BTreeMap<String, conveyer::Conveyer>,
    pub dozors: BTreeMap<String, dozor::Agent>,
}

/// Where values were written, for secrets (their directory) and for errors
/// found only after resolution (`path:line:col`).
pub struct Place<'a> {
    pub sources: &'a SourceMap,
}

impl Place<'_> {
    pub fn at(&self, span: crate::diagnostic::Span) -> String {
        let f = self.sources.get(span.file);
        let (line, col) = f.line_col(span.start as usize);
        format!("{}:{line}:{col}", f.path.display())
    }
    pub fn secret(&self, r: Spanned<types::SecretRef>) -> types::Secret {
        let f = self.sources.get(r.span.file);
        types::Secret {
            at: self.at(r.span),
            dir: f.path.parent().map(|p| p.to_path_buf()).unwrap_or_default(),
            reference: r,
        }
    }
}

fn section_path(s: Section) -> &'static str {
    s.key()
}

/// One built definition, boxed so that a list of them for 100,000
/// monitors is pointers, not the largest section's size each.
enum Built {
    Monitor(Box<ninevolt::Monitor>),
    Alerter(Box<ninevolt::Alerter>),
    Cluster(Box<hastmon::Cluster>),
    Broker(Box<collectd::Broker>),
    Host(Box<collectd::Host>),
    Conveyer(Box<conveyer::Conveyer>),
    Dozor(Box<dozor::Agent>),
}

/// Builds one definition.
fn build_one(def: &Definition, cx: &mut Cx, place: &Place) -> Option<Built> {
    let f = Fields::new(&def.node, section_path(def.section));
    let (name, span) = (def.name.as_str(), def.name_span);
    Some(match def.section {
        Section::Monitor => {
            Built::Monitor(Box::new(ninevolt::monitor(name, span, &def.node, f, cx)?))
        }
        Section::Alerter => Built::Alerter(Box::new(ninevolt::alerter(
            name, span, &def.node, f, cx, place,
        )?)),
        Section::Cluster => Built::Cluster(Box::new(hastmon::build(name, span, f, cx, place)?)),
        Section::Mqtt => Built::Broker(Box::new(collectd::broker(name, span, f, cx, place)?)),
        Section::Collectd => Built::Host(Box::new(collectd::host(name, span, f, cx, place)?)),
        Section::Conveyer => Built::Conveyer(Box::new(conveyer::build(name, span, f, cx)?)),
        Section::Dozor => Built::Dozor(Box::new(dozor::build(name, span, f, cx, place)?)),
    })
}

impl Model {
    /// Whether the definition `section/name` is in the model.
    pub fn contains(&self, section: Section, name: &str) -> bool {
        match section {
            Section::Monitor => self.monitors.contains_key(name),
            Section::Alerter => self.alerters.contains_key(name),
            Section::Cluster => self.clusters.contains_key(name),
            Section::Mqtt => self.brokers.contains_key(name),
            Section::Collectd => self.hosts.contains_key(name),
            Section::Conveyer => self.conveyers.contains_key(name),
            Section::Dozor => self.dozors.contains_key(name),
        }
    }

    fn insert(&mut self, name: String, b: Built) {
        match b {
            Built::Monitor(m) => drop(self.monitors.insert(name, m)),
            Built::Alerter(a) => drop(self.alerters.insert(name, *a)),
            Built::Cluster(c) => drop(self.clusters.insert(name, *c)),
            Built::Broker(x) => drop(self.brokers.insert(name, *x)),
            Built::Host(h) => drop(self.hosts.insert(name, *h)),
            Built::Conveyer(c) => drop(self.conveyers.insert(name, *c)),
            Built::Dozor(d) => drop(self.dozors.insert(name, *d)),
        }
    }
}

/// Builds the model from every definition. A value of the wrong shape (the
/// schema reports it) is left out of its definition, and a definition
/// missing a required value is left out of the model: outputs never run on
/// a model with errors. Definitions are independent, so in parallel.
pub fn build(catalog: &Catalog, sources: &SourceMap, out: &mut Vec<Diagnostic>) -> Model {
    use rayon::prelude::*;
    let place = Place { sources };
    let defs: Vec<&Definition> = catalog.all().collect();
    let built: Vec<(Option<Built>, Vec<Diagnostic>)> = defs
        .par_iter()
        .map(|def| {
            let mut cx = Cx::new(&sources.get(def.name_span.file).text);
            let b = build_one(def, &mut cx, &place);
            (b, cx.out)
        })
        .collect();
    let mut model = Model::default();
    for ((b, mut found), def) in built.into_iter().zip(&defs) {
        out.append(&mut found);
        if let Some(b) = b {
            model.insert(def.name.clone(), b);
        }
    }
    model
}

/// Builds with a recording context: every field path read, for the test
/// that holds the model and the schemas to the same fields.
pub fn fields_read(
    catalog: &Catalog,
    sources: &SourceMap,
) -> (std::collections::BTreeSet<String>, Vec<Diagnostic>) {
    let mut cx = Cx::recording();
    let place = Place { sources };
    for def in catalog.all() {
        build_one(def, &mut cx, &place);
    }
    (cx.seen(), cx.out)
}

#[cfg(test)]
mod tests {
    /// 100,000 monitors must stay under 400 MB (issue 10's budget): a
    /// monitor's model is kept small.
    #[test]
    fn a_monitor_stays_small() {
        let size = std::mem::size_of::<super::ninevolt::Monitor>();
        assert!(size <= 1024, "Monitor is {size} bytes");
    }
}
