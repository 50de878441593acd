//! MQTT brokers and collectd hosts (reference/lua-collectd-monitor.md §2-§4, §9
//! and dozor-conveyer-collectd.md §3.6).

use super::suggest;
use crate::catalog::{Catalog, Definition, Section};
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::{Node, Value};

/// Plugins mon writes itself; a user block of the same name would clash.
const OWN_PLUGINS: &[(&str, &str)] = &[
    ("lua", "mon renders the lua plugin for lua-collectd-monitor"),
    ("network", "configure it under `network:`"),
];
const COLLECTD_BOOL_WORDS: &[&str] = &["true", "yes", "on", "false", "no", "off"];

pub fn default_command_topic(host: &str) -> String {
    format!("collectd/{host}/command")
}
pub fn default_result_topic(host: &str) -> String {
    format!("collectd/{host}/result")
}

pub fn broker(def: &Definition, out: &mut Vec<Diagnostic>) {
    let node = &def.node;
    if let Some(h) = node.get("host") {
        if let Some(port) = h.as_str().and_then(|s| s.rsplit_once(':')).map(|(_, p)| p) {
            if !port.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p)) {
                out.push(Diagnostic::error(
                    Code::BadHostPort,
                    h.span,
                    format!("broker port `{port}` is not in 1..65535"),
                ));
            }
        }
    }
    if let Some(e) = node.entry("secure") {
        if e.value.as_bool() == Some(true) {
            out.push(
                Diagnostic::warning(Code::InsecureTls, e.key_span, "lua-collectd-monitor connects with TLS but does not verify the broker's certificate")
                    .with_hint("mon itself verifies it (set `cafile` for a private CA); the collectd hosts cannot"),
            );
        }
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
fn command(out: &mut Vec<Diagnostic>, node: &Node, what: &str) {
    if let Some(c) = node.as_str() {
        if c.trim_end().ends_with('&') && !c.trim_end().ends_with("&&") {
            out.push(
                Diagnostic::error(Code::BackgroundCommand, node.span, format!("{what} ends in `&`"))
                    .with_hint("lua-collectd-monitor appends `; echo $?`, so `cmd &; echo $?` is a shell syntax error; use `nohup cmd >/dev/null 2>&1 &` inside `sh -c '...'` or a service manager"),
            );
        }
    }
}

pub fn host(catalog: &Catalog, def: &Definition, out: &mut Vec<Diagnostic>) {
    let node = &def.node;
    if let Some(b) = node.get("broker") {
        if let Some(name) = b.as_str() {
            if catalog.get(Section::Mqtt, name).is_none() {
                let d = Diagnostic::error(
                    Code::UnknownBroker,
                    b.span,
                    format!("broker `{name}` is not defined"),
                );
                out.push(
                    match suggest(
                        name,
                        catalog.section(Section::Mqtt).map(|m| m.name.as_str()),
                    ) {
                        Some(h) => d.with_hint(h),
                        None => d.with_hint("define it under `mqtt:`"),
                    },
                );
            }
        }
    }
    let command_topic = node
        .get("command_topic")
        .and_then(Node::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| default_command_topic(&def.name));
    let result_topic = node
        .get("result_topic")
        .and_then(Node::as_str)
        .map(str::to_string)
        .unwrap_or_else(|| default_result_topic(&def.name));
    for field in ["command_topic", "result_topic"] {
        if let Some(n) = node.get(field) {
            if let Some(why) = n.as_str().and_then(topic_problem) {
                out.push(Diagnostic::error(
                    Code::BadTopic,
                    n.span,
                    format!("`{field}` cannot be used: {why}"),
                ));
            }
        }
    }
    if command_topic == result_topic {
        let span = node
            .get("result_topic")
            .or(node.get("command_topic"))
            .map_or(def.name_span, |n| n.span);
        out.push(
            Diagnostic::error(
                Code::BadTopic,
                span,
                "the command and result topics are the same",
            )
            .with_hint("the host would receive its own results as tasks; use two topics"),
        );
    }

    if let Some(services) = node.get("services") {
        for s in services.entries() {
            if s.key == "collectd" {
                out.push(
                    Diagnostic::error(
                        Code::ReservedName,
                        s.key_span,
                        "the service name `collectd` is reserved for the config replacer",
                    )
                    .with_hint("put replacer settings under `replacer:`, or rename this service"),
                );
            }
            if let Some(cmds) = s.value.get("commands") {
                for c in cmds.entries() {
                    command(
                        out,
                        &c.value,
                        &format!("command `{}` of service `{}`", c.key, s.key),
                    );
                }
            }
        }
    }
    if let Some(r) = node.get("replacer") {
        for field in ["start", "stop"] {
            if let Some(c) = r.get(field) {
                command(out, c, &format!("the replacer's `{field}` command"));
            }
        }
    }
    if let Some(triggers) = node.get("triggers") {
        for t in triggers.entries() {
            let Some(run) = t.value.get("run") else {
                continue;
            };
            let (Some(svc), Some(cmd)) = (run.get("service"), run.get("command")) else {
                continue;
            };
            let (Some(sname), Some(cname)) = (svc.as_str(), cmd.as_str()) else {
                continue;
            };
            let services = node.get("services");
            match services.and_then(|s| s.get(sname)) {
                None => {
                    let d = Diagnostic::error(
                        Code::UnknownService,
                        svc.span,
                        format!(
                            "trigger `{}` runs service `{sname}`, which this host does not define",
                            t.key
                        ),
                    );
                    out.push(
                        match suggest(
                            sname,
                            services
                                .map(|s| {
                                    s.entries()
                                        .iter()
                                        .map(|e| e.key.as_str())
                                        .collect::<Vec<_>>()
                                })
                                .unwrap_or_default(),
                        ) {
                            Some(h) => d.with_hint(h),
                            None => d.with_hint("add it under this host's `services:`"),
                        },
                    );
                }
                Some(service) => {
                    let cmds = service.get("commands");
                    if cmds.and_then(|c| c.get(cname)).is_none() {
                        let d = Diagnostic::error(
                            Code::UnknownService,
                            cmd.span,
                            format!("service `{sname}` has no command `{cname}`"),
                        );
                        out.push(
                            match suggest(
                                cname,
                                cmds.map(|c| {
                                    c.entries()
                                        .iter()
                                        .map(|e| e.key.as_str())
                                        .collect::<Vec<_>>()
                                })
                                .unwrap_or_default(),
                            ) {
                                Some(h) => d.with_hint(h),
                                None => d,
                            },
                        );
                    }
                }
            }
            if let Some(m) = t.value.get("metric") {
                if let (Some(a), Some(b)) = (
                    m.get("above").and_then(Node::as_f64),
                    m.get("below").and_then(Node::as_f64),
                ) {
                    if a >= b {
                        let span = m.get("below").map_or(t.key_span, |n| n.span);
                        out.push(
                            Diagnostic::error(Code::SchemaOther, span, format!("trigger `{}` can never fire: `above` ({a}) is not below `below` ({b})", t.key))
                                .with_hint("with both set, the trigger fires for values between them"),
                        );
                    }
                }
            }
        }
    }

    if let Some(plugins) = node.get("plugins") {
        for p in plugins.entries() {
            if let Some((_, why)) = OWN_PLUGINS.iter().find(|(n, _)| *n == p.key) {
                out.push(Diagnostic::error(
                    Code::ReservedName,
                    p.key_span,
                    format!("plugin `{}` is written by mon: {why}", p.key),
                ));
            }
            for o in p.value.entries() {
                if COLLECTD_BOOL_WORDS.contains(&o.key.as_str()) {
                    out.push(Diagnostic::error(
                        Code::CollectdUnsafe,
                        o.key_span,
                        format!(
                            "`{}` cannot be a collectd option name: collectd reads it as a boolean",
                            o.key
                        ),
                    ));
                }
            }
            if COLLECTD_BOOL_WORDS.contains(&p.key.as_str()) {
                out.push(Diagnostic::error(
                    Code::CollectdUnsafe,
                    p.key_span,
                    format!(
                        "`{}` cannot be a plugin name: collectd reads it as a boolean",
                        p.key
                    ),
                ));
            }
        }
    }
    if let Some(net) = node.get("network") {
        for l in net.get("listen").map(Node::items).unwrap_or_default() {
            let level = l
                .get("security_level")
                .and_then(Node::as_str)
                .unwrap_or("None");
            if level != "None" && l.get("auth_file").is_none() {
                out.push(
                    Diagnostic::error(
                        Code::CollectdNetwork,
                        l.get("security_level").map_or(l.span, |n| n.span),
                        format!("a listen socket with security level {level} needs `auth_file`"),
                    )
                    .with_hint(
                        "collectd refuses to open it (\"Cowardly refusing to open this socket\")",
                    ),
                );
            }
        }
        for s in net.get("servers").map(Node::items).unwrap_or_default() {
            let level = s
                .get("security_level")
                .and_then(Node::as_str)
                .unwrap_or("None");
            if level != "None" && (s.get("username").is_none() || s.get("password").is_none()) {
                out.push(Diagnostic::error(
                    Code::CollectdNetwork,
                    s.get("security_level").map_or(s.span, |n| n.span),
                    format!("a server with security level {level} needs `username` and `password`"),
                ));
            }
        }
    }
    // Everything that lands in collectd.conf as a quoted string.
    for field in ["hostname", "paths", "plugins", "network"] {
        if let Some(n) = node.get(field) {
            unsafe_strings(n, field, out);
        }
    }
}

fn unsafe_strings(node: &Node, path: &str, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Str(s) => {
            if let Some(c) = s.chars().find(|c| c.is_control() && *c != '\t') {
                out.push(
                    Diagnostic::error(Code::CollectdUnsafe, node.span, format!("`{path}` contains the control character {c:?}, which collectd.conf cannot hold safely"))
                        .with_hint("collectd's parser joins or splits lines at such characters; remove it"),
                );
            }
        }
        Value::Map(entries) => entries
            .iter()
            .for_each(|e| unsafe_strings(&e.value, &format!("{path}.{}", e.key), out)),
        Value::Seq(items) => items.iter().for_each(|i| unsafe_strings(i, path, out)),
        _ => {}
    }
}
