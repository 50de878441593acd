//! The definitions as loaded: their files, catalog, typed model and every
//! finding. Built by `ops::validate`, read by reports and every operation.

use std::path::PathBuf;

use crate::catalog::Catalog;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::Model;
use crate::source::SourceMap;

/// Everything the later stages need: the files (to point into), the
/// definitions, and every finding in source order.
pub struct Loaded {
    pub sources: SourceMap,
    pub catalog: Catalog,
    /// The typed definitions every output reads.
    pub model: Model,
    pub diagnostics: Vec<Diagnostic>,
    /// Paths given that held no definition file at all.
    pub empty_paths: Vec<PathBuf>,
}

impl Loaded {
    pub fn errors(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }
    /// Definitions missing from the model with no error inside them to say
    /// why: the model must build every definition the schema accepts, or
    /// refuse it with a located error. Empty unless the pipeline has a bug;
    /// the fuzz target and the corpus tests hold it to that.
    pub fn silently_dropped(&self) -> Vec<String> {
        let within = |d: &Diagnostic, def: &crate::catalog::Definition| {
            let (n, s) = (def.node.extent(), d.span);
            d.severity == Severity::Error
                && s.file == n.file
                && ((s.start >= n.start && s.end <= n.end) || s == def.name_span)
        };
        self.catalog
            .all()
            .filter(|def| !self.model.contains(def.section, &def.name))
            .filter(|def| !self.diagnostics.iter().any(|d| within(d, def)))
            .map(|def| format!("{}/{}", def.section.key(), def.name))
            .collect()
    }
    pub fn warnings(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count()
    }
}
