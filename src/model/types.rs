//! Value types that carry a reader's lexical rules. A value reaches another
//! program's file only through one of these, so a definition that builds is
//! one its reader takes as written.

use serde::Serialize;

use super::read::{Cx, FromNode, Spanned};
use crate::diagnostic::{Code, Diagnostic, Span};
use crate::syntax::{Node, Value};

/// hastmon's keywords (reference hastmon.md §1): never a STR token.
pub const HAST_KEYWORDS: &[&str] = &[
    "control",
    "listen",
    "port",
    "timeout",
    "exec",
    "resource",
    "priority",
    "attempts",
    "heartbeat_interval",
    "friends",
    "remote",
    "key",
    "algorithm",
    "secret",
    "complaint_count",
    "complaint_interval",
    "on",
    "role_on_start",
    "init",
    "primary",
    "secondary",
    "watchdog",
];

/// Limits hastmon's parser enforces, and the host name limit (§4, §10).
pub const MAX_RESOURCE_NAME: usize = 254;
pub const MAX_EXEC: usize = 4095;
pub const MAX_ADDRESS: usize = 1023;
pub const MAX_SECRET: usize = 1023;
pub const MAX_NODE_NAME: usize = 63;

/// One word of hastmon.conf: `[A-Za-z0-9._/:-]+`, not all digits, not a
/// keyword, at most `MAX` bytes. hastmon has no quoting and `#` cuts a word,
/// so nothing else can be written.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct HastWord<const MAX: usize>(String);

pub type NodeName = HastWord<MAX_NODE_NAME>;
pub type ResourceName = HastWord<MAX_RESOURCE_NAME>;
pub type Address = HastWord<MAX_ADDRESS>;
pub type ExecPath = HastWord<MAX_EXEC>;
pub type HastSecret = HastWord<MAX_SECRET>;

impl<const MAX: usize> HastWord<MAX> {
    pub fn new(s: &str) -> Result<Self, String> {
        if s.is_empty() {
            return Err("it is empty".into());
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '/' | ':' | '-')))
        {
            let why = match c {
                '#' => "`#` starts a comment in hastmon.conf and cuts the word".to_string(),
                c if c.is_whitespace() => {
                    format!("hastmon has no quoting, so {c:?} would split the word")
                }
                c => format!("hastmon has no quoting and cannot read {c:?}"),
            };
            return Err(why);
        }
        if s.bytes().all(|b| b.is_ascii_digit()) {
            return Err("an all-digit word is read as a number, not a name".into());
        }
        if HAST_KEYWORDS.contains(&s) {
            return Err(format!("`{s}` is a hastmon keyword"));
        }
        if s.len() > MAX {
            return Err(format!(
                "it is {} bytes; hastmon accepts at most {MAX} here",
                s.len()
            ));
        }
        Ok(HastWord(s.to_string()))
    }
    /// Builds the word or reports why not, at `span`.
    pub fn read(s: &str, span: Span, what: &str, cx: &mut Cx) -> Option<Self> {
        match Self::new(s) {
            Ok(w) => Some(w),
            Err(why) => {
                cx.push(hast_error(span, what, s, &why));
                None
            }
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A value for a message: escaped, and cut after 60 characters.
pub fn shown(value: &str) -> String {
    let cut: String = value.chars().take(60).collect();
    if cut.len() < value.len() {
        format!("{}...", cut.escape_debug())
    } else {
        cut.escape_debug().to_string()
    }
}

pub fn hast_error(span: Span, what: &str, value: &str, why: &str) -> Diagnostic {
    let code = if why.contains("bytes; hastmon accepts") {
        Code::HastTooLong
    } else {
        Code::HastToken
    };
    let shown: String = value.chars().take(80).collect();
    let shown = if shown.len() < value.len() {
        format!("{shown}...")
    } else {
        shown
    };
    Diagnostic::error(
        code,
        span,
        format!(
            "{} `{}` cannot be written into hastmon.conf: {why}",
            what.trim_matches('`'),
            shown.escape_debug()
        ),
    )
    .with_hint("use letters, digits and `. _ / : -`, not all digits and not a hastmon keyword")
}

impl<const MAX: usize> FromNode for HastWord<MAX> {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let s = node.as_str()?;
        let what = cx.what();
        Self::read(s, node.span, &what, cx)
    }
}

impl<const MAX: usize> std::fmt::Display for HastWord<MAX> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A value for an env file read both by systemd's `EnvironmentFile=` and by
/// a shell that sources it (reference dozor-conveyer-collectd.md §2.5). The
/// two agree only on plain words: letters, digits and `. _ / : @ % + , = -`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct EnvValue(String);

impl EnvValue {
    pub fn new(s: &str) -> Result<EnvValue, String> {
        if s.is_empty() {
            return Err("it is empty".into());
        }
        let bad = s.chars().find(|c| {
            !(c.is_alphanumeric()
                || matches!(c, '.' | '_' | '/' | ':' | '@' | '%' | '+' | ',' | '=' | '-'))
        });
        match bad {
            None => Ok(EnvValue(s.to_string())),
            Some(c) => Err(match c {
                '\n' | '\r' => "a line break would start another variable (systemd and a shell both read one per line)".into(),
                '\\' => "systemd and a shell read `\\` differently (and a trailing one joins the next line)".into(),
                '$' | '`' => format!("a shell that sources the file would run or expand `{c}`"),
                '"' | '\'' => "systemd and a shell undo quotes differently".into(),
                c if c.is_whitespace() => "a shell would split the value at white space".into(),
                c => format!("{c:?} means something to a shell that sources the file"),
            }),
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl FromNode for EnvValue {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let s = node.as_str()?;
        match EnvValue::new(s) {
            Ok(v) => Some(v),
            Err(why) => {
                cx.push(
                    Diagnostic::error(
                        Code::EnvUnsafe,
                        node.span,
                        format!("{} `{}` cannot be written into an env file: {why}", cx.what(), s.escape_debug()),
                    )
                    .with_hint("hosts, ports and paths never need these characters: use letters, digits and `. _ / : @ % + , = -`"),
                );
                None
            }
        }
    }
}

impl std::fmt::Display for EnvValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A command line a shell runs: from a hastmon hook script, or through
/// remote.lua's `io.popen` (a C string). Anything a shell reads but NUL,
/// where the C string or the script's reader stops: the command run would
/// not be the one written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ShellLine(String);

impl ShellLine {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::ops::Deref for ShellLine {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl FromNode for ShellLine {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let s = node.as_str()?;
        if s.contains('\0') {
            cx.push(Diagnostic::error(
                Code::BadFormat,
                node.span,
                format!(
                    "{} holds a NUL character, where the shell's input ends: the command run would be another than the one written; remove it",
                    cx.what()
                ),
            ));
            return None;
        }
        Some(ShellLine(s.to_string()))
    }
}

/// NAME_MAX on every file system mon writes to.
pub const NAME_MAX: usize = 255;

/// One component of a path mon creates: no `/`, not `.` or `..`, no NUL,
/// at most 255 bytes. Every name that becomes a file name goes through it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct PathSegment(String);

impl PathSegment {
    pub fn new(s: &str) -> Result<PathSegment, String> {
        if s.is_empty() || s == "." || s == ".." {
            return Err(format!("`{s}` is not a file name"));
        }
        if s.contains('/') {
            return Err("it contains `/`, which would leave the output directory".into());
        }
        if s.contains('\0') {
            return Err("it contains a NUL character".into());
        }
        if s.len() > NAME_MAX {
            return Err(format!(
                "the file name is {} bytes; file systems allow at most {NAME_MAX}",
                s.len()
            ));
        }
        Ok(PathSegment(s.to_string()))
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
    /// The directory or file a definition's name becomes; refused with its
    /// place when it could not be one (the catalog's name rule already
    /// keeps names file-safe; this makes the output depend on the type).
    pub fn of_name(name: &str, span: Span, cx: &mut Cx) -> Option<PathSegment> {
        PathSegment::new(name)
            .map_err(|e| {
                cx.error(
                    Code::InvalidName,
                    span,
                    format!("`{name}` cannot name a file: {e}"),
                )
            })
            .ok()
    }
}

impl AsRef<std::path::Path> for PathSegment {
    fn as_ref(&self) -> &std::path::Path {
        std::path::Path::new(&self.0)
    }
}

impl std::fmt::Display for PathSegment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A bare word collectd.conf reads as a key or a plugin name. collectd's
/// lexer takes a word that is all digits or `0x` hex as a NUMBER and
/// `true false yes no on off` as booleans, and its grammar wants a string
/// there (checked with collectd -T: "unexpected NUMBER", "unexpected BTRUE").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ConfKey(String);

pub const CONF_BOOLEANS: &[&str] = &["true", "false", "yes", "no", "on", "off"];

impl ConfKey {
    pub fn new(s: &str) -> Result<ConfKey, String> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
            return Err("collectd reads only letters, digits and `_` in a bare word".into());
        }
        let hex = s.len() > 2
            && (s.starts_with("0x") || s.starts_with("0X"))
            && s[2..].bytes().all(|b| b.is_ascii_hexdigit());
        if s.bytes().all(|b| b.is_ascii_digit()) || hex {
            return Err("collectd reads it as a number, not a name".into());
        }
        if CONF_BOOLEANS.contains(&s) {
            return Err("collectd reads it as a boolean, not a name".into());
        }
        Ok(ConfKey(s.to_string()))
    }
    /// Builds the key or reports why not, at `span`.
    pub fn read(s: &str, span: Span, what: &str, cx: &mut Cx) -> Option<Spanned<ConfKey>> {
        match ConfKey::new(s) {
            Ok(k) => Some(Spanned { value: k, span }),
            Err(why) => {
                cx.push(
                    Diagnostic::error(
                        Code::CollectdUnsafe,
                        span,
                        format!(
                            "{what} `{}` cannot be written into collectd.conf: {why}",
                            shown(s)
                        ),
                    )
                    .with_hint("use the name the plugin documents, for example `MountPoint`"),
                );
                None
            }
        }
    }
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Display for ConfKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// A string collectd.conf can hold inside quotes: anything but NUL.
/// collectd's lexer reads every other byte of a quoted string as written,
/// line breaks and escapes included (each of U+0001..U+001F, U+007F and
/// U+0085 checked with `collectd -T` and read back through the csv plugin);
/// a NUL ends its C string.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ConfString(String);

impl ConfString {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Why collectd.conf cannot hold `s` as written, if it cannot.
    pub fn refusal(s: &str) -> Option<&'static str> {
        s.contains('\0')
            .then_some("a NUL, which ends the string where collectd reads it")
    }
}

impl FromNode for ConfString {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let s = node.as_str()?;
        if let Some(why) = ConfString::refusal(s) {
            cx.push(
                Diagnostic::error(
                    Code::CollectdUnsafe,
                    node.span,
                    format!("{} contains {why}", cx.what()),
                )
                .with_hint("collectd would read another value than the one written; remove it"),
            );
            return None;
        }
        Some(ConfString(s.to_string()))
    }
}

/// A Go duration as 9volt parses it (`time.ParseDuration`), in nanoseconds.
/// Its text reaches etcd as the user wrote it, from the written definition;
/// 100,000 monitors do not hold a second copy of it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GoDuration {
    /// Go's `time.Duration` is an int64 of nanoseconds; `parse` refuses more.
    pub ns: i64,
}

impl FromNode for GoDuration {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        let s = node.as_str()?;
        match super::duration::parse(s) {
            Ok(ns) => Some(GoDuration { ns: ns as i64 }),
            Err(why) => {
                let hint = if s.trim().chars().all(|c| c.is_ascii_digit()) && !s.trim().is_empty() {
                    format!(
                        "9volt reads a bare number as nanoseconds; write a unit, e.g. \"{}s\"",
                        s.trim()
                    )
                } else if s.contains(' ') {
                    format!("remove the spaces: \"{}\"", s.replace(' ', ""))
                } else {
                    "write a number and a unit (ns, us, ms, s, m, h), e.g. 30s or 1m30s".into()
                };
                cx.push(
                    Diagnostic::error(
                        Code::BadDuration,
                        node.span,
                        format!("{} is not a Go duration: {why}", cx.what()),
                    )
                    .with_hint(hint),
                );
                None
            }
        }
    }
}

/// A secret as written: a literal, `{env: NAME}` or `{file: PATH}`,
/// resolved only when a value leaves mon.
#[derive(Clone, Debug, PartialEq)]
pub enum SecretRef {
    Literal(String),
    Env(String),
    File(String),
}

impl FromNode for SecretRef {
    fn from_node(node: &Node, _: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Str(s) => Some(SecretRef::Literal(s.as_str().to_owned())),
            Value::Map(_) => {
                if let Some(e) = node.get("env").and_then(Node::as_str) {
                    Some(SecretRef::Env(e.to_string()))
                } else {
                    node.get("file")
                        .and_then(Node::as_str)
                        .map(|f| SecretRef::File(f.to_string()))
                }
            }
            _ => None,
        }
    }
}

impl SecretRef {
    pub fn is_reference(&self) -> bool {
        !matches!(self, SecretRef::Literal(_))
    }
    /// What it names, when it is a reference.
    pub fn reference(&self) -> Option<crate::secret::Reference<'_>> {
        match self {
            SecretRef::Literal(_) => None,
            SecretRef::Env(n) => Some(crate::secret::Reference::Env(n)),
            SecretRef::File(p) => Some(crate::secret::Reference::File(p)),
        }
    }
    pub fn to_json(&self) -> serde_json::Value {
        match self {
            SecretRef::Literal(s) => serde_json::Value::String(s.clone()),
            SecretRef::Env(n) => serde_json::json!({ "env": n }),
            SecretRef::File(p) => serde_json::json!({ "file": p }),
        }
    }
}

/// A secret with where it was written, resolved on demand.
#[derive(Clone)]
pub struct Secret {
    pub reference: Spanned<SecretRef>,
    /// The file it was written in: its directory is where a relative
    /// `{file:}` is taken from, and its place is named in errors after
    /// resolution (worked out then: a load holds tens of thousands).
    pub file: std::sync::Arc<crate::source::SourceFile>,
    /// Where a `{file:}` reference may read.
    pub roots: crate::secret::Roots,
}

impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        self.reference == other.reference
            && self.file.path == other.file.path
            && self.roots == other.roots
    }
}

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Secret")
            .field("reference", &self.reference)
            .field("at", &self.at())
            .finish()
    }
}

impl Secret {
    /// `path:line:col` of the value.
    pub fn at(&self) -> String {
        let (line, col) = self.file.line_col(self.reference.span.start as usize);
        format!("{}:{line}:{col}", self.file.path.display())
    }
    /// The directory of the file it was written in.
    pub fn dir(&self) -> &std::path::Path {
        self.file.path.parent().unwrap_or(std::path::Path::new(""))
    }
    pub fn resolve(&self) -> Result<String, String> {
        crate::secret::resolve(&self.reference.to_json(), self.dir(), &self.roots)
            .map_err(|e| format!("{}: {e}", self.at()))
    }
    /// Resolves and checks the value against a reader's rules.
    pub fn resolve_as<T>(
        &self,
        what: &str,
        check: impl FnOnce(&str) -> Result<T, String>,
    ) -> Result<T, String> {
        let v = self.resolve()?;
        check(&v).map_err(|why| {
            // The reason may quote the value; a secret is never printed.
            let why = if v.is_empty() {
                why
            } else {
                why.replace(&v, "(secret)")
            };
            format!(
                "{}: {what} cannot be written: {why} (the value came from {})",
                self.at(),
                match &self.reference.value {
                    SecretRef::Literal(_) => "the definition".to_string(),
                    SecretRef::Env(n) => format!("${n}"),
                    SecretRef::File(p) => format!("file {p}"),
                }
            )
        })
    }
}
