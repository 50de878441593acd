//! `mon render all` on 10,000 generated collectd hosts and a hastmon cluster
//! of 1,000 resources; prints files per second. (No peer tool renders these
//! files; operators write them by hand.) Run: `bench/run render`.

mod common;

use std::fmt::Write as _;
use std::process::{Command, Stdio};

use common::{measure, mib, secs};

fn main() {
    let defs = tempfile::tempdir().unwrap();
    let mut hosts = String::from("mqtt:\n  main: {host: \"broker.example.com:1883\", user: collectd, password: secret}\ncollectd:\n");
    for i in 0..10_000 {
        let _ = writeln!(
            hosts,
            "  host{i:05}:\n    broker: main\n    services: {{hello: {{commands: {{exec: /bin/echo hi}}}}, nginx: {{commands: {{reload: systemctl reload nginx}}}}}}\n    triggers: {{low: {{metric: {{plugin: memory, type_instance: free, below: 1.0e+9}}, run: {{service: nginx, command: reload}}}}}}\n    plugins: {{cpu: {{}}, memory: {{}}, df: {{MountPoint: [/, /var]}}}}"
        );
    }
    std::fs::write(defs.path().join("hosts.yaml"), hosts).unwrap();
    let mut cluster = String::from(
        "cluster:\n  big:\n    nodes: {alpha: {}, beta: {}, gamma: {}}\n    resources:\n",
    );
    for i in 0..1_000 {
        let _ = writeln!(cluster, "      res{i:04}: {{exec: /etc/hastmon/res{i:04}.sh, primary: alpha, secondary: [beta], watchdog: [gamma]}}");
    }
    std::fs::write(defs.path().join("cluster.yaml"), cluster).unwrap();

    let out = tempfile::tempdir().unwrap();
    let run = |target: &str| {
        measure(
            Command::new(env!("CARGO_BIN_EXE_mon"))
                .args(["render", target])
                .arg(defs.path())
                .arg("--out")
                .arg(out.path())
                .stdout(Stdio::null()),
        )
    };
    let first = run("all");
    assert_eq!(first.status, 0, "mon render failed");
    let files = 10_000 * 3 + 1;
    let again = run("all");
    println!("mon render all: 10,000 collectd hosts (3 files each) and a 1,000-resource hastmon cluster = {files} files");
    println!(
        "  first render (all written)    {:>9}   {:>8.0} files/s   peak RSS {}",
        secs(first.wall),
        files as f64 / first.wall.as_secs_f64(),
        mib(first.max_rss_kib)
    );
    println!(
        "  second render (all unchanged) {:>9}   {:>8.0} files/s   peak RSS {}",
        secs(again.wall),
        files as f64 / again.wall.as_secs_f64(),
        mib(again.max_rss_kib)
    );
}
