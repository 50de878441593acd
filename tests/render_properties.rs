//! Arbitrary strings in rendered fields: each is either refused by validation
//! or, rendered, reads back exactly as given through the real reader of the
//! format (collectd's own parser, a JSON parser, luajit, hastmon's lexer).

mod support;

use std::path::PathBuf;
use std::process::Command;

use mon::ops::validate::{analyze, Loaded};
use mon::render::{render, Context, Output, Target, Templates};
use proptest::prelude::*;

fn load(yaml: &str) -> Loaded {
    analyze(vec![(PathBuf::from("defs.yaml"), Ok(yaml.to_string()))])
}

fn rendered(loaded: &Loaded, target: Target) -> Vec<Output> {
    let templates = Templates::load(None).unwrap();
    let ctx = Context {
        model: &loaded.model,
        templates: &templates,
        selection: &mon::select::Selection::all(),
    };
    render(&ctx, target).unwrap()
}

fn file<'a>(outputs: &'a [Output], suffix: &str) -> &'a str {
    &outputs
        .iter()
        .find(|o| o.path.to_string_lossy().ends_with(suffix))
        .unwrap()
        .content
}

/// YAML double-quoted scalar holding exactly `s` (JSON strings are YAML).
fn q(s: &str) -> String {
    serde_json::to_string(s).unwrap()
}

/// Strings that stress every escaping rule: quotes, backslashes, comment and
/// block characters, spaces, control characters, non-ASCII.
fn hostile() -> impl Strategy<Value = String> {
    prop_oneof![
        // Mostly printable trouble, which must be written so it reads back...
        8 => proptest::string::string_regex("[a-z\"\\\\#<>{}; '$`é∂/.:_-]{1,12}").unwrap(),
        // ...and some control characters, which validation must refuse.
        2 => proptest::string::string_regex("[a-z\t\n\r\u{0}-\u{1f}]{1,6}").unwrap(),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn collectd_conf_values_read_back_exactly(hostname in hostile(), mount in hostile(), user in hostile()) {
        let yaml = format!(
            "mqtt:\n  m: {{host: broker}}\ncollectd:\n  h1:\n    broker: m\n    hostname: {}\n    plugins:\n      df: {{MountPoint: {}}}\n    network:\n      servers: [{{host: srv, username: {}, password: p, security_level: Sign}}]\n",
            q(&hostname), q(&mount), q(&user)
        );
        let loaded = load(&yaml);
        if loaded.errors() == 0 {
            let outputs = rendered(&loaded, Target::Collectd);
            let tree = support::collectd_tree(file(&outputs, "collectd.conf"));
            let nodes = tree.as_array().unwrap();
            let host = nodes.iter().find(|n| n["key"] == "Hostname").unwrap();
            prop_assert_eq!(&host["values"][0], &serde_json::json!(hostname));
            let df = nodes.iter().find(|n| n["key"] == "Plugin" && n["values"][0] == "df").unwrap();
            prop_assert_eq!(&df["children"][0]["values"][0], &serde_json::json!(mount));
            let net = nodes.iter().find(|n| n["key"] == "Plugin" && n["values"][0] == "network").unwrap();
            let server = &net["children"][0];
            let username = server["children"].as_array().unwrap().iter().find(|c| c["key"] == "Username").unwrap();
            prop_assert_eq!(&username["values"][0], &serde_json::json!(user));
        } else {
            // Refused: then it is for a reason validation states.
            prop_assert!(loaded.diagnostics.iter().any(|d| d.code.id() == "E0603"), "{:?}", loaded.diagnostics);
        }
    }

    #[test]
    fn config_json_values_read_back_exactly(service in "[a-z]{1,8}", command in hostile()) {
        let yaml = format!(
            "mqtt:\n  m: {{host: broker}}\ncollectd:\n  h1:\n    broker: m\n    services:\n      {}: {{commands: {{run: {}}}}}\n",
            q(&service), q(&command)
        );
        let loaded = load(&yaml);
        if loaded.errors() == 0 {
            let outputs = rendered(&loaded, Target::Collectd);
            let v: serde_json::Value = serde_json::from_str(file(&outputs, "config.json")).unwrap();
            prop_assert_eq!(&v["Services"][&service]["commands"]["run"], &serde_json::json!(command));
        }
    }

    #[test]
    fn trigger_strings_read_back_exactly_in_luajit(plugin in hostile(), service in hostile(), cmd in hostile()) {
        let yaml = format!(
            "mqtt:\n  m: {{host: broker}}\ncollectd:\n  h1:\n    broker: m\n    services:\n      {}: {{commands: {{{}: /bin/true}}}}\n    triggers:\n      t: {{metric: {{plugin: {}, above: 1}}, run: {{service: {}, command: {}}}}}\n",
            q(&service), q(&cmd), q(&plugin), q(&service), q(&cmd)
        );
        let loaded = load(&yaml);
        if loaded.errors() == 0 {
            let outputs = rendered(&loaded, Target::Collectd);
            let dir = tempfile::tempdir().unwrap();
            let lua = dir.path().join("t.lua");
            std::fs::write(&lua, file(&outputs, "h1.lua")).unwrap();
            std::fs::write(dir.path().join("plugin"), &plugin).unwrap();
            // The handler fires for exactly the plugin name given, and returns
            // exactly the service and command given.
            let probe = format!(
                "local m = dofile({0:?})\nlocal f = io.open({1:?}, 'rb'); local p = f:read('*a'); f:close()\nlocal r = m.t({{plugin = p, values = {{2}}}})\nio.write(r.service, '\\0', r.command)",
                lua.display().to_string(),
                dir.path().join("plugin").display().to_string()
            );
            let o = Command::new(support::require("luajit")).arg("-e").arg(probe).output().unwrap();
            prop_assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
            prop_assert_eq!(o.stdout, format!("{service}\0{cmd}").into_bytes());
        }
    }

    #[test]
    fn hastmon_words_are_refused_or_read_back_exactly(node in hostile(), exec in hostile()) {
        let yaml = format!(
            "cluster:\n  c:\n    nodes: {{{}: {{}}, zz9: {{}}}}\n    resources:\n      r: {{exec: {}, primary: {}, secondary: [zz9]}}\n",
            q(&node), q(&format!("/{exec}")), q(&node)
        );
        let loaded = load(&yaml);
        if loaded.errors() == 0 {
            let outputs = rendered(&loaded, Target::Hastmon);
            let conf = support::hastmon::parse(file(&outputs, "hastmon.conf")).unwrap();
            let eff = support::hastmon::as_node(&conf, &node).unwrap();
            prop_assert_eq!(&eff["r"].exec, &format!("/{exec}"));
            prop_assert_eq!(&eff["r"].remotes, &vec!["tcp4://zz9".to_string()]);
        }
    }
}

/// The properties above only mean something if hostile strings get through
/// validation; this pins that down with ones that must.
#[test]
fn hostile_printable_strings_are_accepted_and_round_trip() {
    for s in ["a\"b\\c#d{e}<f>;", "naïve ∂ `$x` 'q'", "end\\"] {
        let yaml = format!(
            "mqtt:\n  m: {{host: broker}}\ncollectd:\n  h1:\n    broker: m\n    hostname: {}\n",
            q(s)
        );
        let loaded = load(&yaml);
        assert_eq!(loaded.errors(), 0, "{s:?}: {:?}", loaded.diagnostics);
        let outputs = rendered(&loaded, Target::Collectd);
        let tree = support::collectd_tree(file(&outputs, "collectd.conf"));
        let host = tree
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["key"] == "Hostname")
            .unwrap()
            .clone();
        assert_eq!(host["values"][0], serde_json::json!(s));
    }
}
