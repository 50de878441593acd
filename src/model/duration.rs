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
    // As Go does: whole parts in exact integers, a fraction through a float.
    let too_long = || "it is longer than Go can represent (about 292 years)".to_string();
    let mut total: u128 = 0;
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
        let scale: u128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("`{num}` has no unit")),
            other => {
                return Err(format!(
                    "unknown unit `{other}` (use ns, us, ms, s, m or h)"
                ))
            }
        };
        let (whole, frac) = num.split_once('.').unwrap_or((num, ""));
        let mut v: u128 = 0;
        for d in whole.bytes() {
            v = v * 10 + u128::from(d - b'0');
            if v > 1 << 63 {
                return Err(too_long());
            }
        }
        v *= scale;
        // Go keeps fraction digits while they fit, then scales by the unit.
        let (mut f, mut f_scale) = (0u64, 1f64);
        for d in frac.bytes() {
            match f
                .checked_mul(10)
                .and_then(|x| x.checked_add(u64::from(d - b'0')))
            {
                Some(x) if x < 1 << 63 => {
                    f = x;
                    f_scale *= 10.0;
                }
                _ => break,
            }
        }
        v += (f as f64 * (scale as f64 / f_scale)) as u128;
        total += v;
        if total > 1 << 63 {
            return Err(too_long());
        }
    }
    if !neg && total > i64::MAX as u128 {
        return Err(too_long());
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

/// A positive Go duration as a `std::time::Duration`, for settings (a
/// timeout of zero or less would never let anything through).
pub fn positive(s: &str) -> Result<std::time::Duration, String> {
    match parse(s) {
        Ok(ns) if ns > 0 => Ok(std::time::Duration::from_nanos(ns as u64)),
        Ok(_) => Err("must be greater than zero".into()),
        Err(e) => Err(format!("{e} (write e.g. 5s or 500ms)")),
    }
}

/// Deserializes an optional positive Go duration (`"5s"`), so a settings
/// file's mistake is reported at its line and column.
pub fn deserialize_positive<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<std::time::Duration>, D::Error> {
    let s: Option<String> = serde::Deserialize::deserialize(d)?;
    s.map(|s| positive(&s).map_err(serde::de::Error::custom))
        .transpose()
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
