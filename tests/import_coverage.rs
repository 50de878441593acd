//! Every field of the definition format survives adoption, or is named as
//! one its system's files cannot carry. The model's agreement test holds
//! `fixtures/model/full.yaml` to every schema property; here that estate is
//! written where each system keeps it (9volt's etcd through `mon sync`, the
//! hastmon, collectd and Conveyer files through `mon render`), imported back
//! into one directory, and the fields the imported definitions hold are
//! compared with the schemas'. A field added to the format fails this test
//! until its importer carries it.

mod support;

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::Value;
use support::Etcd;

/// Fields the systems' own files hold no trace of, each with why. Nothing
/// else may be missing from an import.
const NOT_IN_THE_FOREIGN_FILES: &[(&str, &str)] = &[
    // Dozor: the only file mon renders is the plugin manifest (reference
    // dozor-conveyer-collectd.md §1.4); no `mon import dozor` reads it back.
    (
        "dozor",
        "no import: plugins.json lacks the bus and the checks",
    ),
    // hastmon.conf has no cluster-wide `attempts` or `role_on_start`:
    // mon writes them into each resource, and they come back there.
    ("cluster/attempts", "read back on each resource"),
    ("cluster/role_on_start", "read back on each resource"),
    // `commands` become a hook script in `exec_dir`; hastmon.conf names
    // only the script, which comes back as `exec`.
    (
        "cluster/exec_dir",
        "the script's directory; read back in `exec`",
    ),
    (
        "cluster/resources/*/commands",
        "a rendered script; read back as `exec`",
    ),
    // How mon itself reaches the broker (reference lua-collectd-monitor.md:
    // the hosts' luamqtt cannot verify a certificate or present one).
    (
        "mqtt/cafile",
        "mon's own connection; config.json has no such key",
    ),
    (
        "mqtt/cert",
        "mon's own connection; config.json has no such key",
    ),
    (
        "mqtt/key",
        "mon's own connection; config.json has no such key",
    ),
    // No output reads it: not in config.json, collectd.conf or the triggers.
    ("collectd/paths/collectd_conf", "no rendered file holds it"),
];

const ENV: &[(&str, &str)] = &[
    ("SMTP_PASSWORD", "smtp-SECRET-1"),
    ("HAST_KEY", "hast-SECRET-2"),
    ("MQTT_PASSWORD", "mqtt-SECRET-3"),
    ("NET_PASSWORD", "net-SECRET-4"),
    ("REDIS_PASSWORD", "redis-SECRET-5"),
];

fn mon(dir: &Path, args: &[&str], env: &[(String, String)]) -> String {
    let o = Command::new(env!("CARGO_BIN_EXE_mon"))
        .current_dir(support::repo(dir))
        .env_remove("ETCDCTL_ENDPOINTS")
        .env_remove("MON_OWNER")
        .env_remove("MON_ETCD_API")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "mon {args:?}: {text}");
    assert!(
        !text.contains("SECRET"),
        "mon {args:?} showed a secret: {text}"
    );
    text
}

/// The schema paths (`collectd/*/network/servers/*/host`) a definition
/// file's values stand at: a key is its own property where the schema
/// names it, else one of its parent's `*`; a list of mappings is `*`.
fn present(v: &Value, path: &str, schema: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    match v {
        Value::Object(m) => {
            for (k, sub) in m {
                let named = format!("{path}/{k}");
                let p = if schema.contains(&named) {
                    named
                } else if schema.contains(&format!("{path}/*")) {
                    format!("{path}/*")
                } else {
                    // A key no schema declares: kept, so the comparison names it.
                    named
                };
                // A secret reference or a collectd option's value is a leaf.
                if !schema.iter().any(|s| s.starts_with(&format!("{p}/"))) {
                    out.insert(p);
                    continue;
                }
                out.insert(p.clone());
                present(sub, &p, schema, out);
            }
        }
        Value::Array(items) => {
            for i in items.iter().filter(|i| i.is_object()) {
                present(i, &format!("{path}/*"), schema, out);
            }
        }
        _ => {}
    }
}

fn yaml_to_json(y: &yaml_rust2::Yaml) -> Value {
    use yaml_rust2::Yaml;
    match y {
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| (k.as_str().unwrap().to_string(), yaml_to_json(v)))
                .collect(),
        ),
        Yaml::Array(a) => Value::Array(a.iter().map(yaml_to_json).collect()),
        _ => Value::Null,
    }
}

/// The schema paths the definition files in `dir` hold.
fn fields_in(dir: &Path, schema: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let path = e.unwrap().path();
        if path.extension().and_then(|x| x.to_str()) != Some("yaml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        for doc in yaml_rust2::YamlLoader::load_from_str(&text).unwrap() {
            let Value::Object(sections) = yaml_to_json(&doc) else {
                continue;
            };
            for (section, defs) in sections {
                let Value::Object(defs) = defs else { continue };
                out.insert(section.clone());
                for def in defs.values() {
                    present(def, &section, schema, &mut out);
                }
            }
        }
    }
    out
}

fn schema() -> BTreeSet<String> {
    let mut all = BTreeSet::new();
    for s in mon::section::Section::ALL {
        all.insert(s.key().to_string());
        all.extend(support::schema::paths(s.key()));
    }
    all
}

fn minus_exceptions(set: &BTreeSet<String>) -> BTreeSet<String> {
    set.iter()
        .filter(|p| {
            !NOT_IN_THE_FOREIGN_FILES
                .iter()
                .any(|(e, _)| *p == e || p.starts_with(&format!("{e}/")))
        })
        .cloned()
        .collect()
}

#[test]
fn every_field_of_the_format_comes_back_through_import() {
    let schema = schema();
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/model/full.yaml");
    let work = tempfile::tempdir().unwrap();
    let estate = work.path().join("estate");
    std::fs::create_dir(&estate).unwrap();
    std::fs::copy(&full, estate.join("full.yaml")).unwrap();

    // The walk sees every field in the fixture that sets them all, or the
    // comparison below proves nothing.
    let written = fields_in(&estate, &schema);
    assert!(
        written == schema,
        "the walk over full.yaml and the schemas differ: only in the walk {:#?}, only in the schemas {:#?}",
        written.difference(&schema).collect::<Vec<_>>(),
        schema.difference(&written).collect::<Vec<_>>()
    );

    let env: Vec<(String, String)> = ENV
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let etcd = Etcd::start();
    let at = ["--endpoints", &etcd.endpoint(), "--etcd-api", "2"];
    mon(&estate, &[&["sync", "--yes"][..], &at].concat(), &env);
    let rendered = work.path().join("rendered");
    for target in ["hastmon", "collectd", "conveyer"] {
        mon(
            work.path(),
            &[
                "render",
                target,
                estate.to_str().unwrap(),
                "--out",
                rendered.to_str().unwrap(),
            ],
            &env,
        );
    }

    // One directory, one import per system.
    let defs = work.path().join("adopted");
    let out = defs.to_str().unwrap();
    mon(
        work.path(),
        &[&["import", "etcd"][..], &at, &["--out", out]].concat(),
        &[],
    );
    let hastmon = rendered.join("hastmon/c/hastmon.conf");
    for (kind, from) in [
        ("hastmon", hastmon),
        ("collectd", rendered.join("collectd")),
        ("conveyer", rendered.join("conveyer")),
    ] {
        mon(
            work.path(),
            &["import", kind, from.to_str().unwrap(), "--out", out],
            &[],
        );
    }

    let imported = fields_in(&defs, &schema);
    let lost: Vec<_> = minus_exceptions(&schema)
        .difference(&imported)
        .cloned()
        .collect();
    let unknown: Vec<_> = imported.difference(&schema).cloned().collect();
    assert!(
        lost.is_empty() && unknown.is_empty(),
        "fields the imports drop: {lost:#?}\nfields no schema declares: {unknown:#?}"
    );
    // The exceptions are still true: a field that now comes back is taken off the list.
    for (e, why) in NOT_IN_THE_FOREIGN_FILES {
        assert!(
            !imported
                .iter()
                .any(|p| p == e || p.starts_with(&format!("{e}/"))),
            "`{e}` now comes back through import; take it off the list ({why})"
        );
    }
    // And what was adopted validates as it is (full.yaml itself warns:
    // it sets every field on one monitor of one type).
    let secrets = support::secrets_env(&defs, "");
    mon(&defs, &["validate", "."], &secrets);
}
