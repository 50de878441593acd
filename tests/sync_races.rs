//! The two ways a sync can be disturbed, through the library so the test can
//! act between reading and writing: another writer changing keys, and etcd
//! going away part way. Against a real etcd, through both APIs.

mod support;

use std::cell::RefCell;
use std::path::PathBuf;
use std::time::Duration;

use mon::etcd::{Api, Options};
use mon::ops::plan::{self, Action, PlanOptions};
use mon::ops::sync;
use support::Etcd;

fn options(etcd: &Etcd, api: Api) -> Options {
    Options {
        api,
        endpoints: vec![etcd.endpoint()],
        user: None,
        password: None,
        cacert: None,
        cert: None,
        key: None,
        dial_timeout: Duration::from_secs(2),
        command_timeout: Duration::from_secs(5),
    }
}

fn plan_options() -> PlanOptions {
    PlanOptions {
        keep_remote_only: false,
        replace: None,
        selection: mon::select::Selection::all(),
        owner: "races".into(),
        legacy: None,
        prune_unowned: false,
        take_over: false,
    }
}

fn defs(monitors: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from(
        "alerter:\n  pager: {type: pagerduty, options: {token: literal-token}}\nmonitor:\n",
    );
    for i in 0..monitors {
        text.push_str(&format!("  m{i:05}: {{type: tcp, host: db{i}, port: 5432, interval: 30s, critical-alerter: [pager]}}\n"));
    }
    std::fs::write(dir.path().join("defs.yaml"), text).unwrap();
    dir
}

fn put(etcd: &Etcd, api: Api, key: &str, value: &str) {
    match api {
        Api::V2 => etcd.ctl("2", &["set", key, value]),
        Api::V3 => etcd.ctl("3", &["put", key, value]),
    };
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().unwrap()
}

fn concurrent_write_is_a_conflict(api: Api) {
    let etcd = Etcd::start();
    let dir = defs(3);
    let paths = mon::ops::validate::Scope::of(vec![PathBuf::from(dir.path())]);
    let opts = plan_options();
    let rt = rt();
    // Bring etcd in line, then change one definition so the plan has work.
    let mut first = rt
        .block_on(plan::prepare(&paths, &options(&etcd, api), "9volt", &opts))
        .ok()
        .unwrap();
    assert!(rt
        .block_on(sync::apply(&mut first.store, &first.plan, &|_| {}))
        .error
        .is_none());
    let text = std::fs::read_to_string(dir.path().join("defs.yaml"))
        .unwrap()
        .replace("interval: 30s", "interval: 1m");
    std::fs::write(dir.path().join("defs.yaml"), text).unwrap();

    let mut prepared = rt
        .block_on(plan::prepare(&paths, &options(&etcd, api), "9volt", &opts))
        .ok()
        .unwrap();
    assert_eq!(prepared.plan.count(Action::Change), 3);
    // Someone else edits m00001 between our read and our write.
    put(
        &etcd,
        api,
        "/9volt/monitor/m00001",
        r#"{"edited":"by someone else"}"#,
    );
    let watch = (api == Api::V2).then(|| etcd.watch_v2("/9volt"));
    let report = rt.block_on(sync::apply(&mut prepared.store, &prepared.plan, &|_| {}));
    if let Some(w) = watch {
        // The guard held with only actions 9volt follows: two updates.
        assert_eq!(w.finish_followed().len(), 2);
    }
    assert!(report.error.is_none());
    assert_eq!(report.conflicts, vec!["/9volt/monitor/m00001".to_string()]);
    assert_eq!(report.applied.get(&Action::Change), Some(&2));
    let api_digit = if api == Api::V2 { "2" } else { "3" };
    let keys = etcd.dump(api_digit, "/9volt");
    assert_eq!(
        keys["/9volt/monitor/m00001"], r#"{"edited":"by someone else"}"#,
        "the other writer's value must survive"
    );
    assert!(keys["/9volt/monitor/m00000"].contains(r#""interval":"1m""#));
    assert!(keys["/9volt/monitor/m00002"].contains(r#""interval":"1m""#));
}

#[test]
fn concurrent_write_is_a_conflict_v2() {
    concurrent_write_is_a_conflict(Api::V2)
}
#[test]
fn concurrent_write_is_a_conflict_v3() {
    concurrent_write_is_a_conflict(Api::V3)
}

fn a_created_key_is_a_conflict(api: Api) {
    let etcd = Etcd::start();
    let dir = defs(2);
    let paths = mon::ops::validate::Scope::of(vec![PathBuf::from(dir.path())]);
    let opts = plan_options();
    let rt = rt();
    let mut prepared = rt
        .block_on(plan::prepare(&paths, &options(&etcd, api), "9volt", &opts))
        .ok()
        .unwrap();
    put(
        &etcd,
        api,
        "/9volt/monitor/m00000",
        r#"{"created":"meanwhile"}"#,
    );
    let report = rt.block_on(sync::apply(&mut prepared.store, &prepared.plan, &|_| {}));
    assert_eq!(report.conflicts, vec!["/9volt/monitor/m00000".to_string()]);
    assert_eq!(
        report.applied.get(&Action::Add),
        Some(&2),
        "the alerter and the other monitor"
    );
}

#[test]
fn a_created_key_is_a_conflict_v2() {
    a_created_key_is_a_conflict(Api::V2)
}
#[test]
fn a_created_key_is_a_conflict_v3() {
    a_created_key_is_a_conflict(Api::V3)
}

fn etcd_stopping_mid_sync_leaves_nothing_corrupt(api: Api) {
    let etcd = RefCell::new(Etcd::start());
    let dir = defs(1500);
    let paths = mon::ops::validate::Scope::of(vec![PathBuf::from(dir.path())]);
    let opts = plan_options();
    let rt = rt();
    let mut prepared = rt
        .block_on(plan::prepare(
            &paths,
            &options(&etcd.borrow(), api),
            "9volt",
            &opts,
        ))
        .ok()
        .unwrap();
    assert_eq!(prepared.plan.count(Action::Add), 1501);
    let batches = RefCell::new(0);
    let report = rt.block_on(sync::apply(&mut prepared.store, &prepared.plan, &|_| {
        *batches.borrow_mut() += 1;
        if *batches.borrow() == 1 {
            etcd.borrow_mut().stop();
        }
    }));
    let error = report
        .error
        .as_ref()
        .expect("the sync must notice etcd went away");
    assert!(matches!(error, mon::etcd::Error::Connect(_)), "{error:?}");
    assert!(
        report.total() > 0 && report.total() < 1501,
        "applied {}",
        report.total()
    );
    assert_eq!(
        report.total() + report.not_applied + report.unknown.len(),
        1501
    );

    etcd.borrow_mut().restart();
    let api_digit = if api == Api::V2 { "2" } else { "3" };
    let keys = etcd.borrow().dump(api_digit, "/9volt");
    // Everything reported applied is there; of the writes etcd never
    // answered, each is there whole or not at all; nothing else is.
    assert!(
        keys.len() >= report.total() && keys.len() <= report.total() + report.unknown.len(),
        "{} keys, {} applied, {} unknown",
        keys.len(),
        report.total(),
        report.unknown.len()
    );
    for (k, v) in &keys {
        serde_json::from_str::<serde_json::Value>(v)
            .unwrap_or_else(|e| panic!("{k} holds a broken value: {e}"));
    }
    // A rerun converges.
    let mut again = rt
        .block_on(plan::prepare(
            &paths,
            &options(&etcd.borrow(), api),
            "9volt",
            &opts,
        ))
        .ok()
        .unwrap();
    assert_eq!(again.plan.count(Action::Add), 1501 - keys.len());
    let second = rt.block_on(sync::apply(&mut again.store, &again.plan, &|_| {}));
    assert!(second.error.is_none() && second.conflicts.is_empty());
    let last = rt
        .block_on(plan::prepare(
            &paths,
            &options(&etcd.borrow(), api),
            "9volt",
            &opts,
        ))
        .ok()
        .unwrap();
    assert_eq!(last.plan.pending(), 0);
}

#[test]
fn etcd_stopping_mid_sync_leaves_nothing_corrupt_v2() {
    etcd_stopping_mid_sync_leaves_nothing_corrupt(Api::V2)
}
#[test]
fn etcd_stopping_mid_sync_leaves_nothing_corrupt_v3() {
    etcd_stopping_mid_sync_leaves_nothing_corrupt(Api::V3)
}

fn a_member_dying_mid_sync_fails_over_and_the_result_is_the_plan(api: Api) {
    // The leader first: mon talks to it, and its death forces an election,
    // during which the others refuse requests for a moment.
    let mut cluster = Etcd::cluster(3);
    let leader = (0..3).find(|i| cluster[*i].is_leader()).expect("a leader");
    cluster.swap(0, leader);
    let members = RefCell::new(cluster);
    // Over v2 two batches (512 each) with the kill between them; over v3 five
    // transactions. Fewer than etcd's 1000 events of history, so the watcher
    // sees every one even on a loaded machine.
    let dir = defs(700);
    let paths = mon::ops::validate::Scope::of(vec![PathBuf::from(dir.path())]);
    let opts = plan_options();
    let mut o = options(&members.borrow()[0], api);
    o.endpoints = members.borrow().iter().map(Etcd::endpoint).collect();
    let rt = rt();
    let mut prepared = rt
        .block_on(plan::prepare(&paths, &o, "9volt", &opts))
        .ok()
        .unwrap();
    assert_eq!(prepared.plan.count(Action::Add), 701);
    // 9volt's director would be watching through another member.
    let watch = (api == Api::V2).then(|| members.borrow()[1].watch_v2("/9volt"));
    let batches = RefCell::new(0);
    let report = rt.block_on(sync::apply(&mut prepared.store, &prepared.plan, &|_| {
        *batches.borrow_mut() += 1;
        if *batches.borrow() == 1 {
            members.borrow_mut()[0].stop();
        }
    }));
    assert!(
        report.error.is_none(),
        "{:?}, {} applied",
        report.error,
        report.total()
    );
    assert!(report.conflicts.is_empty(), "{:?}", report.conflicts);
    assert_eq!(report.applied.get(&Action::Add), Some(&701));
    if let Some(w) = watch {
        assert_eq!(w.finish_followed().len(), 701, "one create per key");
    }
    let api_digit = if api == Api::V2 { "2" } else { "3" };
    let keys = members.borrow()[1].dump(api_digit, "/9volt");
    assert_eq!(keys.len(), 701);
    let mut survivors = o.clone();
    survivors.endpoints.remove(0);
    let last = rt
        .block_on(plan::prepare(&paths, &survivors, "9volt", &opts))
        .ok()
        .unwrap();
    assert_eq!(last.plan.pending(), 0, "etcd holds exactly the plan");
}

#[test]
fn a_member_dying_mid_sync_fails_over_v2() {
    a_member_dying_mid_sync_fails_over_and_the_result_is_the_plan(Api::V2)
}
#[test]
fn a_member_dying_mid_sync_fails_over_v3() {
    a_member_dying_mid_sync_fails_over_and_the_result_is_the_plan(Api::V3)
}

fn a_stalled_etcd_costs_one_command_timeout(api: Api) {
    let etcd = RefCell::new(Etcd::start());
    let dir = defs(1500);
    let paths = mon::ops::validate::Scope::of(vec![PathBuf::from(dir.path())]);
    let mut o = options(&etcd.borrow(), api);
    o.command_timeout = Duration::from_secs(3);
    let rt = rt();
    let mut prepared = rt
        .block_on(plan::prepare(&paths, &o, "9volt", &plan_options()))
        .ok()
        .unwrap();
    let started = std::cell::Cell::new(None);
    let report = rt.block_on(sync::apply(&mut prepared.store, &prepared.plan, &|_| {
        if started.get().is_none() {
            etcd.borrow().pause();
            started.set(Some(std::time::Instant::now()));
        }
    }));
    let waited = started.get().unwrap().elapsed();
    etcd.borrow().resume();
    assert!(
        matches!(report.error, Some(mon::etcd::Error::Connect(_))),
        "{:?}",
        report.error
    );
    // The whole stall within the command timeout and half a second: not
    // one timeout per request or batch, nor another for the fail-over.
    assert!(waited < Duration::from_millis(3500), "waited {waited:?}");
}

#[test]
fn a_stalled_etcd_costs_one_command_timeout_v2() {
    a_stalled_etcd_costs_one_command_timeout(Api::V2)
}
#[test]
fn a_stalled_etcd_costs_one_command_timeout_v3() {
    a_stalled_etcd_costs_one_command_timeout(Api::V3)
}
