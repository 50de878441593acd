//! The two ways into etcd behind one interface: v3 (gRPC, through
//! etcd-client) and v2 (the HTTP keys API, which is what 9volt reads).
//! Every write is guarded by what the caller last saw of the key.

/// etcd's default `--max-request-bytes` (1.5 MiB). A larger put is refused
/// ("request is too large", measured on etcd 3.4 over v3 from 1,572,830
/// bytes of key and value); in a transaction it voids every write batched
/// with it. The allowance covers key framing and the ownership mark.
pub const ETCD_REQUEST_LIMIT: usize = 1_572_864;
pub const ETCD_VALUE_ALLOWANCE: usize = 1_024;

#[cfg(feature = "net")]
mod v2;
#[cfg(feature = "net")]
mod v3;

use std::path::PathBuf;
use std::time::Duration;

/// A tokio runtime for talking to etcd and brokers: on the calling thread
/// for one (a handful of round trips starts faster so), else with that
/// many workers.
#[cfg(feature = "net")]
pub fn runtime(threads: usize) -> tokio::runtime::Runtime {
    let mut b = if threads <= 1 {
        tokio::runtime::Builder::new_current_thread()
    } else {
        let mut b = tokio::runtime::Builder::new_multi_thread();
        b.worker_threads(threads);
        b
    };
    b.enable_all().build().expect("a tokio runtime starts")
}

/// Which keyspace: v2 is the one 9volt reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Api {
    #[value(name = "v2", alias = "2")]
    V2,
    #[value(name = "v3", alias = "3")]
    V3,
}

impl std::str::FromStr for Api {
    type Err = String;
    fn from_str(s: &str) -> Result<Api, String> {
        match s {
            "v2" | "2" => Ok(Api::V2),
            "v3" | "3" => Ok(Api::V3),
            _ => Err(format!("`{s}` is not an etcd API: write v2 or v3")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Api {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Api, D::Error> {
        let s = String::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

impl Api {
    pub fn as_str(self) -> &'static str {
        match self {
            Api::V2 => "v2",
            Api::V3 => "v3",
        }
    }
}

/// Connection settings, as etcdctl names them.
#[derive(Clone, Debug)]
pub struct Options {
    pub api: Api,
    pub endpoints: Vec<String>,
    pub user: Option<String>,
    pub password: Option<crate::secret::Secret>,
    pub cacert: Option<PathBuf>,
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
    pub dial_timeout: Duration,
    pub command_timeout: Duration,
}

/// One key as it is in etcd, with the version a guarded write compares to
/// (v3: mod_revision; v2: modifiedIndex).
#[derive(Clone, Debug)]
pub struct Entry {
    pub key: String,
    pub value: String,
    pub version: i64,
    /// False when etcd's key is not UTF-8: `key` is then a lossy rendering
    /// that would address another key, so the entry must be left alone.
    pub exact: bool,
}

/// What a write requires of the key for it to go ahead.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Guard {
    /// The key must not exist.
    Absent,
    /// The key must still be at this version.
    Version(i64),
}

#[derive(Clone, Debug)]
pub enum Op {
    Put {
        key: String,
        value: String,
        guard: Guard,
    },
    Delete {
        key: String,
        guard: Guard,
    },
}

impl Op {
    pub fn key(&self) -> &str {
        match self {
            Op::Put { key, .. } | Op::Delete { key, .. } => key,
        }
    }
    /// Bytes this op adds to a request, for staying under etcd's request limit.
    pub fn size(&self) -> usize {
        match self {
            Op::Put { key, value, .. } => key.len() * 2 + value.len() + 32,
            Op::Delete { key, .. } => key.len() * 2 + 32,
        }
    }
}

/// The outcome of applying some ops: which went through, which were refused
/// because the key had changed since it was read, and the error that stopped
/// the rest, if any, with the keys whose fate it left unknown (sent, but no
/// answer came and no endpoint was left to read them back) and those never
/// sent.
#[derive(Debug, Default)]
pub struct Applied {
    pub applied: Vec<String>,
    pub conflicts: Vec<String>,
    pub error: Option<Error>,
    pub unknown: Vec<String>,
    pub not_applied: Vec<String>,
    /// v2: the index etcd gave each write that we made (not those found
    /// already done), which 9volt's director must pass to have seen it.
    pub indexes: Vec<(String, i64)>,
}

/// A key or directory of the v2 keyspace as read, with its subtree.
#[derive(Debug, Clone)]
pub struct Tree {
    pub key: String,
    pub value: Option<String>,
    pub dir: bool,
    pub created: i64,
    pub modified: i64,
    pub nodes: Vec<Tree>,
}

#[derive(Debug, Clone)]
pub enum Error {
    /// etcd could not be reached at all.
    Connect(String),
    /// etcd answered with an error.
    Request(String),
    /// etcd did not accept our credentials, or they lack a permission.
    Auth(String),
    /// etcd answers, but serves no v2 keys API (started without
    /// --enable-v2=true, or 3.6 and later, which removed it).
    NoV2(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::Connect(m) | Error::Request(m) | Error::Auth(m) | Error::NoV2(m) => {
                f.write_str(m)
            }
        }
    }
}

#[cfg(feature = "net")]
pub enum Store {
    V2(v2::Client),
    V3(Box<v3::Client>),
}

#[cfg(feature = "net")]
impl Store {
    pub async fn connect(opts: &Options) -> Result<Store, Error> {
        if opts.endpoints.is_empty() {
            return Err(Error::Connect("no etcd endpoints given".into()));
        }
        Ok(match opts.api {
            Api::V2 => Store::V2(v2::Client::connect(opts).await?),
            Api::V3 => Store::V3(Box::new(v3::Client::connect(opts).await?)),
        })
    }

    /// The direct children of `dir` (which ends in `/`); deeper keys and
    /// directories are not ours and are left out.
    pub async fn list(&mut self, dir: &str) -> Result<Vec<Entry>, Error> {
        let mut entries = match self {
            Store::V2(c) => c.list(dir).await?,
            Store::V3(c) => c.list(dir).await?,
        };
        entries.retain(|e| {
            e.key
                .strip_prefix(dir)
                .is_some_and(|rest| !rest.is_empty() && !rest.contains('/'))
        });
        entries.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(entries)
    }

    /// What the keyspace holds at its top (`/9volt`, `/stage`), sorted and
    /// without repeats: for saying where else to look. Over v3, from the
    /// first 10,000 keys.
    pub async fn top_level(&mut self) -> Result<Vec<String>, Error> {
        let mut names = match self {
            Store::V2(c) => c.top_level().await?,
            Store::V3(c) => c.top_level(10_000).await?,
        };
        names.sort();
        names.dedup();
        Ok(names)
    }

    /// Applies ops. v3 applies a batch atomically, retrying without keys that
    /// changed underneath; v2 applies key by key.
    pub async fn apply(&mut self, ops: Vec<Op>) -> Applied {
        match self {
            Store::V2(c) => c.apply(ops).await,
            Store::V3(c) => c.apply(ops).await,
        }
    }

    /// A key or directory of the v2 keyspace, and etcd's index at the read;
    /// `None` over v3, where 9volt does not look.
    pub async fn read_v2(
        &self,
        key: &str,
        recursive: bool,
        quorum: bool,
    ) -> Option<Result<(Option<Tree>, i64), Error>> {
        match self {
            Store::V2(c) => Some(c.read(key, recursive, quorum).await),
            Store::V3(_) => None,
        }
    }

    /// How many ops and bytes one `apply` call should carry at most.
    pub fn batch_limits(&self) -> (usize, usize) {
        match self {
            // etcd's defaults: --max-txn-ops 128, --max-request-bytes 1.5 MiB.
            Store::V3(_) => (128, 1_400_000),
            // Per-key requests; batches only pace the progress bar.
            Store::V2(_) => (512, usize::MAX),
        }
    }
}

#[cfg(feature = "net")]
/// After a lost connection: try every endpoint, the next ones first and the
/// one that failed last (an election makes a live member refuse for a
/// moment), with a growing pause, until one answers `probe` or `budget` (what
/// is left of the command timeout, counted from the unanswered request) runs
/// out.
pub(crate) async fn recover<F, Fut>(
    count: usize,
    current: usize,
    budget: Duration,
    mut probe: F,
) -> Result<usize, Error>
where
    F: FnMut(usize, Duration) -> Fut,
    Fut: std::future::Future<Output = Result<(), Error>>,
{
    let deadline = tokio::time::Instant::now() + budget;
    let mut pause = Duration::from_millis(50);
    let mut last = Error::Connect("no etcd endpoint answered".into());
    loop {
        for i in (1..=count).map(|n| (current + n) % count) {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            if left.is_zero() {
                return Err(last);
            }
            match tokio::time::timeout(left, probe(i, left)).await {
                Ok(Ok(())) => return Ok(i),
                Ok(Err(e)) => last = e,
                Err(_) => {
                    last =
                        Error::Connect("no etcd endpoint answered within --command-timeout".into())
                }
            }
        }
        let left = deadline.saturating_duration_since(tokio::time::Instant::now());
        tokio::time::sleep(pause.min(left)).await;
        pause = (pause * 2).min(Duration::from_millis(500));
    }
}

#[cfg(feature = "net")]
pub(crate) fn read_file(path: &std::path::Path, what: &str) -> Result<Vec<u8>, Error> {
    // A certificate bundle is small; a pipe or /dev/zero here would hang.
    crate::source::read_bounded(path, 1024 * 1024)
        .map_err(|e| Error::Connect(format!("cannot read {what} {}: {e}", path.display())))
}
