//! Parallel where it pays. Starting rayon's pool costs two threads, their
//! wake-ups and about a millisecond, more than a pre-commit hook's one file
//! takes to check; below `MIN` items the work runs on the calling thread and
//! the pool is never started.

use rayon::prelude::*;

/// Below this many items, sequential.
pub const MIN: usize = 64;

/// `f` over every item, in order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    if items.len() < MIN {
        items.iter().map(f).collect()
    } else {
        items.par_iter().map(f).collect()
    }
}

/// Items that weigh this much between them (bytes of input) are worth the
/// pool however few they are: six 5 MB files are a second of parsing.
pub const MIN_WEIGHT: usize = 256 * 1024;

/// `f` over every item with its index, taking the items, in order.
pub fn map_owned<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(usize, T) -> R + Sync + Send,
) -> Vec<R> {
    map_owned_weighed(items, |_| 0, f)
}

/// `map_owned`, parallel also when fewer than `MIN` items weigh `MIN_WEIGHT`
/// by `weight`. Those few heavy items start heaviest first, each thread
/// taking the next when it is free: six files of 2 to 7 MB split in halves
/// in listed order left one thread idle for most of the last file. Many
/// items balance by rayon's splitting, as before.
pub fn map_owned_weighed<T: Send, R: Send>(
    items: Vec<T>,
    weight: impl Fn(&T) -> usize,
    f: impl Fn(usize, T) -> R + Sync + Send,
) -> Vec<R> {
    if items.len() >= MIN {
        return items
            .into_par_iter()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect();
    }
    let weights: Vec<usize> = items.iter().map(&weight).collect();
    if items.len() < 2 || weights.iter().sum::<usize>() < MIN_WEIGHT {
        return items
            .into_iter()
            .enumerate()
            .map(|(i, t)| f(i, t))
            .collect();
    }
    let n = items.len();
    let mut queue: Vec<(usize, usize, T)> = weights
        .into_iter()
        .zip(items)
        .enumerate()
        .map(|(i, (w, t))| (w, i, t))
        .collect();
    // Stable: equal weights keep their order.
    queue.sort_by_key(|q| std::cmp::Reverse(q.0));
    let queue = std::sync::Mutex::new(queue.into_iter());
    let next = || {
        let mut q = queue.lock().unwrap_or_else(|e| e.into_inner());
        q.next()
    };
    let done: Vec<Vec<(usize, R)>> = rayon::broadcast(|_| {
        let mut mine = Vec::new();
        while let Some((_, i, t)) = next() {
            mine.push((i, f(i, t)));
        }
        mine
    });
    let mut out: Vec<Option<R>> = (0..n).map(|_| None).collect();
    for (i, r) in done.into_iter().flatten() {
        out[i] = Some(r);
    }
    out.into_iter()
        .map(|r| r.expect("every item is taken once"))
        .collect()
}

/// Items a task takes at once where per-item results would be a list of
/// their own: 100,000 definitions with a list each held 2.4 MB at the peak
/// for findings that are mostly none.
pub const CHUNK: usize = 256;

/// `f` over every chunk of `CHUNK` items, in order; parallel from `MIN` items.
pub fn map_chunks<T: Sync, R: Send>(items: &[T], f: impl Fn(&[T]) -> R + Sync + Send) -> Vec<R> {
    if items.len() < MIN {
        items.chunks(CHUNK).map(f).collect()
    } else {
        items.par_chunks(CHUNK).map(f).collect()
    }
}

/// `f` over every item, its results one list, in order.
pub fn flat_map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> Vec<R> + Sync + Send) -> Vec<R> {
    let chunks = map_chunks(items, |c| c.iter().flat_map(&f).collect::<Vec<R>>());
    chunks.into_iter().flatten().collect()
}
