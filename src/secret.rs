//! Secret references (`{env: NAME}`, `{file: PATH}`), resolved only when a
//! value must leave mon (etcd, rendered files, MQTT) and never printed.

use std::path::{Path, PathBuf};

use serde_json::Value;

/// A resolved credential. It cannot be printed by accident: `Debug` and
/// `Display` show `(secret)`; only `expose` gives the value, where it
/// leaves mon (a connection, etcd, a rendered credential file).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Secret {
        Secret(value.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(secret)")
    }
}

impl std::fmt::Display for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("(secret)")
    }
}

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

/// Variables that hold mon's own credentials: a definition naming one
/// would send the operator's password wherever the definition goes.
pub const OWN_CREDENTIALS: &[&str] = &[
    "ETCDCTL_PASSWORD",
    "ETCDCTL_USER",
    "NINEV_ETCD_USERPASS",
    "MON_MQTT_PASSWORD",
];

/// A secret file larger than this is not a secret but a mistake (or
/// `/dev/zero`).
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// Where `{file:}` references may point: the definitions' directories and
/// any `--secrets-dir`. Set once by the command line; when unset, only the
/// naming file's own directory.
static ROOTS: std::sync::OnceLock<Vec<PathBuf>> = std::sync::OnceLock::new();

pub fn allow_roots(roots: Vec<PathBuf>) {
    let canonical = roots
        .into_iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    let _ = ROOTS.set(canonical);
}

/// Resolves a secret value. `base` is the directory relative file paths are
/// taken from (the definition file's).
pub fn resolve(v: &Value, base: &Path) -> Result<String, String> {
    match reference(v) {
        None => v
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "not a string or secret reference".into()),
        Some(Reference::Env(name)) => {
            if OWN_CREDENTIALS.contains(&name) {
                return Err(format!(
                    "{{env: {name}}} names mon's own credential; give this secret a variable of its own"
                ));
            }
            env(name)
        }
        Some(Reference::File(path)) => {
            let full = base.join(path);
            let canonical = std::fs::canonicalize(&full).map_err(|e| {
                format!(
                    "cannot read secret file {}: {}",
                    full.display(),
                    crate::source::io_message(&e)
                )
            })?;
            let own_dir = std::fs::canonicalize(base).ok();
            let roots = ROOTS
                .get()
                .cloned()
                .unwrap_or_else(|| own_dir.into_iter().collect());
            if !roots.iter().any(|r| canonical.starts_with(r)) {
                return Err(format!(
                    "secret file {} is outside the definitions' directories; allow its directory with --secrets-dir (or MON_SECRETS_DIR)",
                    full.display()
                ));
            }
            read_file(&full)
        }
    }
}

pub fn env(name: &str) -> Result<String, String> {
    std::env::var(name).map_err(|e| match e {
        std::env::VarError::NotPresent => format!("environment variable {name} is not set"),
        std::env::VarError::NotUnicode(_) => format!("environment variable {name} is not UTF-8"),
    })
}

/// A secret file: a regular file (a pipe would block, a device never end),
/// at most MAX_FILE_BYTES, UTF-8, its one trailing newline dropped.
pub fn read_file(full: &Path) -> Result<String, String> {
    use std::io::Read;
    let fail = |m: String| format!("cannot read secret file {}: {m}", full.display());
    let meta = std::fs::metadata(full).map_err(|e| fail(crate::source::io_message(&e)))?;
    if !meta.is_file() {
        return Err(fail("not a regular file".into()));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(full)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| fail(crate::source::io_message(&e)))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(format!("larger than {} KiB", MAX_FILE_BYTES / 1024)));
    }
    let text = String::from_utf8(bytes).map_err(|_| fail("not UTF-8".into()))?;
    // Secret files conventionally end with one newline that is not part of the secret.
    Ok(text
        .strip_suffix('\n')
        .map(|t| t.strip_suffix('\r').unwrap_or(t))
        .unwrap_or(&text)
        .to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_never_formats_its_value() {
        let s = Secret::new("hunter2");
        assert_eq!(
            format!("{s} {s:?} {:?}", Some(&s)),
            "(secret) (secret) Some((secret))"
        );
        assert_eq!(s.expose(), "hunter2");
    }
}
