//! The sections of the definition format: the one vocabulary every stage
//! shares, from the catalog to the outputs' selections and etcd's layout.

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Section {
    Monitor,
    Alerter,
    Cluster,
    Mqtt,
    Collectd,
    Conveyer,
    Dozor,
}

impl Section {
    pub const ALL: [Section; 7] = [
        Section::Monitor,
        Section::Alerter,
        Section::Cluster,
        Section::Mqtt,
        Section::Collectd,
        Section::Conveyer,
        Section::Dozor,
    ];
    pub fn key(self) -> &'static str {
        match self {
            Section::Monitor => "monitor",
            Section::Alerter => "alerter",
            Section::Cluster => "cluster",
            Section::Mqtt => "mqtt",
            Section::Collectd => "collectd",
            Section::Conveyer => "conveyer",
            Section::Dozor => "dozor",
        }
    }
    pub fn from_key(key: &str) -> Option<Section> {
        Section::ALL.into_iter().find(|s| s.key() == key)
    }
    pub fn describe(self) -> &'static str {
        match self {
            Section::Monitor => "9volt monitors",
            Section::Alerter => "9volt alerters",
            Section::Cluster => "hastmon clusters",
            Section::Mqtt => "MQTT brokers",
            Section::Collectd => "collectd hosts running lua-collectd-monitor",
            Section::Conveyer => "Conveyer daemons",
            Section::Dozor => "Dozor agents",
        }
    }
}
