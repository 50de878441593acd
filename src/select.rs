//! Which definitions a command touches: `--only SECTION/NAME` and
//! `--exclude SECTION/NAME`, shell globs, repeatable. Everything outside the
//! selection is neither written nor deleted.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::catalog::Section;

#[derive(Clone, Debug, Default)]
pub struct Selection {
    only: Option<GlobSet>,
    exclude: Option<GlobSet>,
    /// The patterns as given, for plan files and messages.
    pub only_patterns: Vec<String>,
    pub exclude_patterns: Vec<String>,
}

fn set(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut b = GlobSetBuilder::new();
    for p in patterns {
        let Some((section, _)) = p.split_once('/') else {
            return Err(format!(
                "`{p}` is not SECTION/NAME: write e.g. monitor/web-* or alerter/pager"
            ));
        };
        let known = section.contains(['*', '?', '[']) || Section::from_key(section).is_some();
        if !known {
            let sections: Vec<&str> = Section::ALL.iter().map(|s| s.key()).collect();
            return Err(format!(
                "`{p}`: unknown section `{section}` (sections: {})",
                sections.join(", ")
            ));
        }
        // `/` separates section from name; `*` must not cross it.
        let glob = globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .or_else(|_| Glob::new(p))
            .map_err(|e| format!("`{p}`: {e}"))?;
        b.add(glob);
    }
    b.build().map(Some).map_err(|e| e.to_string())
}

impl Selection {
    pub fn new(only: &[String], exclude: &[String]) -> Result<Selection, String> {
        Ok(Selection {
            only: set(only)?,
            exclude: set(exclude)?,
            only_patterns: only.to_vec(),
            exclude_patterns: exclude.to_vec(),
        })
    }

    /// Everything.
    pub fn all() -> Selection {
        Selection::default()
    }

    pub fn is_all(&self) -> bool {
        self.only.is_none() && self.exclude.is_none()
    }

    /// The patterns that match none of `names` (SECTION/NAME): a plain
    /// name is an error, a glob a warning. Each comes with the closest name,
    /// if one is close.
    pub fn unmatched(&self, names: &[String]) -> Vec<Unmatched> {
        let mut out = Vec::new();
        for (set, patterns) in [
            (&self.only, &self.only_patterns),
            (&self.exclude, &self.exclude_patterns),
        ] {
            let Some(set) = set else { continue };
            let mut hit = vec![false; patterns.len()];
            for n in names {
                for i in set.matches(n) {
                    hit[i] = true;
                }
            }
            for (p, _) in patterns.iter().zip(hit).filter(|(_, h)| !h) {
                out.push(Unmatched {
                    pattern: p.clone(),
                    glob: p.contains(['*', '?', '[', '{']),
                    closest: crate::diagnostic::did_you_mean(p, names.iter().map(String::as_str))
                        .map(str::to_string),
                });
            }
        }
        out
    }

    pub fn contains(&self, section: Section, name: &str) -> bool {
        let path = format!("{}/{name}", section.key());
        self.only.as_ref().is_none_or(|s| s.is_match(&path))
            && !self.exclude.as_ref().is_some_and(|s| s.is_match(&path))
    }
}

/// A pattern that selected nothing.
#[derive(Debug)]
pub struct Unmatched {
    pub pattern: String,
    pub glob: bool,
    pub closest: Option<String>,
}

impl std::fmt::Display for Unmatched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "`{}` matches no definition and no key", self.pattern)?;
        match &self.closest {
            Some(c) => write!(f, "; did you mean `{c}`?"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_section_and_name() {
        let s = Selection::new(
            &["monitor/web-*".into(), "alerter/*".into()],
            &["monitor/web-old".into()],
        )
        .unwrap();
        assert!(s.contains(Section::Monitor, "web-1"));
        assert!(!s.contains(Section::Monitor, "web-old"));
        assert!(!s.contains(Section::Monitor, "db"));
        assert!(s.contains(Section::Alerter, "pager"));
        assert!(Selection::all().contains(Section::Cluster, "x"));
        assert!(Selection::new(&["web".into()], &[]).is_err());
        assert!(Selection::new(&["monitr/web".into()], &[]).is_err());
        let names = [
            "monitor/web-health".to_string(),
            "alerter/pager".to_string(),
        ];
        let typo = Selection::new(
            &["monitor/web-helth".into(), "alerter/*".into()],
            &["monitor/x-*".into()],
        )
        .unwrap();
        let u = typo.unmatched(&names);
        assert_eq!(u.len(), 2, "{u:?}");
        assert!(!u[0].glob && u[0].closest.as_deref() == Some("monitor/web-health"));
        assert!(u[1].glob);
        let any = Selection::new(&["*/db".into()], &[]).unwrap();
        assert!(any.contains(Section::Monitor, "db") && any.contains(Section::Cluster, "db"));
    }
}
