//! `mon status` for people (text), for scripts (short: one line per check
//! not as defined) and for machines (json). Member IDs, host names, tags and
//! keys come from etcd, so they are shown escaped: nothing read there can
//! drive the terminal.

use std::io::{self, Write};

use serde_json::json;

use crate::ninevolt::status::{State, Status};

/// A string from etcd, with control characters escaped.
fn shown(s: &str) -> String {
    if s.chars().any(char::is_control) {
        s.escape_debug().to_string()
    } else {
        s.to_string()
    }
}

fn problem(state: &State, members: &[String]) -> Option<String> {
    Some(match state {
        State::Running | State::Disabled => return None,
        State::NotInEtcd => "not in etcd: `mon sync` adds it".into(),
        State::Differs => "etcd holds another value: `mon sync` changes it".into(),
        State::Unassigned(why) => format!("not assigned: {}", why.text()),
        State::Duplicate => format!(
            "on {} members at once: {}",
            members.len(),
            members
                .iter()
                .map(|m| shown(m))
                .collect::<Vec<_>>()
                .join(", ")
        ),
    })
}

/// One line: the verdict, for the end of every format.
pub fn verdict(s: &Status) -> String {
    if s.pending() {
        "changes pending: etcd does not hold the definitions as written; `mon diff` shows them"
            .into()
    } else if !s.runs_as_told() {
        "not as defined: 9volt does not run what etcd says (see above)".into()
    } else {
        "ok: 9volt runs exactly what the definitions say".into()
    }
}

pub fn text(s: &Status, out: &mut dyn Write) -> io::Result<()> {
    let c = &s.cluster;
    writeln!(
        out,
        "9volt under /{}/: {} members alive, director {}",
        s.prefix,
        c.members.len(),
        c.director
            .as_deref()
            .map(shown)
            .unwrap_or_else(|| "none".into())
    )?;
    for m in c.members.values() {
        let tags = if m.tags.is_empty() {
            "(no tags)".to_string()
        } else {
            m.tags
                .iter()
                .map(|t| shown(t))
                .collect::<Vec<_>>()
                .join(",")
        };
        writeln!(
            out,
            "  {}  {}  tags {}  {} checks{}",
            shown(&m.id),
            shown(&m.hostname),
            tags,
            m.refs.len(),
            if c.director.as_deref() == Some(m.id.as_str()) {
                "  (director)"
            } else {
                ""
            }
        )?;
    }
    writeln!(
        out,
        "Definitions: {} monitors: {} running, {} disabled, {} unassigned, {} on several members, {} not in etcd, {} differing",
        s.checks.len(),
        s.count("running"),
        s.count("disabled"),
        s.count("unassigned"),
        s.count("duplicate"),
        s.count("not-in-etcd"),
        s.count("differs"),
    )?;
    for check in &s.checks {
        if let Some(p) = problem(&check.state, &check.members) {
            writeln!(out, "  monitor/{}  {p}", check.name)?;
        }
    }
    if !s.stale.is_empty() {
        writeln!(
            out,
            "References to checks that are not in etcd (9volt runs them anyway):"
        )?;
        for (check, member) in &s.stale {
            writeln!(out, "  {} on {}", shown(check), shown(member))?;
        }
    }
    if !s.undefined.is_empty() {
        writeln!(
            out,
            "{} monitors in etcd are not in these definitions (left alone)",
            s.undefined.len()
        )?;
    }
    writeln!(out, "{}", verdict(s))
}

pub fn short(s: &Status, out: &mut dyn Write) -> io::Result<()> {
    for check in &s.checks {
        if let Some(p) = problem(&check.state, &check.members) {
            writeln!(out, "monitor/{}: {}: {p}", check.name, check.state.as_str())?;
        }
    }
    for (check, member) in &s.stale {
        writeln!(
            out,
            "{}: stale: referenced on {} but not in etcd",
            shown(check),
            shown(member)
        )?;
    }
    writeln!(out, "{}", verdict(s))
}

pub fn json(s: &Status, out: &mut dyn Write) -> io::Result<()> {
    let c = &s.cluster;
    let members: Vec<_> = c
        .members
        .values()
        .map(|m| {
            json!({
                "id": m.id,
                "hostname": m.hostname,
                "tags": m.tags,
                "checks": m.refs.len(),
                "director": c.director.as_deref() == Some(m.id.as_str()),
            })
        })
        .collect();
    let checks: Vec<_> = s
        .checks
        .iter()
        .map(|check| {
            let why = match &check.state {
                State::Unassigned(w) => Some(w.text()),
                _ => None,
            };
            json!({
                "name": check.name,
                "key": check.key,
                "state": check.state.as_str(),
                "members": check.members,
                "why": why,
            })
        })
        .collect();
    let doc = json!({
        "prefix": s.prefix,
        "director": c.director,
        "members": members,
        "checks": checks,
        "stale_references": s.stale.iter().map(|(k, m)| json!({"key": k, "member": m})).collect::<Vec<_>>(),
        "not_in_definitions": s.undefined.len(),
        "summary": {
            "running": s.count("running"),
            "disabled": s.count("disabled"),
            "unassigned": s.count("unassigned"),
            "duplicate": s.count("duplicate"),
            "not_in_etcd": s.count("not-in-etcd"),
            "differs": s.count("differs"),
            "stale_references": s.stale.len(),
        },
        "pending": s.pending(),
        "as_defined": s.runs_as_told() && !s.pending(),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// How `mon status` shows what 9volt runs.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Members, then every definition not as defined, then the verdict
    Text,
    /// One line per definition not as defined, then the verdict
    Short,
    /// One JSON document: members, every definition's state, stale references
    Json,
}

/// The status in `format`.
pub fn write(s: &Status, format: Format, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    match format {
        Format::Text => text(s, out),
        Format::Short => short(s, out),
        Format::Json => json(s, out),
    }
}
