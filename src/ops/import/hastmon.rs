//! A hastmon.conf into a `cluster` definition, read as hastmon 0.3.4's own
//! parser reads it (reference hastmon.md §1-§4): its lexer (no quoting, `#`
//! cuts a word, other characters dropped as separators), which section
//! takes which keyword, greedy address lists and merged `on` blocks. Roles
//! are inferred from the file's structure: a node other nodes reach
//! (`remote`) runs the service, the one with the lowest priority is the
//! primary, and a node nobody reaches is a watchdog. What a definition
//! cannot say, or what hastmon itself would ignore or refuse, is noted with
//! its line.

use std::collections::{BTreeMap, BTreeSet};

use super::{def, secret_var, yaml, File, Import, Note, Secret};
use crate::model::types::HAST_KEYWORDS;

/// A token of hastmon's lexer; words borrow the file's text, so the
/// parser's look-ahead copies nothing.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Tok<'t> {
    Open,
    Close,
    Kw(&'static str),
    Num(&'t str),
    Str(&'t str),
    End,
}

impl std::fmt::Display for Tok<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Tok::Open => f.write_str("{"),
            Tok::Close => f.write_str("}"),
            Tok::Kw(k) => f.write_str(k),
            Tok::Num(s) | Tok::Str(s) => f.write_str(s),
            Tok::End => f.write_str("end of file"),
        }
    }
}

/// A word's token: a keyword, a number (digits only, as hastmon's lexer
/// tells them) or a string.
fn word_tok(w: &str) -> Tok<'_> {
    // Lengths first: most words are addresses and names, no keyword's length.
    if let Some(k) = HAST_KEYWORDS
        .iter()
        .find(|k| k.len() == w.len() && **k == w)
    {
        Tok::Kw(k)
    } else if w.bytes().all(|b| b.is_ascii_digit()) {
        Tok::Num(w)
    } else {
        Tok::Str(w)
    }
}

/// The tokens of `text` with their (1-based) lines, and notes on what
/// hastmon's lexer drops or cuts.
fn lex<'t>(text: &'t str, source: &str, notes: &mut Vec<Note>) -> Vec<(Tok<'t>, usize)> {
    let mut toks: Vec<(Tok, usize)> = Vec::new();
    let mut crs = (0, 0);
    for (i, line) in text.split('\n').enumerate() {
        let n = i + 1;
        // The word being read starts at this byte of the line; a word is
        // a run of word characters, so it is a slice of the line.
        let mut start: Option<usize> = None;
        let mut dropped = BTreeSet::new();
        let cr = line.matches('\r').count();
        if cr > 0 {
            crs = (crs.0 + cr, if crs.0 == 0 { n } else { crs.1 });
        }
        let flush = |start: &mut Option<usize>, end: usize, toks: &mut Vec<(Tok<'t>, usize)>| {
            if let Some(s) = start.take() {
                toks.push((word_tok(&line[s..end]), n));
            }
        };
        for (at, c) in line.char_indices() {
            match c {
                '#' => {
                    // A key's secret is never quoted, cut or not.
                    let secret = matches!(toks.last(), Some((Tok::Kw("secret"), _)));
                    if let Some(s) = start {
                        let read = if secret {
                            "the secret up to it (a shorter secret than written)".to_string()
                        } else {
                            format!("`{}`", &line[s..at])
                        };
                        notes.push(note(
                            source,
                            n,
                            format!("`#` starts a comment inside a word, so hastmon reads {read}; imported as hastmon reads it"),
                            false,
                        ));
                    }
                    flush(&mut start, at, &mut toks);
                    break;
                }
                '{' | '}' => {
                    flush(&mut start, at, &mut toks);
                    toks.push((if c == '{' { Tok::Open } else { Tok::Close }, n));
                }
                ' ' | '\t' | '\r' => flush(&mut start, at, &mut toks),
                c if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '/' | ':') => {
                    start.get_or_insert(at);
                }
                c => {
                    dropped.insert(c);
                    flush(&mut start, at, &mut toks);
                }
            }
        }
        flush(&mut start, line.len(), &mut toks);
        if !dropped.is_empty() {
            let chars: Vec<String> = dropped.iter().map(|c| format!("{c:?}")).collect();
            notes.push(note(
                source,
                n,
                format!(
                    "hastmon's lexer drops {} (printing it) and reads it as a separator; imported as hastmon reads the line",
                    chars.join(" ")
                ),
                false,
            ));
        }
    }
    if crs.0 > 0 {
        notes.push(note(
            source,
            crs.1,
            format!("{} carriage returns (CRLF line endings) from here on: hastmon drops them; mon renders LF", crs.0),
            false,
        ));
    }
    toks
}

/// What a resource's `on` sections list: each one's remotes, and every
/// name any of them lists (for `owner`, built once per resource).
struct Listed<'r> {
    /// (section, remote) pairs: one set, not a set per section (20,000
    /// sections made 20,000 tables).
    per_on: foldhash::HashSet<(usize, &'r str)>,
    by_name: foldhash::HashSet<&'r str>,
}

impl<'r> Listed<'r> {
    fn of(r: &'r Resource) -> Listed<'r> {
        let per_on: foldhash::HashSet<(usize, &str)> = r
            .ons
            .iter()
            .enumerate()
            .flat_map(|(i, o)| o.remotes.iter().map(move |(x, _)| (i, x.as_str())))
            .collect();
        let by_name = per_on.iter().map(|(_, x)| *x).collect();
        Listed { per_on, by_name }
    }
}

/// Up to ten names of a list of `len`, for a note: a note per node that
/// listed every node would be quadratic in size.
fn shown_list<'s>(names: impl Iterator<Item = &'s str>, len: usize) -> String {
    let first: Vec<&str> = names.take(10).collect();
    if len > first.len() {
        format!("{} ... ({len} in all)", first.join(" "))
    } else {
        first.join(" ")
    }
}

/// Past this many notes of one kind on one resource, one note says how many.
const MANY_NOTES: usize = 10;

fn note(source: &str, line: usize, message: String, left_out: bool) -> Note {
    Note {
        source: format!("{source}:{line}"),
        message,
        left_out,
    }
}

type At<T> = (T, usize);

#[derive(Debug, Default, Clone)]
struct Tuning {
    numbers: BTreeMap<&'static str, At<i64>>,
    role: Option<At<&'static str>>,
}

/// hastmon's tuning keywords, in the order mon renders them.
const NUMBERS: [&str; 5] = [
    "attempts",
    "timeout",
    "heartbeat_interval",
    "complaint_count",
    "complaint_interval",
];

#[derive(Debug, Default)]
struct Key {
    line: usize,
    algorithm: Option<At<String>>,
    secret: Option<At<String>>,
}

#[derive(Debug, Default)]
struct NodeSection {
    line: usize,
    control: Option<At<String>>,
    listen: Option<At<String>>,
}

#[derive(Debug, Default)]
struct On {
    node: String,
    line: usize,
    remotes: Vec<At<String>>,
    priority: Option<At<i64>>,
    exec: Option<At<String>>,
    friends: Vec<At<String>>,
    tuning: Tuning,
}

#[derive(Debug, Default)]
struct Resource {
    name: String,
    line: usize,
    exec: Option<At<String>>,
    friends: Vec<At<String>>,
    key: Option<Key>,
    tuning: Tuning,
    ons: Vec<On>,
    /// Node -> its place in `ons`, to merge a repeated block.
    on_at: foldhash::HashMap<String, usize>,
}

#[derive(Debug, Default)]
struct Conf {
    control: Option<At<String>>,
    listen: Option<At<String>>,
    exec: Option<At<String>>,
    friends: Vec<At<String>>,
    key: Option<Key>,
    tuning: Tuning,
    nodes: Vec<(String, NodeSection)>,
    /// Node -> its place in `nodes`, to merge a repeated section.
    node_at: foldhash::HashMap<String, usize>,
    /// Every node name in the order the file first names it.
    seen: Seen,
    resources: Vec<Resource>,
}

#[derive(Clone, Copy, PartialEq)]
enum Level {
    Global,
    Node,
    Resource,
    ResourceNode,
}

struct Parser<'a> {
    toks: Vec<(Tok<'a>, usize)>,
    pos: usize,
    source: &'a str,
    notes: Vec<Note>,
}

impl<'a> Parser<'a> {
    fn peek(&self) -> Tok<'a> {
        self.toks.get(self.pos).map_or(Tok::End, |t| t.0)
    }
    fn line(&self) -> usize {
        self.toks
            .get(self.pos)
            .or(self.toks.last())
            .map_or(1, |t| t.1)
    }
    fn next(&mut self) -> (Tok<'a>, usize) {
        let t = (self.peek(), self.line());
        self.pos += 1;
        t
    }
    fn syntax(&self, why: &str) -> String {
        // A secret written as two words: what follows it is part of it.
        let after_secret = self.pos >= 2
            && matches!(self.peek(), Tok::Str(_))
            && matches!(self.toks.get(self.pos - 2), Some((Tok::Kw("secret"), _)));
        let near = if after_secret {
            "(the word after a key's secret, not shown: a secret is one word)".to_string()
        } else {
            format!("`{}`", self.peek())
        };
        format!(
            "{}:{}: hastmon cannot parse the file near {near} ({why}); it refuses it on every node",
            self.source,
            self.line(),
        )
    }
    fn word(&mut self, what: &str) -> Result<At<String>, String> {
        match self.peek() {
            Tok::Str(s) => Ok((s.to_string(), self.next().1)),
            _ => Err(self.syntax(&format!("expected {what}"))),
        }
    }
    fn words(&mut self) -> Vec<At<String>> {
        let mut out = Vec::new();
        while let Tok::Str(s) = self.peek() {
            out.push((s.to_string(), self.next().1));
        }
        out
    }
    /// A number as hastmon's atoi reads it: digits, wrapped to a C int.
    fn number(&mut self) -> Result<At<i64>, String> {
        let Tok::Num(s) = self.peek() else {
            return Err(self.syntax("expected a number"));
        };
        let line = self.next().1;
        let wide = s.bytes().fold(0u64, |n, b| {
            n.wrapping_mul(10).wrapping_add(u64::from(b - b'0'))
        });
        let read = i64::from(wide as u32 as i32);
        if s.parse::<i32>().is_err() {
            self.notes.push(note(
                self.source,
                line,
                format!("`{s}` overflows hastmon's int: it reads {read}"),
                false,
            ));
        }
        Ok((read, line))
    }
    fn open(&mut self) -> Result<(), String> {
        match self.next().0 {
            Tok::Open => Ok(()),
            _ => {
                self.pos -= 1;
                Err(self.syntax("expected `{`"))
            }
        }
    }
    fn role(&mut self) -> Result<At<&'static str>, String> {
        match self.peek() {
            Tok::Kw(k @ ("init" | "primary" | "secondary" | "watchdog")) => Ok((k, self.next().1)),
            _ => Err(self.syntax("expected init, primary, secondary or watchdog")),
        }
    }
    fn key(&mut self, line: usize) -> Result<Key, String> {
        self.open()?;
        let mut k = Key {
            line,
            ..Key::default()
        };
        loop {
            match self.next().0 {
                Tok::Close => return Ok(k),
                Tok::Kw("algorithm") => k.algorithm = Some(self.word("an algorithm")?),
                Tok::Kw("secret") => k.secret = Some(self.word("a secret")?),
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax("a key takes only algorithm and secret"));
                }
            }
        }
    }

    /// One statement allowed at `level` whose keyword is `kw`, into the
    /// tuning, friends and exec it sets; false when `kw` is not one.
    fn common(
        &mut self,
        level: Level,
        kw: &'static str,
        tuning: &mut Tuning,
        friends: &mut Vec<At<String>>,
    ) -> Result<bool, String> {
        match kw {
            "attempts" | "heartbeat_interval" | "complaint_count" | "complaint_interval" => {
                let v = self.number()?;
                tuning.numbers.insert(kw, v);
            }
            "timeout" if matches!(level, Level::Global | Level::Resource) => {
                let v = self.number()?;
                tuning.numbers.insert(kw, v);
            }
            "role_on_start" => tuning.role = Some(self.role()?),
            "friends" => friends.extend(self.words()),
            _ => return Ok(false),
        }
        Ok(true)
    }

    fn conf(&mut self) -> Result<Conf, String> {
        let mut c = Conf::default();
        loop {
            let (t, line) = self.next();
            let Tok::Kw(kw) = t else {
                if t == Tok::End {
                    return Ok(c);
                }
                self.pos -= 1;
                return Err(self.syntax("expected a keyword"));
            };
            if self.common(Level::Global, kw, &mut c.tuning, &mut c.friends)? {
                continue;
            }
            match kw {
                "control" => c.control = Some(self.word("an address")?),
                "listen" => c.listen = Some(self.word("an address")?),
                "exec" => c.exec = Some(self.word("a path")?),
                "key" => c.key = Some(self.key(line)?),
                "on" => {
                    let (name, _) = self.word("a node name")?;
                    seen(&mut c.seen, &name);
                    self.open()?;
                    let at = match c.node_at.get(&name) {
                        Some(&i) => i,
                        None => {
                            c.node_at.insert(name.clone(), c.nodes.len());
                            c.nodes.push((
                                name,
                                NodeSection {
                                    line,
                                    ..NodeSection::default()
                                },
                            ));
                            c.nodes.len() - 1
                        }
                    };
                    self.node(&mut c, at)?;
                }
                "resource" => {
                    let (name, _) = self.word("a resource name")?;
                    if c.resources.iter().any(|r| r.name == name) {
                        return Err(format!(
                            "{}:{line}: resource `{name}` is configured more than once; hastmon refuses the file on every node",
                            self.source
                        ));
                    }
                    self.open()?;
                    let r = self.resource(name, line, &mut c.seen)?;
                    c.resources.push(r);
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax("not allowed at the top level"));
                }
            }
        }
    }

    fn node(&mut self, c: &mut Conf, at: usize) -> Result<(), String> {
        let mut ignored = Tuning::default();
        loop {
            let (t, line) = self.next();
            let Tok::Kw(kw) = t else {
                if t == Tok::Close {
                    for (k, (_, l)) in &ignored.numbers {
                        self.notes.push(note(
                            self.source,
                            *l,
                            format!(
                                "`{k}` in a top-level `on` section is ignored by hastmon; left out"
                            ),
                            true,
                        ));
                    }
                    if let Some((_, l)) = ignored.role {
                        self.notes.push(note(self.source, l, "`role_on_start` in a top-level `on` section is ignored by hastmon; left out".into(), true));
                    }
                    return Ok(());
                }
                self.pos -= 1;
                return Err(self.syntax("expected a keyword or `}`"));
            };
            if self.common(Level::Node, kw, &mut ignored, &mut c.friends)? {
                continue;
            }
            let s = &mut c.nodes[at].1;
            match kw {
                "control" => s.control = Some(self.word("an address")?),
                "listen" => s.listen = Some(self.word("an address")?),
                "priority" => {
                    self.number()?;
                    self.notes.push(note(self.source, line, "`priority` in a top-level `on` section makes hastmon's parser abort (assertion, exit 134) on every node; left out".into(), true));
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax("not allowed in a top-level `on` section"));
                }
            }
        }
    }

    fn resource(&mut self, name: String, line: usize, all: &mut Seen) -> Result<Resource, String> {
        let mut r = Resource {
            name,
            line,
            ..Resource::default()
        };
        loop {
            let (t, line) = self.next();
            let Tok::Kw(kw) = t else {
                if t == Tok::Close {
                    return Ok(r);
                }
                self.pos -= 1;
                return Err(self.syntax("expected a keyword or `}`"));
            };
            if self.common(Level::Resource, kw, &mut r.tuning, &mut r.friends)? {
                continue;
            }
            match kw {
                "exec" => r.exec = Some(self.word("a path")?),
                "key" => r.key = Some(self.key(line)?),
                "on" => {
                    let (node, _) = self.word("a node name")?;
                    seen(all, &node);
                    self.open()?;
                    // hastmon merges repeated blocks: remotes append, the later value wins.
                    let at = match r.on_at.get(&node) {
                        Some(&i) => i,
                        None => {
                            r.on_at.insert(node.clone(), r.ons.len());
                            r.ons.push(On {
                                node,
                                line,
                                ..On::default()
                            });
                            r.ons.len() - 1
                        }
                    };
                    self.on(&mut r.ons[at])?;
                }
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax("not allowed in a resource section"));
                }
            }
        }
    }

    fn on(&mut self, o: &mut On) -> Result<(), String> {
        loop {
            let (t, _) = self.next();
            let Tok::Kw(kw) = t else {
                if t == Tok::Close {
                    return Ok(());
                }
                self.pos -= 1;
                return Err(self.syntax("expected a keyword or `}`"));
            };
            if self.common(Level::ResourceNode, kw, &mut o.tuning, &mut o.friends)? {
                continue;
            }
            match kw {
                "remote" => {
                    let w = self.words();
                    o.remotes.extend(w);
                }
                "priority" => o.priority = Some(self.number()?),
                "exec" => o.exec = Some(self.word("a path")?),
                _ => {
                    self.pos -= 1;
                    return Err(self.syntax("not allowed in a resource's `on` section"));
                }
            }
        }
    }
}

fn seen(all: &mut Seen, name: &str) {
    if !all.0.contains(name) {
        all.0.insert(name.to_string());
    }
}

/// Node names in the order first seen, one set for order and lookups (a
/// scan per name was quadratic in 20,000 `on` sections; a list beside a
/// set held each name twice).
#[derive(Debug, Default, Clone)]
struct Seen(indexmap::IndexSet<String, foldhash::fast::RandomState>);

impl Seen {
    fn contains(&self, n: &str) -> bool {
        self.0.contains(n)
    }
    fn iter(&self) -> indexmap::set::Iter<'_, String> {
        self.0.iter()
    }
}

/// The keyword `word` is at most two edits from, if it is not one.
fn mistyped(word: &str) -> Option<&'static str> {
    let distance = |a: &str, b: &str| {
        let b: Vec<char> = b.chars().collect();
        let mut row: Vec<usize> = (0..=b.len()).collect();
        for (i, ca) in a.chars().enumerate() {
            let mut prev = row[0];
            row[0] = i + 1;
            for (j, cb) in b.iter().enumerate() {
                let cur = row[j + 1];
                row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
                prev = cur;
            }
        }
        row[b.len()]
    };
    // Two edits change the length by two at most: most words (addresses)
    // are ruled out without computing a distance.
    // And each edit brings in at most one character the keyword lacks, so
    // an address (`10.0.1.7`) is ruled out without allocating.
    let len = word.chars().count();
    HAST_KEYWORDS
        .iter()
        .filter(|k| k.len() > 3 && k.len().abs_diff(len) <= 2)
        .filter(|k| word.chars().filter(|c| !k.contains(*c)).nth(2).is_none())
        .find(|k| distance(word, k) <= 2)
        .copied()
}

/// The host an address names: `tcp4://bolek:8458` → `bolek`.
fn host_of(a: &str) -> &str {
    let rest = ["tcp4://", "tcp://"]
        .iter()
        .find(|p| a.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p)))
        .map_or(a, |p| &a[p.len()..]);
    rest.rsplit_once(':').map_or(rest, |(h, _)| h)
}

/// mon's own header names the cluster and its nodes in order.
fn header(text: &str) -> Option<(String, Vec<String>)> {
    let mut lines = text.lines();
    let first = lines.next()?;
    let cluster = first
        .strip_prefix("# hastmon.conf for cluster ")?
        .split_once(", rendered by mon.")?
        .0;
    let second = lines.next()?.strip_prefix("# on every node: ")?;
    let nodes = second
        .strip_suffix('.')?
        .split(", ")
        .map(str::to_string)
        .collect();
    Some((cluster.to_string(), nodes))
}

/// A hastmon.conf, or every cluster of a tree as `mon render hastmon`
/// writes it (`<cluster>/hastmon.conf`, maybe under `hastmon/`), into one
/// import. In a tree, a file without mon's header is named after its
/// directory; `cluster` names a single file's cluster.
/// `--cluster` beside a tree of several clusters is a usage error.
pub fn from_path(
    path: &std::path::Path,
    cluster: Option<&str>,
) -> Result<Import, (crate::exit::Exit, String)> {
    use crate::exit::Exit;
    let io = |e: String| (Exit::Io, e);
    let read = |p: &std::path::Path| crate::source::read_named(p).map_err(io);
    if !path.is_dir() {
        return import(&read(path)?, &path.display().to_string(), cluster).map_err(io);
    }
    let (root, dirs) =
        super::rendered(path, "hastmon", |d| d.join("hastmon.conf").is_file()).map_err(io)?;
    let files: Vec<std::path::PathBuf> = dirs.iter().map(|d| d.join("hastmon.conf")).collect();
    if files.is_empty() {
        return Err(io(format!(
            "{}: no <cluster>/hastmon.conf under it; give a tree as `mon render hastmon` writes it, or one hastmon.conf",
            root.display()
        )));
    }
    if cluster.is_some() && files.len() > 1 {
        return Err((
            Exit::Usage,
            format!(
                "{}: --cluster names one cluster, and this tree has {}",
                root.display(),
                files.len()
            ),
        ));
    }
    let mut all = Import::default();
    for f in files {
        let text = read(&f)?;
        let dir = f
            .parent()
            .and_then(|d| d.file_name())
            .map(|n| n.to_string_lossy().into_owned());
        let name = cluster
            .map(str::to_string)
            .or(header(&text).is_none().then_some(dir).flatten());
        let one = import(&text, &f.display().to_string(), name.as_deref()).map_err(io)?;
        all.merge(one).map_err(io)?;
    }
    Ok(all)
}

/// The cluster in hastmon.conf `text` (read from `source`), named
/// `cluster`, or as mon's header names it, or after the file.
pub fn import(text: &str, source: &str, cluster: Option<&str>) -> Result<Import, String> {
    let mut t = crate::timings::Phases::start();
    let mut notes = Vec::new();
    let toks = lex(text, source, &mut notes);
    t.done("lex");
    let mut p = Parser {
        toks,
        pos: 0,
        source,
        notes,
    };
    let conf = p.conf()?;
    t.done("parse");
    let mut imp = Import {
        notes: std::mem::take(&mut p.notes),
        ..Import::default()
    };
    let head = header(text);
    let name = match (cluster, &head) {
        (Some(c), _) => c.to_string(),
        (None, Some((c, _))) => c.clone(),
        (None, None) => {
            let stem = std::path::Path::new(source)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("hastmon");
            super::slug(stem, '-')
        }
    };
    Build {
        source,
        name: &name,
        conf: &conf,
        imp: &mut imp,
        taken: super::Taken::default(),
        address: Default::default(),
        by_address: Default::default(),
    }
    .run(head.map(|h| h.1).unwrap_or_default(), &mut t);
    t.done("yaml");
    Ok(imp)
}

struct Build<'a> {
    source: &'a str,
    name: &'a str,
    conf: &'a Conf,
    imp: &'a mut Import,
    taken: super::Taken,
    /// Each node's address, where the file shows one other than its name
    /// (borrowed from the file's parse: 330,000 watchdogs made 1.3 million
    /// strings here).
    address: foldhash::HashMap<&'a str, &'a str>,
    /// The same, address -> node, for the lookups per remote.
    by_address: foldhash::HashMap<&'a str, &'a str>,
}

/// One resource's roles as the file shows them.
struct Roles<'a> {
    primary: Option<&'a On>,
    secondary: Vec<&'a On>,
    watchdog: Vec<&'a On>,
    /// Friends taken as watchdogs' addresses because no node claims them.
    guessed: foldhash::HashSet<&'a str>,
}

impl<'a> Build<'a> {
    fn note(&mut self, line: usize, message: String, left_out: bool) {
        self.imp
            .notes
            .push(note(self.source, line, message, left_out));
    }

    fn set_address(&mut self, node: &'a str, a: &'a str) {
        self.address.insert(node, a);
        self.by_address.insert(a, node);
    }

    /// A node's address: the one the file shows, else its name.
    fn addr_ref<'s>(&'s self, node: &'s str) -> &'s str {
        self.address.get(node).copied().unwrap_or(node)
    }

    /// Which node an address in a remote list reaches.
    fn owner(&self, a: &'a str, r: &'a Resource, ix: &Listed) -> Option<&'a str> {
        let nodes = &self.conf.seen;
        if nodes.contains(a) {
            return Some(a);
        }
        if let Some(n) = self.by_address.get(a) {
            return Some(n);
        }
        let host = host_of(a);
        if nodes.contains(host) {
            return Some(host);
        }
        if mistyped(a).is_some() {
            return None;
        }
        // The one node of the resource that does not list it (nobody
        // reaches itself), whose address is not known yet. Two are enough
        // to say there is no one; each node passed over lists `a`, so the
        // scans add up to the remotes' size.
        let mut candidates = r.ons.iter().enumerate().filter(|(i, o)| {
            !ix.by_name.contains(o.node.as_str())
                && !self.address.contains_key(o.node.as_str())
                && !ix.per_on.contains(&(*i, a))
        });
        match (candidates.next(), candidates.next()) {
            (Some((_, one)), None) => Some(one.node.as_str()),
            _ => None,
        }
    }

    fn roles(&mut self, r: &'a Resource) -> Roles<'a> {
        let ix = Listed::of(r);
        let mut reached: foldhash::HashSet<&str> = Default::default();
        for o in &r.ons {
            // Addresses no node has, said once per section (a note each
            // made 800,000 addresses 800,000 lines).
            let mut nowhere: Vec<&str> = Vec::new();
            for (a, line) in &o.remotes {
                if a == "none" {
                    continue;
                }
                match self.owner(a, r, &ix) {
                    Some(n) => {
                        if n != a {
                            match self.address.get(n) {
                                Some(&prev) if prev != a => self.note(*line, format!("node `{n}` is reached as `{prev}` elsewhere and as `{a}` here; mon gives a node one address, `{prev}`"), false),
                                Some(_) => {}
                                None => self.set_address(n, a),
                            }
                        }
                        reached.insert(n);
                    }
                    None => match mistyped(a) {
                        Some(k) => self.note(
                            *line,
                            format!(
                                "remote `{a}` (resource `{}`, `on {}`): it looks like `{k}` mistyped, which hastmon's greedy list reads as an address; left out",
                                r.name, o.node
                            ),
                            true,
                        ),
                        None => nowhere.push(a),
                    },
                }
            }
            if let (Some(first), Some((_, line))) = (nowhere.first(), o.remotes.first()) {
                let what = if nowhere.len() == 1 {
                    format!("remote `{first}`")
                } else {
                    format!(
                        "remotes `{}`",
                        shown_list(nowhere.iter().copied(), nowhere.len())
                    )
                };
                self.note(
                    *line,
                    format!(
                        "{what} (resource `{}`, `on {}`): no node of the file has that address; left out",
                        r.name, o.node
                    ),
                    true,
                );
            }
        }
        let mut service: Vec<&On> = r
            .ons
            .iter()
            .filter(|o| reached.contains(o.node.as_str()))
            .collect();
        let mut watchdog: Vec<&On> = r
            .ons
            .iter()
            .filter(|o| !reached.contains(o.node.as_str()))
            .collect();
        if service.is_empty() {
            // Nobody reaches anybody: the nodes with a priority run the
            // service, or else the first one does.
            let (s, w): (Vec<&On>, Vec<&On>) = r.ons.iter().partition(|o| o.priority.is_some());
            (service, watchdog) = if s.is_empty() {
                (
                    r.ons.iter().take(1).collect(),
                    r.ons.iter().skip(1).collect(),
                )
            } else {
                (s, w)
            };
        }
        for w in &watchdog {
            if let Some((_, line)) = w.priority {
                self.note(line, format!("`{}` has a priority but no node reaches it, so it is imported as a watchdog of `{}`; the priority is left out", w.node, r.name), true);
            }
        }
        // The primary is the lowest priority (hastmon's default is 100).
        let prio = |o: &On| o.priority.map_or(100, |p| p.0);
        let primary = service.iter().copied().min_by_key(|o| prio(o));
        let secondary = service
            .iter()
            .copied()
            .filter(|o| primary.is_none_or(|p| !std::ptr::eq(*o, p)))
            .collect();
        Roles {
            primary,
            secondary,
            watchdog,
            guessed: Default::default(),
        }
    }

    /// Each watchdog's address: its name when the friends list has it,
    /// else the friends address no node claims (mon adds watchdogs there).
    fn watchdog_addresses(&mut self, r: &'a Resource, roles: &mut Roles<'a>) {
        let claimed: foldhash::HashSet<&str> = self
            .conf
            .seen
            .iter()
            .map(String::as_str)
            .chain(self.address.values().copied())
            .collect();
        let free: Vec<&At<String>> = r
            .friends
            .iter()
            .filter(|(a, _)| !claimed.contains(a.as_str()))
            .collect();
        // Lookups, not scans: many watchdogs beside many friends were quadratic.
        let friend: foldhash::HashSet<&str> = r.friends.iter().map(|(a, _)| a.as_str()).collect();
        let unknown: Vec<&On> = roles
            .watchdog
            .iter()
            .copied()
            .filter(|w| !self.address.contains_key(w.node.as_str()))
            .filter(|w| !friend.contains(w.node.as_str()))
            .collect();
        let mut by_host: foldhash::HashMap<&str, &str> = foldhash::HashMap::default();
        for (a, _) in free.iter().rev() {
            by_host.insert(host_of(a), a);
        }
        // Sized once: grown one watchdog at a time, 300,000 of them rehashed
        // every name and address many times.
        self.address.reserve(unknown.len());
        self.by_address.reserve(unknown.len());
        for w in &unknown {
            if let Some(a) = by_host.get(w.node.as_str()) {
                self.set_address(&w.node, a);
            }
        }
        let unknown: Vec<&&On> = unknown
            .iter()
            .filter(|w| !self.address.contains_key(w.node.as_str()))
            .collect();
        let free: Vec<&&At<String>> = free
            .iter()
            .filter(|(a, _)| !self.by_address.contains_key(a.as_str()))
            .collect();
        if !unknown.is_empty() && free.len() >= unknown.len() {
            let tail = &free[free.len() - unknown.len()..];
            let many = unknown.len() > MANY_NOTES;
            let mut shown = Vec::new();
            for (w, (a, line)) in unknown.iter().zip(tail.iter().map(|x| (&x.0, x.1))) {
                self.set_address(&w.node, a);
                roles.guessed.insert(a);
                if many {
                    if shown.len() < 10 {
                        shown.push((line, format!("{} at {a}", w.node)));
                    }
                    continue;
                }
                self.note(line, format!("watchdog `{}` is taken to have the address `{a}` (a friend of `{}` no node claims); set its `address` if it is another", w.node, r.name), false);
            }
            if many {
                let names = shown_list(shown.iter().map(|(_, s)| s.as_str()), unknown.len());
                self.note(shown[0].0, format!("{} watchdogs of `{}` are taken to have the addresses of friends no node claims, in order ({names}); set their `address` if they are others", unknown.len(), r.name), false);
            }
        }
    }

    fn key(&mut self, k: &Key, parts: &[&str]) -> Option<def::Key> {
        let (Some((algorithm, _)), Some((secret, sl))) = (&k.algorithm, &k.secret) else {
            self.note(k.line, "a key without both algorithm and secret; mon needs both (hastmon would use no secret); left out".into(), true);
            return None;
        };
        let var = secret_var(parts, &mut self.taken);
        self.imp.secrets.push(Secret {
            var: var.clone(),
            value: secret.clone(),
            source: format!("{}:{sl}", self.source),
        });
        Some(def::Key {
            algorithm: algorithm.clone(),
            secret: def::Secret::env(var),
        })
    }

    fn run(mut self, order: Vec<String>, t: &mut crate::timings::Phases) {
        let c = self.conf;
        // Nodes in mon's order when its header names them, else the file's.
        let nodes: Vec<&str> = if order.is_empty() {
            c.seen.iter().map(String::as_str).collect()
        } else {
            let mut ordered: indexmap::IndexSet<&str, foldhash::fast::RandomState> =
                Default::default();
            for n in order
                .iter()
                .filter(|n| c.seen.contains(n))
                .chain(c.seen.iter())
            {
                ordered.insert(n);
            }
            ordered.into_iter().collect()
        };
        if let Some((_, l)) = &c.exec {
            self.note(
                *l,
                "a global `exec` is never used by hastmon (each resource needs its own); left out"
                    .into(),
                true,
            );
        }
        if let Some((_, l)) = c.tuning.numbers.get("attempts") {
            self.note(
                *l,
                "a global `attempts` is ignored by hastmon (it keeps 5); left out".into(),
                true,
            );
        }
        for (a, l) in &c.friends {
            self.note(*l, format!("friend `{a}` is global (at the top level or in a top-level `on`), which hastmon applies to every resource: imported into each resource's friends"), false);
        }

        let mut resources = Vec::new();
        for r in &c.resources {
            let mut roles = self.roles(r);
            self.watchdog_addresses(r, &mut roles);
            resources.push((r, roles));
        }
        t.done("roles");

        let mut cluster = def::Cluster::default();
        let sections: foldhash::HashMap<&str, &NodeSection> =
            c.nodes.iter().map(|(x, s)| (x.as_str(), s)).collect();
        let text = |v: &'a Option<At<String>>| v.as_ref().map(|(v, _)| def::Text::from(v.as_str()));
        cluster.nodes.reserve(nodes.len());
        for &n in &nodes {
            let section = sections.get(n);
            let node = def::Node {
                address: self.address.get(n).map(|a| def::Text::from(*a)),
                control: section.and_then(|s| text(&s.control)),
                listen: section.and_then(|s| text(&s.listen)),
            };
            cluster.nodes.insert(n.into(), node);
        }
        let in_some: foldhash::HashSet<&str> = c
            .resources
            .iter()
            .flat_map(|r| r.ons.iter().map(|o| o.node.as_str()))
            .collect();
        for (n, s) in &c.nodes {
            if !in_some.contains(n.as_str()) && !c.resources.is_empty() {
                self.note(
                    s.line,
                    format!("node `{n}` is in no resource: hastmon on it refuses the whole file"),
                    false,
                );
            }
        }
        cluster.control = c.control.as_ref().map(|v| v.0.clone());
        cluster.listen = c.listen.as_ref().map(|v| v.0.clone());
        if let Some(k) = &c.key {
            cluster.key = self.key(k, &["hastmon", self.name, "secret"]);
        }
        for k in NUMBERS.iter().filter(|k| **k != "attempts") {
            *cluster.tuning(k) = c.tuning.numbers.get(k).map(|v| v.0);
        }
        match c.tuning.role {
            Some(("init", _)) => cluster.role_on_start = Some("init".into()),
            Some((role, l)) => self.note(l, format!("a global `role_on_start {role}` starts every node in that role, watchdogs included; mon starts each node in its own role with `role_on_start: role`; left out"), true),
            None => {}
        }
        cluster.resources.reserve(resources.len());
        for (r, roles) in &resources {
            let res = self.resource(r, roles, &nodes);
            cluster.resources.insert(r.name.clone(), res);
        }
        t.done("definitions");
        let content = yaml::document(
            &format!("Imported by `mon import hastmon` from {}.", self.source),
            &def::one(self.name.to_string(), cluster, |d| &mut d.cluster),
        );
        self.imp.files.push(File {
            path: format!("cluster-{}.yaml", super::slug(self.name, '-')).into(),
            content,
            mode: 0o644,
        });
        self.imp.counts.insert("clusters", 1);
        self.imp.counts.insert("resources", c.resources.len());
    }

    fn resource(
        &mut self,
        r: &'a Resource,
        roles: &Roles<'a>,
        nodes: &[&str],
    ) -> def::Resource<'a> {
        let c = self.conf;
        let mut res = def::Resource::default();
        // exec: the resource's, or the one every node's section names.
        let node_execs: BTreeSet<&str> = r
            .ons
            .iter()
            .filter_map(|o| o.exec.as_ref().map(|e| e.0.as_str()))
            .collect();
        let exec = match (&r.exec, node_execs.len()) {
            (Some((e, _)), 0) => Some(e.clone()),
            (Some((e, _)), 1) if node_execs.contains(e.as_str()) => Some(e.clone()),
            (None, 1) if r.ons.iter().all(|o| o.exec.is_some()) => {
                let e = node_execs.iter().next().unwrap().to_string();
                self.note(r.line, format!("resource `{}`: every node's section sets `exec {e}`; imported as the resource's exec", r.name), false);
                Some(e)
            }
            (e, _) => {
                if !node_execs.is_empty() {
                    self.note(r.line, format!("resource `{}`: `exec` differs between nodes' sections, which mon cannot express; those are left out", r.name), true);
                }
                if e.is_none() {
                    self.note(r.line, format!("resource `{}` has no `exec`: hastmon refuses the file (\"Exec not configured\"); add `exec` or `commands`", r.name), false);
                }
                e.as_ref().map(|e| e.0.clone())
            }
        };
        res.exec = exec;
        res.primary = roles.primary.map(|p| def::Text::from(p.node.as_str()));
        let names = |v: &[&'a On]| v.iter().map(|o| def::Text::from(o.node.as_str())).collect();
        res.secondary = names(&roles.secondary);
        res.watchdog = names(&roles.watchdog);
        // Explicit priorities where they differ from mon's default (the
        // primary 0, the secondaries 1, 2, ...).
        let service: Vec<&On> = roles
            .primary
            .into_iter()
            .chain(roles.secondary.iter().copied())
            .collect();
        let explicit = service.iter().any(|o| o.priority.is_some());
        if service.len() > 1 && !explicit {
            self.note(r.line, format!("resource `{}` gives no priorities (hastmon's default is 100 for every node): mon writes the primary 0 and the secondaries 1, 2, ... in the order of their sections", r.name), false);
        }
        for (i, o) in service.iter().enumerate().filter(|_| explicit) {
            let p = o.priority.map_or(100, |p| p.0);
            if p != i as i64 {
                res.priority.insert(o.node.clone(), p);
            }
        }
        let mut friends: Vec<&str> = r.friends.iter().map(|f| f.0.as_str()).collect();
        // A set beside the list: long friends lists on every node were quadratic.
        let mut listed: foldhash::HashSet<&str> = friends.iter().copied().collect();
        for (f, _) in &c.friends {
            if listed.insert(f) {
                friends.push(f);
            }
        }
        for o in &r.ons {
            for (f, l) in &o.friends {
                if !listed.contains(f.as_str()) {
                    self.note(*l, format!("friend `{f}` only for `{}` in resource `{}`: mon sets friends per resource, not per node; left out", o.node, r.name), true);
                }
            }
        }
        // Render appends each watchdog's address that friends lack. Guessed
        // ones ending the list are left to it when it writes them back the
        // same: the definition keeps the friends the file meant, and a
        // thousand watchdogs do not list their addresses twice.
        let guessed_end = friends
            .iter()
            .rev()
            .take_while(|f| roles.guessed.contains(**f))
            .count();
        if guessed_end > 0 {
            let watchdogs: Vec<&str> = roles
                .watchdog
                .iter()
                .map(|w| self.addr_ref(&w.node))
                .collect();
            let keep = friends.len() - guessed_end;
            fn rendered<'s>(own: &[&'s str], watchdogs: &[&'s str]) -> Vec<&'s str> {
                crate::model::hastmon::friends_with(own.iter().copied(), watchdogs.iter().copied())
            }
            if rendered(&friends[..keep], &watchdogs) == rendered(&friends, &watchdogs) {
                friends.truncate(keep);
            }
        }
        res.friends = friends.into_iter().map(def::Text::from).collect();
        if let Some(k) = &r.key {
            res.key = self.key(k, &["hastmon", self.name, &r.name, "secret"]);
        }
        for k in NUMBERS {
            let here = r.tuning.numbers.get(k).map(|v| v.0);
            // The same value in every node's section is the resource's.
            let per_node: BTreeSet<Option<i64>> = r
                .ons
                .iter()
                .map(|o| o.tuning.numbers.get(k).map(|v| v.0))
                .collect();
            let value = match (here, per_node.len(), per_node.iter().next()) {
                (_, 1, Some(Some(v))) if !r.ons.is_empty() => Some(*v),
                (h, _, _) => {
                    for o in &r.ons {
                        if let Some((_, l)) = o.tuning.numbers.get(k) {
                            self.note(*l, format!("`{k}` for `{}` alone in resource `{}`: mon sets it per resource, not per node; left out", o.node, r.name), true);
                        }
                    }
                    h
                }
            };
            *res.tuning(k) = value;
        }
        // role_on_start: each node in its own role is mon's `role`.
        let secondaries: foldhash::HashSet<*const On> =
            roles.secondary.iter().map(|s| *s as *const On).collect();
        let own = |o: &On| -> &str {
            if roles.primary.is_some_and(|p| std::ptr::eq(p, o)) {
                "primary"
            } else if secondaries.contains(&(o as *const On)) {
                "secondary"
            } else {
                "watchdog"
            }
        };
        if !r.ons.is_empty()
            && r.ons
                .iter()
                .all(|o| o.tuning.role.map(|x| x.0) == Some(own(o)))
        {
            res.role_on_start = Some("role".into());
        } else {
            for o in &r.ons {
                if let Some((role, l)) = o.tuning.role {
                    self.note(l, format!("`role_on_start {role}` for `{}` in resource `{}`: mon starts either every node in its own role (`role_on_start: role`, here {} would start as {}) or every node in init; left out", o.node, r.name, o.node, own(o)), true);
                }
            }
            match r.tuning.role {
                Some(("init", _)) => res.role_on_start = Some("init".into()),
                Some((role, l)) => self.note(l, format!("resource `{}`: `role_on_start {role}` starts every node in that role, watchdogs included; mon starts each node in its own role with `role_on_start: role`; left out", r.name), true),
                None => {}
            }
        }
        // What mon renders for remotes: every other service node for a
        // service node, every service node for a watchdog.
        let service_addr: Vec<&str> = service.iter().map(|o| self.addr_ref(&o.node)).collect();
        let service_set: foldhash::HashSet<&str> = service_addr.iter().copied().collect();
        let watchdogs: foldhash::HashSet<*const On> =
            roles.watchdog.iter().map(|w| *w as *const On).collect();
        // Each differing section, or (past a few) one note for the resource:
        // a note per section of a 100,000-node resource helps nobody.
        let mut differ: Vec<(usize, String)> = Vec::new();
        for o in &r.ons {
            let me = self.addr_ref(&o.node);
            let is_watchdog = watchdogs.contains(&(o as *const On));
            // Compared without building the list: n nodes would make it
            // n lists of n names.
            let want = || {
                service_addr
                    .iter()
                    .copied()
                    .filter(|a| is_watchdog || *a != me)
            };
            let want_len =
                service_addr.len() - usize::from(!is_watchdog && service_set.contains(me));
            let same = if want_len == 0 {
                o.remotes.len() == 1 && o.remotes[0].0 == "none"
            } else {
                o.remotes.len() == want_len && o.remotes.iter().map(|x| x.0.as_str()).eq(want())
            };
            if same {
                continue;
            }
            let line = o.remotes.first().map_or(o.line, |x| x.1);
            // Past the first few only the line is kept: no text is built
            // for 300,000 sections the note will not show.
            if differ.len() >= MANY_NOTES {
                differ.push((line, String::new()));
                continue;
            }
            let have = shown_list(o.remotes.iter().map(|x| x.0.as_str()), o.remotes.len());
            let want = if want_len == 0 {
                "none".to_string()
            } else {
                shown_list(want(), want_len)
            };
            differ.push((line, format!("`on {}` in resource `{}` has remotes `{}`; mon renders `{}` (a service node reaches the other service nodes, a watchdog all of them)", o.node, r.name, have, want)));
        }
        if differ.len() > MANY_NOTES {
            let first: Vec<String> = differ.iter().take(10).map(|(l, _)| l.to_string()).collect();
            let lines = shown_list(first.iter().map(String::as_str), differ.len());
            let line = differ[0].0;
            self.note(line, format!("{} `on` sections of resource `{}` (lines {lines}) have remotes other than the ones mon renders, where a service node reaches the other service nodes and a watchdog all of them; the first: {}", differ.len(), r.name, differ[0].1), false);
        } else {
            for (line, message) in differ {
                self.note(line, message, false);
            }
        }
        let on: foldhash::HashSet<&str> = r.ons.iter().map(|o| o.node.as_str()).collect();
        let missing: Vec<&str> = nodes.iter().copied().filter(|n| !on.contains(n)).collect();
        if missing.len() > MANY_NOTES {
            let names = shown_list(missing.iter().copied(), missing.len());
            self.note(r.line, format!("resource `{}` has no `on` section for {} nodes ({names}): hastmon on each of them refuses the whole file", r.name, missing.len()), false);
        } else {
            for n in missing {
                self.note(r.line, format!("resource `{}` has no `on {n}` section: hastmon on `{n}` refuses the whole file", r.name), false);
            }
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_of_strips_scheme_and_port() {
        assert_eq!(host_of("tcp4://bolek"), "bolek");
        assert_eq!(host_of("TCP://10.0.0.1:8458"), "10.0.0.1");
        assert_eq!(host_of("bolek:1"), "bolek");
    }

    #[test]
    fn mistyped_keywords_are_found_and_addresses_are_not() {
        assert_eq!(mistyped("prioritty"), Some("priority"));
        assert_eq!(mistyped("remot3"), Some("remote"));
        assert_eq!(mistyped("tmeout"), Some("timeout"));
        assert_eq!(mistyped("10.0.1.7"), None);
        assert_eq!(mistyped("tcp4://bolek"), None);
        assert_eq!(mistyped("priority"), Some("priority"));
    }

    #[test]
    fn numbers_wrap_as_hastmons_atoi() {
        let mut notes = Vec::new();
        let toks = lex("timeout 99999999999", "f", &mut notes);
        let mut p = Parser {
            toks,
            pos: 1,
            source: "f",
            notes,
        };
        assert_eq!(p.number().unwrap().0, 1215752191);
        assert_eq!(p.notes.len(), 1);
    }
}
