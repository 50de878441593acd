use std::io::{self, Write};

use super::Report;

pub fn write(r: &Report, out: &mut dyn Write) -> io::Result<()> {
    for d in r.diagnostics {
        let l = r.location(d.span);
        write!(
            out,
            "{}:{}:{}: {}[{}]: {}",
            l.file,
            l.line,
            l.column,
            d.severity.as_str(),
            d.code.id(),
            d.message
        )?;
        if let Some(h) = &d.hint {
            write!(out, " ({h})")?;
        }
        for rel in &d.related {
            let l = r.location(rel.span);
            write!(
                out,
                " [{}: {}:{}:{}]",
                rel.message, l.file, l.line, l.column
            )?;
        }
        writeln!(out)?;
    }
    Ok(())
}
