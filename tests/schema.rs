//! The published schemas: valid draft 2020-12, consistent with each other,
//! and agreeing with `mon validate` on the example estate.

use assert_cmd::Command;
use jsonschema::Registry;

#[test]
fn every_schema_file_is_printed_and_the_whole_file_schema_compiles() {
    let mut registry = Registry::new();
    for (name, file, text) in mon::schema::FILES {
        let printed = Command::cargo_bin("mon")
            .unwrap()
            .args(["schema", name])
            .output()
            .unwrap();
        assert_eq!(printed.status.code(), Some(0));
        assert_eq!(String::from_utf8_lossy(&printed.stdout), *text, "{name}");
        let on_disk =
            std::fs::read_to_string(format!("{}/schemas/{file}", env!("CARGO_MANIFEST_DIR")))
                .unwrap();
        assert_eq!(on_disk, *text);
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
    let loaded =
        mon::ops::validate::load(&[
            format!("{}/fixtures/estate", env!("CARGO_MANIFEST_DIR")).into()
        ])
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
    for (_, file, text) in mon::schema::FILES {
        assert_eq!(
            std::fs::read_to_string(dir.path().join(file)).unwrap(),
            *text
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
