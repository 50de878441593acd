//! hastmon clusters, typed: every word hastmon reads is a `HastWord`, every
//! number a whole number, every hook file name a `PathSegment`
//! (reference hastmon.md §1-§6, §10).

use serde::Serialize;

use super::Def;
use super::read::{Cx, Fields, FromNode, Spanned};
use super::types::{
    ShellLine,
    Address, ExecPath, HastSecret, NodeName, PathSegment, ResourceName, Secret, SecretRef, MAX_EXEC,
};
use super::Place;
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::syntax::Node;

pub const DEFAULT_EXEC_DIR: &str = "/usr/local/libexec/hastmon";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Init,
    Primary,
    Secondary,
    Watchdog,
}

impl Role {
    pub fn word(self) -> &'static str {
        match self {
            Role::Init => "init",
            Role::Primary => "primary",
            Role::Secondary => "secondary",
            Role::Watchdog => "watchdog",
        }
    }
}

/// When each node's daemon takes its role: `init` waits for `hastmonctl
/// role`; `role` starts each node in the role the resource gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StartRole {
    Init,
    OwnRole,
}

impl FromNode for StartRole {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        match node.as_str()? {
            "init" => Some(StartRole::Init),
            "role" => Some(StartRole::OwnRole),
            _ => None, // the schema's enum reported it
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Tuning {
    pub timeout: Option<Spanned<u32>>,
    pub attempts: Option<Spanned<u32>>,
    pub heartbeat_interval: Option<Spanned<u32>>,
    pub complaint_count: Option<Spanned<u32>>,
    pub complaint_interval: Option<Spanned<u32>>,
    pub role_on_start: Option<Spanned<StartRole>>,
}

impl Tuning {
    fn read(f: &Fields, cx: &mut Cx) -> Tuning {
        Tuning {
            timeout: f.opt(cx, "timeout"),
            attempts: f.opt(cx, "attempts"),
            heartbeat_interval: f.opt(cx, "heartbeat_interval"),
            complaint_count: f.opt(cx, "complaint_count"),
            complaint_interval: f.opt(cx, "complaint_interval"),
            role_on_start: f.opt(cx, "role_on_start"),
        }
    }
    /// hastmon's keywords with their values, in a stable order.
    pub fn numbers(&self) -> [(&'static str, Option<u32>); 5] {
        let v = |x: &Option<Spanned<u32>>| x.as_ref().map(|s| s.value);
        [
            ("attempts", v(&self.attempts)),
            ("timeout", v(&self.timeout)),
            ("heartbeat_interval", v(&self.heartbeat_interval)),
            ("complaint_count", v(&self.complaint_count)),
            ("complaint_interval", v(&self.complaint_interval)),
        ]
    }
}

#[derive(Clone, Debug)]
pub struct Key {
    pub algorithm: String,
    pub secret: Secret,
}

impl Key {
    fn read(f: Fields, cx: &mut Cx, place: &Place) -> Option<Key> {
        let secret: Spanned<SecretRef> = f.req(cx, "secret")?;
        // A literal is checked now; a reference when it is resolved.
        if let SecretRef::Literal(s) = &secret.value {
            HastSecret::read(s, secret.span, "key secret", cx)?;
        }
        Some(Key {
            algorithm: f.req::<String>(cx, "algorithm")?.value,
            secret: place.secret(cx, secret),
        })
    }
}

#[derive(Clone, Debug)]
pub struct ClusterNode {
    pub name: Spanned<NodeName>,
    pub address: Option<Spanned<Address>>,
    pub control: Option<Spanned<Address>>,
    pub listen: Option<Spanned<Address>>,
}

impl ClusterNode {
    /// How other nodes reach this one: its address, or its name.
    pub fn address(&self) -> &str {
        self.address
            .as_ref()
            .map_or(self.name.as_str(), |a| a.as_str())
    }
}

#[derive(Clone, Debug)]
pub enum Hook {
    /// A script the operator installs.
    Exec(Spanned<ExecPath>),
    /// A script mon renders from shell commands, installed at `path`.
    Commands {
        path: ExecPath,
        file: PathSegment,
        start: ShellLine,
        stop: ShellLine,
        status: ShellLine,
    },
}

impl Hook {
    pub fn path(&self) -> &str {
        match self {
            Hook::Exec(p) => p.as_str(),
            Hook::Commands { path, .. } => path.as_str(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct Resource {
    pub name: Spanned<ResourceName>,
    /// None when both or neither of exec and commands are set (the check reports it).
    pub hook: Option<Hook>,
    pub exec_span: Option<Span>,
    pub has_commands: bool,
    pub primary: Spanned<String>,
    pub secondary: Vec<Spanned<String>>,
    pub watchdog: Vec<Spanned<String>>,
    pub priority: Vec<(Spanned<String>, Spanned<u32>)>,
    pub friends: Vec<Spanned<Address>>,
    pub key: Option<Key>,
    pub tuning: Tuning,
}

impl Resource {
    /// Every node named in the resource with its role, primary first.
    pub fn members(&self) -> impl Iterator<Item = (&Spanned<String>, Role)> {
        std::iter::once((&self.primary, Role::Primary))
            .chain(self.secondary.iter().map(|s| (s, Role::Secondary)))
            .chain(self.watchdog.iter().map(|s| (s, Role::Watchdog)))
    }
    /// Nodes that run the service (primary and secondaries), in preference order.
    pub fn service(&self) -> impl Iterator<Item = &Spanned<String>> {
        std::iter::once(&self.primary).chain(self.secondary.iter())
    }
    /// Primary-capable nodes with their effective priorities: explicit ones,
    /// or by default primary 0, secondaries 1, 2, ...
    pub fn priorities(&self) -> Vec<(&str, u32, Option<Span>)> {
        // The first entry for a node, looked up, not scanned for: thousands
        // of secondaries with priorities were quadratic.
        let mut given: foldhash::HashMap<&str, &(Spanned<String>, Spanned<u32>)> =
            Default::default();
        for p in &self.priority {
            given.entry(p.0.value.as_str()).or_insert(p);
        }
        self.service()
            .enumerate()
            .map(|(i, n)| {
                let explicit = given.get(n.value.as_str());
                match explicit {
                    Some((k, p)) => (n.as_str(), p.value, Some(k.span)),
                    None => (n.as_str(), i as u32, None),
                }
            })
            .collect()
    }
}

/// The friends a resource's hastmon.conf lists: its own, then each
/// watchdog's address they lack, in order. Without its address among them
/// the service nodes refuse a watchdog's polls. Render writes this list;
/// import reads it back.
pub fn friends_with<'s>(
    own: impl IntoIterator<Item = &'s str>,
    watchdogs: impl IntoIterator<Item = &'s str>,
) -> Vec<&'s str> {
    let mut all: Vec<&str> = own.into_iter().collect();
    // A set beside the list: a scan per watchdog was quadratic.
    let mut listed: foldhash::HashSet<&str> = all.iter().copied().collect();
    for a in watchdogs {
        if listed.insert(a) {
            all.push(a);
        }
    }
    all
}

#[derive(Clone, Debug)]
pub struct Cluster {
    pub name: PathSegment,
    pub name_span: Span,
    pub nodes: Vec<ClusterNode>,
    pub control: Option<Spanned<Address>>,
    pub listen: Option<Spanned<Address>>,
    pub key: Option<Key>,
    pub tuning: Tuning,
    pub resources: Vec<Resource>,
}

impl Cluster {
    pub fn node(&self, name: &str) -> Option<&ClusterNode> {
        self.nodes.iter().find(|n| n.name.as_str() == name)
    }
    /// The address other nodes use for `name` (its name when unknown).
    pub fn address_of<'a>(&'a self, name: &'a str) -> &'a str {
        self.node(name).map_or(name, ClusterNode::address)
    }
    /// Whether a rendered file holds a credential.
    pub fn has_secret(&self) -> bool {
        self.key.is_some() || self.resources.iter().any(|r| r.key.is_some())
    }
}

fn address(f: &Fields, cx: &mut Cx, key: &str, control: bool) -> Option<Spanned<Address>> {
    let a = f.opt::<Address>(cx, key)?;
    address_form(&a, key, control, cx).then_some(a)
}

fn address_form(a: &Spanned<Address>, what: &str, control: bool, cx: &mut Cx) -> bool {
    match address_problem(a.as_str(), control) {
        None => true,
        Some(why) => {
            cx.push(
                Diagnostic::error(
                    Code::HastAddress,
                    a.span,
                    format!(
                        "{what} `{}` is not an address hastmon can use: {why}",
                        a.as_str()
                    ),
                )
                .with_hint(if control {
                    "write uds:///path, unix:///path, an absolute path, or tcp4://host[:port]"
                } else {
                    "write tcp4://host[:port], tcp://host[:port] or host[:port] (IPv4 only)"
                }),
            );
            false
        }
    }
}

/// Address forms hastmon's tcp4 and uds modules accept (§5); scheme
/// prefixes in any case.
pub fn address_problem(a: &str, control: bool) -> Option<String> {
    let lower = a.to_ascii_lowercase();
    let strip = |p: &str| lower.strip_prefix(p).map(|_| &a[p.len()..]);
    if control
        && (a.starts_with('/') || lower.starts_with("uds:///") || lower.starts_with("unix:///"))
    {
        return None;
    }
    if let Some(rest) = strip("uds://").or_else(|| strip("unix://")) {
        return Some(if control {
            format!("`{rest}` is not an absolute path")
        } else {
            "a unix socket cannot be reached from other nodes".into()
        });
    }
    let hostport = strip("tcp4://").or_else(|| strip("tcp://"));
    if hostport.is_none() && a.contains("://") {
        return Some("unknown scheme (hastmon has tcp4 and uds only; no IPv6)".into());
    }
    let hostport = hostport.unwrap_or(a);
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    };
    if host.is_empty() || host.contains('/') || host.contains(':') {
        return Some("expected host[:port]".into());
    }
    if host.len() > 63 {
        return Some(
            "the host part is longer than the 63 bytes hastmon's tcp4 module holds".into(),
        );
    }
    if let Some(p) = port {
        if !p.parse::<u32>().is_ok_and(|p| (1..=65535).contains(&p)) {
            return Some(format!("port `{p}` is not in 1..65535"));
        }
    }
    None
}

pub fn build(d: &Def, cx: &mut Cx) -> Option<Cluster> {
    let (name, name_span, f, place) = (d.name, d.name_span, d.fields, d.place);
    let seg = PathSegment::of_name(name, name_span, cx);
    let nodes = f.named(cx, "nodes", |cx, n, nf| {
        Some(ClusterNode {
            name: Spanned {
                value: NodeName::read(n.value, n.span, "node name", cx)?,
                span: n.span,
            },
            address: address(&nf, cx, "address", false),
            control: address(&nf, cx, "control", true),
            listen: address(&nf, cx, "listen", false),
        })
    });
    let exec_dir = f.opt::<String>(cx, "exec_dir");
    // The directory is part of every generated exec path: its words once here.
    let dir_ok = exec_dir
        .as_ref()
        .is_none_or(|d| ExecPath::read(d.trim_end_matches('/'), d.span, "exec_dir", cx).is_some());
    let exec_dir = exec_dir.unwrap_or(Spanned {
        value: DEFAULT_EXEC_DIR.to_string(),
        span: name_span,
    });
    let resources = f.named(cx, "resources", |cx, r, rf| {
        let rname = ResourceName::read(r.value, r.span, "resource name", cx);
        let exec = rf.opt::<ExecPath>(cx, "exec");
        let commands = rf.object(cx, "commands").map(|c| {
            let mut cmd = |key| c.req::<ShellLine>(cx, key);
            (cmd("start"), cmd("stop"), cmd("status"))
        });
        let hook = match (&exec, commands) {
            (Some(e), None) => Some(Hook::Exec(e.clone())),
            (None, Some((Some(start), Some(stop), Some(status)))) => {
                generated(name, r, dir_ok.then_some(&exec_dir), cx).map(|(path, file)| {
                    Hook::Commands {
                        path,
                        file,
                        start: start.value,
                        stop: stop.value,
                        status: status.value,
                    }
                })
            }
            _ => None,
        };
        let friends: Vec<Spanned<Address>> = rf
            .opt::<Vec<Spanned<Address>>>(cx, "friends")
            .map(|s| s.value)
            .unwrap_or_default();
        let friends = friends
            .into_iter()
            .filter(|a| address_form(a, "friend", false, cx))
            .collect();
        // Every field is read before any `?`, so every bad one is reported.
        let res = Resource {
            name: Spanned {
                value: rname?,
                span: r.span,
            },
            hook,
            exec_span: rf.span_of(cx, "exec"),
            has_commands: rf.span_of(cx, "commands").is_some(),
            primary: rf.req(cx, "primary")?,
            secondary: rf.value(cx, "secondary").unwrap_or_default(),
            watchdog: rf.value(cx, "watchdog").unwrap_or_default(),
            priority: rf.named_values(cx, "priority"),
            friends,
            key: rf.object(cx, "key").and_then(|k| Key::read(k, cx, place)),
            tuning: Tuning::read(&rf, cx),
        };
        Some(res)
    });
    Some(Cluster {
        name: seg?,
        name_span,
        nodes,
        control: address(&f, cx, "control", true),
        listen: address(&f, cx, "listen", false),
        key: f.object(cx, "key").and_then(|k| Key::read(k, cx, place)),
        tuning: Tuning::read(&f, cx),
        resources,
    })
}

/// The hook script mon renders for a resource: its file name (a path
/// segment) and its full exec path (a hastmon word within hastmon's limit).
fn generated(
    cluster: &str,
    r: Spanned<&str>,
    exec_dir: Option<&Spanned<String>>,
    cx: &mut Cx,
) -> Option<(ExecPath, PathSegment)> {
    let file = match PathSegment::new(&format!("{cluster}-{}.sh", r.value)) {
        Ok(s) => s,
        Err(why) => {
            let hint = if r.value.contains('/') {
                "a resource name becomes part of a file name: use letters, digits and `. _ -`"
            } else {
                "shorten the cluster or resource name: the script is named <cluster>-<resource>.sh"
            };
            cx.push(
                Diagnostic::error(
                    Code::HastTooLong,
                    r.span,
                    format!(
                        "the hook script for resource `{}` cannot be created: {why}",
                        super::types::shown(r.value)
                    ),
                )
                .with_hint(hint),
            );
            return None;
        }
    };
    // A directory already refused gives no path (and no second error).
    let exec_dir = exec_dir?;
    let full = format!("{}/{file}", exec_dir.trim_end_matches('/'));
    if full.len() > MAX_EXEC {
        cx.push(super::types::hast_error(
            exec_dir.span,
            "exec_dir",
            exec_dir,
            &format!(
                "with the hook script's name it is {} bytes; hastmon accepts at most {MAX_EXEC}",
                full.len()
            ),
        ));
        return None;
    }
    // The directory's words were checked; the file name's are the resource's.
    ExecPath::read(&full, r.span, "hook script path", cx).map(|p| (p, file))
}
