//! Any valid definitions render without panicking, and every file lands
//! under the output directory: no absolute path, no `..`, no empty name.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mon::render::{render, Context, Target, Templates};
use mon::select::Selection;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let loaded = mon::ops::validate::analyze(vec![("fuzz.yaml".into(), Ok(text.to_string()))]);
    if loaded.errors() > 0 {
        return;
    }
    let templates = Templates::load(None).unwrap();
    let ctx = Context {
        model: &loaded.model,
        templates: &templates,
        selection: &Selection::all(),
    };
    for &target in Target::ALL {
        // Errors (an unresolvable secret) are fine; panics are not.
        let Ok(outputs) = render(&ctx, target) else { continue };
        for o in outputs {
            assert!(o.path.is_relative(), "{} is absolute", o.path.display());
            for c in o.path.components() {
                assert!(
                    matches!(c, std::path::Component::Normal(n) if !n.is_empty() && n.len() <= 255),
                    "{} leaves the output directory",
                    o.path.display()
                );
            }
        }
    }
});
