//! The plan for machines: summary counts and every pending change with its
//! before and after values (secrets masked).

use std::io::{self, Write};

use serde_json::json;

use crate::plan::{Action, Plan};

/// `outcome`: what `mon sync` did with the plan, in the same document;
/// `pace`: how a sync writes it to a running 9volt.
pub fn write(
    plan: &Plan,
    api: &str,
    pace: Option<&serde_json::Value>,
    outcome: Option<&serde_json::Value>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let changes: Vec<_> = plan
        .changes
        .iter()
        .filter(|c| c.action != Action::Unchanged)
        .map(|c| {
            let before = match (&c.before, &c.before_raw) {
                (Some(_), _) => plan.shown(c, true).unwrap_or_default(),
                (None, Some(raw)) => json!({"not_json_bytes": raw.len()}),
                _ => serde_json::Value::Null,
            };
            json!({
                "key": c.key,
                "section": c.section.key(),
                "name": c.name,
                "action": c.action.as_str(),
                "owner": c.owner,
                "before": before,
                "after": plan.shown(c, false),
            })
        })
        .collect();
    let mut doc = json!({
        "prefix": plan.prefix,
        "api": api,
        "owner": plan.owner,
        "owned": plan.owned,
        "summary": {
            "add": plan.count(Action::Add),
            "change": plan.count(Action::Change),
            "adopt": plan.count(Action::Adopt),
            "delete": plan.count(Action::Delete),
            "unchanged": plan.count(Action::Unchanged),
            "left_alone": plan.count(Action::LeftAlone),
            "owned_elsewhere": plan.count(Action::OwnedElsewhere),
        },
        "unreadable_keys": plan.unreadable,
        "changes": changes,
    });
    if let Some(p) = pace {
        doc["pace"] = p.clone();
    }
    if let Some(o) = outcome {
        doc["outcome"] = o.clone();
    }
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The document when no plan could be made: the same shape, with no
/// changes and the outcome `failed` (the reason is on stderr).
pub fn failed(
    code: crate::exit::Exit,
    details: serde_json::Value,
    out: &mut dyn Write,
) -> io::Result<()> {
    let doc = json!({
        "changes": [],
        "outcome": {"status": "failed", "exit_code": code.code()},
        "diagnostics": details,
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
