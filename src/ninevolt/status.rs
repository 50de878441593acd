//! What 9volt runs, per definition, as `mon status` reports it: a value
//! built by `ops::status`.

use super::Cluster;

/// Where one defined monitor stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum State {
    /// In etcd as defined, referenced on one living member that takes it.
    Running,
    /// As defined and assigned, with `disable: true`: 9volt's manager does
    /// not start it.
    Disabled,
    /// Not in etcd: a sync would add it.
    NotInEtcd,
    /// etcd holds another value: a sync would change it.
    Differs,
    /// In etcd, but no living member references it.
    Unassigned(Why),
    /// Referenced on more than one member: it runs twice.
    Duplicate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Why {
    NoLivingMember,
    /// The check's member-tag, which no living member has.
    NoMemberWithTag(String),
    /// A living member takes it, but the director has not assigned it
    /// (yet: it is behind, or it ignored a guarded write).
    NotYet,
}

impl State {
    pub fn as_str(&self) -> &'static str {
        match self {
            State::Running => "running",
            State::Disabled => "disabled",
            State::NotInEtcd => "not-in-etcd",
            State::Differs => "differs",
            State::Unassigned(_) => "unassigned",
            State::Duplicate => "duplicate",
        }
    }

    /// Whether this is what the definitions say.
    pub fn as_defined(&self) -> bool {
        matches!(self, State::Running | State::Disabled)
    }
}

impl Why {
    pub fn text(&self) -> String {
        match self {
            Why::NoLivingMember => "no 9volt member is alive".into(),
            Why::NoMemberWithTag(t) => format!("no living member has tag `{t}`"),
            Why::NotYet => {
                "a living member takes it, but 9volt's director has not assigned it".into()
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct Check {
    pub name: String,
    pub key: String,
    pub state: State,
    /// Members referencing it.
    pub members: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Status {
    pub prefix: String,
    pub cluster: Cluster,
    pub checks: Vec<Check>,
    /// References to checks that are not in etcd: (check key, member).
    pub stale: Vec<(String, String)>,
    /// Monitors in etcd that these definitions do not name (someone else's).
    pub undefined: Vec<String>,
}

impl Status {
    /// A sync is pending: some definition is not in etcd as written.
    pub fn pending(&self) -> bool {
        self.checks
            .iter()
            .any(|c| matches!(c.state, State::NotInEtcd | State::Differs))
    }

    /// 9volt runs exactly what etcd says (for the defined checks).
    pub fn runs_as_told(&self) -> bool {
        self.stale.is_empty()
            && self.checks.iter().all(|c| {
                c.state.as_defined() || matches!(c.state, State::NotInEtcd | State::Differs)
            })
    }

    pub fn count(&self, state: &str) -> usize {
        self.checks
            .iter()
            .filter(|c| c.state.as_str() == state)
            .count()
    }
}

impl Status {
    /// 4 while etcd differs from the definitions (a sync is pending), 11
    /// when 9volt does not run what etcd says, else 0.
    pub fn exit(&self) -> crate::exit::Exit {
        use crate::exit::Exit;
        if self.pending() {
            Exit::ChangesPending
        } else if !self.runs_as_told() {
            Exit::NotTakenUp
        } else {
            Exit::Ok
        }
    }
}
