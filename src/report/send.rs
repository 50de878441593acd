//! The results of `send-command` and `send-config` as they arrive: a line
//! (or an NDJSON object) per host, then a summary; and the exit code of
//! the worst.

use std::io::Write;

use serde_json::json;

use crate::exit::Exit;
use crate::mqtt::{meaning, Outcome, Target, Task};

/// How results are shown.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A line per host as its result comes, then a summary
    Text,
    /// One JSON object per line (NDJSON) as results come, then a summary object
    Json,
}

/// Results shown as they arrive: a line (or a JSON object) per host the
/// moment its outcome is known, and on a terminal one status line that
/// says who is still awaited; the summary last. Results go to stdout, the
/// stages and the status line to stderr.
pub struct Live {
    format: Format,
    task: Task,
    color: bool,
    out: Box<dyn Write + Send>,
    err: Box<dyn Write + Send>,
    bar: Option<indicatif::ProgressBar>,
    timeout: std::time::Duration,
    dry_run: bool,
    /// Every target, and its outcome once known.
    hosts: Vec<(Target, Option<Outcome>)>,
}

impl Live {
    /// `status` says whether the status line may be drawn (a terminal that
    /// is not `TERM=dumb`); it never is with `--format json`.
    pub fn new(
        format: Format,
        task: Task,
        color: bool,
        status: bool,
        timeout: std::time::Duration,
        dry_run: bool,
    ) -> Live {
        let bar = (status && format == Format::Text).then(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                None,
                indicatif::ProgressDrawTarget::stderr(),
            );
            let style = indicatif::ProgressStyle::with_template(&format!(
                "{{spinner}} {{wide_msg}} ({{elapsed}} / {}s)",
                timeout.as_secs()
            ))
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
            bar.set_style(style);
            bar
        });
        Live {
            format,
            task,
            color,
            out: Box::new(std::io::stdout()),
            err: Box::new(std::io::stderr()),
            bar,
            timeout,
            dry_run,
            hosts: Vec::new(),
        }
    }

    /// A line on stderr (text format only), above the status line.
    fn say(&mut self, line: String) {
        if self.format != Format::Text {
            return;
        }
        let err = &mut self.err;
        match &self.bar {
            Some(b) => b.suspend(|| writeln!(err, "{line}")),
            None => writeln!(err, "{line}"),
        }
        .ok();
    }

    /// A host's task is ready; for a config, how it was made and checked.
    pub fn prepared(&mut self, t: &Target, bytes: usize, how: Option<&str>) {
        if let Some(how) = how {
            self.say(format!("{}: collectd.conf {how} ({})", t.name, size(bytes)));
        }
    }

    /// The tasks go out (or, dry run, would): to whom, through which
    /// broker as whom, and how long mon waits.
    pub fn sending(&mut self, targets: &[Target]) {
        self.hosts = targets.iter().map(|t| (t.clone(), None)).collect();
        let mut brokers: Vec<(String, usize)> = Vec::new();
        for t in targets {
            let via = format!("broker {}:{} as {}", t.host, t.port, account(t));
            match brokers.iter_mut().find(|(b, _)| *b == via) {
                Some((_, n)) => *n += 1,
                None => brokers.push((via, 1)),
            }
        }
        let verb = if self.dry_run {
            "connecting for"
        } else {
            "sending to"
        };
        for (via, n) in brokers {
            let hosts = if n == 1 { "host" } else { "hosts" };
            let wait = if self.dry_run {
                "nothing will be published".to_string()
            } else {
                format!(
                    "waiting up to {:.0} s for results",
                    self.timeout.as_secs_f64()
                )
            };
            self.say(format!("{verb} {n} {hosts} via {via}; {wait}"));
        }
        if let Some(b) = &self.bar {
            b.enable_steady_tick(std::time::Duration::from_millis(200));
        }
        self.status();
    }

    /// One host's outcome: shown at once.
    pub fn outcome(&mut self, t: &Target, o: &Outcome) {
        if let Some(slot) = self
            .hosts
            .iter_mut()
            .find(|(h, seen)| seen.is_none() && h.name == t.name && h.topic == t.topic)
        {
            slot.1 = Some(o.clone());
        }
        let shown = match self.format {
            Format::Text => line(&self.task, t, o, self.color),
            Format::Json => json_of(&self.task, t, o).to_string(),
        };
        let out = &mut self.out;
        match &self.bar {
            Some(b) => b.suspend(|| writeln!(out, "{shown}").and_then(|_| out.flush())),
            None => writeln!(out, "{shown}").and_then(|_| out.flush()),
        }
        .ok();
        self.status();
    }

    /// The hosts whose outcome has not come.
    fn waiting(&self) -> Vec<&str> {
        self.hosts
            .iter()
            .filter(|(_, o)| o.is_none())
            .map(|(t, _)| t.name.as_str())
            .collect()
    }

    fn status(&self) {
        let Some(b) = &self.bar else { return };
        let waiting = self.waiting();
        let answered = self.hosts.len() - waiting.len();
        let mut names = waiting
            .iter()
            .take(5)
            .copied()
            .collect::<Vec<_>>()
            .join(", ");
        if waiting.len() > 5 {
            names.push_str(" …");
        }
        b.set_message(format!(
            "sent to {} hosts, {answered} answered, waiting for {names}",
            self.hosts.len()
        ));
    }

    /// The summary, last; `interrupted` when ^C ended the wait. Returns
    /// the exit code: the worst outcome's, or 130 when interrupted.
    pub fn finish(mut self, interrupted: bool) -> std::io::Result<Exit> {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        let known: Vec<(Target, Outcome)> = self
            .hosts
            .iter()
            .filter_map(|(t, o)| Some((t.clone(), o.clone()?)))
            .collect();
        let waiting: Vec<String> = self.waiting().into_iter().map(str::to_string).collect();
        let code = if interrupted {
            Exit::Interrupted
        } else if !waiting.is_empty() {
            // Every host is told an outcome; one that was not is a fault.
            Exit::Unreachable
        } else {
            worst(&known)
        };
        match self.format {
            Format::Text => {
                if known.len() > 1 || interrupted {
                    writeln!(self.out, "{}", summary(&known, self.hosts.len()))?;
                }
                if interrupted {
                    writeln!(
                        self.out,
                        "interrupted: no result shown for {}",
                        if waiting.is_empty() {
                            "none".to_string()
                        } else {
                            waiting.join(", ")
                        }
                    )?;
                }
            }
            Format::Json => {
                let n = |f: fn(&Outcome) -> bool| known.iter().filter(|(_, o)| f(o)).count();
                let doc = json!({"summary": {
                    "hosts": self.hosts.len(),
                    "ok": n(|o| matches!(o, Outcome::Result { code: Some(0), .. })),
                    "failed": n(|o| matches!(o, Outcome::Result { code: Some(c), .. } if *c != 0)),
                    "no_code": n(|o| matches!(o, Outcome::Result { code: None, .. })),
                    "timeout": n(|o| matches!(o, Outcome::Timeout { .. })),
                    "unreachable": n(|o| matches!(o, Outcome::Unreachable(_))),
                    "ready": n(|o| matches!(o, Outcome::Ready { .. })),
                    "interrupted": interrupted,
                    "waiting": waiting,
                }, "exit_code": code.code()});
                writeln!(self.out, "{doc}")?;
            }
        }
        self.out.flush()?;
        Ok(code)
    }
}

/// A `Live` shared with the send that tells it how things go.
#[derive(Clone)]
pub struct Shared(std::sync::Arc<std::sync::Mutex<Option<Live>>>);

impl Shared {
    pub fn new(live: Live) -> Shared {
        Shared(std::sync::Arc::new(std::sync::Mutex::new(Some(live))))
    }

    fn with(&self, f: impl FnOnce(&mut Live)) {
        let mut guard = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(l) = guard.as_mut() {
            f(l)
        }
    }

    /// What the send calls as it goes.
    pub fn progress(&self) -> crate::ops::send::OnProgress {
        use crate::ops::send::Progress;
        let me = self.clone();
        std::sync::Arc::new(move |p: Progress<'_>| {
            me.with(|l| match p {
                Progress::Prepared { target, bytes, how } => l.prepared(target, bytes, how),
                Progress::Sending { targets } => l.sending(targets),
                Progress::Outcome(t, o) => l.outcome(t, o),
            })
        })
    }

    /// The summary; the exit code (3 when the output cannot be written).
    pub fn finish(&self, interrupted: bool) -> Exit {
        let Some(l) = self.0.lock().unwrap_or_else(|e| e.into_inner()).take() else {
            return Exit::Io;
        };
        match l.finish(interrupted) {
            Ok(code) => code,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Exit::Ok,
            Err(e) => {
                eprintln!("error: cannot write output: {e}");
                Exit::Io
            }
        }
    }
}

/// A send that stopped before it had anything to show: with
/// `--format json`, one line saying so (as every line of the stream is).
pub fn failed(format: Format, code: Exit) -> Exit {
    if format == Format::Json {
        println!(
            "{}",
            json!({"outcome": {"status": "failed", "exit_code": code.code()}})
        );
    }
    code
}

/// The exit code of the worst outcome.
pub fn worst(results: &[(Target, Outcome)]) -> Exit {
    results
        .iter()
        .map(|(_, o)| exit_of(o))
        .max_by_key(|e| rank(*e))
        .unwrap_or(Exit::Ok)
}

/// Who mon connects as: the account's user, never its password.
fn account(t: &Target) -> String {
    match &t.user {
        Some(u) => format!("`{}`", crate::mqtt::printable(u)),
        None => "no user".into(),
    }
}

/// A size as people read it: bytes, KiB or MiB.
fn size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{:.1} KiB", b as f64 / 1024.0),
        b => format!("{:.1} MiB", b as f64 / (1024.0 * 1024.0)),
    }
}

/// One line after the hosts': how many of each outcome.
fn summary(results: &[(Target, Outcome)], hosts: usize) -> String {
    let n = |f: fn(&Outcome) -> bool| results.iter().filter(|(_, o)| f(o)).count();
    let ready = n(|o| matches!(o, Outcome::Ready { .. }));
    let mut s = format!(
        "{hosts} hosts: {} ok, {} failed, {} without a code, {} timed out, {} unreachable",
        n(|o| matches!(o, Outcome::Result { code: Some(0), .. })),
        n(|o| matches!(o, Outcome::Result { code: Some(c), .. } if *c != 0)),
        n(|o| matches!(o, Outcome::Result { code: None, .. })),
        n(|o| matches!(o, Outcome::Timeout { .. })),
        n(|o| matches!(o, Outcome::Unreachable(_))),
    );
    if ready > 0 {
        s.push_str(&format!(", {ready} ready (dry run: nothing was published)"));
    }
    s
}

fn exit_of(o: &Outcome) -> Exit {
    match o {
        Outcome::Result { code: Some(0), .. } | Outcome::Ready { .. } => Exit::Ok,
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

fn line(task: &Task, t: &Target, o: &Outcome, color: bool) -> String {
    let paint = |code: &str, s: String| {
        if color {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s
        }
    };
    let indent = |m: &str| {
        crate::mqtt::printable(m)
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
        Outcome::Ready { bytes } => format!(
            "{}: {} would send {} to {} (QoS {}) via broker {}:{} as {}; connected, authenticated and subscribed to {}",
            t.name,
            paint("32", "ready:".into()),
            size(*bytes),
            t.topic,
            t.qos,
            t.host,
            t.port,
            account(t),
            t.result_topic
        ),
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
        Outcome::Ready { bytes } => {
            json!({"outcome": "ready", "bytes": bytes, "qos": t.qos, "user": t.user})
        }
    };
    let mut v = base;
    if let (Some(a), Some(b)) = (v.as_object_mut(), extra.as_object()) {
        a.extend(b.clone());
    }
    v
}
