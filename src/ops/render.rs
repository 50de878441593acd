//! `mon render` as one operation: definitions to model to files. Files are
//! installed atomically (a temporary file in the same
//! directory, then rename), only when the content or mode changes, with a
//! unified diff against what is on disk, and collectd's own check first.

use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use similar::TextDiff;

use crate::render::Output;

pub struct WriteOptions {
    pub dry_run: bool,
    pub diff: bool,
    pub check: bool,
    /// Show diffs of files that hold credentials too.
    pub show_secrets: bool,
    /// Remove the directories of definitions that no longer exist.
    pub prune: bool,
}

pub use crate::render::{FileReport, Status};

/// Every collectd.conf through collectd's own parser, in parallel: the
/// refused ones with collectd's messages (named as the output file).
fn check(outputs: &[Output]) -> Result<Vec<(PathBuf, String)>, String> {
    let checked: Vec<(PathBuf, Result<(), crate::collectd::CheckError>)> = outputs
        .par_iter()
        .filter(|o| o.collectd_conf)
        .map(|o| {
            let name = o.path.display().to_string();
            (
                o.path.clone(),
                crate::collectd::check_config(&o.content, &name, false),
            )
        })
        .collect();
    let mut refused = Vec::new();
    for (path, r) in checked {
        match r {
            Ok(()) => {}
            Err(crate::collectd::CheckError::Rejected(m)) => refused.push((path, m)),
            Err(crate::collectd::CheckError::Unavailable(m)) => {
                return Err(format!("--check: {m}"))
            }
        }
    }
    Ok(refused)
}

pub fn write(
    outputs: &[Output],
    out_dir: &Path,
    opts: &WriteOptions,
) -> Result<Vec<FileReport>, String> {
    let mut to_write: Vec<(PathBuf, &Output)> = Vec::new();
    let mut reports = Vec::new();
    let mut dirs = std::collections::BTreeSet::new();
    let refused = if opts.check {
        check(outputs)?
    } else {
        Vec::new()
    };
    for o in outputs {
        let path = out_dir.join(&o.path);
        if let Some((conf, m)) = refused.iter().find(|(p, _)| p == &o.path) {
            reports.push(FileReport {
                path: conf.clone(),
                status: Status::CheckFailed(m.clone()),
                diff: None,
            });
            continue;
        }
        if let Some((conf, _)) = refused
            .iter()
            .find(|(p, _)| p.parent().is_some_and(|d| o.path.starts_with(d)))
        {
            reports.push(FileReport {
                path: o.path.clone(),
                status: Status::HeldBack(conf.clone()),
                diff: None,
            });
            continue;
        }
        if let Some(d) = path.parent() {
            dirs.insert(d.to_path_buf());
        }
        // Never through a symlink: what it points to is not ours to read
        // (--diff would print it) and the rename below replaces the link.
        let meta = std::fs::symlink_metadata(&path).ok();
        let regular = meta.as_ref().is_some_and(|m| m.file_type().is_file());
        let existing = if regular {
            std::fs::read_to_string(&path).ok()
        } else {
            None
        };
        let mode_now = meta
            .filter(|_| regular)
            .map(|m| m.permissions().mode() & 0o7777);
        if existing.as_deref() == Some(o.content.as_str()) && mode_now == Some(o.mode) {
            reports.push(FileReport {
                path: o.path.clone(),
                status: Status::Unchanged,
                diff: None,
            });
            continue;
        }
        let diff = opts.diff.then(|| {
            let old = existing.clone().unwrap_or_default();
            let name = o.path.display().to_string();
            let diff = TextDiff::from_lines(&old, &o.content);
            // A file only its owner may read holds credentials (a hastmon
            // key, MQTT or network passwords): old and new lines alike
            // would print them.
            if o.mode & 0o077 == 0 && !opts.show_secrets {
                let changed = diff
                    .iter_all_changes()
                    .filter(|c| c.tag() != similar::ChangeTag::Equal)
                    .count();
                return format!(
                    "--- a/{name}\n+++ b/{name}\n(holds credentials, mode {:o}: {changed} lines differ; --show-secrets shows them)\n",
                    o.mode
                );
            }
            diff.unified_diff()
                .header(&format!("a/{name}"), &format!("b/{name}"))
                .to_string()
        });
        if opts.dry_run {
            reports.push(FileReport {
                path: o.path.clone(),
                status: Status::WouldWrite,
                diff,
            });
            continue;
        }
        to_write.push((path, o));
        reports.push(FileReport {
            path: o.path.clone(),
            status: Status::Written,
            diff,
        });
    }
    if !opts.dry_run {
        remove_stale(&dirs);
    }
    // Staged beside their targets (in parallel: creating files is the cost),
    // then renamed only after one sync.
    let staged: Vec<(tempfile::TempPath, PathBuf)> = to_write
        .into_par_iter()
        .map(|(path, o)| {
            stage(&path, &o.content, o.mode)
                .map(|t| (t, path.clone()))
                .map_err(|e| format!("{}: {e}; nothing was replaced", path.display()))
        })
        .collect::<Result<_, _>>()?;
    if !staged.is_empty() {
        sync_filesystem(out_dir)
            .map_err(|e| format!("{}: {e}; nothing was replaced", out_dir.display()))?;
        let total = staged.len();
        let mut replaced: Vec<PathBuf> = Vec::new();
        for (tmp, path) in staged {
            if let Err(e) = tmp.persist(&path) {
                let shown: Vec<String> = replaced.iter().map(|p| p.display().to_string()).collect();
                return Err(format!(
                    "{}: {}; {} of {total} files were replaced before this{}{}",
                    path.display(),
                    e.error,
                    replaced.len(),
                    if shown.is_empty() { "" } else { ":\n  " },
                    shown.join("\n  ")
                ));
            }
            replaced.push(path);
        }
    }
    Ok(reports)
}

/// The lock file in the output directory: held while a render writes, so
/// another render waits for nothing and takes every `.mon-*` it finds as
/// left by a killed run.
pub const LOCK: &str = ".mon-render.lock";

/// An exclusive hold on an output directory, released when dropped (or
/// when the process dies, however it dies: it is an `flock`).
pub struct Lock(#[allow(dead_code)] std::fs::File);

impl Lock {
    pub fn take(out_dir: &Path) -> Result<Lock, String> {
        use std::os::fd::AsRawFd;
        let fail = |e: std::io::Error| format!("{}: {e}; nothing was written", out_dir.display());
        std::fs::create_dir_all(out_dir).map_err(fail)?;
        let file = std::fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
            .open(out_dir.join(LOCK))
            .map_err(fail)?;
        // SAFETY: flock takes any open descriptor; `file` outlives the call.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(if e.raw_os_error() == Some(libc::EWOULDBLOCK) {
                format!(
                    "another `mon render` is writing into {}; nothing was written (run again when it ends)",
                    out_dir.display()
                )
            } else {
                fail(e)
            });
        }
        Ok(Lock(file))
    }
}

/// Temporary files a killed run left beside its targets (`.mon-*`). Called
/// under the output directory's lock, so no run under way owns any of them.
fn remove_stale(dirs: &std::collections::BTreeSet<PathBuf>) {
    for d in dirs {
        let Ok(entries) = std::fs::read_dir(d) else {
            continue;
        };
        for e in entries.flatten() {
            let name = e.file_name();
            let stale = name.to_string_lossy().starts_with(".mon-")
                && name != LOCK
                && e.file_type().is_ok_and(|t| t.is_file());
            if stale {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
}

/// Writes the content to a temporary file beside the target, with the final
/// mode. Nothing is visible at the target until the rename.
fn stage(path: &Path, content: &str, mode: u32) -> std::io::Result<tempfile::TempPath> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(".mon-").tempfile_in(dir)?;
    tmp.as_file()
        .set_permissions(std::fs::Permissions::from_mode(mode))?;
    tmp.write_all(content.as_bytes())?;
    Ok(tmp.into_temp_path())
}

/// One sync of the output's filesystem makes every staged file durable before
/// any rename, so a crash cannot leave a renamed but empty file; one call
/// instead of an fsync per file.
fn sync_filesystem(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let d = std::fs::File::open(dir)?;
    // SAFETY: syncfs takes any open descriptor on the filesystem; d outlives the call.
    if unsafe { libc::syncfs(d.as_raw_fd()) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// What `mon render` was asked for.
pub struct Request<'a> {
    pub scope: &'a crate::ops::validate::Scope,
    pub out_dir: &'a Path,
    pub templates: Option<&'a Path>,
    pub targets: &'a [crate::render::Target],
    pub selection: &'a crate::select::Selection,
    pub write: WriteOptions,
}

/// Why nothing (or not everything) was rendered.
pub enum Error {
    /// A named path cannot be used at all.
    Path(crate::source::PathError),
    /// The definitions have errors: nothing is rendered from them.
    Invalid(Box<crate::ops::validate::Loaded>),
    /// A template, a secret or an output file could not be used; the
    /// message says what was or was not written.
    Io(String),
    /// --only, --exclude or --node names nothing (globs that match nothing
    /// come along, to be shown as warnings).
    Selection(Vec<crate::select::Unmatched>),
}

/// The whole of `mon render`: load and check the definitions, render every
/// target from the model, then install the files (or compare them).
pub fn run(req: Request) -> Result<Vec<FileReport>, Error> {
    let loaded = crate::ops::validate::load(req.scope).map_err(Error::Path)?;
    if loaded.errors() > 0 {
        return Err(Error::Invalid(Box::new(loaded)));
    }
    let names: Vec<String> = loaded
        .catalog
        .all()
        .map(|d| format!("{}/{}", d.section.key(), d.name))
        .collect();
    let unmatched = req.selection.unmatched(&names);
    if unmatched.iter().any(|u| !u.glob) {
        return Err(Error::Selection(unmatched));
    }
    let templates = crate::render::Templates::load(req.templates).map_err(Error::Io)?;
    let ctx = crate::render::Context {
        model: &loaded.model,
        templates: &templates,
        selection: req.selection,
    };
    let mut outputs = Vec::new();
    for t in req.targets {
        let o = crate::render::render(&ctx, *t)
            .map_err(|e| Error::Io(format!("{e}; nothing was written")))?;
        outputs.extend(o);
    }
    // Writing and pruning under the lock; comparing (--dry-run) needs none.
    let _lock = if req.write.dry_run {
        None
    } else {
        Some(Lock::take(req.out_dir).map_err(Error::Io)?)
    };
    let mut reports = write(&outputs, req.out_dir, &req.write).map_err(Error::Io)?;
    reports.extend(orphans(&req, &outputs).map_err(Error::Io)?);
    Ok(reports)
}

/// Directories under `<target>/` that no definition in the selection names
/// any more: reported, and with `--prune` removed when they hold nothing but
/// files mon writes there (anything else is the operator's and stays).
fn orphans(req: &Request, outputs: &[Output]) -> Result<Vec<FileReport>, String> {
    let rendered: std::collections::BTreeSet<&Path> = outputs
        .iter()
        // `<target>/<name>/...` -> `<target>/<name>`
        .filter_map(|o| {
            o.path
                .ancestors()
                .nth(o.path.components().count().checked_sub(2)?)
        })
        .collect();
    let mut out = Vec::new();
    for t in req.targets {
        let Ok(entries) = std::fs::read_dir(req.out_dir.join(t.name())) else {
            continue;
        };
        let mut dirs: Vec<String> = entries
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|f| f.is_dir()))
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        dirs.sort();
        for name in dirs {
            let rel = Path::new(t.name()).join(&name);
            if rendered.contains(rel.as_path()) || !req.selection.contains(t.section(), &name) {
                continue;
            }
            let dir = req.out_dir.join(&rel);
            let ours = only_ours(&dir, &dir, &target_files(*t));
            let status = if ours && req.write.prune && !req.write.dry_run {
                std::fs::remove_dir_all(&dir).map_err(|e| {
                    format!(
                        "cannot remove {}: {}",
                        dir.display(),
                        crate::source::io_message(&e)
                    )
                })?;
                Status::Removed
            } else {
                Status::Orphan { ours }
            };
            out.push(FileReport {
                path: rel,
                status,
                diff: None,
            });
        }
    }
    Ok(out)
}

/// The files a target writes in a definition's directory, as globs whose
/// `*` never spans a `/` (`local/*.lua`).
fn target_files(t: crate::render::Target) -> globset::GlobSet {
    let mut b = globset::GlobSetBuilder::new();
    for f in t.files() {
        let glob = globset::GlobBuilder::new(f).literal_separator(true).build();
        b.add(glob.expect("the targets' file patterns are valid globs"));
    }
    b.build()
        .expect("the targets' file patterns are valid globs")
}

/// Whether every file under `dir` is one `files` matches (relative to
/// `root`) or a temporary of mon's; no links, no others.
fn only_ours(root: &Path, dir: &Path, files: &globset::GlobSet) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return false;
    };
    entries.flatten().all(|e| {
        let Ok(kind) = e.file_type() else {
            return false;
        };
        let path = e.path();
        if kind.is_dir() {
            return only_ours(root, &path, files);
        }
        let Ok(rel) = path.strip_prefix(root) else {
            return false;
        };
        kind.is_file()
            && (e.file_name().to_string_lossy().starts_with(".mon-") || files.is_match(rel))
    })
}

/// The exit code of a render: 1 when `--check` refused a file; 4 when a
/// dry run found files that differ from what is on disk (drift, as
/// `mon diff`); else 0, since a render that wrote the files leaves nothing
/// pending.
pub fn exit(reports: &[FileReport], dry_run: bool) -> crate::exit::Exit {
    use crate::exit::Exit;
    let differs = reports.iter().any(|r| {
        matches!(
            r.status,
            Status::Written | Status::WouldWrite | Status::Orphan { .. }
        )
    });
    if reports
        .iter()
        .any(|r| matches!(r.status, Status::CheckFailed(_)))
    {
        Exit::Invalid
    } else if differs && dry_run {
        Exit::ChangesPending
    } else {
        Exit::Ok
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_targets_file_patterns_compile_and_match_what_it_writes() {
        use crate::render::Target;
        let collectd = super::target_files(Target::Collectd);
        assert!(collectd.is_match("local/web1.lua"));
        assert!(!collectd.is_match("local/deeper/web1.lua"));
        assert!(!collectd.is_match("notes.txt"));
        for t in Target::ALL {
            assert!(!super::target_files(*t).is_empty());
        }
    }
}
