//! Flags and output shared by `send-command` and `send-config`.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use mon::exit::Exit;
use mon::mqtt::Task;
use mon::ops::send::{self, Explicit, Selection};
use mon::report::send::Format;

#[derive(clap::Args)]
#[command(next_help_heading = "Target")]
pub struct TargetArgs {
    /// Send to this collectd host from the definitions (repeatable)
    #[arg(long, value_name = "HOST")]
    pub node: Vec<String>,
    /// Send to every collectd host in the definitions
    #[arg(long, conflicts_with = "node")]
    pub all: bool,
    /// Definition files or directories, as the PATHS argument (an older spelling)
    #[arg(long, value_name = "PATH", hide = true)]
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
    #[command(flatten)]
    pub account: mon::settings::mqtt::AccountFlags,
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
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show messages that were ignored (other tasks' results, malformed payloads)
    #[arg(long, short = 'v')]
    pub verbose: bool,
    #[command(flatten)]
    pub input: mon::settings::input::InputFlags,
}

/// Where to send, from `paths` (the command's PATHS and any --defs).
pub fn selection(a: &TargetArgs, mut paths: Vec<PathBuf>) -> Result<Selection, Exit> {
    paths.extend(a.defs.iter().cloned());
    let input = super::input(&a.input, paths)?;
    let account = a
        .account
        .resolve(input.cfg.as_ref())
        .map_err(super::setting_failed)?;
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
        defs: input.scope,
        nodes: a.node.clone(),
        all: a.all,
        qos: a.qos,
        secure: a.secure,
        cafile: a.cafile.clone(),
        insecure: a.insecure,
    })
}

/// Resolves targets, sends, prints one result per target, and returns the
/// exit code of the worst outcome.
pub fn run(
    a: &TargetArgs,
    paths: Vec<PathBuf>,
    what: send::What,
    timeout: Duration,
    color: super::Colors,
) -> Exit {
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
    let fail = |code| super::failed_json(a.format == Format::Json, code);
    let sel = match selection(a, paths) {
        Ok(s) => s,
        Err(code) => return fail(code),
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
    let results = match mon::etcd::runtime(1).block_on(send::run(req)) {
        Ok(r) => r,
        Err(e) => return fail(e.report(color.stderr, &mut std::io::stderr())),
    };
    let color = color.stdout;
    let printed =
        super::emit(|out| mon::report::send::write(a.format, &task, &results, color, out));
    match printed {
        Ok(()) => mon::report::send::worst(&results),
        Err(code) => code,
    }
}
