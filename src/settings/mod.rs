//! Every setting mon reads, each declared once (`Decl`): its flag, its
//! environment variables, its `mon.toml` key and the label `mon config`
//! prints. A command passes in the flag values clap parsed (flags only:
//! environment variables are read here, so where a value came from is
//! always known), and gets back typed values that remember their source.
//! Precedence: flag, then each environment variable in order, then
//! `mon.toml`, then the default.
//!
//! Adding a setting: its `Decl` and its line in the resolver of its group
//! (`etcd.rs`, `mqtt.rs`, `input.rs`), its field in the flags struct beside
//! them, and its field in `config::File` when `mon.toml` may set it.

pub mod etcd;
pub mod input;
pub mod mqtt;
pub mod owner;
pub mod plan;

use std::path::{Path, PathBuf};

/// Where a setting's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    Flag(String),
    Env(String),
    File(PathBuf),
    /// Derived from the git repository the definitions are in.
    Repository,
    Default,
}

impl std::fmt::Display for Source {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Source::Flag(n) => write!(f, "flag {n}"),
            Source::Env(n) => write!(f, "environment {n}"),
            Source::File(p) => write!(f, "file {}", p.display()),
            Source::Repository => f.write_str("git remote"),
            Source::Default => f.write_str("default"),
        }
    }
}

/// A value and where it came from.
#[derive(Clone, Debug)]
pub struct Setting<T> {
    pub value: T,
    pub source: Source,
}

/// One row of `mon config`: label, value as shown (never a secret), source.
pub type Shown = (&'static str, String, Source);

/// A setting's declaration.
pub struct Decl {
    /// What `mon config` calls it.
    pub label: &'static str,
    /// Its long flag, without the dashes.
    pub flag: &'static str,
    /// Environment variables read for it, in order of precedence.
    pub env: &'static [&'static str],
    /// Its key in `mon.toml`, if the file may set it.
    pub key: Option<&'static str>,
}

/// Why settings cannot be used: a value that is wrong (usage, exit 2), or
/// a credential that cannot be read (exit 3).
#[derive(Debug)]
pub enum Error {
    Usage(String),
    Unreadable(String),
}

impl Error {
    /// 2 for a wrong value, 3 for a credential that cannot be read.
    pub fn exit(&self) -> crate::exit::Exit {
        match self {
            Error::Usage(_) => crate::exit::Exit::Usage,
            Error::Unreadable(_) => crate::exit::Exit::Io,
        }
    }
}

impl From<String> for Error {
    fn from(m: String) -> Self {
        Error::Usage(m)
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Usage(m) | Error::Unreadable(m) => f.write_str(m),
        }
    }
}

/// An environment variable, if set and not empty.
pub fn env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

impl Decl {
    /// `text` with where else the value may come from, for `--help`.
    pub fn help(&self, text: &str) -> String {
        let mut h = text.to_string();
        if !self.env.is_empty() {
            h.push_str(&format!(" [env: {}]", self.env.join(", ")));
        }
        if let Some(k) = self.key {
            h.push_str(&format!(" [mon.toml: {k}]"));
        }
        h
    }

    /// The first of: the flag, each environment variable (read with
    /// `parse`), the file's value, the default.
    pub fn resolve<T>(
        &self,
        flag: Option<T>,
        parse: impl Fn(&str) -> Result<T, String>,
        file: Option<(T, &Path)>,
        default: T,
    ) -> Result<Setting<T>, String> {
        if let Some(value) = flag {
            return Ok(Setting {
                value,
                source: Source::Flag(format!("--{}", self.flag)),
            });
        }
        for name in self.env {
            if let Some(text) = env(name) {
                let value = parse(&text).map_err(|e| format!("environment {name}: {e}"))?;
                return Ok(Setting {
                    value,
                    source: Source::Env(name.to_string()),
                });
            }
        }
        if let Some((value, path)) = file {
            return Ok(Setting {
                value,
                source: Source::File(path.to_path_buf()),
            });
        }
        Ok(Setting {
            value: default,
            source: Source::Default,
        })
    }

    /// `resolve` for a setting whose value is text as given.
    pub fn text(
        &self,
        flag: Option<String>,
        file: Option<(String, &Path)>,
        default: &str,
    ) -> Setting<String> {
        self.resolve(flag, |s| Ok(s.to_string()), file, default.to_string())
            .expect("text always parses")
    }
}

/// A password given on the command line: the flag or its environment
/// variables (`decl`), else `--password-file` (a regular file under a size
/// limit, its line ending dropped: a pipe would hang here).
pub fn given_password(
    decl: &Decl,
    flag: &Option<String>,
    file: &Option<PathBuf>,
) -> Result<Option<Setting<String>>, Error> {
    let given = decl.resolve(flag.clone().map(Some), |s| Ok(Some(s.into())), None, None)?;
    if let Some(value) = given.value {
        return Ok(Some(Setting {
            value,
            source: given.source,
        }));
    }
    let Some(f) = file else { return Ok(None) };
    let text = crate::secret::read_file(f)
        .map_err(|e| Error::Unreadable(format!("--password-file: {e}")))?;
    Ok(Some(Setting {
        value: text.trim_end_matches(['\n', '\r']).to_string(),
        source: Source::Flag("--password-file".into()),
    }))
}

/// A `mon.toml` value with the file it came from, for `Decl::resolve`.
pub fn in_file<T: Clone>(
    cfg: Option<&crate::config::Loaded>,
    get: impl Fn(&crate::config::File) -> Option<T>,
) -> Option<(T, &Path)> {
    let c = cfg?;
    get(&c.file).map(|v| (v, c.path.as_path()))
}

/// Settings that only the file (or a default) provides to this command.
pub fn file_only(cfg: Option<&crate::config::Loaded>) -> Vec<(String, String, Source)> {
    let source = |set: bool| match cfg {
        Some(c) if set => Source::File(c.path.clone()),
        _ => Source::Default,
    };
    let f = cfg.map(|c| c.file.clone()).unwrap_or_default();
    let path = |p: &Option<PathBuf>, none: &str| match (p, cfg) {
        (Some(p), Some(c)) => c.path_of(p).display().to_string(),
        _ => none.to_string(),
    };
    vec![
        (
            "mqtt user".into(),
            f.mqtt.user.clone().unwrap_or_else(|| "(none)".into()),
            source(f.mqtt.user.is_some()),
        ),
        (
            "mqtt password".into(),
            f.mqtt
                .password
                .as_ref()
                .map_or_else(|| "(none)".into(), |r| r.describe()),
            source(f.mqtt.password.is_some()),
        ),
        (
            "render out".into(),
            path(&f.render.out, "(none: --out is required)"),
            source(f.render.out.is_some()),
        ),
        (
            "render templates".into(),
            path(&f.render.templates, "(embedded)"),
            source(f.render.templates.is_some()),
        ),
        (
            "validate format".into(),
            value_name(f.validate.format.unwrap_or(crate::report::Format::Text)),
            source(f.validate.format.is_some()),
        ),
        (
            "plan format".into(),
            value_name(f.plan.format.unwrap_or(crate::report::PlanFormat::Text)),
            source(f.plan.format.is_some()),
        ),
    ]
}

/// A format as its flag spells it.
fn value_name(v: impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    const D: Decl = Decl {
        label: "x",
        flag: "x",
        env: &["MON_TEST_SETTING_UNSET", "MON_TEST_SETTING_SET"],
        key: Some("x"),
    };

    #[test]
    fn precedence_is_flag_then_environment_then_file_then_default() {
        std::env::set_var("MON_TEST_SETTING_SET", "env");
        let file = Some(("file".to_string(), Path::new("mon.toml")));
        let s = D.text(Some("flag".into()), file.clone(), "d");
        assert_eq!(
            (s.value.as_str(), s.source),
            ("flag", Source::Flag("--x".into()))
        );
        let s = D.text(None, file.clone(), "d");
        assert_eq!(s.source, Source::Env("MON_TEST_SETTING_SET".into()));
        std::env::remove_var("MON_TEST_SETTING_SET");
        let s = D.text(None, file, "d");
        assert_eq!(s.source, Source::File("mon.toml".into()));
        assert_eq!(D.text(None, None, "d").source, Source::Default);
        assert!(D
            .help("X")
            .contains("[env: MON_TEST_SETTING_UNSET, MON_TEST_SETTING_SET] [mon.toml: x]"));
    }
}
