//! What `mon render` wrote, would write, refused or left: a line per file
//! (with its diff when asked), then the counts.

use std::io::Write;
use std::path::Path;

use crate::render::{FileReport, Status};

pub fn write(reports: &[FileReport], out_dir: &Path, out: &mut dyn Write) -> std::io::Result<()> {
    for r in reports {
        if let Some(d) = &r.diff {
            // Rendered values may hold any character collectd reads (ESC too).
            write!(out, "{}", super::shown_lines(d))?;
        }
        let what = match &r.status {
            Status::Written => "written",
            Status::Unchanged => "unchanged",
            Status::WouldWrite => "would write",
            Status::CheckFailed(_) => "check failed",
            Status::HeldBack(_) => "not written",
            Status::Orphan { .. } => "orphaned",
            Status::Removed => "removed",
        };
        writeln!(out, "{what:>12}  {}", out_dir.join(&r.path).display())?;
        match &r.status {
            Status::CheckFailed(m) => {
                for line in m.lines() {
                    writeln!(out, "              {}", super::shown(line))?;
                }
            }
            Status::HeldBack(conf) => writeln!(
                out,
                "              {} failed --check: a host gets all its files or none",
                conf.display()
            )?,
            Status::Orphan { ours: true } => writeln!(
                out,
                "              no definition renders it any more; --prune removes it"
            )?,
            Status::Orphan { ours: false } => writeln!(
                out,
                "              no definition renders it any more; it holds files mon does not write, so it is left for you"
            )?,
            _ => {}
        }
    }
    let count = |s: fn(&Status) -> bool| reports.iter().filter(|r| s(&r.status)).count();
    writeln!(
        out,
        "{} written, {} unchanged, {} would be written, {} refused by --check, {} held back with them, {} orphaned, {} removed",
        count(|s| *s == Status::Written),
        count(|s| *s == Status::Unchanged),
        count(|s| *s == Status::WouldWrite),
        count(|s| matches!(s, Status::CheckFailed(_))),
        count(|s| matches!(s, Status::HeldBack(_))),
        count(|s| matches!(s, Status::Orphan { .. })),
        count(|s| *s == Status::Removed)
    )
}
