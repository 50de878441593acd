//! 9volt monitors and alerters, typed as 9volt's own server decodes them
//! (reference 9volt.md §2-§3): one flat struct per monitor, as 9volt's
//! `MonitorConfig` is, so an integer field is an integer whatever the
//! monitor's type. They reach etcd as the JSON the user wrote (`json`),
//! never reshaped by the model.

use compact_str::CompactString;
use std::sync::Arc;

use serde_json::Value as Json;

use super::Def;
use super::read::{Cx, FromNode, Spanned};
use super::types::{GoDuration, Secret, SecretRef};
use crate::diagnostic::Span;
use crate::syntax::Node;

/// Declares the monitor types once: the word 9volt matches exactly and the
/// fields only that type reads (9volt decodes one flat struct, so a field of
/// another type is silently ignored; check/ warns about it).
macro_rules! kinds {
    ($($variant:ident $word:literal [$($field:literal),*];)*) => {
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Kind {
            $($variant,)*
        }

        impl Kind {
            pub const ALL: &'static [Kind] = &[$(Kind::$variant),*];
            pub fn word(self) -> &'static str {
                match self {
                    $(Kind::$variant => $word,)*
                }
            }
            /// Fields that belong to this type alone.
            pub fn fields(self) -> &'static [&'static str] {
                match self {
                    $(Kind::$variant => &[$($field),*],)*
                }
            }
        }

        impl FromNode for Kind {
            fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
                match node.as_str()? {
                    $($word => Some(Kind::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

kinds! {
    Tcp "tcp" ["send", "read-timeout", "write-timeout", "read-size"];
    Http "http" ["url", "method", "ssl", "status-code", "request-body"];
    Exec "exec" ["command", "args", "return-code"];
    Dns "dns" ["dns-target", "dns-record-type", "dns-max-time", "dns-expected-count"];
}

#[derive(Clone, Debug)]
pub struct Monitor {
    // The name is the model map's key (and the catalog's), not held a third time.
    pub name_span: Span,
    pub kind: Kind,
    pub host: Option<Spanned<CompactString>>,
    pub interval: Option<Spanned<GoDuration>>,
    pub timeout: Option<Spanned<GoDuration>>,
    pub disable: bool,
    pub tags: Box<[CompactString]>,
    pub warning_threshold: Option<Spanned<u32>>,
    pub critical_threshold: Option<Spanned<u32>>,
    /// Fields most monitors leave out, boxed together and present only
    /// when one is written: each of 100,000 monitors held room for them.
    pub rare: Option<Box<RareFields>>,
    /// The fields of each type, boxed and present only when one of them is
    /// written: a monitor carries one type's, and 100,000 monitors would
    /// otherwise each hold room for all four.
    pub tcp: Option<Box<TcpFields>>,
    pub http: Option<Box<HttpFields>>,
    pub exec: Option<Box<ExecFields>>,
    pub dns: Option<Box<DnsFields>>,
    /// The definition as written: what goes to etcd (`json`).
    pub written: Arc<Node>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct RareFields {
    pub description: Option<String>,
    pub port: Option<Spanned<u16>>,
    pub expect: Option<Spanned<String>>,
    pub member_tag: Option<String>,
    pub warning_alerter: Vec<Spanned<String>>,
    pub critical_alerter: Vec<Spanned<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct TcpFields {
    pub send: Option<String>,
    pub read_timeout: Option<Spanned<GoDuration>>,
    pub write_timeout: Option<Spanned<GoDuration>>,
    pub read_size: Option<u32>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct HttpFields {
    pub url: Option<CompactString>,
    // Boxed, not `String`: 64 bytes, not 80, for each of 100,000 http monitors.
    pub method: Option<Box<str>>,
    pub ssl: bool,
    pub status_code: Option<u16>,
    pub request_body: Option<Box<str>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct ExecFields {
    pub command: Option<String>,
    pub args: Vec<String>,
    pub return_code: Option<i64>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DnsFields {
    pub dns_target: Option<String>,
    pub dns_record_type: Option<Spanned<String>>,
    pub dns_max_time: Option<Spanned<GoDuration>>,
    pub dns_expected_count: Option<u32>,
}

/// `Some` when any field of the group was written.
fn if_any<T: Default + PartialEq>(group: T) -> Option<Box<T>> {
    (group != T::default()).then(|| Box::new(group))
}

impl Monitor {
    /// What goes to etcd: the definition as written, never reshaped.
    pub fn json(&self) -> Json {
        self.written.to_json()
    }
}

pub fn monitor(d: &Def, cx: &mut Cx) -> Option<Monitor> {
    let (name_span, written, f) = (d.name_span, d.node, d.fields);
    // Every field is read before any `?`, so every bad one is reported.
    let m = Monitor {
        name_span,
        kind: Kind::Tcp,
        host: f.opt(cx, "host"),
        interval: f.opt(cx, "interval"),
        timeout: f.opt(cx, "timeout"),
        disable: f.value::<bool>(cx, "disable").unwrap_or(false),
        tags: f
            .value::<Vec<CompactString>>(cx, "tags")
            .unwrap_or_default()
            .into(),
        warning_threshold: f.opt(cx, "warning-threshold"),
        critical_threshold: f.opt(cx, "critical-threshold"),
        rare: if_any(RareFields {
            description: f.value(cx, "description"),
            port: f.opt(cx, "port"),
            expect: f.opt(cx, "expect"),
            member_tag: f.value(cx, "member-tag"),
            warning_alerter: f.value(cx, "warning-alerter").unwrap_or_default(),
            critical_alerter: f.value(cx, "critical-alerter").unwrap_or_default(),
        }),
        tcp: if_any(TcpFields {
            send: f.value(cx, "send"),
            read_timeout: f.opt(cx, "read-timeout"),
            write_timeout: f.opt(cx, "write-timeout"),
            read_size: f.value(cx, "read-size"),
        }),
        http: if_any(HttpFields {
            url: f.value(cx, "url"),
            method: f.value(cx, "method"),
            ssl: f.value::<bool>(cx, "ssl").unwrap_or(false),
            status_code: f.value(cx, "status-code"),
            request_body: f.value(cx, "request-body"),
        }),
        exec: if_any(ExecFields {
            command: f.value(cx, "command"),
            args: f.value(cx, "args").unwrap_or_default(),
            return_code: f.value(cx, "return-code"),
        }),
        dns: if_any(DnsFields {
            dns_target: f.value(cx, "dns-target"),
            dns_record_type: f.opt(cx, "dns-record-type"),
            dns_max_time: f.opt(cx, "dns-max-time"),
            dns_expected_count: f.value(cx, "dns-expected-count"),
        }),
        written: Arc::clone(written),
    };
    let kind = f.req::<Kind>(cx, "type")?.value;
    Some(Monitor { kind, ..m })
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlerterKind {
    Slack,
    Pagerduty,
    Email,
}

impl AlerterKind {
    pub fn word(self) -> &'static str {
        match self {
            AlerterKind::Slack => "slack",
            AlerterKind::Pagerduty => "pagerduty",
            AlerterKind::Email => "email",
        }
    }
    /// The options 9volt's alerter of this kind reads.
    pub fn options(self) -> &'static [&'static str] {
        match self {
            AlerterKind::Slack => &["token", "channel", "username", "icon-url"],
            AlerterKind::Pagerduty => &["token"],
            AlerterKind::Email => &["to", "address", "from", "username", "password", "auth"],
        }
    }
}

impl FromNode for AlerterKind {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        match node.as_str()? {
            "slack" => Some(AlerterKind::Slack),
            "pagerduty" => Some(AlerterKind::Pagerduty),
            "email" => Some(AlerterKind::Email),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Alerter {
    pub name: String,
    pub name_span: Span,
    pub kind: AlerterKind,
    pub description: Option<String>,
    /// Options in the order written; values may be secret references.
    pub options: Vec<(Spanned<String>, Secret)>,
    pub options_span: Option<Span>,
    /// The definition as written: what goes to etcd, references resolved at sync.
    pub written: Arc<Node>,
}

impl Alerter {
    pub fn option(&self, name: &str) -> Option<&(Spanned<String>, Secret)> {
        self.options.iter().find(|(k, _)| k.value == name)
    }
    /// A literal option value (not a reference).
    pub fn literal(&self, name: &str) -> Option<Spanned<&str>> {
        self.option(name)
            .and_then(|(_, s)| match &s.reference.value {
                SecretRef::Literal(v) => Some(Spanned {
                    value: v.as_str(),
                    span: s.reference.span,
                }),
                _ => None,
            })
    }
}

pub fn alerter(d: &Def, cx: &mut Cx) -> Option<Alerter> {
    let (name, name_span, written, f, place) = (d.name, d.name_span, d.node, d.fields, d.place);
    let options = f
        .named_values::<SecretRef>(cx, "options")
        .into_iter()
        .map(|(k, r)| (k, place.secret(cx, r)))
        .collect();
    Some(Alerter {
        name: name.to_string(),
        name_span,
        description: f.value::<String>(cx, "description"),
        options,
        options_span: f.node.get("options").map(|n| n.span),
        written: Arc::clone(written),
        kind: f.req::<AlerterKind>(cx, "type")?.value,
    })
}
