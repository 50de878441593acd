//! One hastmon.conf per cluster (reference/hastmon.md §10): the same file for
//! every node; per resource, each node gets its own `on` section with its
//! remotes, its priority when it can become primary, and its start role.
//! Every watchdog is a friend of the resource, or the service nodes refuse
//! its polls and complaints and never fail over (§6).

use std::path::PathBuf;

use minijinja::context;
use serde::Serialize;

use super::{Context, Output};
use crate::section::Section;
use crate::model::hastmon::{
    Cluster, Hook, Key as KeyDef, Resource as ResourceDef, Role, StartRole, Tuning,
};
use crate::model::types::HastSecret;

#[derive(Serialize)]
struct Key {
    algorithm: String,
    secret: HastSecret,
}

#[derive(Serialize)]
struct NodeSection<'a> {
    name: &'a str,
    lines: Vec<String>,
}

#[derive(Serialize)]
struct OnSection<'a> {
    node: &'a str,
    remotes: Vec<&'a str>,
    priority: Option<u32>,
    role_on_start: Option<Role>,
}

#[derive(Serialize)]
struct Resource<'a> {
    name: &'a str,
    exec: &'a str,
    lines: Vec<String>,
    key: Option<Key>,
    friends: Vec<&'a str>,
    sections: Vec<OnSection<'a>>,
}

fn key(k: Option<&KeyDef>) -> Result<Option<Key>, String> {
    let Some(k) = k else { return Ok(None) };
    Ok(Some(Key {
        algorithm: k.algorithm.clone(),
        secret: k
            .secret
            .resolve_as("the hastmon key secret", HastSecret::new)?,
    }))
}

/// Numbers hastmon honours at this level: `attempts` only per resource
/// (hastmon drops a global one, §2); `role_on_start` never here (it would
/// apply to every node, watchdogs included, §6).
fn lines(t: &Tuning, global: bool) -> Vec<String> {
    t.numbers()
        .into_iter()
        .filter(|(k, _)| !(global && *k == "attempts"))
        .filter_map(|(k, v)| v.map(|v| format!("{k} {v}")))
        .collect()
}

fn start_role(c: &Cluster, r: &ResourceDef) -> StartRole {
    r.tuning
        .role_on_start
        .as_ref()
        .or(c.tuning.role_on_start.as_ref())
        .map_or(StartRole::Init, |s| s.value)
}

fn resource<'a>(c: &'a Cluster, r: &'a ResourceDef) -> Result<Resource<'a>, String> {
    let hook = r.hook.as_ref().ok_or_else(|| {
        format!(
            "cluster `{}` resource `{}` has neither exec nor commands",
            c.name,
            r.name.as_str()
        )
    })?;
    let mut tuning = r.tuning.clone();
    // A cluster-wide `attempts` goes into each resource.
    if tuning.attempts.is_none() {
        tuning.attempts = c.tuning.attempts;
    }
    let service: Vec<&str> = r.service().map(|n| c.address_of(n)).collect();
    let friends = crate::model::hastmon::friends_with(
        r.friends.iter().map(|f| f.as_str()),
        r.watchdog.iter().map(|w| c.address_of(w)),
    );
    let own_role = start_role(c, r) == StartRole::OwnRole;
    let prios = r.priorities();
    let sections = r
        .members()
        .map(|(n, role)| {
            let me = c.address_of(n);
            let remotes: Vec<&str> = service
                .iter()
                .copied()
                .filter(|s| role == Role::Watchdog || *s != me)
                .collect();
            OnSection {
                node: n.as_str(),
                remotes: if remotes.is_empty() {
                    vec!["none"]
                } else {
                    remotes
                },
                priority: prios
                    .iter()
                    .find(|(p, _, _)| *p == n.as_str())
                    .map(|(_, v, _)| *v),
                role_on_start: own_role.then_some(role),
            }
        })
        .collect();
    Ok(Resource {
        name: r.name.as_str(),
        exec: hook.path(),
        lines: lines(&tuning, false),
        key: key(r.key.as_ref())?,
        friends,
        sections,
    })
}

pub fn render(ctx: &Context) -> Result<Vec<Output>, String> {
    let mut outputs = Vec::new();
    for c in ctx.model.clusters.values() {
        if !ctx.selection.contains(Section::Cluster, c.name.as_str()) {
            continue;
        }
        let mut resources = Vec::new();
        for r in &c.resources {
            if let Some(Hook::Commands {
                file,
                start,
                stop,
                status,
                ..
            }) = &r.hook
            {
                let text = ctx.templates.render(
                    "hastmon-exec.sh.j2",
                    context! { cluster => c.name.as_str(), resource => r.name.as_str(), start, stop, status },
                )?;
                outputs.push(Output {
                    path: PathBuf::from("hastmon")
                        .join(c.name.as_str())
                        .join(file.as_str()),
                    content: text,
                    mode: 0o755,
                    collectd_conf: false,
                });
            }
            resources.push(resource(c, r)?);
        }
        let mut global: Vec<String> = Vec::new();
        if let Some(a) = &c.control {
            global.push(format!("control {}", a.as_str()));
        }
        if let Some(a) = &c.listen {
            global.push(format!("listen {}", a.as_str()));
        }
        global.extend(lines(&c.tuning, true));
        let node_sections: Vec<NodeSection> = c
            .nodes
            .iter()
            .filter_map(|n| {
                let lines: Vec<String> = [("control", &n.control), ("listen", &n.listen)]
                    .into_iter()
                    .filter_map(|(k, v)| v.as_ref().map(|v| format!("{k} {}", v.as_str())))
                    .collect();
                (!lines.is_empty()).then_some(NodeSection {
                    name: n.name.as_str(),
                    lines,
                })
            })
            .collect();
        let text = ctx.templates.render(
            "hastmon.conf.j2",
            context! {
                cluster => c.name.as_str(),
                nodes => c.nodes.iter().map(|n| n.name.as_str()).collect::<Vec<_>>(),
                global => global,
                key => key(c.key.as_ref())?,
                node_sections => node_sections,
                resources => resources,
            },
        )?;
        outputs.push(Output {
            path: PathBuf::from("hastmon")
                .join(c.name.as_str())
                .join("hastmon.conf"),
            content: text,
            // A key secret makes the file a credential.
            mode: if c.has_secret() { 0o600 } else { 0o644 },
            collectd_conf: false,
        });
    }
    Ok(outputs)
}
