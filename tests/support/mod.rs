//! Real servers for the tests, started on free loopback ports in temporary
//! directories and stopped when dropped. A missing server binary fails the
//! test with the command that installs it; nothing is ever skipped.

#![allow(dead_code)]

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub mod env;
pub mod hastmon;
pub mod markdown;
pub mod mqtt;
pub mod ninevolt;
pub mod schema;
pub mod shell;

/// git in `dir`, with an identity for commits; fails the test on failure.
pub fn git(dir: &std::path::Path, args: &[&str]) {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Every file under `dir`, recursively; symbolic links are not followed.
pub fn files_under(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            out.extend(files_under(&e.path()));
        } else {
            out.push(e.path());
        }
    }
    out
}

/// A temporary directory holding a copy of the example estate.
pub fn estate_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let st = Command::new("cp")
        .arg("-r")
        .arg(std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate/."))
        .arg(dir.path())
        .status()
        .unwrap();
    assert!(st.success(), "cp fixtures/estate");
    dir
}

/// YAML double-quoted scalar holding exactly `s` (JSON strings are YAML).
pub fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// stdout then stderr of a finished command, for assertions and messages.
pub fn output_text(o: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// collectd's parse tree of a config, `<Module>` blocks included, through
/// its python plugin: reference dozor-conveyer-collectd.md §3.7 part 1.
/// Fails if collectd's lexer dropped any character (it prints those).
pub fn collectd_tree(conf: &str) -> serde_json::Value {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("cfgdump.py"),
        "import collectd, json\n\ndef walk(n):\n    return {'key': n.key, 'values': list(n.values), 'children': [walk(c) for c in n.children]}\n\ndef cb(conf):\n    print(json.dumps([walk(c) for c in conf.children]), flush=True)\n\ncollectd.register_config(cb)\n",
    )
    .unwrap();
    let wrapped = format!(
        "BaseDir \"{0}/base\"\nPIDFile \"{0}/pid\"\n<LoadPlugin python>\n  Globals true\n</LoadPlugin>\n<Plugin python>\n  ModulePath \"{0}\"\n  Import \"cfgdump\"\n  <Module cfgdump>\n{conf}\n  </Module>\n</Plugin>\n",
        dir.path().display()
    );
    std::fs::write(dir.path().join("wrapped.conf"), wrapped).unwrap();
    let o = Command::new(require("collectd"))
        .arg("-T")
        .arg("-C")
        .arg(dir.path().join("wrapped.conf"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        o.status.success(),
        "collectd: {}{stdout}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(
        stdout.starts_with('['),
        "collectd's lexer printed {stdout:?}"
    );
    serde_json::from_str(stdout.lines().next().unwrap()).unwrap()
}

/// Runs mon in `dir` against `etcd` through `api` ("2" or "3"), with the
/// test alerter's token set. Every sync through v2 runs under a v2 watcher,
/// as a running 9volt's director watches, and fails the test if any write
/// reached it as an action 9volt ignores.
pub fn mon_etcd(
    etcd: &Etcd,
    api: &str,
    dir: &std::path::Path,
    args: &[&str],
) -> std::process::Output {
    let watch =
        (api == "2" && etcd.v2 && args.first() == Some(&"sync")).then(|| etcd.watch_v2("/"));
    repository(dir);
    let out = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(dir)
        .env_remove("ETCDCTL_ENDPOINTS")
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .env("TEST_PD_TOKEN", "pd-token-1")
        .args(args)
        .args(["--etcd-api", api, "--endpoints", &etcd.endpoint()])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    if let Some(w) = watch {
        w.finish_followed();
    }
    out
}

/// Makes `dir` a git repository with an origin remote named after it,
/// unless it is in one already: mon derives the owner from the repository.
pub fn repository(dir: &std::path::Path) {
    if dir.ancestors().any(|d| d.join(".git").exists()) {
        return;
    }
    let url = format!(
        "https://git.test/{}.git",
        dir.file_name().unwrap().to_string_lossy()
    );
    for args in [&["init", "-q"][..], &["remote", "add", "origin", &url]] {
        let st = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .status()
            .unwrap();
        assert!(st.success(), "git {args:?}");
    }
}

/// Runs mon in `cwd` as an operator would, with none of mon's own
/// variables set but `ETCDCTL_ENDPOINTS` when `endpoint` is given.
pub fn mon_in(
    cwd: &std::path::Path,
    endpoint: Option<&str>,
    args: &[&str],
) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_mon"));
    cmd.current_dir(cwd);
    for var in [
        "MON_OWNER",
        "MON_CONFIG",
        "ETCDCTL_API",
        "ETCDCTL_ENDPOINTS",
    ] {
        cmd.env_remove(var);
    }
    if let Some(e) = endpoint {
        cmd.env("ETCDCTL_ENDPOINTS", e);
    }
    cmd.env("NO_COLOR", "1")
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `dir`, made a repository first (see `repository`).
pub fn repo(dir: &std::path::Path) -> &std::path::Path {
    repository(dir);
    dir
}

/// The owner mon derives for a definitions directory that `repository`
/// made a repository: its origin, normalised.
pub fn owner_of_dir(dir: &std::path::Path) -> String {
    format!("git.test/{}", dir.file_name().unwrap().to_string_lossy())
}

/// A named pipe at `path`: reading it blocks until a writer comes, which
/// is what the tests prove mon never does.
pub fn fifo(path: &std::path::Path) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    assert_eq!(
        unsafe { libc::mkfifo(c.as_ptr(), 0o600) },
        0,
        "mkfifo {}",
        path.display()
    );
    path.to_path_buf()
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn require(binary: &str) -> PathBuf {
    for dir in std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/bin")])
    {
        let p = dir.join(binary);
        if p.exists() {
            return p;
        }
    }
    panic!("`{binary}` is not installed: run scripts/deps (the tests need the real server)");
}

pub struct Etcd {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub client_port: u16,
    peer_port: u16,
    /// Member name and `--initial-cluster`, for members of a cluster.
    name: String,
    initial_cluster: String,
    /// Serve clients over TLS with a certificate from ca.pem in `dir`.
    tls: bool,
    /// `user:password` of root once authentication is on; ctl and dump use it.
    root: Option<String>,
    /// Serve the v2 keys API (9volt's keyspace).
    pub v2: bool,
}

impl Etcd {
    pub fn start() -> Etcd {
        Self::new(false, true)
    }

    pub fn start_with_tls() -> Etcd {
        Self::new(true, true)
    }

    /// Without the v2 API, as etcd 3.4 runs by default (and 3.6 always).
    pub fn start_without_v2() -> Etcd {
        Self::new(false, false)
    }

    fn new(tls: bool, v2: bool) -> Etcd {
        let dir = tempfile::tempdir().unwrap();
        if tls {
            let c = mqtt::certs();
            std::fs::write(dir.path().join("ca.pem"), &c.ca_pem).unwrap();
            std::fs::write(dir.path().join("server.pem"), &c.cert_pem).unwrap();
            std::fs::write(dir.path().join("server.key"), &c.key_pem).unwrap();
        }
        let peer_port = free_port();
        let mut e = Etcd {
            child: None,
            dir,
            client_port: free_port(),
            peer_port,
            name: "test".into(),
            initial_cluster: format!("test=http://127.0.0.1:{peer_port}"),
            tls,
            root: None,
            v2,
        };
        e.launch();
        e
    }

    /// `n` members of one cluster on loopback, all healthy.
    pub fn cluster(n: usize) -> Vec<Etcd> {
        let ports: Vec<(u16, u16)> = (0..n).map(|_| (free_port(), free_port())).collect();
        let initial = ports
            .iter()
            .enumerate()
            .map(|(i, (_, peer))| format!("m{i}=http://127.0.0.1:{peer}"))
            .collect::<Vec<_>>()
            .join(",");
        let mut members: Vec<Etcd> = ports
            .iter()
            .enumerate()
            .map(|(i, (client, peer))| Etcd {
                child: None,
                dir: tempfile::tempdir().unwrap(),
                client_port: *client,
                peer_port: *peer,
                name: format!("m{i}"),
                initial_cluster: initial.clone(),
                tls: false,
                root: None,
                v2: true,
            })
            .collect();
        // A member is healthy only once a quorum runs: start all, then wait.
        for m in &mut members {
            m.spawn();
        }
        for m in &members {
            m.wait_healthy();
        }
        members
    }

    pub fn ca(&self) -> PathBuf {
        self.dir.path().join("ca.pem")
    }

    fn launch(&mut self) {
        self.spawn();
        self.wait_healthy();
    }

    fn spawn(&mut self) {
        let client = self.endpoint();
        let peer = format!("http://127.0.0.1:{}", self.peer_port);
        let log = std::fs::File::create(self.dir.path().join("etcd.log")).unwrap();
        let mut cmd = Command::new(require("etcd"));
        if self.tls {
            cmd.arg("--cert-file")
                .arg(self.dir.path().join("server.pem"));
            cmd.arg("--key-file")
                .arg(self.dir.path().join("server.key"));
        }
        let child = cmd
            .args(["--name", &self.name, "--data-dir"])
            .arg(self.dir.path().join("data"))
            .args([
                "--listen-client-urls",
                &client,
                "--advertise-client-urls",
                &client,
            ])
            .args([
                "--listen-peer-urls",
                &peer,
                "--initial-advertise-peer-urls",
                &peer,
            ])
            .args(["--initial-cluster", &self.initial_cluster])
            .arg(if self.v2 {
                "--enable-v2=true"
            } else {
                "--enable-v2=false"
            })
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
    }

    fn wait_healthy(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while Instant::now() < deadline {
            let ok = self
                .ctl_command("3")
                .args(["--dial-timeout", "1s", "endpoint", "health"])
                .output()
                .map(|o| o.status.success())
                .unwrap_or(false);
            if ok {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!(
            "etcd did not become healthy: {}",
            std::fs::read_to_string(self.dir.path().join("etcd.log")).unwrap_or_default()
        );
    }

    pub fn endpoint(&self) -> String {
        let scheme = if self.tls { "https" } else { "http" };
        format!("{scheme}://127.0.0.1:{}", self.client_port)
    }

    fn ctl_command(&self, api: &str) -> Command {
        let mut c = Command::new(require("etcdctl"));
        c.env("ETCDCTL_API", api)
            .args(["--endpoints", &self.endpoint()]);
        if self.tls {
            let flag = if api == "2" { "--ca-file" } else { "--cacert" };
            c.arg(flag).arg(self.ca());
        }
        if let Some(root) = &self.root {
            c.arg(if api == "2" { "--username" } else { "--user" })
                .arg(root);
        }
        c
    }

    /// Turns authentication on for one API (etcd 3.4 keeps v2's and v3's
    /// apart): a root user, and `user:password` allowed to read and write
    /// only under `prefix`. Anonymous requests are refused afterwards.
    pub fn enable_auth(&mut self, api: &str, user: &str, password: &str, prefix: &str) {
        const ROOT: &str = "root:rootpw";
        if api == "3" {
            self.ctl("3", &["user", "add", ROOT]);
            self.ctl("3", &["user", "grant-role", "root", "root"]);
            self.ctl("3", &["role", "add", "writer"]);
            self.ctl(
                "3",
                &[
                    "role",
                    "grant-permission",
                    "writer",
                    "--prefix=true",
                    "readwrite",
                    prefix,
                ],
            );
            self.ctl("3", &["user", "add", &format!("{user}:{password}")]);
            self.ctl("3", &["user", "grant-role", user, "writer"]);
            self.ctl("3", &["auth", "enable"]);
        } else {
            let glob = format!("{prefix}*");
            self.v2_auth(
                "PUT",
                "users/root",
                r#"{"user":"root","password":"rootpw"}"#,
            );
            self.v2_auth(
                "PUT",
                "roles/writer",
                &serde_json::json!({"role": "writer", "permissions": {"kv": {"read": [glob], "write": [glob]}}}).to_string(),
            );
            self.v2_auth(
                "PUT",
                &format!("users/{user}"),
                &serde_json::json!({"user": user, "password": password, "roles": ["writer"]})
                    .to_string(),
            );
            self.v2_auth("PUT", "enable", "");
            self.root = Some(ROOT.into());
            // v2's guest role may do anything until that is taken away.
            self.v2_auth(
                "PUT",
                "roles/guest",
                r#"{"role":"guest","revoke":{"kv":{"read":["/*"],"write":["/*"]}}}"#,
            );
        }
        self.root = Some(ROOT.into());
    }

    /// After `enable_auth("2", ...)`: `user:password` may only read under
    /// `prefix`.
    pub fn add_v2_reader(&self, user: &str, password: &str, prefix: &str) {
        let glob = format!("{prefix}*");
        self.v2_auth(
            "PUT",
            "roles/reader",
            &serde_json::json!({"role": "reader", "permissions": {"kv": {"read": [glob], "write": []}}}).to_string(),
        );
        self.v2_auth(
            "PUT",
            &format!("users/{user}"),
            &serde_json::json!({"user": user, "password": password, "roles": ["reader"]})
                .to_string(),
        );
    }

    fn v2_auth(&self, method: &str, path: &str, body: &str) {
        let url = format!("{}/v2/auth/{path}", self.endpoint());
        let mut curl = Command::new("curl");
        curl.args(["-sS", "--fail-with-body", "-X", method, &url, "-d", body]);
        if let Some(root) = &self.root {
            curl.args(["-u", root]);
        }
        let out = curl.output().unwrap();
        assert!(
            out.status.success(),
            "curl {method} {url}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    /// Starts again on the same data and ports.
    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    /// etcdctl in the given API version against this server.
    pub fn ctl(&self, api: &str, args: &[&str]) -> String {
        let out = self.ctl_command(api).args(args).output().unwrap();
        assert!(
            out.status.success(),
            "etcdctl {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // Lossy: a test may plant a key that is not UTF-8.
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// Every key under `prefix` with its value, read through the given API
    /// (v2 through the HTTP keys API, recursively; v3 by prefix).
    pub fn dump(&self, api: &str, prefix: &str) -> std::collections::BTreeMap<String, String> {
        let mut out = std::collections::BTreeMap::new();
        if api == "2" {
            let url = format!("{}/v2/keys{prefix}?recursive=true", self.endpoint());
            let mut curl = Command::new("curl");
            curl.args(["-sS", &url]);
            if let Some(root) = &self.root {
                curl.args(["-u", root]);
            }
            if self.tls {
                curl.arg("--cacert").arg(self.ca());
            }
            let fetched = curl.output().unwrap();
            assert!(
                fetched.status.success(),
                "curl {url}: {}",
                String::from_utf8_lossy(&fetched.stderr)
            );
            let body = fetched.stdout;
            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
            fn walk(n: &serde_json::Value, out: &mut std::collections::BTreeMap<String, String>) {
                if let Some(v) = n.get("value").and_then(|v| v.as_str()) {
                    out.insert(n["key"].as_str().unwrap().to_string(), v.to_string());
                }
                for c in n
                    .get("nodes")
                    .and_then(|n| n.as_array())
                    .into_iter()
                    .flatten()
                {
                    walk(c, out);
                }
            }
            if let Some(node) = v.get("node") {
                walk(node, &mut out);
            }
        } else {
            let text = self.ctl("3", &["get", "--prefix", prefix]);
            let lines: Vec<&str> = text.lines().collect();
            for pair in lines.chunks(2) {
                out.insert(pair[0].to_string(), pair.get(1).unwrap_or(&"").to_string());
            }
        }
        out
    }
}

impl Etcd {
    /// Whether this member leads its cluster now.
    pub fn is_leader(&self) -> bool {
        let text = self.ctl("3", &["endpoint", "status", "-w", "json"]);
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let status = &v[0]["Status"];
        status["leader"] == status["header"]["member_id"]
    }

    /// Freezes the server (SIGSTOP): it keeps its sockets but answers nothing.
    pub fn pause(&self) {
        if let Some(c) = &self.child {
            unsafe { libc::kill(c.id() as i32, libc::SIGSTOP) };
        }
    }

    pub fn resume(&self) {
        if let Some(c) = &self.child {
            unsafe { libc::kill(c.id() as i32, libc::SIGCONT) };
        }
    }

    /// curl against this server's v2 keys API, with its CA and root user.
    fn curl_v2(&self, url: &str) -> Command {
        let mut curl = Command::new("curl");
        curl.args(["-sS", url]);
        if let Some(root) = &self.root {
            curl.args(["-u", root]);
        }
        if self.tls {
            curl.arg("--cacert").arg(self.ca());
        }
        curl
    }

    /// etcd's v2 index now (the X-Etcd-Index header).
    pub fn v2_index(&self) -> u64 {
        let url = format!("{}/v2/keys/", self.endpoint());
        let out = self.curl_v2(&url).arg("-i").output().unwrap();
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("x-etcd-index:")
                    .map(|v| v.trim().parse().unwrap())
            })
            .expect("etcd answers with X-Etcd-Index")
    }

    /// A v2 watcher on `prefix`, as 9volt's director runs one: long polls
    /// of `?wait=true&recursive=true`, each from the index after the last
    /// event, so no event is missed while it runs.
    pub fn watch_v2(&self, prefix: &str) -> Watch {
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let from = self.v2_index() + 1;
        let base = format!(
            "{}/v2/keys{}?wait=true&recursive=true",
            self.endpoint(),
            prefix.trim_end_matches('/')
        );
        let endpoint = self.endpoint();
        let root = self.root.clone();
        let ca = self.tls.then(|| std::fs::read(self.ca()).unwrap());
        let flag = stop.clone();
        // One kept-alive connection, as 9volt's etcd client holds, so the
        // watcher keeps up with thousands of writes (etcd keeps only the
        // last 1000 events for a watcher that falls behind).
        let handle = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut builder = reqwest::Client::builder();
                if let Some(ca) = ca {
                    builder =
                        builder.add_root_certificate(reqwest::Certificate::from_pem(&ca).unwrap());
                }
                let http = builder.build().unwrap();
                let get = |url: String, timeout: Duration| {
                    let mut r = http.get(url).timeout(timeout);
                    if let Some(root) = &root {
                        let (u, p) = root.split_once(':').unwrap();
                        r = r.basic_auth(u, Some(p));
                    }
                    r.send()
                };
                let mut next = from;
                let mut events = Vec::new();
                loop {
                    let polled = get(
                        format!("{base}&waitIndex={next}"),
                        Duration::from_millis(300),
                    )
                    .await;
                    if let Ok(resp) = polled {
                        if let Ok(body) = resp.bytes().await {
                            let v: serde_json::Value = serde_json::from_slice(&body).unwrap();
                            let Some(action) = v["action"].as_str() else {
                                panic!("the v2 watcher got {v}");
                            };
                            let index = v["node"]["modifiedIndex"].as_u64().unwrap();
                            let key = v["node"]["key"].as_str().unwrap_or("").to_string();
                            events.push((action.to_string(), key));
                            next = index + 1;
                            continue;
                        }
                    }
                    if flag.load(std::sync::atomic::Ordering::SeqCst) {
                        // Caught up with everything written before the stop?
                        let resp = get(format!("{endpoint}/v2/keys/"), Duration::from_secs(5))
                            .await
                            .unwrap();
                        let now: u64 = resp.headers()["x-etcd-index"]
                            .to_str()
                            .unwrap()
                            .parse()
                            .unwrap();
                        if next > now {
                            return events;
                        }
                    }
                }
            })
        });
        Watch { stop, handle }
    }
}

/// What a v2 watcher saw: (action, key) in order.
pub struct Watch {
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
    handle: std::thread::JoinHandle<Vec<(String, String)>>,
}

/// The watch actions a running 9volt applies (reference 9volt.md §1.9).
pub const ACTIONS_9VOLT_FOLLOWS: [&str; 4] = ["set", "update", "create", "delete"];

impl Watch {
    /// Every event up to now.
    pub fn finish(self) -> Vec<(String, String)> {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
        self.handle.join().unwrap()
    }

    /// Every event up to now, each asserted to be one 9volt follows.
    pub fn finish_followed(self) -> Vec<(String, String)> {
        let events = self.finish();
        for (action, key) in &events {
            assert!(
                ACTIONS_9VOLT_FOLLOWS.contains(&action.as_str()),
                "{key} was written as `{action}`, which a running 9volt ignores: {events:?}"
            );
        }
        events
    }
}

impl Drop for Etcd {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `both_apis!(name, |api: &str| ...)`: the test once through etcd's v2 API
/// and once through v3 (`api` is "2" or "3").
#[macro_export]
macro_rules! both_apis {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;
            #[test]
            fn v2() {
                ($body)("2")
            }
            #[test]
            fn v3() {
                ($body)("3")
            }
        }
    };
}

/// A property test's case count: `default`, or `PROPTEST_CASES` when set,
/// so a long search can be run by hand without editing the test.
pub fn prop_cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// The variables of `secrets.env` whose names start with `prefix`, read by a
/// real shell as the file says to load it.
pub fn secrets_env(dir: &std::path::Path, prefix: &str) -> Vec<(String, String)> {
    if !dir.join("secrets.env").exists() {
        return Vec::new();
    }
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("set -a; . ./secrets.env; set +a; env -0")
        .current_dir(dir)
        .env_clear()
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", output_text(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter_map(|kv| kv.split_once('='))
        .filter(|(k, _)| k.starts_with(prefix))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// What bash offers at a TAB: `setup` defines mon's completion (sourcing
/// the script, or bash-completion loading it), then its function is
/// called as bash's programmable completion calls it on `words`.
pub fn bash_completes(setup: &str, words: &[&str]) -> Vec<String> {
    let cmd = format!(
        r#"{setup}
COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMP_LINE="$*"; COMP_POINT=${{#COMP_LINE}}
COMPREPLY=(); _clap_complete_mon mon "${{@: -1}}" "${{@: -2:1}}"; printf '%s\n' "${{COMPREPLY[@]}}""#
    );
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &cmd, "bash"])
        .args(words)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}
