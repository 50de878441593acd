use mon::diagnostic::Code;
use mon::exit::Exit;

/// Explain a finding code: why its reader needs it, a mistake and its fix
#[derive(clap::Args)]
#[command(after_help = "Examples:
  mon explain E0308      # one code
  mon explain e0308      # case does not matter
  mon explain            # every code with its summary

Exit codes: 0 explained, 2 no such code (the closest are suggested).")]
pub struct Args {
    /// A code as findings print it (E0308, W0307); every code when left out
    #[arg(value_parser = mon::diagnostic::CodeWords, hide_possible_values = true)]
    pub code: Option<String>,
}

pub fn run(args: Args) -> Exit {
    let Some(asked) = args.code else {
        let list: String = Code::ALL
            .iter()
            .map(|c| format!("{}  {}\n", c.id(), c.summary()))
            .collect();
        return match super::emit(|out| out.write_all(list.as_bytes())) {
            Ok(()) => Exit::Ok,
            Err(code) => code,
        };
    };
    let Some(c) = Code::ALL
        .iter()
        .find(|c| c.id().eq_ignore_ascii_case(asked.trim()))
    else {
        let mut near: Vec<&Code> = Code::ALL.iter().collect();
        near.sort_by_key(|c| {
            strsim::levenshtein(&c.id().to_ascii_uppercase(), &asked.to_ascii_uppercase())
        });
        let near: Vec<&str> = near.iter().take(3).map(|c| c.id()).collect();
        eprintln!(
            "error: `{asked}` is not a finding code; the closest are {} (`mon explain` lists them all)",
            near.join(", ")
        );
        return Exit::Usage;
    };
    let severity = if c.id().starts_with('W') {
        "warning"
    } else {
        "error"
    };
    let (bad, good) = c.example();
    let indent = |t: &str| t.lines().map(|l| format!("    {l}\n")).collect::<String>();
    let text = format!(
        "{}: {} ({severity})\n\n{}\n\nMistake:\n{}Fix:\n{}",
        c.id(),
        c.summary(),
        c.why(),
        indent(bad),
        indent(good)
    );
    match super::emit(|out| out.write_all(text.as_bytes())) {
        Ok(()) => Exit::Ok,
        Err(code) => code,
    }
}
