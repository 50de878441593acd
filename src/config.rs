//! `mon.toml`: the settings an operator would otherwise type on every run,
//! kept at the root of the definitions. Precedence is flags, then the
//! environment, then this file, then built-in defaults; every resolved
//! setting remembers where it came from, so `mon config` can say.
//!
//! Credentials in the file are secret references only (`{env = "NAME"}` or
//! `{file = "PATH"}`), never values: the file lives beside the definitions,
//! in version control.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file's name; the definitions walker skips it.
pub const FILE_NAME: &str = crate::source::SETTINGS_FILE;

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct File {
    /// Definition paths used when none are given, relative to the file.
    pub paths: Option<Vec<PathBuf>>,
    /// The ownership mark `mon sync` writes.
    pub owner: Option<String>,
    #[serde(default)]
    pub etcd: EtcdFile,
    #[serde(default)]
    pub mqtt: MqttFile,
    #[serde(default)]
    pub render: RenderFile,
    #[serde(default)]
    pub validate: ValidateFile,
    /// `mon diff` and `mon sync` output.
    #[serde(default)]
    pub plan: PlanFile,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct EtcdFile {
    pub endpoints: Option<Vec<String>>,
    pub api: Option<crate::etcd::Api>,
    pub prefix: Option<String>,
    pub user: Option<String>,
    pub password: Option<SecretRef>,
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    #[serde(
        default,
        deserialize_with = "crate::model::duration::deserialize_positive"
    )]
    pub dial_timeout: Option<std::time::Duration>,
    #[serde(
        default,
        deserialize_with = "crate::model::duration::deserialize_positive"
    )]
    pub command_timeout: Option<std::time::Duration>,
}

impl EtcdFile {
    /// The file is in version control: a password in `user` or in an
    /// endpoint is refused, and never quoted.
    fn credentials_in_clear(&self) -> Result<(), String> {
        if self.user.as_deref().is_some_and(|u| u.contains(':')) {
            return Err("[etcd] user holds a password (user:password); mon.toml holds references only: `user = \"NAME\"` and `password = { env = \"NAME\" }` or `{ file = \"PATH\" }`".into());
        }
        if self.endpoints.iter().flatten().any(|e| has_userinfo(e)) {
            return Err("[etcd] endpoints: an endpoint holds credentials (user:password@host); mon.toml holds references only: `user` and `password = { env = \"NAME\" }`".into());
        }
        Ok(())
    }
}

/// Whether an endpoint URL carries `user[:password]@` before its host.
pub fn has_userinfo(endpoint: &str) -> bool {
    let rest = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    rest.split(['/', '?', '#'])
        .next()
        .unwrap_or("")
        .contains('@')
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct MqttFile {
    /// The operator's own account, for sending commands.
    pub user: Option<String>,
    pub password: Option<SecretRef>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct RenderFile {
    pub out: Option<PathBuf>,
    pub templates: Option<PathBuf>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct ValidateFile {
    pub format: Option<crate::report::Format>,
}

#[derive(Deserialize, Default, Debug, Clone)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct PlanFile {
    pub format: Option<crate::report::PlanFormat>,
}

/// A credential in the file: where to find it, never the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecretRef {
    Env(String),
    File(PathBuf),
}

impl<'de> Deserialize<'de> for SecretRef {
    /// Refuses anything but `{env = ...}` or `{file = ...}` without quoting
    /// it: what was written there may be the password itself.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Table {
            env: Option<String>,
            file: Option<PathBuf>,
        }
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Any {
            Table(Table),
            Other(serde::de::IgnoredAny),
        }
        match Any::deserialize(d)? {
            Any::Table(Table {
                env: Some(n),
                file: None,
            }) => Ok(SecretRef::Env(n)),
            Any::Table(Table {
                env: None,
                file: Some(p),
            }) => Ok(SecretRef::File(p)),
            _ => Err(serde::de::Error::custom(
                "a credential must be a reference, { env = \"NAME\" } or { file = \"PATH\" }, never the value itself",
            )),
        }
    }
}

impl SecretRef {
    /// Resolves it. A file is read as a definition's `{file:}` is: a
    /// regular file, bounded, under the settings file's directory or a
    /// `--secrets-dir`, its path taken relative to the settings file.
    pub fn resolve(&self, cfg: &Loaded) -> Result<String, String> {
        match self {
            SecretRef::Env(n) => crate::secret::env(n),
            SecretRef::File(p) => {
                let reference = serde_json::json!({ "file": p });
                let mut roots = vec![cfg.dir().to_path_buf()];
                roots.extend(cfg.secrets_dirs.iter().cloned());
                let allowed = crate::secret::Allowed {
                    roots: crate::secret::canonical(roots),
                    own_env: Vec::new(),
                };
                crate::secret::resolve(&reference, cfg.dir(), &allowed)
            }
        }
    }

    pub fn describe(&self) -> String {
        match self {
            SecretRef::Env(n) => format!("(secret from environment variable {n})"),
            SecretRef::File(p) => format!("(secret from file {})", p.display()),
        }
    }
}

/// A loaded config file and where it is.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub path: PathBuf,
    pub file: File,
    /// `--secrets-dir`s: where else a `{ file = }` credential may be read.
    pub secrets_dirs: Vec<PathBuf>,
}

impl Loaded {
    pub fn dir(&self) -> &Path {
        self.path.parent().unwrap_or(Path::new("."))
    }
    /// A path from the file, taken relative to the file's directory.
    pub fn path_of(&self, p: &Path) -> PathBuf {
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.dir().join(p)
        }
    }
}

/// Where the definitions start: the first path if it is a directory, the
/// directory of a file, or the current directory.
pub fn root(paths: &[PathBuf]) -> PathBuf {
    match paths.first() {
        Some(p) if p.is_dir() => p.clone(),
        Some(p) => p
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| PathBuf::from("."), Path::to_path_buf),
        None => PathBuf::from("."),
    }
}

/// The config file: `explicit` if given (it must exist), else the nearest
/// `mon.toml` at or above the definitions' root, else at or above the
/// current directory, as git finds `.git`: the walk stops at the
/// repository's root (the directory holding `.git`), and outside a
/// repository looks only in the directory itself. So a run at the root of
/// a repository and one inside its definitions directory read one file.
pub fn find(paths: &[PathBuf], explicit: Option<&Path>) -> Result<Option<Loaded>, String> {
    let path = match explicit {
        Some(p) => p.to_path_buf(),
        None => match discover(paths) {
            Some(p) => p,
            None => return Ok(None),
        },
    };
    let text = crate::source::read_named(&path)?;
    // Position and message only: toml's own rendering quotes the line,
    // which may hold a password someone wrote in clear.
    let file: File = toml::from_str(&text).map_err(|e| {
        let (line, col) = e.span().map_or((1, 1), |s| {
            let before = &text[..s.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            (line, col)
        });
        format!(
            "{}:{line}:{col}: {}",
            path.display(),
            e.message().trim_end()
        )
    })?;
    file.etcd
        .credentials_in_clear()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(Some(Loaded {
        path,
        file,
        secrets_dirs: Vec::new(),
    }))
}

fn discover(paths: &[PathBuf]) -> Option<PathBuf> {
    let mut starts = Vec::new();
    if !paths.is_empty() {
        starts.push(root(paths));
    }
    starts.push(PathBuf::from("."));
    for start in starts {
        let here = start.join(FILE_NAME);
        if here.is_file() {
            return Some(here);
        }
        let Some(repo) = crate::identity::repository_root(&start) else {
            continue;
        };
        let abs = std::fs::canonicalize(&start).ok()?;
        for dir in abs.ancestors().skip(1) {
            if !dir.starts_with(&repo) {
                break;
            }
            let p = dir.join(FILE_NAME);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_references_only() {
        let ok: File = toml::from_str(
            "[etcd]\nuser = \"mon\"\npassword = { env = \"ETCD_PW\" }\n[mqtt]\npassword = { file = \"pw\" }\n",
        )
        .unwrap();
        assert_eq!(ok.etcd.password, Some(SecretRef::Env("ETCD_PW".into())));
        assert!(toml::from_str::<File>("[etcd]\npassword = \"hunter2\"\n").is_err());
        assert!(toml::from_str::<File>("[etcd]\nendpoint = \"x\"\n").is_err());
    }

    #[test]
    fn durations_and_the_api_are_typed_when_read() {
        let ok: File = toml::from_str("[etcd]\napi = \"3\"\ndial-timeout = \"1500ms\"\n").unwrap();
        assert_eq!(ok.etcd.api, Some(crate::etcd::Api::V3));
        assert_eq!(
            ok.etcd.dial_timeout,
            Some(std::time::Duration::from_millis(1500))
        );
        let bad = toml::from_str::<File>("[etcd]\napi = \"v4\"\n").unwrap_err();
        assert!(bad.message().contains("not an etcd API"), "{bad}");
        assert!(toml::from_str::<File>("[etcd]\ncommand-timeout = \"0s\"\n").is_err());
        assert!(toml::from_str::<File>("[plan]\nformat = \"yaml\"\n").is_err());
    }
}
