//! Definitions against any etcd listing: building the plan, saving it,
//! comparing it with itself and printing it in every format must finish
//! without panicking, and a plan must never show a secret it resolved.
#![no_main]

use std::collections::BTreeMap;

use libfuzzer_sys::fuzz_target;
use mon::catalog::Section;
use mon::etcd::Entry;
use mon::ops::plan::{self, PlanOptions};
use mon::select::Selection;

fuzz_target!(|data: &[u8]| {
    // definitions \0 remote listing: lines of `key\tversion\tvalue`
    let Ok(text) = std::str::from_utf8(data) else { return };
    let (defs, listing) = text.split_once('\0').unwrap_or((text, ""));
    let loaded = mon::ops::validate::analyze(vec![("fuzz.yaml".into(), Ok(defs.to_string()))]);
    if loaded.errors() > 0 {
        return;
    }
    let Ok(desired) = plan::desired(&loaded.model) else { return };
    let mut remote: BTreeMap<Section, Vec<Entry>> = BTreeMap::new();
    for line in listing.lines() {
        let mut parts = line.splitn(3, '\t');
        let (Some(key), Some(version), Some(value)) = (parts.next(), parts.next(), parts.next()) else {
            continue;
        };
        let section = if key.contains("/alerter/") { Section::Alerter } else { Section::Monitor };
        remote.entry(section).or_default().push(Entry {
            key: key.to_string(),
            value: value.to_string(),
            version: version.parse().unwrap_or(0),
            exact: !key.contains('\u{FFFD}'),
        });
    }
    for (prune, nosync) in [(false, false), (true, false), (false, true)] {
        let opts = PlanOptions {
            keep_remote_only: nosync,
            replace: None,
            selection: Selection::all(),
            owner: "fuzz".into(),
            legacy: None,
            prune_unowned: prune,
            take_over: false,
        };
        let p = plan::plan("9volt", desired_again(&desired), &remote, &opts);
        let saved = plan::save(&p, "v2", &opts);
        assert!(plan::differences(&saved, &p).is_empty(), "a plan differs from itself");
        let mut out = Vec::new();
        mon::report::plan_text::write(&p, &mut out, false, Some(1)).unwrap();
        mon::report::plan_short::write(&p, &mut out).unwrap();
        mon::report::plan_json::write(&p, "v2", None, None, &mut out).unwrap();
        out.extend(serde_json::to_vec(&saved).unwrap());
        let shown = String::from_utf8_lossy(&out);
        assert!(!p.redactor.finds(&shown), "a secret was shown");
    }
});

fn desired_again(d: &[plan::Desired]) -> Vec<plan::Desired> {
    d.iter()
        .map(|x| plan::Desired {
            section: x.section,
            name: x.name.clone(),
            value: x.value.clone(),
            secrets: x.secrets.clone(),
            digest: x.digest.clone(),
        })
        .collect()
}
