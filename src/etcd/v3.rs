//! etcd v3 through etcd-client: paginated listing and guarded transactions.

use etcd_client::{
    Certificate, Compare, CompareOp, ConnectOptions, GetOptions, Identity, TlsOptions, Txn, TxnOp,
};

use super::{read_file, Applied, Entry, Error, Guard, Op, Options};

pub struct Client {
    inner: etcd_client::Client,
    endpoints: String,
}

const PAGE: i64 = 5_000;

fn classify(e: etcd_client::Error, endpoints: &str) -> Error {
    use etcd_client::Error as E;
    match e {
        E::TransportError(t) => Error::Connect(format!("cannot reach etcd at {endpoints}: {t}")),
        E::GRpcStatus(s)
            if matches!(
                s.code(),
                tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled
            ) =>
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
            co = co.with_user(user.clone(), opts.password.clone().unwrap_or_default());
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
        let mut last = Error::Connect("no etcd endpoints given".into());
        for ep in &opts.endpoints {
            match Self::try_connect(std::slice::from_ref(ep), &co, opts).await {
                Ok(c) => return Ok(c),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    async fn try_connect(
        endpoints: &[String],
        co: &ConnectOptions,
        opts: &Options,
    ) -> Result<Client, Error> {
        let joined = endpoints.join(",");
        let attempt = async {
            let mut inner = etcd_client::Client::connect(endpoints, Some(co.clone())).await?;
            // Status needs no key permissions and proves the endpoint serves requests.
            inner.status().await?;
            Ok::<_, etcd_client::Error>(inner)
        };
        let inner = tokio::time::timeout(opts.dial_timeout + opts.command_timeout, attempt)
            .await
            .map_err(|_| Error::Connect(format!("cannot reach etcd at {joined}: timed out")))?
            .map_err(|e| classify(e, &joined))?;
        Ok(Client {
            inner,
            endpoints: joined,
        })
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

    /// Which of these ops' guards no longer hold.
    async fn stale(&mut self, ops: &[Op]) -> Result<Vec<String>, Error> {
        let mut stale = Vec::new();
        for op in ops {
            let resp = self
                .inner
                .get(op.key(), None)
                .await
                .map_err(|e| classify(e, &self.endpoints))?;
            let now = resp.kvs().first().map(|kv| kv.mod_revision());
            let guard = match op {
                Op::Put { guard, .. } | Op::Delete { guard, .. } => *guard,
            };
            let holds = match guard {
                Guard::Absent => now.is_none(),
                Guard::Version(v) => now == Some(v),
            };
            if !holds {
                stale.push(op.key().to_string());
            }
        }
        Ok(stale)
    }

    pub async fn apply(&mut self, mut ops: Vec<Op>) -> Applied {
        let mut result = Applied::default();
        // A failed compare voids the whole transaction: find the keys that
        // changed, leave them out, and try the rest again.
        for _ in 0..4 {
            if ops.is_empty() {
                return result;
            }
            match self.inner.txn(Self::txn(&ops)).await {
                Ok(resp) if resp.succeeded() => {
                    result
                        .applied
                        .extend(ops.iter().map(|o| o.key().to_string()));
                    return result;
                }
                Ok(_) => match self.stale(&ops).await {
                    Ok(stale) => {
                        ops.retain(|o| !stale.iter().any(|s| s == o.key()));
                        result.conflicts.extend(stale);
                    }
                    Err(e) => {
                        result.error = Some(e);
                        return result;
                    }
                },
                Err(e) => {
                    result.error = Some(classify(e, &self.endpoints));
                    return result;
                }
            }
        }
        result.error = Some(Error::Request(
            "keys kept changing underneath this sync; try again".into(),
        ));
        result
    }
}
