//! Per collectd host: collectd.conf, the monitor config.json (exactly the
//! keys lua-collectd-monitor reads, mode 0600) and the local trigger file.

use std::path::PathBuf;

use minijinja::context;
use serde_json::{json, Map, Value};

use super::{Context, Output};
use crate::section::Section;
use crate::model::collectd::{Condition, Host};

/// A secret resolved into collectd.conf: what a quoted string can hold.
fn conf_secret(v: &str) -> Result<String, String> {
    match crate::model::types::ConfString::refusal(v) {
        Some(why) => Err(format!("it contains {why}")),
        None => Ok(v.to_string()),
    }
}

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for h in ctx.model.hosts.values() {
        if !ctx.selection.contains(Section::Collectd, &h.name) {
            continue;
        }
        // The template reads the typed host itself: a new collectd.conf
        // field is its schema, its model field and its template line.
        // Secrets are not serialized; they are resolved here, in server order.
        let mut passwords = Vec::new();
        for s in h.network.iter().flat_map(|n| &n.servers) {
            passwords.push(match &s.password {
                Some(p) => Some(p.resolve_as("the network password", conf_secret)?),
                None => None,
            });
        }
        // Plugin options' secrets, by `plugin/option/index`.
        let mut option_secrets = std::collections::BTreeMap::new();
        for p in &h.plugins {
            for o in &p.options {
                for (i, v) in o.values.iter().enumerate() {
                    if let crate::model::collectd::ConfValue::Secret(s) = v {
                        let what = format!("plugin {} option {}", p.name.value, o.key.value);
                        let value = s.0.resolve_as(&what, conf_secret)?;
                        option_secrets.insert(format!("{}/{}/{i}", p.name.value, o.key.value), value);
                    }
                }
            }
        }
        let credentials = h.has_network_secret() || !option_secrets.is_empty();
        let conf = ctx.templates.render(
            "collectd.conf.j2",
            context! {
                option_secrets => option_secrets,
                def => h,
                host => &h.name,
                hostname => h.hostname(),
                base_path => h.base_path(),
                monitor_config => h.monitor_config(),
                local_dir => h.local_dir(),
                passwords => passwords,
            },
        )?;
        let dir = PathBuf::from("collectd").join(&h.dir);
        outputs.push(Output {
            path: dir.join("collectd.conf"),
            content: conf,
            mode: if credentials { 0o600 } else { 0o644 },
            collectd_conf: true,
        });
        outputs.push(Output {
            path: dir.join("config.json"),
            content: monitor_json(ctx, h)?,
            mode: 0o600,
            collectd_conf: false,
        });
        if !h.triggers.is_empty() {
            outputs.push(Output {
                path: dir.join("local").join(&h.trigger_file),
                content: trigger_file(ctx, h)?,
                mode: 0o644,
                collectd_conf: false,
            });
        }
    }
    Ok(outputs)
}

/// config.json with exactly the keys the plugin reads (reference §2).
fn monitor_json(ctx: &Context, h: &Host) -> Result<String, String> {
    let broker_name = h.broker.as_str();
    let b = ctx.model.brokers.get(broker_name).ok_or_else(|| {
        format!(
            "collectd `{}`: broker `{broker_name}` is not defined",
            h.name
        )
    })?;
    let mut o = Map::new();
    o.insert("Host".into(), json!(b.host.as_str()));
    if let Some(u) = &b.user {
        o.insert("User".into(), json!(u));
    }
    if let Some(p) = &b.password {
        o.insert("Password".into(), json!(p.resolve()?));
    }
    o.insert("Secure".into(), json!(b.secure()));
    o.insert(
        "CleanSession".into(),
        json!(h.clean_session.unwrap_or(false)),
    );
    // Without it the plugin never reconnects after a broker restart.
    o.insert("ReconnectInterval".into(), json!(h.reconnect_interval()));
    o.insert("QoS".into(), json!(h.qos()));
    o.insert("CommandTopic".into(), json!(h.command_topic()));
    o.insert("CommandResultTopic".into(), json!(h.result_topic()));
    if let Some(v) = &h.log_level {
        o.insert("LogLevel".into(), json!(v));
    }
    if let Some(v) = &h.log_device {
        o.insert("LogDevice".into(), json!(v));
    }
    o.insert("MonitorConfigPath".into(), json!(h.monitor_config()));
    if !h.triggers.is_empty() {
        o.insert("LocalMonitorConfigDir".into(), json!(h.local_dir()));
    }
    let mut services = Map::new();
    for s in &h.services {
        let cmds: Map<String, Value> = s
            .commands
            .iter()
            .map(|c| (c.name.clone(), json!(c.line.as_str())))
            .collect();
        services.insert(s.name.value.clone(), json!({ "commands": cmds }));
    }
    if let Some(r) = &h.replacer {
        let mut c = Map::new();
        for (v, name) in [
            (&r.config_path, "ConfigPath"),
            (&r.command_path, "CommandPath"),
            (&r.pid_path, "PIDPath"),
            (&r.report_path, "ReplacerReportPath"),
            (&r.lua_path, "LuaPath"),
            (&r.log_device, "LogDevice"),
            (&r.log_level, "LogLevel"),
        ] {
            if let Some(v) = v {
                c.insert(name.into(), json!(v));
            }
        }
        let mut cmds = Map::new();
        for (k, v) in [("start", &r.start), ("stop", &r.stop)] {
            if let Some(v) = v {
                cmds.insert(k.into(), json!(v.as_str()));
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

fn trigger_file(ctx: &Context, h: &Host) -> Result<String, String> {
    let mut metric = Vec::new();
    let mut notification = Vec::new();
    for t in &h.triggers {
        let (service, command) = (t.service.as_str(), t.command.as_str());
        match &t.condition {
            Condition::Metric(m) => {
                let num = |v: &Option<crate::model::Spanned<f64>>| v.as_ref().map(|f| format!("{:?}", f.value));
                metric.push(json!({
                    "name": t.name.value, "plugin": m.plugin, "plugin_instance": m.plugin_instance,
                    "type": m.type_, "type_instance": m.type_instance,
                    "value_index": m.value_index,
                    "above": num(&m.above), "below": num(&m.below), "service": service, "command": command,
                }));
            }
            Condition::Notification(n) => notification.push(json!({
                "name": t.name.value, "severity": n.severity.code(), "plugin": n.plugin, "type": n.type_,
                "host": n.host, "service": service, "command": command,
            })),
        }
    }
    ctx.templates.render(
        "triggers.lua.j2",
        context! { host => &h.name, metric_triggers => metric, notification_triggers => notification },
    )
}
