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
    /// `dir` if there is one.
    pub fn load(dir: Option<&Path>) -> Result<Templates, String> {
        let mut env = Environment::new();
        env.set_undefined_behavior(UndefinedBehavior::Strict);
        env.set_keep_trailing_newline(true);
        env.add_filter("cq", |s: String| collectd_quote(&s));
        env.add_filter("lua", |s: String| lua_string(&s));
        env.add_filter("sh", |s: String| shell_quote(&s));
        for (name, text) in super::TEMPLATES {
            let source = match dir.map(|d| d.join(name)).filter(|p| p.exists()) {
                Some(p) => std::fs::read_to_string(&p).map_err(|e| {
                    format!(
                        "template {}: {}",
                        p.display(),
                        crate::source::io_message(&e)
                    )
                })?,
                None => text.to_string(),
            };
            env.add_template_owned(name.to_string(), source)
                .map_err(|e| format!("template {name}: {e}"))?;
        }
        Ok(Templates { env })
    }

    pub fn render(&self, name: &str, ctx: Value) -> Result<String, String> {
        let t = self.env.get_template(name).map_err(|e| e.to_string())?;
        t.render(ctx).map_err(|e| format!("template {name}: {e:#}"))
    }
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
