//! What lua-collectd-monitor's result codes mean (reference §4.3, §4.4).

use super::Task;

pub fn meaning(task: &Task, code: i64) -> String {
    if code == 0 {
        return "ok".into();
    }
    let known = match code {
        0x1000 => Some("not implemented"),
        0x1001 => Some("the host's monitor config.json cannot be read or has no services"),
        0x1002 => Some("unknown service"),
        0x1003 => Some("unknown command for this service"),
        0x1100 => Some(
            "a task with this id is still running, or the command's output could not be decoded",
        ),
        0x2000 => Some("a config replacement is already in progress (<ConfigPath>.lock exists)"),
        0x2001 => Some("cannot write the new config"),
        0x2002 => Some("the new config is broken (collectd -T rejected it)"),
        0x2003 => Some("cannot stop collectd"),
        0x2004 => Some("collectd did not exit within 10 s"),
        0x2005 => Some("cannot back up the old config"),
        0x2006 => Some("cannot install the new config"),
        0x2007 => Some("the new config did not start; the old one was restored and runs"),
        0x2008 => Some("neither the new nor the old config started: collectd is down"),
        0x2009 => Some("collectd started but no pid appeared"),
        0x200a => Some("cannot find lua or replace-config.lua"),
        _ => None,
    };
    match (known, task) {
        (Some(m), _) => format!("0x{code:04x}: {m}"),
        (None, Task::Command { .. }) => format!("the command exited with status {code}"),
        (None, Task::Config { .. }) => format!("unknown result code {code}"),
    }
}
