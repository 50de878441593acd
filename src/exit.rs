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
    /// A server could not be reached, refused our credentials, or failed part way.
    Unreachable = 5,
    /// Someone else changed keys between reading and writing; they were left alone.
    Conflict = 6,
    /// Refused by a safety guard: no definitions, mass deletion without
    /// --force, another owner's keys, or the terminal's question answered no.
    Refused = 7,
    /// send-command/send-config: the host reported a failure (non-zero code).
    HostFailure = 8,
    /// send-command/send-config: the host's result carried no code.
    NoCode = 9,
    /// send-command/send-config: no result arrived before --timeout.
    Timeout = 10,
    /// sync (paced, or with --wait) and status: 9volt did not take up the
    /// change: a written check with no reference on a living member, a
    /// deleted one still referenced, a check on two members, or a restart
    /// of 9volt during the sync.
    NotTakenUp = 11,
    /// send-command/send-config: ^C ended the wait; what had arrived was shown.
    Interrupted = 130,
}

impl Exit {
    pub fn code(self) -> u8 {
        self as u8
    }
}
