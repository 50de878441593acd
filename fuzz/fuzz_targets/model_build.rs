//! Schema-valid implies the model builds: any YAML or TOML definition file
//! either lands in the typed model whole or is refused by an error located
//! inside it; a definition never disappears without a word.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else { return };
    let name = if selector & 1 == 0 { "fuzz.yaml" } else { "fuzz.toml" };
    let Ok(text) = std::str::from_utf8(rest) else { return };
    let loaded = mon::ops::validate::analyze(vec![(name.into(), Ok(text.to_string()))]);
    let dropped = loaded.silently_dropped();
    assert!(dropped.is_empty(), "left out of the model without an error: {dropped:?}");
    // With no error at all, everything the catalog holds is in the model.
    if loaded.errors() == 0 {
        for def in loaded.catalog.all() {
            assert!(loaded.model.contains(def.section, &def.name), "{}", def.name);
        }
    }
});
