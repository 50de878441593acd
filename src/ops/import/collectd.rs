//! A host's lua-collectd-monitor config.json (reference
//! lua-collectd-monitor.md §2) into an `mqtt` broker and a `collectd` host
//! definition. Every key the plugin reads maps to one field; what mon
//! cannot express is noted with the key it came from.

use serde_json::{Map, Value};
use std::path::Path;

use super::def::{self, Broker};
use super::{secret_var, yaml, File, Import, Note, Secret};

/// `obj[key]` as the field's type, or a note (`what` it should be; the
/// value is never quoted) and nothing: the plugin cannot read it either.
fn take<T: serde::de::DeserializeOwned>(
    obj: &mut Map<String, Value>,
    (at, key): (&str, &str),
    what: &str,
    source: &str,
    imp: &mut Import,
) -> Option<T> {
    let v = obj.remove(key)?;
    let typed = serde_json::from_value(v).ok();
    if typed.is_none() {
        imp.notes.push(Note {
            source: format!("{source}: {at}{key}"),
            message: format!("not {what}; left out"),
            left_out: true,
        });
    }
    typed
}

/// A definition name from a broker address: `mqtt.example.com:1883` →
/// `mqtt-example-com-1883`.
fn broker_name(host: &str) -> String {
    let n = super::slug(&host.to_ascii_lowercase(), '-');
    match n.trim_matches('-') {
        "" => "broker".into(),
        n => n.to_string(),
    }
}

/// The definitions in config.json `text` (read from `source`) for the
/// collectd host `host`; the broker is named `broker`, or after its address.
/// Besides config.json: the host's collectd.conf (text and where it was
/// read), and local trigger files.
#[derive(Default)]
pub struct Extra<'a> {
    pub conf: Option<(&'a str, &'a str)>,
    pub triggers: &'a [(String, String)],
    /// Brokers defined already (in `--out`, or earlier in a fleet), by
    /// address: one at the same address is reused, not defined again.
    pub brokers: &'a [(String, (String, u16))],
}

pub fn import(
    text: &str,
    source: &str,
    host: &str,
    broker: Option<&str>,
    extra: Extra,
) -> Result<Import, String> {
    let json: Value = serde_json::from_str(text).map_err(|e| format!("{source}: not JSON: {e}"))?;
    let Value::Object(mut top) = json else {
        return Err(format!(
            "{source}: not a JSON object, which lua-collectd-monitor cannot read"
        ));
    };
    let mut imp = Import::default();
    let note = |imp: &mut Import, key: &str, message: String, left_out: bool| {
        imp.notes.push(Note {
            source: format!("{source}: {key}"),
            message,
            left_out,
        })
    };
    let mut taken = super::Taken::default();

    // The broker: Host, User, Password, Secure.
    let address = match top.remove("Host") {
        Some(Value::String(h)) => h,
        _ => return Err(format!("{source}: `Host` (the broker) is missing or not a string; remote.lua cannot connect without it")),
    };
    let secure = tls(top.get("Secure"));
    let reached = crate::model::collectd::broker_address(&address, secure);
    let reused = extra
        .brokers
        .iter()
        .find(|(_, a)| Some(a) == reached.as_ref())
        .map(|(n, _)| n.clone());
    let bname = reused
        .clone()
        .or_else(|| broker.map(str::to_string))
        .unwrap_or_else(|| broker_name(&address));
    let mut b = Broker {
        host: address,
        user: None,
        password: None,
        secure: None,
        cafile: None,
        cert: None,
        key: None,
    };
    b.user = take(&mut top, ("", "User"), "a string", source, &mut imp);
    if let Some(p) = top.remove("Password").filter(|_| reused.is_none()) {
        match p {
            Value::String(v) => {
                let var = secret_var(&["mqtt", &bname, "password"], &mut taken);
                imp.secrets.push(Secret {
                    var: var.clone(),
                    value: v,
                    source: format!("{source}: Password"),
                });
                b.password = Some(def::Secret::env(var));
            }
            _ => note(&mut imp, "Password", "not a string; left out".into(), true),
        }
    }
    match top.remove("Secure") {
        Some(Value::Bool(s)) => b.secure = Some(s),
        Some(Value::Object(_)) => {
            note(&mut imp, "Secure", "luasec parameters (an object) are not expressible; the broker is imported with `secure: true` (TLS without verifying the server, as `true` means to the plugin)".into(), false);
            b.secure = Some(true);
        }
        Some(other) => note(
            &mut imp,
            "Secure",
            format!("`{other}` is not a boolean; left out"),
            true,
        ),
        None => {}
    }

    // The host: each key the plugin reads (reference lua-collectd-monitor.md §2).
    let mut h = def::Host {
        broker: bname.clone(),
        ..Default::default()
    };
    let t = &mut top;
    h.command_topic = take(t, ("", "CommandTopic"), "a string", source, &mut imp);
    h.result_topic = take(t, ("", "CommandResultTopic"), "a string", source, &mut imp);
    h.qos = take(t, ("", "QoS"), "a QoS level (0, 1 or 2)", source, &mut imp);
    h.clean_session = take(t, ("", "CleanSession"), "a boolean", source, &mut imp);
    h.reconnect_interval = match t.remove("ReconnectInterval") {
        Some(Value::Bool(true)) => {
            note(&mut imp, "ReconnectInterval", "`true` (luamqtt's default interval) is written as 5 seconds, the plugin's shipped setting".into(), false);
            Some(5)
        }
        Some(v) => {
            t.insert("ReconnectInterval".into(), v);
            take(
                t,
                ("", "ReconnectInterval"),
                "a number of seconds",
                source,
                &mut imp,
            )
        }
        None => None,
    };
    h.log_level = take::<String>(t, ("", "LogLevel"), "a string", source, &mut imp)
        .map(|s| s.to_ascii_lowercase());
    h.log_device = take(t, ("", "LogDevice"), "a string", source, &mut imp);
    if h.result_topic.is_none() {
        note(&mut imp, "CommandResultTopic", format!("unset, so the plugin sends no replies; mon always configures one (default collectd/{host}/result)"), false);
    }
    h.paths.monitor_config = take(t, ("", "MonitorConfigPath"), "a string", source, &mut imp);
    if t.contains_key("LocalMonitorConfigDir") && extra.triggers.is_empty() {
        note(
            &mut imp,
            "LocalMonitorConfigDir",
            "trigger files are read only with --triggers FILE; without them the host has no triggers".into(),
            false,
        );
    }
    h.paths.local_dir = take(
        t,
        ("", "LocalMonitorConfigDir"),
        "a string",
        source,
        &mut imp,
    );
    if let Some(services) = top.remove("Services") {
        let Value::Object(services) = services else {
            return Err(format!("{source}: `Services` is not an object"));
        };
        for (name, svc) in services {
            let Value::Object(mut svc) = svc else {
                note(
                    &mut imp,
                    &format!("Services.{name}"),
                    "not an object; left out".into(),
                    true,
                );
                continue;
            };
            if name == "collectd" {
                let s = &mut svc;
                let mut r = def::Replacer::default();
                let path = |s: &mut Map<String, Value>, key: &str, imp: &mut Import| {
                    take(s, ("Services.collectd.", key), "a string", source, imp)
                };
                r.config_path = path(s, "ConfigPath", &mut imp);
                r.command_path = path(s, "CommandPath", &mut imp);
                r.pid_path = path(s, "PIDPath", &mut imp);
                r.report_path = path(s, "ReplacerReportPath", &mut imp);
                r.lua_path = path(s, "LuaPath", &mut imp);
                r.log_device = path(s, "LogDevice", &mut imp);
                r.log_level = path(s, "LogLevel", &mut imp);
                if let Some(Value::Object(mut cmds)) = svc.remove("commands") {
                    let at = "Services.collectd.commands.";
                    r.start = take(&mut cmds, (at, "start"), "a string", source, &mut imp);
                    r.stop = take(&mut cmds, (at, "stop"), "a string", source, &mut imp);
                    for k in cmds.keys() {
                        note(
                            &mut imp,
                            &format!("Services.collectd.commands.{k}"),
                            "the replacer runs only start and stop; left out".into(),
                            true,
                        );
                    }
                }
                for k in svc.keys() {
                    note(
                        &mut imp,
                        &format!("Services.collectd.{k}"),
                        "not a key the replacer reads; left out".into(),
                        true,
                    );
                }
                h.replacer = Some(r);
                continue;
            }
            match svc.remove("commands") {
                Some(Value::Object(cmds)) if !cmds.is_empty() => {
                    match serde_json::from_value(Value::Object(cmds)) {
                        Ok(commands) => {
                            drop(h.services.insert(name.clone(), def::Service { commands }))
                        }
                        Err(_) => note(
                            &mut imp,
                            &format!("Services.{name}.commands"),
                            "not every command is a string (the plugin runs strings); left out"
                                .into(),
                            true,
                        ),
                    }
                }
                _ => note(
                    &mut imp,
                    &format!("Services.{name}"),
                    "has no `commands` (the plugin reads exactly that key); left out".into(),
                    true,
                ),
            }
            for k in svc.keys() {
                note(
                    &mut imp,
                    &format!("Services.{name}.{k}"),
                    "not a key the plugin reads; left out".into(),
                    true,
                );
            }
        }
    }
    for k in top.keys() {
        note(
            &mut imp,
            k,
            "not a key lua-collectd-monitor reads; left out".into(),
            true,
        );
    }
    if let Some((conf, conf_source)) = extra.conf {
        let items = super::collectd_conf::parse(conf, conf_source)?;
        super::collectd_conf::import(&items, conf_source, host, &mut h, &mut imp, &mut taken);
    }
    for (text, file) in extra.triggers {
        match super::collectd_conf::triggers(text) {
            Some(t) => h.triggers.extend(t),
            None => imp.notes.push(Note {
                source: file.clone(),
                message: "not a trigger file in the form mon renders (named metric and notification handlers, one condition per line); left out, define its triggers in `triggers`".into(),
                left_out: true,
            }),
        }
    }

    let mut header = format!("Imported by `mon import collectd` from {source}.");
    if !imp.secrets.is_empty() {
        header.push_str(
            "\nThe broker password is an {env: NAME} reference; its value is in secrets.env.",
        );
    }
    let mut doc = def::one(host.to_string(), h, |d| &mut d.collectd);
    match &reused {
        Some(name) => imp.notes.push(Note {
            source: format!("{source}: Host"),
            message: format!("broker `{name}` at the same address is defined already; the host uses it (its user and password are kept as they are)"),
            left_out: false,
        }),
        None => doc.mqtt = Some([(bname.clone(), b)].into_iter().collect()),
    }
    let text = yaml::document(&header, &doc);
    let file: String = host
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    imp.files.push(File {
        path: format!("collectd-{file}.yaml").into(),
        content: text,
        mode: 0o644,
    });
    if reused.is_none() {
        imp.counts.insert("brokers", 1);
    }
    imp.counts.insert("collectd hosts", 1);
    Ok(imp)
}

/// A host directory of a tree `mon render collectd` writes, read: its
/// config.json, and its collectd.conf and `local/*.lua` trigger files when
/// there. Each is a bounded regular file.
struct HostFiles {
    name: String,
    json: (String, String),
    conf: Option<(String, String)>,
    triggers: Vec<(String, String)>,
}

fn read_file(p: &std::path::Path) -> Result<(String, String), String> {
    let shown = p.display().to_string();
    crate::source::read(p)
        .map(|t| (t, shown.clone()))
        .map_err(|e| format!("{shown}: {}", e.message))
}

fn host_files(dir: &std::path::Path) -> Result<Option<HostFiles>, String> {
    let json = dir.join("config.json");
    if !json.is_file() {
        return Ok(None);
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let conf = dir.join("collectd.conf");
    let conf = conf.is_file().then(|| read_file(&conf)).transpose()?;
    let mut triggers = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir.join("local")) {
        let mut paths: Vec<_> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "lua"))
            .collect();
        paths.sort();
        for p in paths {
            triggers.push(read_file(&p)?);
        }
    }
    Ok(Some(HostFiles {
        name,
        json: read_file(&json)?,
        conf,
        triggers,
    }))
}

/// What `mon import collectd` was given: a rendered tree (every host), or
/// one config.json with the host's collectd.conf and trigger files, which
/// then needs the host's name. Brokers `out` defines already are reused.
pub fn from_paths(
    (json, conf, triggers): (&Path, Option<&Path>, &[std::path::PathBuf]),
    node: Option<&str>,
    broker: Option<&str>,
    out: &Path,
) -> Result<Import, (crate::exit::Exit, String)> {
    use crate::exit::Exit;
    let brokers = super::known_brokers(out);
    if json.is_dir() {
        return fleet(json, broker, &brokers).map_err(|e| (Exit::Io, e));
    }
    let Some(node) = node else {
        return Err((
            Exit::Usage,
            "one config.json needs --node NAME for its host".into(),
        ));
    };
    // Each a regular UTF-8 file within the definition files' size limit.
    let read = |p: &Path| {
        let text = crate::source::read_named(p).map_err(|e| (Exit::Io, e))?;
        Ok((text, p.display().to_string()))
    };
    let (text, source) = read(json)?;
    let conf = conf.map(read).transpose()?;
    let triggers: Vec<(String, String)> =
        triggers.iter().map(|p| read(p)).collect::<Result<_, _>>()?;
    let extra = Extra {
        conf: conf.as_ref().map(|(t, s)| (t.as_str(), s.as_str())),
        triggers: &triggers,
        brokers: &brokers,
    };
    import(&text, &source, node, broker, extra).map_err(|e| (Exit::Io, e))
}

/// Every host of a tree laid out as `mon render collectd` writes it
/// (`DIR/<host>/config.json`, `collectd.conf`, `local/<host>.lua`; DIR may
/// be the render's output with `collectd/` under it), in one import: hosts
/// on one broker share one definition (as do hosts on a broker `known`
/// holds already), and their secrets one secrets.env.
pub fn fleet(
    dir: &std::path::Path,
    broker: Option<&str>,
    known: &[(String, (String, u16))],
) -> Result<Import, String> {
    let (root, dirs) = super::rendered(dir, "collectd", Path::is_dir)?;
    let mut brokers = known.to_vec();
    let mut all = Import::default();
    for d in dirs {
        let Some(h) = host_files(&d)? else { continue };
        let extra = Extra {
            conf: h.conf.as_ref().map(|(t, s)| (t.as_str(), s.as_str())),
            triggers: &h.triggers,
            brokers: &brokers,
        };
        let one = import(&h.json.0, &h.json.1, &h.name, broker, extra)?;
        // The broker this host defined, for the hosts after it.
        if let Some(b) = defined_broker(&h.json.0) {
            brokers.push(b);
        }
        all.merge(one)?;
    }
    if all.files.is_empty() {
        return Err(format!(
            "{}: no <host>/config.json under it; give a tree as `mon render collectd` writes it, or one config.json with --node",
            root.display()
        ));
    }
    Ok(all)
}

/// Whether config.json's `Secure` means TLS to the plugin: `true`, or an
/// object of luasec parameters.
fn tls(secure: Option<&Value>) -> bool {
    matches!(secure, Some(Value::Bool(true)) | Some(Value::Object(_)))
}

/// The name and address of the broker a config.json names, as `import`
/// names it when no other is reused.
fn defined_broker(text: &str) -> Option<(String, (String, u16))> {
    let v: Value = serde_json::from_str(text).ok()?;
    let host = v.get("Host")?.as_str()?;
    let secure = tls(v.get("Secure"));
    Some((
        broker_name(host),
        crate::model::collectd::broker_address(host, secure)?,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// config.json is data: a value of another type than the plugin reads
    /// (an object planted as `User` among them) is noted and left out,
    /// never written as it came.
    #[test]
    fn a_value_of_the_wrong_type_is_noted_and_left_out() {
        let json = r#"{"Host": "mq:1883", "User": {"env": "HOME"}, "QoS": "1",
            "CleanSession": true, "LogLevel": "INFO",
            "Services": {"collectd": {"ConfigPath": 5, "LuaPath": "/usr/share/lua"}}}"#;
        let imp = import(json, "h/config.json", "h", None, Extra::default()).unwrap();
        let text = &imp.files[0].content;
        assert!(!text.contains("env") && !text.contains("user"), "{text}");
        assert!(
            !text.contains("qos") && !text.contains("config_path"),
            "{text}"
        );
        assert!(text.contains("clean_session: true"), "{text}");
        assert!(text.contains("log_level: info"), "{text}");
        assert!(text.contains("lua_path: /usr/share/lua"), "{text}");
        let noted: Vec<&str> = imp
            .notes
            .iter()
            .filter(|n| n.left_out)
            .map(|n| n.source.as_str())
            .collect();
        for key in ["User", "QoS", "Services.collectd.ConfigPath"] {
            assert!(
                noted.contains(&format!("h/config.json: {key}").as_str()),
                "{key} not noted: {noted:?}"
            );
        }
    }
}
