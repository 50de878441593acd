//! Go's `time.ParseDuration`, which is what 9volt applies to every duration.

pub const SECOND: i128 = 1_000_000_000;

/// The monitor fields 9volt parses as durations.
pub const FIELDS: &[&str] = &[
    "interval",
    "timeout",
    "read-timeout",
    "write-timeout",
    "dns-max-time",
];

/// Nanoseconds, or why Go would refuse the string.
pub fn parse(s: &str) -> Result<i128, String> {
    let (neg, mut rest) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err("it is empty".into());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_len = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let num = &rest[..num_len];
        if num.is_empty() || num == "." || num.matches('.').count() > 1 {
            return Err(format!("expected a number at `{rest}`"));
        }
        rest = &rest[num_len..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let unit = &rest[..unit_len];
        rest = &rest[unit_len..];
        let scale: f64 = match unit {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            "" => return Err(format!("`{num}` has no unit")),
            other => {
                return Err(format!(
                    "unknown unit `{other}` (use ns, us, ms, s, m or h)"
                ))
            }
        };
        let value: f64 = num
            .parse()
            .map_err(|_| format!("`{num}` is not a number"))?;
        total += value * scale;
    }
    if total > i64::MAX as f64 {
        return Err("it is longer than Go can represent (about 292 years)".into());
    }
    let ns = total as i128;
    Ok(if neg { -ns } else { ns })
}

pub fn show(ns: i128) -> String {
    if ns % SECOND == 0 {
        format!("{}s", ns / SECOND)
    } else if ns % 1_000_000 == 0 {
        format!("{}ms", ns / 1_000_000)
    } else {
        format!("{ns}ns")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn go_durations() {
        assert_eq!(parse("10s"), Ok(10 * SECOND));
        assert_eq!(parse("1m30s"), Ok(90 * SECOND));
        assert_eq!(parse("1.5h"), Ok(5400 * SECOND));
        assert_eq!(parse("-5s"), Ok(-5 * SECOND));
        assert_eq!(parse("0"), Ok(0));
        assert_eq!(parse("300ms"), Ok(300_000_000));
        assert_eq!(parse("2µs"), Ok(2000));
        assert!(parse("10").is_err());
        assert!(parse("10 s").is_err());
        assert!(parse("s").is_err());
        assert!(parse("").is_err());
        assert!(parse("1d").is_err());
        assert!(parse("9999999999h").is_err());
    }
}
