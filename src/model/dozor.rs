//! Dozor agents and their plugins (reference dozor-conveyer-collectd.md §1.4).

use serde::Serialize;

use super::read::{Cx, Fields, FromNode, Spanned};
use super::types::{PathSegment, Secret};
use crate::diagnostic::Span;
use crate::syntax::Node;

pub const DEFAULT_CONTROL_CHANNEL: &str = "dozor.control";
pub const DEFAULT_PLUGIN_DIR: &str = "/opt/dozor/plugins";

#[derive(Clone, Debug, Default)]
pub struct Redis {
    pub host: Option<String>,
    pub port: Option<u16>,
    pub db: Option<u32>,
    pub password: Option<Secret>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Op {
    Gt,
    Ge,
    Lt,
    Le,
    Eq,
    Ne,
}

impl FromNode for Op {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        Some(match node.as_str()? {
            "gt" => Op::Gt,
            "ge" => Op::Ge,
            "lt" => Op::Lt,
            "le" => Op::Le,
            "eq" => Op::Eq,
            "ne" => Op::Ne,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Filter {
    pub regex: Spanned<String>,
    pub group: Option<Spanned<u32>>,
    pub as_number: bool,
}

#[derive(Clone, Debug)]
pub struct Validate {
    pub op: Op,
    pub threshold: f64,
}

#[derive(Clone, Debug)]
pub struct Plugin {
    pub name: Spanned<String>,
    pub category: String,
    pub version: String,
    pub fire_description: Option<String>,
    pub interval_ms: Option<u32>,
    pub exec: Vec<Spanned<String>>,
    pub filter: Option<Filter>,
    pub validate: Option<Validate>,
    pub custom: Option<String>,
}

impl Plugin {
    /// The id Dozor knows a plugin by: `category/name@version`.
    pub fn id(&self) -> String {
        format!("{}/{}@{}", self.category, self.name.value, self.version)
    }
}

#[derive(Clone, Debug)]
pub struct Agent {
    pub name: String,
    pub name_span: Span,
    /// Its output directory.
    pub dir: PathSegment,
    pub host: String,
    pub plugin_dir: Option<String>,
    pub redis: Option<Redis>,
    pub events_channel: Spanned<String>,
    pub control_channel: Option<String>,
    pub plugins: Vec<Plugin>,
}

impl Agent {
    pub fn control_channel(&self) -> &str {
        self.control_channel
            .as_deref()
            .unwrap_or(DEFAULT_CONTROL_CHANNEL)
    }
}

fn s(f: &Fields, cx: &mut Cx, key: &str) -> Option<String> {
    f.value::<String>(cx, key)
}

pub fn build(d: &super::Def, cx: &mut Cx) -> Option<Agent> {
    let (name, name_span, f, place) = (d.name, d.name_span, d.fields, d.place);
    let plugins = f.named(cx, "plugins", |cx, n, p| {
        let filter = p.object(cx, "filter").and_then(|x| {
            Some(Filter {
                group: x.opt(cx, "group"),
                as_number: x.value::<String>(cx, "as").as_deref() == Some("number"),
                regex: x.req(cx, "regex")?,
            })
        });
        let validate = p.object(cx, "validate").and_then(|v| {
            Some(Validate {
                threshold: v.req::<f64>(cx, "threshold").map(|t| t.value)?,
                op: v.req::<Op>(cx, "op")?.value,
            })
        });
        Some(Plugin {
            name: Spanned {
                value: n.value.to_string(),
                span: n.span,
            },
            fire_description: p.value(cx, "fire_description"),
            interval_ms: p.value::<u32>(cx, "interval_ms"),
            exec: p.value(cx, "exec").unwrap_or_default(),
            filter,
            validate,
            custom: p.value(cx, "custom"),
            version: p.value(cx, "version")?,
            category: p.value(cx, "category")?,
        })
    });
    let bus = f.object(cx, "bus")?;
    let redis = bus.object(cx, "redis").map(|r| Redis {
        host: r.value(cx, "host"),
        port: r.value::<u16>(cx, "port"),
        db: r.value::<u32>(cx, "db"),
        password: r.opt(cx, "password").map(|p| place.secret(cx, p)),
    });
    let dir = PathSegment::of_name(name, name_span, cx);
    Some(Agent {
        name: name.to_string(),
        name_span,
        dir: dir?,
        plugin_dir: f.value(cx, "plugin_dir"),
        redis,
        control_channel: s(&bus, cx, "control_channel"),
        events_channel: bus.req(cx, "events_channel")?,
        plugins,
        host: f.value(cx, "host")?,
    })
}
