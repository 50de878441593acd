//! collectd itself as the judge of a collectd.conf (reference
//! dozor-conveyer-collectd.md §3.3-§3.7): Debian's `collectd -T` loads the
//! file, runs each plugin's config callback and exits non-zero on many
//! errors; others only show as `[error]` lines, so both are read.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

pub enum CheckError {
    /// collectd refused the file; the text says why.
    Rejected(String),
    /// collectd could not be run at all.
    Unavailable(String),
}

/// Runtime-only noise that `-T` logs while it really connects and reads.
const NOISE: &[&str] = &[
    "No write callback has been registered",
    "Connecting to",
    "Network is unreachable",
    "getaddrinfo",
    "Filter subsystem",
];

pub fn collectd_binary() -> Option<PathBuf> {
    ["/usr/sbin/collectd", "/opt/collectd/sbin/collectd"]
        .iter()
        .map(PathBuf::from)
        .find(|p| p.exists())
}

/// Rewrites the file for stock collectd: the fork-only `<Module>` blocks of
/// `<Plugin lua>` go, `BasePath` points at `lua_dir`, where every `Script`
/// gets a stub (the stock lua plugin runs scripts at load time).
pub fn for_stock_collectd(text: &str, lua_dir: &Path) -> std::io::Result<String> {
    let mut out = String::new();
    let mut in_lua = false;
    let mut in_module = false;
    for line in text.lines() {
        let t = line.trim();
        let lower = t.to_ascii_lowercase();
        if lower.starts_with("<plugin lua>") || lower.starts_with("<plugin \"lua\">") {
            in_lua = true;
        } else if in_lua && lower.starts_with("</plugin>") {
            in_lua = false;
        } else if in_lua && lower.starts_with("<module") {
            // Blank, not gone: collectd's line numbers stay the file's own.
            in_module = true;
            out.push('\n');
            continue;
        } else if in_module {
            if lower.starts_with("</module>") {
                in_module = false;
            }
            out.push('\n');
            continue;
        } else if in_lua && lower.starts_with("basepath") {
            out.push_str(&format!("  BasePath \"{}\"\n", lua_dir.display()));
            continue;
        } else if in_lua && lower.starts_with("script") {
            if let Some(rel) = t
                .split_once('"')
                .and_then(|(_, r)| r.rsplit_once('"'))
                .map(|(r, _)| r)
            {
                if !rel.contains("..") {
                    // Scripts are found under BasePath; an absolute one is moved there.
                    let stub = lua_dir.join(rel.trim_start_matches('/'));
                    if let Some(parent) = stub.parent() {
                        std::fs::create_dir_all(parent)?;
                    }
                    std::fs::write(&stub, "-- stub written by mon's check\n")?;
                    if rel.starts_with('/') {
                        out.push_str(&format!("  Script \"{}\"\n", rel.trim_start_matches('/')));
                        continue;
                    }
                }
            }
        }
        out.push_str(line);
        out.push('\n');
    }
    Ok(out)
}

/// Tags of collectd's lines that say how it went, not what is wrong: shown
/// only with `-v`.
const QUIET: &[&str] = &["[info]", "[notice]", "[debug]", "successfully loaded"];

/// Lines of collectd's output that only repeat that something failed; the
/// line before them says what.
const GENERIC: &[&str] = &[
    "Parsing the config file failed",
    "yyparse returned error",
    "Unable to read config file",
    "configfile: Cannot read file",
];

/// Lines mon puts before the user's text: collectd's line numbers are
/// reported less these, so they are the user's file's own.
const HEADER_LINES: usize = 2;

/// collectd's messages about the scratch copy, told about `name`: its path
/// replaced by `name` and line numbers by the file's own.
fn as_users(line: &str, scratch: &str, name: &str) -> String {
    let line = line.replace(scratch, name);
    let Some(at) = line.find(", line ") else {
        return line;
    };
    let digits: String = line[at + 7..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    match digits.parse::<usize>() {
        Ok(n) => format!(
            "{}, line {}{}",
            &line[..at],
            n.saturating_sub(HEADER_LINES).max(1),
            &line[at + 7 + digits.len()..]
        ),
        Err(_) => line,
    }
}

/// Checks a collectd.conf with `collectd -T` in a scratch directory, without
/// network access where possible (it really connects and runs programs).
/// Messages name the file `name` and its own line numbers.
/// `info`: show collectd's `[info]` and `[notice]` lines among the reasons
/// too (`-v`); by default only what says what is wrong.
pub fn check_config(text: &str, name: &str, info: bool) -> Result<(), CheckError> {
    let binary = collectd_binary().ok_or_else(|| {
        CheckError::Unavailable(
            "collectd is not installed (apt-get install collectd-core liblua5.3-0)".into(),
        )
    })?;
    let dir = tempfile::tempdir().map_err(|e| CheckError::Unavailable(e.to_string()))?;
    let lua = dir.path().join("lua");
    std::fs::create_dir_all(&lua).map_err(|e| CheckError::Unavailable(e.to_string()))?;
    let body =
        for_stock_collectd(text, &lua).map_err(|e| CheckError::Unavailable(e.to_string()))?;
    let conf = dir.path().join("collectd.conf");
    // HEADER_LINES lines before the user's text.
    let header = format!(
        "BaseDir \"{0}/base\"\nPIDFile \"{0}/collectd.pid\"\n",
        dir.path().display()
    );
    std::fs::write(&conf, header + &body).map_err(|e| CheckError::Unavailable(e.to_string()))?;

    let isolate = is_root() && Path::new("/usr/bin/unshare").exists();
    let mut cmd = if isolate {
        let mut c = Command::new("/usr/bin/unshare");
        c.arg("-n").arg(&binary);
        c
    } else {
        Command::new(&binary)
    };
    cmd.arg("-T")
        .arg("-C")
        .arg(&conf)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd
        .spawn()
        .map_err(|e| CheckError::Unavailable(format!("cannot run {}: {e}", binary.display())))?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() > deadline => {
                let _ = child.kill();
                return Err(CheckError::Rejected(
                    "collectd -T did not finish within 30 s".into(),
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(CheckError::Unavailable(e.to_string())),
        }
    };
    let mut stdout = String::new();
    let mut stderr = String::new();
    if let Some(mut o) = child.stdout.take() {
        let _ = o.read_to_string(&mut stdout);
    }
    if let Some(mut e) = child.stderr.take() {
        let _ = e.read_to_string(&mut stderr);
    }
    // Every line collectd wrote but runtime noise and its generic "failed"
    // lines: the reason (`plugin_load: Could not find plugin "x"`,
    // `configfile: Global option ...`) carries no `[error]` tag.
    let scratch = conf.display().to_string();
    let said: Vec<String> = stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .filter(|l| !NOISE.iter().any(|n| l.contains(n)))
        .filter(|l| info || !QUIET.iter().any(|q| l.contains(q)))
        .map(|l| as_users(l, &scratch, name))
        // Any other path of the scratch directory (BaseDir, the Lua stubs).
        .map(|l| l.replace(&dir.path().display().to_string(), "(mon's check)"))
        .collect();
    let reasons: Vec<&str> = said
        .iter()
        .map(String::as_str)
        .filter(|l| !GENERIC.iter().any(|g| l.contains(g)))
        .collect();
    let errors = said
        .iter()
        .any(|l| l.contains("[error]") || l.contains("Error:") || l.starts_with("Parse error"));
    if !status.success() || errors {
        let shown = match reasons.is_empty() {
            true => said.join("\n"),
            false => reasons.join("\n"),
        };
        return Err(CheckError::Rejected(shown));
    }
    if !stdout.trim().is_empty() {
        return Err(CheckError::Rejected(format!(
            "collectd's lexer dropped characters it could not read: {}",
            stdout.trim()
        )));
    }
    Ok(())
}

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}
