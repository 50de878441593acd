//! Conveyer daemons and their agent plugin (dozor-conveyer-collectd.md §2.6).
//! Env-file safety is `EnvValue`'s; these are Conveyer's own rules.

use crate::diagnostic::{Code, Diagnostic};
use crate::model::conveyer::{Conveyer, AGENT_DEFAULT_CONFIG};

const RESERVED_METRICS: &[&str] = &["conveyer.events.bad_json", "conveyer.logfile.missing"];

pub fn conveyer(c: &Conveyer, out: &mut Vec<Diagnostic>) {
    if let Some(h) = &c.host {
        if h.as_str().contains(':') {
            out.push(
                Diagnostic::error(Code::ConveyerHost, h.span, format!("`{}` looks like an IPv6 address", h.as_str()))
                    .with_hint("Klein 16.12 and later cannot bind an IPv6 literal; use a hostname or IPv4 address"),
            );
        }
    }
    let logs = c.logs.as_str();
    if logs.ends_with(".rotated") || logs.ends_with('/') {
        out.push(
            Diagnostic::error(
                Code::ConveyerPath,
                c.logs.span,
                format!("`logs` `{logs}` cannot be the live log file"),
            )
            .with_hint(
                "it must be a file name; Conveyer renames it to <logs>.rotated on each rotation",
            ),
        );
    }
    let state = c.state_file.as_str();
    if state == logs || state == format!("{logs}.rotated") {
        out.push(Diagnostic::error(
            Code::ConveyerPath,
            c.state_file.span,
            "the plugin's state file would overwrite Conveyer's log file",
        ));
    }
    if state.starts_with("/tmp/") {
        out.push(
            Diagnostic::warning(Code::ConveyerStateTmp, c.state_file.span, "the plugin's state under /tmp is lost at reboot")
                .with_hint("the next run then reports each metric's whole count as one delta; use e.g. /var/lib/conveyer/"),
        );
    }
    if let Some(p) = &c.config_path {
        if p.as_str() == "/etc/conveyer-plugin.json" {
            out.push(
                Diagnostic::warning(Code::ConveyerConfigPath, p.span, format!("the agent plugin reads {AGENT_DEFAULT_CONFIG} (underscore) unless told otherwise"))
                    .with_hint("mon renders CONVEYER_AGENT_PLUGIN_CONFIG for this path; make sure the agent's environment loads it, or use the underscore path"),
            );
        }
    }
    for m in &c.metrics {
        let name = m.as_str();
        if !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        {
            out.push(
                Diagnostic::error(
                    Code::ConveyerMetric,
                    m.span,
                    format!(
                        "metric `{name}` cannot be reported: the agent's output is space-separated"
                    ),
                )
                .with_hint("use letters, digits, `_`, `.` and `-`"),
            );
        } else if RESERVED_METRICS.contains(&name) {
            out.push(Diagnostic::error(
                Code::ConveyerMetric,
                m.span,
                format!("metric `{name}` is one the plugin reports itself"),
            ));
        } else if name.contains(".rate_") {
            out.push(
                Diagnostic::warning(Code::ConveyerRate, m.span, format!("`{name}` is a sliding rate; the plugin reports its positive changes, which mean nothing"))
                    .with_hint("use the meter's `.count`"),
            );
        }
    }
}
