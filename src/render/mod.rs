//! Rendering the daemons' files from the typed model. Each target fills a
//! template (or writes JSON through a real encoder) from values whose types
//! already carry the reader's rules; strings are quoted for the format they
//! land in.

mod templates;

use std::path::PathBuf;

pub use templates::Templates;

use crate::model::Model;

/// The `Target` enum, its dispatch and the embedded templates, from the
/// list in `section.rs`.
macro_rules! targets {
    ($($variant:ident $word:literal $module:ident $section:ident [$($template:literal),*] [$($file:literal),*];)*) => {
        $(mod $module;)*

        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Target {
            $($variant,)*
        }

        impl Target {
            pub const ALL: &'static [Target] = &[$(Target::$variant),*];
            pub fn name(self) -> &'static str {
                match self {
                    $(Target::$variant => $word,)*
                }
            }
            /// The section whose definitions name this target's directories.
            pub fn section(self) -> crate::section::Section {
                match self {
                    $(Target::$variant => crate::section::Section::$section,)*
                }
            }
            /// The files it writes in a definition's directory, relative to it.
            pub fn files(self) -> &'static [&'static str] {
                match self {
                    $(Target::$variant => &[$($file),*],)*
                }
            }
        }

        /// Every embedded template: (file name, text).
        pub const TEMPLATES: &[(&str, &str)] = &[
            $($(($template, include_str!(concat!("../../templates/", $template))),)*)*
        ];

        pub fn render(ctx: &Context, target: Target) -> Result<Vec<Output>, String> {
            match target {
                $(Target::$variant => $module::render(ctx),)*
            }
        }
    };
}

crate::section::for_each_target!(targets);

/// One file to write, relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub path: PathBuf,
    pub content: String,
    pub mode: u32,
    /// Check it with collectd's own parser before installing (`--check`).
    pub collectd_conf: bool,
}

pub struct Context<'a> {
    pub model: &'a Model,
    pub templates: &'a Templates,
    /// Which definitions to render (`--only`, `--exclude`).
    pub selection: &'a crate::select::Selection,
}

/// What became of one output file (`ops::render`).
#[derive(Debug, PartialEq, Eq)]
pub enum Status {
    Written,
    Unchanged,
    /// `--dry-run`: would have been written.
    WouldWrite,
    /// `--check` refused it; the file on disk was left alone.
    CheckFailed(String),
    /// Not written because the collectd.conf beside it failed `--check`:
    /// a host gets all of its files or none.
    HeldBack(std::path::PathBuf),
    /// A directory of a definition that no longer exists. `ours`: it holds
    /// nothing but files mon writes there, so `--prune` may remove it.
    Orphan {
        ours: bool,
    },
    /// Such a directory, removed by `--prune`.
    Removed,
}

pub struct FileReport {
    pub path: std::path::PathBuf,
    pub status: Status,
    pub diff: Option<String>,
}
