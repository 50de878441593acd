//! Conveyer daemons and their agent plugin (dozor-conveyer-collectd.md §2.6).

use crate::catalog::Definition;
use crate::diagnostic::{Code, Diagnostic};
use crate::syntax::Node;

/// The path the agent plugin's code reads when no override is set.
pub const AGENT_DEFAULT_CONFIG: &str = "/etc/conveyer_plugin.json";
const RESERVED_METRICS: &[&str] = &["conveyer.events.bad_json", "conveyer.logfile.missing"];

pub fn conveyer(def: &Definition, out: &mut Vec<Diagnostic>) {
    {
        let node = &def.node;
        if let Some(h) = node.get("host") {
            if let Some(host) = h.as_str() {
                if host.contains(':') || host.starts_with('[') {
                    out.push(
                        Diagnostic::error(Code::ConveyerHost, h.span, format!("`{host}` looks like an IPv6 address"))
                            .with_hint("Klein 16.12 and later cannot bind an IPv6 literal; use a hostname or IPv4 address"),
                    );
                } else if host.is_empty() || host.contains(char::is_whitespace) {
                    out.push(Diagnostic::error(
                        Code::ConveyerHost,
                        h.span,
                        "the host must be a hostname or IPv4 address",
                    ));
                }
            }
        }
        let logs = node.get("logs").and_then(Node::as_str);
        if let (Some(l), Some(n)) = (logs, node.get("logs")) {
            if l.ends_with(".rotated") || l.ends_with('/') {
                out.push(
                    Diagnostic::error(Code::ConveyerPath, n.span, format!("`logs` `{l}` cannot be the live log file"))
                        .with_hint("it must be a file name; Conveyer renames it to <logs>.rotated on each rotation"),
                );
            }
        }
        let Some(plugin) = node.get("plugin") else {
            return;
        };
        if let Some(s) = plugin.get("state_file") {
            if let Some(state) = s.as_str() {
                if let Some(l) = logs {
                    if state == l || state == format!("{l}.rotated") {
                        out.push(Diagnostic::error(
                            Code::ConveyerPath,
                            s.span,
                            "the plugin's state file would overwrite Conveyer's log file",
                        ));
                    }
                }
                if state.starts_with("/tmp/") {
                    out.push(
                        Diagnostic::warning(Code::ConveyerStateTmp, s.span, "the plugin's state under /tmp is lost at reboot")
                            .with_hint("the next run then reports each metric's whole count as one delta; use e.g. /var/lib/conveyer/"),
                    );
                }
            }
        }
        if let Some(c) = plugin.get("config_path") {
            if c.as_str() == Some("/etc/conveyer-plugin.json") {
                out.push(
                    Diagnostic::warning(Code::ConveyerConfigPath, c.span, format!("the agent plugin reads {AGENT_DEFAULT_CONFIG} (underscore) unless told otherwise"))
                        .with_hint("mon renders CONVEYER_AGENT_PLUGIN_CONFIG for this path; make sure the agent's environment loads it, or use the underscore path"),
                );
            }
        }
        if let Some(metrics) = plugin.get("metrics") {
            for (m, span) in metrics.strings() {
                if !m
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
                {
                    out.push(
                        Diagnostic::error(Code::ConveyerMetric, span, format!("metric `{m}` cannot be reported: the agent's output is space-separated"))
                            .with_hint("use letters, digits, `_`, `.` and `-`"),
                    );
                } else if RESERVED_METRICS.contains(&m) {
                    out.push(Diagnostic::error(
                        Code::ConveyerMetric,
                        span,
                        format!("metric `{m}` is one the plugin reports itself"),
                    ));
                } else if m.contains(".rate_") {
                    out.push(
                        Diagnostic::warning(Code::ConveyerRate, span, format!("`{m}` is a sliding rate; the plugin reports its positive changes, which mean nothing"))
                            .with_hint("use the meter's `.count`"),
                    );
                }
            }
        }
    }
}
