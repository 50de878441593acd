//! Colour per output stream (`--color`).

/// When to colour output.
#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    /// Whether to colour each stream. `auto` decides per stream, with
    /// anstyle-query's readings of the conventions: NO_COLOR and CLICOLOR=0
    /// turn colour off, CLICOLOR_FORCE turns it on, otherwise a terminal
    /// whose TERM is not `dumb`. (anstream's own choice also colours a
    /// TERM=dumb terminal when CI is set; mon keeps TERM=dumb plain.) So a
    /// redirected error log never gets escape codes because stdout is a
    /// terminal, and the other way round.
    pub fn streams(self) -> Colors {
        use std::io::IsTerminal;
        let auto = |terminal: bool| {
            if anstyle_query::no_color() {
                false
            } else if anstyle_query::clicolor_force() {
                true
            } else if anstyle_query::clicolor() == Some(false) {
                false
            } else {
                terminal && anstyle_query::term_supports_color()
            }
        };
        match self {
            ColorChoice::Always => Colors {
                stdout: true,
                stderr: true,
            },
            ColorChoice::Never => Colors {
                stdout: false,
                stderr: false,
            },
            ColorChoice::Auto => Colors {
                stdout: auto(std::io::stdout().is_terminal()),
                stderr: auto(std::io::stderr().is_terminal()),
            },
        }
    }
}

/// Whether each output stream gets colour.
#[derive(Clone, Copy, Debug)]
pub struct Colors {
    pub stdout: bool,
    pub stderr: bool,
}
