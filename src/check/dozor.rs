//! Dozor agents (dozor-conveyer-collectd.md §1.4).

use crate::diagnostic::{Code, Diagnostic};
use crate::model::dozor::Agent;

/// What a filter regex is to the agent: its capture groups, or why the
/// JavaScript agent and mon would read it apart.
type Read = Result<usize, String>;

/// Each distinct regex compiled once: ten thousand agents share a handful.
pub struct Regexes<'m>(foldhash::HashMap<&'m str, Read>);

impl<'m> Regexes<'m> {
    /// Every filter regex of `agents`, read before the agents are checked,
    /// so they can be checked in parallel.
    pub fn of(agents: &[&'m Agent]) -> Regexes<'m> {
        let distinct: foldhash::HashSet<&'m str> = agents
            .iter()
            .flat_map(|a| &a.plugins)
            .filter_map(|p| p.filter.as_ref().map(|f| f.regex.as_str()))
            .collect();
        let distinct: Vec<&'m str> = distinct.into_iter().collect();
        let read = crate::par::map(&distinct, |re| {
            js_regex_problem(re).map_or_else(
                || {
                    regex::Regex::new(re)
                        .map(|r| r.captures_len() - 1)
                        .map_err(|e| super::regex_message(&e.to_string()))
                },
                Err,
            )
        });
        Regexes(distinct.into_iter().zip(read).collect())
    }

    fn read(&self, re: &str) -> &Read {
        &self.0[re]
    }
}

pub fn agent(a: &Agent, regexes: &Regexes, out: &mut Vec<Diagnostic>) {
    let control = a.control_channel();
    if a.events_channel.as_str() == control {
        out.push(
            Diagnostic::error(
                Code::DozorChannel,
                a.events_channel.span,
                format!("the events channel is the control channel `{control}`"),
            )
            .with_hint("fire events would be read as control commands; use another channel"),
        );
    }
    for p in &a.plugins {
        if let Some(first) = p.exec.first() {
            let argv0 = first.as_str();
            if argv0.is_empty() || argv0.contains(char::is_whitespace) {
                out.push(
                    Diagnostic::error(Code::DozorExec, first.span, format!("`{argv0}` is not a program name"))
                        .with_hint("exec is an argv list run without a shell: put each argument in its own item"),
                );
            }
        }
        let Some(filter) = &p.filter else { continue };
        match (regexes.read(filter.regex.as_str()), &filter.group) {
            (Err(why), _) => out.push(
                Diagnostic::error(Code::DozorRegex, filter.regex.span, format!("filter regex of plugin `{}`: {why}", p.name.value))
                    .with_hint("the agent runs JavaScript and mon checks in Rust; stay in the subset both read the same way"),
            ),
            (Ok(groups), Some(g)) if g.value as usize > *groups => {
                out.push(Diagnostic::error(
                    Code::DozorRegex,
                    g.span,
                    format!(
                        "group {} does not exist: the regex has {groups} capture group(s)",
                        g.value
                    ),
                ));
            }
            _ => {}
        }
    }
}

/// Inline flags and named groups differ between the two dialects, and so do
/// Unicode classes; lookaround and backreferences fail to compile after.
fn js_regex_problem(re: &str) -> Option<String> {
    if re.contains("(?") && re.replace("(?:", "").contains("(?") {
        return Some(
            "`(?...)` groups other than `(?:...)` are read differently by JavaScript".into(),
        );
    }
    if re.contains("\\p{") || re.contains("\\P{") {
        return Some("Unicode classes `\\p{..}` need a flag in JavaScript".into());
    }
    None
}
