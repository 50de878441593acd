//! MQTT brokers and collectd hosts (reference/lua-collectd-monitor.md §2-§4, §9
//! and dozor-conveyer-collectd.md §3.6). Control characters in collectd.conf
//! values are `ConfString`'s business.

use super::suggest;
use crate::catalog::{Catalog, Section};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::model::collectd::{Broker, Condition, Host};
use crate::model::Model;

/// Plugins mon writes itself; a user block of the same name would clash.
const OWN_PLUGINS: &[(&str, &str)] = &[
    ("lua", "mon renders the lua plugin for lua-collectd-monitor"),
    ("network", "configure it under `network:`"),
];

pub fn broker(b: &Broker, out: &mut Vec<Diagnostic>) {
    if let Some((_, port)) = b.host.rsplit_once(':') {
        if !port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p)) {
            out.push(Diagnostic::error(
                Code::BadHostPort,
                b.host.span,
                format!("broker port `{port}` is not in 1..65535"),
            ));
        }
    }
    if let Some(s) = b.secure.as_ref().filter(|s| s.value) {
        out.push(
            Diagnostic::warning(Code::InsecureTls, s.span, "lua-collectd-monitor connects with TLS but does not verify the broker's certificate")
                .with_hint("mon itself verifies it (set `cafile` for a private CA); the collectd hosts cannot"),
        );
    }
}

pub fn topic_problem(t: &str) -> Option<&'static str> {
    if t.contains(['+', '#']) {
        Some("wildcards `+` and `#` cannot be published to")
    } else if t.contains('\0') {
        Some("it contains a NUL character")
    } else if t.len() > 65535 {
        Some("it is longer than MQTT allows")
    } else {
        None
    }
}

/// Shell commands get `; echo $?` appended by the plugin, so a trailing `&`
/// becomes a syntax error.
fn command(out: &mut Vec<Diagnostic>, line: &str, span: Span, what: &str) {
    if line.trim_end().ends_with('&') && !line.trim_end().ends_with("&&") {
        out.push(
            Diagnostic::error(Code::BackgroundCommand, span, format!("{what} ends in `&`"))
                .with_hint("lua-collectd-monitor appends `; echo $?`, so `cmd &; echo $?` is a shell syntax error; use `nohup cmd >/dev/null 2>&1 &` inside `sh -c '...'` or a service manager"),
        );
    }
}

pub fn host(catalog: &Catalog, h: &Host, out: &mut Vec<Diagnostic>) {
    let b = &h.broker;
    if catalog.get(Section::Mqtt, b).is_none() {
        let d = Diagnostic::error(
            Code::UnknownBroker,
            b.span,
            format!("broker `{}` is not defined", b.as_str()),
        );
        out.push(
            match suggest(b, catalog.section(Section::Mqtt).map(|m| m.name.as_str())) {
                Some(hint) => d.with_hint(hint),
                None => d.with_hint("define it under `mqtt:`"),
            },
        );
    }
    for (field, t) in [
        ("command_topic", &h.command_topic),
        ("result_topic", &h.result_topic),
    ] {
        if let Some(t) = t {
            if let Some(why) = topic_problem(t.as_str()) {
                out.push(Diagnostic::error(
                    Code::BadTopic,
                    t.span,
                    format!("`{field}` cannot be used: {why}"),
                ));
            }
        }
    }
    if h.command_topic() == h.result_topic() {
        let span = h
            .result_topic
            .as_ref()
            .or(h.command_topic.as_ref())
            .map_or(h.name_span, |t| t.span);
        out.push(
            Diagnostic::error(
                Code::BadTopic,
                span,
                "the command and result topics are the same",
            )
            .with_hint("the host would receive its own results as tasks; use two topics"),
        );
    }

    for s in &h.services {
        if s.name.value == "collectd" {
            out.push(
                Diagnostic::error(
                    Code::ReservedName,
                    s.name.span,
                    "the service name `collectd` is reserved for the config replacer",
                )
                .with_hint("put replacer settings under `replacer:`, or rename this service"),
            );
        }
        for c in &s.commands {
            command(
                out,
                &c.line,
                c.line.span,
                &format!("command `{}` of service `{}`", c.name, s.name.value),
            );
        }
    }
    if let Some(r) = &h.replacer {
        for (field, c) in [("start", &r.start), ("stop", &r.stop)] {
            if let Some(c) = c {
                command(
                    out,
                    c.as_str(),
                    c.span,
                    &format!("the replacer's `{field}` command"),
                );
            }
        }
    }
    for t in &h.triggers {
        let (sname, cname) = (t.service.as_str(), t.command.as_str());
        match h.service(sname) {
            None => {
                let d = Diagnostic::error(
                    Code::UnknownService,
                    t.service.span,
                    format!(
                        "trigger `{}` runs service `{sname}`, which this host does not define",
                        t.name.value
                    ),
                );
                out.push(
                    match suggest(sname, h.services.iter().map(|s| s.name.value.as_str())) {
                        Some(hint) => d.with_hint(hint),
                        None => d.with_hint("add it under this host's `services:`"),
                    },
                );
            }
            Some(service) => {
                if !service.commands.iter().any(|c| c.name == cname) {
                    let d = Diagnostic::error(
                        Code::UnknownService,
                        t.command.span,
                        format!("service `{sname}` has no command `{cname}`"),
                    );
                    out.push(
                        match suggest(cname, service.commands.iter().map(|c| c.name.as_str())) {
                            Some(hint) => d.with_hint(hint),
                            None => d,
                        },
                    );
                }
            }
        }
        if let Condition::Metric(m) = &t.condition {
            if let (Some(a), Some(b)) = (&m.above, &m.below) {
                if a.value >= b.value {
                    out.push(
                        Diagnostic::error(Code::SchemaOther, b.span, format!("trigger `{}` can never fire: `above` ({}) is not below `below` ({})", t.name.value, a.value, b.value))
                            .with_hint("with both set, the trigger fires for values between them"),
                    );
                }
            }
        }
    }

    for p in &h.plugins {
        if let Some((_, why)) = OWN_PLUGINS
            .iter()
            .find(|(n, _)| *n == p.name.value.as_str())
        {
            out.push(Diagnostic::error(
                Code::ReservedName,
                p.name.span,
                format!("plugin `{}` is written by mon: {why}", p.name.value),
            ));
        }
    }
    if let Some(net) = &h.network {
        for l in &net.listen {
            let level = l.security_level.as_ref().map_or("None", |s| s.as_str());
            if level != "None" && l.auth_file.is_none() {
                out.push(
                    Diagnostic::error(
                        Code::CollectdNetwork,
                        l.security_level.as_ref().map_or(l.span, |s| s.span),
                        format!("a listen socket with security level {level} needs `auth_file`"),
                    )
                    .with_hint(
                        "collectd refuses to open it (\"Cowardly refusing to open this socket\")",
                    ),
                );
            }
        }
        for s in &net.servers {
            let level = s.security_level.as_ref().map_or("None", |l| l.as_str());
            if level != "None" && (s.username.is_none() || s.password.is_none()) {
                out.push(Diagnostic::error(
                    Code::CollectdNetwork,
                    s.security_level.as_ref().map_or(s.span, |l| l.span),
                    format!("a server with security level {level} needs `username` and `password`"),
                ));
            }
        }
    }
}

/// Two hosts on one broker subscribed to one command topic both run every
/// task, and results on one result topic cannot be told apart: a result
/// names no host (reference lua-collectd-monitor.md §4.1). Every topic a
/// host uses must be its alone on its broker (brokers compared by address).
pub fn shared_topics(model: &Model, out: &mut Vec<Diagnostic>) {
    use foldhash::{HashMap, HashMapExt};
    use std::collections::hash_map::Entry;
    // Each broker's address once: brokers of other names may share one.
    let addresses: HashMap<&str, (String, u16)> = model
        .brokers
        .iter()
        .map(|(name, b)| (name.as_str(), b.address()))
        .collect();
    // ((broker host, port), topic) -> the first host using it, and how.
    type Use<'a> = (&'a (String, u16), String);
    let mut first: HashMap<Use, (&Host, &'static str)> =
        HashMap::with_capacity(model.hosts.len() * 2);
    for h in model.hosts.values() {
        let Some(address) = addresses.get(h.broker.as_str()) else {
            continue;
        };
        let uses = [
            (
                "command topic",
                h.command_topic(),
                h.command_topic.as_ref().map(|t| t.span),
            ),
            (
                "result topic",
                h.result_topic(),
                h.result_topic.as_ref().map(|t| t.span),
            ),
        ];
        for (how, topic, span) in uses {
            let (other, other_how) = match first.entry((address, topic)) {
                Entry::Vacant(v) => {
                    v.insert((h, how));
                    continue;
                }
                Entry::Occupied(o) if o.get().0.name != h.name => *o.get(),
                Entry::Occupied(_) => continue,
            };
            let at = |x: &Host, s: Option<Span>| s.unwrap_or(x.name_span);
            let other_span = match other_how {
                "command topic" => other.command_topic.as_ref().map(|t| t.span),
                _ => other.result_topic.as_ref().map(|t| t.span),
            };
            let topic = match how {
                "command topic" => h.command_topic(),
                _ => h.result_topic(),
            };
            out.push(
                Diagnostic::error(
                    Code::TopicShared,
                    at(h, span),
                    format!(
                        "collectd `{}` uses `{topic}` as its {how}, and `{}` on the same broker ({}:{}) as its {other_how}",
                        h.name, other.name, address.0, address.1
                    ),
                )
                .with_related(at(other, other_span), format!("`{}` uses it here", other.name))
                .with_hint("give every host its own command_topic and result_topic (the defaults are per host): hosts on one topic both run every task, and a result does not say whose it is"),
            );
        }
    }
}
