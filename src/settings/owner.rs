//! Who these definitions are: the mark every value they write carries.

use std::path::PathBuf;

use super::{in_file, Decl, Setting, Source};
use crate::config::Loaded;

pub const OWNER: Decl = Decl {
    label: "owner",
    flag: "owner",
    env: &["MON_OWNER"],
    key: Some("owner"),
};

/// Which keys these definitions own, for `diff`, `sync` and `config`.
#[derive(clap::Args, Clone, Default)]
#[command(next_help_heading = "Ownership")]
pub struct OwnerFlags {
    #[arg(long = OWNER.flag, value_name = "NAME", help = OWNER.help(
        "Name recorded in every value written (\"mon-owner\"); only keys carrying it are ever \
         deleted [default: the git repository's origin remote, e.g. github.com/acme/defs]"))]
    pub owner: Option<String>,
    /// Also delete undefined keys that carry no owner (written by 9volt's API,
    /// 9volt cfg or etcdctl); keys of other owners are never deleted
    #[arg(long)]
    pub prune_unowned: bool,
    /// Write definitions whose keys another owner holds, making them ours
    #[arg(long)]
    pub take_over: bool,
}

/// The owner these definitions write as, and the directory-name owner an
/// older mon derived for them, whose keys are still theirs to write.
pub struct Owner {
    pub name: Setting<String>,
    pub legacy: Option<String>,
}

impl OwnerFlags {
    /// --owner, MON_OWNER, `owner` in mon.toml, else the repository.
    pub fn resolve(&self, paths: &[PathBuf], cfg: Option<&Loaded>) -> Result<Owner, String> {
        let s = OWNER.text(self.owner.clone(), in_file(cfg, |f| f.owner.clone()), "");
        if s.source != Source::Default {
            crate::identity::check(&s.value).map_err(|e| format!("owner: {e}"))?;
            return Ok(Owner {
                name: s,
                legacy: None,
            });
        }
        let root = crate::config::root(paths);
        let name = crate::identity::derive(&root).map_err(|e| format!("owner: {}", e.0))?;
        Ok(Owner {
            name: Setting {
                value: name,
                source: Source::Repository,
            },
            legacy: Some(crate::identity::legacy(paths)),
        })
    }
}
