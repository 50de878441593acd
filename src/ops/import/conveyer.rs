//! Conveyer daemons back from the files `mon render conveyer` writes
//! (reference dozor-conveyer-collectd.md §2.5-§2.6): `conveyer.env` (the
//! daemon's three variables), `agent.env` (where the agent reads its plugin
//! config), `conveyer-plugin.json` and `logstash-output.conf`. The
//! definition is a typed value, serialised; what mon cannot express is
//! noted with its file and line.

use std::collections::BTreeMap;
use std::path::Path;

use super::def::{self, Conveyer, ConveyerPlugin, Logstash};
use super::{yaml, File, Import, Note};
use crate::model::conveyer::{DEFAULT_POOL_MAX, DEFAULT_TAG};

/// `KEY=value` lines of an env file; comments and blank lines skipped, any
/// other line noted.
fn env_file(text: &str, source: &str, notes: &mut Vec<Note>) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        match t.split_once('=') {
            Some((k, v)) => drop(out.insert(k.trim().to_string(), v.trim().to_string())),
            None => notes.push(note(source, i + 1, "not KEY=value; left out")),
        }
    }
    out
}

fn note(source: &str, line: usize, message: &str) -> Note {
    Note {
        source: format!("{source}:{line}"),
        message: message.to_string(),
        left_out: true,
    }
}

fn read(dir: &Path, name: &str) -> Result<(String, String), String> {
    let p = dir.join(name);
    let shown = p.display().to_string();
    crate::source::read(&p)
        .map(|t| (t, shown.clone()))
        .map_err(|e| format!("{shown}: {}", e.message))
}

/// The Logstash output's tag (`if "TAG" in [tags]`) and `pool_max`.
fn logstash(text: &str) -> (Option<String>, Option<u32>) {
    let tag = text.lines().find_map(|l| {
        let l = l.trim();
        let rest = l.strip_prefix("if \"")?;
        let (tag, tail) = rest.split_once('"')?;
        tail.trim()
            .starts_with("in [tags]")
            .then(|| tag.to_string())
    });
    let pool = text.lines().find_map(|l| {
        let (k, v) = l.trim().split_once("=>")?;
        (k.trim() == "pool_max")
            .then(|| v.trim().parse().ok())
            .flatten()
    });
    (tag, pool)
}

/// One daemon from its rendered directory; `name` is the definition's.
fn one(dir: &Path, name: &str, imp: &mut Import) -> Result<(String, Conveyer), String> {
    let (env, env_source) = read(dir, "conveyer.env")?;
    let mut vars = env_file(&env, &env_source, &mut imp.notes);
    let logs = vars
        .remove("CONVEYER_LOGS")
        .ok_or_else(|| format!("{env_source}: no CONVEYER_LOGS, which the daemon needs"))?;
    let host = vars.remove("CONVEYER_HOST");
    let port = match vars.remove("CONVEYER_PORT") {
        Some(p) => Some(
            p.parse::<u16>()
                .map_err(|_| format!("{env_source}: CONVEYER_PORT `{p}` is not a port"))?,
        ),
        None => None,
    };
    for k in vars.keys() {
        imp.notes.push(Note {
            source: env_source.clone(),
            message: format!("`{k}` is not a variable the daemon reads; left out"),
            left_out: true,
        });
    }
    let (agent, agent_source) = read(dir, "agent.env")?;
    let mut agent_vars = env_file(&agent, &agent_source, &mut imp.notes);
    let config_path = agent_vars.remove("CONVEYER_AGENT_PLUGIN_CONFIG");
    let (json, json_source) = read(dir, "conveyer-plugin.json")?;
    let plugin: serde_json::Value =
        serde_json::from_str(&json).map_err(|e| format!("{json_source}: not JSON: {e}"))?;
    let state_file = plugin["state_file_name"]
        .as_str()
        .ok_or_else(|| format!("{json_source}: no state_file_name string"))?
        .to_string();
    let metrics: Vec<String> = plugin["metrics"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    let url = format!(
        "http://{}:{}/rotate",
        host.as_deref()
            .unwrap_or(crate::model::conveyer::DEFAULT_HOST),
        port.unwrap_or(crate::model::conveyer::DEFAULT_PORT)
    );
    if plugin["conveyer_url"].as_str() != Some(url.as_str()) {
        imp.notes.push(Note {
            source: json_source.clone(),
            message: format!("conveyer_url is not the daemon's ({url}); mon derives it from conveyer.env, so the definition gives that"),
            left_out: false,
        });
    }
    let (text, _) = read(dir, "logstash-output.conf")?;
    let (tag, pool_max) = logstash(&text);
    let logstash = Logstash {
        tag: tag.filter(|t| t != DEFAULT_TAG),
        pool_max: pool_max.filter(|p| *p != DEFAULT_POOL_MAX),
    };
    let def = Conveyer {
        host,
        port,
        logs,
        plugin: ConveyerPlugin {
            config_path,
            state_file,
            metrics,
        },
        logstash: (logstash.tag.is_some() || logstash.pool_max.is_some()).then_some(logstash),
    };
    Ok((name.to_string(), def))
}

/// Every daemon under `dir`: one rendered directory (`conveyer/<name>/`,
/// named `name` or after the directory), or a tree of them (`conveyer/`,
/// or the render's output with `conveyer/` under it), into
/// `conveyer-<name>.yaml` files.
pub fn import(dir: &Path, name: Option<&str>) -> Result<Import, String> {
    let (root, mut dirs) = super::rendered(dir, "conveyer", |d| d.join("conveyer.env").is_file())?;
    if root.join("conveyer.env").is_file() {
        dirs = vec![root.clone()];
    }
    if dirs.is_empty() {
        return Err(format!(
            "{}: no conveyer.env here or in a directory under it; give what `mon render conveyer` writes",
            root.display()
        ));
    }
    let mut imp = Import::default();
    for d in &dirs {
        let dir_name = d
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = match (name, dirs.len()) {
            (Some(n), 1) => n.to_string(),
            _ => dir_name,
        };
        let (name, def) = one(d, &name, &mut imp)?;
        let path = format!("conveyer-{}.yaml", super::slug(&name, '-'));
        let text = yaml::document(
            &format!("Imported by `mon import conveyer` from {}.", d.display()),
            &def::one(name, def, |d| &mut d.conveyer),
        );
        imp.files.push(File {
            path: path.into(),
            content: text,
            mode: 0o644,
        });
        *imp.counts.entry("conveyer daemons").or_default() += 1;
    }
    Ok(imp)
}
