//! `mon import`: an existing estate into definition files. Each source
//! (etcd, a hastmon.conf, lua-collectd-monitor's config.json) turns into an
//! `Import`: files to write and notes about what could not be carried over
//! as it was. Writing refuses to replace files unless asked, and is atomic
//! per file; secrets go to a mode-0600 env file, never into definitions.

/// A line to the operator; a closed stderr is no reason to stop.
/// One line of the import's report. It quotes keys, paths and names from
/// the files and etcd being imported, which may hold ESC or CR: the line
/// is escaped whole, so none reaches the terminal raw.
macro_rules! say {
    ($w:expr, $($t:tt)*) => {{
        let line = format!($($t)*);
        let _ = writeln!($w, "{}", crate::report::shown(&line));
    }};
}

pub mod collectd;
pub mod collectd_conf;
pub mod conveyer;
pub mod def;
pub mod etcd;
pub mod hastmon;
pub mod yaml;

use std::path::{Path, PathBuf};

/// One file to write, relative to the output directory.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub path: PathBuf,
    pub content: String,
    pub mode: u32,
}

/// Something the import could not carry over as it was, with where it came
/// from (an etcd key, `file:line`).
#[derive(Debug, Clone, PartialEq)]
pub struct Note {
    pub source: String,
    pub message: String,
    /// True when the value was left out of the definitions altogether.
    pub left_out: bool,
}

/// A secret taken out of a definition: the variable its `{env: NAME}`
/// reference names, and the value (written only to the env file).
#[derive(Clone, PartialEq)]
pub struct Secret {
    pub var: String,
    pub value: String,
    pub source: String,
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Secret({} from {})", self.var, self.source)
    }
}

#[derive(Debug, Default)]
pub struct Import {
    pub files: Vec<File>,
    pub notes: Vec<Note>,
    pub secrets: Vec<Secret>,
    /// Definitions written, by what they are ("monitors"), for the summary.
    pub counts: std::collections::BTreeMap<&'static str, usize>,
}

impl Import {
    /// Another import's files, notes, secrets and counts added to this
    /// one's. A secret variable both name with different values, or a file
    /// both write, is an error.
    pub fn merge(&mut self, other: Import) -> Result<(), String> {
        for s in other.secrets {
            match self.secrets.iter().find(|m| m.var == s.var) {
                Some(m) if m.value != s.value => {
                    return Err(format!(
                        "{} and {} both need the variable {} with different values",
                        m.source, s.source, s.var
                    ))
                }
                Some(_) => {}
                None => self.secrets.push(s),
            }
        }
        for f in other.files {
            if self.files.iter().any(|m| m.path == f.path) {
                return Err(format!("two hosts would both write {}", f.path.display()));
            }
            self.files.push(f);
        }
        self.notes.extend(other.notes);
        for (k, n) in other.counts {
            *self.counts.entry(k).or_default() += n;
        }
        Ok(())
    }
}

/// The env file holding the secrets taken out of the definitions.
pub const SECRETS_FILE: &str = "secrets.env";

/// `s` with every character but ASCII letters and digits made `_` (or
/// `-`), for names built from other names.
pub fn slug(s: &str, other: char) -> String {
    s.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { other })
        .collect()
}

/// Secret variable names given out so far, and per base name the next
/// suffix to try: names that differ only in `-`, `_` and `.` share a base,
/// and probing each from `_2` made 19,683 such alerters quadratic.
#[derive(Default)]
pub struct Taken {
    names: std::collections::HashSet<String>,
    next: std::collections::HashMap<String, usize>,
}

/// A variable name for a secret: upper case, `[A-Z0-9_]`, starting with a
/// letter, unique among `taken`.
pub fn secret_var(parts: &[&str], taken: &mut Taken) -> String {
    let mut base = slug(&parts.join("_"), '_').to_ascii_uppercase();
    if !base.starts_with(|c: char| c.is_ascii_alphabetic()) {
        base.insert_str(0, "S_");
    }
    let mut var = base.clone();
    while taken.names.contains(&var) {
        let n = taken.next.entry(base.clone()).or_insert(2);
        var = format!("{base}_{n}");
        *n += 1;
    }
    taken.names.insert(var.clone());
    var
}

impl Import {
    /// The env file for `set -a; . ./secrets.env; set +a` (and systemd's
    /// `EnvironmentFile=`): one single-quoted assignment per secret, after
    /// those of `existing` (a secrets.env an earlier import wrote).
    pub fn secrets_file(&self, existing: &[(String, String)]) -> Option<File> {
        if self.secrets.is_empty() {
            return None;
        }
        let mut content = String::from(
            "# Secrets taken out of the imported definitions, which name them as {env: NAME}.\n\
             # Keep this file out of version control; load it with: set -a; . ./secrets.env; set +a\n",
        );
        let new = self.secrets.iter().map(|s| (&s.var, &s.value));
        let mut seen = std::collections::BTreeSet::new();
        for (var, value) in existing.iter().map(|(k, v)| (k, v)).chain(new) {
            if seen.insert(var.clone()) {
                content.push_str(&format!("{var}='{}'\n", value.replace('\'', "'\\''")));
            }
        }
        Some(File {
            path: PathBuf::from(SECRETS_FILE),
            content,
            mode: 0o600,
        })
    }
}

/// The assignments of a secrets.env mon wrote (`NAME='value'`, `'\''` for
/// a quote; comments and blank lines skipped). A line in another form is
/// an error with its number: mon does not guess at a file of credentials.
pub fn read_secrets(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let parsed = line.split_once('=').and_then(|(name, rest)| {
            let named =
                !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
            let inner = rest.strip_prefix('\'')?.strip_suffix('\'')?;
            // Any quote but the `'\''` escape would end the word early.
            let escaped = "'\\''";
            (named && !inner.replace(escaped, "").contains('\''))
                .then(|| (name.to_string(), inner.replace(escaped, "'")))
        });
        match parsed {
            Some(p) => out.push(p),
            None => {
                return Err(format!(
                    "line {} is not NAME='value' as mon writes it",
                    n + 1
                ))
            }
        }
    }
    Ok(out)
}

impl WriteError {
    /// Says why nothing was written; the exit code (3).
    pub fn report(&self, err: &mut dyn std::io::Write) -> crate::exit::Exit {
        match self {
            WriteError::Exists(paths) => {
                for p in paths {
                    say!(err, "error: {} exists already", p.display());
                }
                say!(err, "nothing was written: choose another --out directory (an import adds new files to one), or pass --force to replace these files");
            }
            WriteError::SecretsDiffer(vars) => say!(
                err,
                "error: secrets.env already holds {} with another value; nothing was written (pass --force to replace those values)",
                vars.join(", ")
            ),
            WriteError::Io(m) => say!(err, "error: {m}"),
        }
        crate::exit::Exit::Io
    }
}

/// Temporary files are named `.mon-import-<pid>-...`.
const STAGED: &str = ".mon-import-";

/// Temporaries a killed import left in `dir`: those whose process is gone
/// (an import under way keeps its own). No lock file is left behind in a
/// directory of definitions that is about to be committed.
fn remove_stale(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = name
            .strip_prefix(STAGED)
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<i32>().ok())
        else {
            continue;
        };
        // SAFETY: signal 0 only asks whether the process exists.
        let gone = unsafe { libc::kill(pid, 0) } != 0
            && std::io::Error::last_os_error().raw_os_error() == Some(libc::ESRCH);
        if gone && e.file_type().is_ok_and(|t| t.is_file()) {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Why the files were not written.
#[derive(Debug)]
pub enum WriteError {
    /// Files that exist already (without `force`): nothing was written.
    Exists(Vec<PathBuf>),
    /// Variables secrets.env already holds with another value (without
    /// `force`): nothing was written.
    SecretsDiffer(Vec<String>),
    Io(String),
}

/// Writes every file under `out`. Without `force`, any file that exists
/// already stops the import before anything is written. Each file is
/// written to a temporary file beside it and renamed into place.
pub fn write(out: &Path, files: &[File], force: bool) -> Result<Vec<PathBuf>, WriteError> {
    let targets: Vec<PathBuf> = files.iter().map(|f| out.join(&f.path)).collect();
    if !force {
        let existing: Vec<PathBuf> = targets
            .iter()
            .filter(|p| p.symlink_metadata().is_ok())
            .cloned()
            .collect();
        if !existing.is_empty() {
            return Err(WriteError::Exists(existing));
        }
    }
    for (f, target) in files.iter().zip(&targets) {
        let dir = target.parent().unwrap_or(out);
        let io = |e: std::io::Error| {
            WriteError::Io(format!(
                "{}: {}",
                target.display(),
                crate::source::io_message(&e)
            ))
        };
        std::fs::create_dir_all(dir).map_err(io)?;
        remove_stale(dir);
        let mut t = tempfile::Builder::new()
            .prefix(&format!("{STAGED}{}-", std::process::id()))
            .tempfile_in(dir)
            .map_err(io)?;
        std::io::Write::write_all(&mut t, f.content.as_bytes()).map_err(io)?;
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(f.mode))
                .map_err(io)?;
        }
        t.persist(target).map_err(|e| io(e.error))?;
    }
    Ok(targets)
}

/// Where `mon render <system>` put its files under `dir` (`dir/<system>`
/// when `dir` is the render's output, else `dir`), and the subdirectories
/// there that `keep` accepts, sorted: one per host, daemon or cluster.
pub fn rendered(
    dir: &Path,
    system: &str,
    keep: impl Fn(&Path) -> bool,
) -> Result<(PathBuf, Vec<PathBuf>), String> {
    let root = match dir.join(system) {
        d if d.is_dir() => d,
        _ => dir.to_path_buf(),
    };
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map_err(|e| format!("{}: {}", root.display(), crate::source::io_message(&e)))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| keep(p))
        .collect();
    dirs.sort();
    Ok((root, dirs))
}

/// What `mon validate OUT` reads: the directory, with its own mon.toml (an
/// etcd import writes one) as the settings in use.
fn scope_of(out: &Path) -> crate::ops::validate::Scope {
    let mut scope = crate::ops::validate::Scope::of(vec![out.to_path_buf()]);
    scope.settings = Some(out.join("mon.toml")).filter(|t| t.is_file());
    scope
}

/// The brokers the definitions already in `out` define, by the address a
/// connection reaches (`Broker::address`): an import reuses one of them
/// rather than defining the same broker twice (E0204, E0609).
pub fn known_brokers(out: &Path) -> Vec<(String, (String, u16))> {
    if !out.is_dir() {
        return Vec::new();
    }
    match crate::ops::validate::load(&scope_of(out)) {
        Ok(loaded) => loaded
            .model
            .brokers
            .values()
            .map(|b| (b.name.clone(), b.address()))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// The secrets an earlier import left in `<out>/secrets.env`, if any.
fn existing_secrets(out: &Path) -> Result<Vec<(String, String)>, WriteError> {
    let path = out.join(SECRETS_FILE);
    if std::fs::symlink_metadata(&path).is_err() {
        return Ok(Vec::new());
    }
    let text = crate::source::read_named(&path).map_err(WriteError::Io)?;
    read_secrets(&text).map_err(|e| {
        WriteError::Io(format!(
            "{}: {e}; nothing was written (fix or move it, then import again)",
            path.display()
        ))
    })
}

/// The line in `<out>/.gitignore` that keeps the secrets file out of
/// version control, beside the definitions the operator is about to commit.
pub const GITIGNORE_LINE: &str = "/secrets.env";

/// Adds `GITIGNORE_LINE` to `<out>/.gitignore` unless it is there (a file
/// the operator keeps gains one line; none is made with it). Returns the
/// file when it was changed.
fn keep_out_of_git(out: &Path) -> Result<Option<PathBuf>, String> {
    let path = out.join(".gitignore");
    let fail = |e: String| format!("{}: {e}", path.display());
    let now = match std::fs::symlink_metadata(&path) {
        Ok(_) => crate::source::read(&path).map_err(|e| fail(e.message))?,
        Err(_) => String::new(),
    };
    let listed = now
        .lines()
        .map(str::trim)
        .any(|l| l == GITIGNORE_LINE || l == SECRETS_FILE);
    if listed {
        return Ok(None);
    }
    let mut next = now;
    if !next.is_empty() && !next.ends_with('\n') {
        next.push('\n');
    }
    next.push_str("# Credentials taken out by `mon import`: never committed.\n");
    next.push_str(GITIGNORE_LINE);
    next.push('\n');
    let file = File {
        path: ".gitignore".into(),
        content: next,
        mode: 0o644,
    };
    write(out, &[file], true).map_err(|e| match e {
        WriteError::Io(m) => m,
        other => format!("{other:?}"),
    })?;
    Ok(Some(path))
}

/// What an import wrote, and what `mon validate` says of it.
pub struct Outcome {
    pub written: Vec<PathBuf>,
    pub loaded: crate::ops::validate::Loaded,
}

/// Writes the import (with its secrets file unless `keep_secrets` is
/// false) and validates what was written.
pub fn finish(
    imp: &Import,
    out: &Path,
    force: bool,
    keep_secrets: bool,
) -> Result<Outcome, WriteError> {
    let mut t = crate::timings::Phases::start();
    let files = imp.files.clone();
    let mut merged = None;
    if keep_secrets && !imp.secrets.is_empty() {
        // Imports add to a directory: an earlier import's credentials stay.
        let existing = existing_secrets(out)?;
        let differ: Vec<String> = imp
            .secrets
            .iter()
            .filter(|s| existing.iter().any(|(k, v)| *k == s.var && *v != s.value))
            .map(|s| s.var.clone())
            .collect();
        if !differ.is_empty() && !force {
            return Err(WriteError::SecretsDiffer(differ));
        }
        // With --force the new values win.
        let kept: Vec<(String, String)> = existing
            .into_iter()
            .filter(|(k, _)| !imp.secrets.iter().any(|s| s.var == *k))
            .collect();
        merged = imp.secrets_file(&kept);
    }
    let mut written = write(out, &files, force)?;
    if let Some(f) = merged {
        written.extend(write(out, &[f], true)?);
    }
    if keep_secrets && !imp.secrets.is_empty() {
        written.extend(keep_out_of_git(out).map_err(WriteError::Io)?);
    }
    t.done("write");
    let loaded = crate::ops::validate::load(&scope_of(out))
        .map_err(|e| WriteError::Io(format!("{}: {}", e.path.display(), e.message)))?;
    t.done("validate");
    Ok(Outcome { written, loaded })
}

/// What the import wrote, noted and took out as credentials, for the
/// operator.
pub fn tell(
    imp: &Import,
    outcome: &Outcome,
    out: &Path,
    keep_secrets: bool,
    err: &mut dyn std::io::Write,
) {
    for p in &outcome.written {
        say!(err, "     written  {}", p.display());
    }
    for n in &imp.notes {
        say!(
            err,
            "{}: {}: {}",
            if n.left_out { "left out" } else { "note" },
            n.source,
            n.message
        );
    }
    if !imp.secrets.is_empty() {
        match keep_secrets {
            true => say!(
            err,
                "{} credentials are in {} (mode 0600, kept out of git by {}); load it before `mon diff`/`mon sync`: set -a; . {}; set +a",
                imp.secrets.len(),
                out.join(SECRETS_FILE).display(),
                out.join(".gitignore").display(),
                out.join(SECRETS_FILE).display()
            ),
            false => {
                say!(
            err,"the definitions name these credentials; export them before `mon diff`/`mon sync`:");
                for s in &imp.secrets {
                    say!(
            err,"  {}  (from {})", s.var, s.source);
                }
            }
        }
    }
}

/// Past this many findings, an import counts them and leaves the list to
/// `mon validate`: rendering 300,000 of them would outlast the import.
const SHOWN_FINDINGS: usize = 100;

/// The whole of an import once read: write (adding to `out`), say what
/// was noted and taken out, show validation's findings through `show`,
/// and the exit code: 3 nothing written, 1 written but invalid, 0.
pub fn run(
    imp: &Import,
    out: &Path,
    (force, keep_secrets): (bool, bool),
    show: &mut dyn FnMut(&crate::report::Report) -> Result<(), crate::exit::Exit>,
) -> crate::exit::Exit {
    use crate::exit::Exit;
    use std::io::Write as _;
    let mut err = std::io::stderr();
    let outcome = match finish(imp, out, force, keep_secrets) {
        Ok(o) => o,
        Err(e) => return e.report(&mut err),
    };
    {
        // Thousands of notes are thousands of writes to an unbuffered stderr.
        let mut notes = std::io::BufWriter::new(err.lock());
        tell(imp, &outcome, out, keep_secrets, &mut notes);
        let _ = notes.flush();
    }
    let loaded = &outcome.loaded;
    let found = loaded.errors() + loaded.warnings();
    let listed = if found > SHOWN_FINDINGS {
        format!("`mon validate {}` lists them", out.display())
    } else {
        "above".to_string()
    };
    if found > SHOWN_FINDINGS && loaded.errors() == 0 {
        say!(
            err,
            "{found} warnings in the imported definitions ({listed})"
        );
    } else if found > 0 && found <= SHOWN_FINDINGS {
        if let Err(code) = show(&crate::report::Report::of(loaded)) {
            return code;
        }
    }
    summary(imp, out, &mut err);
    if loaded.errors() > 0 {
        say!(
            err,
            "{} errors in the imported definitions ({listed}): fix them before `mon sync`",
            loaded.errors()
        );
        return Exit::Invalid;
    }
    Exit::Ok
}

/// The last line: what was imported where, and what was left out.
pub fn summary(imp: &Import, out: &Path, err: &mut dyn std::io::Write) {
    let counts: Vec<String> = imp.counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
    let left_out = imp.notes.iter().filter(|n| n.left_out).count();
    say!(
        err,
        "imported {} into {}{}",
        if counts.is_empty() {
            "nothing".to_string()
        } else {
            counts.join(" and ")
        },
        out.display(),
        if left_out > 0 {
            format!(", {left_out} left out (listed above)")
        } else {
            String::new()
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_names_that_share_a_base_stay_unique_in_linear_time() {
        let mut taken = Taken::default();
        // 3^9 = 19,683 names differing only in `-`, `_` and `.`.
        let mut names = vec![String::from("a")];
        for _ in 0..9 {
            names = names
                .iter()
                .flat_map(|n| ["-", "_", "."].map(|s| format!("{n}{s}b")))
                .collect();
        }
        let start = std::time::Instant::now();
        let vars: std::collections::HashSet<String> = names
            .iter()
            .map(|n| secret_var(&["alerter", n, "token"], &mut taken))
            .collect();
        assert_eq!(vars.len(), 19_683);
        assert!(start.elapsed() < std::time::Duration::from_secs(5));
    }
}
