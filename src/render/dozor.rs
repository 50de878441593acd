//! Per Dozor agent (reference dozor-conveyer-collectd.md §1.4): the plugin
//! manifest, which is also the whitelist for `from` and the expected answer to
//! `stats`. Agent and collector configs wait for Dozor's real source.

use std::path::PathBuf;

use serde_json::json;

use super::{Context, Output};
use crate::section::Section;

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for a in ctx.model.dozors.values() {
        if !ctx.selection.contains(Section::Dozor, &a.name) {
            continue;
        }
        let plugins: Vec<_> = a
            .plugins
            .iter()
            .map(|p| {
                json!({
                    "id": p.id(),
                    "name": p.name.value,
                    "version": p.version,
                    "category": p.category,
                    "fire_description": p.fire_description,
                    "custom": p.custom.is_some(),
                })
            })
            .collect();
        let manifest = json!({ "agent": a.name, "host": a.host, "plugins": plugins });
        outputs.push(Output {
            path: PathBuf::from("dozor").join(&a.dir).join("plugins.json"),
            content: serde_json::to_string_pretty(&manifest).expect("JSON") + "\n",
            mode: 0o644,
            collectd_conf: false,
        });
    }
    Ok(outputs)
}
