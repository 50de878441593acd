//! Dozor agents (dozor-conveyer-collectd.md §1.4).

use crate::catalog::Definition;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::Node;

pub const DEFAULT_CONTROL_CHANNEL: &str = "dozor.control";

pub fn agent(def: &Definition, out: &mut Vec<Diagnostic>) {
    {
        let node = &def.node;
        if let Some(bus) = node.get("bus") {
            let control = bus
                .get("control_channel")
                .and_then(Node::as_str)
                .unwrap_or(DEFAULT_CONTROL_CHANNEL);
            if let Some(ev) = bus.get("events_channel") {
                if ev.as_str() == Some(control) {
                    out.push(
                        Diagnostic::error(
                            Code::DozorChannel,
                            ev.span,
                            format!("the events channel is the control channel `{control}`"),
                        )
                        .with_hint(
                            "fire events would be read as control commands; use another channel",
                        ),
                    );
                }
            }
        }
        let Some(plugins) = node.get("plugins") else {
            return;
        };
        for p in plugins.entries() {
            if let Some(exec) = p.value.get("exec") {
                if let Some(first) = exec.items().first() {
                    if let Some(argv0) = first.as_str() {
                        if argv0.is_empty() || argv0.contains(char::is_whitespace) {
                            out.push(
                                Diagnostic::error(Code::DozorExec, first.span, format!("`{argv0}` is not a program name"))
                                    .with_hint("exec is an argv list run without a shell: put each argument in its own item"),
                            );
                        }
                    }
                }
            }
            if let Some(filter) = p.value.get("filter") {
                let Some(re_node) = filter.get("regex") else {
                    continue;
                };
                let Some(re) = re_node.as_str() else { continue };
                if let Some(why) = js_regex_problem(re) {
                    out.push(
                        Diagnostic::error(Code::DozorRegex, re_node.span, format!("filter regex of plugin `{}`: {why}", p.key))
                            .with_hint("the agent runs JavaScript and mon checks in Rust; stay in the subset both read the same way"),
                    );
                } else if let Ok(compiled) = regex::Regex::new(re) {
                    if let Some(g) = filter.get("group") {
                        let groups = compiled.captures_len() - 1;
                        if g.as_i64().is_some_and(|n| n as usize > groups) {
                            out.push(Diagnostic::error(
                                Code::DozorRegex,
                                g.span,
                                format!("group {} does not exist: the regex has {groups} capture group(s)", g.as_i64().unwrap_or(0)),
                            ));
                        }
                    }
                }
            }
        }
    }
}

/// Lookaround and backreferences fail Rust's regex; inline flags and named
/// groups differ between the two dialects.
fn js_regex_problem(re: &str) -> Option<String> {
    if re.contains("(?") && re.replace("(?:", "").contains("(?") {
        return Some(
            "`(?...)` groups other than `(?:...)` are read differently by JavaScript".into(),
        );
    }
    if re.contains("\\p{") || re.contains("\\P{") {
        return Some("Unicode classes `\\p{..}` need a flag in JavaScript".into());
    }
    match regex::Regex::new(re) {
        Ok(_) => None,
        Err(e) => Some(super::regex_message(&e.to_string())),
    }
}
