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

/// What a secret reference may name: `{file:}` only under `roots`
/// (canonical; empty means only the naming file's own directory), and
/// `{env:}` never one of mon's own credential variables, nor those
/// `mon.toml` names (`own_env`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Allowed {
    pub roots: Vec<PathBuf>,
    pub own_env: Vec<String>,
}

/// `Allowed`, shared by every secret of a model.
pub type Roots = std::sync::Arc<Allowed>;

/// `dirs` made canonical; a directory that does not exist allows nothing.
pub fn canonical(dirs: impl IntoIterator<Item = PathBuf>) -> Vec<PathBuf> {
    dirs.into_iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect()
}

impl Allowed {
    /// Why `reference` will always be refused, if it will: a fact of the
    /// definition, known without resolving anything.
    pub fn refuses(&self, v: &Value, base: &Path) -> Option<String> {
        self.refuses_via(reference(v)?, base, &mut |p| std::fs::canonicalize(p).ok())
    }

    /// `refuses` for a reference already read, with `canonical` making paths canonical: a load
    /// asks about the same few files thousands of times.
    pub fn refuses_via(
        &self,
        r: Reference,
        base: &Path,
        canonical: &mut dyn FnMut(&Path) -> Option<PathBuf>,
    ) -> Option<String> {
        match r {
            Reference::Env(name) => self.own(name).then(|| {
                format!("{{env: {name}}} names mon's own credential; give this secret a variable of its own")
            }),
            Reference::File(path) => {
                let full = base.join(path);
                let file = canonical(&full)?;
                let inside = if self.roots.is_empty() {
                    canonical(base).is_some_and(|own| file.starts_with(own))
                } else {
                    self.roots.iter().any(|r| file.starts_with(r))
                };
                (!inside).then(|| {
                    format!(
                        "secret file {} is outside the definitions' directories; allow its directory with --secrets-dir (or MON_SECRETS_DIR)",
                        full.display()
                    )
                })
            }
        }
    }

    fn own(&self, name: &str) -> bool {
        OWN_CREDENTIALS.contains(&name) || self.own_env.iter().any(|n| n == name)
    }
}

/// Resolves a secret value. `base` is the directory relative file paths are
/// taken from (the definition file's).
pub fn resolve(v: &Value, base: &Path, allowed: &Allowed) -> Result<String, String> {
    if let Some(why) = allowed.refuses(v, base) {
        return Err(why);
    }
    match reference(v) {
        None => v
            .as_str()
            .map(str::to_string)
            .ok_or_else(|| "not a string or secret reference".into()),
        Some(Reference::Env(name)) => env(name),
        Some(Reference::File(path)) => {
            let full = base.join(path);
            std::fs::canonicalize(&full).map_err(|e| {
                format!(
                    "cannot read secret file {}: {}",
                    full.display(),
                    crate::source::io_message(&e)
                )
            })?;
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

/// Replaces every known secret value wherever it appears in shown text, in
/// one pass over the text whatever the number of secrets (Aho-Corasick):
/// testing each string against each secret made 30,000 tokens quadratic.
#[derive(Default)]
pub struct Redactor(Option<aho_corasick::AhoCorasick>);

impl Redactor {
    /// Secrets shorter than `min` are left out: they would redact ordinary
    /// words, and fields named as secrets are masked by name anyway.
    pub fn new<S: AsRef<str>>(values: impl IntoIterator<Item = S>, min: usize) -> Redactor {
        let values: Vec<String> = values
            .into_iter()
            .map(|s| s.as_ref().to_string())
            .filter(|s| !s.is_empty() && s.len() >= min)
            .collect();
        if values.is_empty() {
            return Redactor(None);
        }
        // Leftmost-longest: a secret that contains another is replaced whole.
        Redactor(
            aho_corasick::AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .build(values)
                .ok(),
        )
    }

    /// Whether `s` holds any of the secrets.
    pub fn finds(&self, s: &str) -> bool {
        self.0.as_ref().is_some_and(|ac| ac.is_match(s))
    }

    /// The text with each secret replaced by `(secret)`.
    pub fn text(&self, s: &str) -> Option<String> {
        let ac = self.0.as_ref()?;
        if !ac.is_match(s) {
            return None;
        }
        let mut out = String::with_capacity(s.len());
        ac.replace_all_with(s, &mut out, |_, _, dst| {
            dst.push_str("(secret)");
            true
        });
        Some(out)
    }

    /// Every string inside a JSON value, redacted in place.
    pub fn value(&self, v: &mut Value) {
        match v {
            Value::String(s) => {
                if let Some(r) = self.text(s) {
                    *s = r;
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| self.value(i)),
            Value::Object(map) => map.values_mut().for_each(|i| self.value(i)),
            _ => {}
        }
    }
}
