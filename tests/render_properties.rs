//! Arbitrary strings in rendered fields: each is either refused by validation
//! or, rendered, reads back exactly as given through the real reader of the
//! format (collectd's own parser, a JSON parser, luajit, hastmon's lexer).

mod support;

use std::path::PathBuf;
use std::process::Command;

use mon::ops::validate::{analyze, Loaded};
use mon::render::{render, Context, Output, Target, Templates};
use proptest::prelude::*;
use support::q;

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
    #![proptest_config(ProptestConfig { cases: support::prop_cases(48), ..ProptestConfig::default() })]

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

use support::env::{shell_env, systemd_env};

proptest! {
    #![proptest_config(ProptestConfig { cases: support::prop_cases(64), ..ProptestConfig::default() })]

    /// An env file has two readers that agree only on plain words: every
    /// accepted host and path reads back the same through both, and nothing
    /// injects a variable or runs a command.
    #[test]
    fn conveyer_env_values_read_back_the_same_in_systemd_and_a_shell(host in hostile(), logs in hostile(), cfg in hostile()) {
        let yaml = format!(
            "conveyer:\n  c:\n    host: {}\n    logs: {}\n    plugin: {{state_file: /var/lib/s, config_path: {}, metrics: [a.count]}}\n",
            q(&host), q(&format!("/{logs}")), q(&format!("/{cfg}"))
        );
        let loaded = load(&yaml);
        if loaded.errors() == 0 {
            let outputs = rendered(&loaded, Target::Conveyer);
            let env = file(&outputs, "conveyer.env");
            let sd = systemd_env(env);
            prop_assert_eq!(sd.len(), 3, "exactly three variables: {:?}", sd);
            prop_assert_eq!(&sd["CONVEYER_HOST"], &host);
            prop_assert_eq!(&sd["CONVEYER_LOGS"], &format!("/{logs}"));
            prop_assert_eq!(shell_env(env, &["CONVEYER_HOST", "CONVEYER_LOGS"]), vec![host.clone(), format!("/{logs}")]);
            let agent = file(&outputs, "agent.env");
            prop_assert_eq!(&systemd_env(agent)["CONVEYER_AGENT_PLUGIN_CONFIG"], &format!("/{cfg}"));
            prop_assert_eq!(shell_env(agent, &["CONVEYER_AGENT_PLUGIN_CONFIG"]), vec![format!("/{cfg}")]);
        }
    }

    /// Resource names and the hook directory: accepted means the hook lands
    /// inside --out under its own name, and every node's hastmon runs that path.
    #[test]
    fn hook_scripts_stay_inside_out_and_hastmon_runs_them(res in "[a-z./#:_ -]{1,12}|[a-z]{250,256}", dir in hostile()) {
        let yaml = format!(
            "cluster:\n  c:\n    nodes: {{aa1: {{}}, bb1: {{}}}}\n    exec_dir: {}\n    resources:\n      {}: {{commands: {{start: a, stop: b, status: c}}, primary: aa1, secondary: [bb1]}}\n",
            q(&format!("/{dir}")), q(&res)
        );
        let loaded = load(&yaml);
        if loaded.errors() == 0 {
            let outputs = rendered(&loaded, Target::Hastmon);
            for o in &outputs {
                prop_assert!(o.path.components().all(|c| matches!(c, std::path::Component::Normal(_))), "{:?}", o.path);
                prop_assert!(o.path.file_name().unwrap().len() <= 255);
            }
            let hook = format!("c-{res}.sh");
            prop_assert!(outputs.iter().any(|o| o.path == PathBuf::from("hastmon/c").join(&hook)));
            let conf = support::hastmon::parse(file(&outputs, "hastmon.conf")).unwrap();
            for node in ["aa1", "bb1"] {
                let eff = support::hastmon::as_node(&conf, node).unwrap();
                prop_assert_eq!(&eff[&res].exec, &format!("/{}/{hook}", dir.trim_end_matches('/')));
            }
        }
    }

    /// Numbers: a whole number written any way is either refused or reaches
    /// every reader as exactly that number; never dropped or defaulted.
    #[test]
    fn numbers_are_refused_or_rendered_exactly(n in 1u32..65535, style in 0u8..4) {
        let written = match style {
            0 => n.to_string(),
            1 => format!("{n}.0"),
            2 => format!("{n}e0"),
            _ => format!("0x{n:x}"),
        };
        let yaml = format!(
            "conveyer:\n  c:\n    port: {written}\n    logs: /var/log/x\n    plugin: {{state_file: /var/lib/s, metrics: [a.count]}}\n    logstash: {{pool_max: {written}}}\ncluster:\n  k:\n    nodes: {{aa1: {{}}, bb1: {{}}}}\n    timeout: {written}\n    resources:\n      r: {{exec: /x.sh, primary: aa1, secondary: [bb1], attempts: {written}}}\n"
        );
        let loaded = load(&yaml);
        if style == 0 {
            prop_assert_eq!(loaded.errors(), 0, "{:?}", loaded.diagnostics);
        }
        if matches!(style, 1 | 2) {
            prop_assert!(loaded.errors() > 0, "{written} accepted");
        }
        if loaded.errors() == 0 {
            let out = rendered(&loaded, Target::Conveyer);
            prop_assert_eq!(&systemd_env(file(&out, "conveyer.env"))["CONVEYER_PORT"], &n.to_string());
            let pool = format!("pool_max => {n}");
            prop_assert!(file(&out, "logstash-output.conf").contains(&pool));
            let out = rendered(&loaded, Target::Hastmon);
            let conf = support::hastmon::parse(file(&out, "hastmon.conf")).unwrap();
            let eff = support::hastmon::as_node(&conf, "aa1").unwrap();
            prop_assert_eq!(eff["r"].timeout, i64::from(n));
            prop_assert_eq!(eff["r"].attempts, i64::from(n));
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
