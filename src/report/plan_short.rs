//! The plan in one line per key that would be written, deleted or is held by
//! another owner, then the summary: for plans of thousands of keys.

use std::io::{self, Write};

use super::shown;
use crate::plan::{Action, Plan};

pub fn write(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    for c in &plan.changes {
        let sign = match c.action {
            Action::Add => "+",
            Action::Change => "~",
            Action::Adopt => "=",
            Action::Delete => "-",
            Action::OwnedElsewhere => "!",
            Action::Unchanged | Action::LeftAlone => continue,
        };
        match (&c.action, &c.owner) {
            (Action::OwnedElsewhere, Some(o)) => {
                writeln!(out, "{sign} {} (owner `{}`)", shown(&c.key), shown(o))?
            }
            _ => writeln!(out, "{sign} {}", shown(&c.key))?,
        }
    }
    if plan.differs() {
        writeln!(out, "Plan: {}.", plan.summary())
    } else {
        writeln!(out, "No changes: {}.", plan.summary())
    }
}
