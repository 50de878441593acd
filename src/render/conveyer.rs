//! Per Conveyer daemon (reference dozor-conveyer-collectd.md §2.5): the daemon's
//! env file with all three variables explicit, the agent plugin JSON at an
//! explicit path (plus the variable that points the agent at it), and the
//! Logstash http output.

use std::path::PathBuf;

use minijinja::context;
use serde_json::json;

use super::{Context, Output};
use crate::catalog::Section;
use crate::check::conveyer::AGENT_DEFAULT_CONFIG;
use crate::syntax::Node;

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for def in ctx.catalog.section(Section::Conveyer) {
        if !ctx.selection.contains(Section::Conveyer, &def.name) {
            continue;
        }
        let c = &def.node;
        let host = c.get("host").and_then(Node::as_str).unwrap_or("localhost");
        let port = c.get("port").and_then(Node::as_i64).unwrap_or(10100);
        let logs = c.get("logs").and_then(Node::as_str).unwrap_or_default();
        let plugin = c.get("plugin");
        let config_path = plugin
            .and_then(|p| p.get("config_path"))
            .and_then(Node::as_str)
            .unwrap_or(AGENT_DEFAULT_CONFIG);
        let dir = format!("conveyer/{}", def.name);
        let out = |name: &str, content: String, mode: u32| Output {
            path: PathBuf::from(format!("{dir}/{name}")),
            content,
            mode,
            collectd_conf: false,
        };
        outputs.push(out(
            "conveyer.env",
            ctx.templates.render(
                "conveyer.env.j2",
                context! { name => &def.name, host => host, port => port, logs => logs },
            )?,
            0o644,
        ));
        let plugin_json = json!({
            "state_file_name": plugin.and_then(|p| p.get("state_file")).and_then(Node::as_str),
            "conveyer_url": format!("http://{host}:{port}/rotate"),
            "metrics": plugin.and_then(|p| p.get("metrics")).map(Node::to_json),
        });
        outputs.push(out(
            "conveyer-plugin.json",
            serde_json::to_string_pretty(&plugin_json).expect("JSON") + "\n",
            0o644,
        ));
        outputs.push(out(
            "agent.env",
            ctx.templates.render(
                "conveyer-agent.env.j2",
                context! { name => &def.name, config_path => config_path },
            )?,
            0o644,
        ));
        let logstash = c.get("logstash");
        outputs.push(out(
            "logstash-output.conf",
            ctx.templates.render(
                "logstash-output.conf.j2",
                context! {
                    name => &def.name,
                    tag => logstash.and_then(|l| l.get("tag")).and_then(Node::as_str).unwrap_or("metric"),
                    url => format!("http://{host}:{port}/log"),
                    pool_max => logstash.and_then(|l| l.get("pool_max")).and_then(Node::as_i64).unwrap_or(1),
                },
            )?,
            0o644,
        ));
    }
    Ok(outputs)
}
