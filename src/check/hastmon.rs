//! hastmon clusters (reference/hastmon.md §1-§5, §10): everything its parser
//! would refuse on some node, and what it would silently misread.

use std::collections::BTreeMap;

use super::suggest;
use crate::catalog::Definition;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::syntax::Node;

pub const KEYWORDS: &[&str] = &[
    "control",
    "listen",
    "port",
    "timeout",
    "exec",
    "resource",
    "priority",
    "attempts",
    "heartbeat_interval",
    "friends",
    "remote",
    "key",
    "algorithm",
    "secret",
    "complaint_count",
    "complaint_interval",
    "on",
    "role_on_start",
    "init",
    "primary",
    "secondary",
    "watchdog",
];

pub const MAX_RESOURCE_NAME: usize = 254;
pub const MAX_EXEC: usize = 4095;
pub const MAX_ADDRESS: usize = 1023;
pub const MAX_SECRET: usize = 1023;
pub const MAX_NODE_NAME: usize = 63;

/// Why a word cannot be a hastmon STR token, if it cannot.
pub fn token_problem(s: &str) -> Option<String> {
    if s.is_empty() {
        return Some("it is empty".into());
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | ':' | '-')))
    {
        return Some(format!("hastmon has no quoting and cannot read `{c}`"));
    }
    if s.chars().all(|c| c.is_ascii_digit()) {
        return Some("an all-digit word is read as a number, not a name".into());
    }
    if KEYWORDS.contains(&s) {
        return Some(format!("`{s}` is a hastmon keyword"));
    }
    None
}

/// Roles a node has in one resource, in the order hastmon prefers them.
pub struct Roles<'a> {
    pub primary: Option<(&'a str, Span)>,
    pub secondary: Vec<(&'a str, Span)>,
    pub watchdog: Vec<(&'a str, Span)>,
}

impl<'a> Roles<'a> {
    pub fn of(resource: &'a Node) -> Self {
        Roles {
            primary: resource
                .get("primary")
                .and_then(|n| n.as_str().map(|s| (s, n.span))),
            secondary: resource
                .get("secondary")
                .map(|n| n.strings().collect())
                .unwrap_or_default(),
            watchdog: resource
                .get("watchdog")
                .map(|n| n.strings().collect())
                .unwrap_or_default(),
        }
    }
    pub fn all(&self) -> impl Iterator<Item = (&'a str, Span, &'static str)> + '_ {
        self.primary
            .iter()
            .map(|(n, s)| (*n, *s, "primary"))
            .chain(self.secondary.iter().map(|(n, s)| (*n, *s, "secondary")))
            .chain(self.watchdog.iter().map(|(n, s)| (*n, *s, "watchdog")))
    }
    /// Primary-capable nodes with their effective priorities.
    pub fn priorities(&self, resource: &Node) -> Vec<(&'a str, i64)> {
        let explicit = resource.get("priority");
        self.primary
            .iter()
            .chain(self.secondary.iter())
            .enumerate()
            .map(|(i, (n, _))| {
                let p = explicit
                    .and_then(|e| e.get(n))
                    .and_then(Node::as_i64)
                    .unwrap_or(i as i64);
                (*n, p)
            })
            .collect()
    }
}

fn token(out: &mut Vec<Diagnostic>, span: Span, what: &str, value: &str) {
    if let Some(why) = token_problem(value) {
        out.push(
            Diagnostic::error(
                Code::HastToken,
                span,
                format!("{what} `{value}` cannot be written into hastmon.conf: {why}"),
            )
            .with_hint(
                "use letters, digits and `. _ / : -`, not all digits and not a hastmon keyword",
            ),
        );
    }
}

fn too_long(out: &mut Vec<Diagnostic>, span: Span, what: &str, value: &str, max: usize) {
    if value.len() > max {
        out.push(Diagnostic::error(
            Code::HastTooLong,
            span,
            format!(
                "{what} is {} characters; hastmon accepts at most {max}",
                value.len()
            ),
        ));
    }
}

pub fn cluster(def: &Definition, out: &mut Vec<Diagnostic>) {
    let node = &def.node;
    let Some(nodes) = node.get("nodes") else {
        return;
    };
    let names: Vec<(&str, Span)> = nodes
        .entries()
        .iter()
        .map(|e| (e.key.as_str(), e.key_span))
        .collect();

    for e in nodes.entries() {
        token(out, e.key_span, "node name", &e.key);
        if e.key.len() > MAX_NODE_NAME {
            out.push(
                Diagnostic::error(Code::HastTooLong, e.key_span, format!("node name is {} characters; a hostname has at most {MAX_NODE_NAME}", e.key.len()))
                    .with_hint("hastmon matches node names against the host name, so a longer one never matches"),
            );
        }
        if let Some(a) = e.value.get("address") {
            address(out, a, "address", false);
        }
        if let Some(a) = e.value.get("listen") {
            address(out, a, "listen", false);
        }
        if let Some(a) = e.value.get("control") {
            address(out, a, "control", true);
        }
    }
    for field in ["listen", "control"] {
        if let Some(a) = node.get(field) {
            address(out, a, field, field == "control");
        }
    }
    // hastmon takes a section as the host's own when the section's name
    // starts with the host's first label (reference hastmon.md §4), so no
    // node name may start with another node's first label. Names are at
    // most 63 bytes: looking up each prefix keeps this linear in nodes.
    let labels: std::collections::HashMap<&str, &str> = names
        .iter()
        .map(|(n, _)| (n.split('.').next().unwrap_or(n), *n))
        .collect();
    for (b, span) in &names {
        let clash = (1..=b.len())
            .filter(|&i| b.is_char_boundary(i))
            .find_map(|i| labels.get(&b[..i]).filter(|a| **a != *b));
        if let Some(a) = clash {
            let label = a.split('.').next().unwrap_or(a);
            out.push(
                Diagnostic::error(
                    Code::HastNodePrefix,
                    *span,
                    format!("node name `{b}` starts with `{label}`, the first label of node `{a}`"),
                )
                .with_hint(format!(
                    "hastmon takes a section as a host's own when its name starts with the host's first label, so host `{label}` (or `{label}.example.com`) would also run `{b}`'s sections; rename one"
                )),
            );
        }
    }
    if let Some(key) = node.get("key") {
        secret(out, key);
    }

    let Some(resources) = node.get("resources") else {
        return;
    };
    for res in resources.entries() {
        resource(out, &names, &res.key, res.key_span, &res.value);
    }
}

fn secret(out: &mut Vec<Diagnostic>, key: &Node) {
    if let Some(s) = key.get("secret") {
        if let Some(v) = s.as_str() {
            token(out, s.span, "key secret", v);
            too_long(out, s.span, "key secret", v, MAX_SECRET);
        }
    }
}

fn resource(out: &mut Vec<Diagnostic>, names: &[(&str, Span)], name: &str, span: Span, res: &Node) {
    token(out, span, "resource name", name);
    too_long(out, span, "resource name", name, MAX_RESOURCE_NAME);
    match (res.get("exec"), res.get("commands")) {
        (Some(e), Some(_)) => out.push(
            Diagnostic::error(Code::HastCommands, e.span, format!("resource `{name}` sets both `exec` and `commands`"))
                .with_hint("use `exec` for a script you install, or `commands` for one mon renders"),
        ),
        (None, None) => out.push(
            Diagnostic::error(Code::HastCommands, span, format!("resource `{name}` has neither `exec` nor `commands`"))
                .with_hint("hastmon refuses a resource without a hook script: set `exec: /path/to/script` or `commands: {start, stop, status}`"),
        ),
        (Some(e), None) => {
            if let Some(p) = e.as_str() {
                too_long(out, e.span, "exec path", p, MAX_EXEC);
            }
        }
        _ => {}
    }
    if let Some(key) = res.get("key") {
        secret(out, key);
    }
    if let Some(friends) = res.get("friends") {
        for f in friends.items() {
            address(out, f, "friend", false);
        }
    }

    let roles = Roles::of(res);
    let mut seen: BTreeMap<&str, (&str, Span)> = BTreeMap::new();
    for (n, s, role) in roles.all() {
        if !names.iter().any(|(m, _)| *m == n) {
            let d = Diagnostic::error(
                Code::HastUnknownNode,
                s,
                format!("{role} `{n}` is not a node of this cluster"),
            );
            out.push(match suggest(n, names.iter().map(|(m, _)| *m)) {
                Some(h) => d.with_hint(h),
                None => d.with_hint("add it under `nodes:`"),
            });
            continue;
        }
        if let Some((first_role, first_span)) = seen.get(n) {
            out.push(
                Diagnostic::error(
                    Code::HastRole,
                    s,
                    format!("node `{n}` is both {first_role} and {role} in resource `{name}`"),
                )
                .with_related(*first_span, "first role here"),
            );
        } else {
            seen.insert(n, (role, s));
        }
    }
    // One shared file: every node must find its own section in every resource.
    for (n, _) in names {
        if !seen.contains_key(n) {
            out.push(
                Diagnostic::error(Code::HastRole, span, format!("node `{n}` has no role in resource `{name}`"))
                    .with_hint(format!("hastmon on `{n}` would refuse the whole file; make it a secondary or a watchdog here")),
            );
        }
    }
    if let Some(prio) = res.get("priority") {
        for e in prio.entries() {
            let capable = roles
                .primary
                .iter()
                .chain(roles.secondary.iter())
                .any(|(n, _)| *n == e.key);
            if !capable {
                out.push(
                    Diagnostic::error(
                        Code::HastPriority,
                        e.key_span,
                        format!(
                            "`{}` has a priority but is not primary or secondary here",
                            e.key
                        ),
                    )
                    .with_hint("only nodes that can become primary have a priority"),
                );
            }
        }
    }
    let prios = roles.priorities(res);
    for (i, (a, pa)) in prios.iter().enumerate() {
        if let Some((b, _)) = prios[..i].iter().find(|(_, pb)| pb == pa) {
            let span = res
                .get("priority")
                .and_then(|p| p.entry(a))
                .map_or(span, |e| e.key_span);
            out.push(
                Diagnostic::error(Code::HastPriority, span, format!("`{a}` and `{b}` both have priority {pa} in resource `{name}`"))
                    .with_hint("when both are primary, hastmon keeps the lower number; equal numbers leave it undecided"),
            );
        }
    }
}

/// Address forms hastmon's tcp4 and uds modules accept.
fn address(out: &mut Vec<Diagnostic>, node: &Node, what: &str, control: bool) {
    let Some(a) = node.as_str() else { return };
    too_long(out, node.span, what, a, MAX_ADDRESS);
    let problem = address_problem(a, control);
    if let Some(why) = problem {
        out.push(
            Diagnostic::error(
                Code::HastAddress,
                node.span,
                format!("{what} `{a}` is not an address hastmon can use: {why}"),
            )
            .with_hint(if control {
                "write uds:///path, unix:///path, an absolute path, or tcp4://host[:port]"
            } else {
                "write tcp4://host[:port], tcp://host[:port] or host[:port] (IPv4 only)"
            }),
        );
    }
}

pub fn address_problem(a: &str, control: bool) -> Option<String> {
    if control && (a.starts_with('/') || a.starts_with("uds:///") || a.starts_with("unix:///")) {
        return None;
    }
    if let Some(rest) = a
        .strip_prefix("uds://")
        .or_else(|| a.strip_prefix("unix://"))
    {
        return Some(if control {
            format!("`{rest}` is not an absolute path")
        } else {
            "a unix socket cannot be reached from other nodes".into()
        });
    }
    if a.contains("://") && !a.starts_with("tcp4://") && !a.starts_with("tcp://") {
        return Some("unknown scheme (hastmon has tcp4 and uds only; no IPv6)".into());
    }
    let hostport = a.trim_start_matches("tcp4://").trim_start_matches("tcp://");
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    };
    if host.is_empty() || host.contains('/') || host.contains(':') {
        return Some("expected host[:port]".into());
    }
    if let Some(p) = port {
        if !p.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p)) {
            return Some(format!("port `{p}` is not in 1..65535"));
        }
    }
    None
}
