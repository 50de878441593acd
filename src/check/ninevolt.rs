//! 9volt monitors and alerters (reference/9volt.md §2-§3): what its server
//! would reject, misread or crash on, caught before anything reaches etcd.

use super::suggest;
use crate::catalog::{Catalog, Definition, Section};
use crate::diagnostic::{Code, Diagnostic};
use crate::model::duration::{self, SECOND};
use crate::model::ninevolt::{Alerter, AlerterKind, Kind, Monitor};
use crate::model::types::GoDuration;
use crate::model::Spanned;
use crate::syntax::{Node, Value};

/// Record types miekg/dns knows by name (9volt accepts them case-insensitively).
const DNS_TYPES: &[&str] = &[
    "A",
    "AAAA",
    "AFSDB",
    "ANY",
    "APL",
    "ATMA",
    "AVC",
    "AXFR",
    "CAA",
    "CDNSKEY",
    "CDS",
    "CERT",
    "CNAME",
    "CSYNC",
    "DHCID",
    "DLV",
    "DNAME",
    "DNSKEY",
    "DS",
    "EID",
    "EUI48",
    "EUI64",
    "GID",
    "GPOS",
    "HINFO",
    "HIP",
    "HTTPS",
    "IPSECKEY",
    "ISDN",
    "IXFR",
    "KEY",
    "KX",
    "L32",
    "L64",
    "LOC",
    "LP",
    "MAILA",
    "MAILB",
    "MB",
    "MD",
    "MF",
    "MG",
    "MINFO",
    "MR",
    "MX",
    "NAPTR",
    "NID",
    "NIMLOC",
    "NINFO",
    "NS",
    "NSAPPTR",
    "NSEC",
    "NSEC3",
    "NSEC3PARAM",
    "NULL",
    "NXT",
    "OPENPGPKEY",
    "OPT",
    "PTR",
    "PX",
    "RKEY",
    "RP",
    "RRSIG",
    "RT",
    "SIG",
    "SMIMEA",
    "SOA",
    "SPF",
    "SRV",
    "SSHFP",
    "SVCB",
    "TA",
    "TALINK",
    "TKEY",
    "TLSA",
    "TSIG",
    "TXT",
    "UID",
    "UINFO",
    "UNSPEC",
    "URI",
    "X25",
    "ZONEMD",
];

/// A duration's nanoseconds, with a finding when it is negative.
fn duration_of(
    d: Option<&Spanned<GoDuration>>,
    field: &str,
    out: &mut Vec<Diagnostic>,
) -> Option<i128> {
    let d = d?;
    if d.ns < 0 {
        let crash = if field == "interval" {
            "; a negative interval crashes the 9volt server that runs the check"
        } else {
            ""
        };
        out.push(
            Diagnostic::error(
                Code::NegativeDuration,
                d.span,
                format!("`{field}` is negative{crash}"),
            )
            .with_hint("durations must be positive"),
        );
        return None;
    }
    Some(i128::from(d.ns))
}

use crate::etcd::{ETCD_REQUEST_LIMIT, ETCD_VALUE_ALLOWANCE};

/// A definition whose JSON cannot be written to etcd in one request.
fn fits_in_etcd(def: &Definition, out: &mut Vec<Diagnostic>) {
    let limit = ETCD_REQUEST_LIMIT - ETCD_VALUE_ALLOWANCE;
    // An upper bound first, so most definitions need no serializing.
    if json_bound(&def.node) + def.name.len() < limit {
        return;
    }
    let bytes = serde_json::to_string(&def.node.to_json()).map_or(0, |s| s.len());
    if bytes + def.name.len() > limit {
        out.push(
            Diagnostic::error(
                Code::ValueTooLarge,
                def.name_span,
                format!(
                    "{} `{}` is {bytes} bytes as JSON; etcd refuses a request over {} bytes by default",
                    def.section.key(),
                    def.name,
                    ETCD_REQUEST_LIMIT
                ),
            )
            .with_hint(format!(
                "keep each definition under {limit} bytes of JSON; 9volt has no use for larger values"
            )),
        );
    }
}

/// At least the length of the node's compact JSON: escaping grows a string
/// at most sixfold (`\u00XX`), and no number takes more than 32 bytes.
fn json_bound(node: &Node) -> usize {
    match &node.value {
        Value::Str(s) => 6 * s.len() + 2,
        Value::Seq(items) => 2 + items.iter().map(|i| json_bound(i) + 1).sum::<usize>(),
        Value::Map(entries) => {
            2 + entries
                .iter()
                .map(|e| 6 * e.key.len() + 4 + json_bound(&e.value))
                .sum::<usize>()
        }
        _ => 32,
    }
}

/// Rules on the raw text of a monitor: YAML 1.1 words, fields of another
/// type, the size of the JSON that goes to etcd.
pub fn monitor_text(def: &Definition, out: &mut Vec<Diagnostic>) {
    let node = &def.node;
    yaml11_strings(node, out);
    fits_in_etcd(def, out);
    let ty = node.get("type").and_then(Node::as_str).unwrap_or("");
    control_in_address(node, ty, out);
    // Fields of another type are ignored by 9volt, which is rarely what was meant.
    if let Some(kind) = Kind::ALL.iter().find(|k| k.word() == ty) {
        let own = kind.fields();
        for entry in node.entries() {
            let foreign = Kind::ALL
                .iter()
                .find(|k| *k != kind && k.fields().contains(&entry.key.as_str()));
            if let Some(other) = foreign {
                if !own.contains(&entry.key.as_str()) {
                    out.push(
                        Diagnostic::warning(
                            Code::FieldUnusedByType,
                            entry.key_span,
                            format!(
                                "`{}` belongs to {} monitors; 9volt ignores it on a {ty} monitor",
                                entry.key,
                                other.word()
                            ),
                        )
                        .with_hint("remove it, or check the monitor's `type`"),
                    );
                }
            }
        }
        if matches!(ty, "exec" | "dns") {
            if let Some(e) = node.entry("port") {
                let why = if ty == "dns" {
                    "dns checks always use port 53"
                } else {
                    "exec checks do not connect anywhere"
                };
                out.push(Diagnostic::warning(
                    Code::FieldUnusedByType,
                    e.key_span,
                    format!("`port` is ignored: {why}"),
                ));
            }
        }
    }
}

/// 9volt's own checks on a monitor, and references to alerters.
pub fn monitor(catalog: &Catalog, m: &Monitor, out: &mut Vec<Diagnostic>) {
    let (tcp, dns) = (m.tcp.as_deref(), m.dns.as_deref());
    let read_timeout = tcp.and_then(|t| t.read_timeout.as_ref());
    let write_timeout = tcp.and_then(|t| t.write_timeout.as_ref());
    let interval = duration_of(m.interval.as_ref(), "interval", out);
    let timeout = duration_of(m.timeout.as_ref(), "timeout", out);
    let read = duration_of(read_timeout, "read-timeout", out);
    let write = duration_of(write_timeout, "write-timeout", out);
    duration_of(
        dns.and_then(|d| d.dns_max_time.as_ref()),
        "dns-max-time",
        out,
    );
    let interval_span = m.interval.as_ref().map_or(m.name_span, |i| i.span);

    if let (Some(0), Some(n)) = (interval, &m.interval) {
        out.push(
            Diagnostic::error(
                Code::NonPositiveInterval,
                n.span,
                "`interval` must be greater than zero",
            )
            .with_hint("9volt refuses to start a check with a zero interval"),
        );
    }
    if let Some(interval) = interval.filter(|i| *i > 0) {
        // Per-type default timeouts, as 9volt applies them.
        let default_timeout = match m.kind {
            Kind::Http | Kind::Exec => Some(3 * SECOND),
            Kind::Dns => Some(2 * SECOND),
            Kind::Tcp => None,
        };
        let effective = timeout.or(default_timeout);
        if let Some(t) = effective.filter(|t| *t >= interval) {
            let span = m.timeout.as_ref().map_or(interval_span, |n| n.span);
            let which = if timeout.is_some() {
                "`timeout`"
            } else {
                "the default timeout"
            };
            out.push(
                Diagnostic::error(
                    Code::TimeoutNotBelowInterval,
                    span,
                    format!("{which} ({}) is not below `interval` ({})", duration::show(t), duration::show(interval)),
                )
                .with_hint("9volt refuses to start the check; make the interval longer or the timeout shorter"),
            );
        }
        if m.kind == Kind::Tcp {
            let read_ns = read.unwrap_or(2 * SECOND);
            let write_ns = write.unwrap_or(2 * SECOND);
            for (field, v, d) in [
                ("read-timeout", read_ns, read_timeout),
                ("write-timeout", write_ns, write_timeout),
            ] {
                if v >= interval {
                    let span = d.map_or(interval_span, |n| n.span);
                    out.push(Diagnostic::error(
                        Code::TimeoutNotBelowInterval,
                        span,
                        format!(
                            "`{field}` ({}) is not below `interval` ({})",
                            duration::show(v),
                            duration::show(interval)
                        ),
                    ));
                }
            }
            let sum = timeout.unwrap_or(0) + read_ns + write_ns;
            if sum >= interval
                && read_ns < interval
                && write_ns < interval
                && timeout.is_none_or(|t| t < interval)
            {
                let span = interval_span;
                out.push(
                    Diagnostic::error(
                        Code::TimeoutNotBelowInterval,
                        span,
                        format!(
                            "timeout + read-timeout + write-timeout ({}) is not below `interval` ({})",
                            duration::show(sum),
                            duration::show(interval)
                        ),
                    )
                    .with_hint("a tcp check's read and write timeouts default to 2s each; 9volt requires their sum with timeout to fit in the interval"),
                );
            }
        }
    }

    if m.kind == Kind::Dns {
        if let Some(n) = m.rare.as_ref().and_then(|r| r.expect.as_ref()) {
            {
                let re = n.as_str();
                // Go's syntax, not Rust's: MustCompile panics on what Go refuses.
                if let Err(e) = super::goregex::check(re) {
                    out.push(
                        Diagnostic::error(
                            Code::BadDnsRegex,
                            n.span,
                            format!("dns `expect` is not a regular expression Go accepts: {e}"),
                        )
                        .with_hint("9volt compiles it with Go's regexp.MustCompile: one it refuses crashes the server"),
                    );
                } else if let Some(why) = super::goregex::never_matching_anchor(re) {
                    out.push(
                        Diagnostic::warning(
                            Code::DnsAnchor,
                            n.span,
                            format!("this dns `expect` can never match: {why}"),
                        )
                        .with_hint(
                            "match the data unanchored, e.g. `93\\.184\\.` or `\\s93\\.184\\.`",
                        ),
                    );
                }
            }
        }
        if let Some(n) = dns.and_then(|d| d.dns_record_type.as_ref()) {
            if let Some(t) = Some(n.as_str()).filter(|t| !t.is_empty()) {
                if !DNS_TYPES.contains(&t.to_ascii_uppercase().as_str()) {
                    let mut d = Diagnostic::error(
                        Code::UnknownRecordType,
                        n.span,
                        format!("unknown DNS record type `{t}`"),
                    );
                    d = match suggest(&t.to_ascii_uppercase(), DNS_TYPES.iter().copied()) {
                        Some(h) => d.with_hint(h),
                        None => d.with_hint(
                            "use a type name such as A, AAAA, CNAME, MX, NS, PTR, SRV or TXT",
                        ),
                    };
                    out.push(d);
                }
            }
        }
    }

    let crit = m.critical_threshold.as_ref().map(|c| c.value);
    if let Some(warn) = &m.warning_threshold {
        let (w, c) = (warn.value, crit.unwrap_or(0));
        if w > c {
            let span = warn.span;
            out.push(
                Diagnostic::error(
                    Code::Thresholds,
                    span,
                    format!(
                        "`warning-threshold` ({w}) is above `critical-threshold` ({c}{})",
                        if crit.is_none() { ", the default" } else { "" }
                    ),
                )
                .with_hint("9volt refuses the check; warning must be reached before critical"),
            );
        }
    }

    let rare = m.rare.as_deref();
    for list in rare
        .iter()
        .flat_map(|r| [&r.warning_alerter, &r.critical_alerter])
    {
        {
            for (name, span) in list.iter().map(|n| (n.as_str(), n.span)) {
                if catalog.get(Section::Alerter, name).is_none() {
                    let mut d = Diagnostic::error(
                        Code::UnknownAlerter,
                        span,
                        format!("alerter `{name}` is not defined"),
                    );
                    d = match suggest(name, catalog.section(Section::Alerter).map(|a| a.name.as_str())) {
                        Some(h) => d.with_hint(h),
                        None => d.with_hint("define it under `alerter:`; 9volt would only notice when an alert fires"),
                    };
                    out.push(d);
                }
            }
        }
    }
}

/// Rules on the raw text of an alerter.
pub fn alerter_text(def: &Definition, out: &mut Vec<Diagnostic>) {
    yaml11_strings(&def.node, out);
    fits_in_etcd(def, out);
}

pub fn alerter(a: &Alerter, out: &mut Vec<Diagnostic>) {
    let known = a.kind.options();
    let ty = a.kind.word();
    for (k, _) in &a.options {
        if !known.contains(&k.as_str()) {
            let d = Diagnostic::warning(
                Code::UnknownAlerterOption,
                k.span,
                format!(
                    "the {ty} alerter has no option `{}`; 9volt ignores it",
                    k.value
                ),
            );
            out.push(match suggest(k, known.iter().copied()) {
                Some(h) => d.with_hint(h),
                None => d.with_hint(format!("{ty} options are: {}", known.join(", "))),
            });
        }
    }
    if a.kind == AlerterKind::Email {
        if let (Some((user, _)), None) = (a.option("username"), a.option("password")) {
            out.push(
                Diagnostic::error(
                    Code::AlerterOption,
                    user.span,
                    "the email alerter needs `password` when `username` is set",
                )
                .with_hint("add `password: {env: SMTP_PASSWORD}` or remove `username`"),
            );
        }
        if let Some(addr) = a.literal("address") {
            let ok = addr
                .rsplit_once(':')
                .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok_and(|p| p > 0));
            if !ok {
                out.push(
                    Diagnostic::error(
                        Code::AlerterOption,
                        addr.span,
                        format!("email `address` `{}` is not host:port", addr.value),
                    )
                    .with_hint("write the SMTP server as host:port, e.g. smtp.example.com:587"),
                );
            }
        }
    }
}

/// A control character in the address 9volt checks: Go's net/url refuses
/// the URL an http check is sent to, and no host name with one resolves
/// (both seen with Go 1.19, which 9volt is built with), so the check fails
/// at every interval. The character is named, never printed.
fn control_in_address(node: &Node, ty: &str, out: &mut Vec<Diagnostic>) {
    let fields: &[&str] = match ty {
        "http" => &["host", "url"],
        "tcp" | "dns" => &["host"],
        _ => &[],
    };
    for field in fields {
        let Some(v) = node.get(field) else { continue };
        let Some(c) = v
            .as_str()
            .and_then(|s| s.chars().find(char::is_ascii_control))
        else {
            continue;
        };
        out.push(
            Diagnostic::error(
                Code::ControlInAddress,
                v.span,
                format!(
                    "`{field}` holds the control character U+{:04X}: 9volt's {ty} check could never reach it",
                    c as u32
                ),
            )
            .with_hint(match ty {
                "http" => "the check's URL is built from host and url, and Go refuses a URL with a control character; remove it",
                _ => "no host name with a control character resolves; remove it",
            }),
        );
    }
}

/// Strings that 9volt's YAML 1.1 reader would have turned into booleans.
fn yaml11_strings(node: &Node, out: &mut Vec<Diagnostic>) {
    match &node.value {
        Value::Str(s) if node.yaml11_bool => out.push(
            Diagnostic::warning(
                Code::Yaml11Bool,
                node.span,
                format!("`{s}` is a string here, but 9volt cfg (YAML 1.1) reads it as a boolean"),
            )
            .with_hint(format!("quote it (\"{s}\") so both readers agree")),
        ),
        // Boolean fields get a type error with the same hint from the schema stage.
        Value::Map(entries) => entries
            .iter()
            .filter(|e| !matches!(e.key.as_str(), "disable" | "ssl"))
            .for_each(|e| yaml11_strings(&e.value, out)),
        Value::Seq(items) => items.iter().for_each(|i| yaml11_strings(i, out)),
        _ => {}
    }
}
