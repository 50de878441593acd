//! Loading and checking definitions: the first stage of every command.
//! Files, then the spanned tree, then the schema, then one typed model.

use std::path::{Path, PathBuf};

use crate::catalog::Catalog;
use crate::check;
use crate::diagnostic::{Code, Diagnostic, Severity, Span};
use crate::model;
use crate::schema;
use crate::source::{self, PathError, ReadFailure, SourceFile, SourceMap};
use crate::syntax;

pub use crate::loaded::Loaded;

/// Which definitions an operation reads, and what they may read in turn:
/// the paths, the globs their walk leaves out, and the directories a
/// `{file:}` secret may come from. A value passed to each operation.
#[derive(Clone, Debug, Default)]
pub struct Scope {
    pub paths: Vec<PathBuf>,
    /// `--ignore` globs, beside `.gitignore` and `.monignore`.
    pub ignore: Vec<String>,
    /// Canonical directories `{file:}` may read from.
    pub secret_roots: crate::secret::Roots,
    /// The settings file in use: another met in the walk is a warning.
    pub settings: Option<PathBuf>,
}

impl Scope {
    /// The paths, with `{file:}` allowed under their directories (a named
    /// file's directory) and under `secrets_dirs`, nowhere else, and
    /// `{env:}` never naming `own_env` (what mon.toml names as mon's own
    /// credentials) or mon's credential variables.
    pub fn new(
        paths: Vec<PathBuf>,
        ignore: Vec<String>,
        secrets_dirs: &[PathBuf],
        own_env: Vec<String>,
    ) -> Scope {
        let dirs = paths
            .iter()
            .map(|p| {
                if p.is_dir() {
                    p.clone()
                } else {
                    p.parent()
                        .filter(|d| !d.as_os_str().is_empty())
                        .map_or_else(|| PathBuf::from("."), Path::to_path_buf)
                }
            })
            .chain(secrets_dirs.iter().cloned());
        let allowed = crate::secret::Allowed {
            roots: crate::secret::canonical(dirs),
            own_env,
        };
        Scope {
            secret_roots: std::sync::Arc::new(allowed),
            paths,
            ignore,
            settings: None,
        }
    }

    /// The same scope over other paths (an import's output).
    pub fn of(paths: Vec<PathBuf>) -> Scope {
        Scope::new(paths, Vec::new(), &[], Vec::new())
    }
}

/// Reads, parses and checks every definition file in the scope.
/// Fails only when a named path cannot be used at all; problems inside files
/// are diagnostics.
pub fn load(scope: &Scope) -> Result<Loaded, PathError> {
    load_with_stdin(scope, None)
}

/// `load`, where a path `-` is one definition document read from standard
/// input and shown in locations as `stdin_name` (its extension picks YAML
/// or TOML). Only `mon validate` reads standard input.
pub fn load_with_stdin(scope: &Scope, stdin_name: Option<&Path>) -> Result<Loaded, PathError> {
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) = match stdin_name {
        Some(_) => scope
            .paths
            .iter()
            .cloned()
            .partition(|p| p.as_os_str() == "-"),
        None => (Vec::new(), scope.paths.clone()),
    };
    let mut t = crate::timings::Phases::start();
    let found = match paths.is_empty() && !stdin.is_empty() {
        true => source::Discovered::default(),
        false => source::discover(&paths, &scope.ignore)?,
    };
    let mut read = read_files(found.files);
    if let (Some(name), false) = (stdin_name, stdin.is_empty()) {
        read.push((name.to_path_buf(), source::read_stdin()));
    }
    t.done("read");
    let mut loaded = analyze_in(read, scope.secret_roots.clone());
    loaded.empty_paths = found.empty;
    other_settings(&mut loaded, found.settings, scope.settings.as_deref());
    Ok(loaded)
}

/// The definitions' names only: the files in the scope read and parsed,
/// their problems ignored (what parses is cataloged; a broken file gives
/// fewer names). For shell completion, which must be quick and quiet.
pub fn catalog(scope: &Scope) -> Result<Catalog, PathError> {
    let found = source::discover(&scope.paths, &scope.ignore)?;
    let mut t = crate::timings::Phases::start();
    Ok(parse_and_catalog(read_files(found.files), &mut t).1)
}

/// Every file's text, or why it cannot be read, in parallel.
fn read_files(files: Vec<PathBuf>) -> Vec<(PathBuf, Result<String, ReadFailure>)> {
    crate::par::map_owned(files, |_, p| {
        let r = source::read(&p);
        (p, r)
    })
}

/// A warning on each settings file met among the definitions that is not
/// the one in use: its settings silently do not apply.
fn other_settings(loaded: &mut Loaded, met: Vec<PathBuf>, in_use: Option<&Path>) {
    let in_use = in_use.and_then(|p| std::fs::canonicalize(p).ok());
    for p in met {
        if std::fs::canonicalize(&p).ok() == in_use {
            continue;
        }
        let using = in_use
            .as_ref()
            .map_or("none".to_string(), |u| u.display().to_string());
        let id = loaded.sources.add(SourceFile::new(p, String::new()));
        loaded.diagnostics.push(Diagnostic::warning(
            Code::OtherSettings,
            Span::file_only(id),
            format!("this settings file is not read; the one in use is {using}"),
        ));
    }
}

/// `analyze_in` with `{file:}` secrets allowed only beside their files.
pub fn analyze(files: Vec<(PathBuf, Result<String, ReadFailure>)>) -> Loaded {
    analyze_in(files, crate::secret::Roots::default())
}

/// One file's definitions, split from its documents, and every finding on
/// the file so far.
struct FileDefs {
    definitions: Vec<crate::catalog::Definition>,
    diagnostics: Vec<Diagnostic>,
}

impl FileDefs {
    fn split(parsed: syntax::Parsed) -> FileDefs {
        let mut diagnostics = parsed.diagnostics;
        let mut definitions = Vec::new();
        for doc in parsed.documents {
            definitions.extend(crate::catalog::definitions(doc, &mut diagnostics));
        }
        FileDefs {
            definitions,
            diagnostics,
        }
    }
}

/// Parses every file and builds the catalog of definitions: the stages up
/// to names, which shell completion needs and nothing after.
fn parse_and_catalog(
    files: Vec<(PathBuf, Result<String, ReadFailure>)>,
    t: &mut crate::timings::Phases,
) -> (SourceMap, Catalog, Vec<Diagnostic>) {
    // Files are independent until the catalog, so parse and split each
    // into its definitions in parallel.
    let parsed: Vec<(SourceFile, FileDefs)> = crate::par::map_owned_weighed(
        files,
        |(_, read)| read.as_ref().map_or(0, String::len),
        |i, (path, read)| {
            let id = i as source::FileId;
            match read {
                Ok(text) => {
                    let file = SourceFile::new(path, text);
                    let parsed = syntax::parse(id, &file);
                    (file, FileDefs::split(parsed))
                }
                Err(f) => {
                    let span = Span::new(id, f.offset.unwrap_or(0), f.offset.map_or(0, |o| o + 1));
                    let mut d = Diagnostic::error(f.code, span, f.message);
                    if let Some(h) = f.hint {
                        d = d.with_hint(h);
                    }
                    let parsed = FileDefs {
                        definitions: Vec::new(),
                        diagnostics: vec![d],
                    };
                    (SourceFile::new(path, f.text), parsed)
                }
            }
        },
    );

    t.done("parse");
    let mut sources = SourceMap::default();
    let mut diagnostics = Vec::new();
    let mut definitions = Vec::new();
    for (file, parsed) in parsed {
        let id = sources.add(file);
        // Only a file nobody had anything to say about is "empty": each
        // definition it holds is filed or a duplicate's error.
        if parsed.definitions.is_empty() && parsed.diagnostics.is_empty() {
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
        diagnostics.extend(parsed.diagnostics);
        definitions.push(parsed.definitions);
    }
    let catalog = Catalog::of(definitions, &mut diagnostics);

    t.done("catalog");
    (sources, catalog, diagnostics)
}

/// The pipeline after reading: parse, catalog, schema, checks. Separate from
/// `load` so tests and the fuzz target can feed text without touching disk.
pub fn analyze_in(
    files: Vec<(PathBuf, Result<String, ReadFailure>)>,
    roots: crate::secret::Roots,
) -> Loaded {
    let mut t = crate::timings::Phases::start();
    let (sources, catalog, mut diagnostics) = parse_and_catalog(files, &mut t);
    let defs: Vec<_> = catalog.all().collect();
    let bytes = sources.files().map(|(_, f)| f.text.len()).sum();
    let in_place = schema::InPlace::for_load(&catalog, bytes);
    let found = crate::par::flat_map(&defs, |def| {
        let mut out = Vec::new();
        schema::check(def, &in_place, &mut out);
        out
    });
    let schema_errors: std::collections::HashSet<Span> = found
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.span)
        .collect();
    diagnostics.extend(found);
    // Not held while the model is built.
    drop((defs, in_place));
    check::raw(&catalog, &mut diagnostics);
    t.done("schema");
    // The model is built from every definition, so one report holds every
    // finding; where the schema already refused a value, the model's reading
    // of the same value adds nothing.
    let mut found = Vec::new();
    let model = model::build(&catalog, &sources, roots, &mut found);
    t.done("model");
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
    t.done("checks");
    Loaded {
        sources,
        catalog,
        model,
        diagnostics,
        empty_paths: Vec::new(),
    }
}

/// For `mon validate`: a path that held no definition file is an error in
/// the report itself (each format shows it as a failure of that path), and
/// with `deny_warnings` every warning is an error too, so what fails the
/// run is what every format reports as failed.
pub fn strict(loaded: &mut Loaded, deny_warnings: bool) {
    for p in std::mem::take(&mut loaded.empty_paths) {
        let id = loaded.sources.add(SourceFile::new(p, String::new()));
        loaded.diagnostics.push(
            Diagnostic::error(
                Code::NoDefinitions,
                Span::file_only(id),
                "this path holds no definition files (*.yaml, *.yml, *.toml)",
            )
            .with_hint("name the directory that holds the definitions"),
        );
    }
    if deny_warnings {
        for d in &mut loaded.diagnostics {
            if d.severity == Severity::Warning {
                d.severity = Severity::Error;
                d.message.push_str(" (an error with --deny-warnings)");
            }
        }
    }
}
