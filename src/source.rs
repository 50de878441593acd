//! Finding definition files and holding their text, so every later stage can
//! point back into it by byte offset.

use std::path::{Path, PathBuf};

use crate::diagnostic::Code;

/// Files larger than this are refused rather than parsed: a definition file of
/// this size is a mistake, and refusing keeps memory bounded.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

pub use crate::diagnostic::FileId;

/// mon's settings file: never read as definitions.
pub const SETTINGS_FILE: &str = "mon.toml";

pub struct SourceFile {
    pub path: PathBuf,
    /// The path as the user should see it (relative where it was given relative).
    pub name: String,
    pub text: String,
    /// Where each line starts, worked out on first use: only a finding or
    /// a non-ASCII file asks, and 100,000 definitions have 1,100,000 lines.
    line_starts: std::sync::OnceLock<Vec<u32>>,
    /// Characters before each `MARK` bytes (none when the text is ASCII),
    /// worked out on first use: a column is then counted from the nearest
    /// mark, and 300,000 findings on one 10 MB line are not quadratic.
    char_marks: std::sync::OnceLock<Option<Vec<u32>>>,
}

/// Bytes between two character-count marks.
const MARK: usize = 1024;

impl SourceFile {
    pub fn new(path: PathBuf, text: String) -> Self {
        let name = display_path(&path);
        SourceFile {
            path,
            name,
            text,
            line_starts: std::sync::OnceLock::new(),
            char_marks: std::sync::OnceLock::new(),
        }
    }

    /// Line starts as offsets; files are at most `MAX_FILE_BYTES`, and
    /// spans are `u32` as well.
    fn line_starts(&self) -> &[u32] {
        self.line_starts.get_or_init(|| {
            // Lines end at LF, CR LF or a lone CR, as YAML counts them.
            let mut starts = vec![0];
            let bytes = self.text.as_bytes();
            // memchr: a byte loop here was a tenth of parsing 100,000 monitors.
            for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
                if bytes[i] == b'\n' || bytes.get(i + 1) != Some(&b'\n') {
                    starts.push((i + 1) as u32);
                }
            }
            starts
        })
    }

    /// 1-based line and 1-based column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let starts = self.line_starts();
        let line = starts.partition_point(|&s| s as usize <= offset) - 1;
        let start = starts[line] as usize;
        let end = floor_char_boundary(&self.text, offset);
        let col = self.chars_before(end) - self.chars_before(start);
        (line + 1, col + 1)
    }

    /// Characters before the byte offset `at` (a character boundary).
    fn chars_before(&self, at: usize) -> usize {
        let marks = self.char_marks.get_or_init(|| {
            (!self.text.is_ascii()).then(|| {
                let mut n = 0;
                let mut marks = vec![0];
                for chunk in self.text.as_bytes().chunks(MARK) {
                    n += chunk_chars(chunk);
                    marks.push(n as u32);
                }
                marks
            })
        });
        let Some(marks) = marks else {
            return at;
        };
        let from = at / MARK * MARK;
        marks[at / MARK] as usize + chunk_chars(&self.text.as_bytes()[from..at])
    }

    /// Where the 1-based `line` starts.
    fn line_start(&self, line: usize) -> Option<usize> {
        let at = self.line_starts().get(line.saturating_sub(1))?;
        Some(*at as usize)
    }

    /// Byte offset of a 1-based line and 0-based character column.
    pub fn offset_of(&self, line: usize, col_chars: usize) -> usize {
        let Some(start) = self.line_start(line) else {
            return self.text.len();
        };
        let rest = &self.text[start..];
        rest.char_indices()
            .nth(col_chars)
            .map(|(i, _)| start + i)
            .unwrap_or(self.text.len())
    }

    pub fn line_text(&self, line: usize) -> &str {
        let Some(start) = self.line_start(line) else {
            return "";
        };
        let end = self.line_start(line + 1).unwrap_or(self.text.len());
        self.text[start..end].trim_end_matches(['\n', '\r'])
    }
}

/// Characters that start in `bytes` (every byte but UTF-8's continuations).
fn chunk_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b as i8) >= -0x40).count()
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn display_path(p: &Path) -> String {
    let s = p.to_string_lossy();
    s.strip_prefix("./").unwrap_or(&s).to_string()
}

/// All loaded files; a `FileId` indexes into it.
#[derive(Default)]
pub struct SourceMap {
    /// Shared: a secret keeps its file to say where it was written.
    files: Vec<std::sync::Arc<SourceFile>>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(std::sync::Arc::new(file));
        (self.files.len() - 1) as FileId
    }
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id as usize]
    }
    /// The file, to keep beyond the map's life.
    pub fn shared(&self, id: FileId) -> std::sync::Arc<SourceFile> {
        std::sync::Arc::clone(&self.files[id as usize])
    }
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (i as FileId, &**f))
    }
    pub fn len(&self) -> usize {
        self.files.len()
    }
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A path the user named that could not be used at all (missing, unreadable).
/// These are environment trouble, not findings in a definition.
#[derive(Debug)]
pub struct PathError {
    pub path: PathBuf,
    pub message: String,
}

fn is_definition_file(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("yaml" | "yml" | "toml")
    )
}

/// The definition files under the paths, and the paths that held none.
#[derive(Default)]
pub struct Discovered {
    pub files: Vec<PathBuf>,
    pub empty: Vec<PathBuf>,
    /// Settings files met in the walk.
    pub settings: Vec<PathBuf>,
}

/// The file, next to `.gitignore`, that lists what mon's walks leave out.
pub const IGNORE_FILE: &str = ".monignore";

/// Expands the given paths into definition files, sorted for stable output.
/// Directories are walked: hidden entries, what `.gitignore` and
/// `.monignore` files list, and `--ignore` globs are left out. A file named
/// on the command line is always read.
pub fn discover(paths: &[PathBuf], ignore: &[String]) -> Result<Discovered, PathError> {
    let mut out = Vec::new();
    let mut empty = Vec::new();
    let mut settings = Vec::new();
    for root in paths {
        if root.as_os_str() == "-" {
            return Err(PathError {
                path: root.clone(),
                message: "standard input (`-`) is read only by `mon validate`".into(),
            });
        }
        let before = out.len();
        let meta = std::fs::metadata(root).map_err(|e| PathError {
            path: root.clone(),
            message: io_message(&e),
        })?;
        if !meta.is_file() && !meta.is_dir() {
            return Err(PathError {
                path: root.clone(),
                message: "not a file or directory of definitions (a pipe, device or socket is never read)"
                    .into(),
            });
        }
        if meta.is_file() {
            if root.file_name().is_some_and(|n| n == SETTINGS_FILE) {
                return Err(PathError {
                    path: root.clone(),
                    message: "this is mon's settings file, not definitions (see `mon config`)"
                        .into(),
                });
            }
            if !is_definition_file(root) {
                return Err(PathError {
                    path: root.clone(),
                    message: "not a definition file: expected a .yaml, .yml or .toml file".into(),
                });
            }
            out.push(root.clone());
            continue;
        }
        for entry in walker(root, ignore)? {
            let entry = entry.map_err(|e| PathError {
                path: root.clone(),
                message: e
                    .io_error()
                    .map(io_message)
                    .unwrap_or_else(|| e.to_string()),
            })?;
            // mon.toml holds mon's settings, not definitions.
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            if entry.file_name() == SETTINGS_FILE {
                settings.push(entry.into_path());
            } else if is_definition_file(entry.path()) {
                out.push(entry.into_path());
            }
        }
        if out.len() == before {
            empty.push(root.clone());
        }
    }
    out.sort();
    out.dedup();
    Ok(Discovered {
        files: out,
        empty,
        settings,
    })
}

/// The walk of one directory: symlinks followed, hidden entries skipped,
/// `.gitignore` (in a git repository or not) and `.monignore` files and
/// the `--ignore` globs honoured.
fn walker(root: &Path, globs: &[String]) -> Result<ignore::Walk, PathError> {
    let mut b = ignore::WalkBuilder::new(root);
    b.follow_links(true)
        .hidden(true)
        .git_global(false)
        .require_git(false)
        .ignore(false)
        .add_custom_ignore_filename(IGNORE_FILE)
        .sort_by_file_name(|a, b| a.cmp(b));
    if !globs.is_empty() {
        let mut o = ignore::overrides::OverrideBuilder::new(root);
        for g in globs {
            o.add(&format!("!{g}")).map_err(|e| PathError {
                path: root.to_path_buf(),
                message: format!("--ignore {g}: {e}"),
            })?;
        }
        b.overrides(o.build().map_err(|e| PathError {
            path: root.to_path_buf(),
            message: e.to_string(),
        })?);
    }
    Ok(b.build())
}

pub fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// A file mon reads beside the definitions (a CA bundle, a template): a
/// regular file (a pipe would block, a device never end) of at most
/// `limit` bytes.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, String> {
    use std::io::Read;
    let meta = std::fs::metadata(path).map_err(|e| io_message(&e))?;
    if !meta.is_file() {
        return Err("not a regular file (a pipe, device or socket is never read)".into());
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| io_message(&e))?;
    if bytes.len() as u64 > limit {
        return Err(format!("larger than {} KiB", limit / 1024));
    }
    Ok(bytes)
}

/// Why a file's content could not be used. The loader turns it into a
/// finding in that file, so the output names the file like any other finding.
pub struct ReadFailure {
    pub code: Code,
    pub message: String,
    pub hint: Option<String>,
    /// What could be salvaged for showing the place, with the byte offset of it.
    pub text: String,
    pub offset: Option<usize>,
}

/// `read`, with a failure as one line that names the file (`path: why`),
/// for callers that report it rather than place it in a diagnostic.
pub fn read_named(path: &Path) -> Result<String, String> {
    read(path).map_err(|e| format!("{}: {}", path.display(), e.message))
}

/// Reads one file as UTF-8 text within the size limit.
pub fn read(path: &Path) -> Result<String, ReadFailure> {
    let fail = |code, message: String| ReadFailure {
        code,
        message,
        hint: None,
        text: String::new(),
        offset: None,
    };
    let meta = std::fs::metadata(path).map_err(|e| fail(Code::Io, io_message(&e)))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(ReadFailure {
            hint: Some("split the definitions over several files".into()),
            ..fail(
                Code::FileTooLarge,
                format!(
                    "file is {} MiB; a definition file may be at most {} MiB",
                    meta.len() / (1024 * 1024),
                    MAX_FILE_BYTES / (1024 * 1024)
                ),
            )
        });
    }
    // A FIFO or a device would block or never end: only regular files.
    if !meta.is_file() {
        return Err(fail(
            Code::Io,
            "not a regular file (a pipe, device or socket is never read)".into(),
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| fail(Code::Io, io_message(&e)))?;
    decode(bytes)
}

/// Reads standard input as one definition file, within the size limit.
pub fn read_stdin() -> Result<String, ReadFailure> {
    use std::io::Read;
    let mut bytes = Vec::new();
    let read = std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes);
    if let Err(e) = read {
        return Err(ReadFailure {
            code: Code::Io,
            message: io_message(&e),
            hint: None,
            text: String::new(),
            offset: None,
        });
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ReadFailure {
            code: Code::FileTooLarge,
            message: format!(
                "standard input is over {} MiB; a definition file may be at most that",
                MAX_FILE_BYTES / (1024 * 1024)
            ),
            hint: Some("split the definitions over several files".into()),
            text: String::new(),
            offset: None,
        });
    }
    decode(bytes)
}

/// Definition text from bytes: a byte order mark dropped, UTF-8 required.
fn decode(bytes: Vec<u8>) -> Result<String, ReadFailure> {
    // A byte order mark is not content: editors hide it, and parsers would
    // take it for the start of a key.
    let bytes = match bytes.strip_prefix(b"\xEF\xBB\xBF") {
        Some(rest) => rest.to_vec(),
        None => bytes,
    };
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let bytes = e.into_bytes();
        let bad = bytes[valid];
        ReadFailure {
            code: Code::NotUtf8,
            message: format!("file is not valid UTF-8: byte 0x{bad:02x} cannot start a character"),
            hint: Some(
                "definition files must be UTF-8; convert with `iconv -f LATIN1 -t UTF-8`".into(),
            ),
            text: String::from_utf8_lossy(&bytes).into_owned(),
            offset: Some(valid),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Columns counted from the character marks agree with counting the
    /// line's characters, across marks, in ASCII and non-ASCII text.
    #[test]
    fn columns_agree_with_counting_characters() {
        let mut text = String::new();
        for i in 0..3000 {
            text.push_str(["a", "é", "日", "😀", " "][i % 5]);
            if i % 997 == 0 {
                text.push('\n');
            }
        }
        for t in [text.clone(), text.replace(['é', '日', '😀'], "x")] {
            let f = SourceFile::new("t.yaml".into(), t.clone());
            for offset in (0..=t.len()).step_by(7).chain([t.len()]) {
                let before = &t[..floor_char_boundary(&t, offset)];
                let line_start = before.rfind('\n').map_or(0, |i| i + 1);
                let line = before.matches('\n').count() + 1;
                let col = before[line_start..].chars().count() + 1;
                assert_eq!(f.line_col(offset), (line, col), "offset {offset}");
            }
        }
    }
}
