//! Cutting one manifest into partitions for several machines: the sets of
//! manifest lines ([`LineSet`]) that [`crate::Verifier::verify_lines`]
//! verifies, and the cost model that balances them ([`CostModel`],
//! [`cut`]).
//!
//! A file cannot be split without changing its SHA-1 or SHA-2 digest, so
//! a partition is a set of whole files, and no plan finishes before its
//! largest file is hashed: [`Partition`]s are balanced by cost, at least
//! a few per worker so that stragglers even out, largest files first.
//!
//! ```
//! use checksig::partition::{cut, CostModel, LineSet};
//! // (line, size) of each entry: one big file and many small ones.
//! let entries: Vec<(u64, u64)> = std::iter::once((1, 1 << 30))
//!     .chain((2..=1001).map(|line| (line, 4096)))
//!     .collect();
//! let parts = cut(&entries, 4, &CostModel::MEASURED);
//! assert_eq!(parts.len(), 4);
//! assert_eq!(parts[0].largest_file, 1 << 30); // the big file's partition comes first
//! let lines: u64 = parts.iter().map(|p| p.lines.len()).sum();
//! assert_eq!(lines, 1001);
//! assert!(LineSet::from_lines([3, 1, 2]).contains(2));
//! ```

use std::ops::Range;

/// A set of manifest line numbers (1-based), kept as sorted, disjoint,
/// non-adjacent ranges: a partition of consecutive lines costs one range.
///
/// ```
/// use checksig::partition::LineSet;
/// let set = LineSet::from_lines([5, 1, 2, 3, 9, 2]);
/// assert_eq!(set.ranges(), &[1..4, 5..6, 9..10]);
/// assert_eq!(set.len(), 5);
/// assert!(set.contains(3) && !set.contains(4));
/// assert_eq!(LineSet::from_ranges([1..3, 3..5]).ranges(), &[1..5]);
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineSet {
    ranges: Vec<Range<u64>>,
}

impl LineSet {
    /// The set of `lines` (any order, repeats ignored).
    pub fn from_lines(lines: impl IntoIterator<Item = u64>) -> LineSet {
        LineSet::from_ranges(lines.into_iter().map(|line| line..line.saturating_add(1)))
    }

    /// The union of `ranges` (half-open, any order, may overlap; empty ones ignored).
    pub fn from_ranges(ranges: impl IntoIterator<Item = Range<u64>>) -> LineSet {
        let mut sorted: Vec<Range<u64>> = ranges.into_iter().filter(|r| r.start < r.end).collect();
        sorted.sort_unstable_by_key(|r| r.start);
        let mut merged: Vec<Range<u64>> = Vec::with_capacity(sorted.len());
        for range in sorted {
            match merged.last_mut() {
                Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
                _ => merged.push(range),
            }
        }
        LineSet { ranges: merged }
    }

    /// The sorted, disjoint, non-adjacent ranges.
    pub fn ranges(&self) -> &[Range<u64>] {
        &self.ranges
    }

    /// How many lines.
    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|r| r.end - r.start).sum()
    }

    /// Whether no line is in the set.
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Whether `line` is in the set.
    pub fn contains(&self, line: u64) -> bool {
        let after = self.ranges.partition_point(|r| r.start <= line);
        after > 0 && line < self.ranges[after - 1].end
    }

    /// The lines, in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.ranges.iter().flat_map(|r| r.clone())
    }
}

/// How long a file takes to verify, as `bytes / bytes_per_second +
/// seconds_per_file`, on one worker thread.
///
/// ```
/// use checksig::partition::CostModel;
/// let model = CostModel::MEASURED;
/// assert!(model.seconds(0) > 0.0);
/// assert!(model.seconds(1 << 30) > 0.5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CostModel {
    /// Hashing rate of one thread, bytes per second.
    pub bytes_per_second: f64,
    /// What a file costs besides its bytes (open, stat, close, claim, report).
    pub seconds_per_file: f64,
}

impl CostModel {
    /// Measured on the project's two-core machine (BENCHMARKS.md, run T, warm
    /// page cache): SHA-1 with SHA-NI hashes 1.61 GB/s per core; 20,000
    /// files of 4 KiB took 0.100 s on two cores, 10 µs of a core per file, of
    /// which 2.5 µs is hashing 4 KiB, and 100,000 files of 16-800 bytes 6.7
    /// µs: so 7 µs per file. On a shared file system both are worse (an
    /// open is a round trip to a metadata server), but only their ratio
    /// shapes a plan: it decides how many small files weigh as much as a
    /// byte-heavy one.
    pub const MEASURED: CostModel = CostModel {
        bytes_per_second: 1.6e9,
        seconds_per_file: 7e-6,
    };

    /// The estimated time to verify one file of `bytes` on one thread.
    pub fn seconds(&self, bytes: u64) -> f64 {
        bytes as f64 / self.bytes_per_second + self.seconds_per_file
    }
}

impl Default for CostModel {
    fn default() -> CostModel {
        CostModel::MEASURED
    }
}

/// One partition of a plan: the lines one task verifies.
#[derive(Clone, Debug, PartialEq)]
pub struct Partition {
    /// Its manifest lines.
    pub lines: LineSet,
    /// The bytes of its files (as stat'ed when planned; 0 for a file that
    /// could not be).
    pub bytes: u64,
    /// Its largest file's size.
    pub largest_file: u64,
    /// The estimated seconds on one thread ([`CostModel::seconds`] summed).
    pub cost: f64,
}

/// Files at least this large are placed one by one, largest first, on the
/// cheapest partition (they dominate its cost); smaller ones are cut in
/// runs of consecutive lines, kind to directory caches and to [`LineSet`].
pub const PLACED_ONE_BY_ONE: u64 = 1024 * 1024;

/// Cuts `entries` (`(line, size)`, in manifest order) into at most `parts`
/// partitions of about equal cost: files of [`PLACED_ONE_BY_ONE`] and more
/// go largest first to the cheapest partition (longest processing time
/// first), then the small files, in manifest order, raise the cheapest
/// partitions to one level (a partition a big file put above it gets none). Partitions come back largest file first (ties:
/// costliest first), so that the task that bounds the run starts first;
/// none is empty.
pub fn cut(entries: &[(u64, u64)], parts: usize, model: &CostModel) -> Vec<Partition> {
    let parts = parts.clamp(1, entries.len().max(1));
    if entries.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<Vec<u64>> = vec![Vec::new(); parts];
    let mut cost = vec![0.0f64; parts];
    let mut big: Vec<&(u64, u64)> = entries
        .iter()
        .filter(|e| e.1 >= PLACED_ONE_BY_ONE)
        .collect();
    big.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    for &&(line, size) in &big {
        let cheapest = (0..parts)
            .min_by(|&a, &b| cost[a].total_cmp(&cost[b]))
            .expect("at least one partition");
        lines[cheapest].push(line);
        cost[cheapest] += model.seconds(size);
    }
    let small: Vec<&(u64, u64)> = entries.iter().filter(|e| e.1 < PLACED_ONE_BY_ONE).collect();
    // Water-filling: the small files raise the cheapest partitions to one
    // level; those the big files already put above it get none. What
    // rounding leaves goes to the cheapest.
    let small_total: f64 = small.iter().map(|e| model.seconds(e.1)).sum();
    let mut order: Vec<usize> = (0..parts).collect();
    order.sort_by(|&a, &b| cost[a].total_cmp(&cost[b]));
    let mut filled = parts;
    let mut level = 0.0;
    let mut below = 0.0;
    for (k, &part) in order.iter().enumerate() {
        below += cost[part];
        level = (small_total + below) / (k + 1) as f64;
        if order.get(k + 1).is_none_or(|&next| level <= cost[next]) {
            filled = k + 1;
            break;
        }
    }
    let mut next = small.into_iter();
    for &part in &order[..filled] {
        while cost[part] < level {
            let Some(&(line, size)) = next.next() else {
                break;
            };
            lines[part].push(line);
            cost[part] += model.seconds(size);
        }
    }
    for &(line, size) in next {
        let cheapest = (0..parts)
            .min_by(|&a, &b| cost[a].total_cmp(&cost[b]))
            .expect("at least one partition");
        lines[cheapest].push(line);
        cost[cheapest] += model.seconds(size);
    }
    let size_of = |line: u64| {
        entries
            .binary_search_by_key(&line, |e| e.0)
            .map_or(0, |i| entries[i].1)
    };
    let mut partitions: Vec<Partition> = lines
        .into_iter()
        .zip(cost)
        .filter(|(lines, _)| !lines.is_empty())
        .map(|(lines, cost)| {
            let sizes = lines.iter().map(|&line| size_of(line));
            Partition {
                bytes: sizes.clone().sum(),
                largest_file: sizes.max().unwrap_or(0),
                lines: LineSet::from_lines(lines),
                cost,
            }
        })
        .collect();
    partitions.sort_by(|a, b| {
        b.largest_file
            .cmp(&a.largest_file)
            .then(b.cost.total_cmp(&a.cost))
    });
    partitions
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_lines(parts: &[Partition]) -> Vec<u64> {
        let mut lines: Vec<u64> = parts.iter().flat_map(|p| p.lines.iter()).collect();
        lines.sort_unstable();
        lines
    }

    #[test]
    fn every_line_is_in_exactly_one_partition() {
        let entries: Vec<(u64, u64)> = (1..=500).map(|l| (l * 2, (l * 7919) % 3_000_000)).collect();
        for parts in [1, 2, 3, 8, 64, 1000] {
            let cut = cut(&entries, parts, &CostModel::MEASURED);
            assert!(cut.len() <= parts.min(500));
            assert!(cut.iter().all(|p| !p.lines.is_empty()));
            let expected: Vec<u64> = entries.iter().map(|e| e.0).collect();
            assert_eq!(all_lines(&cut), expected, "{parts} parts");
        }
    }

    #[test]
    fn big_files_are_spread_largest_first_and_bound_the_plan() {
        const M: u64 = 1 << 20;
        // Eight files of 128 MiB and one of 1 GiB over four partitions.
        let mut entries: Vec<(u64, u64)> = (1..=8).map(|l| (l, 128 * M)).collect();
        entries.push((9, 1024 * M));
        let cut = cut(&entries, 4, &CostModel::MEASURED);
        assert_eq!(cut.len(), 4);
        assert_eq!(cut[0].largest_file, 1024 * M);
        assert_eq!(
            cut[0].lines.ranges(),
            [std::ops::Range { start: 9, end: 10 }]
        );
        // The other three share the eight smaller files: 3, 3, 2.
        let mut counts: Vec<u64> = cut[1..].iter().map(|p| p.lines.len()).collect();
        counts.sort_unstable();
        assert_eq!(counts, [2, 3, 3]);
    }

    #[test]
    fn small_files_are_cut_in_runs_of_equal_cost() {
        let entries: Vec<(u64, u64)> = (1..=20_000).map(|l| (l, 4096)).collect();
        let cut = cut(&entries, 8, &CostModel::MEASURED);
        assert_eq!(cut.len(), 8);
        for part in &cut {
            assert_eq!(part.lines.ranges().len(), 1, "one run of lines each");
            assert!(
                (2400..=2600).contains(&part.lines.len()),
                "{}",
                part.lines.len()
            );
        }
    }

    #[test]
    fn a_mix_is_balanced_within_one_big_file() {
        const M: u64 = 1 << 20;
        let mut entries: Vec<(u64, u64)> = (1..=4000).map(|l| (l, 10_000)).collect();
        for l in (1..=4000).step_by(250) {
            entries[l as usize - 1].1 = 40 * M;
        }
        let model = CostModel::MEASURED;
        let cut = cut(&entries, 6, &model);
        let most = cut.iter().map(|p| p.cost).fold(0.0, f64::max);
        let least = cut.iter().map(|p| p.cost).fold(f64::MAX, f64::min);
        assert!(most - least <= model.seconds(40 * M), "{most} vs {least}");
    }

    #[test]
    fn no_entries_no_partitions() {
        assert!(cut(&[], 4, &CostModel::MEASURED).is_empty());
        assert_eq!(cut(&[(3, 0)], 0, &CostModel::MEASURED).len(), 1);
    }

    #[test]
    fn line_sets_merge_and_answer() {
        let set = LineSet::from_ranges([10..12, 1..3, 2..5, 12..13, 7..7]);
        assert_eq!(set.ranges(), &[1..5, 10..13]);
        assert_eq!(set.iter().collect::<Vec<_>>(), [1, 2, 3, 4, 10, 11, 12]);
        assert!(!set.contains(0) && !set.contains(5) && set.contains(12));
        assert!(LineSet::from_lines([]).is_empty());
        assert_eq!(LineSet::from_lines([u64::MAX]).len(), 0);
    }
}
