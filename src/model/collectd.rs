//! MQTT brokers and collectd hosts running lua-collectd-monitor (reference
//! lua-collectd-monitor.md §2-§4, dozor-conveyer-collectd.md §3.6). Defaults
//! live here, as methods, once.

use super::Def;
use super::read::{Cx, FromNode, Spanned};
use super::types::{ConfKey, ConfString, PathSegment, Secret, SecretRef, ShellLine};
use crate::diagnostic::Span;
use serde::Serialize;

use crate::syntax::{Node, Value};

pub const DEFAULT_MONITOR_CONFIG: &str = "/etc/collectd/monitor/config.json";
pub const DEFAULT_LOCAL_DIR: &str = "/etc/collectd/monitor/local";
pub const DEFAULT_BASE_PATH: &str = "/usr/local/share/lua/5.1";
pub const DEFAULT_RECONNECT: u32 = 5;
pub const DEFAULT_QOS: u8 = 2;
pub const DEFAULT_NETWORK_PORT: u16 = 25826;

pub fn default_command_topic(host: &str) -> String {
    format!("collectd/{host}/command")
}
pub fn default_result_topic(host: &str) -> String {
    format!("collectd/{host}/result")
}

#[derive(Clone, Debug, Serialize)]
pub struct Broker {
    pub name: String,
    #[serde(skip)]
    pub name_span: Span,
    pub host: Spanned<String>,
    pub user: Option<String>,
    /// Resolved only when rendered, never serialized.
    #[serde(skip)]
    pub password: Option<Secret>,
    pub secure: Option<Spanned<bool>>,
    pub cafile: Option<String>,
    /// A client certificate mon presents (its PEM file) and its key (a
    /// secret); the collectd hosts present none.
    pub cert: Option<String>,
    #[serde(skip)]
    pub key: Option<Secret>,
}

impl Broker {
    pub fn secure(&self) -> bool {
        self.secure.as_ref().is_some_and(|s| s.value)
    }

    /// The broker as a connection reaches it: host names compare without
    /// case or a trailing dot, and no port means luamqtt's default (1883,
    /// 8883 when secure). `mqtt.example.com`, `MQTT.Example.COM:1883` and
    /// `mqtt.example.com.` are one broker.
    pub fn address(&self) -> (String, u16) {
        broker_address(&self.host.value, self.secure())
            .unwrap_or_else(|| (self.host.value.clone(), 0))
    }
}

/// `host[:port]` as a connection reaches it: the host without case or a
/// trailing dot, the port luamqtt's default when none is given.
pub fn broker_address(s: &str, secure: bool) -> Option<(String, u16)> {
    let (host, port) = host_port(s, secure).ok()?;
    Some((host.trim_end_matches('.').to_ascii_lowercase(), port))
}

/// `host[:port]`, with MQTT's default ports.
pub fn host_port(s: &str, tls: bool) -> Result<(String, u16), String> {
    let default = if tls { 8883 } else { 1883 };
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => {
            let port = p
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| format!("`{p}` is not a port"))?;
            Ok((h.to_string(), port))
        }
        _ => Ok((s.to_string(), default)),
    }
}

pub fn broker(d: &Def, cx: &mut Cx) -> Option<Broker> {
    let (name, name_span, f, place) = (d.name, d.name_span, d.fields, d.place);
    Some(Broker {
        name: name.to_string(),
        name_span,
        user: f.value::<String>(cx, "user"),
        password: f.opt(cx, "password").map(|s| place.secret(cx, s)),
        secure: f.opt(cx, "secure"),
        cafile: f.value::<String>(cx, "cafile"),
        cert: f.value::<String>(cx, "cert"),
        key: f.opt(cx, "key").map(|s| place.secret(cx, s)),
        host: f.req(cx, "host")?,
    })
}

/// A collectd option value: quoted string, plain number or bare boolean,
/// or a secret reference (`Password: {env: NGINX_PASSWORD}`), resolved
/// only when rendered.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ConfValue {
    Str(ConfString),
    Int(i64),
    Float(f64),
    Bool(bool),
    Secret(OptionSecret),
}

/// A plugin option's secret: serialised as `{"secret": true}`, never its
/// value, so that the template takes the resolved value from elsewhere.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionSecret(pub Secret);

impl Serialize for OptionSecret {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut m = s.serialize_map(Some(1))?;
        m.serialize_entry("secret", &true)?;
        m.end()
    }
}

impl FromNode for ConfValue {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match node.value {
            Value::Str(_) => ConfString::from_node(node, cx).map(ConfValue::Str),
            Value::Bool(b) => Some(ConfValue::Bool(b)),
            Value::Int(i) => Some(ConfValue::Int(i)),
            // collectd reads option numbers as doubles, so 1.5 and 2.0 both mean what they say.
            Value::Float(_) => f64::from_node(node, cx).map(ConfValue::Float),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct PluginOption {
    pub key: Spanned<ConfKey>,
    /// A list repeats the option, one line per value.
    pub values: Vec<ConfValue>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Plugin {
    pub name: Spanned<ConfKey>,
    pub options: Vec<PluginOption>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Command {
    pub name: String,
    pub line: Spanned<ShellLine>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Service {
    pub name: Spanned<String>,
    pub commands: Vec<Command>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Replacer {
    pub config_path: Option<String>,
    pub command_path: Option<String>,
    pub pid_path: Option<String>,
    pub report_path: Option<String>,
    pub lua_path: Option<String>,
    pub log_device: Option<String>,
    pub log_level: Option<String>,
    pub start: Option<Spanned<ShellLine>>,
    pub stop: Option<Spanned<ShellLine>>,
}

#[derive(Clone, Debug, Serialize)]
pub struct MetricCondition {
    pub plugin: String,
    pub plugin_instance: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub type_instance: Option<String>,
    pub value_index: u32,
    pub above: Option<Spanned<f64>>,
    pub below: Option<Spanned<f64>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Failure,
    Warning,
    Okay,
}

impl Severity {
    /// collectd's NOTIF_FAILURE, NOTIF_WARNING, NOTIF_OKAY.
    pub fn code(self) -> u8 {
        match self {
            Severity::Failure => 1,
            Severity::Warning => 2,
            Severity::Okay => 4,
        }
    }
}

impl FromNode for Severity {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        match node.as_str()? {
            "failure" => Some(Severity::Failure),
            "warning" => Some(Severity::Warning),
            "okay" => Some(Severity::Okay),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct NotificationCondition {
    pub severity: Severity,
    pub plugin: Option<String>,
    #[serde(rename = "type")]
    pub type_: Option<String>,
    pub host: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Condition {
    Metric(MetricCondition),
    Notification(NotificationCondition),
}

#[derive(Clone, Debug, Serialize)]
pub struct Trigger {
    pub name: Spanned<String>,
    pub condition: Condition,
    pub service: Spanned<String>,
    pub command: Spanned<String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Server {
    #[serde(skip)]
    pub span: Span,
    pub host: ConfString,
    pub port: u16,
    pub security_level: Option<Spanned<String>>,
    pub username: Option<ConfString>,
    /// Resolved only when rendered, never serialized.
    #[serde(skip)]
    pub password: Option<Secret>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Listen {
    #[serde(skip)]
    pub span: Span,
    pub host: ConfString,
    pub port: u16,
    pub security_level: Option<Spanned<String>>,
    pub auth_file: Option<ConfString>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Network {
    pub servers: Vec<Server>,
    pub listen: Vec<Listen>,
    pub time_to_live: Option<u8>,
    pub max_packet_size: Option<u16>,
    pub forward: Option<bool>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Paths {
    pub collectd_conf: Option<ConfString>,
    pub monitor_config: Option<ConfString>,
    pub local_dir: Option<ConfString>,
    pub base_path: Option<ConfString>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Host {
    pub name: String,
    #[serde(skip)]
    pub name_span: Span,
    /// The host's output directory, and its local trigger file `<name>.lua`.
    pub dir: PathSegment,
    pub trigger_file: PathSegment,
    pub broker: Spanned<String>,
    pub command_topic: Option<Spanned<String>>,
    pub result_topic: Option<Spanned<String>>,
    pub qos: Option<u8>,
    pub clean_session: Option<bool>,
    pub reconnect_interval: Option<u32>,
    pub log_level: Option<String>,
    pub log_device: Option<String>,
    pub hostname: Option<ConfString>,
    pub interval: Option<f64>,
    pub paths: Paths,
    pub services: Vec<Service>,
    pub replacer: Option<Replacer>,
    pub triggers: Vec<Trigger>,
    pub plugins: Vec<Plugin>,
    pub network: Option<Network>,
}

impl Host {
    pub fn command_topic(&self) -> String {
        self.command_topic
            .as_ref()
            .map_or_else(|| default_command_topic(&self.name), |t| t.value.clone())
    }
    pub fn result_topic(&self) -> String {
        self.result_topic
            .as_ref()
            .map_or_else(|| default_result_topic(&self.name), |t| t.value.clone())
    }
    pub fn qos(&self) -> u8 {
        self.qos.unwrap_or(DEFAULT_QOS)
    }
    pub fn reconnect_interval(&self) -> u32 {
        self.reconnect_interval.unwrap_or(DEFAULT_RECONNECT)
    }
    pub fn hostname(&self) -> &str {
        self.hostname.as_ref().map_or(&self.name, |h| h.as_str())
    }
    pub fn monitor_config(&self) -> &str {
        self.paths
            .monitor_config
            .as_ref()
            .map_or(DEFAULT_MONITOR_CONFIG, |p| p.as_str())
    }
    pub fn local_dir(&self) -> &str {
        self.paths
            .local_dir
            .as_ref()
            .map_or(DEFAULT_LOCAL_DIR, |p| p.as_str())
    }
    pub fn base_path(&self) -> &str {
        self.paths
            .base_path
            .as_ref()
            .map_or(DEFAULT_BASE_PATH, |p| p.as_str())
    }
    pub fn service(&self, name: &str) -> Option<&Service> {
        self.services.iter().find(|s| s.name.value == name)
    }
    /// Whether collectd.conf holds a credential.
    pub fn has_network_secret(&self) -> bool {
        self.network
            .as_ref()
            .is_some_and(|n| n.servers.iter().any(|s| s.password.is_some()))
    }
}

pub fn host(d: &Def, cx: &mut Cx) -> Option<Host> {
    let (name, name_span, f, place) = (d.name, d.name_span, d.fields, d.place);
    let paths = f.object(cx, "paths").map(|p| Paths {
        collectd_conf: p.value(cx, "collectd_conf"),
        monitor_config: p.value(cx, "monitor_config"),
        local_dir: p.value(cx, "local_dir"),
        base_path: p.value(cx, "base_path"),
    });
    let services = f.named(cx, "services", |cx, n, s| {
        Some(Service {
            name: Spanned {
                value: n.value.to_string(),
                span: n.span,
            },
            commands: s
                .named_values::<ShellLine>(cx, "commands")
                .into_iter()
                .map(|(k, v)| Command {
                    name: k.value,
                    line: v,
                })
                .collect(),
        })
    });
    let replacer = f.object(cx, "replacer").map(|r| Replacer {
        config_path: r.value(cx, "config_path"),
        command_path: r.value(cx, "command_path"),
        pid_path: r.value(cx, "pid_path"),
        report_path: r.value(cx, "report_path"),
        lua_path: r.value(cx, "lua_path"),
        log_device: r.value(cx, "log_device"),
        log_level: r.value(cx, "log_level"),
        start: r.opt(cx, "start"),
        stop: r.opt(cx, "stop"),
    });
    let triggers = f.named(cx, "triggers", |cx, n, t| {
        let metric = t.object(cx, "metric").and_then(|m| {
            Some(Condition::Metric(MetricCondition {
                plugin_instance: m.value(cx, "plugin_instance"),
                type_: m.value(cx, "type"),
                type_instance: m.value(cx, "type_instance"),
                value_index: m.value::<u32>(cx, "value_index").unwrap_or(1),
                above: m.opt(cx, "above"),
                below: m.opt(cx, "below"),
                plugin: m.value(cx, "plugin")?,
            }))
        });
        let notification = t.object(cx, "notification").and_then(|m| {
            Some(Condition::Notification(NotificationCondition {
                plugin: m.value(cx, "plugin"),
                type_: m.value(cx, "type"),
                host: m.value(cx, "host"),
                severity: m.req::<Severity>(cx, "severity")?.value,
            }))
        });
        let run = t.object(cx, "run")?;
        Some(Trigger {
            name: Spanned {
                value: n.value.to_string(),
                span: n.span,
            },
            service: run.req(cx, "service")?,
            command: run.req(cx, "command")?,
            condition: metric.or(notification)?,
        })
    });
    let plugins = f.named(cx, "plugins", |cx, n, p| {
        let options = p
            .entries(cx)
            .iter()
            .filter_map(|o| {
                // A mapping is a secret reference; the schema allows no other.
                let one = |cx: &mut Cx, n: &Node| match n.value {
                    Value::Map(_) => Spanned::<SecretRef>::from_node(n, cx)
                        .map(|r| ConfValue::Secret(OptionSecret(place.secret(cx, r)))),
                    _ => ConfValue::from_node(n, cx),
                };
                let values = match &o.value.value {
                    Value::Seq(items) => items
                        .iter()
                        .map(|n| one(cx, n))
                        .collect::<Option<Vec<_>>>()?,
                    _ => vec![one(cx, &o.value)?],
                };
                let key = ConfKey::read(&o.key, o.key_span, "the option", cx);
                Some(PluginOption { key: key?, values })
            })
            .collect();
        Some(Plugin {
            name: ConfKey::read(n.value, n.span, "the plugin", cx)?,
            options,
        })
    });
    let network = f.object(cx, "network").map(|n| Network {
        servers: n.list(cx, "servers", |cx, s| {
            Some(Server {
                span: s.span(),
                port: s.value::<u16>(cx, "port").unwrap_or(DEFAULT_NETWORK_PORT),
                security_level: s.opt(cx, "security_level"),
                username: s.value(cx, "username"),
                password: s.opt(cx, "password").map(|p| place.secret(cx, p)),
                host: s.value(cx, "host")?,
            })
        }),
        listen: n.list(cx, "listen", |cx, l| {
            Some(Listen {
                span: l.span(),
                port: l.value::<u16>(cx, "port").unwrap_or(DEFAULT_NETWORK_PORT),
                security_level: l.opt(cx, "security_level"),
                auth_file: l.value(cx, "auth_file"),
                host: l.value(cx, "host")?,
            })
        }),
        time_to_live: n.value::<u8>(cx, "time_to_live"),
        max_packet_size: n.value::<u16>(cx, "max_packet_size"),
        forward: n.value::<bool>(cx, "forward"),
    });
    let dir = PathSegment::of_name(name, name_span, cx);
    let trigger_file = PathSegment::of_name(&format!("{name}.lua"), name_span, cx);
    Some(Host {
        name: name.to_string(),
        name_span,
        dir: dir?,
        trigger_file: trigger_file?,
        command_topic: f.opt(cx, "command_topic"),
        result_topic: f.opt(cx, "result_topic"),
        qos: f.value::<u8>(cx, "qos"),
        clean_session: f.value::<bool>(cx, "clean_session"),
        reconnect_interval: f.value::<u32>(cx, "reconnect_interval"),
        log_level: f.value(cx, "log_level"),
        log_device: f.value(cx, "log_device"),
        hostname: f.value(cx, "hostname"),
        interval: f.value::<f64>(cx, "interval"),
        paths: paths.unwrap_or_default(),
        services,
        replacer,
        triggers,
        plugins,
        network,
        broker: f.req(cx, "broker")?,
    })
}
