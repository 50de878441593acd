//! Connection flags shared by `diff` and `sync`, named and read from the
//! environment as etcdctl does.

use std::path::PathBuf;
use std::time::Duration;

use clap::ValueEnum;

use mon::check::duration;
use mon::etcd::{Api, Options};

#[derive(clap::Args, Clone)]
#[command(next_help_heading = "etcd connection")]
pub struct EtcdArgs {
    /// etcd endpoints, comma-separated
    #[arg(
        long,
        env = "ETCDCTL_ENDPOINTS",
        value_delimiter = ',',
        default_value = "http://127.0.0.1:2379"
    )]
    pub endpoints: Vec<String>,
    /// Which etcd API to use: v2 is the keyspace 9volt reads (ETCDCTL_API is
    /// not read: etcdctl users often export ETCDCTL_API=3, which 9volt never sees)
    #[arg(long, value_enum, env = "MON_ETCD_API", default_value_t = ApiArg::V2)]
    pub etcd_api: ApiArg,
    /// Key prefix 9volt runs under
    #[arg(long, default_value = "9volt")]
    pub prefix: String,
    /// User name, or user:password
    #[arg(long, env = "ETCDCTL_USER")]
    pub user: Option<String>,
    /// Password (better from ETCDCTL_PASSWORD or --password-file than on the command line)
    #[arg(long, env = "ETCDCTL_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Read the password from this file
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// CA bundle to verify etcd's certificate
    #[arg(long, env = "ETCDCTL_CACERT", value_name = "FILE")]
    pub cacert: Option<PathBuf>,
    /// Client certificate
    #[arg(long, env = "ETCDCTL_CERT", value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Client key
    #[arg(long, env = "ETCDCTL_KEY", value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// Time allowed to connect
    #[arg(long, env = "ETCDCTL_DIAL_TIMEOUT", default_value = "2s", value_parser = go_duration)]
    pub dial_timeout: Duration,
    /// Time allowed for each request
    #[arg(long, env = "ETCDCTL_COMMAND_TIMEOUT", default_value = "5s", value_parser = go_duration)]
    pub command_timeout: Duration,
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

impl EtcdArgs {
    /// The prefix without surrounding slashes, checked to be a plain path.
    pub fn prefix(&self) -> Result<String, String> {
        let p = self.prefix.trim_matches('/');
        // `.` and `..` would name another directory once etcd or a URL
        // resolves them.
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
                "--prefix `{}` must be a key path such as 9volt or ops/9volt",
                self.prefix
            ))
        }
    }

    pub fn options(&self) -> Result<Options, String> {
        let (user, mut password) = match self
            .user
            .as_deref()
            .map(|u| u.split_once(':').map_or((u, None), |(a, b)| (a, Some(b))))
        {
            Some((u, p)) => (Some(u.to_string()), p.map(str::to_string)),
            None => (None, None),
        };
        if let Some(p) = &self.password {
            password = Some(p.clone());
        }
        if let Some(f) = &self.password_file {
            let text = std::fs::read_to_string(f).map_err(|e| {
                format!(
                    "--password-file {}: {}",
                    f.display(),
                    mon::source::io_message(&e)
                )
            })?;
            password = Some(text.trim_end_matches(['\n', '\r']).to_string());
        }
        Ok(Options {
            api: match self.etcd_api {
                ApiArg::V2 => Api::V2,
                ApiArg::V3 => Api::V3,
            },
            endpoints: self
                .endpoints
                .iter()
                .map(|e| e.trim().to_string())
                .filter(|e| !e.is_empty())
                .collect(),
            user,
            password,
            cacert: self.cacert.clone(),
            cert: self.cert.clone(),
            key: self.key.clone(),
            dial_timeout: self.dial_timeout,
            command_timeout: self.command_timeout,
        })
    }
}

/// Which keys these definitions own, shared by `diff` and `sync`.
#[derive(clap::Args, Clone)]
#[command(next_help_heading = "Ownership")]
pub struct OwnerArgs {
    /// Name recorded in every value written ("mon-owner"); only keys carrying
    /// it are ever deleted [default: the definitions directory's name]
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

impl OwnerArgs {
    pub fn owner(&self, paths: &[PathBuf]) -> Result<String, String> {
        match &self.owner {
            Some(o) => mon::ops::plan::check_owner(o).map(|_| o.clone()),
            None => Ok(mon::ops::plan::default_owner(paths)),
        }
    }
}
