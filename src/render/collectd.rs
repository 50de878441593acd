//! Per collectd host: collectd.conf, the monitor config.json (exactly the
//! keys lua-collectd-monitor reads, mode 0600) and the local trigger file.

use std::path::PathBuf;

use minijinja::context;
use serde::Serialize;
use serde_json::{json, Map, Value};

use super::templates::collectd_quote;
use super::{Context, Output};
use crate::catalog::Section;
use crate::check::collectd::{default_command_topic, default_result_topic};
use crate::secret;
use crate::syntax::{Node, Value as V};

pub const DEFAULT_MONITOR_CONFIG: &str = "/etc/collectd/monitor/config.json";
pub const DEFAULT_LOCAL_DIR: &str = "/etc/collectd/monitor/local";
pub const DEFAULT_BASE_PATH: &str = "/usr/local/share/lua/5.1";
pub const DEFAULT_RECONNECT: i64 = 5;

/// One option line; a list in the definition repeats the option, one line
/// per value, as collectd's simple-config plugins expect (MountPoint, Device...).
#[derive(Serialize)]
struct Opt {
    key: String,
    value: String,
}

#[derive(Serialize)]
struct Plugin {
    name: String,
    options: Vec<Opt>,
}

/// A value as collectd.conf needs it: strings quoted, numbers in plain
/// decimal, booleans bare.
fn conf_value(n: &Node) -> String {
    match &n.value {
        V::Str(s) => collectd_quote(s),
        V::Bool(b) => b.to_string(),
        V::Int(i) => i.to_string(),
        V::Float(f) => format!("{f:?}").trim_end_matches(".0").to_string(),
        _ => collectd_quote(""),
    }
}

fn str_of(n: &Node, k: &str) -> Option<String> {
    n.get(k).and_then(Node::as_str).map(str::to_string)
}

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for def in ctx.catalog.section(Section::Collectd) {
        if !ctx.selection.contains(Section::Collectd, &def.name) {
            continue;
        }
        let h = &def.node;
        let paths = h.get("paths");
        let path = |k: &str, d: &str| {
            paths
                .and_then(|p| p.get(k))
                .and_then(Node::as_str)
                .unwrap_or(d)
                .to_string()
        };
        let monitor_config = path("monitor_config", DEFAULT_MONITOR_CONFIG);
        let local_dir = path("local_dir", DEFAULT_LOCAL_DIR);
        let triggers = h.get("triggers").map(Node::entries).unwrap_or_default();

        let plugins: Vec<Plugin> = h
            .get("plugins")
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|p| Plugin {
                name: p.key.clone(),
                options: p
                    .value
                    .entries()
                    .iter()
                    .flat_map(|o| {
                        let values: Vec<&Node> = match &o.value.value {
                            V::Seq(items) => items.iter().collect(),
                            _ => vec![&o.value],
                        };
                        values
                            .into_iter()
                            .map(|v| Opt {
                                key: o.key.clone(),
                                value: conf_value(v),
                            })
                            .collect::<Vec<_>>()
                    })
                    .collect(),
            })
            .collect();
        let network = match h.get("network") {
            None => Value::Null,
            Some(n) => {
                let base = ctx.base(def);
                let mut servers = Vec::new();
                for s in n.get("servers").map(Node::items).unwrap_or_default() {
                    let password = match s.get("password") {
                        Some(p) => Some(secret::resolve(&p.to_json(), &base).map_err(|e| {
                            format!("collectd `{}` network password: {e}", def.name)
                        })?),
                        None => None,
                    };
                    servers.push(json!({
                        "host": str_of(s, "host"), "port": s.get("port").and_then(Node::as_i64).unwrap_or(25826).to_string(),
                        "security_level": str_of(s, "security_level"), "username": str_of(s, "username"), "password": password,
                    }));
                }
                let listen: Vec<Value> = n
                    .get("listen")
                    .map(Node::items)
                    .unwrap_or_default()
                    .iter()
                    .map(|l| {
                        json!({"host": str_of(l, "host"), "port": l.get("port").and_then(Node::as_i64).unwrap_or(25826).to_string(),
                               "security_level": str_of(l, "security_level"), "auth_file": str_of(l, "auth_file")})
                    })
                    .collect();
                json!({
                    "servers": servers, "listen": listen,
                    "time_to_live": n.get("time_to_live").and_then(Node::as_i64),
                    "max_packet_size": n.get("max_packet_size").and_then(Node::as_i64),
                    "forward": n.get("forward").and_then(Node::as_bool),
                })
            }
        };
        let conf = ctx.templates.render(
            "collectd.conf.j2",
            context! {
                host => &def.name,
                hostname => str_of(h, "hostname").unwrap_or_else(|| def.name.clone()),
                interval => h.get("interval").and_then(Node::as_f64).map(|f| if f.fract() == 0.0 { format!("{}", f as i64) } else { f.to_string() }),
                plugins => plugins,
                network => network,
                base_path => path("base_path", DEFAULT_BASE_PATH),
                monitor_config => &monitor_config,
                local_dir => &local_dir,
                triggers => !triggers.is_empty(),
            },
        )?;
        let dir = format!("collectd/{}", def.name);
        let has_network_secret = h
            .get("network")
            .and_then(|n| n.get("servers"))
            .is_some_and(|s| s.items().iter().any(|x| x.get("password").is_some()));
        outputs.push(Output {
            path: PathBuf::from(format!("{dir}/collectd.conf")),
            content: conf,
            mode: if has_network_secret { 0o600 } else { 0o644 },
            collectd_conf: true,
        });
        outputs.push(Output {
            path: PathBuf::from(format!("{dir}/config.json")),
            content: monitor_json(ctx, def, &monitor_config, &local_dir)?,
            mode: 0o600,
            collectd_conf: false,
        });
        if !triggers.is_empty() {
            outputs.push(Output {
                path: PathBuf::from(format!("{dir}/local/{}.lua", def.name)),
                content: trigger_file(ctx, &def.name, triggers)?,
                mode: 0o644,
                collectd_conf: false,
            });
        }
    }
    Ok(outputs)
}

/// config.json with exactly the keys the plugin reads (reference §2).
fn monitor_json(
    ctx: &Context,
    def: &crate::catalog::Definition,
    monitor_config: &str,
    local_dir: &str,
) -> Result<String, String> {
    let h = &def.node;
    let broker_name = h.get("broker").and_then(Node::as_str).unwrap_or_default();
    let broker = ctx.catalog.get(Section::Mqtt, broker_name).ok_or_else(|| {
        format!(
            "collectd `{}`: broker `{broker_name}` is not defined",
            def.name
        )
    })?;
    let b = &broker.node;
    let mut o = Map::new();
    o.insert("Host".into(), json!(str_of(b, "host")));
    if let Some(u) = str_of(b, "user") {
        o.insert("User".into(), json!(u));
    }
    if let Some(p) = b.get("password") {
        let p = secret::resolve(&p.to_json(), &ctx.base(broker))
            .map_err(|e| format!("broker `{broker_name}` password: {e}"))?;
        o.insert("Password".into(), json!(p));
    }
    o.insert(
        "Secure".into(),
        json!(b.get("secure").and_then(Node::as_bool).unwrap_or(false)),
    );
    o.insert(
        "CleanSession".into(),
        json!(h
            .get("clean_session")
            .and_then(Node::as_bool)
            .unwrap_or(false)),
    );
    // Without it the plugin never reconnects after a broker restart.
    o.insert(
        "ReconnectInterval".into(),
        json!(h
            .get("reconnect_interval")
            .and_then(Node::as_i64)
            .unwrap_or(DEFAULT_RECONNECT)),
    );
    o.insert(
        "QoS".into(),
        json!(h.get("qos").and_then(Node::as_i64).unwrap_or(2)),
    );
    o.insert(
        "CommandTopic".into(),
        json!(str_of(h, "command_topic").unwrap_or_else(|| default_command_topic(&def.name))),
    );
    o.insert(
        "CommandResultTopic".into(),
        json!(str_of(h, "result_topic").unwrap_or_else(|| default_result_topic(&def.name))),
    );
    if let Some(v) = str_of(h, "log_level") {
        o.insert("LogLevel".into(), json!(v));
    }
    if let Some(v) = str_of(h, "log_device") {
        o.insert("LogDevice".into(), json!(v));
    }
    o.insert("MonitorConfigPath".into(), json!(monitor_config));
    if h.get("triggers").is_some_and(|t| !t.entries().is_empty()) {
        o.insert("LocalMonitorConfigDir".into(), json!(local_dir));
    }
    let mut services = Map::new();
    for s in h.get("services").map(Node::entries).unwrap_or_default() {
        let cmds: Map<String, Value> = s
            .value
            .get("commands")
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|c| (c.key.clone(), c.value.to_json()))
            .collect();
        services.insert(s.key.clone(), json!({ "commands": cmds }));
    }
    if let Some(r) = h.get("replacer") {
        let mut c = Map::new();
        for (k, name) in [
            ("config_path", "ConfigPath"),
            ("command_path", "CommandPath"),
            ("pid_path", "PIDPath"),
            ("report_path", "ReplacerReportPath"),
            ("lua_path", "LuaPath"),
            ("log_device", "LogDevice"),
            ("log_level", "LogLevel"),
        ] {
            if let Some(v) = str_of(r, k) {
                c.insert(name.into(), json!(v));
            }
        }
        let mut cmds = Map::new();
        for k in ["start", "stop"] {
            if let Some(v) = str_of(r, k) {
                cmds.insert(k.into(), json!(v));
            }
        }
        if !cmds.is_empty() {
            c.insert("commands".into(), Value::Object(cmds));
        }
        services.insert("collectd".into(), Value::Object(c));
    }
    o.insert("Services".into(), Value::Object(services));
    Ok(serde_json::to_string_pretty(&Value::Object(o)).expect("JSON values serialize") + "\n")
}

fn trigger_file(
    ctx: &Context,
    host: &str,
    triggers: &[crate::syntax::Entry],
) -> Result<String, String> {
    let mut metric = Vec::new();
    let mut notification = Vec::new();
    for t in triggers {
        let run = t.value.get("run");
        let service = run.and_then(|r| str_of(r, "service")).unwrap_or_default();
        let command = run.and_then(|r| str_of(r, "command")).unwrap_or_default();
        if let Some(m) = t.value.get("metric") {
            let num = |k: &str| m.get(k).and_then(Node::as_f64).map(|f| format!("{f:?}"));
            metric.push(json!({
                "name": t.key, "plugin": str_of(m, "plugin"), "plugin_instance": str_of(m, "plugin_instance"),
                "type": str_of(m, "type"), "type_instance": str_of(m, "type_instance"),
                "value_index": m.get("value_index").and_then(Node::as_i64).unwrap_or(1),
                "above": num("above"), "below": num("below"), "service": service, "command": command,
            }));
        } else if let Some(n) = t.value.get("notification") {
            // collectd's NOTIF_FAILURE, NOTIF_WARNING, NOTIF_OKAY.
            let severity = match n.get("severity").and_then(Node::as_str) {
                Some("failure") => 1,
                Some("warning") => 2,
                _ => 4,
            };
            notification.push(json!({
                "name": t.key, "severity": severity, "plugin": str_of(n, "plugin"), "type": str_of(n, "type"),
                "host": str_of(n, "host"), "service": service, "command": command,
            }));
        }
    }
    ctx.templates.render(
        "triggers.lua.j2",
        context! { host => host, metric_triggers => metric, notification_triggers => notification },
    )
}
