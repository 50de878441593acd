//! etcd v3 through etcd-client: paginated listing and guarded transactions.

use etcd_client::{
    Certificate, Compare, CompareOp, ConnectOptions, GetOptions, Identity, TlsOptions, Txn, TxnOp,
};

use super::{read_file, Applied, Entry, Error, Guard, Op, Options};

pub struct Client {
    inner: etcd_client::Client,
    /// The endpoint in use, for messages.
    endpoints: String,
    /// Every endpoint, the index of the one in use, and how to connect again.
    all: Vec<String>,
    current: usize,
    co: ConnectOptions,
    /// How long to keep trying to reach etcd again after a lost connection.
    budget: std::time::Duration,
}

const PAGE: i64 = 5_000;

fn classify(e: etcd_client::Error, endpoints: &str) -> Error {
    use etcd_client::Error as E;
    match e {
        E::TransportError(t) => Error::Connect(format!("cannot reach etcd at {endpoints}: {t}")),
        // A connection that breaks under a request comes back as Unknown
        // "transport error", not as Unavailable.
        E::GRpcStatus(s)
            if matches!(
                s.code(),
                tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
            ) || (s.code() == tonic::Code::Unknown
                && s.message().contains("transport error")) =>
        {
            Error::Connect(format!(
                "etcd at {endpoints} is unavailable: {}",
                s.message()
            ))
        }
        E::GRpcStatus(s)
            if matches!(
                s.code(),
                tonic::Code::Unauthenticated | tonic::Code::PermissionDenied
            ) || s.message().contains("authentication failed")
                || s.message().contains("user name is empty") =>
        {
            Error::Auth(format!("etcd refused the request: {}", s.message()))
        }
        E::GRpcStatus(s) => Error::Request(format!("etcd refused the request: {}", s.message())),
        other => Error::Request(other.to_string()),
    }
}

fn prefix_end(prefix: &str) -> Vec<u8> {
    let mut end = prefix.as_bytes().to_vec();
    // Keys here are ASCII, so the last byte is below 0xff.
    if let Some(last) = end.last_mut() {
        *last += 1;
    }
    end
}

impl Client {
    pub async fn connect(opts: &Options) -> Result<Client, Error> {
        let mut co = ConnectOptions::new()
            .with_connect_timeout(opts.dial_timeout)
            .with_timeout(opts.command_timeout);
        if let Some(user) = &opts.user {
            co = co.with_user(
                user.clone(),
                opts.password
                    .as_ref()
                    .map_or("", |p| p.expose())
                    .to_string(),
            );
        }
        if opts.cacert.is_some() || opts.cert.is_some() {
            let mut tls = TlsOptions::new();
            if let Some(ca) = &opts.cacert {
                tls = tls.ca_certificate(Certificate::from_pem(read_file(ca, "CA certificate")?));
            }
            if let (Some(cert), Some(key)) = (&opts.cert, &opts.key) {
                tls = tls.identity(Identity::from_pem(
                    read_file(cert, "client certificate")?,
                    read_file(key, "client key")?,
                ));
            }
            co = co.with_tls(tls);
        }
        // The first endpoint, in order, that answers. A balanced connection
        // over all of them would keep sending some requests to a dead one.
        let timeout = opts.dial_timeout + opts.command_timeout;
        let mut c =
            Self::first_answering(&opts.endpoints, 0, opts.endpoints.len(), &co, timeout).await?;
        c.budget = opts.command_timeout;
        Ok(c)
    }

    async fn first_answering(
        all: &[String],
        from: usize,
        count: usize,
        co: &ConnectOptions,
        timeout: std::time::Duration,
    ) -> Result<Client, Error> {
        let mut last = Error::Connect("no etcd endpoints given".into());
        for i in (0..count).map(|n| (from + n) % all.len()) {
            match Self::try_connect(&all[i], co, timeout).await {
                Ok(inner) => {
                    return Ok(Client {
                        inner,
                        endpoints: all[i].clone(),
                        all: all.to_vec(),
                        current: i,
                        co: co.clone(),
                        budget: timeout,
                    })
                }
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    async fn try_connect(
        endpoint: &str,
        co: &ConnectOptions,
        timeout: std::time::Duration,
    ) -> Result<etcd_client::Client, Error> {
        let attempt = async {
            let mut inner = etcd_client::Client::connect([endpoint], Some(co.clone())).await?;
            // Status needs no key permissions and proves the endpoint serves requests.
            inner.status().await?;
            Ok::<_, etcd_client::Error>(inner)
        };
        tokio::time::timeout(timeout, attempt)
            .await
            .map_err(|_| Error::Connect(format!("cannot reach etcd at {endpoint}: timed out")))?
            .map_err(|e| classify(e, endpoint))
    }

    /// Moves to an endpoint that serves requests, within the command timeout.
    async fn fail_over(&mut self) -> Result<(), Error> {
        let found = std::sync::Mutex::new(None);
        let (all, co) = (&self.all, &self.co);
        let i = super::recover(all.len(), self.current, self.budget, |i, left| {
            let found = &found;
            async move {
                let inner = Self::try_connect(&all[i], co, left).await?;
                *found.lock().expect("not poisoned") = Some(inner);
                Ok(())
            }
        })
        .await?;
        if let Some(inner) = found.into_inner().expect("not poisoned") {
            self.inner = inner;
            self.current = i;
            self.endpoints = self.all[i].clone();
        }
        Ok(())
    }

    pub async fn list(&mut self, dir: &str) -> Result<Vec<Entry>, Error> {
        let end = prefix_end(dir);
        let mut start = dir.as_bytes().to_vec();
        let mut out = Vec::new();
        loop {
            let opts = GetOptions::new().with_range(end.clone()).with_limit(PAGE);
            let resp = self
                .inner
                .get(start.clone(), Some(opts))
                .await
                .map_err(|e| classify(e, &self.endpoints))?;
            for kv in resp.kvs() {
                out.push(Entry {
                    exact: std::str::from_utf8(kv.key()).is_ok(),
                    key: String::from_utf8_lossy(kv.key()).into_owned(),
                    value: String::from_utf8_lossy(kv.value()).into_owned(),
                    version: kv.mod_revision(),
                });
            }
            match (resp.more(), resp.kvs().last()) {
                (true, Some(last)) => {
                    start = last.key().to_vec();
                    start.push(0);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    fn txn(ops: &[Op]) -> Txn {
        let mut compares = Vec::with_capacity(ops.len());
        let mut actions = Vec::with_capacity(ops.len());
        for op in ops {
            let (key, guard) = match op {
                Op::Put { key, value, guard } => {
                    actions.push(TxnOp::put(key.as_str(), value.as_str(), None));
                    (key, guard)
                }
                Op::Delete { key, guard } => {
                    actions.push(TxnOp::delete(key.as_str(), None));
                    (key, guard)
                }
            };
            compares.push(match guard {
                Guard::Absent => Compare::create_revision(key.as_str(), CompareOp::Equal, 0),
                Guard::Version(v) => Compare::mod_revision(key.as_str(), CompareOp::Equal, *v),
            });
        }
        Txn::new().when(compares).and_then(actions)
    }

    /// Reads back ops whose transaction failed its compare, or whose answer
    /// was lost: each key already as the op wants it (an earlier attempt
    /// landed, or someone did the same) is done; one whose guard still holds
    /// is to be tried again; any other changed underneath.
    async fn settle(&mut self, ops: Vec<Op>) -> Result<Settled, Error> {
        let mut settled = Settled::default();
        for op in ops {
            let resp = self
                .inner
                .get(op.key(), None)
                .await
                .map_err(|e| classify(e, &self.endpoints))?;
            let now = resp.kvs().first();
            let done = match &op {
                Op::Put { value, .. } => now.is_some_and(|kv| kv.value() == value.as_bytes()),
                Op::Delete { .. } => now.is_none(),
            };
            let guard = match op {
                Op::Put { guard, .. } | Op::Delete { guard, .. } => guard,
            };
            let holds = match guard {
                Guard::Absent => now.is_none(),
                Guard::Version(v) => now.map(|kv| kv.mod_revision()) == Some(v),
            };
            if done {
                settled.done.push(op.key().to_string());
            } else if holds {
                settled.retry.push(op);
            } else {
                settled.conflicts.push(op.key().to_string());
            }
        }
        Ok(settled)
    }

    pub async fn apply(&mut self, mut ops: Vec<Op>) -> Applied {
        let mut result = Applied::default();
        let mut compares_failed = 0;
        // Since when etcd has been out of reach, across reconnections: an
        // election that never ends must not keep us here.
        let mut unreachable_since: Option<tokio::time::Instant> = None;
        // A failed compare voids the whole transaction, and a lost answer
        // leaves it unknown: either way read the keys back, keep what is
        // done or conflicting, and try the rest again.
        while !ops.is_empty() {
            let sent = match self.inner.txn(Self::txn(&ops)).await {
                Ok(resp) if resp.succeeded() => {
                    result
                        .applied
                        .extend(ops.iter().map(|o| o.key().to_string()));
                    break;
                }
                Ok(_) => {
                    compares_failed += 1;
                    None
                }
                Err(e) => Some(classify(e, &self.endpoints)),
            };
            if let Some(e) = sent {
                let lost = matches!(e, Error::Connect(_));
                let since = *unreachable_since.get_or_insert_with(tokio::time::Instant::now);
                let exhausted = since.elapsed() > self.budget;
                if !lost || exhausted || self.fail_over().await.is_err() {
                    if lost {
                        result.unknown = ops.iter().map(|o| o.key().to_string()).collect();
                    } else {
                        result.not_applied = ops.iter().map(|o| o.key().to_string()).collect();
                    }
                    result.error = Some(e);
                    break;
                }
            }
            if compares_failed > 4 {
                result.not_applied = ops.iter().map(|o| o.key().to_string()).collect();
                result.error = Some(Error::Request(
                    "keys kept changing underneath this sync; try again".into(),
                ));
                break;
            }
            match self.settle(ops.clone()).await {
                Ok(s) => {
                    result.applied.extend(s.done);
                    result.conflicts.extend(s.conflicts);
                    ops = s.retry;
                }
                Err(e) => {
                    // The read-back lost its connection: reconnect and try
                    // the transaction again (its guards make that safe).
                    let since = *unreachable_since.get_or_insert_with(tokio::time::Instant::now);
                    let lost = matches!(e, Error::Connect(_));
                    if lost && since.elapsed() <= self.budget && self.fail_over().await.is_ok() {
                        continue;
                    }
                    result.unknown = ops.iter().map(|o| o.key().to_string()).collect();
                    result.error = Some(e);
                    break;
                }
            }
        }
        result
    }
}

#[derive(Default)]
struct Settled {
    done: Vec<String>,
    retry: Vec<Op>,
    conflicts: Vec<String>,
}
