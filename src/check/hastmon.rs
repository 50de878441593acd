//! hastmon clusters (reference/hastmon.md §3-§6, §10): what hastmon's
//! per-node checks would refuse on some node, and what would run but never
//! fail over. Words, numbers and lengths are the model's types' business.

use super::suggest;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::hastmon::{Cluster, Resource, Role};

pub fn cluster(c: &Cluster, out: &mut Vec<Diagnostic>) {
    let names: Vec<(&str, Span)> = c
        .nodes
        .iter()
        .map(|n| (n.name.as_str(), n.name.span))
        .collect();
    // hastmon takes a section as the host's own when the section's name
    // starts with the host's first label (reference hastmon.md §4), so no
    // node name may start with another node's first label. Names are at
    // most 63 bytes: looking up each prefix keeps this linear in nodes.
    let labels: foldhash::HashMap<&str, &str> = names
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
                // The names in the message, the hint fixed: a cluster of
                // 300,000 such nodes allocated 70 MB of hints.
                Diagnostic::error(
                    Code::HastNodePrefix,
                    *span,
                    format!("node name `{b}` starts with `{label}`, the first label of node `{a}`: host `{label}` would also run `{b}`'s sections"),
                )
                .with_hint(
                    "hastmon takes a section as a host's own when its name starts with the host's first label (`web1` also runs `web10`'s, and so does `web1.example.com`); rename one",
                ),
            );
        }
    }
    for r in &c.resources {
        resource(out, &names, r);
    }
}

fn resource(out: &mut Vec<Diagnostic>, names: &[(&str, Span)], r: &Resource) {
    let name = r.name.as_str();
    let span = r.name.span;
    match (r.exec_span, r.has_commands) {
        (Some(e), true) => out.push(
            Diagnostic::error(Code::HastCommands, e, format!("resource `{name}` sets both `exec` and `commands`"))
                .with_hint("use `exec` for a script you install, or `commands` for one mon renders"),
        ),
        (None, false) => out.push(
            Diagnostic::error(Code::HastCommands, span, format!("resource `{name}` has neither `exec` nor `commands`"))
                .with_hint("hastmon refuses a resource without a hook script: set `exec: /path/to/script` or `commands: {start, stop, status}`"),
        ),
        _ => {}
    }

    let mut seen: foldhash::HashMap<&str, (Role, Span)> =
        foldhash::HashMap::with_capacity_and_hasher(names.len(), Default::default());
    // A set, not a scan per member: 20,000 members were quadratic.
    let known: foldhash::HashSet<&str> = names.iter().map(|(m, _)| *m).collect();
    for (n, role) in r.members() {
        let role_word = role.word();
        if !known.contains(n.as_str()) {
            let d = Diagnostic::error(
                Code::HastUnknownNode,
                n.span,
                format!("{role_word} `{}` is not a node of this cluster", n.as_str()),
            );
            out.push(match suggest(n, names.iter().map(|(m, _)| *m)) {
                Some(h) => d.with_hint(h),
                None => d.with_hint("add it under `nodes:`"),
            });
            continue;
        }
        if let Some((first_role, first_span)) = seen.get(n.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::HastRole,
                    n.span,
                    format!(
                        "node `{}` is both {} and {role_word} in resource `{name}`",
                        n.as_str(),
                        first_role.word()
                    ),
                )
                .with_related(*first_span, "first role here"),
            );
        } else {
            seen.insert(n.as_str(), (role, n.span));
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
    let service: foldhash::HashSet<&str> = r.service().map(|n| n.value.as_str()).collect();
    for (k, _) in &r.priority {
        if !service.contains(k.value.as_str()) {
            out.push(
                Diagnostic::error(
                    Code::HastPriority,
                    k.span,
                    format!(
                        "`{}` has a priority but is not primary or secondary here",
                        k.value
                    ),
                )
                .with_hint("only nodes that can become primary have a priority"),
            );
        }
    }
    let prios = r.priorities();
    let mut first: foldhash::HashMap<_, &str> = Default::default();
    for (a, pa, at) in prios.iter() {
        if let Some(b) = first.get(pa).copied().or_else(|| {
            first.insert(*pa, a);
            None
        }) {
            out.push(
                Diagnostic::error(Code::HastPriority, at.unwrap_or(span), format!("`{a}` and `{b}` both have priority {pa} in resource `{name}`"))
                    .with_hint("when both are primary, hastmon keeps the lower number; equal numbers leave it undecided"),
            );
        }
    }
    // Lower is preferred: a secondary below the primary takes over whenever both run.
    if let Some((primary, pp, _)) = prios.first() {
        for (s, ps, at) in prios.iter().skip(1) {
            if ps < pp {
                out.push(
                    Diagnostic::warning(
                        Code::HastOutranks,
                        at.unwrap_or(span),
                        format!("secondary `{s}` (priority {ps}) outranks primary `{primary}` (priority {pp}) in resource `{name}`"),
                    )
                    .with_hint("hastmon prefers the lower number when two nodes are primary; give the primary the lowest, or swap the roles"),
                );
            }
        }
    }
}
