//! etcd's v2 keys API over HTTP: the keyspace 9volt actually reads.
//! Writes are per key, guarded by prevIndex or prevExist=false, and sent
//! concurrently so etcd can batch them into few raft rounds.

use std::sync::Arc;

use reqwest::{Method, StatusCode};
use serde::Deserialize;
use tokio::sync::Semaphore;

use super::{read_file, Applied, Entry, Error, Guard, Op, Options};

const IN_FLIGHT: usize = 64;

#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    base: String,
    auth: Option<(String, String)>,
}

#[derive(Deserialize)]
struct Response {
    node: Option<Node>,
}

#[derive(Deserialize)]
struct Node {
    key: Option<String>,
    value: Option<String>,
    #[serde(default)]
    dir: bool,
    #[serde(rename = "modifiedIndex", default)]
    modified_index: i64,
    #[serde(default)]
    nodes: Vec<Node>,
}

#[derive(Deserialize)]
struct EtcdError {
    #[serde(rename = "errorCode")]
    code: i64,
    message: String,
    cause: Option<String>,
}

enum Outcome {
    Done,
    Conflict,
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
        // Fail over between endpoints at connect: the first that answers wins.
        let mut last = String::new();
        for ep in &opts.endpoints {
            let base = if ep.contains("://") {
                ep.trim_end_matches('/').to_string()
            } else {
                format!("http://{ep}")
            };
            match http.get(format!("{base}/version")).send().await {
                Ok(r) if r.status().is_success() => return Ok(Client { http, base, auth }),
                Ok(r) => last = format!("{base} answered {}", r.status()),
                Err(e) => last = format!("{base}: {}", describe(&e)),
            }
        }
        Err(Error::Connect(format!("cannot reach etcd ({last})")))
    }

    fn request(&self, method: Method, key: &str) -> reqwest::RequestBuilder {
        let r = self
            .http
            .request(method, format!("{}/v2/keys{key}", self.base));
        match &self.auth {
            Some((u, p)) => r.basic_auth(u, Some(p)),
            None => r,
        }
    }

    pub async fn list(&mut self, dir: &str) -> Result<Vec<Entry>, Error> {
        let resp = self
            .request(Method::GET, dir.trim_end_matches('/'))
            .send()
            .await
            .map_err(|e| Error::Connect(describe(&e)))?;
        let status = resp.status();
        let body = resp
            .bytes()
            .await
            .map_err(|e| Error::Connect(describe(&e)))?;
        if status == StatusCode::NOT_FOUND {
            return Ok(Vec::new());
        }
        if !status.is_success() {
            return Err(refusal(status, &body));
        }
        let parsed: Response = serde_json::from_slice(&body)
            .map_err(|e| Error::Request(format!("unexpected answer from etcd: {e}")))?;
        let Some(node) = parsed.node else {
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
                Some(Entry {
                    key: n.key?,
                    value: n.value.unwrap_or_default(),
                    version: n.modified_index,
                })
            })
            .collect())
    }

    async fn one(&self, op: &Op) -> Result<Outcome, Error> {
        let (method, key, form) = match op {
            Op::Put { key, value, guard } => {
                let mut form = vec![("value", value.clone())];
                match guard {
                    Guard::Absent => form.push(("prevExist", "false".into())),
                    Guard::Version(v) => form.push(("prevIndex", v.to_string())),
                }
                (Method::PUT, key, form)
            }
            Op::Delete { key, guard } => {
                let form = match guard {
                    Guard::Version(v) => vec![("prevIndex", v.to_string())],
                    Guard::Absent => vec![],
                };
                (Method::DELETE, key, form)
            }
        };
        let req = self.request(method.clone(), key);
        let req = if method == Method::PUT {
            req.form(&form)
        } else {
            req.query(&form)
        };
        let resp = req.send().await.map_err(|e| Error::Connect(describe(&e)))?;
        let status = resp.status();
        if status.is_success() {
            return Ok(Outcome::Done);
        }
        let body = resp.bytes().await.unwrap_or_default();
        let code = serde_json::from_slice::<EtcdError>(&body)
            .map(|e| e.code)
            .unwrap_or(0);
        match (method == Method::DELETE, code) {
            // 100: key not found. Deleting what is already gone leaves etcd as wanted.
            (true, 100) => Ok(Outcome::Done),
            // 100 on a guarded put, 101 compare failed, 105 key exists: changed underneath.
            (false, 100) | (_, 101) | (_, 105) => Ok(Outcome::Conflict),
            _ => Err(refusal(status, &body)),
        }
    }

    pub async fn apply(&mut self, ops: Vec<Op>) -> Applied {
        let limit = Arc::new(Semaphore::new(IN_FLIGHT));
        let mut tasks = tokio::task::JoinSet::new();
        for op in ops {
            let client = self.clone();
            let limit = limit.clone();
            tasks.spawn(async move {
                let _permit = limit.acquire().await;
                let r = client.one(&op).await;
                (op.key().to_string(), r)
            });
        }
        let mut result = Applied::default();
        while let Some(joined) = tasks.join_next().await {
            match joined {
                Ok((key, Ok(Outcome::Done))) => result.applied.push(key),
                Ok((key, Ok(Outcome::Conflict))) => result.conflicts.push(key),
                Ok((_, Err(e))) => {
                    if result.error.is_none() {
                        result.error = Some(e);
                    }
                }
                Err(e) => result.error = Some(Error::Request(e.to_string())),
            }
        }
        result.applied.sort();
        result.conflicts.sort();
        result
    }
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
