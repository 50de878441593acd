//! A message on a result topic, read for the three fields a result has
//! (`task_id`, `code`, `message`, reference lua-collectd-monitor.md §4.2)
//! and nothing else: anything else in it is skipped without being built,
//! so a foreign 32 MiB JSON array costs its bytes, not a gigabyte of values.

use serde::de::{Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// What a result topic carried, when it is a JSON object.
#[derive(Deserialize, Default)]
pub struct Reply {
    #[serde(default)]
    task_id: Scalar,
    #[serde(default)]
    code: Scalar,
    #[serde(default)]
    message: Scalar,
}

/// A field's value when it is a number or a string; anything else is
/// skipped and counts as absent.
#[derive(Default)]
enum Scalar {
    #[default]
    Other,
    Int(i64),
    Uint(u64),
    Float(f64),
    Text(String),
}

impl Reply {
    /// The message parsed, or None when it is not a JSON object.
    pub fn parse(payload: &[u8]) -> Option<Reply> {
        // An object or nothing: a derived struct would also take an array.
        let first = payload.iter().find(|b| !b.is_ascii_whitespace())?;
        if *first != b'{' {
            return None;
        }
        serde_json::from_slice(payload).ok()
    }

    /// Whether it answers `task_id`: remote.lua sends the id as a number,
    /// or from its systemd path as a numeric string.
    pub fn answers(&self, task_id: u64) -> bool {
        match &self.task_id {
            Scalar::Uint(n) => *n == task_id,
            Scalar::Int(n) => u64::try_from(*n) == Ok(task_id),
            Scalar::Float(f) => *f == task_id as f64,
            Scalar::Text(s) => s.trim().parse::<u64>() == Ok(task_id),
            Scalar::Other => false,
        }
    }

    /// The code as a number: `0`, `0.0` and `-0` alike (remote.lua's JSON
    /// encoder may write any of them); a fraction or a string is no code.
    pub fn code(&self) -> Option<i64> {
        match self.code {
            Scalar::Int(n) => Some(n),
            Scalar::Uint(n) => i64::try_from(n).ok(),
            Scalar::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 9.0e15 => {
                Some(f as i64)
            }
            _ => None,
        }
    }

    /// The message text; empty when there is none or it is not a string.
    pub fn message(self) -> String {
        match self.message {
            Scalar::Text(s) => s,
            _ => String::new(),
        }
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_i64<E>(self, n: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(n))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Scalar, E> {
                Ok(Scalar::Uint(n))
            }
            fn visit_f64<E>(self, f: f64) -> Result<Scalar, E> {
                Ok(Scalar::Float(f))
            }
            fn visit_str<E>(self, s: &str) -> Result<Scalar, E> {
                Ok(Scalar::Text(s.to_string()))
            }
            fn visit_string<E>(self, s: String) -> Result<Scalar, E> {
                Ok(Scalar::Text(s))
            }
            fn visit_bool<E>(self, _: bool) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_unit<E>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scalar, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scalar, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_remote_lua_sends_and_skips_the_rest() {
        let r = Reply::parse(
            br#"{"task_id": "42", "code": 0.0, "message": "ok", "x": [1, {"a": []}]}"#,
        )
        .unwrap();
        assert!(r.answers(42) && !r.answers(43));
        assert_eq!(r.code(), Some(0));
        assert_eq!(r.message(), "ok");
        let r = Reply::parse(br#"{"task_id": 42.0, "code": -0, "message": [1]}"#).unwrap();
        assert!(r.answers(42));
        assert_eq!(r.code(), Some(0));
        assert_eq!(r.message(), "");
        let r = Reply::parse(br#"{"code": 1.5, "task_id": true}"#).unwrap();
        assert_eq!(r.code(), None);
        assert!(!r.answers(1));
        assert!(Reply::parse(b"[1, 2, 3]").is_none());
        assert!(Reply::parse(b"not json").is_none());
        assert!(Reply::parse(b"").is_none());
    }
}
