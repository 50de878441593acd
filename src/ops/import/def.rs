//! The definitions `mon import` writes: one typed value per section, in the
//! order the README writes its fields, serialised by `yaml::document`. The
//! test below holds these types to `fixtures/model/full.yaml`, which the
//! model's agreement test holds to every schema property: a field added to
//! the format fails here until it is declared, and `tests/import_coverage.rs`
//! fails until an importer fills it.
//!
//! What an import reads from another system is data: a credential becomes a
//! `Secret::env` only where the importer moved its value to secrets.env.
//! Typed leaves cannot hold a mapping at all; a monitor's values, kept as
//! etcd holds them, stand where the format takes no secret, so a planted
//! `{"env": …}` there is refused by `mon validate`, never resolved.

use std::borrow::Cow;

use indexmap::IndexMap;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Named things in the order they were read; hashed with foldhash, as a
/// 300,000-node cluster is one of these.
pub type Map<V> = IndexMap<String, V, foldhash::fast::RandomState>;

/// Text borrowed from what was read where there is much of it (a
/// cluster's node names and addresses), owned where it was made.
pub type Text<'a> = Cow<'a, str>;

/// One definition file.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Document<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor: Option<Map<Monitor>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alerter: Option<Map<Alerter>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cluster: Option<Map<Cluster<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mqtt: Option<Map<Broker>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collectd: Option<Map<Host>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub conveyer: Option<Map<Conveyer>>,
}

/// A secret: a literal (only ever read from a definition, in the test), or
/// a reference the importer wrote for a value it moved to secrets.env.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Secret {
    Ref(SecretRef),
    Literal(String),
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(rename_all = "lowercase", deny_unknown_fields)]
pub enum SecretRef {
    Env(String),
    File(String),
}

impl Secret {
    /// `{env: VAR}`, for a value the import put in secrets.env as VAR.
    pub fn env(var: String) -> Secret {
        Secret::Ref(SecretRef::Env(var))
    }
}

/// A 9volt monitor. Its values are carried as etcd holds them (durations
/// apart), so that `mon diff` compares like with like; `mon validate` types
/// them. A field the format lacks is kept in `other`, for validate to name.
#[derive(Serialize, Deserialize, Default)]
#[serde(rename_all = "kebab-case")]
pub struct Monitor {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expect: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disable: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub member_tag: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning_threshold: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical_threshold: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub warning_alerter: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub critical_alerter: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub send: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_timeout: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub write_timeout: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_size: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ssl: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_code: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_body: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub args: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_code: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_target: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_record_type: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_max_time: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_expected_count: Option<Value>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// A 9volt alerter: options are strings, or references to secrets.env.
#[derive(Serialize, Deserialize, Default)]
pub struct Alerter {
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Map<Secret>>,
    #[serde(flatten)]
    pub other: serde_json::Map<String, Value>,
}

/// A hastmon cluster.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Cluster<'a> {
    pub nodes: IndexMap<Text<'a>, Node<'a>, foldhash::fast::RandomState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint_interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_on_start: Option<String>,
    pub resources: Map<Resource<'a>>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Node<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub control: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listen: Option<Text<'a>>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Key {
    pub algorithm: String,
    pub secret: Secret,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Resource<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commands: Option<Map<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub secondary: Vec<Text<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub watchdog: Vec<Text<'a>>,
    #[serde(skip_serializing_if = "Map::is_empty", default)]
    pub priority: Map<i64>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub friends: Vec<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Key>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub attempts: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub heartbeat_interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint_count: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub complaint_interval: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role_on_start: Option<String>,
}

/// hastmon's numeric tuning keywords, each the field of the same name.
macro_rules! tuning {
    ($($t:ty),*) => {$(
        impl $t {
            /// The field for the hastmon keyword `k` (`timeout`, ...).
            pub fn tuning(&mut self, k: &str) -> &mut Option<i64> {
                match k {
                    "timeout" => &mut self.timeout,
                    "attempts" => &mut self.attempts,
                    "heartbeat_interval" => &mut self.heartbeat_interval,
                    "complaint_count" => &mut self.complaint_count,
                    "complaint_interval" => &mut self.complaint_interval,
                    _ => unreachable!("`{k}` is not one of hastmon's numeric keywords"),
                }
            }
        }
    )*};
}
tuning!(Cluster<'_>, Resource<'_>);

/// An MQTT broker.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Broker {
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cafile: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cert: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key: Option<Secret>,
}

/// A collectd host with lua-collectd-monitor.
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Host {
    pub broker: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_topic: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub qos: Option<u8>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clean_session: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconnect_interval: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub interval: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Paths::is_empty", default)]
    pub paths: Paths,
    #[serde(skip_serializing_if = "Map::is_empty", default)]
    pub services: Map<Service>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replacer: Option<Replacer>,
    /// In definition order, as mon renders them.
    #[serde(skip_serializing_if = "Map::is_empty", default)]
    pub triggers: Map<Trigger>,
    /// In file order: collectd loads plugins in it.
    #[serde(skip_serializing_if = "Map::is_empty", default)]
    pub plugins: Map<Map<OptionValue>>,
    #[serde(skip_serializing_if = "Network::is_empty", default)]
    pub network: Network,
}

#[derive(Serialize, Deserialize, Default, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Paths {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collectd_conf: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monitor_config: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub local_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_path: Option<String>,
}

impl Paths {
    fn is_empty(&self) -> bool {
        *self == Paths::default()
    }
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Service {
    pub commands: Map<String>,
}

/// The config replacer (`Services.collectd`).
#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Replacer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pid_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub report_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lua_path: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_device: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Trigger {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metric: Option<Metric>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notification: Option<Notification>,
    pub run: Run,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Metric {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin_instance: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub type_instance: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value_index: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub above: Option<serde_json::Number>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub below: Option<serde_json::Number>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq, Default)]
#[serde(deny_unknown_fields)]
pub struct Notification {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plugin: Option<String>,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Run {
    pub service: String,
    pub command: String,
}

/// A value collectd's lexer gives: a boolean, a number or a string.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum Scalar {
    Bool(bool),
    Number(serde_json::Number),
    Text(String),
}

/// A plugin option: one value, the values of a repeated option, or a
/// credential moved to secrets.env.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq)]
#[serde(untagged)]
pub enum OptionValue {
    Secret(SecretRef),
    One(Scalar),
    Many(Vec<Scalar>),
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Network {
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub servers: Vec<Server>,
    #[serde(skip_serializing_if = "Vec::is_empty", default)]
    pub listen: Vec<Listen>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_live: Option<Scalar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_packet_size: Option<Scalar>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub forward: Option<Scalar>,
}

impl Network {
    fn is_empty(&self) -> bool {
        self.servers.is_empty()
            && self.listen.is_empty()
            && self.time_to_live.is_none()
            && self.max_packet_size.is_none()
            && self.forward.is_none()
    }
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Server {
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
}

#[derive(Serialize, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct Listen {
    pub host: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_level: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auth_file: Option<String>,
}

/// A Conveyer daemon.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conveyer {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    pub logs: String,
    pub plugin: ConveyerPlugin,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub logstash: Option<Logstash>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConveyerPlugin {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_path: Option<String>,
    pub state_file: String,
    pub metrics: Vec<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Logstash {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_max: Option<u32>,
}

/// A document of one section holding one definition.
pub fn one<'a, T>(
    name: String,
    def: T,
    section: for<'d> fn(&'d mut Document<'a>) -> &'d mut Option<Map<T>>,
) -> Document<'a> {
    let mut d = Document::default();
    section(&mut d)
        .get_or_insert_with(Map::default)
        .insert(name, def);
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sections no import writes, each with why (as the coverage test's
    /// list in tests/import_coverage.rs).
    const NO_IMPORT: &[(&str, &str)] = &[(
        "dozor",
        "no import: the only file mon renders, plugins.json, lacks the bus and the checks",
    )];

    fn read(text: &str) -> Value {
        super::super::yaml::read_back(text)
    }

    /// Every field of the format has a typed place, and comes back out
    /// where it was: `full.yaml` read into a `Document` (an undeclared field
    /// is an error), then written by `yaml::document`, reads back the same.
    #[test]
    fn every_field_of_the_format_is_declared() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures/model/full.yaml");
        let mut want = read(&std::fs::read_to_string(path).unwrap());
        for (section, _why) in NO_IMPORT {
            assert!(want.as_object_mut().unwrap().remove(*section).is_some());
        }
        let doc: Document = serde_json::from_value(want.clone())
            .unwrap_or_else(|e| panic!("full.yaml has a field import cannot write: {e}"));
        for (name, m) in doc.monitor.iter().flatten() {
            assert!(
                m.other.is_empty(),
                "monitor {name}: undeclared {:?}",
                m.other
            );
        }
        for (name, a) in doc.alerter.iter().flatten() {
            assert!(
                a.other.is_empty(),
                "alerter {name}: undeclared {:?}",
                a.other
            );
        }
        let text = super::super::yaml::document("full.yaml, written back", &doc);
        assert_eq!(read(&text), want, "a field is dropped or renamed:\n{text}");
    }
}
