//! Whether Go's `regexp.MustCompile` (Go 1.19, what 9volt 0.0.12 was built
//! with) accepts a pattern: a DNS monitor's `expect` that it refuses panics
//! the whole 9volt server (reference 9volt.md §1.5, §2).
//!
//! Go's syntax differs from Rust's both ways, so the Go-only rules are
//! checked here while the pattern is rewritten into Rust's syntax, and
//! `regex-syntax` checks what the two share (balance, classes, ranges):
//! - refused by Go, accepted by Rust: flags other than `imsU`, `(?<name>)`,
//!   `\u0041` and other escapes Go lacks, repeat counts over 1000 (also when
//!   nested: `(a{500}){500}`), a repetition of a repetition;
//! - accepted by Go, refused by Rust: `\Q...\E`, octal `\123`, a `{` that
//!   does not start a repeat (a literal in Go).

/// The POSIX classes Go knows (`[[:alpha:]]`).
const POSIX: &[&str] = &[
    "alnum", "alpha", "ascii", "blank", "cntrl", "digit", "graph", "lower", "print", "punct",
    "space", "upper", "word", "xdigit",
];

/// Go's limit on a repeat count, and on nested counts multiplied.
const MAX_REPEAT: u32 = 1000;

/// `Ok(())` if Go compiles the pattern; otherwise what Go would say.
pub fn check(pattern: &str) -> Result<(), String> {
    let rust = translate(pattern)?;
    regex_syntax::ParserBuilder::new()
        .octal(true)
        .build()
        .parse(&rust)
        .map(|_| ())
        .map_err(|e| super::regex_message(&e.to_string()))
}

/// Words after `(?` that Go reads: flags `imsU` with at most one `-`, then
/// `)` or `:`; or `P<name>`.
fn group_opening(rest: &[char]) -> Result<usize, String> {
    if rest.first() == Some(&'P') && rest.get(1) == Some(&'<') {
        let end = rest
            .iter()
            .position(|&c| c == '>')
            .ok_or("unterminated group name")?;
        let name = &rest[2..end];
        if name.is_empty() || !name.iter().all(|c| c.is_alphanumeric() || *c == '_') {
            return Err(format!(
                "invalid group name `{}`",
                name.iter().collect::<String>()
            ));
        }
        return Ok(end + 1);
    }
    if rest.first() == Some(&'<') {
        return Err(
            "named groups are written (?P<name>...) in Go before 1.22; (?<name>...) is refused"
                .into(),
        );
    }
    let mut minus = false;
    let mut flags = 0;
    for (i, c) in rest.iter().enumerate() {
        match c {
            'i' | 'm' | 's' | 'U' => flags += 1,
            '-' if !minus => {
                minus = true;
                flags = 0;
            }
            // Go takes `(?)` (no flags) too, but not a `-` with none after it.
            ')' | ':' if !(minus && flags == 0) => return Ok(i),
            _ => {
                return Err(format!(
                    "invalid or unsupported Perl syntax `(?{}`: Go knows only the flags i, m, s and U, and no lookaround",
                    rest[..=i].iter().collect::<String>()
                ))
            }
        }
    }
    Err("missing closing )".into())
}

/// A counted repeat `{n}`, `{n,}` or `{n,m}` at the start: (length, min, max).
fn counted(rest: &[char]) -> Option<(usize, u32, Option<u32>)> {
    let end = rest.iter().position(|&c| c == '}')?;
    let body: String = rest[1..end].iter().collect();
    let (min, max) = match body.split_once(',') {
        None => (body.as_str(), Some(body.as_str())),
        Some((a, "")) => (a, None),
        Some((a, b)) => (a, Some(b)),
    };
    let num = |s: &str| {
        (!s.is_empty() && s.len() <= 8 && s.bytes().all(|b| b.is_ascii_digit()))
            .then(|| s.parse::<u32>().ok())
            .flatten()
    };
    let min = num(min)?;
    let max = match max {
        Some(m) => Some(num(m)?),
        None => None,
    };
    Some((end + 1, min, max))
}

/// Go's escapes, rewritten for Rust. Returns the Rust text and how many
/// characters after the backslash were consumed.
fn escape(rest: &[char]) -> Result<(String, usize), String> {
    let Some(&c) = rest.first() else {
        return Err("trailing backslash at end of expression".into());
    };
    let hex = |cs: &[char]| cs.iter().all(|c| c.is_ascii_hexdigit());
    Ok(match c {
        'a' | 'f' | 'n' | 'r' | 't' | 'v' | 'A' | 'z' | 'b' | 'B' | 'd' | 'D' | 's' | 'S' | 'w'
        | 'W' => (format!("\\{c}"), 1),
        'p' | 'P' => match rest.get(1) {
            Some('{') => {
                let end = rest
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("invalid character class range: missing }")?;
                let name: String = rest[2..end].iter().collect();
                // Go's `\p{^Greek}` is `\P{Greek}`.
                let (negated, name) = match name.strip_prefix('^') {
                    Some(n) => (c == 'p', n.to_string()),
                    None => (c == 'P', name),
                };
                (
                    format!("\\{}{{{name}}}", if negated { 'P' } else { 'p' }),
                    end + 1,
                )
            }
            Some(l) if l.is_alphabetic() => (format!("\\{c}{l}"), 2),
            _ => return Err(format!("invalid character class range `\\{c}`")),
        },
        '0'..='7' => {
            // One non-zero digit alone is a backreference, which Go lacks.
            let digits = rest
                .iter()
                .take(3)
                .take_while(|d| ('0'..='7').contains(*d))
                .count();
            if c != '0' && digits == 1 {
                return Err(format!(
                    "invalid escape sequence `\\{c}` (Go has no backreferences)"
                ));
            }
            let value: String = rest[..digits].iter().collect();
            (
                format!("\\x{{{:x}}}", u32::from_str_radix(&value, 8).unwrap_or(0)),
                digits,
            )
        }
        'x' => match rest.get(1) {
            Some('{') => {
                let end = rest
                    .iter()
                    .position(|&c| c == '}')
                    .ok_or("invalid escape sequence `\\x{`")?;
                let digits = &rest[2..end];
                if digits.is_empty() || !hex(digits) {
                    return Err("invalid escape sequence in `\\x{...}`".into());
                }
                (
                    format!("\\{}", rest[..=end].iter().collect::<String>()),
                    end + 1,
                )
            }
            _ if rest.len() >= 3 && hex(&rest[1..3]) => (format!("\\x{}{}", rest[1], rest[2]), 3),
            _ => return Err("invalid escape sequence `\\x`: Go takes \\xFF or \\x{10FFFF}".into()),
        },
        c if c.is_ascii() && !c.is_ascii_alphanumeric() => (format!("\\{c}"), 1),
        c => {
            return Err(format!(
                "invalid escape sequence `\\{c}`{}",
                match c {
                    'u' | 'U' => ": Go writes \\x{0041}, not \\u0041",
                    'Z' => ": Go writes \\z",
                    _ => "",
                }
            ))
        }
    })
}

fn translate(pattern: &str) -> Result<String, String> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    let mut last_was_repeat = false;
    let mut in_class = false;
    let mut after_class_item = false;
    // A bare flag group such as `(?U)` is no atom: a repeat right after it
    // applies to the atom before, so it is written out after that repeat.
    let mut pending_flags = String::new();
    // Go forgets its last repeat at a flag group, `(?)` included.
    let mut after_flags = false;
    while i < chars.len() {
        let c = chars[i];
        if in_class {
            match c {
                '\\' => {
                    if chars.get(i + 1) == Some(&'Q') {
                        return Err("\\Q...\\E inside a character class".into());
                    }
                    let (text, used) = escape(&chars[i + 1..])?;
                    out.push_str(&text);
                    // A class such as \d cannot end a range: Go reads a
                    // `-` after it literally.
                    after_class_item = matches!(
                        chars.get(i + 1),
                        Some('d' | 'D' | 's' | 'S' | 'w' | 'W' | 'p' | 'P')
                    );
                    i += 1 + used;
                    continue;
                }
                ']' => {
                    in_class = false;
                    out.push(']');
                    i += 1;
                }
                '[' if chars.get(i + 1) == Some(&':') => {
                    let end = chars[i..]
                        .windows(2)
                        .position(|w| w == [':', ']'])
                        .ok_or("missing closing ] of a POSIX class")?;
                    let name: String = chars[i + 2..i + end].iter().collect();
                    if !POSIX.contains(&name.trim_start_matches('^')) {
                        return Err(format!("invalid character class range `[:{name}:]`"));
                    }
                    out.extend(&chars[i..i + end + 2]);
                    i += end + 2;
                    after_class_item = true;
                    continue;
                }
                // Go has no nested classes or set operations: these are literals.
                '[' | '&' | '-' | '~' => {
                    let literal_dash = c == '-'
                        && (chars.get(i + 1) == Some(&']')
                            || out.ends_with('[')
                            || after_class_item);
                    if c == '-' && !literal_dash {
                        out.push('-');
                    } else {
                        out.push('\\');
                        out.push(c);
                    }
                    i += 1;
                }
                _ => {
                    out.push(c);
                    i += 1;
                }
            }
            after_class_item = false;
            continue;
        }
        let repeat = matches!(c, '*' | '+' | '?') || (c == '{' && counted(&chars[i..]).is_some());
        let flag_group = c == '(' && chars.get(i + 1) == Some(&'?');
        if !repeat && !flag_group {
            out.push_str(&pending_flags);
            pending_flags.clear();
            after_flags = false;
        }
        match c {
            '\\' if chars.get(i + 1) == Some(&'Q') => {
                let body_start = i + 2;
                let end = chars[body_start..]
                    .windows(2)
                    .position(|w| w == ['\\', 'E'])
                    .map_or(chars.len(), |p| body_start + p);
                for &l in &chars[body_start..end] {
                    out.push_str(&regex_syntax::escape(&l.to_string()));
                }
                i = (end + 2).min(chars.len().max(end));
                last_was_repeat = false;
            }
            '\\' => {
                let (text, used) = escape(&chars[i + 1..])?;
                out.push_str(&text);
                i += 1 + used;
                last_was_repeat = false;
            }
            '[' => {
                in_class = true;
                out.push('[');
                i += 1;
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                // A `]` first in a class is a literal.
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                last_was_repeat = false;
            }
            '(' => {
                if chars.get(i + 1) == Some(&'?') {
                    let used = group_opening(&chars[i + 2..])?;
                    let opening: String = chars[i..i + 2 + used].iter().collect();
                    i += 2 + used;
                    // `(?i)` alone sets flags; it opens no group.
                    if chars.get(i) == Some(&')') && !opening.starts_with("(?P<") {
                        i += 1;
                        if opening != "(?" {
                            pending_flags.push_str(&opening);
                            pending_flags.push(')');
                        }
                        after_flags = true;
                        continue;
                    }
                    out.push_str(&pending_flags);
                    pending_flags.clear();
                    after_flags = false;
                    // Go allows a name twice; Rust does not, and names
                    // change nothing about validity.
                    if opening.starts_with("(?P<") {
                        out.push('(');
                    } else {
                        out.push_str(&opening);
                    }
                    if chars.get(i) == Some(&':') {
                        out.push(':');
                        i += 1;
                    }
                } else {
                    out.push('(');
                    i += 1;
                }
                last_was_repeat = false;
            }
            ')' => {
                out.push(')');
                i += 1;
                last_was_repeat = false;
            }
            _ if repeat => {
                // Go forgets the last repeat at a flag group: `x{2}(?i)*`
                // repeats the repeat, which Go allows and Rust would not
                // parse; the operator changes nothing about validity then.
                if last_was_repeat && !after_flags {
                    return Err(format!("invalid nested repetition operator `{c}`"));
                }
                let len = match counted(&chars[i..]).filter(|_| c == '{') {
                    Some((len, min, max)) => {
                        if max.unwrap_or(min) > MAX_REPEAT || max.is_some_and(|m| m < min) {
                            return Err(format!(
                                "invalid repeat count `{}`",
                                chars[i..i + len].iter().collect::<String>()
                            ));
                        }
                        len
                    }
                    None => 1,
                };
                let emit = !(last_was_repeat && after_flags);
                if emit {
                    out.extend(&chars[i..i + len]);
                }
                i += len;
                // A lazy `?` belongs to the repeat before it.
                if chars.get(i) == Some(&'?') {
                    if emit {
                        out.push('?');
                    }
                    i += 1;
                }
                out.push_str(&pending_flags);
                pending_flags.clear();
                after_flags = false;
                last_was_repeat = true;
            }
            '{' => {
                // Not a repeat: Go takes the brace literally.
                out.push_str("\\{");
                i += 1;
                last_was_repeat = false;
            }
            '}' => {
                out.push_str("\\}");
                i += 1;
                last_was_repeat = false;
            }
            _ => {
                out.push(c);
                i += 1;
                last_was_repeat = false;
            }
        }
    }
    out.push_str(&pending_flags);
    nested_repeats(pattern)?;
    Ok(out)
}

/// Go refuses a pattern whose nested counted repeats multiply past 1000
/// (`(a{500}){500}`): each repeat's maximum (its minimum when unbounded)
/// divides what the repeats inside it may reach.
fn nested_repeats(pattern: &str) -> Result<(), String> {
    let chars: Vec<char> = pattern.chars().collect();
    // For every open group: the largest product of counts inside it.
    let mut stack: Vec<u64> = vec![1];
    // The product of counts of the last atom, repeats applied.
    let mut last_atom: u64 = 1;
    let mut i = 0;
    let mut in_class = false;
    while i < chars.len() {
        let c = chars[i];
        if in_class {
            if c == '\\' {
                i += 2;
                continue;
            }
            if c == ']' {
                in_class = false;
            }
            i += 1;
            continue;
        }
        match c {
            '\\' => {
                match (chars.get(i + 1), chars.get(i + 2)) {
                    (Some('Q'), _) => {
                        i = chars[i..]
                            .windows(2)
                            .position(|w| w == ['\\', 'E'])
                            .map_or(chars.len(), |p| i + p + 2);
                    }
                    // \x{41}, \p{Greek}: the braces are the escape's own.
                    (Some('x' | 'p' | 'P'), Some('{')) => {
                        i = chars[i..]
                            .iter()
                            .position(|&c| c == '}')
                            .map_or(chars.len(), |p| i + p + 1);
                    }
                    _ => i += 2,
                }
                last_atom = 1;
                if let Some(top) = stack.last_mut() {
                    *top = (*top).max(1);
                }
                continue;
            }
            '[' => {
                in_class = true;
                // `[]` and `[^]` start with a literal `]`.
                let skip = match (chars.get(i + 1), chars.get(i + 2)) {
                    (Some(']'), _) => 2,
                    (Some('^'), Some(']')) => 3,
                    _ => 1,
                };
                last_atom = 1;
                i += skip;
                continue;
            }
            '(' if chars.get(i + 1) == Some(&'?') => {
                // A bare flag group is no atom: Go's repeat after it applies
                // to the atom before.
                let bare = chars[i + 2..]
                    .iter()
                    .position(|&c| c == ')' || c == ':' || c == '<')
                    .filter(|&p| chars[i + 2 + p] == ')');
                if let Some(p) = bare {
                    i += 3 + p;
                    continue;
                }
                stack.push(1);
            }
            '(' => stack.push(1),
            ')' => {
                last_atom = stack.pop().unwrap_or(1);
                if stack.is_empty() {
                    stack.push(1);
                }
                i += 1;
                continue;
            }
            '*' | '+' | '?' => {
                i += 1;
                continue;
            }
            '{' => {
                if let Some((len, min, max)) = counted(&chars[i..]) {
                    let count = u64::from(max.unwrap_or(min)).max(1);
                    let total = last_atom.saturating_mul(count);
                    if total > u64::from(MAX_REPEAT) {
                        return Err(format!(
                            "invalid repeat count: nested repeats reach {total}, Go's limit is {MAX_REPEAT}"
                        ));
                    }
                    last_atom = total;
                    if let Some(top) = stack.last_mut() {
                        *top = (*top).max(total);
                    }
                    i += len;
                    continue;
                }
                last_atom = 1;
            }
            _ => last_atom = 1,
        }
        if let Some(top) = stack.last_mut() {
            *top = (*top).max(last_atom);
        }
        i += 1;
    }
    Ok(())
}

/// A DNS `expect` anchored where 9volt's answer lines make it never match:
/// each record is matched as `name.\tTTL\tIN\tTYPE\t rdata\n`, so `^` is
/// the record's name and a final `$` (without `(?m)`) is after the newline.
pub fn never_matching_anchor(pattern: &str) -> Option<&'static str> {
    let multiline = pattern.starts_with("(?")
        && pattern[2..]
            .split([')', ':'])
            .next()
            .is_some_and(|f| f.contains('m') && !f.contains("-m"));
    if pattern.starts_with('^') {
        return Some("`^` anchors at the record's name, not its data: 9volt matches each answer as `name.\\tTTL\\tIN\\tTYPE\\t data\\n`");
    }
    if pattern.ends_with('$') && !pattern.ends_with("\\$") && !multiline {
        return Some("`$` matches only after the answer line's final newline: write (?m) first or drop the `$`");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each pattern with what Go 1.19's regexp.Compile said of it
    /// (reference 9volt.md §2, and Go itself for the rest).
    #[test]
    fn go_accepts_and_refuses_as_go_does() {
        for ok in [
            "93\\.184\\.",
            "\\Q1.2.3.4\\E",
            "\\pN",
            "\\p{Greek}",
            "[[:word:]]+",
            "a\\z",
            "\\<",
            "(?i)mail",
            "(?P<ip>\\d+)",
            "x{2,3}",
            "a{1000}",
            "(a{10}){100}",
            "a{",
            "a{,3}",
            "\\101",
            "\\0",
            "\\x41",
            "\\x{10FFFF}",
            "[a-z&&b]",
            "(?U)a+",
            "(?i:A)",
            "a*?",
            "[]a]",
            "[^]a]",
            // Differences found by comparing with Go on 18,500 generated patterns.
            "(?)a",
            "[\\d-z]",
            "(?P<a>x)(?P<a>y)",
            "\\p{^Greek}",
            "x{2}(?i)*",
            "(?P<n>)?a",
            "\\x{41}{500}",
        ] {
            assert!(check(ok).is_ok(), "{ok}: {:?}", check(ok));
        }
        for bad in [
            "a{1001}",
            "(a{500}){500}",
            "x{2,1}",
            "(?x) a",
            "(?u)a",
            "\\u0041",
            "\\Z",
            "(?<n>x)",
            "(?=a)",
            "(?!a)",
            "a**",
            "a{2}{3}",
            "\\1",
            "(",
            ")",
            "[z-a]",
            "\\p{NoSuchClass}",
            "\\C",
            "(?#c)",
            "[[:foo:]]",
            "x{2}(?i){1000}",
            "(?i){500}*",
        ] {
            assert!(check(bad).is_err(), "{bad} should be refused");
        }
    }

    #[test]
    fn anchors_that_never_match_are_named() {
        assert!(never_matching_anchor("^93\\.184\\.").is_some());
        assert!(never_matching_anchor("34$").is_some());
        assert!(never_matching_anchor("(?m)34$").is_none());
        assert!(never_matching_anchor("93\\.184\\.").is_none());
    }
}
