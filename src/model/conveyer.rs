//! Conveyer daemons and their agent plugin (reference
//! dozor-conveyer-collectd.md §2.5-§2.6). Everything that lands in an env
//! file (and in the URLs built from it) is an `EnvValue`.

use super::Def;
use super::read::{Cx, Spanned};
use super::types::{EnvValue, PathSegment};
use crate::diagnostic::Span;

/// The path the agent plugin's code reads when no override is set.
pub const AGENT_DEFAULT_CONFIG: &str = "/etc/conveyer_plugin.json";
pub const DEFAULT_HOST: &str = "localhost";
pub const DEFAULT_PORT: u16 = 10100;
pub const DEFAULT_TAG: &str = "metric";
pub const DEFAULT_POOL_MAX: u32 = 1;

#[derive(Clone, Debug)]
pub struct Conveyer {
    pub name: String,
    pub name_span: Span,
    /// Its output directory.
    pub dir: PathSegment,
    pub host: Option<Spanned<EnvValue>>,
    pub port: Option<u16>,
    pub logs: Spanned<EnvValue>,
    pub config_path: Option<Spanned<EnvValue>>,
    pub state_file: Spanned<String>,
    pub metrics: Vec<Spanned<String>>,
    pub tag: Option<String>,
    pub pool_max: Option<u32>,
}

impl Conveyer {
    pub fn host(&self) -> &str {
        self.host.as_ref().map_or(DEFAULT_HOST, |h| h.as_str())
    }
    pub fn port(&self) -> u16 {
        self.port.unwrap_or(DEFAULT_PORT)
    }
    pub fn config_path(&self) -> &str {
        self.config_path
            .as_ref()
            .map_or(AGENT_DEFAULT_CONFIG, |c| c.as_str())
    }
    pub fn tag(&self) -> &str {
        self.tag.as_deref().unwrap_or(DEFAULT_TAG)
    }
    pub fn pool_max(&self) -> u32 {
        self.pool_max.unwrap_or(DEFAULT_POOL_MAX)
    }
}

pub fn build(d: &Def, cx: &mut Cx) -> Option<Conveyer> {
    let (name, name_span, f) = (d.name, d.name_span, d.fields);
    let host = f.opt(cx, "host");
    let port = f.value::<u16>(cx, "port");
    let logs = f.req(cx, "logs");
    let logstash = f.object(cx, "logstash");
    let tag = logstash
        .and_then(|l| l.opt::<String>(cx, "tag"))
        .map(|s| s.value);
    let pool_max = logstash
        .and_then(|l| l.opt::<u32>(cx, "pool_max"))
        .map(|s| s.value);
    let plugin = f.object(cx, "plugin")?;
    let config_path = plugin.opt(cx, "config_path");
    let state_file = plugin.req(cx, "state_file");
    let metrics = plugin.value(cx, "metrics").unwrap_or_default();
    let dir = PathSegment::of_name(name, name_span, cx);
    Some(Conveyer {
        name: name.to_string(),
        name_span,
        dir: dir?,
        host,
        port,
        logs: logs?,
        config_path,
        state_file: state_file?,
        metrics,
        tag,
        pool_max,
    })
}
