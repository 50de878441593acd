//! `mon`: one directory of YAML/TOML definitions as the source of truth for a
//! 9volt / hastmon / collectd / Conveyer / Dozor monitoring estate.
//!
//! Data flows one way: `source` (files) → `syntax` (span-carrying trees) →
//! `catalog` (section → name → definition) → `schema` → `model` (one typed
//! model) → `check` (diagnostics) → `report` or one of the `ops` outputs,
//! which read the model only.

pub mod catalog;
pub mod check;
pub mod collectd;
pub mod complete;
pub mod config;
pub mod diagnostic;
pub mod etcd;
pub mod exit;
pub mod identity;
pub mod loaded;
pub mod model;
#[cfg(feature = "net")]
pub mod mqtt;
pub mod ninevolt;
pub mod ops;
pub mod par;
pub mod plan;
pub mod render;
pub mod report;
pub mod schema;
pub mod secret;
pub mod section;
pub mod select;
pub mod settings;
pub mod source;
pub mod syntax;
pub mod timings;
