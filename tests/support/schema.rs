//! The schemas' property paths, for tests that hold something to every field.

/// Every property path of a section's schema (`cluster/resources/*/exec`),
/// following `$ref`s, `allOf`, `oneOf` and `if/then`; `anyOf` marks a value
/// of several forms (a secret, a collectd option), a leaf.
pub fn paths(section: &str) -> std::collections::BTreeSet<String> {
    fn load(name: &str) -> serde_json::Value {
        serde_json::from_str(mon::schema::text(name).unwrap()).unwrap()
    }
    fn walk(
        v: &serde_json::Value,
        file: &serde_json::Value,
        path: &str,
        out: &mut std::collections::BTreeSet<String>,
    ) {
        if let Some(r) = v.get("$ref").and_then(|r| r.as_str()) {
            let (doc, pointer) = r.split_once('#').unwrap();
            let other = if doc.is_empty() {
                file.clone()
            } else {
                load(doc)
            };
            let target = other.pointer(pointer).unwrap().clone();
            return walk(&target, &other, path, out);
        }
        if let Some(props) = v.get("properties").and_then(|p| p.as_object()) {
            for (k, sub) in props {
                let p = format!("{path}/{k}");
                out.insert(p.clone());
                walk(sub, file, &p, out);
            }
        }
        if let Some(extra) = v.get("additionalProperties").filter(|a| a.is_object()) {
            let p = format!("{path}/*");
            out.insert(p.clone());
            walk(extra, file, &p, out);
        }
        if let Some(items) = v.get("items").filter(|i| i.get("properties").is_some()) {
            walk(items, file, &format!("{path}/*"), out);
        }
        for key in ["allOf", "oneOf"] {
            for sub in v.get(key).and_then(|a| a.as_array()).into_iter().flatten() {
                walk(sub, file, path, out);
            }
        }
        if let Some(then) = v.get("then") {
            walk(then, file, path, out);
        }
    }
    let mut out = std::collections::BTreeSet::new();
    let root = load(section);
    walk(&root, &root, section, &mut out);
    // A named property beside `*` (an option `then` names) is one of the `*`.
    let all = out.clone();
    out.retain(|p| {
        let parent = p.rsplit_once('/').map_or("", |(a, _)| a);
        p.ends_with("/*") || !all.contains(&format!("{parent}/*"))
    });
    out
}
