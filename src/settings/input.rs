//! What a command reads: the settings file, the definitions' paths, what
//! their walk leaves out and where their secrets may come from.

use std::path::PathBuf;

use super::{Decl, Error, Setting, Source};
use crate::config::{Loaded, SecretRef};
use crate::ops::validate::Scope;

pub const CONFIG: Decl = Decl {
    label: "settings file",
    flag: "config",
    env: &["MON_CONFIG"],
    key: None,
};
pub const SECRETS_DIR: Decl = Decl {
    label: "secrets dirs",
    flag: "secrets-dir",
    env: &["MON_SECRETS_DIR"],
    key: None,
};
pub const PATHS: Decl = Decl {
    label: "paths",
    flag: "PATH arguments",
    env: &[],
    key: Some("paths"),
};

/// The settings file, for every command that reads settings.
#[derive(clap::Args, Clone, Default)]
pub struct ConfigFlag {
    #[arg(long = CONFIG.flag, value_name = "FILE", help = CONFIG.help(
        "Settings file [default: the nearest mon.toml at or above the definitions, else at or \
         above the current directory, up to the git repository's root]"))]
    pub config: Option<PathBuf>,
}

impl ConfigFlag {
    /// The settings file for definitions at `paths`, if there is one.
    pub fn find(&self, paths: &[PathBuf]) -> Result<Option<Loaded>, Error> {
        let explicit = CONFIG.resolve(
            self.config.clone(),
            |s| Ok(PathBuf::from(s)),
            None,
            PathBuf::new(),
        )?;
        let explicit = Some(explicit.value).filter(|p| !p.as_os_str().is_empty());
        crate::config::find(paths, explicit.as_deref()).map_err(Error::Usage)
    }
}

/// The flags of every command that reads definitions.
#[derive(clap::Args, Clone, Default)]
#[command(next_help_heading = "Input")]
pub struct InputFlags {
    #[command(flatten)]
    pub settings: ConfigFlag,
    #[arg(long = SECRETS_DIR.flag, value_name = "DIR", value_delimiter = ':', help = SECRETS_DIR.help(
        "Another directory `{file: PATH}` secret references may read from (repeatable; by default \
         only the definitions' own directories)"))]
    pub secrets_dir: Vec<PathBuf>,
    /// Leave files matching GLOB out of directory walks (repeatable; gitignore syntax, like a
    /// line of .monignore)
    #[arg(long, value_name = "GLOB")]
    pub ignore: Vec<String>,
}

/// A command's input, resolved once.
pub struct Input {
    pub cfg: Option<Loaded>,
    pub scope: Scope,
    pub paths: Setting<Vec<PathBuf>>,
}

impl InputFlags {
    /// Finds the settings file for `paths`, then the paths (given, else
    /// the file's, else `.`), and the scope the definitions are read in.
    pub fn load(&self, paths: Vec<PathBuf>) -> Result<Input, Error> {
        let secrets_dirs = SECRETS_DIR.resolve(
            Some(self.secrets_dir.clone()).filter(|d| !d.is_empty()),
            |s| Ok(s.split(':').map(PathBuf::from).collect()),
            None,
            Vec::new(),
        )?;
        let mut cfg = self.settings.find(&paths)?;
        if let Some(c) = &mut cfg {
            c.secrets_dirs = secrets_dirs.value.clone();
        }
        let paths = if !paths.is_empty() {
            Setting {
                value: paths,
                source: Source::Flag(PATHS.flag.into()),
            }
        } else {
            match cfg
                .as_ref()
                .and_then(|c| c.file.paths.as_ref().map(|ps| (c, ps)))
            {
                Some((c, ps)) if !ps.is_empty() => Setting {
                    value: ps.iter().map(|p| c.path_of(p)).collect(),
                    source: Source::File(c.path.clone()),
                },
                _ => Setting {
                    value: vec![PathBuf::from(".")],
                    source: Source::Default,
                },
            }
        };
        // The variables mon.toml names as mon's own credentials are no
        // definition's to send anywhere.
        let own_env = cfg
            .iter()
            .flat_map(|c| [&c.file.etcd.password, &c.file.mqtt.password])
            .filter_map(|r| match r {
                Some(SecretRef::Env(n)) => Some(n.clone()),
                _ => None,
            })
            .collect();
        let mut scope = Scope::new(
            paths.value.clone(),
            self.ignore.clone(),
            &secrets_dirs.value,
            own_env,
        );
        scope.settings = cfg.as_ref().map(|c| c.path.clone());
        Ok(Input { cfg, scope, paths })
    }
}
