//! What a running 9volt keeps in etcd about itself (reference 9volt.md §5,
//! §6), read as data: its members, their tags, the director, and the check
//! references the director writes under each member. mon never writes here;
//! it reads it to pace a sync (`pace`) and to say what 9volt runs (`status`).
//!
//! The director handles every change under `<prefix>/monitor/` by writing
//! (or deleting) `cluster/members/<id>/config/<base64 of the check key>`,
//! whose value is the check key. A check without `member-tag` goes only to
//! members without tags; a tagged one only to members with that tag
//! (`director.filterMembersByTag`).

#[cfg(feature = "net")]
pub mod pace;
pub mod status;

use std::collections::BTreeMap;

use base64::Engine;
use serde::Deserialize;

use crate::etcd::Tree;

/// etcd's v2 store keeps the last 1,000 events of the whole keyspace; a
/// watcher that falls further behind gets error 401 and 9volt restarts.
pub const WINDOW: usize = 1_000;

/// One check reference: where it is and when the director last wrote it.
#[derive(Debug, Clone)]
pub struct Ref {
    pub path: String,
    pub modified: i64,
}

#[derive(Debug, Clone, Default)]
pub struct Member {
    pub id: String,
    pub hostname: String,
    pub tags: Vec<String>,
    /// Check key -> its reference on this member.
    pub refs: BTreeMap<String, Ref>,
}

impl Member {
    /// Whether the director may give this member a check with `tag`.
    pub fn takes(&self, tag: &str) -> bool {
        if tag.is_empty() {
            self.tags.is_empty()
        } else {
            self.tags.iter().any(|t| t == tag)
        }
    }
}

/// 9volt's view of itself under one prefix, as read at etcd index `index`.
#[derive(Debug, Clone, Default)]
pub struct Cluster {
    pub prefix: String,
    /// Members whose directory (TTL = HeartbeatTimeout) has not expired:
    /// the living ones.
    pub members: BTreeMap<String, Member>,
    /// The member that last claimed directorship, if any.
    pub director: Option<String>,
    pub index: i64,
}

#[derive(Deserialize)]
struct Status {
    #[serde(rename = "Hostname", default)]
    hostname: String,
    #[serde(rename = "Tags", default)]
    tags: Option<Vec<String>>,
}

#[derive(Deserialize)]
struct Director {
    #[serde(rename = "MemberID", default)]
    member_id: String,
}

/// `/<prefix>/cluster/`
pub fn cluster_dir(prefix: &str) -> String {
    format!("/{prefix}/cluster")
}

/// `/<prefix>/cluster/members/`
pub fn members_dir(prefix: &str) -> String {
    format!("/{prefix}/cluster/members")
}

/// Where the director puts `check`'s reference on `member`: the key, in
/// standard padded base64 (`dal.CreateCheckReference`).
pub fn ref_path(prefix: &str, member: &str, check: &str) -> String {
    format!(
        "/{prefix}/cluster/members/{member}/config/{}",
        base64::engine::general_purpose::STANDARD.encode(check)
    )
}

/// The `member-tag` of a monitor value, as the director reads it.
pub fn member_tag(value: &serde_json::Value) -> &str {
    value
        .get("member-tag")
        .and_then(serde_json::Value::as_str)
        .unwrap_or("")
}

fn last(key: &str) -> &str {
    key.rsplit('/').next().unwrap_or(key)
}

impl Cluster {
    /// Builds the view from the tree under `/<prefix>/cluster` (None when
    /// 9volt never ran there).
    pub fn from_tree(prefix: &str, tree: Option<&Tree>, index: i64) -> Cluster {
        let mut c = Cluster {
            prefix: prefix.to_string(),
            index,
            ..Cluster::default()
        };
        let Some(tree) = tree else { return c };
        for node in &tree.nodes {
            match last(&node.key) {
                "director" => {
                    c.director = node
                        .value
                        .as_deref()
                        .and_then(|v| serde_json::from_str::<Director>(v).ok())
                        .map(|d| d.member_id)
                        .filter(|m| !m.is_empty());
                }
                "members" => {
                    // A directory without the status 9volt writes with it is
                    // no running member: a reference written after the
                    // directory expired re-creates it, without a TTL.
                    for member in node.nodes.iter().filter(|m| m.dir).filter_map(Self::member) {
                        c.members.insert(member.id.clone(), member);
                    }
                }
                _ => {}
            }
        }
        c
    }

    fn member(node: &Tree) -> Option<Member> {
        let mut status = false;
        let mut m = Member {
            id: last(&node.key).to_string(),
            ..Member::default()
        };
        for child in &node.nodes {
            match last(&child.key) {
                "status" => {
                    status = true;
                    if let Some(s) = child
                        .value
                        .as_deref()
                        .and_then(|v| serde_json::from_str::<Status>(v).ok())
                    {
                        m.hostname = s.hostname;
                        m.tags = s.tags.unwrap_or_default();
                    }
                }
                "config" => {
                    for r in child.nodes.iter().filter(|r| !r.dir) {
                        if let Some(check) = &r.value {
                            m.refs.insert(
                                check.clone(),
                                Ref {
                                    path: r.key.clone(),
                                    modified: r.modified,
                                },
                            );
                        }
                    }
                }
                _ => {}
            }
        }
        status.then_some(m)
    }

    /// Whether any 9volt member is alive under the prefix.
    pub fn live(&self) -> bool {
        !self.members.is_empty()
    }

    /// Check references over all members.
    pub fn refs(&self) -> usize {
        self.members.values().map(|m| m.refs.len()).sum()
    }

    /// Whether some living member may run a check with `tag`.
    pub fn takes(&self, tag: &str) -> bool {
        self.members.values().any(|m| m.takes(tag))
    }

    /// The members holding a reference to `check`, with the reference.
    pub fn holders<'a>(&'a self, check: &str) -> Vec<(&'a Member, &'a Ref)> {
        self.members
            .values()
            .filter_map(|m| m.refs.get(check).map(|r| (m, r)))
            .collect()
    }

    /// Check key -> members referencing it, over every member.
    pub fn assignments(&self) -> BTreeMap<&str, Vec<&str>> {
        let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for m in self.members.values() {
            for check in m.refs.keys() {
                out.entry(check.as_str()).or_default().push(m.id.as_str());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ref_paths_are_9volts_padded_base64() {
        // The example of reference 9volt.md §5.
        assert!(ref_path("9volt", "b251f2ec", "/9volt/monitor/exec-echo")
            .ends_with("/config/Lzl2b2x0L21vbml0b3IvZXhlYy1lY2hv"));
    }

    #[test]
    fn tags_pick_members_as_the_director_does() {
        let untagged = Member::default();
        let web = Member {
            tags: vec!["web".into()],
            ..Member::default()
        };
        assert!(untagged.takes(""));
        assert!(!untagged.takes("web"));
        assert!(web.takes("web"));
        assert!(!web.takes(""));
    }
}
