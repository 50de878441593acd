//! The frame every definition file shares: section → name → object. Builds one
//! namespace per section across all files and reports what does not fit it.

use std::collections::BTreeMap;

use crate::diagnostic::{did_you_mean, Code, Diagnostic, Span};
use crate::syntax::{Node, Value};

pub use crate::section::Section;

#[derive(Clone, Debug)]
pub struct Definition {
    pub section: Section,
    pub name: String,
    pub name_span: Span,
    /// Shared with the model, which hands monitors and alerters to etcd as written.
    pub node: std::sync::Arc<Node>,
}

#[derive(Default)]
pub struct Catalog {
    /// Names up to 24 bytes are held inline: a second copy of each of
    /// 100,000 names on the heap was 1.6 MB.
    sections: BTreeMap<Section, BTreeMap<compact_str::CompactString, Definition>>,
}

impl Catalog {
    pub fn section(&self, s: Section) -> impl Iterator<Item = &Definition> {
        self.sections.get(&s).into_iter().flat_map(|m| m.values())
    }
    pub fn get(&self, s: Section, name: &str) -> Option<&Definition> {
        self.sections.get(&s)?.get(name)
    }
    pub fn all(&self) -> impl Iterator<Item = &Definition> {
        self.sections.values().flat_map(|m| m.values())
    }
    pub fn len(&self) -> usize {
        self.sections.values().map(BTreeMap::len).sum()
    }
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    pub fn count(&self, s: Section) -> usize {
        self.sections.get(&s).map_or(0, BTreeMap::len)
    }

    /// The catalog of definitions split from their documents
    /// (`definitions`), listed in file order: the first of a name in a
    /// section wins, and each later one is an error. Sections are
    /// independent, so they are filed in parallel.
    pub fn of(files: Vec<Vec<Definition>>, out: &mut Vec<Diagnostic>) -> Catalog {
        // Each file's list moves whole where it holds one section, as most
        // do: copying 100,000 definitions into one list per section cost
        // time and 6 MiB at the peak.
        let mut by_section: BTreeMap<Section, Vec<Vec<Definition>>> = BTreeMap::new();
        for defs in files {
            let Some(first) = defs.first().map(|d| d.section) else {
                continue;
            };
            if defs.iter().all(|d| d.section == first) {
                by_section.entry(first).or_default().push(defs);
                continue;
            }
            let mut split: BTreeMap<Section, Vec<Definition>> = BTreeMap::new();
            for d in defs {
                split.entry(d.section).or_default().push(d);
            }
            for (section, defs) in split {
                by_section.entry(section).or_default().push(defs);
            }
        }
        // A definition is some tens of bytes of text at least: a small load
        // files its sections without starting the thread pool.
        let filed = crate::par::map_owned_weighed(
            by_section.into_iter().collect(),
            |(_, files)| files.iter().map(Vec::len).sum::<usize>() * 32,
            |_, (section, files)| {
                // Sorted by name, then built in one pass: full tree nodes,
                // where 100,000 inserts in file order left them a third
                // empty. The sort is stable, so of one name the first in
                // file order comes first and wins.
                let mut named: Vec<(compact_str::CompactString, Definition)> = files
                    .into_iter()
                    .flatten()
                    .map(|d| (compact_str::CompactString::from(d.name.as_str()), d))
                    .collect();
                named.sort_by(|a, b| a.0.cmp(&b.0));
                let mut found = Vec::new();
                named.dedup_by(|(name, again), (first_name, first)| {
                    let same = name == first_name;
                    if same {
                        found.push(
                            Diagnostic::error(
                                Code::DuplicateName,
                                again.name_span,
                                format!("{} `{}` is defined twice", again.section.key(), again.name),
                            )
                            .with_related(first.name_span, "first defined here")
                            .with_hint(
                                "each section is one namespace across all files; rename or remove one",
                            ),
                        );
                    }
                    same
                });
                (
                    section,
                    named.into_iter().collect::<BTreeMap<_, _>>(),
                    found,
                )
            },
        );
        let mut catalog = Catalog::default();
        for (section, map, mut found) in filed {
            out.append(&mut found);
            catalog.sections.insert(section, map);
        }
        catalog
    }
}

/// The definitions of one document, by section and name, with findings on
/// what does not fit the frame. Needs no other file, so it runs beside the
/// parse, in parallel, and the catalog only files names.
pub fn definitions(doc: Node, out: &mut Vec<Diagnostic>) -> Vec<Definition> {
    let mut defs = Vec::new();
    let entries = match doc.value {
        Value::Null => return defs,
        Value::Map(entries) => entries,
        _ => {
            out.push(
                Diagnostic::error(
                    Code::NotAMapping,
                    doc.span,
                    format!(
                        "a definition file must be a mapping of sections, not a {}",
                        doc.type_name()
                    ),
                )
                .with_hint("start with a section such as `monitor:`"),
            );
            return defs;
        }
    };
    for entry in entries {
        // `x-` keys hold YAML anchors for reuse, as in docker-compose files.
        if entry.key.starts_with("x-") {
            continue;
        }
        let Some(section) = Section::from_key(&entry.key) else {
            out.push(unknown_section(&entry.key, entry.key_span));
            continue;
        };
        let names = match entry.value.value {
            Value::Null => continue,
            Value::Map(names) => names,
            _ => {
                out.push(
                    Diagnostic::error(
                        Code::NotAMapping,
                        entry.value.span,
                        format!(
                            "section `{}` must map names to definitions, not be a {}",
                            entry.key,
                            entry.value.type_name()
                        ),
                    )
                    .with_hint(format!(
                        "write `{}:` then one indented `NAME:` per definition",
                        entry.key
                    )),
                );
                continue;
            }
        };
        for def in names {
            if let Some(problem) = name_problem(&def.key) {
                out.push(
                        Diagnostic::error(
                            Code::InvalidName,
                            def.key_span,
                            format!("`{}` cannot be a {} name: {problem}", def.key, section.key()),
                        )
                        .with_hint("names become etcd keys and file names: use letters, digits, `.`, `_` and `-`, starting with a letter or digit"),
                    );
                continue;
            }
            defs.push(Definition {
                section,
                name: def.key.into_string(),
                name_span: def.key_span,
                node: std::sync::Arc::new(def.value),
            });
        }
    }
    defs
}

fn unknown_section(key: &str, span: Span) -> Diagnostic {
    let known: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
    let singular = key.strip_suffix('s').unwrap_or(key);
    let suggestion = Section::from_key(singular)
        .map(Section::key)
        .or_else(|| did_you_mean(key, known.iter().copied()));
    let d = Diagnostic::error(
        Code::UnknownSection,
        span,
        format!("unknown section `{key}`"),
    );
    match suggestion {
        Some(s) => d.with_hint(format!("did you mean `{s}`?")),
        None => d.with_hint(format!(
            "sections are: {}; keys starting with `x-` are ignored (for YAML anchors)",
            known.join(", ")
        )),
    }
}

pub const MAX_NAME_LEN: usize = 128;

/// Names are etcd key segments and file names, so they stay in a safe charset.
pub fn name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    match chars.next() {
        None => return Some("it is empty"),
        Some(c) if !c.is_ascii_alphanumeric() => {
            return Some("it must start with a letter or digit")
        }
        _ => {}
    }
    if name.len() > MAX_NAME_LEN {
        return Some("it is longer than 128 characters");
    }
    if name.chars().any(|c| c == '/') {
        return Some("it contains `/`, which would nest etcd keys");
    }
    if name.chars().any(char::is_whitespace) {
        return Some("it contains white space");
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
    {
        return Some("it contains a character other than letters, digits, `.`, `_` and `-`");
    }
    None
}
