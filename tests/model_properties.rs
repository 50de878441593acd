//! Every field of every section, mutated one at a time in the definition that
//! sets them all (fixtures/model/full.yaml): the model builds the definition
//! or a located error says why (schema-valid implies the model builds), and
//! what validates renders, stays under --out and is read by each file's real
//! reader: JSON, both env-file readers, hastmon's grammar as every node,
//! luajit, `sh -n` and collectd's own parser.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Once;

use mon::ops::validate::{analyze, Loaded};
use mon::render::{render, Context, Output, Target, Templates};
use mon::syntax::{Node, Value};
use proptest::prelude::*;
use support::env::{shell_env, systemd_env};
use support::q;

/// Every section's schema compiled over the tree in place, once.
static IN_PLACE: std::sync::LazyLock<mon::schema::InPlace> =
    std::sync::LazyLock::new(|| mon::schema::InPlace::compile(|_| true));

fn full() -> (PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/model/full.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    (path, text)
}

fn load(path: &Path, text: &str) -> Loaded {
    analyze(vec![(path.to_path_buf(), Ok(text.to_string()))])
}

/// The secrets full.yaml refers to, so rendering can resolve them.
fn secrets() {
    static SET: Once = Once::new();
    SET.call_once(|| {
        for n in [
            "SMTP_PASSWORD",
            "HAST_KEY",
            "MQTT_PASSWORD",
            "NET_PASSWORD",
            "REDIS_PASSWORD",
        ] {
            std::env::set_var(n, "s3cret-value");
        }
    });
}

/// A place to write something else: a scalar value or a map key, with the
/// key it sits under (secret references may name what is not set).
#[derive(Clone, Debug)]
struct Leaf {
    start: usize,
    end: usize,
    key: bool,
    /// Not a string where it was written (a number, a boolean).
    number: bool,
    parent: String,
}

fn leaves(node: &Node, parent: &str, out: &mut Vec<Leaf>) {
    match &node.value {
        Value::Map(entries) => {
            for e in entries {
                out.push(Leaf {
                    start: e.key_span.start as usize,
                    end: e.key_span.end as usize,
                    key: true,
                    number: false,
                    parent: parent.to_string(),
                });
                leaves(&e.value, &e.key, out);
            }
        }
        Value::Seq(items) => items.iter().for_each(|n| leaves(n, parent, out)),
        _ => out.push(Leaf {
            start: node.span.start as usize,
            end: node.span.end as usize,
            key: false,
            number: !matches!(node.value, Value::Str(_)),
            parent: parent.to_string(),
        }),
    }
}

/// Every value, and every key that is a name of the user's (a key that
/// takes another plain name without "unknown field": field names are the
/// schema's, and a changed one only meets that).
fn all_leaves() -> &'static [Leaf] {
    static LEAVES: std::sync::OnceLock<Vec<Leaf>> = std::sync::OnceLock::new();
    LEAVES.get_or_init(|| {
        let (path, text) = full();
        let renamed = |l: &Leaf| {
            let t = format!("{}zz9{}", &text[..l.start], &text[l.end..]);
            let l = load(&path, &t);
            !l.diagnostics
                .iter()
                .any(|d| d.code == mon::diagnostic::Code::UnknownField)
        };
        let all = leaves_of(&path, &text);
        all.into_iter().filter(|l| !l.key || renamed(l)).collect()
    })
}

fn leaves_of(path: &Path, text: &str) -> Vec<Leaf> {
    let loaded = load(path, text);
    let mut out = Vec::new();
    for def in loaded.catalog.all() {
        out.push(Leaf {
            start: def.name_span.start as usize,
            end: def.name_span.end as usize,
            key: true,
            number: false,
            parent: def.section.key().to_string(),
        });
        leaves(&def.node, "", &mut out);
    }
    out
}

/// Strings that break one reader or another: quoting, comments, blocks,
/// shell expansion, path traversal, keywords, digits, lengths, controls.
fn hostile_string() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => proptest::string::string_regex("[a-z0-9\"\\\\#<>{}; '$`é/.:_=()-]{0,12}").unwrap(),
        2 => proptest::string::string_regex("[a-z\t\n\r\u{0}-\u{1f}]{1,6}").unwrap(),
        3 => proptest::sample::select(vec![
            "..", ".", "a/b", "../../../tmp/x", "primary", "on", "8458", "", " ", "$(id)",
            "${HOME}", "x\ny=1", "yes", "-", "a b", "#x",
        ]).prop_map(str::to_string),
        1 => "[a-z]{250,300}",
    ]
}

/// Numbers written every way, and other shapes.
fn other_value() -> impl Strategy<Value = String> {
    proptest::sample::select(vec![
        "80.0",
        "8e1",
        "0",
        "-1",
        "1",
        "2",
        "65535",
        "65536",
        "4294967296",
        "99999999999999999999",
        ".nan",
        ".inf",
        "-.inf",
        "1.5",
        "0x10",
        "true",
        "null",
        "[]",
        "{}",
        "1s",
        "\"5\"",
        "false",
        "yes",
    ])
    .prop_map(str::to_string)
}

fn rendered(loaded: &Loaded) -> Result<Vec<Output>, String> {
    let templates = Templates::load(None).unwrap();
    let ctx = Context {
        model: &loaded.model,
        templates: &templates,
        selection: &mon::select::Selection::all(),
    };
    let mut all = Vec::new();
    for &t in Target::ALL {
        all.extend(render(&ctx, t)?);
    }
    Ok(all)
}

/// Each rendered file through its reader; Err says which and why.
fn read_back(loaded: &Loaded, o: &Output) -> Result<(), String> {
    let name = o.path.to_string_lossy();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("f");
    std::fs::write(&file, &o.content).unwrap();
    let run = |cmd: &mut Command| {
        let out = cmd.output().unwrap();
        match out.status.success() {
            true => Ok(()),
            false => Err(format!("{name}: {}", support::output_text(&out))),
        }
    };
    if name.ends_with(".json") {
        serde_json::from_str::<serde_json::Value>(&o.content)
            .map(drop)
            .map_err(|e| format!("{name}: {e}"))
    } else if name.ends_with(".env") {
        let sd = systemd_env(&o.content);
        let names: Vec<&str> = sd.keys().map(String::as_str).collect();
        let sh = shell_env(&o.content, &names);
        let want: Vec<String> = sd.values().cloned().collect();
        match sh == want {
            true => Ok(()),
            false => Err(format!("{name}: systemd reads {sd:?}, a shell {sh:?}")),
        }
    } else if name.ends_with("hastmon.conf") {
        let conf = support::hastmon::parse(&o.content).map_err(|e| format!("{name}: {e}"))?;
        for c in loaded.model.clusters.values() {
            for n in &c.nodes {
                let node = n.name.value.as_str();
                support::hastmon::as_node(&conf, node)
                    .map_err(|e| format!("{name} as {node}: {e}"))?;
            }
        }
        Ok(())
    } else if name.ends_with(".lua") {
        run(Command::new(support::require("luajit"))
            .arg("-bl")
            .arg(&file)
            .arg("/dev/null"))
    } else if name.ends_with(".sh") {
        run(Command::new("sh").arg("-n").arg(&file))
    } else if name.ends_with("collectd.conf") {
        support::collectd_tree(&o.content);
        Ok(())
    } else {
        Ok(())
    }
}

#[test]
fn the_full_definition_renders_and_every_reader_takes_it() {
    secrets();
    let (path, text) = full();
    let loaded = load(&path, &text);
    assert_eq!(loaded.errors(), 0, "{:?}", loaded.diagnostics);
    let outputs = rendered(&loaded).unwrap();
    assert!(outputs.len() >= 8, "{} files", outputs.len());
    for o in &outputs {
        read_back(&loaded, o).unwrap();
    }
    // collectd reads the network plugin's settings with their types: a
    // boolean `Forward`, numbers for the limits (a `Forward False` would be
    // a string to it).
    let conf = outputs
        .iter()
        .find(|o| o.path.ends_with("h1/collectd.conf"))
        .unwrap();
    let tree = support::collectd_tree(&conf.content);
    let net = tree
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["key"] == "Plugin" && n["values"][0] == "network")
        .unwrap();
    let value = |k: &str| {
        net["children"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == k)
            .map(|c| c["values"].clone())
    };
    assert_eq!(value("Forward"), Some(serde_json::json!([false])));
    assert_eq!(value("TimeToLive"), Some(serde_json::json!([16.0])));
    assert_eq!(value("MaxPacketSize"), Some(serde_json::json!([1452.0])));
    let leaves = all_leaves();
    assert!(leaves.len() > 150, "{} leaves", leaves.len());
    assert!(
        leaves.iter().filter(|l| l.key).count() > 20,
        "names among them"
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: support::prop_cases(256), ..ProptestConfig::default() })]

    #[test]
    fn any_field_changed_is_refused_where_it_is_or_rendered_for_every_reader(
        pick in any::<prop::sample::Index>(),
        text_value in hostile_string(),
        other in other_value(),
        same_kind in proptest::bool::weighted(0.8),
    ) {
        secrets();
        let leaves = all_leaves();
        let leaf = pick.get(leaves);
        let (path, text) = full();
        // Mostly a value of the kind written there, so most cases get past
        // the schema to the model and the renderers; sometimes any other.
        let new = match (leaf.key, leaf.number == same_kind) {
            (true, _) => q(&text_value),
            (false, true) => other,
            (false, false) => q(&text_value),
        };
        let text = format!("{}{new}{}", &text[..leaf.start], &text[leaf.end..]);
        let loaded = load(&path, &text);
        // Large sections are validated on the tree in place: it must say
        // what the generated validator says of the same definition's JSON.
        for def in loaded.catalog.all() {
            let generated = mon::schema::errors(def.section, &def.node.to_json()).is_empty();
            prop_assert_eq!(IN_PLACE.valid(def), Some(generated), "{}\n{}", def.name, new);
        }
        let dropped = loaded.silently_dropped();
        let around = &text[leaf.start.saturating_sub(60)..(leaf.start + new.len() + 20).min(text.len())];
        prop_assert!(
            dropped.is_empty(),
            "left out of the model without an error: {:?}\n{}\n...{}...\n{:#?}",
            dropped, new, around, loaded.diagnostics
        );
        if loaded.errors() > 0 {
            return Ok(());
        }
        let outputs = match rendered(&loaded) {
            Ok(o) => o,
            // A changed reference names what is not there; the error names
            // the definition's file and line.
            Err(e) if matches!(leaf.parent.as_str(), "env" | "file") => {
                prop_assert!(e.contains("full.yaml:"), "{}", e);
                return Ok(());
            }
            Err(e) => return Err(TestCaseError::fail(format!("validated but did not render: {e}\n{new} at {leaf:?}"))),
        };
        for o in &outputs {
            prop_assert!(
                o.path.components().all(|c| matches!(c, std::path::Component::Normal(n) if n.len() <= 255)),
                "{} leaves --out", o.path.display()
            );
            if let Err(e) = read_back(&loaded, o) {
                return Err(TestCaseError::fail(format!("{e}\nwith {new} at {leaf:?}")));
            }
        }
    }
}
