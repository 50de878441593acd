use std::path::PathBuf;

use mon::config::{Loaded, Source};
use mon::exit::Exit;

use super::etcd::{EtcdArgs, OwnerArgs};

/// Show every setting, its value and where it came from
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon config                          # settings for the definitions in .
  mon config defs/ --prefix ops       # what a flag would change
  mon config --format json

Precedence: flags, then environment variables, then mon.toml at the root of the definitions (or
--config FILE), then defaults. Secrets are never shown, only where they come from.
Example mon.toml:
  paths = [\"definitions\"]
  owner = \"estate\"
  [etcd]
  endpoints = [\"https://etcd1:2379\", \"https://etcd2:2379\"]
  prefix = \"9volt\"
  user = \"mon\"
  password = { env = \"ETCD_PASSWORD\" }
  cacert = \"ca.pem\"            # relative to mon.toml
  [mqtt]
  user = \"ops\"
  password = { file = \"/run/secrets/mqtt\" }
  [render]
  out = \"rendered\"
  [plan]
  format = \"short\"")]
pub struct Args {
    /// Definition files or directories [default: .]
    pub paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, short = 'f', value_enum, default_value_t = ConfigFormat::Text)]
    pub format: ConfigFormat,
    #[command(flatten)]
    pub owner: OwnerArgs,
    #[command(flatten)]
    pub etcd: EtcdArgs,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ConfigFormat {
    Text,
    Json,
}

pub fn run(args: Args) -> Exit {
    let cfg = match super::settings(&args.paths) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let given = !args.paths.is_empty();
    let paths = super::paths_or_configured(args.paths, cfg.as_ref());
    let file_source = || {
        cfg.as_ref()
            .map_or(Source::Default, |c| Source::File(c.path.clone()))
    };
    let mut rows: Vec<(String, String, Source)> = Vec::new();
    let shown_paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    rows.push((
        "paths".into(),
        shown_paths.join(" "),
        if given {
            Source::Flag("PATH arguments".into())
        } else if cfg.as_ref().is_some_and(|c| c.file.paths.is_some()) {
            file_source()
        } else {
            Source::Default
        },
    ));
    // An owner that cannot be derived is shown as such: `mon config` is
    // where an operator looks to find out why.
    match args.owner.resolve(&paths, cfg.as_ref()) {
        Ok(o) => {
            rows.push(("owner".into(), o.name.value, o.name.source));
            if let Some(l) = o.legacy {
                // Keys an older mon marked with the directory's name.
                rows.push(("owner, older mark".into(), l, Source::Default));
            }
        }
        Err(e) => rows.push(("owner".into(), format!("(none) {e}"), Source::Default)),
    }
    match super::connection(&args.etcd, cfg.as_ref()) {
        Ok(r) => rows.extend(r.shown.into_iter().map(|(n, v, s)| (n.to_string(), v, s))),
        Err(code) => return code,
    }
    rows.extend(file_only(cfg.as_ref()));

    let file = cfg.as_ref().map(|c| c.path.display().to_string());
    super::emit(|out| match args.format {
        ConfigFormat::Text => {
            match &file {
                Some(f) => writeln!(out, "settings file: {f}")?,
                None => writeln!(
                    out,
                    "settings file: none (no {} at or above the definitions or the current directory, up to the git repository's root)",
                    mon::config::FILE_NAME
                )?,
            }
            let width = rows.iter().map(|r| r.0.len()).max().unwrap_or(0);
            for (name, value, source) in &rows {
                writeln!(out, "{name:<width$}  {value}  ({source})")?;
            }
            Ok(())
        }
        ConfigFormat::Json => {
            let settings: Vec<_> = rows
                .iter()
                .map(|(n, v, s)| serde_json::json!({"setting": n, "value": v, "source": s.to_string()}))
                .collect();
            let doc = serde_json::json!({"file": file, "settings": settings});
            serde_json::to_writer_pretty(&mut *out, &doc)?;
            writeln!(out)
        }
    })
    .err()
    .unwrap_or(Exit::Ok)
}

/// Settings that only the file (or a default) provides to this command.
fn file_only(cfg: Option<&Loaded>) -> Vec<(String, String, Source)> {
    let source = |set: bool| match cfg {
        Some(c) if set => Source::File(c.path.clone()),
        _ => Source::Default,
    };
    let f = cfg.map(|c| c.file.clone()).unwrap_or_default();
    let path = |p: &Option<PathBuf>, none: &str| match (p, cfg) {
        (Some(p), Some(c)) => c.path_of(p).display().to_string(),
        _ => none.to_string(),
    };
    vec![
        (
            "mqtt user".into(),
            f.mqtt.user.clone().unwrap_or_else(|| "(none)".into()),
            source(f.mqtt.user.is_some()),
        ),
        (
            "mqtt password".into(),
            f.mqtt
                .password
                .as_ref()
                .map_or_else(|| "(none)".into(), |r| r.describe()),
            source(f.mqtt.password.is_some()),
        ),
        (
            "render out".into(),
            path(&f.render.out, "(none: --out is required)"),
            source(f.render.out.is_some()),
        ),
        (
            "render templates".into(),
            path(&f.render.templates, "(embedded)"),
            source(f.render.templates.is_some()),
        ),
        (
            "validate format".into(),
            f.validate.format.clone().unwrap_or_else(|| "text".into()),
            source(f.validate.format.is_some()),
        ),
        (
            "plan format".into(),
            f.plan.format.clone().unwrap_or_else(|| "text".into()),
            source(f.plan.format.is_some()),
        ),
    ]
}
