//! One typed model of the definitions, built once from the schema-valid
//! tree. Render, plan, send and the checks read it and nothing else; each
//! field is read in one place, with its type and default. Values that reach
//! another program's file are of a type that knows that program's rules
//! (`types`), so a definition that builds renders into a file its reader
//! takes as written.

pub mod duration;
pub mod read;
pub mod types;

use std::collections::BTreeMap;

use crate::catalog::{Catalog, Definition, Section};
use crate::diagnostic::Diagnostic;
use crate::source::SourceMap;

pub use read::{Cx, Fields, Spanned};

/// Where values were written: secrets keep their file (its directory, and
/// `path:line:col` for errors found only after resolution).
pub struct Place<'a> {
    pub sources: &'a SourceMap,
    pub roots: crate::secret::Roots,
    /// Paths made canonical, for `{file:}` secrets: ten thousand alerters
    /// name the same token file.
    canonical: std::sync::Mutex<foldhash::HashMap<std::path::PathBuf, Option<std::path::PathBuf>>>,
}

impl<'a> Place<'a> {
    pub fn new(sources: &'a SourceMap, roots: crate::secret::Roots) -> Place<'a> {
        Place {
            sources,
            roots,
            canonical: Default::default(),
        }
    }
    /// The secret, with a finding when it names what mon always refuses.
    pub fn secret(&self, cx: &mut Cx, r: Spanned<types::SecretRef>) -> types::Secret {
        let file = self.sources.shared(r.span.file);
        let dir = file.path.parent().unwrap_or(std::path::Path::new(""));
        let mut canonical = |p: &std::path::Path| {
            let mut known = self.canonical.lock().unwrap_or_else(|e| e.into_inner());
            known
                .entry(p.to_path_buf())
                .or_insert_with(|| std::fs::canonicalize(p).ok())
                .clone()
        };
        let refused = r
            .reference()
            .and_then(|x| self.roots.refuses_via(x, dir, &mut canonical));
        if let Some(why) = refused {
            cx.out.push(Diagnostic::error(
                crate::diagnostic::Code::SecretRefused,
                r.span,
                why,
            ));
        }
        types::Secret {
            file,
            roots: self.roots.clone(),
            reference: r,
        }
    }
}

/// What every section's builder is given.
pub struct Def<'a> {
    pub name: &'a str,
    pub name_span: crate::diagnostic::Span,
    /// The definition as written (monitors and alerters reach etcd as it).
    pub node: &'a std::sync::Arc<crate::syntax::Node>,
    pub fields: Fields<'a>,
    pub place: &'a Place<'a>,
}

/// The model's maps, one per section, its dispatch to each section's
/// builder, and the section modules, all from the list in `section.rs`.
macro_rules! model {
    (modules [$($module:ident),*] $($variant:ident $key:literal $describe:literal => $map:ident: $m:ident::$ty:ident = $build:ident;)*) => {
        $(pub mod $module;)*

        /// Every definition that built, by section and name. Each is boxed:
        /// built once in parallel and never moved again, so 100,000 of them
        /// are not held twice while the maps are filled.
        #[derive(Default)]
        pub struct Model {
            $(pub $map: BTreeMap<String, Box<$m::$ty>>,)*
        }

        enum Built {
            $($variant(Box<$m::$ty>),)*
        }

        fn build_one(def: &Definition, cx: &mut Cx, place: &Place) -> Option<Built> {
            let d = Def {
                name: &def.name,
                name_span: def.name_span,
                node: &def.node,
                fields: Fields::new(&def.node, def.section.key()),
                place,
            };
            Some(match def.section {
                $(Section::$variant => Built::$variant(Box::new($m::$build(&d, cx)?)),)*
            })
        }

        impl Model {
            /// Whether the definition `section/name` is in the model.
            pub fn contains(&self, section: Section, name: &str) -> bool {
                match section {
                    $(Section::$variant => self.$map.contains_key(name),)*
                }
            }
        }

        /// What built, in catalog order (by name within a section): each
        /// map is then collected from a sorted list in one pass instead of
        /// 100,000 inserts.
        #[derive(Default)]
        struct Lists {
            $($map: Vec<(String, Box<$m::$ty>)>,)*
        }

        impl Lists {
            fn push(&mut self, name: String, b: Built) {
                match b {
                    $(Built::$variant(x) => self.$map.push((name, x)),)*
                }
            }
            fn into_model(self) -> Model {
                Model { $($map: self.$map.into_iter().collect(),)* }
            }
        }
    };
}

crate::section::for_each_section!(model);

/// Builds the model from every definition. A value of the wrong shape (the
/// schema reports it) is left out of its definition, and a definition
/// missing a required value is left out of the model: outputs never run on
/// a model with errors. Definitions are independent, so in parallel.
pub fn build(
    catalog: &Catalog,
    sources: &SourceMap,
    roots: crate::secret::Roots,
    out: &mut Vec<Diagnostic>,
) -> Model {
    let place = Place::new(sources, roots);
    let defs: Vec<&Definition> = catalog.all().collect();
    // In chunks, each with one list of findings: a list per definition
    // held 4 MB for 100,000 monitors at the peak.
    let built: Vec<(Vec<Option<Built>>, Vec<Diagnostic>)> =
        crate::par::map_chunks(&defs, |chunk| {
            let mut found = Vec::new();
            let built = chunk
                .iter()
                .map(|def| {
                    let mut cx = Cx::new(&sources.get(def.name_span.file).text);
                    let b = build_one(def, &mut cx, &place);
                    found.append(&mut cx.out);
                    b
                })
                .collect();
            (built, found)
        });
    let mut lists = Lists::default();
    for ((built, mut found), chunk) in built.into_iter().zip(defs.chunks(crate::par::CHUNK)) {
        out.append(&mut found);
        for (b, def) in built.into_iter().zip(chunk) {
            if let Some(b) = b {
                lists.push(def.name.clone(), b);
            }
        }
    }
    lists.into_model()
}

/// Builds with a recording context: every field path read, for the test
/// that holds the model and the schemas to the same fields.
pub fn fields_read(
    catalog: &Catalog,
    sources: &SourceMap,
) -> (std::collections::BTreeSet<String>, Vec<Diagnostic>) {
    let mut cx = Cx::recording();
    let place = Place::new(sources, crate::secret::Roots::default());
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
