//! Per Dozor agent (reference dozor-conveyer-collectd.md §1.4): the plugin
//! manifest, which is also the whitelist for `from` and the expected answer to
//! `stats`. Agent and collector configs wait for Dozor's real source.

use std::path::PathBuf;

use serde_json::json;

use super::{Context, Output};
use crate::catalog::Section;
use crate::syntax::Node;

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for def in ctx.catalog.section(Section::Dozor) {
        if !ctx.selection.contains(Section::Dozor, &def.name) {
            continue;
        }
        let plugins: Vec<_> = def
            .node
            .get("plugins")
            .map(Node::entries)
            .unwrap_or_default()
            .iter()
            .map(|p| {
                let s = |k: &str| {
                    p.value
                        .get(k)
                        .and_then(Node::as_str)
                        .unwrap_or_default()
                        .to_string()
                };
                json!({
                    "id": format!("{}/{}@{}", s("category"), p.key, s("version")),
                    "name": p.key,
                    "version": s("version"),
                    "category": s("category"),
                    "fire_description": p.value.get("fire_description").and_then(Node::as_str),
                    "custom": p.value.get("custom").is_some(),
                })
            })
            .collect();
        let manifest = json!({ "agent": def.name, "host": def.node.get("host").and_then(Node::as_str), "plugins": plugins });
        outputs.push(Output {
            path: PathBuf::from(format!("dozor/{}/plugins.json", def.name)),
            content: serde_json::to_string_pretty(&manifest).expect("JSON") + "\n",
            mode: 0o644,
            collectd_conf: false,
        });
    }
    Ok(outputs)
}
