//! lua-collectd-monitor's remote protocol over MQTT 3.1.1
//! (reference/lua-collectd-monitor.md §4): publish a task, wait for the
//! result carrying the same task id, ignore everything else.

mod codes;
mod time;

pub use codes::meaning;
mod reply;
use reply::Reply;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rumqttc::{
    AsyncClient, ConnectReturnCode, ConnectionError, Event, MqttOptions, Outgoing, Packet, QoS,
    SubscribeReasonCode, TlsConfiguration, Transport,
};
use serde_json::json;

/// Where and how to reach one host's broker, and its topics.
#[derive(Clone, Debug)]
pub struct Target {
    /// What the output calls it: the collectd host's name, or the broker.
    pub name: String,
    pub host: String,
    pub port: u16,
    pub user: Option<String>,
    pub password: Option<crate::secret::Secret>,
    /// Where the user name came from (`flag --user`, a broker definition),
    /// for the message when the broker refuses it.
    pub user_from: Option<String>,
    pub tls: Option<Tls>,
    pub topic: String,
    pub result_topic: String,
    pub qos: u8,
}

#[derive(Clone, Debug, Default)]
pub struct Tls {
    pub cafile: Option<PathBuf>,
    /// Accept any certificate (as the collectd plugin itself does).
    pub insecure: bool,
    /// A client certificate (PEM chain) and its key, for brokers that
    /// require one (mosquitto's `require_certificate true`).
    pub client: Option<ClientCert>,
}

#[derive(Clone, Debug)]
pub struct ClientCert {
    pub cert: PathBuf,
    pub key: ClientKey,
}

/// Where a client key comes from: a file named on the command line, or a
/// broker definition's `key`, a secret resolved like any other.
#[derive(Clone, Debug)]
pub enum ClientKey {
    File(PathBuf),
    Pem(crate::secret::Secret),
}

#[derive(Clone, Debug)]
pub enum Task {
    Command { service: String, command: String },
    Config { text: String },
}

impl Task {
    /// What the task carries: a config's text, a command's two names.
    pub fn bytes(&self) -> usize {
        match self {
            Task::Command { service, command } => service.len() + command.len(),
            Task::Config { text } => text.len(),
        }
    }
}

pub struct SendOptions {
    pub timeout: Duration,
    pub client_id: Option<String>,
    /// Connect, authenticate and subscribe, then publish nothing.
    pub dry_run: bool,
}

/// Told each job's outcome (by its index in the jobs given) the moment it
/// is known, so results are shown as they arrive.
pub type OnOutcome<'a> = &'a (dyn Fn(usize, &Outcome) + Send + Sync);

/// What came back for one target.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The host's result for our task. `code` is None when the host sent none
    /// (the plugin drops it for several failures).
    Result {
        task_id: u64,
        code: Option<i64>,
        message: String,
        latency: Duration,
        /// Answers 0x1100 with our task id before the result: the host got
        /// the task twice (a QoS 1/2 redelivery) while it was running.
        duplicates: u32,
    },
    /// Nothing for our task arrived in time.
    Timeout {
        task_id: u64,
        waited: Duration,
        duplicates: u32,
    },
    /// The broker could not be reached or refused us.
    Unreachable(String),
    /// `--dry-run`: connected, authenticated and subscribed; the task of
    /// this many bytes would have been published.
    Ready { bytes: usize },
}

/// remote.lua's answer to a task id it is still running.
pub const DUPLICATE_TASK: i64 = 0x1100;

/// Messages we saw and ignored (another task's result, malformed payloads).
pub type Ignored = Arc<dyn Fn(&str, &str) + Send + Sync>;

/// Ignored messages printed to stderr when `verbose` (`-v`), escaped.
pub fn shown_if(verbose: bool) -> Ignored {
    Arc::new(move |topic: &str, payload: &str| {
        if verbose {
            eprintln!("ignored on {}: {}", printable(topic), printable(payload));
        }
    })
}

/// The task message exactly as remote.lua validates it.
pub fn task_message(task: &Task, task_id: u64) -> String {
    let timestamp = time::utc_now();
    let v = match task {
        Task::Command { service, command } => {
            json!({"task_id": task_id, "timestamp": timestamp, "service": service, "command": command})
        }
        Task::Config { text } => {
            json!({"task_id": task_id, "timestamp": timestamp, "config": text})
        }
    };
    v.to_string()
}

/// A task id as the Lua sender makes it: an integer in 1..=2^32, which the
/// plugin echoes without losing precision.
pub fn new_task_id() -> u64 {
    rand::random_range(1..=(1u64 << 32))
}

/// The start of a message mon ignores, for `-v`: a foreign message may
/// be as large as MQTT allows (256 MB).
fn preview(payload: &[u8]) -> String {
    const SHOWN: usize = 1024;
    let text = String::from_utf8_lossy(&payload[..payload.len().min(SHOWN)]).into_owned();
    if payload.len() > SHOWN {
        format!("{text}... ({} bytes)", payload.len())
    } else {
        text
    }
}

/// A result larger than this is reported by its size, with its start.
pub const MAX_RESULT_BYTES: usize = 1024 * 1024;

/// No packet size drops the connection: MQTT's own maximum. A foreign
/// message over a smaller limit would cost the connection, and with it a
/// result queued behind it; our own result's size is judged afterwards.
const MAX_PACKET_BYTES: usize = 268_435_455;

/// Text from the network for a terminal: control characters escaped (an
/// escape sequence in a payload could rewrite the screen), line breaks and
/// tabs kept.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                c.escape_unicode().to_string()
            } else {
                c.to_string()
            }
        })
        .collect()
}

fn qos(q: u8) -> QoS {
    match q {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        _ => QoS::ExactlyOnce,
    }
}

fn transport(tls: &Tls) -> Result<Transport, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?;
    let builder = if tls.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
    } else {
        let mut roots = rustls::RootCertStore::empty();
        match &tls.cafile {
            Some(ca) => {
                for cert in pem_certs(ca, "CA file")? {
                    roots
                        .add(cert)
                        .map_err(|e| format!("CA file {}: {e}", ca.display()))?;
                }
            }
            None => {
                for cert in rustls_native_certs::load_native_certs().certs {
                    let _ = roots.add(cert);
                }
            }
        }
        builder.with_root_certificates(roots)
    };
    let config = match &tls.client {
        None => builder.with_no_client_auth(),
        Some(c) => {
            let chain = pem_certs(&c.cert, "client certificate")?;
            let key = client_key(&c.key)?;
            builder.with_client_auth_cert(chain, key).map_err(|e| {
                format!(
                    "client certificate {} and its key do not go together: {e}",
                    c.cert.display()
                )
            })?
        }
    };
    Ok(Transport::tls_with_config(TlsConfiguration::Rustls(
        Arc::new(config),
    )))
}

/// The certificates of a PEM file, read as a bounded regular file.
fn pem_certs(
    path: &std::path::Path,
    what: &str,
) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    use rustls::pki_types::pem::PemObject;
    let pem = crate::source::read_bounded(path, 1024 * 1024)
        .map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?;
    let certs = rustls::pki_types::CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("{what} {} is not PEM: {e}", path.display()))?;
    if certs.is_empty() {
        return Err(format!("{what} {} holds no certificate", path.display()));
    }
    Ok(certs)
}

/// A client key from its file or a resolved secret; errors never quote it.
fn client_key(key: &ClientKey) -> Result<rustls::pki_types::PrivateKeyDer<'static>, String> {
    use rustls::pki_types::pem::PemObject;
    let (pem, named) = match key {
        ClientKey::File(p) => (
            crate::source::read_bounded(p, 1024 * 1024)
                .map_err(|e| format!("cannot read client key {}: {e}", p.display()))?,
            p.display().to_string(),
        ),
        ClientKey::Pem(s) => (s.expose().as_bytes().to_vec(), "(the broker's key)".into()),
    };
    rustls::pki_types::PrivateKeyDer::from_pem_slice(&pem)
        .map_err(|_| format!("client key {named} holds no PEM private key"))
}

/// `--insecure`: the same trust the collectd plugin gives its broker.
#[derive(Debug)]
struct AnyCertificate(Arc<rustls::crypto::CryptoProvider>);

impl rustls::client::danger::ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &rustls::pki_types::CertificateDer<'_>,
        _: &[rustls::pki_types::CertificateDer<'_>],
        _: &rustls::pki_types::ServerName<'_>,
        _: &[u8],
        _: rustls::pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &rustls::pki_types::CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }
    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A TLS alert the broker sent about our certificate, said plainly: the
/// bare rustls error ("received fatal alert: UnknownCA") does not say
/// whose certificate or what to do.
fn tls_refusal(e: &str, target: &Target) -> Option<String> {
    const ABOUT_OURS: &[&str] = &[
        "UnknownCA",
        "BadCertificate",
        "CertificateExpired",
        "CertificateRequired",
        "CertificateRevoked",
        "CertificateUnknown",
        "UnsupportedCertificate",
        "AccessDenied",
        "HandshakeFailure",
    ];
    let alert = e.split("received fatal alert: ").nth(1)?.trim();
    if !ABOUT_OURS.iter().any(|a| alert.starts_with(a)) {
        return None;
    }
    let client = target.tls.as_ref().and_then(|t| t.client.as_ref());
    Some(match client {
        None => format!(
            "the broker requires a client certificate (TLS alert {alert}): give --cert and --key, or cert and key in the broker's definition"
        ),
        Some(c) => format!(
            "the broker refused the client certificate {} (TLS alert {alert}): check that a CA the broker trusts signed it and that it has not expired",
            c.cert.display()
        ),
    })
}

/// Why the broker said no to CONNECT, and what to look at.
fn refused(target: &Target, code: ConnectReturnCode) -> String {
    let (why, hint) = match code {
        ConnectReturnCode::BadUserNamePassword => ("bad user name or password", true),
        ConnectReturnCode::NotAuthorized => ("not authorized", true),
        ConnectReturnCode::RefusedProtocolVersion => (
            "it does not accept MQTT 3.1.1, the version lua-collectd-monitor speaks",
            false,
        ),
        ConnectReturnCode::BadClientId => ("client id rejected (try another --client-id)", false),
        ConnectReturnCode::ServiceUnavailable => ("service unavailable", false),
        ConnectReturnCode::Success => ("no reason given", false),
    };
    let hint = match (hint, &target.user, &target.user_from) {
        (false, ..) => String::new(),
        (true, Some(u), from) => format!(
            " for user `{}` (from {}, with {}; check its password: --password, MON_MQTT_PASSWORD, --password-file, or the broker's password in the definitions)",
            printable(u),
            from.as_deref().unwrap_or("the command line"),
            if target.password.is_some() { "a password" } else { "no password" }
        ),
        (true, None, _) => " without a user name (give --user, [mqtt] user in mon.toml, or the broker's user in the definitions)".into(),
    };
    format!(
        "broker {}:{} refused the connection: {why}{hint}",
        target.host, target.port
    )
}

/// Connects, subscribes to the result topic and waits for the SUBACK, then
/// publishes the task and waits for the result with our task id.
/// One host's task on a shared connection, and what has come back for it.
struct Job {
    task_id: u64,
    topic: String,
    result_topic: String,
    qos: QoS,
    payload: String,
    published: Option<Instant>,
    /// The broker has it: PUBACK (QoS 1), PUBREC (QoS 2), or written (QoS 0).
    acked: bool,
    /// QoS 0 only: written, then the connection dropped before a result.
    /// At most once means it is not sent again, and may never have arrived.
    lost: bool,
    duplicates: u32,
    outcome: Option<Outcome>,
}

/// Which job each publish in flight carries, to know which the broker
/// acknowledged. A clean session forgets what it had not acknowledged when
/// the connection drops (rumqttc drops its queue on a session that is not
/// present), so those tasks are sent again after the reconnect; remote.lua
/// answers a task id it already has with 0x1100, so a repeat is harmless.
#[derive(Default)]
struct Outbox {
    /// Jobs published, in order, not yet written to the network.
    queued: std::collections::VecDeque<usize>,
    /// Packet id -> job, written and awaiting the broker's acknowledgement.
    unacked: std::collections::HashMap<u16, usize>,
}

impl Outbox {
    /// Publishes every job without a result that the broker does not have.
    async fn publish(&mut self, client: &AsyncClient, jobs: &mut [Job]) {
        self.queued.clear();
        self.unacked.clear();
        for (i, j) in jobs.iter_mut().enumerate() {
            if j.outcome.is_some() || j.acked {
                continue;
            }
            j.published.get_or_insert_with(Instant::now);
            self.queued.push_back(i);
            let _ = client
                .publish(j.topic.clone(), j.qos, false, j.payload.clone())
                .await;
        }
    }

    /// A publish went out with packet id `pkid` (0 for QoS 0, which has
    /// no acknowledgement: written is as far as it can be known).
    fn written(&mut self, pkid: u16, jobs: &mut [Job]) {
        if let Some(i) = self.queued.pop_front() {
            if jobs[i].qos == QoS::AtMostOnce {
                jobs[i].acked = true;
            } else {
                self.unacked.insert(pkid, i);
            }
        }
    }

    fn acked(&mut self, pkid: u16, jobs: &mut [Job]) {
        if let Some(i) = self.unacked.remove(&pkid) {
            jobs[i].acked = true;
        }
    }
}

/// Unacknowledged QoS 1/2 publishes at a time (mosquitto's default limit).
const MAX_INFLIGHT: u16 = 20;

/// Largest SUBSCRIBE: topic filters per packet.
const SUBSCRIBE_BATCH: usize = 256;

/// Sends each target its task over one connection to their broker (the
/// broker, account and TLS of `conn`): one subscription per result topic,
/// then one publish per task, then every result as it comes, until all are
/// in or the deadline. Outcomes in the order of `jobs`.
pub async fn send_many(
    conn: &Target,
    jobs: Vec<(Target, Task)>,
    opts: &SendOptions,
    ignored: Ignored,
    told: OnOutcome<'_>,
) -> Vec<Outcome> {
    let deadline = tokio::time::Instant::now() + opts.timeout;
    let client_id = opts
        .client_id
        .clone()
        .unwrap_or_else(|| format!("mon-{}-{:08x}", std::process::id(), rand::random::<u32>()));
    let mut mo = MqttOptions::new(client_id, conn.host.clone(), conn.port);
    mo.set_keep_alive(Duration::from_secs(30));
    // A clean session: nothing queued for an earlier session can arrive.
    mo.set_clean_session(true);
    mo.set_max_packet_size(MAX_PACKET_BYTES, MAX_PACKET_BYTES);
    // At most mosquitto's default max_inflight_messages QoS 1/2 publishes
    // unacknowledged: with more (rumqttc's default is 100), mosquitto 2.0
    // lost QoS 2 tasks once hundreds of hosts were sent to at once (seen
    // here: 40 of 200 arrived; eclipse/mosquitto#2876).
    mo.set_inflight(MAX_INFLIGHT);
    if let Some(user) = &conn.user {
        mo.set_credentials(
            user.clone(),
            conn.password.as_ref().map_or("", |p| p.expose()),
        );
    }
    let all_unreachable =
        |n: usize, m: String| (0..n).map(|_| Outcome::Unreachable(m.clone())).collect();
    if let Some(tls) = &conn.tls {
        match transport(tls) {
            Ok(t) => {
                mo.set_transport(t);
            }
            Err(e) => {
                let all: Vec<Outcome> = all_unreachable(jobs.len(), e);
                for (i, o) in all.iter().enumerate() {
                    told(i, o);
                }
                return all;
            }
        }
    }
    let mut jobs: Vec<Job> = jobs
        .into_iter()
        .map(|(t, task)| {
            let task_id = new_task_id();
            Job {
                task_id,
                payload: task_message(&task, task_id),
                topic: t.topic,
                result_topic: t.result_topic,
                qos: qos(t.qos),
                published: None,
                acked: false,
                lost: false,
                duplicates: 0,
                outcome: None,
            }
        })
        .collect();
    // Result topic -> the jobs waiting on it, and each topic's QoS.
    let mut waiting: std::collections::HashMap<String, Vec<usize>> = Default::default();
    let mut filters: Vec<(String, QoS)> = Vec::new();
    for (i, j) in jobs.iter().enumerate() {
        let w = waiting.entry(j.result_topic.clone()).or_default();
        if w.is_empty() {
            filters.push((j.result_topic.clone(), j.qos));
        }
        w.push(i);
    }
    let batches: Vec<Vec<rumqttc::SubscribeFilter>> = filters
        .chunks(SUBSCRIBE_BATCH)
        .map(|c| {
            c.iter()
                .map(|(t, q)| rumqttc::SubscribeFilter::new(t.clone(), *q))
                .collect()
        })
        .collect();
    // Room for every request at once: the loop below both sends requests and
    // polls the connection, so a full request channel would stall it.
    let (client, mut events) = AsyncClient::new(mo, jobs.len() + batches.len() + 16);
    let mut net = events.network_options();
    // Without it every QoS 1/2 round trip stalls on delayed ACKs (~40 ms a hop).
    net.set_tcp_nodelay(true);
    net.set_connection_timeout(opts.timeout.as_secs().clamp(1, 10));
    events.set_network_options(net);

    let mut pending = jobs.len();
    let mut connected_once = false;
    // Whether the broker is there now: gone at the deadline is exit 5, not
    // a timeout of the host.
    let mut connected = false;
    let mut published = false;
    let mut outbox = Outbox::default();
    let mut subacks = 0;
    let failure: Option<String> = loop {
        if pending == 0 {
            break None;
        }
        let polled = match tokio::time::timeout_at(deadline, events.poll()).await {
            Err(_) if connected_once && !connected => {
                break Some(format!(
                    "broker {}:{} went away and was not back within --timeout ({:?})",
                    conn.host, conn.port, opts.timeout
                ))
            }
            Err(_) => break None,
            Ok(p) => p,
        };
        match polled {
            Ok(Event::Incoming(Packet::ConnAck(ack))) => {
                if ack.code != ConnectReturnCode::Success {
                    break Some(refused(conn, ack.code));
                }
                connected_once = true;
                connected = true;
                subacks = 0;
                // What the broker had not acknowledged is gone with the
                // session: sent again once subscribed.
                published = false;
                // Clean sessions forget subscriptions: (re)subscribe on every connect.
                let mut refused_request = None;
                for b in &batches {
                    if let Err(e) = client.subscribe_many(b.clone()).await {
                        refused_request = Some(e.to_string());
                        break;
                    }
                }
                if let Some(e) = refused_request {
                    break Some(e);
                }
            }
            Ok(Event::Incoming(Packet::SubAck(ack))) => {
                if let Some(i) = ack
                    .return_codes
                    .iter()
                    .position(|c| matches!(c, SubscribeReasonCode::Failure))
                {
                    let batch = batches.get(subacks).and_then(|b| b.get(i));
                    break Some(format!(
                        "broker refused the subscription to {}",
                        batch.map_or("a result topic", |f| f.path.as_str())
                    ));
                }
                subacks += 1;
                if subacks == batches.len() && !published {
                    published = true;
                    if opts.dry_run {
                        // Everything a send does up to here; nothing goes out.
                        for (i, j) in jobs.iter_mut().enumerate() {
                            let o = Outcome::Ready {
                                bytes: j.payload.len(),
                            };
                            told(i, &o);
                            j.outcome = Some(o);
                        }
                        break None;
                    }
                    outbox.publish(&client, &mut jobs).await;
                }
            }
            Ok(Event::Outgoing(Outgoing::Publish(pkid))) => outbox.written(pkid, &mut jobs),
            Ok(Event::Incoming(Packet::PubAck(ack))) => outbox.acked(ack.pkid, &mut jobs),
            Ok(Event::Incoming(Packet::PubRec(rec))) => outbox.acked(rec.pkid, &mut jobs),
            Ok(Event::Incoming(Packet::Publish(p))) => {
                let Some(v) = Reply::parse(&p.payload) else {
                    ignored(
                        &p.topic,
                        &format!("(not a JSON object) {}", preview(&p.payload)),
                    );
                    continue;
                };
                let mine = waiting.get(p.topic.as_str()).and_then(|w| {
                    w.iter()
                        .copied()
                        .find(|&i| jobs[i].outcome.is_none() && v.answers(jobs[i].task_id))
                });
                let Some(i) = mine else {
                    ignored(&p.topic, &preview(&p.payload));
                    continue;
                };
                let job = &mut jobs[i];
                // remote.lua answers a task id it is still running with
                // 0x1100 and that id; the real result follows (reference §4.3).
                if v.code() == Some(DUPLICATE_TASK) {
                    job.duplicates += 1;
                    ignored(&p.topic, &format!("duplicate delivery of task {}: the host is still running it (0x1100); waiting for its result", job.task_id));
                    continue;
                }
                let code = v.code();
                let mut message = v.message();
                if p.payload.len() > MAX_RESULT_BYTES {
                    let mut cut = 64 * 1024;
                    while !message.is_char_boundary(cut.min(message.len())) {
                        cut -= 1;
                    }
                    message.truncate(cut.min(message.len()));
                    message.push_str(&format!(
                        "\n... (the result is {} bytes, over mon's {} byte limit: the start is shown)",
                        p.payload.len(),
                        MAX_RESULT_BYTES
                    ));
                }
                let o = Outcome::Result {
                    task_id: job.task_id,
                    code,
                    message,
                    latency: job.published.map_or(Duration::ZERO, |t| t.elapsed()),
                    duplicates: job.duplicates,
                };
                told(i, &o);
                job.outcome = Some(o);
                pending -= 1;
            }
            Ok(_) => {}
            Err(ConnectionError::ConnectionRefused(code)) => {
                break Some(refused(conn, code));
            }
            Err(e) => {
                if !connected_once {
                    let e = e.to_string();
                    break Some(format!(
                        "cannot connect to broker {}:{}: {}",
                        conn.host,
                        conn.port,
                        tls_refusal(&e, conn).unwrap_or(e)
                    ));
                }
                // Connected before: the broker went away. Keep trying until the deadline.
                connected = false;
                for j in jobs.iter_mut() {
                    j.lost |= j.qos == QoS::AtMostOnce && j.acked && j.outcome.is_none();
                }
                tokio::time::sleep(Duration::from_millis(200)).await;
            }
        }
    };
    // A clean DISCONNECT once the acknowledgements of the results are out
    // (the broker logs a socket closed without one as "closed its
    // connection"), without letting it delay the answer by more than 500 ms.
    let _ = client.try_disconnect();
    let _ = tokio::time::timeout(Duration::from_millis(500), async {
        loop {
            match events.poll().await {
                Ok(Event::Outgoing(Outgoing::Disconnect)) | Err(_) => break,
                Ok(_) => {}
            }
        }
    })
    .await;
    let outcomes: Vec<Outcome> = jobs
        .into_iter()
        .map(|j| match (j.outcome, &failure) {
            (Some(o), _) => o,
            (None, Some(m)) => Outcome::Unreachable(m.clone()),
            (None, None) if j.lost => Outcome::Unreachable(format!(
                "the connection to broker {}:{} dropped after the task was sent at QoS 0 (at most once): it may never have reached the host, and is not sent again (--qos 1 or 2 sends it again)",
                conn.host, conn.port
            )),
            (None, None) => Outcome::Timeout {
                task_id: j.task_id,
                waited: j.published.map_or(opts.timeout, |t| t.elapsed()),
                duplicates: j.duplicates,
            },
        })
        .collect();
    for (i, o) in outcomes.iter().enumerate() {
        if !matches!(o, Outcome::Result { .. } | Outcome::Ready { .. }) {
            told(i, o);
        }
    }
    outcomes
}
