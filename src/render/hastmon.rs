//! One hastmon.conf per cluster (reference/hastmon.md §10): the same file for
//! every node; per resource, each node gets its own `on` section with its
//! remotes (and a priority when it can become primary).

use std::path::PathBuf;

use minijinja::context;
use serde::Serialize;

use super::{Context, Output};
use crate::catalog::Section;
use crate::check::hastmon::Roles;
use crate::secret;
use crate::syntax::Node;

pub const DEFAULT_EXEC_DIR: &str = "/usr/local/libexec/hastmon";
const TUNING: &[&str] = &[
    "timeout",
    "heartbeat_interval",
    "complaint_count",
    "complaint_interval",
    "role_on_start",
];
/// Kept per resource: hastmon ignores `attempts` at global level (§2).
const PER_RESOURCE: &[&str] = &[
    "attempts",
    "timeout",
    "heartbeat_interval",
    "complaint_count",
    "complaint_interval",
    "role_on_start",
];

#[derive(Serialize)]
struct Key {
    algorithm: String,
    secret: String,
}

#[derive(Serialize)]
struct NodeSection {
    name: String,
    lines: Vec<String>,
}

#[derive(Serialize)]
struct OnSection {
    node: String,
    remotes: Vec<String>,
    priority: Option<i64>,
}

#[derive(Serialize)]
struct Resource {
    name: String,
    exec: String,
    lines: Vec<String>,
    key: Option<Key>,
    friends: Vec<String>,
    sections: Vec<OnSection>,
}

fn scalar(n: &Node) -> Option<String> {
    n.as_i64()
        .map(|i| i.to_string())
        .or_else(|| n.as_str().map(str::to_string))
}

fn key(
    node: Option<&Node>,
    ctx: &Context,
    def: &crate::catalog::Definition,
) -> Result<Option<Key>, String> {
    let Some(k) = node else { return Ok(None) };
    let secret = secret::resolve(
        &k.get("secret").map(Node::to_json).unwrap_or_default(),
        &ctx.base(def),
    )
    .map_err(|e| format!("cluster `{}` key secret: {e}", def.name))?;
    if let Some(why) = crate::check::hastmon::token_problem(&secret) {
        return Err(format!(
            "cluster `{}` key secret cannot be written into hastmon.conf: {why}",
            def.name
        ));
    }
    Ok(Some(Key {
        algorithm: k
            .get("algorithm")
            .and_then(Node::as_str)
            .unwrap_or_default()
            .to_string(),
        secret,
    }))
}

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for def in ctx.catalog.section(Section::Cluster) {
        if !ctx.selection.contains(Section::Cluster, &def.name) {
            continue;
        }
        let c = &def.node;
        let nodes = c.get("nodes").map(Node::entries).unwrap_or_default();
        let address = |name: &str| {
            nodes
                .iter()
                .find(|e| e.key == name)
                .and_then(|e| e.value.get("address"))
                .and_then(Node::as_str)
                .unwrap_or(name)
                .to_string()
        };
        // Global settings hastmon honours (attempts is not one: see PER_RESOURCE).
        let global: Vec<String> = ["control", "listen"]
            .iter()
            .chain(TUNING)
            .filter_map(|f| c.get(f).and_then(scalar).map(|v| format!("{f} {v}")))
            .collect();
        let node_sections: Vec<NodeSection> = nodes
            .iter()
            .filter_map(|e| {
                let lines: Vec<String> = ["control", "listen"]
                    .iter()
                    .filter_map(|f| {
                        e.value
                            .get(f)
                            .and_then(Node::as_str)
                            .map(|v| format!("{f} {v}"))
                    })
                    .collect();
                (!lines.is_empty()).then(|| NodeSection {
                    name: e.key.clone(),
                    lines,
                })
            })
            .collect();
        let exec_dir = c
            .get("exec_dir")
            .and_then(Node::as_str)
            .unwrap_or(DEFAULT_EXEC_DIR);
        let mut resources = Vec::new();
        let mut has_secret = c.get("key").is_some();
        for r in c.get("resources").map(Node::entries).unwrap_or_default() {
            let res = &r.value;
            let exec = match (res.get("exec").and_then(Node::as_str), res.get("commands")) {
                (Some(e), _) => e.to_string(),
                (None, Some(cmds)) => {
                    let script = format!("{exec_dir}/{}-{}.sh", def.name, r.key);
                    let get = |k: &str| {
                        cmds.get(k)
                            .and_then(Node::as_str)
                            .unwrap_or_default()
                            .to_string()
                    };
                    let text = ctx.templates.render(
                        "hastmon-exec.sh.j2",
                        context! { cluster => &def.name, resource => &r.key, start => get("start"), stop => get("stop"), status => get("status") },
                    )?;
                    outputs.push(Output {
                        path: PathBuf::from(format!(
                            "hastmon/{}/{}-{}.sh",
                            def.name, def.name, r.key
                        )),
                        content: text,
                        mode: 0o755,
                        collectd_conf: false,
                    });
                    script
                }
                (None, None) => {
                    return Err(format!(
                        "cluster `{}` resource `{}` has neither exec nor commands",
                        def.name, r.key
                    ))
                }
            };
            // Cluster-wide settings hastmon would not apply globally go into each resource.
            let lines: Vec<String> = PER_RESOURCE
                .iter()
                .filter_map(|f| {
                    let v = res.get(f).and_then(scalar).or_else(|| {
                        if *f == "attempts" {
                            c.get(f).and_then(scalar)
                        } else {
                            None
                        }
                    })?;
                    Some(format!("{f} {v}"))
                })
                .collect();
            let roles = Roles::of(res);
            let prios = roles.priorities(res);
            let service: Vec<&str> = roles
                .primary
                .iter()
                .chain(roles.secondary.iter())
                .map(|(n, _)| *n)
                .collect();
            let mut sections = Vec::new();
            for (n, _, role) in roles.all() {
                let remotes: Vec<String> = if role == "watchdog" {
                    service.iter().map(|s| address(s)).collect()
                } else {
                    service
                        .iter()
                        .filter(|s| **s != n)
                        .map(|s| address(s))
                        .collect()
                };
                sections.push(OnSection {
                    node: n.to_string(),
                    remotes: if remotes.is_empty() {
                        vec!["none".into()]
                    } else {
                        remotes
                    },
                    priority: prios.iter().find(|(p, _)| *p == n).map(|(_, v)| *v),
                });
            }
            let rkey = key(res.get("key"), ctx, def)?;
            has_secret |= rkey.is_some();
            resources.push(Resource {
                name: r.key.clone(),
                exec,
                lines,
                key: rkey,
                friends: res
                    .get("friends")
                    .map(|f| f.strings().map(|(s, _)| s.to_string()).collect())
                    .unwrap_or_default(),
                sections,
            });
        }
        let text = ctx.templates.render(
            "hastmon.conf.j2",
            context! {
                cluster => &def.name,
                nodes => nodes.iter().map(|e| e.key.clone()).collect::<Vec<_>>(),
                global => global,
                key => key(c.get("key"), ctx, def)?,
                node_sections => node_sections,
                resources => resources,
            },
        )?;
        outputs.push(Output {
            path: PathBuf::from(format!("hastmon/{}/hastmon.conf", def.name)),
            content: text,
            // A key secret makes the file a credential.
            mode: if has_secret { 0o600 } else { 0o644 },
            collectd_conf: false,
        });
    }
    Ok(outputs)
}
