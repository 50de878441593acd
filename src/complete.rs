//! Names for the shell's completion of `--only`, `--exclude`, `--replace=`
//! and `--node`: what the definitions in the current settings' paths hold
//! (mon.toml's `paths`, found from the current directory or `MON_CONFIG`,
//! else `.`). The shell runs mon at each TAB (`MON_COMPLETE=bash mon -- …`,
//! clap_complete's dynamic completion), so this reads and parses only, no
//! schema and no model; a bad settings file, a missing path or a broken
//! definition file gives fewer names, never a message on the prompt.

use std::ffi::OsString;

use clap_complete::env::{self, EnvCompleter, Shells};
use clap_complete::CompletionCandidate;

use crate::catalog::{Catalog, Section};

fn catalog() -> Option<Catalog> {
    let input = crate::settings::input::InputFlags::default()
        .load(Vec::new())
        .ok()?;
    crate::ops::validate::catalog(&input.scope).ok()
}

/// `SECTION/NAME` for every definition of `sections`, as the selections take them.
fn selections(sections: &[Section]) -> Vec<CompletionCandidate> {
    let Some(catalog) = catalog() else {
        return Vec::new();
    };
    sections
        .iter()
        .flat_map(|&s| catalog.section(s))
        .map(|d| {
            CompletionCandidate::new(format!("{}/{}", d.section.key(), d.name))
                .help(Some(d.section.describe().into()))
        })
        .collect()
}

/// What `diff` and `sync` select: 9volt's monitors and alerters.
pub fn ninevolt() -> Vec<CompletionCandidate> {
    selections(&[Section::Monitor, Section::Alerter])
}

/// What `render` selects: the sections that name its directories.
pub fn rendered() -> Vec<CompletionCandidate> {
    let sections: Vec<Section> = crate::render::Target::ALL
        .iter()
        .map(|t| t.section())
        .collect();
    selections(&sections)
}

/// Collectd hosts, for `--node`.
pub fn collectd_hosts() -> Vec<CompletionCandidate> {
    catalog()
        .map(|c| {
            c.section(Section::Collectd)
                .map(|d| CompletionCandidate::new(&d.name))
                .collect()
        })
        .unwrap_or_default()
}

/// The variable that makes mon answer a TAB instead of running: mon's own,
/// not clap's generic `COMPLETE`, which an operator's environment may hold
/// for something else.
pub const VAR: &str = "MON_COMPLETE";

/// The shells `MON_COMPLETE=SHELL mon` answers: clap_complete's, with bash's
/// words put back together first (see `BashWords`).
pub const SHELLS: Shells<'static> = Shells(&[
    &BashWords,
    &env::Elvish,
    &env::Fish,
    &env::Powershell,
    &env::Zsh,
]);

/// With `MON_COMPLETE` set, answers the shell's TAB and exits; else returns.
pub fn answer_a_tab(cli: fn() -> clap::Command) {
    clap_complete::CompleteEnv::with_factory(cli)
        .var(VAR)
        .shells(SHELLS)
        .complete();
}

/// A shell's completion script, as completions/ holds it: it runs `mon`
/// from PATH, so one script serves the .deb, the wheel and cargo install.
pub fn registration(shell: &str) -> std::io::Result<Vec<u8>> {
    let completer = SHELLS
        .completer(shell)
        .ok_or_else(|| std::io::Error::other(format!("no completion script for {shell}")))?;
    let mut buf = Vec::new();
    completer.write_registration(VAR, "mon", "mon", "mon", &mut buf)?;
    if shell == "zsh" {
        // Autoloaded from fpath (the .deb's vendor-completions/_mon), the
        // file is the body of `_mon` and its compdef takes effect only at the
        // next TAB, so the first TAB would offer nothing: run the completer
        // when called as `_mon`. Sourced, the line does nothing.
        buf.extend_from_slice(
            b"[[ ${funcstack[1]} = _mon ]] && _clap_dynamic_completer_mon \"$@\"\n",
        );
    }
    Ok(buf)
}

/// clap_complete's bash completer, but for `--flag=value`: bash splits the
/// line at `=` (COMP_WORDBREAKS), so the words arrive as `--replace`, `=`,
/// `monitor/api` (or `--replace`, `` right after the `=`), which clap reads
/// as a flag without its value. The words are joined back into one for
/// clap, and bash gets back only the part after `=`, the word it replaces.
struct BashWords;

impl EnvCompleter for BashWords {
    fn name(&self) -> &'static str {
        "bash"
    }
    fn is(&self, name: &str) -> bool {
        name == "bash"
    }
    fn write_registration(
        &self,
        var: &str,
        name: &str,
        bin: &str,
        completer: &str,
        buf: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        env::Bash.write_registration(var, name, bin, completer, buf)
    }
    fn write_complete(
        &self,
        cmd: &mut clap::Command,
        mut args: Vec<OsString>,
        current_dir: Option<&std::path::Path>,
        buf: &mut dyn std::io::Write,
    ) -> std::io::Result<()> {
        let var = |name: &str| std::env::var(name).ok();
        let mut index: usize = var("_CLAP_COMPLETE_INDEX")
            .and_then(|i| i.parse().ok())
            .unwrap_or_default();
        let word =
            |i: usize, args: &[OsString]| args.get(i).and_then(|a| a.to_str()).map(str::to_owned);
        // Where bash's split of `--flag=value` starts, and the flag.
        let split =
            if index >= 2 && index < args.len() && word(index - 1, &args).as_deref() == Some("=") {
                word(index - 2, &args)
                    .filter(|f| f.starts_with("--"))
                    .map(|f| (index - 2, f))
            } else if word(index, &args).as_deref() == Some("") && index >= 1 {
                word(index - 1, &args)
                    .filter(|f| requires_equals(cmd, f))
                    .map(|f| (index - 1, f))
            } else {
                None
            };
        let mut prefix = None;
        if let Some((start, flag)) = split {
            let value = word(index, &args).unwrap_or_default();
            args.splice(start..=index, [OsString::from(format!("{flag}={value}"))]);
            index = start;
            prefix = Some(format!("{flag}="));
        }
        let ifs = var("_CLAP_IFS").unwrap_or_else(|| "\n".into());
        // Whatever the engine cannot complete (an index past the words) is
        // no candidates: an error would be printed on the operator's prompt.
        let Ok(found) = clap_complete::engine::complete(cmd, args, index, current_dir) else {
            return Ok(());
        };
        let values = found.iter().filter_map(|c| {
            let v = c.get_value().to_string_lossy();
            match &prefix {
                Some(p) => v.strip_prefix(p.as_str()).map(str::to_owned),
                None => Some(v.into_owned()),
            }
        });
        buf.write_all(values.collect::<Vec<_>>().join(&ifs).as_bytes())
    }
}

/// Whether `--flag` is one that takes its value only after `=` anywhere in
/// the command tree (`--replace`).
fn requires_equals(cmd: &clap::Command, flag: &str) -> bool {
    let Some(long) = flag.strip_prefix("--") else {
        return false;
    };
    cmd.get_arguments()
        .any(|a| a.get_long() == Some(long) && a.is_require_equals_set())
        || cmd.get_subcommands().any(|c| requires_equals(c, flag))
}
