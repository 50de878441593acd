use std::path::PathBuf;

use mon::exit::Exit;
use mon::ops::import::{self, Import};
use mon::report::{self, Format};

use mon::settings::etcd::EtcdFlags;
use mon::settings::input::ConfigFlag;

/// Turn an existing estate into definition files
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon import etcd --out defs                                   # 9volt's monitors and alerters
  mon import hastmon /etc/hastmon.conf --cluster ha --out defs  # a hastmon cluster
  mon import collectd rendered/collectd --out defs; mon import conveyer rendered/conveyer --out defs

Each adds definition files to --out (never replacing one without --force; a broker defined there is
reused), puts credentials into DIR/secrets.env (mode 0600, kept out of git) as {env: NAME}
references, lists what it could not carry over, and validates. See `mon import SOURCE --help`.")]
pub struct Args {
    #[command(subcommand)]
    pub source: Source,
}

#[derive(clap::Subcommand)]
pub enum Source {
    #[cfg(feature = "net")]
    Etcd(EtcdImport),
    Collectd(CollectdImport),
    Hastmon(HastmonImport),
    Conveyer(ConveyerImport),
}

/// Conveyer daemons, from the files `mon render conveyer` writes
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon import conveyer rendered/conveyer --out defs          # every daemon of a rendered tree
  mon import conveyer /srv/conveyer/logs1 --name logs1 --out defs

Reads each daemon directory's conveyer.env, agent.env, conveyer-plugin.json and logstash-output.conf
into conveyer-<name>.yaml, which renders the same files. Exit codes: 0 imported and valid, 1 needs
fixing (listed), 3 a file cannot be read.")]
pub struct ConveyerImport {
    /// A daemon's rendered directory, or a tree of them
    pub dir: PathBuf,
    /// Name of the definition, for one directory [default: the directory's name]
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

/// A hastmon.conf, or a rendered tree of them, as cluster definitions
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon import hastmon /etc/hastmon.conf --cluster storage --out defs
  mon import hastmon rendered/hastmon/queue-ha/hastmon.conf --out defs   # mon's header names the cluster
  mon import hastmon rendered --out defs   # every <cluster>/hastmon.conf `mon render hastmon` wrote

The file is read as hastmon 0.3.4's parser reads it: `#` starts a comment anywhere, even inside a
word; characters hastmon does not read are dropped as separators; address lists are greedy;
repeated `on` blocks merge. Roles come from the file's structure: a node other nodes reach with
`remote` runs the service, the lowest priority is the primary, a node nobody reaches is a watchdog.
Addresses become the nodes' `address` where they are not the node's name. Key secrets become
{env: NAME} references with their values in DIR/secrets.env (mode 0600).
What mon cannot express, and what hastmon itself ignores or refuses, is listed with its line.
Writes cluster-<name>.yaml.
Exit codes: 0 imported and valid, 1 imported but the definition needs fixing (listed), 2 usage
error (--cluster beside several clusters), 3 a file cannot be read, hastmon cannot parse it, or a
file exists in DIR.")]
pub struct HastmonImport {
    /// The hastmon.conf to read, or a directory of <cluster>/hastmon.conf
    pub file: PathBuf,
    /// Name of the cluster definition [default: from mon's header, else the file name]
    #[arg(long, value_name = "NAME")]
    pub cluster: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

/// A host's lua-collectd-monitor config.json, as a broker and a collectd host
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon import collectd /etc/collectd/monitor/config.json --node web1 --out defs
  mon import collectd config.json --node web1 --broker main --out defs
  mon import collectd config.json /etc/collectd/collectd.conf --triggers local/web1.lua --node web1 --out defs
  mon import collectd rendered/collectd --out defs      # every host of a tree as `mon render collectd` writes it

Writes collectd-<host>.yaml with an `mqtt` broker (named after its address, or --broker) and the
`collectd` host: topics, QoS, clean session, reconnect interval, logging, paths, services and
their commands, and the config replacer (Services.collectd). The broker password becomes an
{env: NAME} reference, its value goes to DIR/secrets.env (mode 0600). With COLLECTD_CONF: Hostname,
Interval, every LoadPlugin with its simple options, the network plugin (its Server password to
secrets.env) and the lua plugin's paths; --triggers reads trigger files in the form mon renders.
Keys the plugin does not read, and settings mon cannot express, are listed with their key or line.
Exit codes: 0 imported and valid, 1 imported but the definitions need fixing (listed), 2 usage
error, 3 the file cannot be read, is not JSON, or a file exists in DIR.")]
pub struct CollectdImport {
    /// lua-collectd-monitor's config.json, or a tree as `mon render collectd` writes it (every host)
    pub config_json: PathBuf,
    /// The host's collectd.conf: Hostname, Interval, plugins, network, the lua plugin's paths
    pub collectd_conf: Option<PathBuf>,
    /// A local trigger file in the form mon renders (repeatable)
    #[arg(long, value_name = "FILE")]
    pub triggers: Vec<PathBuf>,
    /// Name of the collectd host definition (as --node names one in send-command); a tree's are its directories'
    #[arg(long = "node", value_name = "NODE")]
    pub node: Option<String>,
    /// Name of the broker definition [default: from its address]
    #[arg(long, value_name = "NAME")]
    pub broker: Option<String>,
    #[command(flatten)]
    pub output: Output,
}

/// Every monitor and alerter 9volt has in etcd, as definitions
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon import etcd --out defs                       # http://127.0.0.1:2379, prefix 9volt, v2
  mon import etcd -e https://etcd1:2379 --cacert ca.pem --out defs
  mon import etcd --no-secrets --out defs          # list the credentials' variables, write no values

Writes monitors-<type>.yaml per monitor type and alerters.yaml. Values are carried over as etcd holds
them, so `mon diff DIR` finds nothing to change but the ownership mark of keys that carry none.
Durations 9volt's API stored as integer nanoseconds become Go duration strings. Alerter credentials
(token, password) become {env: NAME} references; their values go to DIR/secrets.env (mode 0600),
never into the definitions. A value that is not JSON is left out and listed with its key; a value
mon refuses is imported as it is and reported, so nothing is lost before you fix it. A mon.toml is
written when the keys need one to be found again (another prefix or API, their owner).
Files that exist already are not replaced without --force.
Exit codes: 0 imported and valid, 1 imported but some definitions need fixing (listed),
2 usage error, 3 a file exists or cannot be written, 5 etcd unreachable.")]
pub struct EtcdImport {
    #[command(flatten)]
    pub output: Output,
    #[command(flatten)]
    pub etcd: EtcdFlags,
    #[command(flatten)]
    pub settings: ConfigFlag,
}

/// Where and how the definitions are written, the same for every source.
#[derive(clap::Args)]
pub struct Output {
    /// Directory to write the definitions into
    #[arg(long, short = 'o', value_name = "DIR")]
    pub out: PathBuf,
    /// Replace files that exist already
    #[arg(long)]
    pub force: bool,
    /// Do not write secrets.env: only list the variables the definitions name
    #[arg(long)]
    pub no_secrets: bool,
}

pub fn run(args: Args, color: super::Colors) -> Exit {
    match args.source {
        #[cfg(feature = "net")]
        Source::Etcd(a) => etcd(a, color),
        Source::Collectd(a) => collectd(a, color),
        Source::Hastmon(a) => hastmon(a, color),
        Source::Conveyer(a) => match import::conveyer::import(&a.dir, a.name.as_deref()) {
            Ok(imp) => finish(&imp, &a.output, color),
            Err(e) => super::failed_with(Exit::Io, &e),
        },
    }
}

fn hastmon(args: HastmonImport, color: super::Colors) -> Exit {
    match import::hastmon::from_path(&args.file, args.cluster.as_deref()) {
        Ok(imp) => finish(&imp, &args.output, color),
        Err((code, e)) => super::failed_with(code, &e),
    }
}

fn collectd(a: CollectdImport, color: super::Colors) -> Exit {
    let files = (
        a.config_json.as_path(),
        a.collectd_conf.as_deref(),
        &a.triggers[..],
    );
    match import::collectd::from_paths(files, a.node.as_deref(), a.broker.as_deref(), &a.output.out)
    {
        Ok(imp) => finish(&imp, &a.output, color),
        Err((code, e)) => super::failed_with(code, &e),
    }
}

#[cfg(feature = "net")]
fn etcd(args: EtcdImport, color: super::Colors) -> Exit {
    let cfg = match args.settings.find(&[]) {
        Ok(c) => c,
        Err(e) => return super::setting_failed(e),
    };
    let resolved = match args.etcd.resolve(cfg.as_ref()) {
        Ok(r) => r,
        Err(e) => return super::setting_failed(e),
    };
    let api = resolved.options.api.as_str();
    let origin = import::etcd::Origin {
        describe: format!("{} (etcd {api})", resolved.options.endpoints.join(",")),
        prefix: &resolved.prefix,
        api,
        adopt_as: mon::identity::derive(&args.output.out).ok(),
    };
    let rt = mon::etcd::runtime(1);
    let imported = rt.block_on(async {
        let mut store = mon::etcd::Store::connect(&resolved.options).await?;
        import::etcd::from_store(&mut store, &origin).await
    });
    let imp = match imported {
        Ok(i) => i,
        Err(import::etcd::FromStoreError::Etcd(e)) => {
            return super::failed_with(Exit::Unreachable, &e.to_string())
        }
        Err(import::etcd::FromStoreError::Empty(m)) => {
            return super::failed_with(Exit::Usage, &format!("{m}; nothing was written"))
        }
    };
    finish(&imp, &args.output, color)
}

/// Writes, reports what was noted and what validation says, and exits.
fn finish(imp: &Import, output: &Output, color: super::Colors) -> Exit {
    let (out, force, keep) = (output.out.as_path(), output.force, !output.no_secrets);
    import::run(imp, out, (force, keep), &mut |report| {
        super::emit(|o| report::write(Format::Text, report, o, color.stdout))
    })
}
