//! Connection flags shared by `diff`, `sync` and `config`, named as etcdctl
//! and 9volt name them and read from their environment variables. Unset
//! flags fall back to `mon.toml`, then to the defaults.

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use mon::config::{self, pick, Loaded, Setting, Source};
use mon::etcd::{Api, Options};
use mon::model::duration;

#[derive(clap::Args, Clone)]
#[command(next_help_heading = "etcd connection")]
pub struct EtcdArgs {
    /// etcd endpoints, comma-separated; also NINEV_ETCD_MEMBERS [default: http://127.0.0.1:2379]
    #[arg(
        long,
        short = 'e',
        visible_alias = "etcd-members",
        env = "ETCDCTL_ENDPOINTS",
        value_delimiter = ','
    )]
    pub endpoints: Option<Vec<String>>,
    /// Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is
    /// not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2]
    #[arg(long, value_enum, env = "MON_ETCD_API")]
    pub etcd_api: Option<ApiArg>,
    /// Key prefix 9volt runs under [default: 9volt]
    #[arg(
        long,
        short = 'p',
        visible_alias = "etcd-prefix",
        env = "NINEV_ETCD_PREFIX"
    )]
    pub prefix: Option<String>,
    /// User name, or user:password; also NINEV_ETCD_USERPASS
    #[arg(
        long,
        short = 'U',
        visible_alias = "etcd-userpass",
        env = "ETCDCTL_USER"
    )]
    pub user: Option<String>,
    /// Password (better from ETCDCTL_PASSWORD or --password-file than on the command line)
    #[arg(long, env = "ETCDCTL_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Read the password from this file
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// CA bundle to verify etcd's certificate; also ETCDCTL_CA_FILE
    #[arg(long, env = "ETCDCTL_CACERT", value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Client certificate; also ETCDCTL_CERT_FILE
    #[arg(long, env = "ETCDCTL_CERT", value_name = "FILE")]
    pub cert: Option<PathBuf>,
    /// Client key; also ETCDCTL_KEY_FILE
    #[arg(long, env = "ETCDCTL_KEY", value_name = "FILE")]
    pub key: Option<PathBuf>,
    /// Time allowed to connect [default: 2s]
    #[arg(long, env = "ETCDCTL_DIAL_TIMEOUT", value_parser = go_duration)]
    pub dial_timeout: Option<Duration>,
    /// Time allowed for each request [default: 5s]
    #[arg(long, env = "ETCDCTL_COMMAND_TIMEOUT", value_parser = go_duration)]
    pub command_timeout: Option<Duration>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ApiArg {
    #[value(name = "v2", alias = "2")]
    V2,
    #[value(name = "v3", alias = "3")]
    V3,
}

fn go_duration(s: &str) -> Result<Duration, String> {
    match duration::parse(s) {
        Ok(ns) if ns > 0 => Ok(Duration::from_nanos(ns as u64)),
        Ok(_) => Err("must be greater than zero".into()),
        Err(e) => Err(format!("{e} (write e.g. 5s or 500ms)")),
    }
}

/// The prefix without surrounding slashes, checked to be a plain path.
fn check_prefix(prefix: &str) -> Result<String, String> {
    let p = prefix.trim_matches('/');
    // `.` and `..` would name another directory once etcd or a URL resolves them.
    let ok = !p.is_empty()
        && p.split('/').all(|seg| {
            !matches!(seg, "" | "." | "..")
                && seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
    if ok {
        Ok(p.to_string())
    } else {
        Err(format!(
            "prefix `{prefix}` must be a key path such as 9volt or ops/9volt"
        ))
    }
}

/// Why the connection settings cannot be used: a value that is wrong
/// (usage, exit 2), or a credential that cannot be read (exit 3).
pub enum SettingError {
    Usage(String),
    Unreadable(String),
}

impl From<String> for SettingError {
    fn from(m: String) -> Self {
        SettingError::Usage(m)
    }
}

impl std::fmt::Display for SettingError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SettingError::Usage(m) | SettingError::Unreadable(m) => f.write_str(m),
        }
    }
}

/// A connection with every setting and where it came from.
// What diff, sync and import etcd connect with (none of them without `net`).
#[cfg_attr(not(feature = "net"), allow(dead_code))]
pub struct Resolved {
    pub options: Options,
    pub prefix: String,
    /// (setting, shown value, source), for `mon config`; secrets not shown.
    pub shown: Vec<(&'static str, String, Source)>,
}

/// Where a value given to clap came from: the flag or its environment variable.
fn given(id: &str, flag: &str, env: &str) -> Source {
    if super::from_env(id) {
        Source::Env(env.into())
    } else {
        Source::Flag(flag.into())
    }
}

impl EtcdArgs {
    pub fn resolve(&self, cfg: Option<&Loaded>) -> Result<Resolved, SettingError> {
        let file = cfg.map(|c| &c.file.etcd);
        let from_file = || cfg.map_or(Source::Default, |c| Source::File(c.path.clone()));
        let path_in = |p: &Option<PathBuf>| cfg.and_then(|c| p.as_ref().map(|p| c.path_of(p)));
        let mut shown = Vec::new();

        let endpoints = pick(
            vec![
                (
                    self.endpoints.clone(),
                    given("endpoints", "--endpoints", "ETCDCTL_ENDPOINTS"),
                ),
                (
                    config::env("NINEV_ETCD_MEMBERS")
                        .map(|v| v.split(',').map(|e| e.replace(' ', "")).collect()),
                    Source::Env("NINEV_ETCD_MEMBERS".into()),
                ),
                (file.and_then(|f| f.endpoints.clone()), from_file()),
            ],
            vec!["http://127.0.0.1:2379".to_string()],
        );
        // Credentials in an endpoint would be printed by every message that
        // names it: refused, and never echoed.
        if endpoints.value.iter().any(|e| config::has_userinfo(e)) {
            return Err(SettingError::Usage(format!(
                "an etcd endpoint from {} holds credentials (user:password@host); give the user with --user (ETCDCTL_USER) and the password with ETCDCTL_PASSWORD, --password-file or `password = {{ env = \"NAME\" }}` in mon.toml",
                endpoints.source
            )));
        }
        shown.push((
            "etcd endpoints",
            endpoints.value.join(","),
            endpoints.source.clone(),
        ));

        let api_text = |a: ApiArg| match a {
            ApiArg::V2 => "v2",
            ApiArg::V3 => "v3",
        };
        let file_api = match file.and_then(|f| f.api.as_deref()) {
            None => None,
            Some("v2" | "2") => Some(ApiArg::V2),
            Some("v3" | "3") => Some(ApiArg::V3),
            Some(other) => {
                return Err(SettingError::Usage(format!(
                    "{}: [etcd] api = \"{other}\" must be \"v2\" or \"v3\"",
                    cfg.map(|c| c.path.display().to_string())
                        .unwrap_or_default()
                )))
            }
        };
        let api = pick(
            vec![
                (
                    self.etcd_api,
                    given("etcd_api", "--etcd-api", "MON_ETCD_API"),
                ),
                (file_api, from_file()),
            ],
            ApiArg::V2,
        );
        shown.push(("etcd api", api_text(api.value).into(), api.source.clone()));

        let prefix = pick(
            vec![
                (
                    self.prefix.clone(),
                    given("prefix", "--prefix", "NINEV_ETCD_PREFIX"),
                ),
                (file.and_then(|f| f.prefix.clone()), from_file()),
            ],
            "9volt".to_string(),
        );
        let prefix_value = check_prefix(&prefix.value)?;
        shown.push(("etcd prefix", prefix_value.clone(), prefix.source.clone()));

        let user = pick(
            vec![
                (self.user.clone(), given("user", "--user", "ETCDCTL_USER")),
                (
                    config::env("NINEV_ETCD_USERPASS"),
                    Source::Env("NINEV_ETCD_USERPASS".into()),
                ),
                (file.and_then(|f| f.user.clone()), from_file()),
            ],
            String::new(),
        );
        let (user_name, inline_password) = match user.value.split_once(':') {
            Some((u, p)) => (u.to_string(), Some(p.to_string())),
            None => (user.value.clone(), None),
        };
        let user_name = Some(user_name).filter(|u| !u.is_empty());
        shown.push((
            "etcd user",
            user_name.clone().unwrap_or_else(|| "(none)".into()),
            user.source.clone(),
        ));

        let password = self.password(file, cfg, inline_password, &user.source)?;
        shown.push((
            "etcd password",
            match &password.value {
                Some(_) => "(set, not shown)".into(),
                None => "(none)".into(),
            },
            password.source.clone(),
        ));

        let mut tls = |name: &'static str,
                       flag: &Option<PathBuf>,
                       id: &str,
                       env3: &str,
                       env2: &str,
                       in_file: Option<PathBuf>|
         -> Option<PathBuf> {
            let s = pick(
                vec![
                    (flag.clone(), given(id, &format!("--{id}"), env3)),
                    (
                        config::env(env2).map(PathBuf::from),
                        Source::Env(env2.into()),
                    ),
                    (in_file, from_file()),
                ],
                PathBuf::new(),
            );
            let set = !s.value.as_os_str().is_empty();
            shown.push((
                name,
                if set {
                    s.value.display().to_string()
                } else {
                    "(none)".into()
                },
                s.source,
            ));
            set.then_some(s.value)
        };
        let cacert = tls(
            "etcd cacert",
            &self.cacert,
            "cacert",
            "ETCDCTL_CACERT",
            "ETCDCTL_CA_FILE",
            file.and_then(|f| path_in(&f.cacert)),
        );
        let cert = tls(
            "etcd cert",
            &self.cert,
            "cert",
            "ETCDCTL_CERT",
            "ETCDCTL_CERT_FILE",
            file.and_then(|f| path_in(&f.cert)),
        );
        let key = tls(
            "etcd key",
            &self.key,
            "key",
            "ETCDCTL_KEY",
            "ETCDCTL_KEY_FILE",
            file.and_then(|f| path_in(&f.key)),
        );
        if cert.is_some() != key.is_some() {
            return Err(SettingError::Usage(
                "a client certificate needs both --cert and --key".into(),
            ));
        }

        let timeout = |flag: Option<Duration>,
                       id: &str,
                       env: &str,
                       in_file: Option<&String>,
                       default: Duration|
         -> Result<Setting<Duration>, String> {
            let from = match in_file {
                Some(t) => Some(go_duration(t).map_err(|e| {
                    format!(
                        "{}: [etcd] {}: {e}",
                        cfg.map(|c| c.path.display().to_string())
                            .unwrap_or_default(),
                        id.replace('_', "-")
                    )
                })?),
                None => None,
            };
            Ok(pick(
                vec![
                    (flag, given(id, &format!("--{}", id.replace('_', "-")), env)),
                    (from, from_file()),
                ],
                default,
            ))
        };
        let dial = timeout(
            self.dial_timeout,
            "dial_timeout",
            "ETCDCTL_DIAL_TIMEOUT",
            file.and_then(|f| f.dial_timeout.as_ref()),
            Duration::from_secs(2),
        )?;
        let command = timeout(
            self.command_timeout,
            "command_timeout",
            "ETCDCTL_COMMAND_TIMEOUT",
            file.and_then(|f| f.command_timeout.as_ref()),
            Duration::from_secs(5),
        )?;
        shown.push((
            "etcd dial-timeout",
            format!("{:?}", dial.value),
            dial.source,
        ));
        shown.push((
            "etcd command-timeout",
            format!("{:?}", command.value),
            command.source,
        ));

        Ok(Resolved {
            options: Options {
                api: match api.value {
                    ApiArg::V2 => Api::V2,
                    ApiArg::V3 => Api::V3,
                },
                endpoints: endpoints
                    .value
                    .iter()
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect(),
                user: user_name,
                password: password.value.map(mon::secret::Secret::new),
                cacert,
                cert,
                key,
                dial_timeout: dial.value,
                command_timeout: command.value,
            },
            prefix: prefix_value,
            shown,
        })
    }

    /// --password, ETCDCTL_PASSWORD, --password-file, a password in
    /// user:password (from wherever the user came), then the file's reference.
    fn password(
        &self,
        file: Option<&config::EtcdFile>,
        cfg: Option<&Loaded>,
        inline: Option<String>,
        user_source: &Source,
    ) -> Result<Setting<Option<String>>, SettingError> {
        if let Some(p) = &self.password {
            return Ok(Setting {
                value: Some(p.clone()),
                source: given("password", "--password", "ETCDCTL_PASSWORD"),
            });
        }
        if let Some(f) = &self.password_file {
            let text = mon::secret::read_file(f)
                .map_err(|e| SettingError::Unreadable(format!("--password-file: {e}")))?;
            return Ok(Setting {
                value: Some(text.trim_end_matches(['\n', '\r']).to_string()),
                source: Source::Flag("--password-file".into()),
            });
        }
        if let Some(p) = inline {
            return Ok(Setting {
                value: Some(p),
                source: user_source.clone(),
            });
        }
        if let (Some(r), Some(c)) = (file.and_then(|f| f.password.as_ref()), cfg) {
            let value = r.resolve(c.dir()).map_err(|e| {
                SettingError::Unreadable(format!("{}: [etcd] password: {e}", c.path.display()))
            })?;
            return Ok(Setting {
                value: Some(value),
                source: Source::File(c.path.clone()),
            });
        }
        Ok(Setting {
            value: None,
            source: Source::Default,
        })
    }
}

/// Which keys these definitions own, shared by `diff` and `sync`.
#[derive(clap::Args, Clone)]
#[command(next_help_heading = "Ownership")]
pub struct OwnerArgs {
    /// Name recorded in every value written ("mon-owner"); only keys carrying
    /// it are ever deleted [default: `owner` in mon.toml, else the git repository's
    /// origin remote, e.g. github.com/acme/defs]
    #[arg(long, env = "MON_OWNER", value_name = "NAME")]
    pub owner: Option<String>,
    /// Also delete undefined keys that carry no owner (written by 9volt's API,
    /// 9volt cfg or etcdctl); keys of other owners are never deleted
    #[arg(long)]
    pub prune_unowned: bool,
    /// Write definitions whose keys another owner holds, making them ours
    #[arg(long)]
    pub take_over: bool,
}

/// The owner these definitions write as, and the directory-name owner an
/// older mon derived for them, whose keys are still theirs to write.
pub struct Owner {
    pub name: Setting<String>,
    pub legacy: Option<String>,
}

impl OwnerArgs {
    /// --owner, MON_OWNER, `owner` in mon.toml, else the repository.
    pub fn resolve(&self, paths: &[PathBuf], cfg: Option<&Loaded>) -> Result<Owner, String> {
        let s = pick(
            vec![
                (self.owner.clone(), given("owner", "--owner", "MON_OWNER")),
                (
                    cfg.and_then(|c| c.file.owner.clone()),
                    cfg.map_or(Source::Default, |c| Source::File(c.path.clone())),
                ),
            ],
            String::new(),
        );
        if s.source != Source::Default {
            mon::identity::check(&s.value).map_err(|e| format!("owner: {e}"))?;
            return Ok(Owner {
                name: s,
                legacy: None,
            });
        }
        let root = mon::config::root(paths);
        let name = mon::identity::derive(&root).map_err(|e| format!("owner: {}", e.0))?;
        Ok(Owner {
            name: Setting {
                value: name,
                source: Source::Repository,
            },
            legacy: Some(mon::identity::legacy(paths)),
        })
    }
}
