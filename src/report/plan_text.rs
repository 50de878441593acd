//! The plan for people: one line per key that would change, a unified diff
//! of canonical JSON for changes, and a summary line. Secrets are masked.

use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

use super::shown;
use crate::plan::{Action, Change, Plan};

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const YELLOW: &str = "\x1b[33m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Keys left alone listed by name, at most.
const SHOWN: usize = 10;

fn json_lines(v: &serde_json::Value) -> String {
    serde_json::to_string_pretty(v).expect("JSON values serialize") + "\n"
}

pub(super) fn before_text(plan: &Plan, c: &Change) -> String {
    match (&c.before, &c.before_raw) {
        (Some(_), _) => json_lines(&plan.shown(c, true).unwrap_or_default()),
        (None, Some(raw)) => format!(
            "(not JSON, {} bytes: 9volt cannot read this value)\n",
            raw.len()
        ),
        (None, None) => String::new(),
    }
}

/// Only the new side says a secret changed, so the diff shows that line.
pub(super) fn after_text(plan: &Plan, c: &Change) -> String {
    plan.shown(c, false)
        .map_or(String::new(), |v| json_lines(&v))
}

/// `context`: lines of unchanged JSON shown around each change (all when None).
pub fn write(
    plan: &Plan,
    out: &mut dyn Write,
    color: bool,
    context: Option<usize>,
) -> io::Result<()> {
    let paint = |code: &str, text: &str| {
        if color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_string()
        }
    };
    for c in plan.with(Action::OwnedElsewhere) {
        writeln!(
            out,
            "{} {}",
            paint(RED, "!"),
            paint(
                BOLD,
                &format!(
                    "{} belongs to the definitions of `{}`: not written (--take-over makes it `{}`'s)",
                    shown(&c.key),
                    shown(c.owner.as_deref().unwrap_or_default()),
                    shown(&plan.owner)
                )
            )
        )?;
    }
    for c in plan.with(Action::Adopt) {
        writeln!(
            out,
            "{} {}",
            paint(GREEN, "="),
            paint(
                BOLD,
                &format!(
                    "{} will be adopted: etcd holds the definition; only mon's mark is added",
                    shown(&c.key)
                )
            )
        )?;
    }
    for c in plan
        .changes
        .iter()
        .filter(|c| c.action.writes() && c.action != Action::Adopt)
    {
        let (sign, code, verb) = match c.action {
            Action::Add => ("+", GREEN, "will be added"),
            Action::Change => ("~", YELLOW, "will be changed"),
            _ => ("-", RED, "will be deleted"),
        };
        writeln!(
            out,
            "{} {}",
            paint(code, sign),
            paint(BOLD, &format!("{} {verb}", shown(&c.key)))
        )?;
        let (before, after) = (before_text(plan, c), after_text(plan, c));
        let diff = TextDiff::from_lines(&before, &after);
        let groups = match context {
            Some(n) => diff.grouped_ops(n),
            None => vec![diff.ops().to_vec()],
        };
        for (i, group) in groups.iter().enumerate() {
            if i > 0 {
                writeln!(out, "      ...")?;
            }
            for op in group {
                for change in diff.iter_changes(op) {
                    let line = change.value().trim_end_matches('\n');
                    match change.tag() {
                        ChangeTag::Delete => {
                            writeln!(out, "    {}", paint(RED, &format!("- {line}")))?
                        }
                        ChangeTag::Insert => {
                            writeln!(out, "    {}", paint(GREEN, &format!("+ {line}")))?
                        }
                        ChangeTag::Equal => writeln!(out, "      {line}")?,
                    }
                }
            }
        }
    }
    let alone: Vec<&Change> = plan.with(Action::LeftAlone).collect();
    if !alone.is_empty() {
        writeln!(
            out,
            "Left alone: {} keys in etcd that these definitions (owner `{}`) did not write:",
            alone.len(),
            shown(&plan.owner)
        )?;
        for c in alone.iter().take(SHOWN) {
            let by = match &c.owner {
                Some(o) => format!("owner `{}`", shown(o)),
                None => "no owner: 9volt's API, 9volt cfg or etcdctl; --prune-unowned deletes it"
                    .to_string(),
            };
            writeln!(out, "  {} ({by})", shown(&c.key))?;
        }
        if alone.len() > SHOWN {
            writeln!(out, "  ... and {} more", alone.len() - SHOWN)?;
        }
    }
    let pending = plan.pending();
    if pending == 0 && !plan.differs() {
        let mut line = format!(
            "No changes: etcd matches the definitions ({} unchanged",
            plan.count(Action::Unchanged)
        );
        if !alone.is_empty() {
            line.push_str(&format!(", {} left alone", alone.len()));
        }
        writeln!(out, "{line}).")
    } else {
        writeln!(out, "Plan: {}.", plan.summary())
    }
}
