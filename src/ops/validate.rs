//! Loading and checking definitions: the first stage of every command.
//! Files, then the spanned tree, then the schema, then one typed model.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::check;
use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::model::{self, Model};
use crate::schema;
use crate::source::{self, PathError, ReadFailure, SourceFile, SourceMap};
use crate::syntax;

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

/// Reads, parses and checks every definition file under `paths`.
/// Fails only when a named path cannot be used at all; problems inside files
/// are diagnostics.
pub fn load(paths: &[PathBuf]) -> Result<Loaded, PathError> {
    load_with_stdin(paths, None)
}

/// `load`, where a path `-` is one definition document read from standard
/// input and shown in locations as `stdin_name` (its extension picks YAML
/// or TOML). Only `mon validate` reads standard input.
pub fn load_with_stdin(paths: &[PathBuf], stdin_name: Option<&Path>) -> Result<Loaded, PathError> {
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) = match stdin_name {
        Some(_) => paths.iter().cloned().partition(|p| p.as_os_str() == "-"),
        None => (Vec::new(), paths.to_vec()),
    };
    let found = match paths.is_empty() && !stdin.is_empty() {
        true => source::Discovered::default(),
        false => source::discover(&paths)?,
    };
    let mut read: Vec<_> = crate::par::map_owned(found.files, |_, p| {
        let r = source::read(&p);
        (p, r)
    });
    if let (Some(name), false) = (stdin_name, stdin.is_empty()) {
        read.push((name.to_path_buf(), source::read_stdin()));
    }
    let mut loaded = analyze(read);
    loaded.empty_paths = found.empty;
    Ok(loaded)
}

/// The pipeline after reading: parse, catalog, schema, checks. Separate from
/// `load` so tests and the fuzz target can feed text without touching disk.
pub fn analyze(files: Vec<(PathBuf, Result<String, ReadFailure>)>) -> Loaded {
    // Files are independent until the catalog, so parse in parallel.
    let parsed: Vec<(SourceFile, syntax::Parsed)> =
        crate::par::map_owned(files, |i, (path, read)| {
            let id = i as source::FileId;
            match read {
                Ok(text) => {
                    let file = SourceFile::new(path, text);
                    let parsed = syntax::parse(id, &file);
                    (file, parsed)
                }
                Err(f) => {
                    let span = Span::new(id, f.offset.unwrap_or(0), f.offset.map_or(0, |o| o + 1));
                    let mut d = Diagnostic::error(f.code, span, f.message);
                    if let Some(h) = f.hint {
                        d = d.with_hint(h);
                    }
                    let parsed = syntax::Parsed {
                        documents: Vec::new(),
                        diagnostics: vec![d],
                    };
                    (SourceFile::new(path, f.text), parsed)
                }
            }
        });

    let mut sources = SourceMap::default();
    let mut catalog = Catalog::default();
    let mut diagnostics = Vec::new();
    for (file, parsed) in parsed {
        let id = sources.add(file);
        let before = diagnostics.len();
        diagnostics.extend(parsed.diagnostics);
        let mut added = 0;
        for doc in parsed.documents {
            added += catalog.add_document(doc, &mut diagnostics);
        }
        // Only a file nobody had anything to say about is "empty".
        if added == 0 && diagnostics.len() == before {
            diagnostics.push(
                Diagnostic::warning(
                    Code::EmptyFile,
                    Span::file_only(id),
                    "this file defines nothing",
                )
                .with_hint(
                    "add definitions under a section such as `monitor:`, or remove the file",
                ),
            );
        }
    }

    let defs: Vec<_> = catalog.all().collect();
    let schema_findings: Vec<Vec<Diagnostic>> = crate::par::map(&defs, |def| {
        let mut out = Vec::new();
        schema::check(def, &mut out);
        out
    });
    let mut schema_errors = std::collections::HashSet::new();
    for found in schema_findings {
        schema_errors.extend(
            found
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| d.span),
        );
        diagnostics.extend(found);
    }
    check::raw(&catalog, &mut diagnostics);
    // The model is built from every definition, so one report holds every
    // finding; where the schema already refused a value, the model's reading
    // of the same value adds nothing.
    let mut found = Vec::new();
    let model = model::build(&catalog, &sources, &mut found);
    check::run(&catalog, &model, &mut found);
    // A value refused by the schema, or holding a refused value (a secret
    // reference `{env: .nan}`), needs no second word from the model.
    let covers = |d: &Diagnostic| {
        schema_errors
            .iter()
            .any(|s| s.file == d.span.file && d.span.start <= s.start && s.end <= d.span.end)
    };
    diagnostics.extend(found.into_iter().filter(|d| !covers(d)));

    // A YAML 1.1 warning adds nothing where the same value already has an error.
    let error_spans: std::collections::HashSet<Span> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.span)
        .collect();
    diagnostics.retain(|d| d.code != Code::Yaml11Bool || !error_spans.contains(&d.span));
    diagnostics.sort_by(|a, b| {
        (a.span.file, a.span.start, a.code).cmp(&(b.span.file, b.span.start, b.code))
    });
    Loaded {
        sources,
        catalog,
        model,
        diagnostics,
        empty_paths: Vec::new(),
    }
}
