//! The two readers of an env file: systemd's `EnvironmentFile=` parser, as
//! the reference describes it, and a real shell sourcing the file.

use std::process::Command;

/// A value as systemd's `EnvironmentFile=` parser reads it (reference
/// dozor-conveyer-collectd.md §2.5): blanks trimmed, quotes at the start
/// undone, backslashes outside quotes dropped, a trailing one joining lines.
pub fn systemd_env(text: &str) -> std::collections::BTreeMap<String, String> {
    let mut vars = std::collections::BTreeMap::new();
    let joined = text.replace("\\\n", "");
    for line in joined.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') || line.starts_with(';') {
            continue;
        }
        let Some((k, v)) = line.split_once('=') else {
            continue;
        };
        let v = v.trim();
        let value = match v.chars().next() {
            Some(q @ ('"' | '\'')) if v.len() >= 2 && v.ends_with(q) => {
                v[1..v.len() - 1].to_string()
            }
            _ => {
                let mut out = String::new();
                let mut chars = v.chars();
                while let Some(c) = chars.next() {
                    if c == '\\' {
                        out.extend(chars.next());
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        };
        vars.insert(k.trim().to_string(), value);
    }
    vars
}

/// The same file sourced by a shell with `set -a`, each variable printed back.
pub fn shell_env(text: &str, names: &[&str]) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("x.env");
    std::fs::write(&f, text).unwrap();
    let script = format!(
        "set -a; . {}; {}",
        f.display(),
        names
            .iter()
            .map(|n| format!("printf '%s\\0' \"${n}\";"))
            .collect::<String>()
    );
    let out = Command::new("sh")
        .arg("-c")
        .arg(script)
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split('\0')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}
