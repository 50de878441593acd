//! Per Conveyer daemon (reference dozor-conveyer-collectd.md §2.5): the daemon's
//! env file with all three variables explicit, the agent plugin JSON at an
//! explicit path (plus the variable that points the agent at it), and the
//! Logstash http output. Env-file values are `EnvValue`s.

use std::path::PathBuf;

use minijinja::context;
use serde_json::json;

use super::{Context, Output};
use crate::section::Section;

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for c in ctx.model.conveyers.values() {
        if !ctx.selection.contains(Section::Conveyer, &c.name) {
            continue;
        }
        let (host, port) = (c.host(), c.port());
        let dir = PathBuf::from("conveyer").join(&c.dir);
        let out = |name: &str, content: String| Output {
            path: dir.join(name),
            content,
            mode: 0o644,
            collectd_conf: false,
        };
        outputs.push(out(
            "conveyer.env",
            ctx.templates.render(
                "conveyer.env.j2",
                context! { name => &c.name, host, port, logs => c.logs.as_str() },
            )?,
        ));
        let plugin_json = json!({
            "state_file_name": c.state_file.as_str(),
            "conveyer_url": format!("http://{host}:{port}/rotate"),
            "metrics": c.metrics.iter().map(|m| m.as_str()).collect::<Vec<_>>(),
        });
        outputs.push(out(
            "conveyer-plugin.json",
            serde_json::to_string_pretty(&plugin_json).expect("JSON") + "\n",
        ));
        outputs.push(out(
            "agent.env",
            ctx.templates.render(
                "conveyer-agent.env.j2",
                context! { name => &c.name, config_path => c.config_path() },
            )?,
        ));
        outputs.push(out(
            "logstash-output.conf",
            ctx.templates.render(
                "logstash-output.conf.j2",
                context! {
                    name => &c.name,
                    tag => c.tag(),
                    url => format!("http://{host}:{port}/log"),
                    pool_max => c.pool_max(),
                },
            )?,
        ));
    }
    Ok(outputs)
}
