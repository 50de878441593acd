//! One exit-code table for every command, so scripts can tell outcomes apart.
//! Documented in the README; the tests check each one.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Everything worked: definitions valid, etcd in sync, sync applied.
    Ok = 0,
    /// Definitions have errors (or warnings under `--deny-warnings`).
    Invalid = 1,
    /// The command line is wrong (unknown flag, missing argument).
    Usage = 2,
    /// A path, file or secret could not be read or written.
    Io = 3,
    /// `mon diff`: etcd differs from the definitions.
    ChangesPending = 4,
    /// A server (etcd) could not be reached or failed part way.
    Unreachable = 5,
    /// Someone else changed keys between reading and writing; they were left alone.
    Conflict = 6,
    /// Refused by a safety guard (mass deletion without --force).
    Refused = 7,
    /// send-command/send-config: the host reported a failure (non-zero code).
    HostFailure = 8,
    /// send-command/send-config: the host's result carried no code.
    NoCode = 9,
    /// send-command/send-config: no result arrived before --timeout.
    Timeout = 10,
}

impl Exit {
    pub const TABLE: &'static [(u8, &'static str)] = &[
        (
            0,
            "success: definitions valid, etcd in sync, changes applied",
        ),
        (
            1,
            "definitions invalid: at least one error (or warning with --deny-warnings)",
        ),
        (2, "usage error: unknown flag, bad argument"),
        (
            3,
            "I/O error: a path, file or secret cannot be read or written",
        ),
        (4, "mon diff: changes pending"),
        (5, "a server cannot be reached, or failed part way"),
        (
            6,
            "conflict: keys changed by someone else since they were read were left alone",
        ),
        (
            7,
            "refused by a safety guard (deleting more than --max-delete keys without --force)",
        ),
    ];
    pub fn code(self) -> u8 {
        self as u8
    }
}
