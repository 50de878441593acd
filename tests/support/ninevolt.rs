//! A stand-in for a running 9volt cluster, for CI (which cannot build 9volt):
//! it keeps in etcd what 9volt keeps (reference 9volt.md §5, §6) and reacts
//! as its director does.
//! - Members: `<prefix>/cluster/members/<id>/` with a TTL, refreshed by a
//!   heartbeat, and a `status` key with the member's tags.
//! - The director watches `<prefix>/monitor/` with v2 long polls from the
//!   index after the last event, one event per poll, as 9volt's etcd client
//!   does. Each event costs it `per_check`; then, as
//!   `handleCheckConfigChange`: a delete removes the check's reference; a
//!   set/update/create keeps the check on its member if that member still
//!   takes its tag, and otherwise puts it on the least loaded living member
//!   that does, writing `config/<base64 of the key>` = the key.
//!   It reads its own references from memory (it is their only writer), so
//!   it is faster than 9volt's, which reads every member's on each event.
//! - When its watch falls out of etcd's 1,000-event window (error 401), it
//!   "restarts" as 9volt's overwatch does: clears every reference and
//!   distributes every check again. It does the same when the member set
//!   changes (a member joins or expires).

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine;
use serde_json::Value;

use super::Etcd;

pub struct Standin {
    /// One stand-in at a time per test binary: on two cores, several
    /// directors, etcds and syncs at once starve heartbeats and polls, and
    /// the timing each test arranges no longer holds.
    _serial: std::sync::MutexGuard<'static, ()>,
    stop: Arc<AtomicBool>,
    /// Members whose heartbeat has stopped: their directory expires.
    dead: Arc<Mutex<BTreeSet<String>>>,
    /// While set, the director handles nothing.
    paused: Arc<AtomicBool>,
    /// Full redistributions after a watch error (9volt's restarts).
    restarts: Arc<AtomicUsize>,
    /// Full redistributions after the member set changed.
    reshuffles: Arc<AtomicUsize>,
    /// Watch events of actions 9volt ignores (compareAndSwap, ...).
    ignored: Arc<AtomicUsize>,
    /// The director's time per change, in microseconds.
    per_check: Arc<std::sync::atomic::AtomicU64>,
    handles: Vec<std::thread::JoinHandle<()>>,
}

/// How long a member's directory lives without a heartbeat.
const TTL_SECS: u64 = 3;

struct Http {
    client: reqwest::Client,
    base: String,
    prefix: String,
}

impl Http {
    fn url(&self, key: &str) -> String {
        format!("{}/v2/keys/{}/{}", self.base, self.prefix, key)
    }

    async fn get(&self, key: &str, recursive: bool) -> Option<Value> {
        let r = self
            .client
            .get(self.url(key))
            .query(&[("recursive", if recursive { "true" } else { "false" })])
            .send()
            .await
            .ok()?;
        let v: Value = serde_json::from_slice(&r.bytes().await.ok()?).ok()?;
        v.get("node").cloned()
    }

    /// A key or directory, `Some(Null)` when absent, `None` when etcd did
    /// not answer.
    async fn get_checked(&self, key: &str) -> Option<Value> {
        let r = self.client.get(self.url(key)).send().await.ok()?;
        let v: Value = serde_json::from_slice(&r.bytes().await.ok()?).ok()?;
        if v["errorCode"] == 100 {
            return Some(Value::Null);
        }
        v.get("node").cloned()
    }

    async fn put(&self, key: &str, form: &[(&str, &str)]) {
        let _ = self.client.put(self.url(key)).form(form).send().await;
    }

    async fn delete(&self, key: &str) {
        let _ = self.client.delete(self.url(key)).send().await;
    }

    /// Living members and their tags (tags parsed once per member and kept
    /// in `tags`).
    async fn members(
        &self,
        tags: &mut BTreeMap<String, Vec<String>>,
    ) -> Option<BTreeMap<String, Vec<String>>> {
        let mut out = BTreeMap::new();
        // A failed read says nothing about the members (9volt's watch on
        // them would simply not fire).
        let node = self.get_checked("cluster/members").await?;
        for m in node["nodes"].as_array().into_iter().flatten() {
            let id = m["key"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            // A member is its status: a reference written just after the
            // member's directory expired re-creates the directory, without
            // a TTL and without a status.
            let status = self
                .get_checked(&format!("cluster/members/{id}/status"))
                .await?;
            let Some(value) = status["value"].as_str() else {
                continue;
            };
            if !tags.contains_key(&id) {
                let s: Value = serde_json::from_str(value).unwrap();
                let t = s["Tags"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|t| t.as_str().unwrap().to_string())
                    .collect();
                tags.insert(id.clone(), t);
            }
            out.insert(id.clone(), tags[&id].clone());
        }
        Some(out)
    }

    /// Check key -> member, from every member's references.
    async fn refs(&self) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        let Some(node) = self.get("cluster/members", true).await else {
            return out;
        };
        for m in node["nodes"].as_array().into_iter().flatten() {
            let id = m["key"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string();
            for c in m["nodes"].as_array().into_iter().flatten() {
                for r in c["nodes"].as_array().into_iter().flatten() {
                    if let Some(check) = r["value"].as_str() {
                        out.insert(check.to_string(), id.clone());
                    }
                }
            }
        }
        out
    }

    fn ref_key(member: &str, check: &str) -> String {
        format!(
            "cluster/members/{member}/config/{}",
            base64::engine::general_purpose::STANDARD.encode(check)
        )
    }
}

fn takes(tags: &[String], tag: &str) -> bool {
    if tag.is_empty() {
        tags.is_empty()
    } else {
        tags.iter().any(|t| t == tag)
    }
}

fn tag_of(value: Option<&str>) -> String {
    value
        .and_then(|v| serde_json::from_str::<Value>(v).ok())
        .and_then(|v| v["member-tag"].as_str().map(str::to_string))
        .unwrap_or_default()
}

/// The least loaded living member that takes `tag`.
fn pick(
    members: &BTreeMap<String, Vec<String>>,
    load: &BTreeMap<String, usize>,
    tag: &str,
) -> Option<String> {
    members
        .iter()
        .filter(|(_, tags)| takes(tags, tag))
        .min_by_key(|(id, _)| load.get(*id).copied().unwrap_or(0))
        .map(|(id, _)| id.clone())
}

impl Standin {
    /// Members as (id, tags); the first is the director. The director
    /// spends `per_check` on each change it handles.
    pub fn start(
        etcd: &Etcd,
        prefix: &str,
        members: &[(&str, &[&str])],
        per_check: Duration,
    ) -> Standin {
        static SERIAL: Mutex<()> = Mutex::new(());
        let serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
        let stop = Arc::new(AtomicBool::new(false));
        let dead = Arc::new(Mutex::new(BTreeSet::new()));
        let paused = Arc::new(AtomicBool::new(false));
        let restarts = Arc::new(AtomicUsize::new(0));
        let reshuffles = Arc::new(AtomicUsize::new(0));
        let ignored = Arc::new(AtomicUsize::new(0));
        let slow = Arc::new(std::sync::atomic::AtomicU64::new(
            per_check.as_micros() as u64
        ));
        let mut handles = Vec::new();
        let ready = Arc::new(AtomicUsize::new(0));
        for (id, tags) in members {
            let http = Http {
                client: reqwest::Client::new(),
                base: etcd.endpoint(),
                prefix: prefix.to_string(),
            };
            let (id, tags) = (
                id.to_string(),
                tags.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            );
            let (stop, dead, ready) = (stop.clone(), dead.clone(), ready.clone());
            handles.push(std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async move {
                    let dir = format!("cluster/members/{id}");
                    let ttl = TTL_SECS.to_string();
                    http.put(&dir, &[("dir", "true"), ("ttl", &ttl)]).await;
                    let status = serde_json::json!({"MemberID": id, "Hostname": format!("host-{id}"), "Tags": tags}).to_string();
                    http.put(&format!("{dir}/status"), &[("value", &status)]).await;
                    http.put(&format!("{dir}/config"), &[("dir", "true")]).await;
                    ready.fetch_add(1, Ordering::SeqCst);
                    while !stop.load(Ordering::SeqCst) {
                        if !dead.lock().unwrap().contains(&id) {
                            http.put(&dir, &[("dir", "true"), ("ttl", &ttl), ("prevExist", "true")]).await;
                        }
                        tokio::time::sleep(Duration::from_millis(500)).await;
                    }
                });
            }));
        }
        while ready.load(Ordering::SeqCst) < members.len() {
            std::thread::sleep(Duration::from_millis(20));
        }
        let director = members[0].0.to_string();
        let http = Http {
            client: reqwest::Client::new(),
            base: etcd.endpoint(),
            prefix: prefix.to_string(),
        };
        let (s, p, r, sh, ig, pc) = (
            stop.clone(),
            paused.clone(),
            restarts.clone(),
            reshuffles.clone(),
            ignored.clone(),
            slow.clone(),
        );
        let started = Arc::new(AtomicBool::new(false));
        let up = started.clone();
        handles.push(std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(direct(http, director, pc, s, p, r, sh, ig, up));
        }));
        while !started.load(Ordering::SeqCst) {
            std::thread::sleep(Duration::from_millis(20));
        }
        Standin {
            _serial: serial,
            stop,
            dead,
            paused,
            restarts,
            reshuffles,
            ignored,
            per_check: slow,
            handles,
        }
    }

    /// Stops a member's heartbeat: its directory expires within the TTL.
    pub fn kill(&self, id: &str) {
        self.dead.lock().unwrap().insert(id.to_string());
    }

    /// Makes the director take `d` for each change from now on.
    pub fn set_per_check(&self, d: Duration) {
        self.per_check.store(d.as_micros() as u64, Ordering::SeqCst);
    }

    pub fn pause(&self) {
        self.paused.store(true, Ordering::SeqCst);
    }

    pub fn resume(&self) {
        self.paused.store(false, Ordering::SeqCst);
    }

    pub fn restarts(&self) -> usize {
        self.restarts.load(Ordering::SeqCst)
    }

    /// Writes that reached the director as actions 9volt ignores.
    pub fn ignored(&self) -> usize {
        self.ignored.load(Ordering::SeqCst)
    }

    pub fn reshuffles(&self) -> usize {
        self.reshuffles.load(Ordering::SeqCst)
    }
}

impl Drop for Standin {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        for h in self.handles.drain(..) {
            let _ = h.join();
        }
    }
}

/// Clears every reference and assigns every check again, as 9volt does at
/// a (re)start, a director takeover or a member change. Returns the new
/// references: check key -> member.
async fn redistribute(
    http: &Http,
    members: &BTreeMap<String, Vec<String>>,
) -> BTreeMap<String, String> {
    for (check, member) in http.refs().await {
        http.delete(&Http::ref_key(&member, &check)).await;
    }
    let mut load = BTreeMap::new();
    let mut refs = BTreeMap::new();
    let checks = http.get("monitor", true).await;
    for c in checks
        .as_ref()
        .and_then(|c| c["nodes"].as_array())
        .into_iter()
        .flatten()
    {
        let key = c["key"].as_str().unwrap();
        if let Some(m) = pick(members, &load, &tag_of(c["value"].as_str())) {
            http.put(&Http::ref_key(&m, key), &[("value", key)]).await;
            *load.entry(m.clone()).or_default() += 1;
            refs.insert(key.to_string(), m);
        }
    }
    refs
}

#[allow(clippy::too_many_arguments)]
async fn direct(
    http: Http,
    me: String,
    per_check: Arc<std::sync::atomic::AtomicU64>,
    stop: Arc<AtomicBool>,
    paused: Arc<AtomicBool>,
    restarts: Arc<AtomicUsize>,
    reshuffles: Arc<AtomicUsize>,
    ignored: Arc<AtomicUsize>,
    started: Arc<AtomicBool>,
) {
    let director = serde_json::json!({"MemberID": me}).to_string();
    http.put("cluster/director", &[("value", &director)]).await;
    let mut tags = BTreeMap::new();
    let mut members = http.members(&mut tags).await.unwrap_or_default();
    // The director's own record of its references; it is their only writer.
    let mut refs = redistribute(&http, &members).await;
    let index = |r: &reqwest::Response| -> u64 {
        r.headers()["x-etcd-index"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap()
    };
    let now = http
        .client
        .get(format!("{}/v2/keys/", http.base))
        .send()
        .await
        .unwrap();
    let mut next = index(&now) + 1;
    started.store(true, Ordering::SeqCst);
    // One long poll at a time, as 9volt's etcd client holds it: it is not
    // re-issued while nothing happens, so an idle director never falls out
    // of the window; only a busy one does.
    // etcd answers a v2 watch's headers at once and its body at the event,
    // so the pending future covers both.
    type Poll =
        std::pin::Pin<Box<dyn std::future::Future<Output = reqwest::Result<Vec<u8>>> + Send>>;
    let mut pending: Option<Poll> = None;
    while !stop.load(Ordering::SeqCst) {
        let poll = pending.get_or_insert_with(|| {
            let req = http
                .client
                .get(format!("{}/v2/keys/{}/monitor", http.base, http.prefix))
                .query(&[
                    ("wait", "true"),
                    ("recursive", "true"),
                    ("waitIndex", &next.to_string()),
                ]);
            Box::pin(async move { Ok(req.send().await?.bytes().await?.to_vec()) })
        });
        let polled = tokio::select! {
            r = poll => Some(r),
            _ = tokio::time::sleep(Duration::from_millis(100)) => None,
        };
        if polled.is_some() {
            pending = None;
        }
        // 9volt watches its members apart from the checks.
        let now = http
            .members(&mut tags)
            .await
            .unwrap_or_else(|| members.clone());
        if now.keys().ne(members.keys()) {
            members = now;
            reshuffles.fetch_add(1, Ordering::SeqCst);
            refs = redistribute(&http, &members).await;
        }
        let Some(polled) = polled else { continue };
        while paused.load(Ordering::SeqCst) && !stop.load(Ordering::SeqCst) {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        let Ok(body) = polled else { continue };
        let Ok(v) = serde_json::from_slice::<Value>(&body) else {
            continue;
        };
        if v["errorCode"] == 401 {
            // "The event in requested index is outdated and cleared": 9volt's
            // overwatch stops everything and distributes anew.
            restarts.fetch_add(1, Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(500)).await;
            let now = http
                .client
                .get(format!("{}/v2/keys/", http.base))
                .send()
                .await
                .unwrap();
            next = index(&now) + 1;
            refs = redistribute(&http, &members).await;
            continue;
        }
        let Some(action) = v["action"].as_str() else {
            continue;
        };
        next = v["node"]["modifiedIndex"].as_u64().unwrap() + 1;
        let key = v["node"]["key"].as_str().unwrap().to_string();
        tokio::time::sleep(Duration::from_micros(per_check.load(Ordering::SeqCst))).await;
        match action {
            "delete" => {
                if let Some(m) = refs.remove(&key) {
                    http.delete(&Http::ref_key(&m, &key)).await;
                }
            }
            "set" | "update" | "create" => {
                let tag = tag_of(v["node"]["value"].as_str());
                let mut load: BTreeMap<String, usize> = BTreeMap::new();
                for m in refs.values() {
                    *load.entry(m.clone()).or_default() += 1;
                }
                let target = match refs.get(&key) {
                    Some(m) if members.get(m).is_some_and(|t| takes(t, &tag)) => Some(m.clone()),
                    Some(m) => {
                        http.delete(&Http::ref_key(m, &key)).await;
                        pick(&members, &load, &tag)
                    }
                    None => pick(&members, &load, &tag),
                };
                refs.remove(&key);
                if let Some(m) = target {
                    http.put(&Http::ref_key(&m, &key), &[("value", &key)]).await;
                    refs.insert(key, m);
                }
            }
            // compareAndSwap, compareAndDelete: 9volt drops them.
            _ => {
                ignored.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
}

/// Every check reference under /9volt, read with curl: check key ->
/// [(member, modifiedIndex)].
pub fn references(etcd: &Etcd) -> BTreeMap<String, Vec<(String, u64)>> {
    let url = format!(
        "{}/v2/keys/9volt/cluster/members?recursive=true",
        etcd.endpoint()
    );
    let out = std::process::Command::new("curl")
        .args(["-sS", &url])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut map: BTreeMap<String, Vec<(String, u64)>> = BTreeMap::new();
    for m in v["node"]["nodes"].as_array().into_iter().flatten() {
        let id = m["key"].as_str().unwrap().rsplit('/').next().unwrap();
        for c in m["nodes"].as_array().into_iter().flatten() {
            for r in c["nodes"].as_array().into_iter().flatten() {
                map.entry(r["value"].as_str().unwrap().to_string())
                    .or_default()
                    .push((id.to_string(), r["modifiedIndex"].as_u64().unwrap()));
            }
        }
    }
    map
}
