use std::io::{self, Write};

use super::{shown, Report};

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in r.diagnostics {
        let l = r.location(d.span);
        write!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            shown(l.file),
            l.line,
            l.column,
            d.severity.as_str(),
            d.code.id(),
            shown(&d.message)
        )?;
        if let Some(h) = &d.hint {
            write!(out, " ({})", shown(h))?;
        }
        for rel in &d.related {
            let l = r.location(rel.span);
            write!(
                out,
                " [{}: {}:{}:{}]",
                shown(&rel.message),
                shown(l.file),
                l.line,
                l.column
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
