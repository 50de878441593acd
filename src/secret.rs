//! Secret references (`{env: NAME}`, `{file: PATH}`), resolved only when a
//! value must leave mon (etcd, rendered files, MQTT) and never printed.

use std::path::Path;

use serde_json::Value;

/// A reference, or None for a literal value.
pub fn reference(v: &Value) -> Option<Reference<'_>> {
    let obj = v.as_object()?;
    if obj.len() != 1 {
        return None;
    }
    match (
        obj.get("env").and_then(Value::as_str),
        obj.get("file").and_then(Value::as_str),
    ) {
        (Some(name), _) => Some(Reference::Env(name)),
        (_, Some(path)) => Some(Reference::File(path)),
        _ => None,
    }
}

pub enum Reference<'a> {
    Env(&'a str),
    File(&'a str),
}

/// Resolves a secret value. `base` is the directory relative file paths are
/// taken from (the definition file's).
pub fn resolve(v: &Value, base: &Path) -> Result<String, String> {
    match reference(v) {
        None => v
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "not a string or secret reference".into()),
        Some(Reference::Env(name)) => std::env::var(name).map_err(|e| match e {
            std::env::VarError::NotPresent => format!("environment variable {name} is not set"),
            std::env::VarError::NotUnicode(_) => {
                format!("environment variable {name} is not UTF-8")
            }
        }),
        Some(Reference::File(path)) => {
            let full = base.join(path);
            let text = std::fs::read_to_string(&full).map_err(|e| {
                format!(
                    "cannot read secret file {}: {}",
                    full.display(),
                    crate::source::io_message(&e)
                )
            })?;
            // Secret files conventionally end with one newline that is not part of the secret.
            Ok(text
                .strip_suffix('\n')
                .map(|t| t.strip_suffix('\r').unwrap_or(t))
                .unwrap_or(&text)
                .to_string())
        }
    }
}
