//! collectd.conf and mon's local trigger files, read for `mon import
//! collectd`: the settings mon renders (Hostname, Interval, plugins with
//! their simple options, the network plugin, the lua plugin's paths) and
//! triggers in the form mon writes them. Everything else is named with its
//! line (reference dozor-conveyer-collectd.md §3.7, lua-collectd-monitor.md
//! §3, §6).

use serde_json::{json, Map, Value};

use super::def::{self, OptionValue, Scalar};
use super::{secret_var, Import, Note, Secret};

/// One statement or block of collectd.conf.
#[derive(Debug, Clone)]
pub struct Item {
    pub key: String,
    pub values: Vec<Value>,
    pub children: Option<Vec<Item>>,
    pub line: usize,
}

/// A bare word as collectd's lexer types it: a boolean, a number, or a string.
fn bare(w: &str) -> Value {
    match w {
        "true" | "yes" | "on" => return Value::Bool(true),
        "false" | "no" | "off" => return Value::Bool(false),
        _ => {}
    }
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let unsigned = w.strip_prefix(['+', '-']).unwrap_or(w);
    if digits(unsigned) {
        if let Ok(i) = w.parse::<i64>() {
            return json!(i);
        }
    }
    let (mantissa, exp) = unsigned
        .split_once(['e', 'E'])
        .map_or((unsigned, None), |(m, e)| (m, Some(e)));
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => (digits(a) || a.is_empty()) && digits(b),
        None => false,
    };
    let exp_ok = exp.is_none_or(|e| e.starts_with(['+', '-']) && digits(&e[1..]));
    if mantissa_ok && exp_ok {
        if let Ok(f) = w.parse::<f64>() {
            return json!(f);
        }
    }
    Value::String(w.to_string())
}

/// The statements of collectd.conf `text`, or why collectd cannot read it.
/// Deepest block nesting read.
const MAX_DEPTH: usize = 64;

/// The logical lines of a collectd.conf with the line each starts on:
/// a line ending in a backslash joins the next, a CR before a line end is
/// dropped, and a line break inside a quoted string is part of the string
/// (collectd's lexer reads it as written, so mon renders such values).
fn logical_lines(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let (mut line, mut first) = (1, 1);
    let (mut quoted, mut escaped, mut comment) = (false, false, false);
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            if quoted && !comment {
                escaped = false;
                cur.push(c);
                continue;
            }
            comment = false;
            if cur.ends_with('\r') {
                cur.pop();
            }
            if cur.ends_with('\\') {
                cur.pop();
                continue;
            }
            out.push((first, std::mem::take(&mut cur)));
            first = line;
            continue;
        }
        match (comment, quoted, escaped, c) {
            (true, ..) => {}
            (false, true, true, _) => escaped = false,
            (false, true, false, '\\') => escaped = true,
            (false, true, false, '"') => quoted = false,
            (false, false, _, '"') => quoted = true,
            (false, false, _, '#') => comment = true,
            _ => {}
        }
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push((first, cur));
    }
    out
}

pub fn parse(text: &str, source: &str) -> Result<Vec<Item>, String> {
    let mut stack: Vec<Item> = vec![Item {
        key: String::new(),
        values: Vec::new(),
        children: Some(Vec::new()),
        line: 0,
    }];
    for (first_line, line) in logical_lines(text) {
        let words = words(&line).map_err(|e| format!("{source}:{first_line}: {e}"))?;
        let Some((first, rest)) = words.split_first() else {
            continue;
        };
        let n = first_line;
        let Word::Bare(first) = first else {
            return Err(format!(
                "{source}:{n}: a statement starts with a quoted string, which collectd refuses"
            ));
        };
        let values: Vec<Value> = rest
            .iter()
            .map(|w| match w {
                Word::Bare(b) => bare(b),
                Word::Quoted(q) => Value::String(q.clone()),
            })
            .collect();
        if let Some(key) = first.strip_prefix("</") {
            let done = stack.pop().filter(|b| !stack.is_empty() && b.key == key).ok_or_else(|| {
                format!("{source}:{n}: `</{key}>` closes no open `<{key}>` block; collectd refuses the file")
            })?;
            stack
                .last_mut()
                .and_then(|p| p.children.as_mut())
                .expect("the root is never popped")
                .push(done);
        } else if let Some(key) = first.strip_prefix('<') {
            // Bounded, so nothing after the parse (dropping the tree
            // included) recurses deeper than this: a million nested blocks
            // overflowed the stack.
            if stack.len() > MAX_DEPTH {
                return Err(format!(
                    "{source}:{n}: blocks nested more than {MAX_DEPTH} deep; collectd's plugins nest a few levels, so this is not a collectd.conf to import"
                ));
            }
            stack.push(Item {
                key: key.to_string(),
                values,
                children: Some(Vec::new()),
                line: n,
            });
        } else {
            stack
                .last_mut()
                .and_then(|p| p.children.as_mut())
                .expect("blocks have children")
                .push(Item {
                    key: first.clone(),
                    values,
                    children: None,
                    line: n,
                });
        }
    }
    if stack.len() > 1 {
        let open = stack.last().expect("more than one");
        return Err(format!(
            "{source}:{}: `<{}>` is never closed; collectd refuses the file",
            open.line, open.key
        ));
    }
    Ok(stack.pop().and_then(|r| r.children).unwrap_or_default())
}

enum Word {
    Bare(String),
    Quoted(String),
}

/// The words of one logical line: quoted strings (a backslash makes the
/// next character literal), bare words, `#` comments outside quotes; the
/// `>` of a block tag is dropped.
fn words(line: &str) -> Result<Vec<Word>, String> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '#' => break,
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next() {
                        Some('\\') => s.extend(chars.next()),
                        Some('"') => break,
                        Some(c) => s.push(c),
                        None => return Err("a quoted string is not closed".into()),
                    }
                }
                out.push(Word::Quoted(s));
            }
            // `>` only closes a block's opening or closing tag.
            '>' => {
                chars.next();
            }
            _ => {
                let mut s = String::new();
                while let Some(&c) = chars.peek() {
                    if matches!(c, ' ' | '\t' | '"' | '#' | '>') {
                        break;
                    }
                    s.push(c);
                    chars.next();
                }
                out.push(Word::Bare(s));
            }
        }
    }
    Ok(out)
}

fn note(imp: &mut Import, source: &str, line: usize, message: String, left_out: bool) {
    imp.notes.push(Note {
        source: format!("{source}:{line}"),
        message,
        left_out,
    });
}

fn one_string(i: &Item) -> Option<&str> {
    match i.values.as_slice() {
        [Value::String(s)] => Some(s),
        _ => None,
    }
}

/// Settings mon renders the same way on every host; a file that differs
/// is noted, not imported.
const LOGFILE: &[(&str, &str)] = &[
    ("LogLevel", "\"info\""),
    ("File", "\"STDERR\""),
    ("Timestamp", "true"),
    ("PrintSeverity", "true"),
];

/// Whether a plugin option holds a credential, by its name as collectd's
/// plugins name them (collectd.conf(5)): `Password` (apache, nginx, mysql,
/// postgresql, curl_json, ...), `SMTPPassword` (notify_email), the SNMP
/// `Community` and v3 `AuthPassphrase`/`PrivacyPassphrase`, and any
/// `*Secret`, `*Token`, `*ApiKey`.
pub fn is_credential(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    ["password", "passphrase", "secret", "token", "apikey"]
        .iter()
        .any(|end| k.ends_with(end))
        || k == "community"
}

/// A value of collectd's lexer as a definition's scalar.
fn scalar(v: &Value) -> Option<Scalar> {
    match v {
        Value::Bool(b) => Some(Scalar::Bool(*b)),
        Value::Number(n) => Some(Scalar::Number(n.clone())),
        Value::String(s) => Some(Scalar::Text(s.clone())),
        _ => None,
    }
}

/// Reads `items` into the host `h` (and credentials into `imp`'s
/// secrets): plugins in file order; the rest is noted.
pub fn import(
    items: &[Item],
    source: &str,
    host: &str,
    h: &mut def::Host,
    imp: &mut Import,
    taken: &mut super::Taken,
) {
    let mut loaded: Vec<String> = Vec::new();
    let mut blocks: Vec<&Item> = Vec::new();
    for i in items {
        match (i.key.as_str(), &i.children) {
            ("Hostname", None) => match one_string(i) {
                Some(s) if s == host => {}
                Some(s) => h.hostname = Some(s.to_string()),
                None => note(
                    imp,
                    source,
                    i.line,
                    "`Hostname` is not one string; left out".into(),
                    true,
                ),
            },
            ("Interval", None) => match i.values.as_slice() {
                [Value::Number(n)] => h.interval = Some(n.clone()),
                _ => note(
                    imp,
                    source,
                    i.line,
                    "`Interval` is not one number; left out".into(),
                    true,
                ),
            },
            ("LoadPlugin", None) => match one_string(i) {
                Some(p) => loaded.push(p.to_string()),
                None => note(
                    imp,
                    source,
                    i.line,
                    "`LoadPlugin` without one plugin name; left out".into(),
                    true,
                ),
            },
            ("LoadPlugin", Some(children)) => {
                let Some(p) = one_string(i) else { continue };
                loaded.push(p.to_string());
                for c in children {
                    let globals = c.key == "Globals" && c.values == [Value::Bool(true)];
                    if !(p == "lua" && globals) {
                        note(imp, source, c.line, format!("`{}` in `<LoadPlugin {p}>`: mon writes a plain `LoadPlugin`; left out", c.key), true);
                    }
                }
            }
            ("Plugin", Some(_)) => blocks.push(i),
            (k, _) => note(
                imp,
                source,
                i.line,
                format!("`{k}` is not a setting mon renders into collectd.conf; left out"),
                true,
            ),
        }
    }
    for name in &loaded {
        let mine: Vec<&&Item> = blocks
            .iter()
            .filter(|b| one_string(b) == Some(name))
            .collect();
        let children: Vec<&Item> = mine
            .iter()
            .flat_map(|b| b.children.iter().flatten())
            .collect();
        match name.as_str() {
            "logfile" => {
                for c in &children {
                    let text: Vec<String> = c.values.iter().map(|v| v.to_string()).collect();
                    if !LOGFILE
                        .iter()
                        .any(|(k, v)| *k == c.key && text == [v.to_string()])
                    {
                        note(imp, source, c.line, format!("logfile `{}`: mon always logs to STDERR at info with timestamps and severities; left out", c.key), true);
                    }
                }
            }
            "network" => network(&children, source, h, imp, taken),
            "lua" => lua(&children, source, &mut h.paths, imp),
            _ => {
                let mut options: def::Map<OptionValue> = Default::default();
                for c in &children {
                    if c.children.is_some() {
                        note(imp, source, c.line, format!("the block `<{}>` in `<Plugin {name}>`: mon writes only simple options; left out", c.key), true);
                        continue;
                    }
                    let [v] = c.values.as_slice() else {
                        note(imp, source, c.line, format!("`{}` in `<Plugin {name}>` has {} values; mon writes one value per line; left out", c.key, c.values.len()), true);
                        continue;
                    };
                    let Some(v) = scalar(v) else { continue };
                    // A credential goes to secrets.env, never into the definition.
                    if let Scalar::Text(text) = &v {
                        if is_credential(&c.key) {
                            if options.contains_key(&c.key) {
                                note(imp, source, c.line, format!("`{}` in `<Plugin {name}>` is given again; mon writes a credential once, the first; left out", c.key), true);
                                continue;
                            }
                            let var = secret_var(&["collectd", host, name, &c.key], taken);
                            imp.secrets.push(Secret {
                                var: var.clone(),
                                value: text.clone(),
                                source: format!("{source}:{}: <Plugin {name}> {}", c.line, c.key),
                            });
                            options.insert(
                                c.key.clone(),
                                OptionValue::Secret(def::SecretRef::Env(var)),
                            );
                            continue;
                        }
                    }
                    match options.get_mut(&c.key) {
                        Some(OptionValue::Many(a)) => a.push(v),
                        Some(OptionValue::One(first)) => {
                            let first = first.clone();
                            options.insert(c.key.clone(), OptionValue::Many(vec![first, v]));
                        }
                        Some(OptionValue::Secret(_)) => note(imp, source, c.line, format!("`{}` in `<Plugin {name}>` is given again after a credential; left out", c.key), true),
                        None => drop(options.insert(c.key.clone(), OptionValue::One(v))),
                    }
                }
                h.plugins.insert(name.clone(), options);
            }
        }
    }
    for b in &blocks {
        let name = one_string(b).unwrap_or_default();
        if !loaded.iter().any(|n| n == name) {
            note(imp, source, b.line, format!("`<Plugin {name}>` has no `LoadPlugin {name}`, so collectd ignores it; left out"), true);
        }
    }
}

fn network(
    children: &[&Item],
    source: &str,
    h: &mut def::Host,
    imp: &mut Import,
    taken: &mut super::Taken,
) {
    let net = &mut h.network;
    for c in children {
        match (c.key.as_str(), &c.children) {
            (k @ ("Server" | "Listen"), Some(inner)) => {
                let (host, port) = match c.values.as_slice() {
                    [Value::String(host)] => (host.clone(), None),
                    [Value::String(host), Value::String(port)] => match port.parse::<u16>() {
                        Ok(p) => (host.clone(), Some(p)),
                        Err(_) => {
                            note(
                                imp,
                                source,
                                c.line,
                                format!(
                                    "`<{k}>` port `{port}` is not a number mon can write; left out"
                                ),
                                true,
                            );
                            (host.clone(), None)
                        }
                    },
                    _ => {
                        note(imp, source, c.line, format!("`<{k}>` needs one or two strings (collectd logs an error otherwise); left out"), true);
                        continue;
                    }
                };
                let mut server = def::Server {
                    host: host.clone(),
                    port,
                    ..Default::default()
                };
                let mut listen = def::Listen {
                    host,
                    port,
                    ..Default::default()
                };
                for o in inner {
                    let known = matches!(
                        (k, o.key.as_str()),
                        (_, "SecurityLevel")
                            | ("Server", "Username" | "Password")
                            | ("Listen", "AuthFile")
                    );
                    if !known {
                        note(
                            imp,
                            source,
                            o.line,
                            format!(
                                "`{}` in `<{k}>` is not a setting mon renders; left out",
                                o.key
                            ),
                            true,
                        );
                        continue;
                    }
                    let Some(v) = one_string(o) else {
                        note(
                            imp,
                            source,
                            o.line,
                            format!("`{}` is not one string; left out", o.key),
                            true,
                        );
                        continue;
                    };
                    let v = v.to_string();
                    match o.key.as_str() {
                        "SecurityLevel" => {
                            server.security_level = Some(v.clone());
                            listen.security_level = Some(v);
                        }
                        "Username" => server.username = Some(v),
                        "AuthFile" => listen.auth_file = Some(v),
                        _ => {
                            let var = secret_var(&["collectd", "network", "password"], taken);
                            imp.secrets.push(Secret {
                                var: var.clone(),
                                value: v,
                                source: format!("{source}:{}", o.line),
                            });
                            server.password = Some(def::Secret::env(var));
                        }
                    }
                }
                if k == "Server" {
                    net.servers.push(server);
                } else {
                    net.listen.push(listen);
                }
            }
            (k @ ("TimeToLive" | "MaxPacketSize" | "Forward"), None) => {
                let Some(v) = c.values.first().and_then(scalar) else {
                    note(
                        imp,
                        source,
                        c.line,
                        format!("network `{k}` has no value; left out"),
                        true,
                    );
                    continue;
                };
                *match k {
                    "TimeToLive" => &mut net.time_to_live,
                    "MaxPacketSize" => &mut net.max_packet_size,
                    _ => &mut net.forward,
                } = Some(v);
            }
            (k, _) => note(
                imp,
                source,
                c.line,
                format!("network `{k}` is not a setting mon renders; left out"),
                true,
            ),
        }
    }
}

/// The lua plugin: where lua-collectd-monitor is installed and the paths
/// its two scripts read.
fn lua(children: &[&Item], source: &str, paths: &mut def::Paths, imp: &mut Import) {
    for c in children {
        match (c.key.as_str(), &c.children) {
            ("BasePath", None) => {
                if let Some(p) = one_string(c) {
                    paths.base_path = Some(p.trim_end_matches('/').to_string());
                }
            }
            ("Script", None) => {
                let s = one_string(c).unwrap_or_default();
                if !matches!(
                    s,
                    "collectd/monitor/remote.lua" | "collectd/monitor/local.lua"
                ) {
                    note(
                        imp,
                        source,
                        c.line,
                        format!("lua `Script {s}` is not lua-collectd-monitor's; left out"),
                        true,
                    );
                }
            }
            ("Module", Some(inner)) => {
                for o in inner {
                    let field = match o.key.as_str() {
                        "MonitorConfigPath" => &mut paths.monitor_config,
                        "LocalMonitorConfigDir" => &mut paths.local_dir,
                        k => {
                            note(imp, source, o.line, format!("`{k}` in a lua `<Module>` is not a setting mon renders; left out"), true);
                            continue;
                        }
                    };
                    if let Some(v) = one_string(o) {
                        match field {
                            Some(p) if p != v => note(imp, source, o.line, format!("`{}` is `{v}` here and `{p}` elsewhere; mon writes one path, `{p}`", o.key), false),
                            _ => *field = Some(v.to_string()),
                        }
                    }
                }
            }
            (k, _) => note(
                imp,
                source,
                c.line,
                format!("lua `{k}` is not a setting mon renders; left out"),
                true,
            ),
        }
    }
}

/// Triggers from a local trigger file in the form mon renders it (a table
/// of named metric and notification handlers, one condition per line);
/// `None` when the file is in another form.
pub fn triggers(text: &str) -> Option<Vec<(String, def::Trigger)>> {
    let mut out = Vec::new();
    let mut lines = text.lines().map(str::trim);
    let mut current: Option<(String, bool, Map<String, Value>)> = None;
    for line in lines.by_ref() {
        if line.is_empty()
            || line.starts_with("--")
            || line.starts_with("local metric")
            || line.starts_with("local notification")
            || line == "return metric, notification"
        {
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("metric[")
            .or_else(|| line.strip_prefix("notification["))
        {
            let metric = line.starts_with("metric[");
            let (name, tail) = lua_string(rest)?;
            if !tail.starts_with("] = function(") {
                return None;
            }
            current = Some((name, metric, Map::new()));
            continue;
        }
        let (name, metric, cond) = current.as_mut()?;
        let var = if *metric { "v." } else { "n." };
        if let Some(rest) = line.strip_prefix("if ").and_then(|l| l.strip_prefix(var)) {
            let (field, value) = rest.split_once(" ~= ")?;
            let value = value.strip_suffix(" then return nil end")?;
            let v = if field == "severity" {
                json!(match value {
                    "1" => "failure",
                    "2" => "warning",
                    "4" => "okay",
                    _ => return None,
                })
            } else {
                let (s, tail) = lua_string(value)?;
                if !tail.is_empty() {
                    return None;
                }
                json!(s)
            };
            cond.insert(field.into(), v);
        } else if let Some(i) = line
            .strip_prefix("local x = v.values[")
            .and_then(|l| l.strip_suffix(']'))
        {
            cond.insert("value_index".into(), json!(i.parse::<u32>().ok()?));
        } else if line == "if x == nil then return nil end" {
        } else if let Some(t) = line
            .strip_prefix("if not (x > ")
            .and_then(|l| l.strip_suffix(") then return nil end"))
        {
            cond.insert("above".into(), number(t)?);
        } else if let Some(t) = line
            .strip_prefix("if not (x < ")
            .and_then(|l| l.strip_suffix(") then return nil end"))
        {
            cond.insert("below".into(), number(t)?);
        } else if let Some(rest) = line.strip_prefix("return { service = ") {
            let (service, tail) = lua_string(rest)?;
            let (command, tail) = lua_string(tail.strip_prefix(", command = ")?)?;
            if tail != " }" {
                return None;
            }
            if *metric && cond.get("value_index") == Some(&json!(1)) {
                cond.remove("value_index");
            }
            // A condition on a field mon does not write is another form.
            let cond = Value::Object(std::mem::take(cond));
            let (metric, notification) = if *metric {
                (Some(serde_json::from_value(cond).ok()?), None)
            } else {
                (None, Some(serde_json::from_value(cond).ok()?))
            };
            out.push((
                name.clone(),
                def::Trigger {
                    metric,
                    notification,
                    run: def::Run { service, command },
                },
            ));
        } else if line == "end" {
            current = None;
        } else {
            return None;
        }
    }
    Some(out)
}

fn number(t: &str) -> Option<Value> {
    let f: f64 = t.parse().ok()?;
    Some(if f.fract() == 0.0 && f.abs() < 1e15 {
        json!(f as i64)
    } else {
        json!(f)
    })
}

/// A Lua string literal as mon writes it (`\\`, `\"` and `\ddd` escapes)
/// at the start of `s`, and what follows it.
fn lua_string(s: &str) -> Option<(String, &str)> {
    let rest = s.strip_prefix('"')?;
    let bytes = rest.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => return Some((String::from_utf8(out).ok()?, &rest[i + 1..])),
            b'\\' => {
                let next = *bytes.get(i + 1)?;
                if next.is_ascii_digit() {
                    let digits = rest.get(i + 1..i + 4)?;
                    out.push(digits.parse::<u8>().ok()?);
                    i += 4;
                } else {
                    out.push(next);
                    i += 2;
                }
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bare_words_are_typed_as_collectds_lexer_types_them() {
        assert_eq!(bare("true"), json!(true));
        assert_eq!(bare("10"), json!(10));
        assert_eq!(bare("1.5"), json!(1.5));
        assert_eq!(bare("STDERR"), json!("STDERR"));
        assert_eq!(bare("1.5e10"), json!("1.5e10"));
    }

    #[test]
    fn lua_strings_read_back() {
        assert_eq!(
            lua_string("\"a\\\"b\\\\c\\195\\169\" rest"),
            Some(("a\"b\\cé".to_string(), " rest"))
        );
    }
}
