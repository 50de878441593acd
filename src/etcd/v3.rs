//! etcd v3 through its JSON gateway (`/v3/kv/range`, `/v3/kv/txn`, the
//! same API as gRPC, keys and values in base64, 64-bit numbers as strings):
//! paginated listing and guarded transactions over the HTTP client the v2
//! code uses, so building mon needs no protoc and no gRPC stack.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use serde_json::{json, Value};

use super::{http_client, Applied, Entry, Error, Guard, Op, Options};

pub struct Client {
    http: reqwest::Client,
    bases: Vec<String>,
    /// The endpoint in use.
    current: usize,
    auth: Option<(String, crate::secret::Secret)>,
    /// The token `/v3/auth/authenticate` gave for the endpoint in use.
    token: Option<String>,
    /// How long to keep trying to reach etcd again after a lost connection.
    budget: Duration,
}

const PAGE: i64 = 5_000;

/// gRPC status codes the gateway reports in `code`.
const CANCELLED: i64 = 1;
const DEADLINE_EXCEEDED: i64 = 4;
const PERMISSION_DENIED: i64 = 7;
const UNAVAILABLE: i64 = 14;
const UNAUTHENTICATED: i64 = 16;

fn b64(s: &[u8]) -> String {
    B64.encode(s)
}

fn unb64(v: &Value) -> Vec<u8> {
    v.as_str()
        .and_then(|s| B64.decode(s).ok())
        .unwrap_or_default()
}

/// An int64 as the gateway writes it (a string), or a number; absent is 0.
fn int(v: &Value) -> i64 {
    match v {
        Value::String(s) => s.parse().unwrap_or(0),
        v => v.as_i64().unwrap_or(0),
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

fn describe(e: &reqwest::Error) -> String {
    let mut msg = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg = format!("{msg}: {s}");
        source = s.source();
    }
    msg
}

/// etcd's answer to a request it did not carry out, as one of our errors.
fn refusal(base: &str, body: &Value) -> Error {
    let message = body["message"]
        .as_str()
        .or(body["error"].as_str())
        .unwrap_or("no reason given")
        .to_string();
    let code = int(&body["code"]);
    if matches!(code, UNAVAILABLE | DEADLINE_EXCEEDED | CANCELLED) {
        Error::Connect(format!("etcd at {base} is unavailable: {message}"))
    } else if matches!(code, UNAUTHENTICATED | PERMISSION_DENIED)
        || message.contains("authentication failed")
        || message.contains("user name is empty")
    {
        Error::Auth(format!("etcd refused the request: {message}"))
    } else {
        Error::Request(format!("etcd refused the request: {message}"))
    }
}

/// One POST to `base`; etcd's refusals and lost connections as errors.
async fn post(
    http: &reqwest::Client,
    base: &str,
    token: Option<&str>,
    path: &str,
    body: &Value,
) -> Result<Value, Error> {
    let mut req = http
        .post(format!("{base}{path}"))
        .header("Content-Type", "application/json")
        .body(body.to_string());
    if let Some(t) = token {
        req = req.header("Authorization", t);
    }
    let resp = req
        .send()
        .await
        .map_err(|e| Error::Connect(format!("cannot reach etcd at {base}: {}", describe(&e))))?;
    let status = resp.status();
    let bytes = resp
        .bytes()
        .await
        .map_err(|e| Error::Connect(format!("etcd at {base}: {}", describe(&e))))?;
    let v: Value = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| json!({"message": String::from_utf8_lossy(&bytes).trim().to_string()}));
    if status.is_success() && v.get("code").is_none() {
        Ok(v)
    } else if status.as_u16() == 404 {
        Err(Error::Request(format!(
            "{base} serves no etcd v3 JSON API at {path} (etcd 3.4 or later serves it)"
        )))
    } else {
        Err(refusal(base, &v))
    }
}

/// Authenticates if there are credentials and proves the endpoint serves
/// requests (status needs no key permissions). The token, if any.
async fn probe(
    http: &reqwest::Client,
    base: &str,
    auth: &Option<(String, crate::secret::Secret)>,
    timeout: Duration,
) -> Result<Option<String>, Error> {
    let attempt = async {
        let token = match auth {
            Some((user, password)) => {
                let body = json!({"name": user, "password": password.expose()});
                let v = post(http, base, None, "/v3/auth/authenticate", &body).await?;
                Some(v["token"].as_str().unwrap_or_default().to_string())
            }
            None => None,
        };
        post(
            http,
            base,
            token.as_deref(),
            "/v3/maintenance/status",
            &json!({}),
        )
        .await?;
        Ok(token)
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .map_err(|_| Error::Connect(format!("cannot reach etcd at {base}: timed out")))?
}

impl Client {
    pub async fn connect(opts: &Options) -> Result<Client, Error> {
        let http = http_client(opts, 4)?;
        let auth = opts
            .user
            .clone()
            .map(|u| (u, opts.password.clone().unwrap_or_default()));
        let bases: Vec<String> = opts.endpoints.iter().map(|e| super::base_url(e)).collect();
        // The first endpoint, in order, that answers. Spreading requests
        // over all of them would keep sending some to a dead one.
        let timeout = opts.dial_timeout + opts.command_timeout;
        let mut last = Error::Connect("no etcd endpoints given".into());
        for (i, base) in bases.iter().enumerate() {
            match probe(&http, base, &auth, timeout).await {
                Ok(token) => {
                    return Ok(Client {
                        http,
                        bases: bases.clone(),
                        current: i,
                        auth,
                        token,
                        budget: opts.command_timeout,
                    })
                }
                Err(e @ Error::Auth(_)) => return Err(e),
                Err(e) => last = e,
            }
        }
        Err(last)
    }

    fn base(&self) -> &str {
        &self.bases[self.current]
    }

    /// Moves to an endpoint that serves requests, within the command timeout.
    async fn fail_over(&mut self) -> Result<(), Error> {
        let found = std::sync::Mutex::new(None);
        let (http, bases, auth) = (&self.http, &self.bases, &self.auth);
        let i = super::recover(bases.len(), self.current, self.budget, |i, left| {
            let found = &found;
            async move {
                let token = probe(http, &bases[i], auth, left).await?;
                *found.lock().expect("not poisoned") = Some(token);
                Ok(())
            }
        })
        .await?;
        if let Some(token) = found.into_inner().expect("not poisoned") {
            self.token = token;
            self.current = i;
        }
        Ok(())
    }

    /// A request to the endpoint in use; an expired token is renewed once.
    async fn call(&mut self, path: &str, body: &Value) -> Result<Value, Error> {
        let first = post(&self.http, self.base(), self.token.as_deref(), path, body).await;
        match first {
            Err(Error::Auth(m)) if self.auth.is_some() && m.contains("invalid auth token") => {
                self.token = probe(&self.http, self.base(), &self.auth, self.budget).await?;
                post(&self.http, self.base(), self.token.as_deref(), path, body).await
            }
            other => other,
        }
    }

    pub async fn list(&mut self, dir: &str) -> Result<Vec<Entry>, Error> {
        let end = b64(&prefix_end(dir));
        let mut start = dir.as_bytes().to_vec();
        let mut out = Vec::new();
        loop {
            let body = json!({"key": b64(&start), "range_end": end, "limit": PAGE.to_string()});
            let resp = self.call("/v3/kv/range", &body).await?;
            let kvs = resp["kvs"].as_array().cloned().unwrap_or_default();
            for kv in &kvs {
                let key = unb64(&kv["key"]);
                out.push(Entry {
                    exact: std::str::from_utf8(&key).is_ok(),
                    key: String::from_utf8_lossy(&key).into_owned(),
                    value: String::from_utf8_lossy(&unb64(&kv["value"])).into_owned(),
                    version: int(&kv["mod_revision"]),
                });
            }
            match (resp["more"].as_bool().unwrap_or(false), kvs.last()) {
                (true, Some(last)) => {
                    start = unb64(&last["key"]);
                    start.push(0);
                }
                _ => break,
            }
        }
        Ok(out)
    }

    /// One transaction: every guard must hold, then every write is made.
    fn txn(ops: &[Op]) -> Value {
        let mut compare = Vec::with_capacity(ops.len());
        let mut success = Vec::with_capacity(ops.len());
        for op in ops {
            let (key, guard) = match op {
                Op::Put { key, value, guard } => {
                    success.push(json!({"request_put": {"key": b64(key.as_bytes()), "value": b64(value.as_bytes())}}));
                    (key, guard)
                }
                Op::Delete { key, guard } => {
                    success.push(json!({"request_delete_range": {"key": b64(key.as_bytes())}}));
                    (key, guard)
                }
            };
            let key = b64(key.as_bytes());
            compare.push(match guard {
                Guard::Absent => {
                    json!({"key": key, "target": "CREATE", "result": "EQUAL", "create_revision": "0"})
                }
                Guard::Version(v) => {
                    json!({"key": key, "target": "MOD", "result": "EQUAL", "mod_revision": v.to_string()})
                }
            });
        }
        json!({"compare": compare, "success": success})
    }

    /// Reads back ops whose transaction failed its compare, or whose answer
    /// was lost: each key already as the op wants it (an earlier attempt
    /// landed, or someone did the same) is done; one whose guard still holds
    /// is to be tried again; any other changed underneath.
    async fn settle(&mut self, ops: Vec<Op>) -> Result<Settled, Error> {
        let mut settled = Settled::default();
        for op in ops {
            let resp = self
                .call("/v3/kv/range", &json!({"key": b64(op.key().as_bytes())}))
                .await?;
            let now = resp["kvs"].as_array().and_then(|k| k.first()).cloned();
            let done = match &op {
                Op::Put { value, .. } => now
                    .as_ref()
                    .is_some_and(|kv| unb64(&kv["value"]) == value.as_bytes()),
                Op::Delete { .. } => now.is_none(),
            };
            let guard = match op {
                Op::Put { guard, .. } | Op::Delete { guard, .. } => guard,
            };
            let holds = match guard {
                Guard::Absent => now.is_none(),
                Guard::Version(v) => now.map(|kv| int(&kv["mod_revision"])) == Some(v),
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
            let sent = match self.call("/v3/kv/txn", &Self::txn(&ops)).await {
                Ok(resp) if resp["succeeded"].as_bool() == Some(true) => {
                    result
                        .applied
                        .extend(ops.iter().map(|o| o.key().to_string()));
                    break;
                }
                Ok(_) => {
                    compares_failed += 1;
                    None
                }
                Err(e) => Some(e),
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
