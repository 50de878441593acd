//! Rendering the daemons' files from the typed model. Each target fills a
//! template (or writes JSON through a real encoder) from values whose types
//! already carry the reader's rules; strings are quoted for the format they
//! land in.

mod collectd;
mod conveyer;
mod dozor;
mod hastmon;
mod templates;

use std::path::PathBuf;

pub use templates::Templates;

use crate::model::Model;

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
    pub model: &'a Model,
    pub templates: &'a Templates,
    /// Which definitions to render (`--only`, `--exclude`).
    pub selection: &'a crate::select::Selection,
}

pub fn render(ctx: &Context, target: Target) -> Result<Vec<Output>, String> {
    match target {
        Target::Hastmon => hastmon::render(ctx),
        Target::Collectd => collectd::render(ctx),
        Target::Conveyer => conveyer::render(ctx),
        Target::Dozor => dozor::render(ctx),
    }
}
