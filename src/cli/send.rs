//! Flags and output shared by `send-command` and `send-config`.

use std::path::PathBuf;
use std::time::Duration;

use mon::exit::Exit;
use mon::ops::send::{self, Explicit, Selection};
use mon::report::send::{Format, Live, Shared};

#[derive(clap::Args)]
#[command(next_help_heading = "Target")]
pub struct TargetArgs {
    /// Send to this collectd host from the definitions (repeatable)
    #[arg(long, value_name = "HOST", add = clap_complete::ArgValueCandidates::new(mon::complete::collectd_hosts))]
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
    /// Client certificate (PEM) for a broker that requires one (implies TLS; with --key)
    #[arg(long, value_name = "FILE", requires = "key")]
    pub cert: Option<PathBuf>,
    /// Private key (PEM) of --cert
    #[arg(long, value_name = "FILE", requires = "cert")]
    pub key: Option<PathBuf>,
    /// QoS for the subscription and the task: 0, 1 or 2 [default: the host's, else 2]
    #[arg(long, value_parser = clap::value_parser!(u8).range(0..=2))]
    pub qos: Option<u8>,
    /// MQTT client id [default: mon-<pid>-<random>]
    #[arg(long)]
    pub client_id: Option<String>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Show messages that were ignored (other tasks' results, malformed payloads), and collectd's info lines of --check
    #[arg(long, short = 'v')]
    pub verbose: bool,
    /// Do everything but publish: make and check each task, connect, log in and subscribe, then say what would be sent where and as whom
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub input: mon::settings::input::InputFlags,
}

/// Where to send, from `paths` (the command's PATHS and any --defs).
pub fn selection(a: &TargetArgs, mut paths: Vec<PathBuf>) -> Result<Selection, Exit> {
    paths.extend(a.defs.iter().cloned());
    let input = super::input(&a.input, paths)?;
    let account = a
        .account
        .resolve(input.cfg.as_ref(), &mut |w| eprintln!("warning: {w}"))
        .map_err(super::setting_failed)?;
    let explicit = a.host.as_ref().map(|h| Explicit {
        host: h.clone(),
        account: account.clone(),
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
        cert: a.cert.clone(),
        key: a.key.clone(),
    })
}

/// Resolves targets, sends, shows each result as it arrives, and returns
/// the exit code of the worst outcome (130 after ^C).
pub fn run(
    a: &TargetArgs,
    paths: Vec<PathBuf>,
    what: send::What,
    timeout: Duration,
    color: super::Colors,
) -> Exit {
    let sel = match selection(a, paths) {
        Ok(s) => s,
        Err(code) => return mon::report::send::failed(a.format, code),
    };
    let status = std::io::IsTerminal::is_terminal(&std::io::stderr())
        && std::env::var("TERM").map_or(true, |t| t != "dumb");
    let live = Shared::new(Live::new(
        a.format,
        what.task_kind(),
        color.stdout,
        status,
        timeout,
        a.dry_run,
    ));
    let req = send::Request {
        selection: sel,
        what,
        timeout,
        client_id: a.client_id.clone(),
        dry_run: a.dry_run,
        verbose: a.verbose,
        ignored: mon::mqtt::shown_if(a.verbose),
        progress: live.progress(),
    };
    match send::run_until_interrupted(req) {
        Some(Ok(_)) => live.finish(false),
        Some(Err(e)) => {
            mon::report::send::failed(a.format, e.report(color.stderr, &mut std::io::stderr()))
        }
        None => live.finish(true),
    }
}
