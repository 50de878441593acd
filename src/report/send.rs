//! The results of `send-command` and `send-config`: a line per host (and a
//! summary), or one JSON document; and the exit code of the worst.

use std::io::Write;

use serde_json::json;

use crate::exit::Exit;
use crate::mqtt::{meaning, Outcome, Target, Task};

/// How results are shown.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A line per host, then a summary
    Text,
    /// One JSON array, an object per host
    Json,
}

/// The results in `format`.
pub fn write(
    format: Format,
    task: &Task,
    results: &[(Target, Outcome)],
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match format {
        Format::Text => text(task, results, color, out),
        Format::Json => json(task, results, out),
    }
}

/// The exit code of the worst outcome.
pub fn worst(results: &[(Target, Outcome)]) -> Exit {
    results
        .iter()
        .map(|(_, o)| exit_of(o))
        .max_by_key(|e| rank(*e))
        .unwrap_or(Exit::Ok)
}

/// A line per host, then a summary when there are several.
pub fn text(
    task: &Task,
    results: &[(Target, Outcome)],
    color: bool,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    for (t, o) in results {
        writeln!(out, "{}", line(task, t, o, color))?;
    }
    if results.len() > 1 {
        writeln!(out, "{}", summary(results))?;
    }
    Ok(())
}

/// One JSON array, an object per host.
pub fn json(
    task: &Task,
    results: &[(Target, Outcome)],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let all: Vec<_> = results.iter().map(|(t, o)| json_of(task, t, o)).collect();
    serde_json::to_writer_pretty(&mut *out, &all)?;
    writeln!(out)
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
