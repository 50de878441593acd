//! A real mosquitto, and a responder that answers tasks the way
//! lua-collectd-monitor's remote.lua does (reference §4), with its quirks
//! available on demand.

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, QoS};
use serde_json::{json, Value};

use super::{free_port, require};

pub struct Certs {
    pub ca_pem: String,
    pub cert_pem: String,
    pub key_pem: String,
}

/// Client certificates for a broker that requires one: signed by the
/// broker's CA and valid, signed by it and expired, and signed by another CA.
pub struct ClientCerts {
    pub good: (String, String),
    pub expired: (String, String),
    pub stranger: (String, String),
}

fn test_ca(name: &str) -> (String, rcgen::Issuer<'static, rcgen::KeyPair>) {
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair};
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, name);
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), Issuer::new(params, key))
}

fn client_cert(issuer: &rcgen::Issuer<'_, rcgen::KeyPair>, expired: bool) -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "mon-operator");
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let cert = params.signed_by(&key, issuer).unwrap();
    (cert.pem(), key.serialize_pem())
}

/// A CA, a server certificate for 127.0.0.1 / localhost signed by it, and
/// client certificates (see `ClientCerts`).
pub fn certs_with_clients() -> (Certs, ClientCerts) {
    let (ca_pem, issuer) = test_ca("mon test CA");
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params =
        rcgen::CertificateParams::new(vec!["localhost".to_string(), "127.0.0.1".to_string()])
            .unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "localhost");
    let cert = params.signed_by(&key, &issuer).unwrap();
    let (_, other) = test_ca("another CA");
    let clients = ClientCerts {
        good: client_cert(&issuer, false),
        expired: client_cert(&issuer, true),
        stranger: client_cert(&other, false),
    };
    (
        Certs {
            ca_pem,
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        },
        clients,
    )
}

/// A CA and a server certificate for 127.0.0.1 / localhost signed by it.
pub fn certs() -> Certs {
    certs_with_clients().0
}

pub struct Mosquitto {
    child: Option<Child>,
    pub dir: tempfile::TempDir,
    pub port: u16,
    pub tls_port: Option<u16>,
    pub certs: Option<Certs>,
    /// `set_tcp_nodelay true` in mosquitto.conf (not mosquitto's default).
    pub nodelay: bool,
    /// Only these users may connect (a mosquitto_passwd file); empty: anyone.
    users: Vec<(String, String)>,
    /// The TLS listener requires a client certificate signed by its CA.
    require_certificate: bool,
}

impl Mosquitto {
    pub fn start() -> Mosquitto {
        Self::launch_new(false, true, &[])
    }
    pub fn start_with_tls() -> Mosquitto {
        Self::launch_new(true, true, &[])
    }
    /// mosquitto as Debian ships it: Nagle's algorithm on its sockets.
    pub fn start_stock() -> Mosquitto {
        Self::launch_new(false, false, &[])
    }
    /// No anonymous clients: only these users, with these passwords.
    pub fn start_with_users(users: &[(&str, &str)]) -> Mosquitto {
        Self::launch_new(false, true, users)
    }
    /// A TLS listener that takes only clients with a certificate signed by
    /// its CA (`require_certificate true`); the client certificates to try.
    pub fn start_requiring_client_certs() -> (Mosquitto, ClientCerts) {
        let dir = tempfile::tempdir().unwrap();
        let (c, clients) = certs_with_clients();
        std::fs::write(dir.path().join("ca.pem"), &c.ca_pem).unwrap();
        std::fs::write(dir.path().join("server.pem"), &c.cert_pem).unwrap();
        std::fs::write(dir.path().join("server.key"), &c.key_pem).unwrap();
        let mut m = Mosquitto {
            child: None,
            dir,
            port: free_port(),
            tls_port: Some(free_port()),
            certs: Some(c),
            nodelay: true,
            users: Vec::new(),
            require_certificate: true,
        };
        m.launch();
        (m, clients)
    }

    fn launch_new(tls: bool, nodelay: bool, users: &[(&str, &str)]) -> Mosquitto {
        let dir = tempfile::tempdir().unwrap();
        let mut m = Mosquitto {
            require_certificate: false,
            child: None,
            dir,
            port: free_port(),
            tls_port: None,
            certs: None,
            nodelay,
            users: users
                .iter()
                .map(|(u, p)| (u.to_string(), p.to_string()))
                .collect(),
        };
        if tls {
            let c = certs();
            std::fs::write(m.dir.path().join("ca.pem"), &c.ca_pem).unwrap();
            std::fs::write(m.dir.path().join("server.pem"), &c.cert_pem).unwrap();
            std::fs::write(m.dir.path().join("server.key"), &c.key_pem).unwrap();
            m.certs = Some(c);
            m.tls_port = Some(free_port());
        }
        m.launch();
        m
    }

    fn launch(&mut self) {
        let d = self.dir.path();
        let mut conf = format!(
            "per_listener_settings false\nallow_anonymous {}\npersistence false\nset_tcp_nodelay {}\nlog_type all\nlistener {} 127.0.0.1\n",
            self.users.is_empty(),
            self.nodelay,
            self.port
        );
        if !self.users.is_empty() {
            let passwd = d.join("passwd");
            std::fs::write(&passwd, "").unwrap();
            for (user, password) in &self.users {
                let made = Command::new(require("mosquitto_passwd"))
                    .arg("-b")
                    .arg(&passwd)
                    .args([user, password])
                    .output()
                    .unwrap();
                assert!(made.status.success(), "mosquitto_passwd: {made:?}");
            }
            conf.push_str(&format!("password_file {}\n", passwd.display()));
        }
        if let Some(p) = self.tls_port {
            conf.push_str(&format!(
                "listener {p} 127.0.0.1\ncafile {0}/ca.pem\ncertfile {0}/server.pem\nkeyfile {0}/server.key\nrequire_certificate {1}\n",
                d.display(),
                self.require_certificate
            ));
        }
        std::fs::write(d.join("mosquitto.conf"), conf).unwrap();
        let log = std::fs::File::create(d.join("mosquitto.log")).unwrap();
        let child = Command::new(require("mosquitto"))
            .arg("-c")
            .arg(d.join("mosquitto.conf"))
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .unwrap();
        self.child = Some(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", self.port)).is_err() {
            assert!(
                Instant::now() < deadline,
                "mosquitto did not start: {}",
                std::fs::read_to_string(d.join("mosquitto.log")).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn stop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }

    pub fn restart(&mut self) {
        self.stop();
        self.launch();
    }

    pub fn host(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        self.stop();
    }
}

/// How the responder answers; the defaults are remote.lua's.
#[derive(Clone, Default)]
pub struct Behaviour {
    /// service -> command -> (code, message); None code means the reply lacks it.
    pub commands: HashMap<String, HashMap<String, (Option<i64>, String)>>,
    /// Code for config tasks (None: reply without code).
    pub config_code: Option<Option<i64>>,
    pub task_id_as_string: bool,
    /// Other tasks' results published around ours.
    pub noise_before: bool,
    pub noise_after: bool,
    pub duplicate: bool,
    pub delay: Duration,
    /// Publish nothing at all (after the 0x1100 of `redelivered`, if set).
    pub silent: bool,
    /// The task arrives twice while it runs, as a QoS 1/2 redelivery does:
    /// remote.lua answers the copy at once with 0x1100 and the same task id,
    /// and the real result follows after `delay` (reference §4.3).
    pub redelivered: bool,
    /// Leave Nagle's algorithm on, as luamqtt (and so remote.lua) does.
    pub nagle: bool,
    /// User and password for a broker that wants them.
    pub credentials: Option<(String, String)>,
    /// Write the code as a float (`0.0`), as some JSON encoders do.
    pub code_as_float: bool,
    /// Publish a foreign message of this many bytes before the result.
    pub big_noise_before: Option<usize>,
    /// Publish a foreign JSON array of this many bytes (`[0,0,...]`)
    /// before the result.
    pub big_array_before: Option<usize>,
}

impl Behaviour {
    pub fn hello() -> Behaviour {
        let mut b = Behaviour::default();
        b.commands
            .entry("hello".into())
            .or_default()
            .insert("exec".into(), (Some(0), "Hello World!".into()));
        b
    }
}

/// Tasks the responder has seen, for assertions.
pub type Seen = Arc<Mutex<Vec<Value>>>;

/// With a `+` in `topic`, one responder serves many hosts: the level the `+`
/// matched takes the place of the `+` in `result_topic`
/// (`collectd/+/command` -> `collectd/+/result`).
fn per_host(topic: &str, result_topic: &str, got: &str) -> String {
    let Some(at) = topic.split('/').position(|l| l == "+") else {
        return result_topic.to_string();
    };
    let host = got.split('/').nth(at).unwrap_or_default();
    result_topic.replace('+', host)
}

/// Starts a responder subscribed to `topic`, answering on `result_topic`.
pub fn responder(port: u16, topic: &str, result_topic: &str, b: Behaviour) -> Seen {
    let seen: Seen = Arc::new(Mutex::new(Vec::new()));
    let seen2 = seen.clone();
    let (topic, result_topic) = (topic.to_string(), result_topic.to_string());
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let id = format!("responder-{}-{}", std::process::id(), rand::random::<u32>());
            let mut mo = MqttOptions::new(id, "127.0.0.1", port);
            mo.set_keep_alive(Duration::from_secs(5));
            mo.set_max_packet_size(64 << 20, 64 << 20);
            // mosquitto's max_inflight_messages default: more in flight get lost.
            mo.set_inflight(20);
            if let Some((user, password)) = &b.credentials {
                mo.set_credentials(user.clone(), password.clone());
            }
            let (client, mut events) = AsyncClient::new(mo, 64);
            let mut net = events.network_options();
            net.set_tcp_nodelay(!b.nagle);
            events.set_network_options(net);
            let mut ready = Some(ready_tx);
            let mut running: HashMap<String, Arc<tokio::sync::Mutex<()>>> = HashMap::new();
            loop {
                match events.poll().await {
                    Ok(Event::Incoming(Packet::ConnAck(_))) => {
                        client
                            .subscribe(topic.clone(), QoS::ExactlyOnce)
                            .await
                            .unwrap();
                    }
                    Ok(Event::Incoming(Packet::SubAck(_))) => {
                        if let Some(tx) = ready.take() {
                            let _ = tx.send(());
                        }
                    }
                    Ok(Event::Incoming(Packet::Publish(p))) => {
                        let Ok(task) = serde_json::from_slice::<Value>(&p.payload) else {
                            continue;
                        };
                        seen2.lock().unwrap().push(task.clone());
                        if b.silent && !b.redelivered {
                            continue;
                        }
                        let client = client.clone();
                        let b = b.clone();
                        let result_topic = per_host(&topic, &result_topic, &p.topic);
                        // remote.lua runs one task at a time: a host's tasks
                        // queue behind each other; other hosts' do not.
                        let host = running.entry(p.topic.clone()).or_default().clone();
                        tokio::spawn(async move {
                            let _one_at_a_time = host.lock().await;
                            answer(&client, &result_topic, &task, &b).await
                        });
                    }
                    Ok(_) => {}
                    Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
                }
            }
        });
    });
    ready_rx
        .recv_timeout(Duration::from_secs(10))
        .expect("responder subscribed");
    seen
}

async fn answer(client: &AsyncClient, result_topic: &str, task: &Value, b: &Behaviour) {
    // remote.lua gives no reply at all to messages that fail its validation.
    let Some(id) = task
        .get("task_id")
        .filter(|v| !v.is_null() && *v != &Value::Bool(false))
        .cloned()
    else {
        return;
    };
    if b.redelivered {
        let busy = json!({"task_id": id, "code": 0x1100, "message": format!("Received duplicate task_id: {id}"), "timestamp": "2026-11-21T00:00:00Z"});
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, busy.to_string())
            .await;
        if b.silent {
            return;
        }
    }
    let (code, message) = if task.get("service").is_some() {
        let service = task["service"].as_str().unwrap_or_default();
        let command = task["command"].as_str().unwrap_or_default();
        match b.commands.get(service) {
            None => (
                Some(4098),
                format!("Cannot find the service settings for: {service}"),
            ),
            Some(cmds) => match cmds.get(command) {
                None => (
                    Some(4099),
                    format!("Cannot find {command} command for {service}"),
                ),
                Some((code, msg)) => (*code, msg.clone()),
            },
        }
    } else if task.get("config").is_some() {
        match b.config_code {
            Some(code) => (
                code,
                if code == Some(0) {
                    "Succeeded to replace the config.".into()
                } else {
                    "New config seems broken!: parse error".into()
                },
            ),
            None => (Some(0), "Succeeded to replace the config.".into()),
        }
    } else {
        return;
    };
    tokio::time::sleep(b.delay).await;
    let other = |n: u64| {
        json!({"task_id": n, "code": 0, "message": "someone else's", "timestamp": "2000-01-01T00:00:00Z"}).to_string()
    };
    if let Some(n) = b.big_noise_before {
        let big = json!({"task_id": 7, "code": 0, "message": "x".repeat(n)}).to_string();
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, big)
            .await;
    }
    if let Some(n) = b.big_array_before {
        let mut big = String::with_capacity(n + 2);
        big.push('[');
        while big.len() < n {
            big.push_str("0,");
        }
        big.push_str("0]");
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, big)
            .await;
    }
    if b.noise_before {
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, other(7))
            .await;
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, "not json at all")
            .await;
    }
    let id = if b.task_id_as_string {
        Value::String(id.to_string())
    } else {
        id
    };
    let mut reply = json!({"task_id": id, "message": message, "timestamp": "2026-11-21T00:00:00Z"});
    if let Some(c) = code {
        reply["code"] = if b.code_as_float {
            json!(c as f64)
        } else {
            json!(c)
        };
    }
    let copies = if b.duplicate { 2 } else { 1 };
    for _ in 0..copies {
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, reply.to_string())
            .await;
    }
    if b.noise_after {
        let _ = client
            .publish(result_topic, QoS::ExactlyOnce, false, other(8))
            .await;
    }
}

/// A TCP proxy to a broker that drops the first connection on which the
/// client sends a PUBLISH, before the broker sees it (as a broker that
/// restarts or cuts the client at that moment does), and forwards every
/// later connection whole. Returns its port.
pub fn dropping_proxy(broker_port: u16) -> u16 {
    use std::io::{Read, Write};
    use std::net::{Shutdown, TcpListener, TcpStream};
    use std::sync::atomic::{AtomicBool, Ordering};
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let dropped = Arc::new(AtomicBool::new(false));
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            let Ok(upstream) = TcpStream::connect(("127.0.0.1", broker_port)) else {
                continue;
            };
            let (mut up_r, mut down_w) =
                (upstream.try_clone().unwrap(), client.try_clone().unwrap());
            std::thread::spawn(move || {
                let _ = std::io::copy(&mut up_r, &mut down_w);
                let _ = down_w.shutdown(Shutdown::Both);
            });
            let dropped = dropped.clone();
            std::thread::spawn(move || {
                let (mut from, mut to) = (client, upstream);
                // Packet by packet: a fixed header byte, the remaining
                // length (a varint), then the rest.
                loop {
                    let mut head = [0u8; 1];
                    if from.read_exact(&mut head).is_err() {
                        break;
                    }
                    let mut len_bytes = Vec::new();
                    let (mut len, mut shift) = (0usize, 0);
                    loop {
                        let mut b = [0u8; 1];
                        if from.read_exact(&mut b).is_err() {
                            return;
                        }
                        len_bytes.push(b[0]);
                        len |= ((b[0] & 0x7f) as usize) << shift;
                        shift += 7;
                        if b[0] & 0x80 == 0 {
                            break;
                        }
                    }
                    let mut body = vec![0u8; len];
                    if from.read_exact(&mut body).is_err() {
                        break;
                    }
                    if head[0] >> 4 == 3 && !dropped.swap(true, Ordering::SeqCst) {
                        break;
                    }
                    let packet = [&head[..], &len_bytes, &body].concat();
                    if to.write_all(&packet).is_err() {
                        break;
                    }
                }
                let _ = from.shutdown(Shutdown::Both);
                let _ = to.shutdown(Shutdown::Both);
            });
        }
    });
    port
}
