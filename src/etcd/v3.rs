//! etcd v3 over gRPC: paginated listing and guarded transactions.
//!
//! The few calls mon makes (Range, Txn, Status, Authenticate) go through
//! tonic with their messages declared below with prost's derive, field
//! numbers as in etcd's rpc.proto and kv.proto. A generated client would
//! need protoc at build time; these messages need nothing but Rust.

use tonic::codegen::http::uri::PathAndQuery;
use tonic::metadata::{Ascii, MetadataValue};
use tonic::transport::{Certificate, Channel, ClientTlsConfig, Endpoint, Identity};

use super::{read_file, Applied, Entry, Error, Guard, Op, Options};

/// etcd's messages, only the fields mon reads or writes; prost skips the
/// others when decoding.
mod pb {
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct KeyValue {
        #[prost(bytes = "vec", tag = "1")]
        pub key: Vec<u8>,
        #[prost(int64, tag = "3")]
        pub mod_revision: i64,
        #[prost(bytes = "vec", tag = "5")]
        pub value: Vec<u8>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct RangeRequest {
        #[prost(bytes = "vec", tag = "1")]
        pub key: Vec<u8>,
        #[prost(bytes = "vec", tag = "2")]
        pub range_end: Vec<u8>,
        #[prost(int64, tag = "3")]
        pub limit: i64,
        #[prost(bool, tag = "8")]
        pub keys_only: bool,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct RangeResponse {
        #[prost(message, repeated, tag = "2")]
        pub kvs: Vec<KeyValue>,
        #[prost(bool, tag = "3")]
        pub more: bool,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct PutRequest {
        #[prost(bytes = "vec", tag = "1")]
        pub key: Vec<u8>,
        #[prost(bytes = "vec", tag = "2")]
        pub value: Vec<u8>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct DeleteRangeRequest {
        #[prost(bytes = "vec", tag = "1")]
        pub key: Vec<u8>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct RequestOp {
        #[prost(oneof = "Request", tags = "2, 3")]
        pub request: Option<Request>,
    }
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum Request {
        #[prost(message, tag = "2")]
        Put(PutRequest),
        #[prost(message, tag = "3")]
        DeleteRange(DeleteRangeRequest),
    }
    /// `result` 0 is EQUAL; `target` 1 is CREATE, 2 is MOD.
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct Compare {
        #[prost(int32, tag = "1")]
        pub result: i32,
        #[prost(int32, tag = "2")]
        pub target: i32,
        #[prost(bytes = "vec", tag = "3")]
        pub key: Vec<u8>,
        #[prost(oneof = "TargetUnion", tags = "5, 6")]
        pub target_union: Option<TargetUnion>,
    }
    #[derive(Clone, PartialEq, prost::Oneof)]
    pub enum TargetUnion {
        #[prost(int64, tag = "5")]
        CreateRevision(i64),
        #[prost(int64, tag = "6")]
        ModRevision(i64),
    }
    pub const EQUAL: i32 = 0;
    pub const CREATE: i32 = 1;
    pub const MOD: i32 = 2;
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct TxnRequest {
        #[prost(message, repeated, tag = "1")]
        pub compare: Vec<Compare>,
        #[prost(message, repeated, tag = "2")]
        pub success: Vec<RequestOp>,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct TxnResponse {
        #[prost(bool, tag = "2")]
        pub succeeded: bool,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct StatusRequest {}
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct StatusResponse {
        #[prost(string, tag = "2")]
        pub version: String,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct AuthenticateRequest {
        #[prost(string, tag = "1")]
        pub name: String,
        #[prost(string, tag = "2")]
        pub password: String,
    }
    #[derive(Clone, PartialEq, prost::Message)]
    pub struct AuthenticateResponse {
        #[prost(string, tag = "2")]
        pub token: String,
    }
}

const RANGE: &str = "/etcdserverpb.KV/Range";
const TXN: &str = "/etcdserverpb.KV/Txn";
const STATUS: &str = "/etcdserverpb.Maintenance/Status";
const AUTHENTICATE: &str = "/etcdserverpb.Auth/Authenticate";

/// How to reach an endpoint: TLS, timeouts, and who to authenticate as.
#[derive(Clone)]
struct ConnectOptions {
    tls: Option<ClientTlsConfig>,
    dial_timeout: std::time::Duration,
    command_timeout: std::time::Duration,
    user: Option<(String, String)>,
}

/// One connection to one endpoint, with the token etcd gave our user.
struct Conn {
    grpc: tonic::client::Grpc<Channel>,
    token: Option<MetadataValue<Ascii>>,
}

/// Why a call failed: the connection, or etcd's answer.
enum CallError {
    Transport(String),
    Status(tonic::Status),
}

impl Conn {
    async fn call<Req, Resp>(&mut self, path: &'static str, msg: Req) -> Result<Resp, CallError>
    where
        Req: prost::Message + Send + Sync + 'static,
        Resp: prost::Message + Default + Send + Sync + 'static,
    {
        let mut req = tonic::Request::new(msg);
        if let Some(t) = &self.token {
            req.metadata_mut().insert("token", t.clone());
        }
        self.grpc
            .ready()
            .await
            .map_err(|e| CallError::Transport(e.to_string()))?;
        let codec = tonic_prost::ProstCodec::<Req, Resp>::default();
        self.grpc
            .unary(req, PathAndQuery::from_static(path), codec)
            .await
            .map(tonic::Response::into_inner)
            .map_err(CallError::Status)
    }

    async fn range(&mut self, req: pb::RangeRequest) -> Result<pb::RangeResponse, CallError> {
        self.call(RANGE, req).await
    }

    async fn txn(&mut self, req: pb::TxnRequest) -> Result<pb::TxnResponse, CallError> {
        self.call(TXN, req).await
    }
}

pub struct Client {
    inner: Conn,
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

/// The largest answer read: etcd clientv3's `MaxCallRecvMsgSize` default.
const MAX_RESPONSE: usize = i32::MAX as usize;

fn classify(e: CallError, endpoints: &str) -> Error {
    let s = match e {
        CallError::Transport(t) => {
            return Error::Connect(format!("cannot reach etcd at {endpoints}: {t}"))
        }
        CallError::Status(s) => s,
    };
    match s.code() {
        // A connection that breaks under a request comes back as Unknown
        // "transport error", not as Unavailable.
        tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Cancelled => {
            Error::Connect(format!(
                "etcd at {endpoints} is unavailable: {}",
                s.message()
            ))
        }
        tonic::Code::Unknown if s.message().contains("transport error") => Error::Connect(format!(
            "etcd at {endpoints} is unavailable: {}",
            s.message()
        )),
        tonic::Code::Unauthenticated | tonic::Code::PermissionDenied => {
            Error::Auth(format!("etcd refused the request: {}", s.message()))
        }
        _ if s.message().contains("authentication failed")
            || s.message().contains("user name is empty") =>
        {
            Error::Auth(format!("etcd refused the request: {}", s.message()))
        }
        _ => Error::Request(format!("etcd refused the request: {}", s.message())),
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
        let user = opts.user.as_ref().map(|u| {
            let password = opts.password.as_ref().map_or("", |p| p.expose());
            (u.clone(), password.to_string())
        });
        let mut tls = None;
        if opts.cacert.is_some() || opts.cert.is_some() {
            let mut t = ClientTlsConfig::new();
            if let Some(ca) = &opts.cacert {
                t = t.ca_certificate(Certificate::from_pem(read_file(ca, "CA certificate")?));
            }
            if let (Some(cert), Some(key)) = (&opts.cert, &opts.key) {
                t = t.identity(Identity::from_pem(
                    read_file(cert, "client certificate")?,
                    read_file(key, "client key")?,
                ));
            }
            tls = Some(t);
        }
        let co = ConnectOptions {
            tls,
            dial_timeout: opts.dial_timeout,
            command_timeout: opts.command_timeout,
            user,
        };
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

    /// An endpoint as etcdctl takes it: a URL, or host:port (https when
    /// TLS is configured).
    fn endpoint(url: &str, co: &ConnectOptions) -> Result<Endpoint, String> {
        let url = match (url.split_once("://"), &co.tls) {
            (Some(("http", _)), Some(_)) => {
                return Err("TLS options (--cacert, --cert) need an https:// endpoint".into())
            }
            (Some(_), _) => url.to_string(),
            (None, Some(_)) => format!("https://{url}"),
            (None, None) => format!("http://{url}"),
        };
        let mut e = Endpoint::from_shared(url)
            .map_err(|e| format!("not an endpoint URL: {e}"))?
            .connect_timeout(co.dial_timeout)
            .timeout(co.command_timeout);
        if let Some(tls) = &co.tls {
            e = e.tls_config(tls.clone()).map_err(|e| e.to_string())?;
        }
        Ok(e)
    }

    async fn try_connect(
        endpoint: &str,
        co: &ConnectOptions,
        timeout: std::time::Duration,
    ) -> Result<Conn, Error> {
        let attempt = async {
            let e = Self::endpoint(endpoint, co).map_err(CallError::Transport)?;
            let channel = e.connect().await.map_err(|e| {
                // tonic says only "transport error"; the cause is below it.
                let mut why = e.to_string();
                let mut source = std::error::Error::source(&e);
                while let Some(s) = source {
                    why = format!("{why}: {s}");
                    source = s.source();
                }
                CallError::Transport(why)
            })?;
            let mut conn = Conn {
                // gRPC's 4 MiB default would stop a page of five 1 MB
                // values; etcd's own client takes up to i32::MAX, as the
                // server sends.
                grpc: tonic::client::Grpc::new(channel)
                    .max_decoding_message_size(MAX_RESPONSE)
                    .max_encoding_message_size(MAX_RESPONSE),
                token: None,
            };
            if let Some((name, password)) = &co.user {
                let resp: pb::AuthenticateResponse = conn
                    .call(
                        AUTHENTICATE,
                        pb::AuthenticateRequest {
                            name: name.clone(),
                            password: password.clone(),
                        },
                    )
                    .await?;
                let token = MetadataValue::try_from(resp.token.as_str()).map_err(|_| {
                    CallError::Status(tonic::Status::unknown(
                        "etcd gave a token that is not ASCII",
                    ))
                })?;
                conn.token = Some(token);
            }
            // Status needs no key permissions and proves the endpoint serves requests.
            let _: pb::StatusResponse = conn.call(STATUS, pb::StatusRequest {}).await?;
            Ok::<_, CallError>(conn)
        };
        tokio::time::timeout(timeout, attempt)
            .await
            .map_err(|_| Error::Connect(format!("cannot reach etcd at {endpoint}: timed out")))?
            .map_err(|e| classify(e, endpoint))
    }

    /// Moves to an endpoint that serves requests, within the command timeout.
    /// Another endpoint (or this one again) within what is `left` of the
    /// command timeout.
    async fn fail_over(&mut self, left: std::time::Duration) -> Result<(), Error> {
        let found = std::sync::Mutex::new(None);
        let (all, co) = (&self.all, &self.co);
        let i = super::recover(all.len(), self.current, left, |i, left| {
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

    /// The first path segments of the first `sample` keys (keys only).
    pub async fn top_level(&mut self, sample: i64) -> Result<Vec<String>, Error> {
        let req = pb::RangeRequest {
            key: vec![0],
            range_end: vec![0],
            limit: sample,
            keys_only: true,
        };
        let resp = self
            .inner
            .range(req)
            .await
            .map_err(|e| classify(e, &self.endpoints))?;
        Ok(resp
            .kvs
            .iter()
            .map(|kv| {
                let k = String::from_utf8_lossy(&kv.key);
                let k = k.trim_start_matches('/');
                format!("/{}", k.split('/').next().unwrap_or_default())
            })
            .collect())
    }

    pub async fn list(&mut self, dir: &str) -> Result<Vec<Entry>, Error> {
        let end = prefix_end(dir);
        let mut start = dir.as_bytes().to_vec();
        let mut out = Vec::new();
        loop {
            let req = pb::RangeRequest {
                key: start.clone(),
                range_end: end.clone(),
                limit: PAGE,
                keys_only: false,
            };
            let resp = self
                .inner
                .range(req)
                .await
                .map_err(|e| classify(e, &self.endpoints))?;
            let more = resp.more;
            let last = resp.kvs.last().map(|kv| kv.key.clone());
            for kv in resp.kvs {
                out.push(Entry {
                    exact: std::str::from_utf8(&kv.key).is_ok(),
                    key: String::from_utf8_lossy(&kv.key).into_owned(),
                    value: String::from_utf8_lossy(&kv.value).into_owned(),
                    version: kv.mod_revision,
                });
            }
            match (more, last) {
                (true, Some(last)) => {
                    start = last;
                    start.push(0);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    fn txn(ops: &[Op]) -> pb::TxnRequest {
        let mut compare = Vec::with_capacity(ops.len());
        let mut success = Vec::with_capacity(ops.len());
        for op in ops {
            let (key, guard, request) = match op {
                Op::Put { key, value, guard } => (
                    key,
                    guard,
                    pb::Request::Put(pb::PutRequest {
                        key: key.as_bytes().to_vec(),
                        value: value.as_bytes().to_vec(),
                    }),
                ),
                Op::Delete { key, guard } => (
                    key,
                    guard,
                    pb::Request::DeleteRange(pb::DeleteRangeRequest {
                        key: key.as_bytes().to_vec(),
                    }),
                ),
            };
            success.push(pb::RequestOp {
                request: Some(request),
            });
            let (target, union) = match guard {
                Guard::Absent => (pb::CREATE, pb::TargetUnion::CreateRevision(0)),
                Guard::Version(v) => (pb::MOD, pb::TargetUnion::ModRevision(*v)),
            };
            compare.push(pb::Compare {
                result: pb::EQUAL,
                target,
                key: key.as_bytes().to_vec(),
                target_union: Some(union),
            });
        }
        pb::TxnRequest { compare, success }
    }

    /// Reads back ops whose transaction failed its compare, or whose answer
    /// was lost: each key already as the op wants it (an earlier attempt
    /// landed, or someone did the same) is done; one whose guard still holds
    /// is to be tried again; any other changed underneath.
    async fn settle(&mut self, ops: Vec<Op>) -> Result<Settled, Error> {
        let mut settled = Settled::default();
        for op in ops {
            let req = pb::RangeRequest {
                key: op.key().as_bytes().to_vec(),
                ..Default::default()
            };
            let resp = self
                .inner
                .range(req)
                .await
                .map_err(|e| classify(e, &self.endpoints))?;
            let now = resp.kvs.first();
            let done = match &op {
                Op::Put { value, .. } => now.is_some_and(|kv| kv.value == value.as_bytes()),
                Op::Delete { .. } => now.is_none(),
            };
            let guard = match op {
                Op::Put { guard, .. } | Op::Delete { guard, .. } => guard,
            };
            let holds = match guard {
                Guard::Absent => now.is_none(),
                Guard::Version(v) => now.map(|kv| kv.mod_revision) == Some(v),
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
            // A stall counts from the request etcd left unanswered.
            let sent_at = tokio::time::Instant::now();
            let sent = match self.inner.txn(Self::txn(&ops)).await {
                Ok(resp) if resp.succeeded => {
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
                let since = *unreachable_since.get_or_insert(sent_at);
                let left = self.budget.saturating_sub(since.elapsed());
                if !lost || left.is_zero() || self.fail_over(left).await.is_err() {
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
            let settle_at = tokio::time::Instant::now();
            match self.settle(ops.clone()).await {
                Ok(s) => {
                    result.applied.extend(s.done);
                    result.conflicts.extend(s.conflicts);
                    ops = s.retry;
                }
                Err(e) => {
                    // The read-back lost its connection: reconnect and try
                    // the transaction again (its guards make that safe).
                    let since = *unreachable_since.get_or_insert(settle_at);
                    let left = self.budget.saturating_sub(since.elapsed());
                    let lost = matches!(e, Error::Connect(_));
                    if lost && !left.is_zero() && self.fail_over(left).await.is_ok() {
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
