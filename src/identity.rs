//! Who the definitions are: the owner mon marks its etcd values with.
//!
//! An owner is the repository the definitions live in, not the directory's
//! name: every clone, worktree and CI workspace of one repository shares its
//! remote, and two repositories never do, whatever their directories are
//! called. The remote's URL is normalised (scheme, credentials, port and a
//! trailing `.git` dropped) so `git@host:a/b.git`, `https://token@host/a/b`
//! and `ssh://git@host:22/a/b` are one owner. A byte an owner cannot hold
//! is percent-encoded, never folded, so two names stay two owners.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Why no owner could be derived, said to the operator with what to do.
#[derive(Debug)]
pub struct NoIdentity(pub String);

/// The bytes an owner holds as themselves; any other is `%XX`.
fn plain(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-' | b'/' | b':' | b'@' | b'~' | b'+')
}

/// An owner given by the operator: held exactly or refused.
pub fn check(owner: &str) -> Result<(), String> {
    let ok =
        !owner.is_empty() && owner.len() <= 256 && owner.bytes().all(|b| plain(b) || b == b'%');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "owner {owner:?} must be 1 to 256 ASCII letters, digits or `._-/:@~+%`; \
             mon holds an owner exactly and never folds one name into another"
        ))
    }
}

/// The nearest directory at or above `dir` that is a git work tree (holds
/// `.git`, a directory, or a file in a worktree).
pub fn repository_root(dir: &Path) -> Option<PathBuf> {
    // A directory about to be written (an import's output) counts as
    // where it will be.
    let existing = dir
        .ancestors()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .find(|d| d.exists())?;
    let dir = std::fs::canonicalize(existing).ok()?;
    dir.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

fn git(root: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git")
        .arg("-C")
        .arg(root)
        .args(args)
        .stdin(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .filter(|s| !s.is_empty())
}

/// The owner of the definitions under `dir`: its repository's `origin`
/// remote (or its only remote), normalised.
pub fn derive(dir: &Path) -> Result<String, NoIdentity> {
    let hint = "set `owner = \"NAME\"` in mon.toml or pass --owner (MON_OWNER)";
    let Some(root) = repository_root(dir) else {
        return Err(NoIdentity(format!(
            "{} is not in a git repository, so mon cannot tell whose keys are whose: {hint}",
            dir.display()
        )));
    };
    let url = git(&root, &["config", "--get", "remote.origin.url"]).or_else(|| {
        let remotes = git(&root, &["remote"])?;
        let mut names = remotes.lines();
        match (names.next(), names.next()) {
            (Some(only), None) => git(&root, &["config", "--get", &format!("remote.{only}.url")]),
            _ => None,
        }
    });
    let Some(url) = url else {
        return Err(NoIdentity(format!(
            "the repository at {} has no `origin` remote (or several remotes and none named origin), \
             so mon cannot tell it apart from another: {hint}",
            root.display()
        )));
    };
    Ok(normalise(&url, &root))
}

/// `url` as an owner. Credentials are never kept: a CI checkout's remote
/// often carries a token.
pub fn normalise(url: &str, root: &Path) -> String {
    let url = url.trim();
    let (host, path) = if let Some((scheme, rest)) = url.split_once("://") {
        if scheme.eq_ignore_ascii_case("file") {
            (String::new(), rest.to_string())
        } else {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let host = authority.rsplit('@').next().unwrap_or(authority);
            let host = host.split(':').next().unwrap_or(host);
            (host.to_ascii_lowercase(), path.to_string())
        }
    } else if let Some((authority, path)) = url
        .split_once(':')
        .filter(|(a, _)| !a.contains('/') && !a.is_empty())
    {
        // scp-like `user@host:path`
        let host = authority.rsplit('@').next().unwrap_or(authority);
        (host.to_ascii_lowercase(), path.to_string())
    } else {
        // A local path, relative to the repository when not absolute.
        let p = root.join(url);
        let p = std::fs::canonicalize(&p).unwrap_or(p);
        (String::new(), p.to_string_lossy().into_owned())
    };
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let path = path.trim_matches('/');
    let joined = if host.is_empty() {
        format!("/{path}")
    } else {
        format!("{host}/{path}")
    };
    encode(&joined)
}

fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if plain(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The owner an older mon derived, from the definitions directory's name
/// with the characters it could not hold folded to `-`. Keys marked so are
/// still recognised as these definitions' own (never locked out, never
/// rewritten for the mark alone).
pub fn legacy(paths: &[PathBuf]) -> String {
    let first = paths.first().cloned().unwrap_or_else(|| PathBuf::from("."));
    let abs = std::fs::canonicalize(&first).unwrap_or(first);
    let dir = if abs.is_dir() {
        abs.as_path()
    } else {
        abs.parent().unwrap_or(&abs)
    };
    let name: String = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-') {
                c
            } else {
                '-'
            }
        })
        .take(128)
        .collect();
    if name.is_empty() {
        "root".into()
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_repository_is_one_owner_however_it_is_cloned() {
        let root = Path::new("/tmp");
        let forms = [
            "git@github.com:acme/defs.git",
            "https://github.com/acme/defs",
            "https://gitlab-ci-token:SECRET@github.com/acme/defs.git",
            "ssh://git@GitHub.com:22/acme/defs.git/",
        ];
        for f in forms {
            assert_eq!(normalise(f, root), "github.com/acme/defs", "{f}");
        }
        assert!(!normalise(forms[2], root).contains("SECRET"));
        assert_eq!(
            normalise("file:///srv/git/defs.git", root),
            normalise("/srv/git/defs.git", root)
        );
    }

    #[test]
    fn names_are_held_exactly_or_refused() {
        let root = Path::new("/tmp");
        let a = normalise("https://h/мониторинг", root);
        let b = normalise("https://h/наблюдение", root);
        assert_ne!(a, b);
        assert_ne!(normalise("/srv/a b", root), normalise("/srv/a-b", root));
        assert!(check(&a).is_ok());
        assert!(check("a b").is_err());
        assert!(check("мониторинг").is_err());
        assert!(check("github.com/acme/defs").is_ok());
    }
}
