//! The etcd connection: flags named as etcdctl and 9volt name them, their
//! environment variables, `[etcd]` in `mon.toml`, and the defaults.

use std::path::PathBuf;
use std::time::Duration;

use super::{in_file, Decl, Error, Setting, Shown, Source};
use crate::config::Loaded;
use crate::etcd::{Api, Options};
use crate::model::duration;

pub const ENDPOINTS: Decl = Decl {
    label: "etcd endpoints",
    flag: "endpoints",
    env: &["ETCDCTL_ENDPOINTS", "NINEV_ETCD_MEMBERS"],
    key: Some("etcd.endpoints"),
};
pub const API: Decl = Decl {
    label: "etcd api",
    flag: "etcd-api",
    // Not ETCDCTL_API: etcdctl users often export ETCDCTL_API=3, which 9volt never sees.
    env: &["MON_ETCD_API"],
    key: Some("etcd.api"),
};
pub const PREFIX: Decl = Decl {
    label: "etcd prefix",
    flag: "prefix",
    env: &["NINEV_ETCD_PREFIX"],
    key: Some("etcd.prefix"),
};
pub const USER: Decl = Decl {
    label: "etcd user",
    flag: "user",
    env: &["ETCDCTL_USER", "NINEV_ETCD_USERPASS"],
    key: Some("etcd.user"),
};
pub const PASSWORD: Decl = Decl {
    label: "etcd password",
    flag: "password",
    env: &["ETCDCTL_PASSWORD"],
    key: Some("etcd.password"),
};
pub const CACERT: Decl = Decl {
    label: "etcd cacert",
    flag: "cacert",
    env: &["ETCDCTL_CACERT", "ETCDCTL_CA_FILE"],
    key: Some("etcd.cacert"),
};
pub const CERT: Decl = Decl {
    label: "etcd cert",
    flag: "cert",
    env: &["ETCDCTL_CERT", "ETCDCTL_CERT_FILE"],
    key: Some("etcd.cert"),
};
pub const KEY: Decl = Decl {
    label: "etcd key",
    flag: "key",
    env: &["ETCDCTL_KEY", "ETCDCTL_KEY_FILE"],
    key: Some("etcd.key"),
};
pub const DIAL_TIMEOUT: Decl = Decl {
    label: "etcd dial-timeout",
    flag: "dial-timeout",
    env: &["ETCDCTL_DIAL_TIMEOUT"],
    key: Some("etcd.dial-timeout"),
};
pub const COMMAND_TIMEOUT: Decl = Decl {
    label: "etcd command-timeout",
    flag: "command-timeout",
    env: &["ETCDCTL_COMMAND_TIMEOUT"],
    key: Some("etcd.command-timeout"),
};

/// The connection flags of `diff`, `sync`, `status`, `import etcd` and
/// `config`, as the command line gave them.
#[derive(clap::Args, Clone, Default)]
#[command(next_help_heading = "etcd connection")]
pub struct EtcdFlags {
    #[arg(long = ENDPOINTS.flag, short = 'e', visible_alias = "etcd-members", value_delimiter = ',',
          help = ENDPOINTS.help("etcd endpoints, comma-separated [default: http://127.0.0.1:2379]"))]
    pub endpoints: Option<Vec<String>>,
    #[arg(long = API.flag, value_enum,
          help = API.help("Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees) [default: v2]"))]
    pub etcd_api: Option<Api>,
    #[arg(long = PREFIX.flag, short = 'p', visible_alias = "etcd-prefix",
          help = PREFIX.help("Key prefix 9volt runs under [default: 9volt]"))]
    pub prefix: Option<String>,
    #[arg(long = USER.flag, short = 'U', visible_alias = "etcd-userpass",
          help = USER.help("User name, or user:password"))]
    pub user: Option<String>,
    #[arg(long = PASSWORD.flag,
          help = PASSWORD.help("Password (better from the environment or --password-file than on the command line)"))]
    pub password: Option<String>,
    /// Read the password from this file
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    #[arg(long = CACERT.flag, value_name = "FILE",
          help = CACERT.help("CA bundle to verify etcd's certificate"))]
    pub cacert: Option<PathBuf>,
    #[arg(long = CERT.flag, value_name = "FILE", help = CERT.help("Client certificate"))]
    pub cert: Option<PathBuf>,
    #[arg(long = KEY.flag, value_name = "FILE", help = KEY.help("Client key"))]
    pub key: Option<PathBuf>,
    #[arg(long = DIAL_TIMEOUT.flag, value_parser = duration::positive,
          help = DIAL_TIMEOUT.help("Time allowed to connect [default: 2s]"))]
    pub dial_timeout: Option<Duration>,
    #[arg(long = COMMAND_TIMEOUT.flag, value_parser = duration::positive,
          help = COMMAND_TIMEOUT.help("Longest mon waits for etcd to answer, retries and fail-over included [default: 5s]"))]
    pub command_timeout: Option<Duration>,
}

/// A connection with every setting and where it came from.
pub struct Resolved {
    pub options: Options,
    pub prefix: String,
    /// Rows for `mon config`; secrets not shown.
    pub shown: Vec<Shown>,
}

/// The prefix without surrounding slashes, checked to be a plain path.
pub fn check_prefix(prefix: &str) -> Result<String, String> {
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

fn list(s: &str) -> Result<Vec<String>, String> {
    Ok(s.split(',').map(|e| e.replace(' ', "")).collect())
}

impl EtcdFlags {
    /// Every connection setting, from the flags, the environment, `mon.toml`
    /// and the defaults.
    pub fn resolve(&self, cfg: Option<&Loaded>) -> Result<Resolved, Error> {
        let mut shown: Vec<Shown> = Vec::new();
        let mut show = |d: &Decl, v: String, s: &Source| shown.push((d.label, v, s.clone()));

        let endpoints = ENDPOINTS.resolve(
            self.endpoints.clone(),
            list,
            in_file(cfg, |f| f.etcd.endpoints.clone()),
            vec!["http://127.0.0.1:2379".to_string()],
        )?;
        // Credentials in an endpoint would be printed by every message that
        // names it: refused, and never echoed.
        if endpoints
            .value
            .iter()
            .any(|e| crate::config::has_userinfo(e))
        {
            return Err(Error::Usage(format!(
                "an etcd endpoint from {} holds credentials (user:password@host); give the user with --user (ETCDCTL_USER) and the password with ETCDCTL_PASSWORD, --password-file or `password = {{ env = \"NAME\" }}` in mon.toml",
                endpoints.source
            )));
        }
        show(&ENDPOINTS, endpoints.value.join(","), &endpoints.source);
        let api = API.resolve(
            self.etcd_api,
            str::parse,
            in_file(cfg, |f| f.etcd.api),
            Api::V2,
        )?;
        show(&API, api.value.as_str().into(), &api.source);
        let prefix = PREFIX.text(
            self.prefix.clone(),
            in_file(cfg, |f| f.etcd.prefix.clone()),
            "9volt",
        );
        let prefix_value = check_prefix(&prefix.value)?;
        show(&PREFIX, prefix_value.clone(), &prefix.source);
        let user = USER.text(self.user.clone(), in_file(cfg, |f| f.etcd.user.clone()), "");
        let (user_name, inline) = match user.value.split_once(':') {
            Some((u, p)) => (u.to_string(), Some(p.to_string())),
            None => (user.value.clone(), None),
        };
        let user_name = Some(user_name).filter(|u| !u.is_empty());
        let none = || "(none)".to_string();
        show(&USER, user_name.clone().unwrap_or_else(none), &user.source);
        let password = self.password(cfg, inline, &user.source)?;
        let shown_pw = password
            .value
            .as_ref()
            .map_or_else(none, |_| "(set, not shown)".into());
        show(&PASSWORD, shown_pw, &password.source);
        let mut tls = |d: &Decl, flag: &Option<PathBuf>, file: Option<PathBuf>| {
            let file = file.and_then(|p| cfg.map(|c| (c.path_of(&p), c.path.as_path())));
            let s = d.resolve(flag.clone(), |s| Ok(PathBuf::from(s)), file, PathBuf::new())?;
            let set = !s.value.as_os_str().is_empty();
            let v = if set {
                s.value.display().to_string()
            } else {
                none()
            };
            show(d, v, &s.source);
            Ok::<_, String>(set.then_some(s.value))
        };
        let cacert = tls(
            &CACERT,
            &self.cacert,
            cfg.and_then(|c| c.file.etcd.cacert.clone()),
        )?;
        let cert = tls(
            &CERT,
            &self.cert,
            cfg.and_then(|c| c.file.etcd.cert.clone()),
        )?;
        let key = tls(&KEY, &self.key, cfg.and_then(|c| c.file.etcd.key.clone()))?;
        if cert.is_some() != key.is_some() {
            return Err(Error::Usage(
                "a client certificate needs both --cert and --key".into(),
            ));
        }
        let timeout = |d: &Decl, flag: Option<Duration>, file: Option<Duration>, default| {
            let file = file.and_then(|t| cfg.map(|c| (t, c.path.as_path())));
            d.resolve(flag, duration::positive, file, default)
        };
        let dial = timeout(
            &DIAL_TIMEOUT,
            self.dial_timeout,
            cfg.and_then(|c| c.file.etcd.dial_timeout),
            Duration::from_secs(2),
        )?;
        let command = timeout(
            &COMMAND_TIMEOUT,
            self.command_timeout,
            cfg.and_then(|c| c.file.etcd.command_timeout),
            Duration::from_secs(5),
        )?;
        show(&DIAL_TIMEOUT, format!("{:?}", dial.value), &dial.source);
        show(
            &COMMAND_TIMEOUT,
            format!("{:?}", command.value),
            &command.source,
        );
        Ok(Resolved {
            options: Options {
                api: api.value,
                endpoints: endpoints
                    .value
                    .iter()
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect(),
                user: user_name,
                password: password.value.map(crate::secret::Secret::new),
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

    /// --password or its environment, --password-file, a password in
    /// user:password (from wherever the user came), then the file's reference.
    fn password(
        &self,
        cfg: Option<&Loaded>,
        inline: Option<String>,
        user_source: &Source,
    ) -> Result<Setting<Option<String>>, Error> {
        if let Some(s) = super::given_password(&PASSWORD, &self.password, &self.password_file)? {
            return Ok(Setting {
                value: Some(s.value),
                source: s.source,
            });
        }
        if let Some(p) = inline {
            return Ok(Setting {
                value: Some(p),
                source: user_source.clone(),
            });
        }
        if let Some((r, c)) = cfg.and_then(|c| c.file.etcd.password.as_ref().map(|r| (r, c))) {
            let value = r.resolve(c).map_err(|e| {
                Error::Unreadable(format!("{}: [etcd] password: {e}", c.path.display()))
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
