//! One exit-code table for every command, so scripts can tell outcomes apart.
//! Documented in the README; `tests/cli.rs` checks each one.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked; definitions are valid (warnings allowed).
    Ok = 0,
    /// Definitions have errors (or warnings under `--deny-warnings`).
    Invalid = 1,
    /// The command line is wrong (unknown flag, missing argument).
    Usage = 2,
    /// A path, file or template could not be read or written.
    Io = 3,
}

impl Exit {
    pub const TABLE: &'static [(u8, &'static str)] = &[
        (0, "success: definitions valid"),
        (1, "definitions invalid: at least one error (or warning with --deny-warnings)"),
        (2, "usage error: unknown flag, bad argument"),
        (3, "I/O error: a path or file cannot be read or written"),
    ];
    pub fn code(self) -> u8 {
        self as u8
    }
}
