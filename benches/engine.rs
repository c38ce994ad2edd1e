//! Criterion benchmarks: the naive reference against each design choice of
//! the engine on its own.
//!
//! ```sh
//! cargo bench --bench engine                     # default set, a few minutes
//! CHECKSIG_BENCH_FULL=1 cargo bench --bench engine   # adds 1 GiB and 100,000 files
//! cargo bench --bench engine -- --test           # smoke run: each case once
//! cargo test --benches                           # the same, as the test suite does
//! ```
//!
//! Groups (each compares `naive` with one step):
//! * `sha1`: hashing bytes in memory: portable `sha1_smol` vs RustCrypto `sha1`
//!   (SHA-NI where the CPU has it).
//! * `mmap_vs_read`: warm files, one thread, with and without mapping (files
//!   from `Limits::map_min` up are mapped; see src/engine/plan.rs for how it
//!   was chosen).
//! * `parallel_files`: many warm files, naive vs one worker vs all cores.
//! * `cold`: one evicted file (`posix_fadvise(DONTNEED)` before every run):
//!   naive vs reads through the page cache (the kernel's sequential
//!   read-ahead) vs mapped windows populated ahead by a second thread vs
//!   `O_DIRECT` reads by two threads a few buffers ahead of hashing vs the
//!   default (mapped, handing off to direct reads if fresh pages prove
//!   costly). The smoke run's 4 MiB file is too small for direct reads.
//!
//! Data sets are made once under `$CHECKSIG_BENCH_DIR` (default
//! `target/tmp/bench-data`) and reused.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use checksig::manifest::Manifest;
use checksig::{Algorithm, Verifier};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

const KIB: u64 = 1024;
const MIB: u64 = 1024 * KIB;
const GIB: u64 = 1024 * MIB;

fn full() -> bool {
    std::env::var_os("CHECKSIG_BENCH_FULL").is_some_and(|v| v != "0")
}

/// Criterion's test mode (`-- --test`, or `cargo test --benches`, which does
/// not pass `--bench`) runs each case once: keep its data small.
fn smoke() -> bool {
    let args: Vec<String> = std::env::args().collect();
    args.iter().any(|arg| arg == "--test") || !args.iter().any(|arg| arg == "--bench")
}

fn data_dir() -> PathBuf {
    std::env::var_os("CHECKSIG_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_TARGET_TMPDIR")).join("bench-data"))
}

/// `count` files of `size` bytes each with their `sha1sum.txt`, made once.
fn dataset(count: usize, size: u64) -> PathBuf {
    let dir = data_dir().join(format!("{count}x{size}"));
    let done = dir.join(".complete");
    if done.exists() {
        return dir;
    }
    std::fs::create_dir_all(&dir).unwrap();
    let block: Vec<u8> = (0..MIB)
        .map(|i| ((i * 2_654_435_761) >> 13) as u8)
        .collect();
    let mut manifest = Vec::new();
    for index in 0..count {
        let name = format!("f{index:06}");
        let mut hasher = checksig::Hasher::new(Algorithm::Sha1);
        let mut file = std::io::BufWriter::new(File::create(dir.join(&name)).unwrap());
        let mut left = size;
        let mut chunk_no = 0u64;
        while left > 0 {
            let mut chunk = block[..left.min(MIB) as usize].to_vec();
            // Every file and every MiB differs, so nothing is deduplicated.
            for (byte, stamp) in chunk
                .iter_mut()
                .zip((index as u64 ^ (chunk_no << 32)).to_le_bytes())
            {
                *byte ^= stamp;
            }
            hasher.update(&chunk);
            file.write_all(&chunk).unwrap();
            left -= chunk.len() as u64;
            chunk_no += 1;
        }
        file.flush().unwrap();
        writeln!(manifest, "{}  {name}", hasher.finalize()).unwrap();
    }
    std::fs::write(dir.join("sha1sum.txt"), manifest).unwrap();
    File::create(done).unwrap();
    dir
}

fn manifest_of(dir: &Path) -> Manifest {
    Manifest::parse(&std::fs::read(dir.join("sha1sum.txt")).unwrap())
}

fn naive(dir: &Path, manifest: &Manifest) {
    let verdicts = checksig::reference::verify(dir, manifest);
    assert!(verdicts.iter().all(|v| *v == Some(true)));
}

fn ours(verifier: &Verifier, dir: &Path, manifest: &Manifest) {
    let report = verifier.verify_manifest(dir, manifest).unwrap();
    assert!(report.is_ok(), "{}", report.summary());
}

/// Drops the files' pages from the page cache.
fn evict(dir: &Path) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let file = File::open(entry.unwrap().path()).unwrap();
        rustix::fs::fadvise(&file, 0, None, rustix::fs::Advice::DontNeed).unwrap();
    }
}

fn sha1(c: &mut Criterion) {
    let mut group = c.benchmark_group("sha1");
    for size in [4 * KIB, MIB] {
        let bytes = vec![0x5a; size as usize];
        group.throughput(Throughput::Bytes(size));
        group.bench_with_input(
            BenchmarkId::new("naive_sha1_smol", size),
            &bytes,
            |b, bytes| b.iter(|| checksig::reference::sha1(bytes)),
        );
        group.bench_with_input(
            BenchmarkId::new(checksig::backend_of(Algorithm::Sha1), size),
            &bytes,
            |b, bytes| b.iter(|| checksig::hash_bytes(Algorithm::Sha1, bytes)),
        );
    }
    group.finish();
}

fn mmap_vs_read(c: &mut Criterion) {
    let mut group = c.benchmark_group("mmap_vs_read");
    // One file (which stays in the CPU caches between runs), then 256 MiB
    // spread over files of the same size (which comes from DRAM, as in real
    // use): the copy that reading costs depends on where the bytes are.
    let mut shapes = vec![
        (1, 64 * KIB),
        (1, 256 * KIB),
        (1, MIB),
        (1, 4 * MIB),
        (1, 64 * MIB),
        (1024, 256 * KIB),
        (256, MIB),
        (64, 4 * MIB),
        (16, 16 * MIB),
    ];
    if full() {
        shapes.push((1, GIB));
    }
    if smoke() {
        shapes.truncate(3);
    }
    for (count, size) in shapes {
        let dir = dataset(count, size);
        let manifest = manifest_of(&dir);
        let id = format!("{count}x{size}");
        group.throughput(Throughput::Bytes(count as u64 * size));
        if count == 1 {
            group.bench_function(BenchmarkId::new("naive", &id), |b| {
                b.iter(|| naive(&dir, &manifest))
            });
        }
        for mmap in [false, true] {
            let verifier = Verifier::new().threads(1).mmap(mmap);
            let name = if mmap { "mmap_on" } else { "read_only" };
            group.bench_function(BenchmarkId::new(name, &id), |b| {
                b.iter(|| ours(&verifier, &dir, &manifest))
            });
        }
    }
    group.finish();
}

fn parallel_files(c: &mut Criterion) {
    let mut group = c.benchmark_group("parallel_files");
    let mut shapes = vec![
        (1, 4 * KIB),
        (100, 64 * KIB),
        (10_000, 4 * KIB),
        (8, 16 * MIB),
    ];
    if full() {
        shapes.extend([(100_000, KIB), (20_000, 4 * KIB), (8, 128 * MIB)]);
    }
    if smoke() {
        shapes.truncate(2);
    }
    for (count, size) in shapes {
        let dir = dataset(count, size);
        let manifest = manifest_of(&dir);
        let id = format!("{count}x{size}");
        group.throughput(Throughput::Bytes(count as u64 * size));
        group.bench_function(BenchmarkId::new("naive", &id), |b| {
            b.iter(|| naive(&dir, &manifest))
        });
        for threads in [1, 0] {
            let verifier = Verifier::new().threads(threads);
            let name = if threads == 1 {
                "one_worker"
            } else {
                "all_cores"
            };
            group.bench_function(BenchmarkId::new(name, &id), |b| {
                b.iter(|| ours(&verifier, &dir, &manifest))
            });
        }
    }
    group.finish();
}

fn cold(c: &mut Criterion) {
    let mut group = c.benchmark_group("cold");
    let size = if full() {
        GIB
    } else if smoke() {
        4 * MIB
    } else {
        256 * MIB
    };
    let dir = dataset(1, size);
    let manifest = manifest_of(&dir);
    group.throughput(Throughput::Bytes(size));
    group.bench_function(BenchmarkId::new("naive", size), |b| {
        b.iter_batched(
            || evict(&dir),
            |()| naive(&dir, &manifest),
            criterion::BatchSize::PerIteration,
        )
    });
    for (name, mmap, direct_io) in [
        ("read", false, false),
        ("mapped_prefetch", true, false),
        ("direct", false, true),
        ("default", true, true),
    ] {
        let verifier = Verifier::new().threads(1).mmap(mmap).direct_io(direct_io);
        group.bench_function(BenchmarkId::new(name, size), |b| {
            b.iter_batched(
                || evict(&dir),
                |()| ours(&verifier, &dir, &manifest),
                criterion::BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

fn config() -> Criterion {
    // Short runs: the cases are long and the default set must stay minutes.
    Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
}

criterion_group! {
    name = benches;
    config = config();
    targets = sha1, mmap_vs_read, parallel_files, cold
}
criterion_main!(benches);
