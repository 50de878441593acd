//! `mon import hastmon`: hastmon.conf files read as hastmon's parser reads
//! them (reference hastmon.md §1-§4) come back as cluster definitions. The
//! README example of hastmon gives the settings hastmon's own parser
//! reported for it, files mon rendered from generated clusters are a fixed
//! point, and what a definition cannot say is named with its line.

mod support;

use std::path::Path;

use assert_cmd::Command;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use support::hastmon;

fn mon(dir: &Path, args: &[&str], env: &[(String, String)]) -> std::process::Output {
    let o = Command::cargo_bin("mon")
        .unwrap()
        .current_dir(dir)
        .envs(env.iter().cloned())
        .args(args)
        .output()
        .unwrap();
    let text = support::output_text(&o);
    assert!(!text.contains("-SECRET-"), "a secret was printed: {text}");
    o
}

fn import(dir: &Path, file: &str, extra: &[&str]) -> std::process::Output {
    mon(
        dir,
        &[&["import", "hastmon", file, "--out", "defs"], extra].concat(),
        &[],
    )
}

fn render(dir: &Path, defs: &str, out: &str, env: &[(String, String)]) {
    let o = mon(dir, &["render", "hastmon", defs, "--out", out], env);
    assert_eq!(o.status.code(), Some(0), "{}", support::output_text(&o));
}

/// hastmon's README example as its README writes it: 8-space indents,
/// `tcp4://` remotes, no priority for the watchdog.
const README_EXAMPLE: &str = "resource daemon {
        exec /etc/daemon.sh
        friends lolek bolek reksio

        on lolek {
                remote tcp4://bolek
                priority 0
        }
        on bolek {
                remote tcp4://lolek
                priority 1
        }
        on reksio {
                remote tcp4://lolek tcp4://bolek
        }
}

resource storage {
        exec /etc/storage.sh
        friends lolek bolek reksio

        on lolek {
                remote tcp4://bolek
                priority 0
        }
        on bolek {
                remote tcp4://lolek
                priority 1
        }
        on reksio {
                remote tcp4://lolek tcp4://bolek
        }
}
";

#[test]
fn hastmons_readme_example_imports_validates_and_renders_what_hastmon_read() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(work.path().join("hastmon.conf"), README_EXAMPLE).unwrap();
    let o = import(work.path(), "hastmon.conf", &["--cluster", "storage"]);
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("imported 1 clusters and 2 resources"),
        "{text}"
    );
    let yaml = std::fs::read_to_string(work.path().join("defs/cluster-storage.yaml")).unwrap();
    for line in [
        "# Imported by `mon import hastmon` from hastmon.conf.",
        "        address: tcp4://lolek",
        "      reksio: {}",
        "        primary: lolek",
        "        secondary: [bolek]",
        "        watchdog: [reksio]",
        "        friends: [lolek, bolek, reksio]",
    ] {
        assert!(yaml.contains(line), "{line:?} in\n{yaml}");
    }
    let v = mon(work.path(), &["validate", "--deny-warnings", "defs"], &[]);
    assert_eq!(v.status.code(), Some(0), "{}", support::output_text(&v));
    // Rendered again, every node reads what hastmon's parser reported for
    // the original (§9): priorities 0, 1 and 100, the same remotes, the
    // defaults; and the watchdog's complaints are still accepted.
    render(work.path(), "defs", "out", &[]);
    let original = hastmon::parse(README_EXAMPLE).unwrap();
    let rendered = hastmon::parse(
        &std::fs::read_to_string(work.path().join("out/hastmon/storage/hastmon.conf")).unwrap(),
    )
    .unwrap();
    for node in ["lolek", "bolek", "reksio"] {
        let want = hastmon::as_node(&original, node).unwrap();
        assert_eq!(hastmon::as_node(&rendered, node).unwrap(), want, "{node}");
        for r in ["daemon", "storage"] {
            assert!(hastmon::accepts_complaint(&rendered, node, r, "reksio"));
        }
    }
    let lolek = hastmon::as_node(&rendered, "lolek").unwrap();
    assert_eq!(
        (lolek["daemon"].priority, &lolek["daemon"].remotes[..]),
        (0, &["tcp4://bolek".to_string()][..])
    );
    assert_eq!(
        hastmon::as_node(&rendered, "reksio").unwrap()["storage"].priority,
        100
    );
}

const NAMES: &[&str] = &["alpha", "bravo", "charlie", "delta", "foxtrot", "golf"];

fn pick<T: Clone>(rng: &mut impl Rng, from: &[T]) -> T {
    from[rng.random_range(0..from.len())].clone()
}

/// A valid cluster using every setting mon renders into hastmon.conf.
fn generated_cluster(rng: &mut impl Rng) -> Value {
    let n = rng.random_range(2..=5);
    let mut nodes = serde_json::Map::new();
    for (i, name) in NAMES[..n].iter().enumerate() {
        let mut node = serde_json::Map::new();
        match rng.random_range(0..4) {
            0 => drop(node.insert(
                "address".into(),
                json!(format!("tcp4://10.0.0.{}:8458", i + 1)),
            )),
            1 => drop(node.insert("address".into(), json!(format!("10.0.1.{}", i + 1)))),
            2 => drop(node.insert("address".into(), json!(format!("{name}.example.com")))),
            _ => {}
        }
        if rng.random_bool(0.3) {
            node.insert(
                "control".into(),
                json!(format!("/var/run/hastmonctl-{name}")),
            );
        }
        if rng.random_bool(0.3) {
            node.insert("listen".into(), json!("0.0.0.0:8459"));
        }
        nodes.insert(name.to_string(), Value::Object(node));
    }
    let mut cluster = json!({ "nodes": nodes });
    let tuning = |rng: &mut dyn rand::RngCore, at: &mut Value| {
        for (k, lo) in [
            ("timeout", 1),
            ("attempts", 1),
            ("heartbeat_interval", 1),
            ("complaint_count", 0),
            ("complaint_interval", 1),
        ] {
            if rng.random_bool(0.3) {
                at[k] = json!(rng.random_range(lo..100));
            }
        }
    };
    tuning(rng, &mut cluster);
    if rng.random_bool(0.3) {
        cluster["control"] = json!("uds:///var/run/hastmon.sock");
    }
    if rng.random_bool(0.3) {
        cluster["listen"] = json!("tcp4://0.0.0.0:8458");
    }
    if rng.random_bool(0.3) {
        cluster["key"] = json!({"algorithm": "SHA256", "secret": {"env": "TEST_CLUSTER_SECRET"}});
    }
    if rng.random_bool(0.3) {
        cluster["role_on_start"] = json!(pick(rng, &["init", "role"]));
    }
    if rng.random_bool(0.3) {
        cluster["exec_dir"] = json!("/opt/ha/hooks");
    }
    let mut resources = serde_json::Map::new();
    for r in 0..rng.random_range(1..=3) {
        let mut order: Vec<&str> = NAMES[..n].to_vec();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let service = rng.random_range(1..=n);
        let mut res = json!({
            "primary": order[0],
            "secondary": order[1..service],
            "watchdog": order[service..],
        });
        if res["secondary"].as_array().unwrap().is_empty() {
            res.as_object_mut().unwrap().remove("secondary");
        }
        if res["watchdog"].as_array().unwrap().is_empty() {
            res.as_object_mut().unwrap().remove("watchdog");
        }
        if rng.random_bool(0.5) {
            res["exec"] = json!(format!("/etc/hast/r{r}.sh"));
        } else {
            res["commands"] = json!({"start": "systemctl start x", "stop": "systemctl stop x", "status": "systemctl is-active x"});
        }
        if rng.random_bool(0.4) {
            // Explicit priorities that keep the primary first.
            let mut prio = serde_json::Map::new();
            let mut next = rng.random_range(0..5);
            for node in &order[..service] {
                prio.insert(node.to_string(), json!(next));
                next += rng.random_range(1..20);
            }
            res["priority"] = Value::Object(prio);
        }
        if rng.random_bool(0.5) {
            let friends: Vec<String> = (0..rng.random_range(1..3))
                .map(|i| {
                    pick(
                        rng,
                        &[
                            format!("10.9.9.{i}"),
                            "ops.example.com".into(),
                            order[0].to_string(),
                        ],
                    )
                })
                .collect::<std::collections::BTreeSet<_>>()
                .into_iter()
                .collect();
            res["friends"] = json!(friends);
        }
        if rng.random_bool(0.3) {
            res["key"] = json!({"algorithm": pick(rng, &["MD5", "SHA1", "RIPEMD160"]), "secret": {"env": "TEST_RESOURCE_SECRET"}});
        }
        if rng.random_bool(0.3) {
            res["role_on_start"] = json!(pick(rng, &["init", "role"]));
        }
        tuning(rng, &mut res);
        resources.insert(format!("res{r}"), res);
    }
    cluster["resources"] = Value::Object(resources);
    cluster
}

/// hastmon.conf rendered by mon from generated clusters imports back into a
/// definition that renders the same file, byte for byte.
#[test]
fn hastmon_conf_that_mon_rendered_imports_into_a_fixed_point() {
    let mut rng = rand::rngs::StdRng::seed_from_u64(11);
    let env = vec![
        (
            "TEST_CLUSTER_SECRET".to_string(),
            "cluster-SECRET-1".to_string(),
        ),
        (
            "TEST_RESOURCE_SECRET".to_string(),
            "resource-SECRET-2".to_string(),
        ),
    ];
    for case in 0..support::prop_cases(30) {
        let work = tempfile::tempdir().unwrap();
        let cluster = generated_cluster(&mut rng);
        std::fs::create_dir(work.path().join("src")).unwrap();
        std::fs::write(
            work.path().join("src/c.yaml"),
            serde_json::to_string_pretty(&json!({"cluster": {"ha": cluster}})).unwrap(),
        )
        .unwrap();
        let v = mon(work.path(), &["validate", "--deny-warnings", "src"], &env);
        assert_eq!(
            v.status.code(),
            Some(0),
            "case {case}: the generator made {}\n{cluster:#}",
            support::output_text(&v)
        );
        render(work.path(), "src", "first", &env);
        let first =
            std::fs::read_to_string(work.path().join("first/hastmon/ha/hastmon.conf")).unwrap();

        let o = import(work.path(), "first/hastmon/ha/hastmon.conf", &[]);
        let text = support::output_text(&o);
        assert_eq!(o.status.code(), Some(0), "case {case}: {text}\n{first}");
        let yaml = std::fs::read_to_string(work.path().join("defs/cluster-ha.yaml")).unwrap();
        assert!(!yaml.contains("-SECRET-"), "{yaml}");
        render(
            work.path(),
            "defs",
            "second",
            &support::secrets_env(&work.path().join("defs"), "HASTMON_"),
        );
        let second =
            std::fs::read_to_string(work.path().join("second/hastmon/ha/hastmon.conf")).unwrap();
        assert_eq!(second, first, "case {case}:\n{yaml}\nnotes: {text}");
    }
}

/// The estate's clusters (a watchdog with its own address, a key from the
/// environment, hook commands) round trip too.
#[test]
fn the_example_estates_clusters_import_into_a_fixed_point() {
    let work = tempfile::tempdir().unwrap();
    let env = vec![(
        "HASTMON_QUEUE_SECRET".to_string(),
        "queue-SECRET-3".to_string(),
    )];
    let estate = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/estate");
    render(work.path(), estate.to_str().unwrap(), "first", &env);
    for c in ["storage-ha", "queue-ha"] {
        let file = format!("first/hastmon/{c}/hastmon.conf");
        let o = mon(work.path(), &["import", "hastmon", &file, "--out", c], &[]);
        assert_eq!(o.status.code(), Some(0), "{}", support::output_text(&o));
        let defs = work.path().join(c);
        render(
            work.path(),
            c,
            &format!("second-{c}"),
            &support::secrets_env(&defs, "HASTMON_"),
        );
        assert_eq!(
            std::fs::read_to_string(
                work.path()
                    .join(format!("second-{c}/hastmon/{c}/hastmon.conf"))
            )
            .unwrap(),
            std::fs::read_to_string(work.path().join(&file)).unwrap(),
            "{c}"
        );
    }
    let queue =
        std::fs::read_to_string(work.path().join("queue-ha/cluster-queue-ha.yaml")).unwrap();
    assert!(
        queue.contains("address: 10.0.1.13")
            && queue.contains("secret: {env: HASTMON_QUEUE_HA_SECRET}"),
        "{queue}"
    );
    // The watchdog's address is in friends only because render puts it
    // there: the definition, like the estate's, does not list it.
    assert!(!queue.contains("friends"), "{queue}");
}

/// hastmon's quirks are read as hastmon reads them, and what mon cannot
/// express, or hastmon itself ignores, is named with its line.
#[test]
fn quirks_are_read_as_hastmon_reads_them_and_named_with_their_line() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("odd.conf"),
        "attempts 7 # hastmon drops a global attempts\r\n\
         on lolek { heartbeat_interval 3 friends ops }\n\
         resource web {\n\
         \texec /etc/web#1.sh\n\
         \ton lolek { remote \"bolek\"; priority 0 }\n\
         \ton bolek { remote lolek\n\
         \t\tprioritty\n\
         \t}\n\
         \ton bolek { priority 1 attempts 2 }\n\
         \ton reksio { remote lolek bolek role_on_start primary }\n\
         }\n",
    )
    .unwrap();
    let o = import(work.path(), "odd.conf", &[]);
    let text = support::output_text(&o);
    let yaml = std::fs::read_to_string(work.path().join("defs/cluster-odd.yaml")).unwrap();
    for want in [
        "odd.conf:1: a global `attempts` is ignored by hastmon",
        "odd.conf:1: 1 carriage returns",
        "odd.conf:2: `heartbeat_interval` in a top-level `on` section is ignored",
        "odd.conf:2: friend `ops` is global",
        "odd.conf:4: `#` starts a comment inside a word, so hastmon reads `/etc/web`",
        "odd.conf:5: hastmon's lexer drops '\"' ';'",
        "odd.conf:7: remote `prioritty`",
        "odd.conf:9: `attempts` for `bolek` alone",
        "odd.conf:10: `role_on_start primary` for `reksio`",
    ] {
        assert!(text.contains(want), "{want:?} in\n{text}");
    }
    for want in [
        "exec: /etc/web\n",
        "primary: lolek",
        "secondary: [bolek]",
        "watchdog: [reksio]",
        "friends: [ops]",
    ] {
        assert!(yaml.contains(want), "{want:?} in\n{yaml}");
    }
    // Nothing mon cannot render was written, so the definition is valid.
    assert_eq!(o.status.code(), Some(0), "{text}");
}

#[test]
fn a_file_hastmon_cannot_parse_writes_nothing() {
    let work = tempfile::tempdir().unwrap();
    for (conf, near) in [
        (
            "resource r {\n exec /x\n on a { remote b timeout 5 }\n}\n",
            "odd.conf:3: hastmon cannot parse the file near `timeout`",
        ),
        (
            "resource r { exec /x }\nresource r { exec /y }\n",
            "odd.conf:2: resource `r` is configured more than once",
        ),
        (
            "resource primary { }\n",
            "odd.conf:1: hastmon cannot parse the file near `primary`",
        ),
        (
            "resource r {\n",
            "hastmon cannot parse the file near `end of file`",
        ),
    ] {
        std::fs::write(work.path().join("odd.conf"), conf).unwrap();
        let o = import(work.path(), "odd.conf", &[]);
        let text = support::output_text(&o);
        assert_eq!(o.status.code(), Some(3), "{text}");
        assert!(text.contains(near), "{near:?} in {text}");
        assert!(!work.path().join("defs").exists());
    }
    let o = import(work.path(), "missing.conf", &[]);
    assert_eq!(o.status.code(), Some(3));
}

/// Without priorities hastmon gives every node 100; mon's definition
/// cannot hold equal priorities, so the section order decides, and says so.
#[test]
fn a_resource_without_priorities_is_ordered_by_its_sections() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("np.conf"),
        "resource r {\n exec /x.sh\n on b { remote a }\n on a { remote b }\n}\n",
    )
    .unwrap();
    let o = import(work.path(), "np.conf", &[]);
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("np.conf:1: resource `r` gives no priorities"),
        "{text}"
    );
    let yaml = std::fs::read_to_string(work.path().join("defs/cluster-np.yaml")).unwrap();
    assert!(
        yaml.contains("primary: b\n")
            && yaml.contains("secondary: [a]")
            && !yaml.contains("priority"),
        "{yaml}"
    );
}

/// A key's secret is never quoted: not by the note on a `#` that cuts it,
/// nor by the syntax error a secret of two words causes.
#[test]
fn a_secret_is_never_quoted_by_a_note_or_an_error() {
    let work = tempfile::tempdir().unwrap();
    std::fs::write(
        work.path().join("cut.conf"),
        "key { algorithm SHA256 secret ab-SECRET-#cd\n}\nresource r {\n exec /x\n on a { remote b }\n on b { remote a }\n}\n",
    )
    .unwrap();
    let o = import(work.path(), "cut.conf", &[]);
    let text = support::output_text(&o);
    assert!(
        text.contains("so hastmon reads the secret up to it"),
        "{text}"
    );
    std::fs::write(
        work.path().join("two.conf"),
        "key { algorithm SHA256 secret first -SECRET-half }\n",
    )
    .unwrap();
    let o = import(work.path(), "two.conf", &["--force"]);
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(3), "{text}");
    assert!(
        text.contains("the word after a key's secret, not shown"),
        "{text}"
    );
}

/// A file of 200 nodes whose remotes all differ from what mon renders, and
/// whose names clash (`n1` is a prefix of `n10`...), says so in one note per
/// resource and counts the findings instead of rendering each: the output
/// stays short however large the file is.
#[test]
fn many_findings_are_counted_not_listed() {
    let work = tempfile::tempdir().unwrap();
    let mut conf = String::from("resource r {\n exec /x\n");
    for i in 0..200 {
        conf.push_str(&format!(" on n{i} {{ remote n{} }}\n", i + 1));
    }
    conf.push_str("}\n");
    std::fs::write(work.path().join("big.conf"), conf).unwrap();
    let o = import(work.path(), "big.conf", &["--cluster", "big"]);
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(
        text.contains("200 `on` sections of resource `r` (lines 3 4 5 6 7 8 9 10 11 12 ... (200 in all)) have remotes other than"),
        "{text}"
    );
    assert!(!text.contains("`on n5` in resource"), "{text}");
    let validate = mon(work.path(), &["validate", "--format", "short", "defs"], &[]);
    let errors = support::output_text(&validate)
        .lines()
        .filter(|l| l.contains("error"))
        .count();
    assert!(errors > 100, "{errors}");
    assert!(
        text.contains(&format!(
            "{errors} errors in the imported definitions (`mon validate defs` lists them)"
        )),
        "{text}"
    );
    assert!(!text.contains("E0503"), "findings were rendered: {text}");
    assert!(text.lines().count() < 12, "{text}");
}

/// A tree as `mon render hastmon` writes it imports every cluster in one
/// call; `--cluster` beside several clusters is a usage error, and nothing
/// is written.
#[test]
fn a_rendered_tree_of_clusters_imports_in_one_call() {
    let work = tempfile::tempdir().unwrap();
    let tree = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/render");
    let o = import(work.path(), tree.to_str().unwrap(), &["--cluster", "x"]);
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(2), "{text}");
    assert!(
        text.contains("--cluster names one cluster, and this tree has 2"),
        "{text}"
    );
    assert!(!work.path().join("defs").exists());
    let o = import(work.path(), tree.to_str().unwrap(), &[]);
    let text = support::output_text(&o);
    assert_eq!(o.status.code(), Some(0), "{text}");
    assert!(
        text.contains("imported 2 clusters and 3 resources"),
        "{text}"
    );
    for c in ["storage-ha", "queue-ha"] {
        assert!(
            work.path().join(format!("defs/cluster-{c}.yaml")).is_file(),
            "{c}"
        );
    }
}
