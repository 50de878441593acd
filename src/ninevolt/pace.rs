//! Writing a large change at the speed a running 9volt's director follows.
//!
//! etcd's v2 store keeps the last 1,000 events of the whole keyspace
//! (`WINDOW`). 9volt's director watches `<prefix>/monitor/` from the index
//! after the last event it handled, and handling each one costs it a read
//! of every member's references plus a reference write: about 3 ms per check
//! at 1,000 references and 28 to 37 ms at 10,000 (reference 9volt.md §6,
//! "Scale"). When writes move the window more than 1,000 events past it, its
//! watch fails with error 401 and 9volt stops every check and redistributes
//! all of them: a restart that interrupts everything, and that on two
//! members left checks running twice or not at all.
//!
//! So a paced sync writes in batches and starts the next batch only once the
//! director has handled the previous one. The director handles events in
//! index order, so one marker per batch is enough: the batch's last write,
//! made alone after the rest, whose reference must appear (or, for a delete,
//! disappear). The batch size follows the reference's measured rule
//! `min(500, 500 / (1 + r·t), 0.3 s / t)`: `t` the director's time per check
//! measured on the batch before (the first batch is 10), `r` the busiest
//! background event rate, so that neither our batch nor 9volt's own traffic
//! (state dumps, TTL expiries) moves the window past the director.

use std::collections::{BTreeSet, VecDeque};
use std::time::{Duration, Instant};

use super::{member_tag, members_dir, ref_path, Cluster, WINDOW};
use crate::etcd::{Error, Store, Tree};

/// Whether to pace (`--pace`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// Pace when 9volt runs and the change would outrun its director
    Auto,
    /// Pace whenever a 9volt member is alive
    Always,
    /// Write at once
    Never,
}

#[derive(Clone, Debug)]
pub struct Settings {
    pub mode: Mode,
    /// How long to watch 9volt's own traffic before a paced sync: longer
    /// than its 10 s state dump, so a dump's burst is seen.
    pub probe: Duration,
    /// How long 9volt may take to take up one batch, and the whole sync
    /// for the final check.
    pub wait: Duration,
    /// Check at the end of every sync (`--wait`), not only paced ones, that
    /// 9volt took up every change.
    pub verify: bool,
    /// Go ahead when 9volt's own traffic leaves the director no room.
    pub force: bool,
}

/// Changes that fit in half the window go in one burst.
pub const BURST_EVENTS: usize = WINDOW / 2;
pub const MAX_BATCH: usize = 500;
pub const FIRST_BATCH: usize = 10;
/// Background events a second above which the first batch is one key.
const BUSY_RATE: f64 = 100.0;
/// The most director work one batch may stand for, in seconds: covers
/// bursts no look foresees, such as the first state dump of new checks.
const LAG_CAP: f64 = 0.3;
/// What one key costs beyond the director's own time: our poll, the round
/// trips, the director's watch re-issue.
const SLACK: f64 = 0.25;

/// One write as the pacer sees it.
#[derive(Clone, Debug)]
pub struct Item {
    pub key: String,
    /// Under `monitor/`: the director handles it.
    pub monitor: bool,
    pub delete: bool,
    /// The monitor's `member-tag` after the write.
    pub tag: String,
}

impl Item {
    pub fn new(key: &str, monitor: bool, after: Option<&serde_json::Value>) -> Item {
        Item {
            key: key.to_string(),
            monitor,
            delete: after.is_none(),
            tag: after.map(member_tag).unwrap_or("").to_string(),
        }
    }

    /// Events this write puts into the window: itself, and the reference
    /// the director writes or removes for it.
    fn events(&self, cluster: &Cluster) -> usize {
        1 + usize::from(self.followable(cluster))
    }

    /// Whether the director's answer to this write can be seen: a check a
    /// living member may take gets a reference; a deleted check that has
    /// one loses it.
    fn followable(&self, cluster: &Cluster) -> bool {
        self.monitor
            && if self.delete {
                !cluster.holders(&self.key).is_empty()
            } else {
                cluster.takes(&self.tag)
            }
    }
}

/// How a sync is written, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Way {
    Burst(String),
    Paced(String),
}

impl Way {
    pub fn paced(&self) -> bool {
        matches!(self, Way::Paced(_))
    }
    pub fn why(&self) -> &str {
        match self {
            Way::Burst(w) | Way::Paced(w) => w,
        }
    }
}

/// Decides how to write `items`; `None` for the cluster means etcd v3,
/// which 9volt never reads. An error is a mode that cannot be honoured.
pub fn decide(mode: Mode, cluster: Option<&Cluster>, items: &[Item]) -> Result<Way, String> {
    let Some(cluster) = cluster else {
        return match mode {
            Mode::Always => Err(
                "--pace always: 9volt reads only etcd's v2 keyspace, and this sync writes v3"
                    .into(),
            ),
            _ => Ok(Way::Burst("etcd v3: no 9volt follows this keyspace".into())),
        };
    };
    let events: usize = items.iter().map(|i| i.events(cluster)).sum();
    let running = format!(
        "9volt runs {} checks on {} members under /{}/",
        cluster.refs(),
        cluster.members.len(),
        cluster.prefix
    );
    match mode {
        Mode::Never => return Ok(Way::Burst("--pace never".into())),
        Mode::Always if !cluster.live() => {
            return Err(format!(
                "--pace always: no 9volt member is alive under /{}/cluster/members, so nothing would take up a batch",
                cluster.prefix
            ))
        }
        Mode::Always => return Ok(Way::Paced(format!("--pace always; {running}"))),
        Mode::Auto => {}
    }
    Ok(if !cluster.live() {
        Way::Burst(format!(
            "no 9volt member is alive under /{}/: it distributes every check when it starts",
            cluster.prefix
        ))
    } else if cluster.members.len() == 1 && cluster.refs() == 0 {
        Way::Burst(format!(
            "one 9volt member runs no checks under /{}/: a restart interrupts nothing",
            cluster.prefix
        ))
    } else if events <= BURST_EVENTS {
        Way::Burst(format!(
            "{events} events fit in etcd's v2 window of {WINDOW}; {running}"
        ))
    } else {
        Way::Paced(format!(
            "{events} events would move etcd's v2 window of {WINDOW} past 9volt's director; {running}"
        ))
    })
}

/// The director's time per check before one is measured, in seconds, from
/// the reference's measurements: 3 ms at 1,000 references, 28 ms at 10,000
/// on one member and 33 to 37 ms on two.
pub fn director_time(refs: usize, members: usize) -> f64 {
    let per_ref = if members > 1 { 3.5e-6 } else { 2.8e-6 };
    0.001 + per_ref * refs as f64
}

/// Keys per batch for a director taking `t` s per check beside `r`
/// background events a second.
pub fn batch_size(r: f64, t: f64) -> usize {
    let t = t.max(1e-4);
    let b = (MAX_BATCH as f64)
        .min(MAX_BATCH as f64 / (1.0 + r * t))
        .min(LAG_CAP / t);
    (b.floor() as usize).clamp(1, MAX_BATCH)
}

/// Whether the director can take even one check before 9volt's own traffic
/// uses half the window.
pub fn fits(r: f64, t: f64) -> bool {
    r * (t + SLACK) + 2.0 < (WINDOW / 2) as f64
}

/// Whether the background rate, not the director's speed, sets the batch.
pub fn traffic_limits(r: f64, t: f64) -> bool {
    batch_size(r, t) < batch_size(0.0, t) / 2
}

/// Roughly how long a paced sync of `items` takes: the director's time per
/// check grows with the references it reads, plus a poll per batch.
pub fn estimate(cluster: &Cluster, items: &[Item]) -> Duration {
    let members = cluster.members.len().max(1);
    let mut refs = cluster.refs();
    let mut secs = 0.0;
    let mut batch = 0;
    for item in items.iter().filter(|i| i.monitor) {
        let t = director_time(refs, members);
        secs += t;
        batch += 1;
        if batch >= batch_size(0.0, t) {
            secs += 0.03;
            batch = 0;
        }
        if item.delete {
            refs = refs.saturating_sub(1);
        } else if !cluster.holders(&item.key).is_empty() {
            // An edit: the reference is rewritten, not added.
        } else {
            refs += 1;
        }
    }
    Duration::from_secs_f64(secs)
}

/// What the pacer reports while it works.
#[derive(Clone, Debug)]
pub enum Progress {
    /// Watching 9volt's own traffic for this long.
    Probing(Duration),
    /// The busiest background rate seen, the first batch's size, and the
    /// size 9volt's own traffic allows a batch (`None` when the director's
    /// speed, not the traffic, sets it).
    Probed {
        rate: f64,
        batch: usize,
        traffic_cap: Option<usize>,
    },
    /// Keys written and taken up by 9volt so far, of `total`.
    Batch {
        written: usize,
        taken_up: usize,
        total: usize,
        batch: usize,
        rate: f64,
    },
    /// Checking that 9volt took up every change.
    Verifying,
}

/// A redistribution of every check seen during the sync.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Redistribution {
    /// References were rebuilt with the same members: 9volt restarted
    /// (its watch fell out of the window, or a director took over).
    Restart { after_written: usize },
    /// Members left or joined, and 9volt redistributed as it does then.
    Members {
        left: Vec<String>,
        joined: Vec<String>,
    },
}

/// Whether 9volt runs what was written.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Written checks a living member may run that no member references
    /// (or whose reference predates the write).
    pub missing: Vec<String>,
    /// Deleted checks still referenced.
    pub not_deleted: Vec<String>,
    /// Checks referenced on more than one member (two directors at once).
    pub duplicates: Vec<String>,
    /// Written checks no living member may run: (key, why).
    pub unassignable: Vec<(String, String)>,
}

impl Verdict {
    /// Every written check runs, and no deleted one.
    pub fn ok(&self) -> bool {
        self.missing.is_empty()
            && self.not_deleted.is_empty()
            && self.duplicates.is_empty()
            && self.unassignable.is_empty()
    }

    /// Whether waiting longer could change it: an unassignable check
    /// waits for a member that is not there.
    fn settled(&self) -> bool {
        self.missing.is_empty() && self.not_deleted.is_empty() && self.duplicates.is_empty()
    }
}

/// Whether `cluster` shows each write of `written` taken up: (item, index
/// of our write, if we made it).
pub fn verdict(cluster: &Cluster, written: &[(Item, Option<i64>)]) -> Verdict {
    let mut v = Verdict::default();
    for (item, index) in written.iter().filter(|(i, _)| i.monitor) {
        let holders = cluster.holders(&item.key);
        if holders.len() > 1 {
            v.duplicates.push(item.key.clone());
        }
        if item.delete {
            if !holders.is_empty() {
                v.not_deleted.push(item.key.clone());
            }
        } else if !cluster.live() {
            v.unassignable
                .push((item.key.clone(), "no 9volt member is alive".into()));
        } else if !cluster.takes(&item.tag) {
            let why = if item.tag.is_empty() {
                "it has no member-tag, and every living member has tags".to_string()
            } else {
                format!("its member-tag `{}` is on no living member", item.tag)
            };
            v.unassignable.push((item.key.clone(), why));
        } else if !holders
            .iter()
            .any(|(_, r)| index.is_none_or(|i| r.modified > i))
        {
            v.missing.push(item.key.clone());
        }
    }
    v
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    pub batches: usize,
    /// The busiest background rate seen, events a second.
    pub rate: f64,
    pub redistributions: Vec<Redistribution>,
    /// The final check, when one ran.
    pub verdict: Option<Verdict>,
    /// A batch 9volt did not take up within the wait: its marker key.
    pub stalled: Option<String>,
    /// Stopped part way because 9volt's own traffic left its director no
    /// room: (events a second, seconds a check), as measured.
    pub busy: Option<(f64, f64)>,
    /// A read of 9volt's state failed.
    pub error: Option<String>,
}

impl Report {
    /// Whether 9volt took up everything, with no restart of its own making.
    pub fn taken_up(&self) -> bool {
        self.stalled.is_none()
            && self.error.is_none()
            && self.verdict.as_ref().is_none_or(Verdict::ok)
            && !self
                .redistributions
                .iter()
                .any(|r| matches!(r, Redistribution::Restart { .. }))
    }
}

/// Samples of etcd's index, for the busiest background rate of the last
/// 15 s: each sample also counts the events we caused up to it.
struct Rate {
    samples: VecDeque<(Instant, i64, i64)>,
    busiest: f64,
}

impl Rate {
    fn new() -> Rate {
        Rate {
            samples: VecDeque::new(),
            busiest: 0.0,
        }
    }

    fn sample(&mut self, index: i64, own: i64) {
        let now = Instant::now();
        if index > 0 {
            self.samples.push_back((now, index, own));
        }
        while self
            .samples
            .front()
            .is_some_and(|s| now.duration_since(s.0) > Duration::from_secs(15))
        {
            self.samples.pop_front();
        }
    }

    /// The busiest background rate over any span of about a second.
    fn busiest(&mut self) -> f64 {
        let s: Vec<_> = self.samples.iter().copied().collect();
        let mut best = 0.0f64;
        let mut j = 0;
        for i in 0..s.len() {
            while j < s.len() && s[j].0.duration_since(s[i].0) < Duration::from_millis(900) {
                j += 1;
            }
            if j >= s.len() {
                break;
            }
            let secs = s[j].0.duration_since(s[i].0).as_secs_f64();
            let background = ((s[j].1 - s[i].1) - (s[j].2 - s[i].2)).max(0) as f64;
            best = best.max(background / secs);
        }
        self.busiest = best;
        best
    }
}

/// The marker of one batch: its last write and that write's index.
struct Marker {
    key: String,
    delete: bool,
    index: Option<i64>,
}

/// Reads and waits on 9volt's state while a sync writes.
pub struct Watcher {
    prefix: String,
    pub cluster: Cluster,
    settings: Settings,
    rate: Rate,
    /// Events we caused so far (writes and expected references).
    own: i64,
    /// Director seconds per check, last measured.
    pub t: f64,
    /// References not touched by this sync: if one changes, 9volt
    /// redistributed. (path, modified)
    sentinels: Vec<(String, i64)>,
    members: BTreeSet<String>,
    director: Option<String>,
    /// Keys written so far, for the restart report.
    written_so_far: usize,
    /// The member set changed since redistributions were last classified.
    members_changed: bool,
    /// When the sentinels were last read.
    checked: Instant,
    /// Whether `t` has been measured, not guessed.
    measured: bool,
    pub report: Report,
}

/// A local read: a poll needs no raft round (a quorum read is one, and on a
/// slow disk polls every few milliseconds would slow the director's own
/// writes); a member that lags only makes a wait a moment longer.
async fn read(store: &Store, key: &str, recursive: bool) -> Result<(Option<Tree>, i64), Error> {
    store
        .read_v2(key, recursive, false)
        .await
        .unwrap_or_else(|| {
            Err(Error::Request(
                "9volt's state lives in etcd's v2 keyspace".into(),
            ))
        })
}

/// Reads 9volt's state under `prefix` (v2 only; `None` over v3).
pub async fn cluster(store: &Store, prefix: &str) -> Option<Result<Cluster, Error>> {
    let read = store
        .read_v2(&super::cluster_dir(prefix), true, true)
        .await?;
    Some(read.map(|(tree, index)| Cluster::from_tree(prefix, tree.as_ref(), index)))
}

impl Watcher {
    pub fn new(cluster: Cluster, settings: &Settings, written: &BTreeSet<&str>) -> Watcher {
        let t = director_time(cluster.refs(), cluster.members.len());
        let mut w = Watcher {
            prefix: cluster.prefix.clone(),
            members: cluster.members.keys().cloned().collect(),
            director: cluster.director.clone(),
            cluster,
            settings: settings.clone(),
            rate: Rate::new(),
            own: 0,
            t,
            sentinels: Vec::new(),
            written_so_far: 0,
            members_changed: false,
            checked: Instant::now(),
            measured: false,
            report: Report::default(),
        };
        w.pick_sentinels(written);
        w
    }

    /// Up to three references on distinct members that this sync leaves.
    fn pick_sentinels(&mut self, written: &BTreeSet<&str>) {
        self.sentinels = self
            .cluster
            .members
            .values()
            .filter_map(|m| {
                m.refs
                    .iter()
                    .find(|(check, _)| !written.contains(check.as_str()))
                    .map(|(_, r)| (r.path.clone(), r.modified))
            })
            .take(3)
            .collect();
    }

    /// Watches etcd's index for the probe time: the busiest second of
    /// 9volt's own traffic.
    pub async fn probe(
        &mut self,
        store: &Store,
        progress: &dyn Fn(Progress),
    ) -> Result<f64, Error> {
        progress(Progress::Probing(self.settings.probe));
        let until = Instant::now() + self.settings.probe;
        let config = format!("/{}/config", self.prefix);
        loop {
            let (_, index) = read(store, &config, false).await?;
            self.rate.sample(index, self.own);
            if Instant::now() >= until {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        let r = self.rate.busiest();
        self.report.rate = r;
        progress(Progress::Probed {
            rate: r,
            batch: self.first_batch(),
            traffic_cap: traffic_limits(r, self.t).then(|| self.batch()),
        });
        Ok(r)
    }

    /// The first batch, before the director's speed is measured: 10 keys
    /// on a quiet estate, one where 9volt's own traffic is busy (beside
    /// hundreds of events a second, a director slower than the guess would
    /// fall out of the window within one batch of 10).
    pub fn first_batch(&self) -> usize {
        if self.report.rate > BUSY_RATE {
            1
        } else {
            FIRST_BATCH.min(self.batch())
        }
    }

    /// The next batch's size.
    pub fn batch(&self) -> usize {
        batch_size(self.report.rate, self.t)
    }

    /// Whether the director can follow at all, by the probe.
    pub fn fits(&self) -> bool {
        fits(self.report.rate, self.t)
    }

    /// Chooses the batch's marker among `batch` and moves it last.
    pub fn marker_last(&self, batch: &mut [Item]) -> bool {
        match batch.iter().rposition(|i| i.followable(&self.cluster)) {
            Some(p) => {
                let last = batch.len() - 1;
                batch.swap(p, last);
                true
            }
            None => false,
        }
    }

    /// After a batch is written: waits until the director has handled it.
    /// Returns false when it did not within the wait.
    pub async fn settle(
        &mut self,
        store: &Store,
        batch: &[Item],
        marker: Option<(&Item, Option<i64>)>,
    ) -> Result<bool, Error> {
        let started = Instant::now();
        self.own += batch
            .iter()
            .map(|i| i.events(&self.cluster) as i64)
            .sum::<i64>();
        let monitors = batch.iter().filter(|i| i.monitor).count();
        let done = match marker {
            Some((item, index)) => {
                let m = Marker {
                    key: item.key.clone(),
                    delete: item.delete,
                    index,
                };
                let expected = self.t * monitors as f64;
                let (done, index) = self.wait_for(store, &m, expected).await?;
                // Sampled once the batch is taken up, when every event of
                // ours (writes and references) is in: the rest is 9volt's.
                self.rate.sample(index, self.own);
                done
            }
            // Checks no member takes: the director reads each and writes
            // nothing we can see, so give it the time it would take.
            None if monitors > 0 => {
                tokio::time::sleep(Duration::from_secs_f64(self.t * monitors as f64)).await;
                true
            }
            None => true,
        };
        if done && monitors > 0 {
            let took = started.elapsed().as_secs_f64() / monitors as f64;
            // The first measure replaces the guess; after that, half the
            // last measure and half the new: small batches are noisy.
            self.t = if self.measured {
                (self.t + took) / 2.0
            } else {
                took
            };
            self.measured = true;
        }
        self.report.rate = self.report.rate.max(self.rate.busiest());
        // Every couple of seconds: a restart is reported, not prevented.
        if self.checked.elapsed() > Duration::from_secs(2) {
            self.check_redistribution(store).await?;
        }
        Ok(done)
    }

    /// Polls the marker's reference on every living member; returns
    /// whether the director took it up, and etcd's index at the last poll.
    /// `expected`: the seconds the director should need, by the last
    /// measure; most of it is slept before the first poll.
    async fn wait_for(
        &mut self,
        store: &Store,
        m: &Marker,
        expected: f64,
    ) -> Result<(bool, i64), Error> {
        let deadline = Instant::now() + self.settings.wait;
        let mut refreshed = Instant::now();
        let first = Duration::from_secs_f64(expected * 0.7).min(self.settings.wait);
        tokio::time::sleep(first).await;
        let poll = Duration::from_secs_f64((expected / 20.0).clamp(0.005, 0.05));
        loop {
            let mut seen = false;
            let mut last = 0;
            for id in self.members.clone() {
                let (node, index) =
                    read(store, &ref_path(&self.prefix, &id, &m.key), false).await?;
                last = last.max(index);
                if let Some(n) = node {
                    seen |= m.delete || m.index.is_none_or(|i| n.modified > i);
                }
            }
            let done = if m.delete { !seen } else { seen };
            if done {
                return Ok((true, last));
            }
            if Instant::now() >= deadline {
                return Ok((false, last));
            }
            // A member that died mid-sync: the director reassigns to the
            // living ones, so wait on those.
            if refreshed.elapsed() > Duration::from_secs(2) {
                self.refresh_members(store).await?;
                refreshed = Instant::now();
            }
            tokio::time::sleep(poll).await;
        }
    }

    /// Re-reads the member list; records who left or joined.
    async fn refresh_members(&mut self, store: &Store) -> Result<(), Error> {
        let (tree, _) = read(store, &members_dir(&self.prefix), false).await?;
        let mut now = BTreeSet::new();
        // As `Cluster::from_tree`: a directory without a status is no
        // running member.
        for n in tree.iter().flat_map(|t| &t.nodes).filter(|n| n.dir) {
            if read(store, &format!("{}/status", n.key), false)
                .await?
                .0
                .is_some()
            {
                now.insert(n.key.rsplit('/').next().unwrap_or("").to_string());
            }
        }
        if now != self.members {
            let left = self.members.difference(&now).cloned().collect();
            let joined = now.difference(&self.members).cloned().collect();
            self.report
                .redistributions
                .push(Redistribution::Members { left, joined });
            self.members = now;
            self.members_changed = true;
        }
        Ok(())
    }

    /// A sentinel reference rewritten or gone, or a new director, means
    /// 9volt redistributed every check.
    async fn check_redistribution(&mut self, store: &Store) -> Result<(), Error> {
        self.checked = Instant::now();
        let mut moved = false;
        for (path, modified) in &self.sentinels {
            let (node, _) = read(store, path, false).await?;
            moved |= node.is_none_or(|n| n.modified != *modified);
        }
        let (director, _) =
            read(store, &format!("/{}/cluster/director", self.prefix), false).await?;
        let director = director
            .and_then(|d| d.value)
            .and_then(|v| serde_json::from_str::<serde_json::Value>(&v).ok())
            .and_then(|v| v["MemberID"].as_str().map(str::to_string));
        moved |= director.is_some() && self.director.is_some() && director != self.director;
        if !moved {
            return Ok(());
        }
        self.refresh_members(store).await?;
        // A member change makes 9volt redistribute; without one, it restarted.
        if !std::mem::take(&mut self.members_changed) {
            let after_written = self.written_so_far;
            self.report
                .redistributions
                .push(Redistribution::Restart { after_written });
        }
        self.director = director;
        // Fresh sentinels from the rebuilt references.
        if let Some(c) = cluster(store, &self.prefix).await {
            self.cluster = c?;
            let none = BTreeSet::new();
            self.pick_sentinels(&none);
        }
        Ok(())
    }

    /// The final check: waits until 9volt shows every write taken up, or
    /// the wait runs out; returns what it saw last.
    pub async fn verify(
        &mut self,
        store: &Store,
        written: &[(Item, Option<i64>)],
    ) -> Result<Verdict, Error> {
        let deadline = Instant::now() + self.settings.wait;
        loop {
            if let Some(c) = cluster(store, &self.prefix).await {
                self.cluster = c?;
            }
            let v = verdict(&self.cluster, written);
            if v.settled() || Instant::now() >= deadline {
                // A redistribution since the last batch (or, for a burst,
                // since before the first write) shows in the sentinels.
                self.check_redistribution(store).await?;
                return Ok(v);
            }
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
}

impl Watcher {
    /// Counts keys written, for the restart report.
    pub fn wrote(&mut self, n: usize) {
        self.written_so_far += n;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ninevolt::{Member, Ref};

    fn cluster(members: &[(&str, &[&str], &[&str])]) -> Cluster {
        let mut c = Cluster {
            prefix: "9volt".into(),
            ..Cluster::default()
        };
        for (id, tags, checks) in members {
            let refs = checks
                .iter()
                .map(|k| {
                    (
                        k.to_string(),
                        Ref {
                            path: ref_path("9volt", id, k),
                            modified: 10,
                        },
                    )
                })
                .collect();
            c.members.insert(
                id.to_string(),
                Member {
                    id: id.to_string(),
                    hostname: id.to_string(),
                    tags: tags.iter().map(|t| t.to_string()).collect(),
                    refs,
                },
            );
        }
        c
    }

    fn adds(n: usize) -> Vec<Item> {
        (0..n)
            .map(|i| Item {
                key: format!("/9volt/monitor/m{i}"),
                monitor: true,
                delete: false,
                tag: String::new(),
            })
            .collect()
    }

    #[test]
    fn bursts_where_nothing_runs_and_paces_where_it_would_overrun() {
        let empty = cluster(&[]);
        assert!(!decide(Mode::Auto, Some(&empty), &adds(10_000))
            .unwrap()
            .paced());
        let single_empty = cluster(&[("a", &[], &[])]);
        assert!(!decide(Mode::Auto, Some(&single_empty), &adds(10_000))
            .unwrap()
            .paced());
        let two = cluster(&[("a", &[], &[]), ("b", &[], &[])]);
        assert!(decide(Mode::Auto, Some(&two), &adds(10_000))
            .unwrap()
            .paced());
        // 250 checks and their references: 500 events, within half the window.
        assert!(!decide(Mode::Auto, Some(&two), &adds(250)).unwrap().paced());
        assert!(decide(Mode::Auto, Some(&two), &adds(251)).unwrap().paced());
        assert!(!decide(Mode::Never, Some(&two), &adds(10_000))
            .unwrap()
            .paced());
        assert!(decide(Mode::Always, Some(&two), &adds(1)).unwrap().paced());
        assert!(decide(Mode::Always, Some(&empty), &adds(1)).is_err());
        assert!(decide(Mode::Always, None, &adds(1)).is_err());
    }

    #[test]
    fn batches_follow_the_measured_rule() {
        // Quiet estate, fast director: the 500 cap.
        assert_eq!(batch_size(0.0, 0.0005), 500);
        // 28 ms a check: 0.3 s of director work.
        assert_eq!(batch_size(0.0, 0.028), 10);
        // 300 events/s at 3 ms a check: the director's 0.3 s still binds.
        assert_eq!(batch_size(300.0, 0.003), 100);
        assert!(!traffic_limits(300.0, 0.003));
        // 4,000 events/s at 1 ms: the traffic does (500 / (1 + 4)).
        assert_eq!(batch_size(4_000.0, 0.001), 100);
        assert!(traffic_limits(4_000.0, 0.001));
        assert!(fits(300.0, 0.03));
        assert!(!fits(3_000.0, 0.03));
    }

    #[test]
    fn the_verdict_reads_references_as_the_director_writes_them() {
        let c = cluster(&[
            ("a", &[], &["/9volt/monitor/m0"]),
            ("b", &["db"], &["/9volt/monitor/gone"]),
        ]);
        let mut items = adds(2);
        items.push(Item {
            key: "/9volt/monitor/gone".into(),
            monitor: true,
            delete: true,
            tag: String::new(),
        });
        items.push(Item {
            key: "/9volt/monitor/tagged".into(),
            monitor: true,
            delete: false,
            tag: "nowhere".into(),
        });
        let written: Vec<_> = items.into_iter().map(|i| (i, Some(5))).collect();
        let v = verdict(&c, &written);
        assert_eq!(v.missing, vec!["/9volt/monitor/m1".to_string()]);
        assert_eq!(v.not_deleted, vec!["/9volt/monitor/gone".to_string()]);
        assert_eq!(v.unassignable.len(), 1);
        assert!(!v.ok());
        // A reference older than the write is not the write taken up.
        let stale: Vec<_> = adds(1).into_iter().map(|i| (i, Some(50))).collect();
        assert_eq!(verdict(&c, &stale).missing.len(), 1);
    }

    #[test]
    fn the_estimate_grows_with_the_references() {
        let two = cluster(&[("a", &[], &[]), ("b", &[], &[])]);
        let small = estimate(&two, &adds(1_000)).as_secs_f64();
        let large = estimate(&two, &adds(10_000)).as_secs_f64();
        // About 3.5 µs per reference per check: 10,000 new cost minutes.
        assert!(large > 150.0 && large < 300.0, "{large}");
        assert!(large > 50.0 * small, "{small} {large}");
    }
}
