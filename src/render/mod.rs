//! Rendering the daemons' files from the definitions. Each target builds a
//! context from validated definitions and fills a template (or writes JSON
//! through a real encoder); values are escaped for the format they land in.

mod collectd;
mod conveyer;
mod dozor;
mod hastmon;
mod templates;

use std::path::{Path, PathBuf};

pub use templates::Templates;

use crate::catalog::Catalog;
use crate::source::SourceMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target {
    Hastmon,
    Collectd,
    Conveyer,
    Dozor,
}

impl Target {
    pub const ALL: [Target; 4] = [
        Target::Hastmon,
        Target::Collectd,
        Target::Conveyer,
        Target::Dozor,
    ];
    pub fn name(self) -> &'static str {
        match self {
            Target::Hastmon => "hastmon",
            Target::Collectd => "collectd",
            Target::Conveyer => "conveyer",
            Target::Dozor => "dozor",
        }
    }
}

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
    pub catalog: &'a Catalog,
    pub sources: &'a SourceMap,
    pub templates: &'a Templates,
    /// Which definitions to render (`--only`, `--exclude`).
    pub selection: &'a crate::select::Selection,
}

impl Context<'_> {
    /// The directory of the file a definition came from (for `{file: PATH}` secrets).
    pub fn base(&self, def: &crate::catalog::Definition) -> PathBuf {
        self.sources
            .get(def.name_span.file)
            .path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default()
    }
}

pub fn render(ctx: &Context, target: Target) -> Result<Vec<Output>, String> {
    match target {
        Target::Hastmon => hastmon::render(ctx),
        Target::Collectd => collectd::render(ctx),
        Target::Conveyer => conveyer::render(ctx),
        Target::Dozor => dozor::render(ctx),
    }
}
