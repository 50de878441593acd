use std::path::PathBuf;

use mon::exit::Exit;
use mon::settings::etcd::EtcdFlags;
use mon::settings::input::InputFlags;
use mon::settings::owner::OwnerFlags;
use mon::settings::Source;

/// Show every setting, its value and where it came from
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon config                          # settings for the definitions in .
  mon config defs/ --prefix ops       # what a flag would change
  mon config --format json

Precedence: flags, then environment variables, then the nearest mon.toml at or above the
definitions or the current directory, up to the repository's root (or --config FILE), then defaults. Secrets are never shown, only where they come from.
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
    pub owner: OwnerFlags,
    #[command(flatten)]
    pub etcd: EtcdFlags,
    #[command(flatten)]
    pub input: InputFlags,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum ConfigFormat {
    Text,
    Json,
}

pub fn run(args: Args) -> Exit {
    let input = match super::input(&args.input, args.paths) {
        Ok(i) => i,
        Err(code) => return code,
    };
    let cfg = input.cfg;
    let paths = input.paths.value;
    let mut rows: Vec<(String, String, Source)> = Vec::new();
    let shown_paths: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
    rows.push(("paths".into(), shown_paths.join(" "), input.paths.source));
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
    match args.etcd.resolve(cfg.as_ref()) {
        Ok(r) => rows.extend(r.shown.into_iter().map(|(n, v, s)| (n.to_string(), v, s))),
        Err(e) => return super::setting_failed(e),
    }
    rows.extend(mon::settings::file_only(cfg.as_ref()));

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
