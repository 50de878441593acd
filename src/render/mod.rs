//! Rendering the daemons' files from the typed model. Each target fills a
//! template (or writes JSON through a real encoder) from values whose types
//! already carry the reader's rules; strings are quoted for the format they
//! land in.

mod templates;

use std::path::PathBuf;

pub use templates::Templates;

use crate::model::Model;

/// Declares the render targets once: each line names the target, the word
/// the command line takes, the module that renders it, the section whose
/// definitions name its directories (`<word>/<name>/`), the templates it
/// embeds (files under templates/) and the files it writes in a directory
/// (`*` any name; what `--prune` may remove). Adding a target is a line
/// here, its module and its templates.
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

targets! {
    Hastmon "hastmon" hastmon Cluster ["hastmon.conf.j2", "hastmon-exec.sh.j2"] ["hastmon.conf", "*.sh"];
    Collectd "collectd" collectd Collectd ["collectd.conf.j2", "triggers.lua.j2"]
        ["collectd.conf", "config.json", "local/*.lua"];
    Conveyer "conveyer" conveyer Conveyer ["conveyer.env.j2", "conveyer-agent.env.j2", "logstash-output.conf.j2"]
        ["conveyer.env", "conveyer-plugin.json", "agent.env", "logstash-output.conf"];
    Dozor "dozor" dozor Dozor [] ["plugins.json"];
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
