//! The plan in Markdown: a table of counts, then one collapsible section
//! per key with its diff, for a pull request or `$GITHUB_STEP_SUMMARY`.
//! Secrets are masked as in every format; keys and values are escaped
//! (`markdown::text`, `markdown::html`, a fence no value can close).

use std::io::{self, Write};

use similar::{ChangeTag, TextDiff};

use super::markdown::{code_block, html, text};
use super::plan_text::{after_text, before_text};
use crate::plan::{Action, Plan};

pub fn write(plan: &Plan, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "### mon plan: {} under /{}\n",
        text(&plan.owner),
        text(&plan.prefix)
    )?;
    let counts = [
        (Action::Add, "to add"),
        (Action::Change, "to change"),
        (Action::Delete, "to delete"),
        (Action::Adopt, "to adopt"),
        (Action::Unchanged, "unchanged"),
        (Action::OwnedElsewhere, "owned elsewhere"),
        (Action::LeftAlone, "left alone"),
    ];
    let head: Vec<&str> = counts.iter().map(|(_, w)| *w).collect();
    writeln!(out, "| {} |", head.join(" | "))?;
    writeln!(out, "|{}", "---:|".repeat(counts.len()))?;
    let row: Vec<String> = counts
        .iter()
        .map(|(a, _)| plan.count(*a).to_string())
        .collect();
    writeln!(out, "| {} |\n", row.join(" | "))?;
    for c in plan.with(Action::OwnedElsewhere) {
        writeln!(
            out,
            "- {} belongs to the definitions of {}: not written",
            text(&c.key),
            text(c.owner.as_deref().unwrap_or("another owner"))
        )?;
    }
    for c in plan.with(Action::Adopt) {
        writeln!(
            out,
            "- {} will be adopted: only mon's mark is added",
            text(&c.key)
        )?;
    }
    writeln!(out)?;
    for c in plan
        .changes
        .iter()
        .filter(|c| c.action.writes() && c.action != Action::Adopt)
    {
        let (sign, verb) = match c.action {
            Action::Add => ("+", "will be added"),
            Action::Change => ("~", "will be changed"),
            _ => ("-", "will be deleted"),
        };
        writeln!(
            out,
            "<details><summary>{sign} {} {verb}</summary>\n",
            html(&c.key)
        )?;
        let (before, after) = (before_text(plan, c), after_text(plan, c));
        let diff = TextDiff::from_lines(&before, &after);
        let mut body = String::new();
        for change in diff.iter_all_changes() {
            let mark = match change.tag() {
                ChangeTag::Delete => '-',
                ChangeTag::Insert => '+',
                ChangeTag::Equal => ' ',
            };
            body.push(mark);
            body.push_str(&super::shown(change.value().trim_end_matches('\n')));
            body.push('\n');
        }
        code_block(out, "diff", &body)?;
        writeln!(out, "\n</details>\n")?;
    }
    writeln!(out, "{}", text(&format!("Plan: {}.", plan.summary())))
}
