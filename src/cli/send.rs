//! Flags and output shared by `send-command` and `send-config`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::ValueEnum;
use serde_json::json;

use mon::exit::Exit;
use mon::mqtt::{meaning, Outcome, Target, Task};
use mon::ops::send::{self, Explicit, Selection, TargetError};

#[derive(clap::Args)]
#[command(next_help_heading = "Target")]
pub struct TargetArgs {
    /// Send to this collectd host from the definitions (repeatable)
    #[arg(long, value_name = "HOST")]
    pub node: Vec<String>,
    /// Send to every collectd host in the definitions
    #[arg(long, conflicts_with = "node")]
    pub all: bool,
    /// Where the definitions are
    #[arg(long, value_name = "PATH", default_value = ".")]
    pub defs: Vec<PathBuf>,
    /// Broker as host[:port], instead of the definitions (needs --topic and --result-topic)
    #[arg(long, conflicts_with_all = ["node", "all"], requires_all = ["topic", "result_topic"])]
    pub host: Option<String>,
    /// Topic the host takes tasks from (with --host)
    #[arg(long, requires = "host")]
    pub topic: Option<String>,
    /// Topic the host publishes results to (with --host)
    #[arg(long, requires = "host")]
    pub result_topic: Option<String>,
    /// Your own MQTT account, for --host and for the definitions' hosts alike (their brokers'
    /// accounts are for the hosts) [default: [mqtt] user in mon.toml]
    #[arg(long)]
    pub user: Option<String>,
    /// Password of --user (better from MON_MQTT_PASSWORD or --password-file)
    #[arg(long, env = "MON_MQTT_PASSWORD", hide_env_values = true)]
    pub password: Option<String>,
    /// Read the password of --user from this file
    #[arg(long, value_name = "FILE")]
    pub password_file: Option<PathBuf>,
    /// Connect with TLS
    #[arg(long)]
    pub secure: bool,
    /// CA bundle that signs the broker's certificate (implies TLS)
    #[arg(long, value_name = "FILE")]
    pub cafile: Option<PathBuf>,
    /// Do not verify the broker's certificate (implies TLS)
    #[arg(long)]
    pub insecure: bool,
    /// QoS for the subscription and the task: 0, 1 or 2 [default: the host's, else 2]
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: Option<u8>,
    /// MQTT client id [default: mon-<pid>-<random>]
    #[arg(long)]
    pub client_id: Option<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = SendFormat::Text)]
    pub format: SendFormat,
    /// Show messages that were ignored (other tasks' results, malformed payloads)
    #[arg(long, short = 'v')]
    pub verbose: bool,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum SendFormat {
    Text,
    Json,
}

/// The operator's account: --user, MON_MQTT_PASSWORD/--password or
/// --password-file, else `[mqtt]` in mon.toml. A password exported for
/// another occasion, with no user to go with it, is not used.
fn account(a: &TargetArgs) -> Result<Option<(String, Option<String>)>, Exit> {
    let cfg = super::settings(&a.defs)?;
    let file = cfg.as_ref().map(|c| (c, &c.file.mqtt));
    let explicit_password = a.password.is_some() && !super::from_env("password");
    let Some(user) = a
        .user
        .clone()
        .or_else(|| file.and_then(|(_, m)| m.user.clone()))
    else {
        if explicit_password || a.password_file.is_some() {
            eprintln!("error: a password needs --user (or [mqtt] user in mon.toml)");
            return Err(Exit::Usage);
        }
        return Ok(None);
    };
    if let Some(p) = &a.password {
        return Ok(Some((user, Some(p.clone()))));
    }
    if let Some(f) = &a.password_file {
        // A regular file under a size limit: a pipe would hang here.
        return match mon::secret::read_file(f) {
            Ok(t) => Ok(Some((
                user,
                Some(t.trim_end_matches(['\n', '\r']).to_string()),
            ))),
            Err(e) => {
                eprintln!("error: --password-file: {e}");
                Err(Exit::Io)
            }
        };
    }
    if let Some((c, Some(r))) = file.map(|(c, m)| (c, m.password.as_ref())) {
        return match r.resolve(c.dir()) {
            Ok(p) => Ok(Some((user, Some(p)))),
            Err(e) => {
                eprintln!("error: {}: [mqtt] password: {e}", c.path.display());
                Err(Exit::Io)
            }
        };
    }
    Ok(Some((user, None)))
}

pub fn selection(a: &TargetArgs) -> Result<Selection, Exit> {
    super::allow_secrets_under(&a.defs);
    let account = account(a)?.map(|(u, p)| (u, p.map(mon::secret::Secret::new)));
    let explicit = a.host.as_ref().map(|h| Explicit {
        host: h.clone(),
        user: account.as_ref().map(|(u, _)| u.clone()),
        password: account.as_ref().and_then(|(_, p)| p.clone()),
        topic: a.topic.clone().unwrap_or_default(),
        result_topic: a.result_topic.clone().unwrap_or_default(),
    });
    Ok(Selection {
        explicit,
        account,
        defs: a.defs.clone(),
        nodes: a.node.clone(),
        all: a.all,
        qos: a.qos,
        secure: a.secure,
        cafile: a.cafile.clone(),
        insecure: a.insecure,
    })
}

pub fn target_failed(e: TargetError, color: super::Colors) -> Exit {
    match e {
        TargetError::Path(e) => {
            eprintln!("error: {}: {}", e.path.display(), e.message);
            Exit::Io
        }
        TargetError::Invalid(loaded) => {
            super::refuse_invalid(&loaded, color, "refusing to send", "sent")
        }
        TargetError::Rejected(m) => {
            eprintln!("error: {m}\nnothing was sent");
            Exit::Invalid
        }
        TargetError::Mismatch(m) => {
            eprintln!("error: {m}; nothing was sent");
            Exit::Usage
        }
        TargetError::Io(m) => {
            eprintln!("error: {m}; nothing was sent");
            Exit::Io
        }
    }
}

/// Resolves targets, sends, prints one result per target, and returns the
/// exit code of the worst outcome.
pub fn run(a: &TargetArgs, what: send::What, timeout: Duration, color: super::Colors) -> Exit {
    // The kind of task, for explaining result codes.
    let task = match &what {
        send::What::Command { service, command } => Task::Command {
            service: service.clone(),
            command: command.clone(),
        },
        _ => Task::Config {
            text: String::new(),
        },
    };
    let sel = match selection(a) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let verbose = a.verbose;
    let ignored: mon::mqtt::Ignored = Arc::new(move |topic: &str, payload: &str| {
        if verbose {
            eprintln!(
                "ignored on {}: {}",
                mon::mqtt::printable(topic),
                mon::mqtt::printable(payload)
            );
        }
    });
    let req = send::Request {
        selection: sel,
        what,
        timeout,
        client_id: a.client_id.clone(),
        ignored,
    };
    let results = match super::small_runtime().block_on(send::run(req)) {
        Ok(r) => r,
        Err(e) => return target_failed(e, color),
    };
    let worst = results
        .iter()
        .map(|(_, o)| exit_of(o))
        .max_by_key(|e| rank(*e))
        .unwrap_or(Exit::Ok);
    let color = color.stdout;
    let printed = super::emit(|out| match a.format {
        SendFormat::Text => {
            for (t, o) in &results {
                writeln!(out, "{}", text(&task, t, o, color))?;
            }
            if results.len() > 1 {
                writeln!(out, "{}", summary(&results))?;
            }
            Ok(())
        }
        SendFormat::Json => {
            let all: Vec<_> = results.iter().map(|(t, o)| json_of(&task, t, o)).collect();
            serde_json::to_writer_pretty(&mut *out, &all)?;
            writeln!(out)
        }
    });
    match printed {
        Ok(()) => worst,
        Err(code) => code,
    }
}

/// One line after the hosts': how many of each outcome.
fn summary(results: &[(Target, Outcome)]) -> String {
    let n = |f: fn(&Outcome) -> bool| results.iter().filter(|(_, o)| f(o)).count();
    format!(
        "{} hosts: {} ok, {} failed, {} without a code, {} timed out, {} unreachable",
        results.len(),
        n(|o| matches!(o, Outcome::Result { code: Some(0), .. })),
        n(|o| matches!(o, Outcome::Result { code: Some(c), .. } if *c != 0)),
        n(|o| matches!(o, Outcome::Result { code: None, .. })),
        n(|o| matches!(o, Outcome::Timeout { .. })),
        n(|o| matches!(o, Outcome::Unreachable(_))),
    )
}

fn exit_of(o: &Outcome) -> Exit {
    match o {
        Outcome::Result { code: Some(0), .. } => Exit::Ok,
        Outcome::Result { code: Some(_), .. } => Exit::HostFailure,
        Outcome::Result { code: None, .. } => Exit::NoCode,
        Outcome::Timeout { .. } => Exit::Timeout,
        Outcome::Unreachable(_) => Exit::Unreachable,
    }
}

fn rank(e: Exit) -> u8 {
    match e {
        Exit::Ok => 0,
        Exit::HostFailure => 1,
        Exit::NoCode => 2,
        Exit::Timeout => 3,
        _ => 4,
    }
}

fn text(task: &Task, t: &Target, o: &Outcome, color: bool) -> String {
    let paint = |code: &str, s: String| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s
        }
    };
    let indent = |m: &str| {
        mon::mqtt::printable(m)
            .lines()
            .map(|l| format!("\n  {l}"))
            .collect::<String>()
    };
    // Said beside the result: the host got the task twice while running it.
    let dup = |n: &u32| match n {
        0 => String::new(),
        1 => ", delivered twice: the host answered the copy with 0x1100".into(),
        n => format!(
            ", delivered {} times: the host answered each copy with 0x1100",
            n + 1
        ),
    };
    match o {
        Outcome::Result { task_id, code: Some(0), message, latency, duplicates } => {
            format!("{}: {} (task {task_id}, {} ms{}){}", t.name, paint("32", "ok".into()), latency.as_millis(), dup(duplicates), indent(message))
        }
        Outcome::Result { task_id, code: Some(c), message, latency, duplicates } => format!(
            "{}: {} code {c} = {} (task {task_id}, {} ms{}){}",
            t.name,
            paint("31", "failed:".into()),
            meaning(task, *c),
            latency.as_millis(),
            dup(duplicates),
            indent(message)
        ),
        Outcome::Result { task_id, code: None, message, latency, duplicates } => format!(
            "{}: {} (task {task_id}, {} ms{}): the command may have exited before its status was read, or the host hit an error it reports without a code{}",
            t.name,
            paint("33", "result without a code".into()),
            latency.as_millis(),
            dup(duplicates),
            indent(message)
        ),
        Outcome::Timeout { task_id, waited, duplicates: 0 } => format!(
            "{}: {} no result for task {task_id} on {} within {:.1} s (is collectd with lua-collectd-monitor running and subscribed to {}?)",
            t.name,
            paint("31", "timeout:".into()),
            t.result_topic,
            waited.as_secs_f64(),
            t.topic
        ),
        Outcome::Timeout { task_id, waited, duplicates } => format!(
            "{}: {} no result for task {task_id} on {} within {:.1} s, though the host got it{}: it is still running (raise --timeout for long commands)",
            t.name,
            paint("31", "timeout:".into()),
            t.result_topic,
            waited.as_secs_f64(),
            dup(duplicates)
        ),
        Outcome::Unreachable(m) => format!("{}: {} {m}", t.name, paint("31", "error:".into())),
    }
}

fn json_of(task: &Task, t: &Target, o: &Outcome) -> serde_json::Value {
    let base = json!({"node": t.name, "broker": format!("{}:{}", t.host, t.port), "topic": t.topic, "result_topic": t.result_topic});
    let extra = match o {
        Outcome::Result {
            task_id,
            code,
            message,
            latency,
            duplicates,
        } => json!({
            "outcome": match code { Some(0) => "ok", Some(_) => "failed", None => "no-code" },
            "task_id": task_id, "code": code, "meaning": code.map(|c| meaning(task, c)),
            "message": message, "latency_ms": latency.as_secs_f64() * 1000.0,
            "duplicates": duplicates,
        }),
        Outcome::Timeout {
            task_id,
            waited,
            duplicates,
        } => {
            json!({"outcome": "timeout", "task_id": task_id, "waited_ms": waited.as_millis(), "duplicates": duplicates})
        }
        Outcome::Unreachable(m) => json!({"outcome": "unreachable", "error": m}),
    };
    let mut v = base;
    if let (Some(a), Some(b)) = (v.as_object_mut(), extra.as_object()) {
        a.extend(b.clone());
    }
    v
}

pub fn go_duration(s: &str) -> Result<Duration, String> {
    match mon::model::duration::parse(s) {
        Ok(ns) if ns > 0 => Ok(Duration::from_nanos(ns as u64)),
        Ok(_) => Err("must be greater than zero".into()),
        Err(e) => Err(format!("{e} (write e.g. 30s or 2m)")),
    }
}
