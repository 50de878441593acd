//! Findings as values: a code, a severity, a message and the spans they are
//! about. Checking code builds these; only `report` turns them into text.

use crate::source::FileId;

/// A byte range in one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end.max(start) as u32,
        }
    }
    /// The whole file, for findings that have no better place.
    pub fn file_only(file: FileId) -> Self {
        Span {
            file,
            start: 0,
            end: 0,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

macro_rules! codes {
    ($($variant:ident = $id:literal, $summary:literal;)*) => {
        /// Stable finding codes. The id never changes meaning once released;
        /// `mon validate --explain`-style tooling and CI filters rely on it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($variant),* }
        impl Code {
            pub fn id(self) -> &'static str { match self { $(Code::$variant => $id),* } }
            pub fn summary(self) -> &'static str { match self { $(Code::$variant => $summary),* } }
            pub const ALL: &'static [Code] = &[$(Code::$variant),*];
        }
    };
}

codes! {
    // Reading and parsing files.
    Io = "E0100", "the file cannot be read";
    NotUtf8 = "E0101", "the file is not UTF-8";
    YamlSyntax = "E0102", "YAML syntax error";
    TomlSyntax = "E0103", "TOML syntax error";
    DuplicateKey = "E0104", "a key appears twice in one mapping";
    AliasBomb = "E0105", "YAML aliases expand too far";
    TooDeep = "E0106", "nesting is too deep";
    UnsupportedYaml = "E0107", "a YAML feature mon does not accept";
    FileTooLarge = "E0108", "the file is larger than the limit";
    EmptyFile = "W0109", "the file defines nothing";
    ForbiddenChar = "E0110", "a character YAML does not allow in a file";
    // The section → name → object frame.
    NotAMapping = "E0200", "a document or section is not a mapping";
    UnknownSection = "E0201", "unknown top-level section";
    InvalidName = "E0203", "a definition name is not safe as a key and file name";
    DuplicateName = "E0204", "a name is defined twice in one section";
    // JSON Schema findings.
    WrongType = "E0300", "a value has the wrong type";
    UnknownField = "E0301", "unknown field";
    MissingField = "E0302", "a required field is missing";
    NotAllowed = "E0303", "a value is not one of the allowed ones";
    OutOfRange = "E0304", "a number or length is out of range";
    BadFormat = "E0305", "a string does not have the required form";
    SchemaOther = "E0306", "the value breaks a schema rule";
    Yaml11Bool = "W0307", "9volt (YAML 1.1) would read this word as a boolean";
    NotAnInteger = "E0308", "a whole number is written as a fraction or with an exponent";
    NotFinite = "E0309", "a number is NaN or infinite";
    // 9volt monitors and alerters.
    BadDuration = "E0400", "not a Go duration";
    NonPositiveInterval = "E0401", "interval must be greater than zero";
    NegativeDuration = "E0402", "negative duration (crashes a 9volt server)";
    TimeoutNotBelowInterval = "E0403", "a timeout is not below the interval";
    BadDnsRegex = "E0404", "invalid dns expect regex (crashes a 9volt server)";
    FieldUnusedByType = "W0406", "a field this monitor type ignores";
    Thresholds = "E0407", "warning-threshold is above critical-threshold";
    UnknownAlerter = "E0408", "a monitor names an alerter that is not defined";
    AlerterOption = "E0409", "an alerter option is missing or invalid";
    UnknownRecordType = "E0410", "unknown DNS record type";
    UnknownAlerterOption = "W0411", "an alerter option 9volt does not read";
    ValueTooLarge = "E0412", "the value is larger than etcd accepts in one request";
    DnsAnchor = "W0413", "a dns expect anchored where 9volt's answer lines never match";
    // hastmon clusters.
    HastToken = "E0500", "a value cannot be written as a hastmon token";
    HastTooLong = "E0501", "a value is longer than hastmon accepts";
    HastRole = "E0502", "a node has no or several roles in a resource";
    HastNodePrefix = "E0503", "a node name starts with another node's first label";
    HastPriority = "E0504", "two nodes share a priority in a resource";
    HastAddress = "E0505", "an address hastmon cannot use";
    HastUnknownNode = "E0506", "a resource names a node the cluster does not have";
    HastCommands = "E0507", "exec and commands are both set or both missing";
    HastOutranks = "W0508", "a secondary's priority outranks the primary's";
    // MQTT brokers and collectd hosts.
    UnknownBroker = "E0600", "a host names a broker that is not defined";
    BadTopic = "E0601", "a topic cannot be published to";
    BackgroundCommand = "E0602", "a command ends in `&`";
    CollectdUnsafe = "E0603", "a value cannot be written safely into collectd.conf";
    UnknownService = "E0604", "a trigger names a service or command that is not defined";
    InsecureTls = "W0605", "TLS without certificate verification";
    BadHostPort = "E0606", "not a host or host:port";
    ReservedName = "E0607", "a reserved name is used for something else";
    CollectdNetwork = "E0608", "network plugin settings collectd refuses";
    TopicShared = "E0609", "two collectd hosts share a topic on one broker";
    // Conveyer.
    ConveyerPath = "E0700", "a Conveyer path is not usable";
    ConveyerMetric = "E0701", "a Conveyer metric name is not usable";
    ConveyerHost = "E0702", "a Conveyer host is not usable";
    ConveyerStateTmp = "W0703", "Conveyer state under /tmp is lost at reboot";
    ConveyerRate = "W0704", "a rate metric gives meaningless deltas";
    ConveyerConfigPath = "W0705", "the agent reads another plugin config path by default";
    EnvUnsafe = "E0706", "a value cannot be written safely into an env file";
    // Dozor.
    DozorRegex = "E0801", "a Dozor filter regex is not in the JS-compatible subset";
    DozorChannel = "E0802", "the events channel equals the control channel";
    DozorExec = "E0804", "a Dozor exec argv is not usable";
}

#[derive(Clone, Debug)]
pub struct Label {
    pub span: Span,
    pub message: String,
}

#[derive(Clone, Debug)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub message: String,
    pub span: Span,
    /// Other places that explain this one (the first definition of a duplicate).
    pub related: Vec<Label>,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn error(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            span,
            related: Vec::new(),
            hint: None,
        }
    }
    pub fn warning(code: Code, span: Span, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(code, span, message)
        }
    }
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
    pub fn with_related(mut self, span: Span, message: impl Into<String>) -> Self {
        self.related.push(Label {
            span,
            message: message.into(),
        });
        self
    }
}

/// A "did you mean" for a misspelt word, if any candidate is close enough.
pub fn did_you_mean<'a>(
    word: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let lower = word.to_ascii_lowercase().replace('_', "-");
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
