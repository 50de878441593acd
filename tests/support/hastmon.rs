//! A checker for hastmon.conf that follows hastmon 0.3.4's own parser
//! (reference/hastmon.md §1-§4): its lexer, which sections accept which
//! keywords, and the checks it runs as a given node.

use std::collections::BTreeMap;

const KEYWORDS: &[&str] = &[
    "control",
    "listen",
    "port",
    "timeout",
    "exec",
    "resource",
    "priority",
    "attempts",
    "heartbeat_interval",
    "friends",
    "remote",
    "key",
    "algorithm",
    "secret",
    "complaint_count",
    "complaint_interval",
    "on",
    "role_on_start",
    "init",
    "primary",
    "secondary",
    "watchdog",
];

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Open,
    Close,
    Kw(String),
    Num(i64),
    Str(String),
}

fn lex(text: &str) -> Result<Vec<Tok>, String> {
    let mut toks = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap();
        let mut word = String::new();
        let flush = |w: &mut String, toks: &mut Vec<Tok>| {
            if w.is_empty() {
                return;
            }
            let t = if KEYWORDS.contains(&w.as_str()) {
                Tok::Kw(w.clone())
            } else if w.chars().all(|c| c.is_ascii_digit()) {
                Tok::Num(w.parse().unwrap_or(i64::MAX))
            } else {
                Tok::Str(w.clone())
            };
            toks.push(t);
            w.clear();
        };
        for c in line.chars() {
            match c {
                '{' | '}' => {
                    flush(&mut word, &mut toks);
                    toks.push(if c == '{' { Tok::Open } else { Tok::Close });
                }
                ' ' | '\t' => flush(&mut word, &mut toks),
                c if c.is_ascii_alphanumeric() || "._/:-".contains(c) => word.push(c),
                // hastmon echoes and drops such characters; mon must never emit them.
                other => {
                    return Err(format!(
                        "line {}: character {other:?} that hastmon's lexer drops",
                        n + 1
                    ))
                }
            }
        }
        flush(&mut word, &mut toks);
    }
    Ok(toks)
}

/// Settings of one section level: scalar values and address lists.
#[derive(Debug, Default, Clone)]
pub struct Level {
    pub values: BTreeMap<String, String>,
    pub lists: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Default)]
pub struct Resource {
    pub level: Level,
    pub on: Vec<(String, Level)>,
}

#[derive(Debug, Default)]
pub struct Config {
    pub global: Level,
    pub nodes: Vec<(String, Level)>,
    pub resources: Vec<(String, Resource)>,
}

struct P {
    toks: Vec<Tok>,
    i: usize,
}

impl P {
    fn next(&mut self) -> Option<Tok> {
        let t = self.toks.get(self.i).cloned();
        self.i += 1;
        t
    }
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.i)
    }
    fn str(&mut self, what: &str) -> Result<String, String> {
        match self.next() {
            Some(Tok::Str(s)) => Ok(s),
            other => Err(format!(
                "syntax error: {what} expects a name, found {other:?}"
            )),
        }
    }
    fn num(&mut self, what: &str) -> Result<String, String> {
        match self.next() {
            Some(Tok::Num(n)) => Ok(n.to_string()),
            other => Err(format!(
                "syntax error: {what} expects a number, found {other:?}"
            )),
        }
    }
    fn expect(&mut self, t: Tok) -> Result<(), String> {
        match self.next() {
            Some(x) if x == t => Ok(()),
            other => Err(format!("syntax error: expected {t:?}, found {other:?}")),
        }
    }
    fn strs(&mut self) -> Vec<String> {
        let mut v = Vec::new();
        while let Some(Tok::Str(s)) = self.peek() {
            v.push(s.clone());
            self.i += 1;
        }
        v
    }

    /// One statement of a section at `depth` (0 G, 1 N, 2 R, 3 RN).
    fn statement(&mut self, kw: &str, depth: u8, level: &mut Level) -> Result<(), String> {
        let allowed: &[&str] = match depth {
            0 => &[
                "control",
                "listen",
                "timeout",
                "attempts",
                "heartbeat_interval",
                "complaint_count",
                "complaint_interval",
                "role_on_start",
                "exec",
                "friends",
                "key",
            ],
            1 => &[
                "control",
                "listen",
                "attempts",
                "friends",
                "heartbeat_interval",
                "complaint_count",
                "complaint_interval",
                "role_on_start",
            ],
            2 => &[
                "timeout",
                "attempts",
                "friends",
                "heartbeat_interval",
                "key",
                "complaint_count",
                "complaint_interval",
                "role_on_start",
                "exec",
            ],
            _ => &[
                "attempts",
                "friends",
                "remote",
                "priority",
                "heartbeat_interval",
                "complaint_count",
                "complaint_interval",
                "exec",
                "role_on_start",
            ],
        };
        if kw == "priority" && depth == 1 {
            return Err("priority in a top-level `on` section aborts hastmon (assertion)".into());
        }
        if !allowed.contains(&kw) {
            return Err(format!("syntax error: `{kw}` is not allowed here"));
        }
        match kw {
            "control" | "listen" | "exec" => {
                let v = self.str(kw)?;
                level.values.insert(kw.into(), v);
            }
            "timeout" | "attempts" | "heartbeat_interval" | "complaint_count"
            | "complaint_interval" | "priority" => {
                let v = self.num(kw)?;
                level.values.insert(kw.into(), v);
            }
            "role_on_start" => match self.next() {
                Some(Tok::Kw(r))
                    if ["init", "primary", "secondary", "watchdog"].contains(&r.as_str()) =>
                {
                    level.values.insert(kw.into(), r);
                }
                other => return Err(format!("syntax error: role_on_start {other:?}")),
            },
            "friends" | "remote" => {
                let v = self.strs();
                level.lists.entry(kw.into()).or_default().extend(v);
            }
            "key" => {
                self.expect(Tok::Open)?;
                while let Some(Tok::Kw(k)) = self.peek().cloned() {
                    self.i += 1;
                    match k.as_str() {
                        "algorithm" => {
                            let a = self.str("algorithm")?;
                            if !["MD5", "SHA1", "SHA256", "RIPEMD160"].contains(&a.as_str()) {
                                return Err(format!("Unknown algorithm: {a}."));
                            }
                            level.values.insert("algorithm".into(), a);
                        }
                        "secret" => {
                            let s = self.str("secret")?;
                            level.values.insert("secret".into(), s);
                        }
                        other => return Err(format!("syntax error: `{other}` in key")),
                    }
                }
                self.expect(Tok::Close)?;
            }
            _ => unreachable!(),
        }
        Ok(())
    }
}

pub fn parse(text: &str) -> Result<Config, String> {
    let mut p = P {
        toks: lex(text)?,
        i: 0,
    };
    let mut c = Config::default();
    while let Some(t) = p.next() {
        match t {
            Tok::Kw(k) if k == "on" => {
                let name = p.str("on")?;
                p.expect(Tok::Open)?;
                let mut level = Level::default();
                while let Some(Tok::Kw(k)) = p.next() {
                    p.statement(&k, 1, &mut level)?;
                }
                p.i -= 1;
                p.expect(Tok::Close)?;
                c.nodes.push((name, level));
            }
            Tok::Kw(k) if k == "resource" => {
                let name = p.str("resource")?;
                if c.resources.iter().any(|(n, _)| *n == name) {
                    return Err(format!("Resource {name} configured more than once."));
                }
                p.expect(Tok::Open)?;
                let mut r = Resource::default();
                loop {
                    match p.next() {
                        Some(Tok::Kw(k)) if k == "on" => {
                            let node = p.str("on")?;
                            p.expect(Tok::Open)?;
                            let mut level = Level::default();
                            while let Some(Tok::Kw(k)) = p.next() {
                                p.statement(&k, 3, &mut level)?;
                            }
                            p.i -= 1;
                            p.expect(Tok::Close)?;
                            r.on.push((node, level));
                        }
                        Some(Tok::Kw(k)) => p.statement(&k, 2, &mut r.level)?,
                        Some(Tok::Close) => break,
                        other => return Err(format!("syntax error in resource {name}: {other:?}")),
                    }
                }
                c.resources.push((name, r));
            }
            Tok::Kw(k) => p.statement(&k, 0, &mut c.global)?,
            other => return Err(format!("syntax error at top level: {other:?}")),
        }
    }
    Ok(c)
}

/// What hastmon on `host` would run with for one resource.
#[derive(Debug, PartialEq)]
pub struct Effective {
    pub exec: String,
    pub remotes: Vec<String>,
    pub priority: i64,
    pub attempts: i64,
    pub timeout: i64,
    pub heartbeat_interval: i64,
    pub complaint_count: i64,
    pub complaint_interval: i64,
    pub role_on_start: String,
}

/// hastmon's per-node checks and inheritance (RN mine > R > G > default;
/// attempts ignores G; exec needs R or RN).
pub fn as_node(c: &Config, host: &str) -> Result<BTreeMap<String, Effective>, String> {
    let mut out = BTreeMap::new();
    for (name, r) in &c.resources {
        let mine: Vec<&Level> =
            r.on.iter()
                .filter(|(n, _)| n == host)
                .map(|(_, l)| l)
                .collect();
        if mine.is_empty() {
            return Err(format!(
                "No resource {name} configuration for this node (acceptable node names: {host})."
            ));
        }
        let get = |k: &str, g: bool, default: i64| -> i64 {
            mine.iter()
                .rev()
                .find_map(|l| l.values.get(k))
                .or_else(|| r.level.values.get(k))
                .or_else(|| if g { c.global.values.get(k) } else { None })
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let remotes: Vec<String> = mine
            .iter()
            .flat_map(|l| l.lists.get("remote").cloned().unwrap_or_default())
            .map(|a| {
                if a.contains("://") || a == "none" {
                    a
                } else {
                    format!("tcp4://{a}")
                }
            })
            .collect();
        if remotes.is_empty() {
            return Err(format!(
                "Remote address not configured for resource {name}."
            ));
        }
        let exec = mine
            .iter()
            .rev()
            .find_map(|l| l.values.get("exec"))
            .or_else(|| r.level.values.get("exec"))
            .cloned()
            .ok_or_else(|| format!("Exec not configured for resource {name}."))?;
        let role = mine
            .iter()
            .rev()
            .find_map(|l| l.values.get("role_on_start"))
            .or_else(|| r.level.values.get("role_on_start"))
            .or_else(|| c.global.values.get("role_on_start"))
            .cloned()
            .unwrap_or_else(|| "init".into());
        out.insert(
            name.clone(),
            Effective {
                exec,
                remotes,
                priority: mine
                    .iter()
                    .rev()
                    .find_map(|l| l.values.get("priority"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(100),
                attempts: get("attempts", false, 5),
                timeout: r
                    .level
                    .values
                    .get("timeout")
                    .or_else(|| c.global.values.get("timeout"))
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(5),
                heartbeat_interval: get("heartbeat_interval", true, 10),
                complaint_count: get("complaint_count", true, 3),
                complaint_interval: get("complaint_interval", true, 60),
                role_on_start: role,
            },
        );
    }
    Ok(out)
}

/// The host part of a hastmon address (hastmon compares peers by IPv4
/// address only, the port ignored: reference hastmon.md §5).
fn host_of(a: &str) -> &str {
    let lower = a.to_ascii_lowercase();
    let rest = ["tcp4://", "tcp://"]
        .iter()
        .find(|p| lower.starts_with(*p))
        .map_or(a, |p| &a[p.len()..]);
    rest.rsplit_once(':').map_or(rest, |(h, _)| h)
}

/// Whether hastmon on `host` accepts a complaint for `resource` from the
/// peer at `peer` (`listen_accept()` in hastmon.c, reference hastmon.md §6):
/// the peer is a global friend (G or R `friends`, or `friends` in any
/// top-level `on` section), or a friend or remote in `host`'s own section of
/// the resource. Anything else is "Client ... isn't known" or "has no
/// access to the resource", and the complaint is lost.
pub fn accepts_complaint(c: &Config, host: &str, resource: &str, peer: &str) -> bool {
    let peer = host_of(peer);
    let list = |l: &Level, k: &str| l.lists.get(k).cloned().unwrap_or_default();
    let mut global = list(&c.global, "friends");
    for (_, n) in &c.nodes {
        global.extend(list(n, "friends"));
    }
    for (_, r) in &c.resources {
        global.extend(list(&r.level, "friends"));
    }
    if global.iter().any(|f| host_of(f) == peer) {
        return true;
    }
    c.resources
        .iter()
        .filter(|(n, _)| n == resource)
        .flat_map(|(_, r)| r.on.iter().filter(|(n, _)| n == host))
        .flat_map(|(_, l)| list(l, "friends").into_iter().chain(list(l, "remote")))
        .any(|a| host_of(&a) == peer)
}
