//! etcd's v2 keys API over HTTP: the keyspace 9volt actually reads.
//!
//! A running 9volt follows only the watch actions `create`, `set`, `update`
//! and `delete` (reference 9volt.md §1.9); `prevIndex`-guarded writes reach it
//! as `compareAndSwap`/`compareAndDelete` and are ignored until the next full
//! redistribution. So every write here ends in one of the four:
//! - add: PUT `prevExist=false` (`create`), refused by etcd if the key exists;
//! - change: a fresh quorum read that must still show the version the plan
//!   read, then PUT `prevExist=true` (`update`);
//! - delete: the same fresh read, then a plain DELETE (`delete`).
//!
//! What remains of the guard is the round trip between that read and the
//! write. etcd answers every write with the node it replaced (`prevNode`), so
//! a writer that slipped into that window is still detected afterwards: its
//! value is put back (again with `update` or `create`, so 9volt follows) and
//! the key is reported as a conflict.
//!
//! Requests go out concurrently so etcd can batch them into few raft rounds.
//! The first request that fails for want of a connection stops new ones; the
//! client then moves to the next endpoint that answers and retries what is
//! left, each op settling first whether its earlier attempt already landed.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use tokio::sync::Semaphore;

use super::{read_file, Applied, Entry, Error, Guard, Op, Options, Tree};

const IN_FLIGHT: usize = 64;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    /// Every endpoint as a base URL, and the one in use.
    bases: Arc<Vec<String>>,
    current: usize,
    auth: Option<(String, crate::secret::Secret)>,
    /// How long to keep trying to reach etcd again after a lost connection.
    budget: std::time::Duration,
}

#[derive(Deserialize)]
struct Response {
    node: Option<Node>,
    #[serde(rename = "prevNode")]
    prev_node: Option<Node>,
}

#[derive(Deserialize)]
struct Node {
    key: Option<String>,
    value: Option<String>,
    #[serde(default)]
    dir: bool,
    #[serde(rename = "modifiedIndex", default)]
    modified_index: i64,
    #[serde(rename = "createdIndex", default)]
    created_index: i64,
    #[serde(default)]
    nodes: Vec<Node>,
}

impl Node {
    fn tree(self) -> Tree {
        Tree {
            key: self.key.unwrap_or_default(),
            value: self.value,
            dir: self.dir,
            created: self.created_index,
            modified: self.modified_index,
            nodes: self.nodes.into_iter().map(Node::tree).collect(),
        }
    }
}

#[derive(Deserialize)]
struct EtcdError {
    #[serde(rename = "errorCode")]
    code: i64,
    message: String,
    cause: Option<String>,
}

/// etcd's v2 error codes that this client acts on.
const KEY_NOT_FOUND: i64 = 100;
const NODE_EXIST: i64 = 105;

enum Outcome {
    /// As wanted, with the index of our write when we made it (a pacer
    /// waits for 9volt's director to pass that index).
    Done(Option<i64>),
    Conflict,
}

/// What one op came to in one round.
enum Attempt {
    Finished(Outcome),
    /// The request failed; it may or may not have reached etcd. With when
    /// the op began: a stall counts from there.
    Failed(Error, tokio::time::Instant),
    /// Not sent, because an earlier failure stopped the round.
    NotStarted,
}

/// A write's answer: the node it replaced and the index of the write, or
/// etcd's error code.
type Written = Result<(Option<Node>, i64), i64>;

fn base_url(endpoint: &str) -> String {
    if endpoint.contains("://") {
        endpoint.trim_end_matches('/').to_string()
    } else {
        format!("http://{endpoint}")
    }
}

impl Client {
    pub async fn connect(opts: &Options) -> Result<Client, Error> {
        let mut builder = reqwest::Client::builder()
            .connect_timeout(opts.dial_timeout)
            .timeout(opts.command_timeout)
            .tcp_nodelay(true)
            .pool_max_idle_per_host(IN_FLIGHT);
        if let Some(ca) = &opts.cacert {
            let cert = reqwest::Certificate::from_pem(&read_file(ca, "CA certificate")?)
                .map_err(|e| Error::Connect(format!("CA certificate {}: {e}", ca.display())))?;
            builder = builder.add_root_certificate(cert);
        }
        if let (Some(cert), Some(key)) = (&opts.cert, &opts.key) {
            let mut pem = read_file(cert, "client certificate")?;
            pem.extend(read_file(key, "client key")?);
            let id = reqwest::Identity::from_pem(&pem)
                .map_err(|e| Error::Connect(format!("client certificate: {e}")))?;
            builder = builder.identity(id);
        }
        let http = builder.build().map_err(|e| Error::Connect(e.to_string()))?;
        let auth = opts
            .user
            .clone()
            .map(|u| (u, opts.password.clone().unwrap_or_default()));
        let mut client = Client {
            http,
            bases: Arc::new(opts.endpoints.iter().map(|e| base_url(e)).collect()),
            current: 0,
            auth,
            budget: opts.command_timeout,
        };
        // The first endpoint, in order, that answers.
        client.current = client.first_answering(0, client.bases.len()).await?;
        Ok(client)
    }

    /// The first of `count` endpoints from `from` on (wrapping) that answers.
    async fn first_answering(&self, from: usize, count: usize) -> Result<usize, Error> {
        let mut last = String::from("no etcd endpoints given");
        for i in (0..count).map(|n| (from + n) % self.bases.len()) {
            let base = &self.bases[i];
            match self.http.get(format!("{base}/version")).send().await {
                Ok(r) if r.status().is_success() => return Ok(i),
                Ok(r) => last = format!("{base} answered {}", r.status()),
                Err(e) => last = format!("{base}: {}", describe(&e)),
            }
        }
        Err(Error::Connect(format!("cannot reach etcd ({last})")))
    }

    /// Moves to an endpoint that answers, within the command timeout.
    /// Another endpoint (or this one again) within what is `left` of the
    /// command timeout.
    async fn fail_over(&mut self, left: std::time::Duration) -> Result<(), Error> {
        let http = &self.http;
        let bases = &self.bases;
        // /health is false while the cluster has no leader (an election
        // after the member we used died): writes would only block until then.
        self.current = super::recover(bases.len(), self.current, left, |i, _| async move {
            let r = http
                .get(format!("{}/health", bases[i]))
                .send()
                .await
                .map_err(|e| Error::Connect(format!("{}: {}", bases[i], describe(&e))))?;
            let body = r.bytes().await.unwrap_or_default();
            let healthy = serde_json::from_slice::<serde_json::Value>(&body)
                .is_ok_and(|v| v["health"] == "true");
            if healthy {
                Ok(())
            } else {
                Err(Error::Connect(format!(
                    "{} is not healthy: {}",
                    bases[i],
                    String::from_utf8_lossy(&body).trim()
                )))
            }
        })
        .await?;
        Ok(())
    }

    fn base(&self) -> &str {
        &self.bases[self.current]
    }

    fn request(&self, method: Method, key: &str) -> reqwest::RequestBuilder {
        let r = self
            .http
            .request(method, format!("{}/v2/keys{key}", self.base()));
        match &self.auth {
            Some((u, p)) => r.basic_auth(u, Some(p.expose())),
            None => r,
        }
    }

    /// Sends a request; 2xx bodies and etcd's own error codes come back,
    /// anything else is an error.
    async fn send(&self, req: reqwest::RequestBuilder) -> Result<Result<Response, i64>, Error> {
        Ok(self.send_indexed(req).await?.0)
    }

    /// `send`, with etcd's index at the answer (`X-Etcd-Index`).
    async fn send_indexed(
        &self,
        req: reqwest::RequestBuilder,
    ) -> Result<(Result<Response, i64>, i64), Error> {
        let resp = req.send().await.map_err(|e| Error::Connect(describe(&e)))?;
        let index = resp
            .headers()
            .get("x-etcd-index")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| Error::Connect(describe(&e)))?;
        Ok((self.answer(status, &body)?, index))
    }

    fn answer(&self, status: StatusCode, body: &[u8]) -> Result<Result<Response, i64>, Error> {
        if status.is_success() {
            return serde_json::from_slice(body)
                .map(Ok)
                .map_err(|e| Error::Request(format!("unexpected answer from etcd: {e}")));
        }
        match serde_json::from_slice::<EtcdError>(body) {
            Ok(e) if matches!(e.code, KEY_NOT_FOUND | NODE_EXIST) => Ok(Err(e.code)),
            // 300 "Raft Internal Error" (a leader change, a timed-out
            // proposal): the member is there, the cluster is not, for now.
            Ok(e) if e.code == 300 || status.is_server_error() => Err(Error::Connect(format!(
                "etcd at {} could not serve the request: {}{}",
                self.base(),
                e.message,
                e.cause.map(|c| format!(" ({c})")).unwrap_or_default()
            ))),
            Ok(_) => Err(refusal(status, body)),
            // etcd without --enable-v2 has no /v2/keys route at all.
            Err(_) if status == StatusCode::NOT_FOUND => Err(Error::NoV2(format!(
                "etcd at {} serves no v2 keys API (it answered {status} for /v2/keys)",
                self.base()
            ))),
            Err(_) => Err(refusal(status, body)),
        }
    }

    /// The key as etcd's quorum has it now: `None` when absent.
    async fn get(&self, key: &str) -> Result<Option<Node>, Error> {
        let req = self.request(Method::GET, key).query(&[("quorum", "true")]);
        Ok(self.send(req).await?.ok().and_then(|r| r.node))
    }

    async fn put(&self, key: &str, value: &str, prev_exist: bool) -> Result<Written, Error> {
        let form = [
            ("value", value),
            ("prevExist", if prev_exist { "true" } else { "false" }),
        ];
        let req = self.request(Method::PUT, key).form(&form);
        Ok(self.send(req).await?.map(written))
    }

    async fn delete(&self, key: &str) -> Result<Written, Error> {
        let req = self.request(Method::DELETE, key);
        Ok(self.send(req).await?.map(written))
    }

    /// A key or a whole directory (recursive), with etcd's index at that
    /// read (`X-Etcd-Index`): `None` when absent. A quorum read goes
    /// through raft like a write; a local one is served by the member
    /// asked, and may lag the cluster by a moment.
    pub async fn read(
        &self,
        key: &str,
        recursive: bool,
        quorum: bool,
    ) -> Result<(Option<Tree>, i64), Error> {
        let mut query = vec![("quorum", if quorum { "true" } else { "false" })];
        if recursive {
            query.push(("recursive", "true"));
        }
        let req = self
            .request(Method::GET, key.trim_end_matches('/'))
            .query(&query);
        match self.send_indexed(req).await? {
            (Ok(r), index) => Ok((r.node.map(Node::tree), index)),
            (Err(KEY_NOT_FOUND), index) => Ok((None, index)),
            (Err(code), _) => Err(Error::Request(format!("etcd error {code} reading {key}"))),
        }
    }

    /// The names under the root of the v2 keyspace, directories and keys.
    pub async fn top_level(&mut self) -> Result<Vec<String>, Error> {
        let req = self.request(Method::GET, "/").query(&[("quorum", "true")]);
        let node = match self.send(req).await? {
            Ok(r) => r.node,
            Err(KEY_NOT_FOUND) => None,
            Err(code) => return Err(Error::Request(format!("etcd error {code} listing /"))),
        };
        Ok(node
            .map(|n| n.nodes.into_iter().filter_map(|n| n.key).collect())
            .unwrap_or_default())
    }

    pub async fn list(&mut self, dir: &str) -> Result<Vec<Entry>, Error> {
        let req = self
            .request(Method::GET, dir.trim_end_matches('/'))
            .query(&[("quorum", "true")]);
        let node = match self.send(req).await? {
            Ok(r) => r.node,
            Err(KEY_NOT_FOUND) => None,
            Err(code) => return Err(Error::Request(format!("etcd error {code} listing {dir}"))),
        };
        let Some(node) = node else {
            return Ok(Vec::new());
        };
        if !node.dir {
            return Err(Error::Request(format!(
                "{dir} is a key, not a directory; 9volt needs it to be a directory"
            )));
        }
        Ok(node
            .nodes
            .into_iter()
            .filter(|n| !n.dir)
            .filter_map(|n| {
                let key = n.key?;
                Some(Entry {
                    // etcd's JSON turns bytes that are not UTF-8 into U+FFFD,
                    // so such a key cannot be addressed by what we read.
                    exact: !key.contains('\u{FFFD}'),
                    key,
                    value: n.value.unwrap_or_default(),
                    version: n.modified_index,
                })
            })
            .collect())
    }

    /// Whether the key already is as the op wants it: then an earlier
    /// attempt, or someone else, did our work; otherwise it is a conflict.
    async fn settle(&self, op: &Op) -> Result<Outcome, Error> {
        let now = self.get(op.key()).await?;
        let done = match op {
            Op::Put { value, .. } => now.is_some_and(|n| n.value.as_deref() == Some(value)),
            Op::Delete { .. } => now.is_none(),
        };
        Ok(if done {
            Outcome::Done(None)
        } else {
            Outcome::Conflict
        })
    }

    /// After a write that replaced `prev`: if `prev` is not the version the
    /// plan read, another writer got in between the fresh read and the write;
    /// its value goes back, and the key is a conflict.
    async fn check_replaced(
        &self,
        key: &str,
        read: i64,
        (prev, index): (Option<Node>, i64),
    ) -> Result<Outcome, Error> {
        match prev {
            Some(p) if p.modified_index != read => {
                let theirs = p.value.unwrap_or_default();
                // update if our write left the key there, create if it deleted it.
                let exists = self.get(key).await?.is_some();
                self.put(key, &theirs, exists).await?.ok();
                Ok(Outcome::Conflict)
            }
            _ => Ok(Outcome::Done(Some(index))),
        }
    }

    async fn one(&self, op: &Op) -> Result<Outcome, Error> {
        match op {
            Op::Put {
                key,
                value,
                guard: Guard::Absent,
            } => match self.put(key, value, false).await? {
                Ok((_, index)) => Ok(Outcome::Done(Some(index))),
                Err(_) => self.settle(op).await,
            },
            Op::Put {
                key,
                value,
                guard: Guard::Version(read),
            } => {
                if self.get(key).await?.map(|n| n.modified_index) != Some(*read) {
                    return self.settle(op).await;
                }
                match self.put(key, value, true).await? {
                    Ok(prev) => self.check_replaced(key, *read, prev).await,
                    Err(_) => self.settle(op).await,
                }
            }
            Op::Delete { key, guard } => {
                let now = self.get(key).await?.map(|n| n.modified_index);
                match (guard, now) {
                    (_, None) => return Ok(Outcome::Done(None)),
                    (Guard::Version(read), Some(now)) if now != *read => {
                        return Ok(Outcome::Conflict)
                    }
                    _ => {}
                }
                match self.delete(key).await? {
                    Ok(written) => match guard {
                        Guard::Version(read) => self.check_replaced(key, *read, written).await,
                        Guard::Absent => Ok(Outcome::Done(Some(written.1))),
                    },
                    // Gone already: etcd is as wanted.
                    Err(_) => Ok(Outcome::Done(None)),
                }
            }
        }
    }

    /// One concurrent round over `ops`; the first failure stops new requests.
    async fn round(&self, ops: Vec<Op>) -> Vec<(Op, Attempt)> {
        let limit = Arc::new(Semaphore::new(IN_FLIGHT));
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = tokio::task::JoinSet::new();
        for op in ops {
            let client = self.clone();
            let limit = limit.clone();
            let stop = stop.clone();
            tasks.spawn(async move {
                let _permit = limit.acquire().await;
                if stop.load(Ordering::Relaxed) {
                    return (op, Attempt::NotStarted);
                }
                let began = tokio::time::Instant::now();
                let attempt = match client.one(&op).await {
                    Ok(outcome) => Attempt::Finished(outcome),
                    Err(e) => {
                        stop.store(true, Ordering::Relaxed);
                        Attempt::Failed(e, began)
                    }
                };
                (op, attempt)
            });
        }
        let mut out = Vec::new();
        while let Some(joined) = tasks.join_next().await {
            // Our tasks neither panic nor get cancelled.
            if let Ok(pair) = joined {
                out.push(pair);
            }
        }
        out
    }

    pub async fn apply(&mut self, ops: Vec<Op>) -> Applied {
        let mut result = Applied::default();
        let mut pending = ops;
        // Since when etcd has been out of reach, across reconnections.
        let mut unreachable_since: Option<tokio::time::Instant> = None;
        while !pending.is_empty() {
            let mut failed = Vec::new();
            let mut not_started = Vec::new();
            let mut error = None;
            let mut stalled = None;
            let before = pending.len();
            for (op, attempt) in self.round(std::mem::take(&mut pending)).await {
                match attempt {
                    Attempt::Finished(Outcome::Done(index)) => {
                        if let Some(i) = index {
                            result.indexes.push((op.key().into(), i));
                        }
                        result.applied.push(op.key().into())
                    }
                    Attempt::Finished(Outcome::Conflict) => result.conflicts.push(op.key().into()),
                    Attempt::Failed(e, began) => {
                        error.get_or_insert(e);
                        stalled =
                            Some(stalled.map_or(began, |s: tokio::time::Instant| s.min(began)));
                        failed.push(op);
                    }
                    Attempt::NotStarted => not_started.push(op),
                }
            }
            let Some(e) = error else { break };
            if failed.len() + not_started.len() < before {
                // Some went through: a fresh streak of trouble, if any.
                unreachable_since = None;
            }
            let since = *unreachable_since
                .get_or_insert_with(|| stalled.unwrap_or_else(tokio::time::Instant::now));
            let left = self.budget.saturating_sub(since.elapsed());
            // Only a lost connection is worth another endpoint; and every
            // retried op first settles whether its last attempt landed.
            if matches!(e, Error::Connect(_))
                && !left.is_zero()
                && self.fail_over(left).await.is_ok()
            {
                pending = failed.into_iter().chain(not_started).collect();
                continue;
            }
            // Only a lost connection leaves a write's fate unknown; an
            // answer (permission, authentication, a bad request) is a no.
            let keys = |ops: Vec<Op>| ops.iter().map(|o| o.key().to_string()).collect::<Vec<_>>();
            if matches!(e, Error::Connect(_)) {
                result.unknown = keys(failed);
                result.not_applied = keys(not_started);
            } else {
                result.not_applied = keys(failed.into_iter().chain(not_started).collect());
            }
            result.error = Some(e);
        }
        result.applied.sort();
        result.conflicts.sort();
        result
    }
}

fn written(r: Response) -> (Option<Node>, i64) {
    let index = r.node.as_ref().map_or(0, |n| n.modified_index);
    (r.prev_node, index)
}

fn describe(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    msg
}

/// 401 (no or wrong credentials, errorCode 110) and 403 are about who we
/// are, and deserve a different hint than other refusals.
fn refusal(status: StatusCode, body: &[u8]) -> Error {
    let message = etcd_error(status, body);
    if matches!(status, StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN) {
        Error::Auth(message)
    } else {
        Error::Request(message)
    }
}

fn etcd_error(status: StatusCode, body: &[u8]) -> String {
    match serde_json::from_slice::<EtcdError>(body) {
        Ok(e) => format!(
            "etcd error {}: {}{}",
            e.code,
            e.message,
            e.cause.map(|c| format!(" ({c})")).unwrap_or_default()
        ),
        Err(_) => format!(
            "etcd answered {status}: {}",
            String::from_utf8_lossy(body).trim()
        ),
    }
}
