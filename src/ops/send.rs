//! Who a task goes to: a broker and topics given on the command line, or
//! collectd hosts from the definitions (their broker, credentials, topics).
//! Then the task goes to every target at once.

use std::path::PathBuf;
use std::time::Duration;

use crate::diagnostic::did_you_mean;
use crate::model::collectd::Host;
use crate::model::Model;
use crate::mqtt::{self, Ignored, Outcome, SendOptions, Target, Task, Tls};
use crate::ops::validate::{self, Loaded};

/// Connection given on the command line, as the reference senders take it.
pub struct Explicit {
    pub host: String,
    pub account: Option<crate::settings::mqtt::Account>,
    pub topic: String,
    pub result_topic: String,
}

pub struct Selection {
    /// Broker and topics from flags; otherwise from the definitions.
    pub explicit: Option<Explicit>,
    /// The operator's own account (user, password), used instead of the
    /// brokers' (which are the hosts' accounts) when given.
    pub account: Option<crate::settings::mqtt::Account>,
    pub defs: crate::ops::validate::Scope,
    pub nodes: Vec<String>,
    pub all: bool,
    pub qos: Option<u8>,
    pub secure: bool,
    pub cafile: Option<PathBuf>,
    pub insecure: bool,
    /// `--cert` and `--key`: a client certificate and its key.
    pub cert: Option<PathBuf>,
    pub key: Option<PathBuf>,
}

pub enum TargetError {
    Path(crate::source::PathError),
    Invalid(Box<Loaded>),
    /// collectd's own parser refused a config to send.
    Rejected(String),
    /// The request does not fit the definitions (unknown host, service...).
    Mismatch(String),
    /// A secret or file could not be read.
    Io(String),
}

impl TargetError {
    /// Says why nothing was sent; returns the exit code that means.
    pub fn report(self, color: bool, err: &mut dyn std::io::Write) -> crate::exit::Exit {
        use crate::exit::Exit;
        let (m, code) = match self {
            TargetError::Path(e) => (format!("{}: {}", e.path.display(), e.message), Exit::Io),
            TargetError::Invalid(loaded) => {
                return crate::report::refuse(&loaded, color, "refusing to send", "sent", err)
            }
            TargetError::Rejected(m) => (format!("{m}\nnothing was sent"), Exit::Invalid),
            TargetError::Mismatch(m) => (format!("{m}; nothing was sent"), Exit::Usage),
            TargetError::Io(m) => (format!("{m}; nothing was sent"), Exit::Io),
        };
        let _ = writeln!(err, "error: {m}");
        code
    }
}

pub use crate::model::collectd::host_port;

/// TLS when anything asks for it: `secure`, a CA file, `insecure`, or a
/// client certificate.
fn tls(
    secure: bool,
    cafile: &Option<PathBuf>,
    insecure: bool,
    client: Option<mqtt::ClientCert>,
) -> Option<Tls> {
    (secure || cafile.is_some() || insecure || client.is_some()).then(|| Tls {
        cafile: cafile.clone(),
        insecure,
        client,
    })
}

/// `--cert`/`--key` from the command line (clap requires both or neither).
fn flag_client(sel: &Selection) -> Option<mqtt::ClientCert> {
    Some(mqtt::ClientCert {
        cert: sel.cert.clone()?,
        key: mqtt::ClientKey::File(sel.key.clone()?),
    })
}

/// Topics mon can use: the task topic is published to, so it holds no
/// wildcard; the result topic must not match mon's own task (it would read
/// the task as the result), so it holds no wildcard either and differs.
fn check_topics(t: &Target) -> Result<(), TargetError> {
    let wild = |s: &str| s.contains(['+', '#']);
    let problem = if t.topic.is_empty() || t.result_topic.is_empty() {
        Some("a topic is empty".to_string())
    } else if wild(&t.topic) {
        Some(format!(
            "task topic `{}` has a wildcard (+ or #): a task cannot be published to it",
            t.topic
        ))
    } else if wild(&t.result_topic) {
        Some(format!("result topic `{}` has a wildcard (+ or #): it would match other hosts' results and mon's own task", t.result_topic))
    } else if t.topic == t.result_topic {
        Some(format!(
            "task and result topic are both `{}`: mon would read its own task as the result",
            t.topic
        ))
    } else {
        None
    };
    match problem {
        Some(p) => Err(TargetError::Mismatch(format!("{}: {p}", t.name))),
        None => Ok(()),
    }
}

/// The targets, and the definitions they came from (none with `--host`).
pub fn targets(
    sel: &Selection,
    command: Option<(&str, &str)>,
) -> Result<(Vec<Target>, Option<Box<Loaded>>), TargetError> {
    let (all, loaded) = targets_unchecked(sel, command)?;
    for t in &all {
        check_topics(t)?;
    }
    Ok((all, loaded))
}

fn targets_unchecked(
    sel: &Selection,
    command: Option<(&str, &str)>,
) -> Result<(Vec<Target>, Option<Box<Loaded>>), TargetError> {
    if let Some(x) = &sel.explicit {
        let tls = tls(sel.secure, &sel.cafile, sel.insecure, flag_client(sel));
        let (host, port) = host_port(&x.host, tls.is_some())
            .map_err(|e| TargetError::Mismatch(format!("--host: {e}")))?;
        let t = Target {
            name: x.host.clone(),
            host,
            port,
            user: x.account.as_ref().map(|a| a.user.clone()),
            password: x.account.as_ref().and_then(|a| a.password.clone()),
            user_from: x.account.as_ref().map(|a| a.from.clone()),
            tls,
            topic: x.topic.clone(),
            result_topic: x.result_topic.clone(),
            qos: sel.qos.unwrap_or(2),
        };
        return Ok((vec![t], None));
    }
    let loaded = validate::load(&sel.defs).map_err(TargetError::Path)?;
    if loaded.errors() > 0 {
        return Err(TargetError::Invalid(Box::new(loaded)));
    }
    let model = &loaded.model;
    let hosts: Vec<&str> = model.hosts.keys().map(String::as_str).collect();
    let names: Vec<String> = if sel.all {
        hosts.iter().map(|h| h.to_string()).collect()
    } else if !sel.nodes.is_empty() {
        sel.nodes.clone()
    } else if hosts.len() == 1 {
        vec![hosts[0].to_string()]
    } else if hosts.is_empty() {
        return Err(TargetError::Mismatch(
            "the definitions name no collectd host; give --node HOST with --defs DIR, or --host and --topic".into(),
        ));
    } else {
        return Err(TargetError::Mismatch(format!(
            "the definitions name {} collectd hosts ({}); choose with --node HOST or --all",
            hosts.len(),
            hosts.join(", ")
        )));
    };
    if names.is_empty() {
        return Err(TargetError::Mismatch(
            "the definitions name no collectd host".into(),
        ));
    }
    let targets = names
        .iter()
        .map(|n| target(model, n, sel, command))
        .collect::<Result<Vec<_>, _>>()?;
    Ok((targets, Some(Box::new(loaded))))
}

fn target(
    model: &Model,
    name: &str,
    sel: &Selection,
    command: Option<(&str, &str)>,
) -> Result<Target, TargetError> {
    let h = model.hosts.get(name).ok_or_else(|| {
        let hint = did_you_mean(name, model.hosts.keys().map(String::as_str))
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        TargetError::Mismatch(format!(
            "no collectd host `{name}` in the definitions{hint}"
        ))
    })?;
    if let Some((service, cmd)) = command {
        let Some(svc) = h.service(service) else {
            let known: Vec<&str> = h.services.iter().map(|s| s.name.value.as_str()).collect();
            return Err(TargetError::Mismatch(format!(
                "`{name}` has no service `{service}` (it has: {})",
                list(&known)
            )));
        };
        if !svc.commands.iter().any(|c| c.name == cmd) {
            let known: Vec<&str> = svc.commands.iter().map(|c| c.name.as_str()).collect();
            return Err(TargetError::Mismatch(format!(
                "service `{service}` on `{name}` has no command `{cmd}` (it has: {})",
                list(&known)
            )));
        }
    }
    let broker_name = h.broker.as_str();
    let b = model.brokers.get(broker_name).ok_or_else(|| {
        TargetError::Mismatch(format!(
            "`{name}` names broker `{broker_name}`, which is not defined"
        ))
    })?;
    let secure = sel.secure || b.secure();
    let cafile = sel
        .cafile
        .clone()
        .or_else(|| b.cafile.as_ref().map(PathBuf::from));
    // The command line's certificate, else the broker definition's.
    let client = match (flag_client(sel), &b.cert, &b.key) {
        (Some(c), ..) => Some(c),
        (None, Some(cert), Some(key)) => Some(mqtt::ClientCert {
            cert: PathBuf::from(cert),
            key: mqtt::ClientKey::Pem(crate::secret::Secret::new(
                key.resolve()
                    .map_err(|e| TargetError::Io(format!("broker `{broker_name}` key: {e}")))?,
            )),
        }),
        _ => None,
    };
    let tls = tls(secure, &cafile, sel.insecure, client);
    let (host, port) = host_port(&b.host, tls.is_some()).map_err(TargetError::Mismatch)?;
    if let Some(a) = &sel.account {
        return Ok(Target {
            user: Some(a.user.clone()),
            password: a.password.clone(),
            user_from: Some(a.from.clone()),
            ..target_on(h, host, port, tls, sel)
        });
    }
    let password = match &b.password {
        None => None,
        Some(p) => Some(crate::secret::Secret::new(p.resolve().map_err(|e| {
            TargetError::Io(format!("broker `{broker_name}` password: {e}"))
        })?)),
    };
    Ok(Target {
        user: b.user.clone(),
        password,
        user_from: b
            .user
            .as_ref()
            .map(|_| format!("broker `{broker_name}` in the definitions")),
        ..target_on(h, host, port, tls, sel)
    })
}

/// A host's target on its broker, without credentials.
fn target_on(h: &Host, host: String, port: u16, tls: Option<Tls>, sel: &Selection) -> Target {
    Target {
        name: h.name.clone(),
        host,
        port,
        user: None,
        password: None,
        user_from: None,
        tls,
        topic: h.command_topic(),
        result_topic: h.result_topic(),
        qos: sel.qos.unwrap_or(h.qos()),
    }
}

fn list(names: &[&str]) -> String {
    if names.is_empty() {
        "none".into()
    } else {
        names.join(", ")
    }
}

/// How tasks go out, and who is told what as it happens.
pub struct Sending {
    pub timeout: Duration,
    pub client_id: Option<String>,
    /// Connect, authenticate and subscribe, then publish nothing.
    pub dry_run: bool,
    /// Told about messages on a result topic that are not this task's result.
    pub ignored: Ignored,
    /// Told each target's outcome the moment it is known.
    pub told: Told,
}

/// Told one target's outcome, as it arrives.
pub type Told = std::sync::Arc<dyn Fn(&Target, &Outcome) + Send + Sync>;

/// Sends every target its task, results in target order. Targets on one
/// broker with one account share one connection (one subscription per
/// result topic, one publish per task); brokers are reached concurrently.
pub async fn send_all(targets: Vec<(Target, Task)>, how: &Sending) -> Vec<(Target, Outcome)> {
    // Connection key -> (index in `targets`, target, task).
    type Group = Vec<(usize, Target, Task)>;
    let mut groups: Vec<(String, Group)> = Vec::new();
    for (i, (t, task)) in targets.into_iter().enumerate() {
        let key = format!(
            "{}\0{}\0{:?}\0{}\0{:?}",
            t.host,
            t.port,
            t.user,
            t.password.as_ref().map_or("", |p| p.expose()),
            t.tls
        );
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, g)) => g.push((i, t, task)),
            None => groups.push((key, vec![(i, t, task)])),
        }
    }
    let mut set = tokio::task::JoinSet::new();
    for (n, (_, group)) in groups.into_iter().enumerate() {
        let ignored = how.ignored.clone();
        let told = how.told.clone();
        // Several connections cannot share one client id on one broker.
        let options = SendOptions {
            timeout: how.timeout,
            client_id: how
                .client_id
                .clone()
                .map(|c| if n == 0 { c } else { format!("{c}-{n}") }),
            dry_run: how.dry_run,
        };
        set.spawn(async move {
            let conn = group[0].1.clone();
            let jobs: Vec<(Target, Task)> = group
                .iter()
                .map(|(_, t, k)| (t.clone(), k.clone()))
                .collect();
            let tell = |i: usize, o: &Outcome| told(&group[i].1, o);
            let outcomes = mqtt::send_many(&conn, jobs, &options, ignored, &tell).await;
            group
                .into_iter()
                .zip(outcomes)
                .map(|((i, t, _), o)| (i, t, o))
                .collect::<Vec<_>>()
        });
    }
    let mut out = Vec::new();
    while let Some(r) = set.join_next().await {
        if let Ok(x) = r {
            out.extend(x);
        }
    }
    out.sort_by_key(|(i, _, _)| *i);
    out.into_iter().map(|(_, t, o)| (t, o)).collect()
}

/// What goes to the hosts.
pub enum What {
    Command {
        service: String,
        command: String,
    },
    /// A collectd.conf read from a file, the same to every host.
    ConfigFile {
        path: std::path::PathBuf,
        /// collectd's own parser first.
        check: bool,
        /// Send a file whose `Hostname` names another host, or that does not
        /// look like a collectd.conf.
        force: bool,
    },
    /// Each host's own collectd.conf, rendered from the definitions and
    /// checked by collectd's own parser.
    Rendered {
        templates: Option<std::path::PathBuf>,
    },
}

impl What {
    /// The kind of task, for explaining result codes.
    pub fn task_kind(&self) -> Task {
        match self {
            What::Command { service, command } => Task::Command {
                service: service.clone(),
                command: command.clone(),
            },
            _ => Task::Config {
                text: String::new(),
            },
        }
    }
}

/// `run` on a runtime of its own, until it ends or ^C (None): what had
/// arrived by then was already told to `progress`.
pub fn run_until_interrupted(req: Request) -> Option<Result<Vec<(Target, Outcome)>, TargetError>> {
    crate::etcd::runtime(1).block_on(async {
        tokio::select! {
            r = run(req) => Some(r),
            _ = tokio::signal::ctrl_c() => None,
        }
    })
}

/// What to send where, and how long to wait.
pub struct Request {
    pub selection: Selection,
    pub what: What,
    pub timeout: Duration,
    pub client_id: Option<String>,
    /// Everything but the publish.
    pub dry_run: bool,
    /// collectd's info lines too, when `--check` refuses a config.
    pub verbose: bool,
    /// Told about messages on a result topic that are not this task's result.
    pub ignored: Ignored,
    /// Told how the send goes, as it goes.
    pub progress: OnProgress,
}

/// How a send goes, as it goes.
pub enum Progress<'a> {
    /// A host's task is ready: its size, and for a config, how it was made
    /// and checked.
    Prepared {
        target: &'a Target,
        bytes: usize,
        how: Option<&'a str>,
    },
    /// Every task is ready: they go out now (or, dry run, would).
    Sending { targets: &'a [Target] },
    /// One host's outcome, secrets redacted.
    Outcome(&'a Target, &'a Outcome),
}

pub type OnProgress = std::sync::Arc<dyn Fn(Progress<'_>) + Send + Sync>;

/// Resolves the targets and each one's task, sends them all and returns one
/// outcome per target, in target order; `progress` hears of each as it
/// comes. Nothing is sent unless every task could be made. The passwords
/// mon resolved are redacted from the hosts' messages, even when a host
/// echoes one back.
pub async fn run(req: Request) -> Result<Vec<(Target, Outcome)>, TargetError> {
    let command = match &req.what {
        What::Command { service, command } if req.selection.explicit.is_none() => {
            Some((service.as_str(), command.as_str()))
        }
        _ => None,
    };
    let (targets, loaded) = targets(&req.selection, command)?;
    let tasks = tasks(&req.what, &targets, loaded.as_deref(), req.verbose)?;
    for (t, (task, how)) in targets.iter().zip(&tasks) {
        (req.progress)(Progress::Prepared {
            target: t,
            bytes: task.bytes(),
            how: how.as_deref(),
        });
    }
    (req.progress)(Progress::Sending { targets: &targets });
    let secrets = std::sync::Arc::new(crate::secret::Redactor::new(
        targets
            .iter()
            .filter_map(|t| t.password.as_ref())
            .map(|p| p.expose().to_string()),
        6,
    ));
    let progress = req.progress.clone();
    let redactor = secrets.clone();
    let how = Sending {
        timeout: req.timeout,
        client_id: req.client_id,
        dry_run: req.dry_run,
        ignored: req.ignored,
        told: std::sync::Arc::new(move |t: &Target, o: &Outcome| {
            progress(Progress::Outcome(t, &redact(o.clone(), &redactor)))
        }),
    };
    let tasks: Vec<Task> = tasks.into_iter().map(|(t, _)| t).collect();
    let results = send_all(targets.into_iter().zip(tasks).collect(), &how).await;
    Ok(results
        .into_iter()
        .map(|(t, o)| (t, redact(o, &secrets)))
        .collect())
}

/// One task per target, with how it was made (for a config).
fn tasks(
    what: &What,
    targets: &[Target],
    loaded: Option<&Loaded>,
    info: bool,
) -> Result<Vec<(Task, Option<String>)>, TargetError> {
    let model = loaded.map(|l| &l.model);
    match what {
        What::Command { service, command } => Ok(vec![
            (
                Task::Command {
                    service: service.clone(),
                    command: command.clone(),
                },
                None
            );
            targets.len()
        ]),
        What::ConfigFile { path, check, force } => {
            let text = read_config(path)
                .map_err(|m| TargetError::Io(format!("{}: {m}", path.display())))?;
            let shown = path.display().to_string();
            if !force {
                looks_like_collectd_conf(&text, &shown)?;
                if let Some(model) = model {
                    for t in targets {
                        if let Some(h) = model.hosts.get(&t.name) {
                            hostname_matches(&text, &shown, h)?;
                        }
                    }
                }
            }
            if *check {
                checked(&text, &shown, info)?;
            }
            let how = format!(
                "read from {shown}{}",
                if *check {
                    ", checked by collectd -T"
                } else {
                    ""
                }
            );
            Ok(vec![(Task::Config { text }, Some(how)); targets.len()])
        }
        What::Rendered { templates } => {
            let Some(model) = model else {
                return Err(TargetError::Mismatch(
                    "send-config without FILE renders each host's collectd.conf from the definitions: name hosts with --node or --all, not --host".into(),
                ));
            };
            let templates =
                crate::render::Templates::load(templates.as_deref()).map_err(TargetError::Io)?;
            targets
                .iter()
                .map(|t| {
                    let text = rendered_conf(model, &templates, &t.name)?;
                    checked(
                        &text,
                        &format!("collectd/{}/collectd.conf (rendered)", t.name),
                        info,
                    )?;
                    let how = "rendered from the definitions, checked by collectd -T";
                    Ok((Task::Config { text }, Some(how.to_string())))
                })
                .collect()
        }
    }
}

/// A host's collectd.conf as `mon render collectd` writes it.
fn rendered_conf(
    model: &Model,
    templates: &crate::render::Templates,
    host: &str,
) -> Result<String, TargetError> {
    let only = crate::select::Selection::new(&[format!("collectd/{host}")], &[])
        .map_err(TargetError::Mismatch)?;
    let ctx = crate::render::Context {
        model,
        templates,
        selection: &only,
    };
    let outputs = crate::render::render(&ctx, crate::render::Target::Collectd)
        .map_err(|e| TargetError::Io(format!("{host}: {e}")))?;
    outputs
        .into_iter()
        .find(|o| o.collectd_conf)
        .map(|o| o.content)
        .ok_or_else(|| TargetError::Mismatch(format!("`{host}` renders no collectd.conf")))
}

fn checked(text: &str, name: &str, info: bool) -> Result<(), TargetError> {
    crate::collectd::check_config(text, name, info).map_err(|e| match e {
        crate::collectd::CheckError::Rejected(m) => {
            TargetError::Rejected(format!("collectd rejects {name}:\n{m}"))
        }
        crate::collectd::CheckError::Unavailable(m) => {
            TargetError::Io(format!("cannot check {name}: {m}"))
        }
    })
}

/// The protocol carries collectd.conf only: a JSON file is most likely the
/// plugin's config.json, which must be installed another way.
fn looks_like_collectd_conf(text: &str, name: &str) -> Result<(), TargetError> {
    let json = serde_json::from_str::<serde_json::Value>(text).is_ok_and(|v| v.is_object());
    let directive = text.lines().any(|l| {
        let w = l.trim_start().to_ascii_lowercase();
        w.starts_with("loadplugin") || w.starts_with("<loadplugin") || w.starts_with("<plugin")
    });
    match (json, directive) {
        (true, _) => Err(TargetError::Mismatch(format!(
            "{name} is JSON, not a collectd.conf: send-config replaces collectd.conf only; config.json and trigger files cannot travel over this protocol (install them with your configuration management, then restart collectd); --force sends it anyway"
        ))),
        (false, false) => Err(TargetError::Mismatch(format!(
            "{name} loads no plugin, so it does not look like a collectd.conf; --force sends it anyway"
        ))),
        _ => Ok(()),
    }
}

/// A file whose `Hostname` names another host would make this host report
/// as that one.
fn hostname_matches(text: &str, name: &str, h: &Host) -> Result<(), TargetError> {
    // collectd takes the last Hostname it reads (a later one overrides).
    let written = text.lines().rev().find_map(|l| {
        let (key, rest) = l.trim().split_once(char::is_whitespace)?;
        key.eq_ignore_ascii_case("hostname")
            .then(|| rest.trim().trim_matches('"').to_string())
    });
    match written {
        Some(w) if w != h.hostname() => Err(TargetError::Mismatch(format!(
            "{name} sets Hostname \"{w}\", but `{}` is \"{}\" in the definitions: collectd there would report as another host; send the host's own file (or none: `mon send-config --node {}` renders it), or --force",
            h.name,
            h.hostname(),
            h.name
        ))),
        _ => Ok(()),
    }
}

fn redact(mut o: Outcome, secrets: &crate::secret::Redactor) -> Outcome {
    // Only a host's message can carry a password back.
    if let Outcome::Result { message, .. } = &mut o {
        if let Some(r) = secrets.text(message) {
            *message = r;
        }
    }
    o
}

/// Largest collectd.conf sent: the plugin holds the whole text in one message.
pub const MAX_CONFIG_BYTES: u64 = 1024 * 1024;

/// Reads a collectd.conf to send: a regular file (a pipe would block and a
/// device never end), UTF-8, at most `MAX_CONFIG_BYTES`.
pub fn read_config(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| crate::source::io_message(&e))?;
    if !meta.is_file() {
        return Err("not a regular file".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| crate::source::io_message(&e))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        return Err(format!(
            "the file is over {MAX_CONFIG_BYTES} bytes, the most send-config takes"
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        format!(
            "not UTF-8 (bad byte at offset {})",
            e.utf8_error().valid_up_to()
        )
    })
}
