//! The sections of the definition format and the render targets, each
//! declared once, here: the one vocabulary every stage shares, from the
//! catalog and the schemas to the model, the outputs' selections and etcd's
//! layout.
//!
//! Adding a section is a line in `for_each_section!`, its schema
//! (`schemas/<key>.schema.json`) with its validator struct in `src/schema.rs`
//! (generated at build time; the compiler asks for it) and its model module
//! (`src/model/<module>.rs`, a `build(&Def, &mut Cx)`). Adding a render target is a line in
//! `for_each_target!`, its module (`src/render/<module>.rs`, a
//! `render(&Context)`) and its templates. Everything else (the `Section`
//! enum, the embedded schemas and the whole-file schema, the model's maps,
//! the `Target` enum and its dispatch) is generated from these lines.

/// Every section: its variant, its key in a definition file, what it holds,
/// and the model's map, type and builder. `modules` are the model's section
/// modules (one may hold several sections).
macro_rules! for_each_section {
    ($then:ident) => {
        $then! {
            modules [ninevolt, hastmon, collectd, conveyer, dozor]
            Monitor "monitor" "9volt monitors" => monitors: ninevolt::Monitor = monitor;
            Alerter "alerter" "9volt alerters" => alerters: ninevolt::Alerter = alerter;
            Cluster "cluster" "hastmon clusters" => clusters: hastmon::Cluster = build;
            Mqtt "mqtt" "MQTT brokers" => brokers: collectd::Broker = broker;
            Collectd "collectd" "collectd hosts running lua-collectd-monitor" => hosts: collectd::Host = host;
            Conveyer "conveyer" "Conveyer daemons" => conveyers: conveyer::Conveyer = build;
            Dozor "dozor" "Dozor agents" => dozors: dozor::Agent = build;
        }
    };
}

/// Every render target: its variant, the word the command line takes, its
/// module, the section whose definitions name its directories
/// (`<word>/<name>/`), the templates it embeds (files under templates/) and
/// the files it writes in a directory (`*` any name; what `--prune` may
/// remove).
macro_rules! for_each_target {
    ($then:ident) => {
        $then! {
            Hastmon "hastmon" hastmon Cluster ["hastmon.conf.j2", "hastmon-exec.sh.j2"] ["hastmon.conf", "*.sh"];
            Collectd "collectd" collectd Collectd ["collectd.conf.j2", "triggers.lua.j2"]
                ["collectd.conf", "config.json", "local/*.lua"];
            Conveyer "conveyer" conveyer Conveyer ["conveyer.env.j2", "conveyer-agent.env.j2", "logstash-output.conf.j2"]
                ["conveyer.env", "conveyer-plugin.json", "agent.env", "logstash-output.conf"];
            Dozor "dozor" dozor Dozor [] ["plugins.json"];
        }
    };
}

pub(crate) use {for_each_section, for_each_target};

macro_rules! sections {
    (modules [$($_module:ident),*] $($variant:ident $key:literal $describe:literal => $_map:ident: $_m:ident::$_ty:ident = $_b:ident;)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Section {
            $($variant,)*
        }

        impl Section {
            pub const ALL: &'static [Section] = &[$(Section::$variant),*];
            pub fn key(self) -> &'static str {
                match self {
                    $(Section::$variant => $key,)*
                }
            }
            pub fn describe(self) -> &'static str {
                match self {
                    $(Section::$variant => $describe,)*
                }
            }
            /// The section's JSON Schema, `schemas/<key>.schema.json`.
            pub fn schema(self) -> &'static str {
                match self {
                    $(Section::$variant => include_str!(concat!("../schemas/", $key, ".schema.json")),)*
                }
            }
        }
    };
}

for_each_section!(sections);

impl Section {
    pub fn from_key(key: &str) -> Option<Section> {
        Section::ALL.iter().copied().find(|s| s.key() == key)
    }
}
