//! The embedded templates, overridable from a directory, with escaping
//! filters for each output format. Undefined variables are errors.

use std::path::Path;

use minijinja::{Environment, UndefinedBehavior, Value};

pub struct Templates {
    env: Environment<'static>,
}

/// A collectd.conf string: always quoted, `\` and `"` escaped (validation has
/// already refused control characters).
pub fn collectd_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A number as collectd's parser reads it back: plain decimal.
fn collectd_number(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f:?}")
    }
}

/// A value as collectd.conf needs it: strings quoted, numbers in plain
/// decimal, booleans bare.
fn collectd_value(v: Value) -> Result<String, minijinja::Error> {
    use minijinja::value::ValueKind;
    match v.kind() {
        ValueKind::String => Ok(collectd_quote(v.as_str().unwrap_or_default())),
        ValueKind::Bool => Ok(v.is_true().to_string()),
        ValueKind::Number => Ok(match i64::try_from(v.clone()) {
            Ok(i) => i.to_string(),
            Err(_) => collectd_number(f64::try_from(v)?),
        }),
        _ => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("`cv` takes a string, number or boolean, not {v}"),
        )),
    }
}

/// A Lua string literal that reads back as exactly `s`.
pub fn lua_string(s: &str) -> String {
    let mut out = String::from("\"");
    for b in s.bytes() {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            0x20..=0x7e => out.push(b as char),
            // Everything else as a decimal byte escape, UTF-8 included.
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

/// A single-quoted POSIX shell word.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', "'\\''"))
}

impl Templates {
    /// The embedded templates, each replaced by a file of the same name in
    /// `dir` if there is one. A `dir` that is not a directory, or that holds
    /// a file no template is named (a misspelling would silently leave the
    /// embedded one in use), is an error.
    pub fn load(dir: Option<&Path>) -> Result<Templates, String> {
        if let Some(d) = dir {
            overrides_known(d)?;
        }
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.add_filter("cq", |s: String| collectd_quote(&s));
        env.add_filter("cv", collectd_value);
        env.add_filter("lua", |s: String| lua_string(&s));
        env.add_filter("sh", |s: String| shell_quote(&s));
        for (name, text) in super::TEMPLATES {
            let source = match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(p) => crate::source::read(&p)
                    .map_err(|e| format!("template {}: {}", p.display(), e.message))?,
                None => text.to_string(),
            };
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| format!("template {name}: {e}"))?;
        }
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, String> {
        let t = self.env.get_template(name).map_err(|e| e.to_string())?;
        t.render(ctx.clone()).map_err(|e| {
            // minijinja says "undefined value" without the name: find it.
            let undefined = match e.kind() {
                minijinja::ErrorKind::UndefinedError => t
                    .undeclared_variables(false)
                    .into_iter()
                    .filter(|v| ctx.get_attr(v).is_ok_and(|x| x.is_undefined()))
                    .collect::<Vec<_>>(),
                _ => Vec::new(),
            };
            match undefined.is_empty() {
                true => format!("template {name}: {e:#}"),
                false => format!(
                    "template {name}: `{}` is not a variable mon gives this template:\n{e:#}",
                    undefined.join("`, `")
                ),
            }
        })
    }
}

/// Every file in a templates directory must replace an embedded template.
fn overrides_known(dir: &Path) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        format!(
            "--templates {}: {}",
            dir.display(),
            crate::source::io_message(&e)
        )
    })?;
    let names = super::TEMPLATES.iter().map(|(n, _)| *n);
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        if file.starts_with('.') || names.clone().any(|n| n == file) {
            continue;
        }
        let hint = crate::diagnostic::did_you_mean(&file, names.clone())
            .map(|s| format!("did you mean `{s}`?"))
            .unwrap_or_else(|| {
                format!(
                    "templates are: {}",
                    names.clone().collect::<Vec<_>>().join(", ")
                )
            });
        return Err(format!(
            "--templates {}: `{file}` replaces no template; {hint}",
            dir.display()
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn escaping() {
        assert_eq!(collectd_quote(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(lua_string("a\"\\\né"), "\"a\\\"\\\\\\010\\195\\169\"");
        assert_eq!(shell_quote("it's"), "'it'\\''s'");
    }
}
