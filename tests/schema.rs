//! The published schemas: valid draft 2020-12, consistent with each other,
//! and agreeing with `mon validate` on the example estate.

mod support;

use assert_cmd::Command;
use jsonschema::Registry;

/// Every section's schema compiled over the tree in place, once.
static IN_PLACE: std::sync::LazyLock<mon::schema::InPlace> =
    std::sync::LazyLock::new(|| mon::schema::InPlace::compile(|_| true));

#[test]
fn every_schema_file_is_printed_and_the_whole_file_schema_compiles() {
    let mut registry = Registry::new();
    for name in mon::schema::names() {
        let (file, text) = (
            mon::schema::file_name(name),
            mon::schema::text(name).unwrap(),
        );
        let printed = Command::cargo_bin("mon")
            .unwrap()
            .args(["schema", name])
            .output()
            .unwrap();
        assert_eq!(printed.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&printed.stdout), text, "{name}");
        let on_disk =
            std::fs::read_to_string(format!("{}/schemas/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        // The whole-file schema is generated from the sections; the copy in
        // schemas/ (for editors and check-jsonschema) must follow them.
        assert_eq!(
            on_disk, text,
            "schemas/{file} differs from `mon schema {name}`; regenerate it with `cargo run -- schema {name} > schemas/{file}`"
        );
        let json: serde_json::Value = serde_json::from_str(text).unwrap();
        assert!(
            jsonschema::meta::is_valid(&json),
            "{file} is not a valid schema"
        );
        registry = registry
            .add(format!("json-schema:///{file}"), json)
            .unwrap();
    }
    let registry = registry.prepare().unwrap();
    let whole: serde_json::Value = serde_json::from_str(mon::schema::text("mon").unwrap()).unwrap();
    let validator = jsonschema::options()
        .with_base_uri("json-schema:///mon.schema.json")
        .with_registry(&registry)
        .build(&whole)
        .unwrap();
    // The whole-file schema accepts the estate's files (as JSON) and rejects a broken one.
    let loaded = mon::ops::validate::load(&mon::ops::validate::Scope::of(vec![format!(
        "{}/fixtures/estate",
        env!("CARGO_MANIFEST_DIR")
    )
    .into()]))
    .unwrap();
    for (id, file) in loaded.sources.files() {
        let parsed = mon::syntax::parse(id, file);
        for doc in parsed.documents {
            let json = doc.to_json();
            let errors: Vec<String> = validator
                .iter_errors(&json)
                .map(|e| e.to_string())
                .collect();
            assert!(errors.is_empty(), "{}: {errors:?}", file.name);
        }
    }
    assert!(!validator
        .is_valid(&serde_json::json!({"monitor": {"x": {"type": "icmp", "interval": "1s"}}})));
}

#[test]
fn schema_write_puts_every_file_in_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    Command::cargo_bin("mon")
        .unwrap()
        .args(["schema", "--write"])
        .arg(dir.path())
        .assert()
        .code(0);
    let names: Vec<_> = mon::schema::names().collect();
    assert!(names.len() >= 9, "{names:?}");
    for name in names {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(mon::schema::file_name(name))).unwrap(),
            mon::schema::text(name).unwrap()
        );
    }
}

#[test]
fn unknown_schema_name_is_a_usage_error() {
    Command::cargo_bin("mon")
        .unwrap()
        .args(["schema", "monitors"])
        .assert()
        .code(2);
}

#[test]
fn every_schema_property_is_a_model_field_and_back() {
    let full = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/model/full.yaml");
    let loaded = mon::ops::validate::analyze(vec![(
        full.clone(),
        Ok(std::fs::read_to_string(&full).unwrap()),
    )]);
    assert_eq!(loaded.errors(), 0, "the full fixture validates clean");
    let (read, found) = mon::model::fields_read(&loaded.catalog, &loaded.sources);
    assert!(found.is_empty(), "{found:?}");
    let mut schema = std::collections::BTreeSet::new();
    for s in mon::section::Section::ALL {
        schema.extend(support::schema::paths(s.key()));
    }
    let only_schema: Vec<_> = schema.difference(&read).collect();
    let only_model: Vec<_> = read.difference(&schema).collect();
    assert!(
        only_schema.is_empty() && only_model.is_empty(),
        "schema properties the model never reads: {only_schema:#?}\nfields the model reads that no schema declares: {only_model:#?}"
    );
    // And the fixture really sets them all, or the comparison proves less.
    assert!(read.len() > 150, "{} fields", read.len());
}

#[test]
fn monitor_types_and_their_fields_are_the_schemas() {
    use mon::model::ninevolt::Kind;
    let schema: serde_json::Value =
        serde_json::from_str(mon::schema::text("monitor").unwrap()).unwrap();
    let words: Vec<&str> = schema["properties"]["type"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let kinds: Vec<&str> = Kind::ALL.iter().map(|k| k.word()).collect();
    assert_eq!(words, kinds, "the schema's types are the model's kinds");
    let properties = schema["properties"].as_object().unwrap();
    for k in Kind::ALL {
        for f in k.fields() {
            assert!(
                properties.contains_key(*f),
                "{}: `{f}` is no schema property",
                k.word()
            );
        }
    }
    // Every type's own fields are its alone, or the foreign-field warning misleads.
    let mut seen = std::collections::BTreeSet::new();
    for f in Kind::ALL.iter().flat_map(|k| k.fields()) {
        assert!(seen.insert(*f), "`{f}` is declared for two types");
    }
}

/// mon checks definitions with validators jsonschema's macro generates from
/// schemas/ at build time. They must report what jsonschema's runtime
/// validator, compiled from the same files, reports: on the estate and on
/// every definition of the invalid and hostile corpora.
#[test]
fn generated_validators_agree_with_the_runtime_validator() {
    let common: serde_json::Value =
        serde_json::from_str(mon::schema::text("common").unwrap()).unwrap();
    let registry = Registry::new()
        .add("json-schema:///common.schema.json", common)
        .unwrap()
        .prepare()
        .unwrap();
    let runtime: Vec<(mon::catalog::Section, jsonschema::Validator)> = mon::catalog::Section::ALL
        .iter()
        .map(|&s| {
            let schema: serde_json::Value = serde_json::from_str(s.schema()).unwrap();
            let v = jsonschema::options()
                .with_base_uri(format!("json-schema:///{}.schema.json", s.key()))
                .with_registry(&registry)
                .build(&schema)
                .unwrap();
            (s, v)
        })
        .collect();
    // The runtime wraps a refused key's error in PropertyNames; the generated
    // code reports the key's own error. Both say the same thing at one place.
    // The generated code checks a pattern as the format standing for it.
    fn flat(e: &jsonschema::ValidationError) -> (String, String) {
        use jsonschema::error::ValidationErrorKind as K;
        let message = |e: &jsonschema::ValidationError| match e.kind() {
            K::Format { format } => match mon::schema::pattern::of_format(format) {
                Some(p) => format!("{} does not match \"{p}\"", e.instance()),
                None => e.to_string(),
            },
            _ => e.to_string(),
        };
        match e.kind() {
            K::PropertyNames { error } => (e.instance_path().to_string(), message(error)),
            _ => (e.instance_path().to_string(), message(e)),
        }
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut dirs = vec![root.join("estate")];
    for corpus in ["invalid", "hostile"] {
        for entry in std::fs::read_dir(root.join(corpus)).unwrap() {
            dirs.push(entry.unwrap().path());
        }
    }
    let (mut defs, mut invalid) = (0, 0);
    for dir in dirs {
        let loaded =
            mon::ops::validate::load(&mon::ops::validate::Scope::of(vec![dir.clone()])).unwrap();
        for def in loaded.catalog.all() {
            let json = def.node.to_json();
            let validator = &runtime.iter().find(|(s, _)| *s == def.section).unwrap().1;
            let mut want: Vec<_> = validator.iter_errors(&json).map(|e| flat(&e)).collect();
            let mut got: Vec<_> = mon::schema::errors(def.section, &json)
                .iter()
                .map(flat)
                .collect();
            want.sort();
            want.dedup();
            got.sort();
            got.dedup();
            assert_eq!(
                got,
                want,
                "{}: {}/{}",
                dir.display(),
                def.section.key(),
                def.name
            );
            // The validator that reads the tree in place (for large
            // sections) must say the same of every definition.
            assert_eq!(
                IN_PLACE.valid(def),
                Some(want.is_empty()),
                "{}: {}/{}",
                dir.display(),
                def.section.key(),
                def.name
            );
            defs += 1;
            invalid += usize::from(!want.is_empty());
        }
    }
    assert!(
        defs > 100 && invalid > 30,
        "{defs} definitions, {invalid} invalid"
    );
}
