//! Criterion benchmarks: every hash function in memory, without the engine's
//! file I/O, to tell the hash functions' own speed from the engine's.
//!
//! ```sh
//! cargo bench --bench algorithms              # about six minutes
//! cargo bench --bench algorithms -- --test    # smoke run: each case once
//! ```
//!
//! Groups:
//! * `hash`: one 64 MiB buffer through [`Hasher::update`] in the pieces the
//!   engine feeds: 256 KiB (the read buffer of files below the mmap
//!   threshold) and 4 MiB (the window of mapped files).
//! * `message`: one 16 KiB message, in cache, digested whole
//!   ([`Hasher::new`], one update, [`Hasher::finalize`]), as each
//!   operation of `openssl speed -evp ALGO -bytes 16384` is: the case to
//!   set against OpenSSL's figures, where `hash` also streams its buffer
//!   from memory.
//! * `blake3_parallel`: the same buffer through
//!   [`Hasher::update_parallel`] on 1 and 2 threads, in pieces of 4, 16
//!   and 64 MiB (each call starts and joins its threads).
//!
//! `benches/algorithms.sh` runs this and the file-level comparison with the
//! GNU tools and `b3sum`.

use std::hint::black_box;
use std::time::Duration;

use checksig::{Algorithm, Hasher};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

mod common;
use common::{bytes, digest_message, MESSAGE};

const LEN: usize = 64 << 20;

fn data() -> Vec<u8> {
    bytes(LEN)
}

fn hash(c: &mut Criterion) {
    let bytes = data();
    let mut group = c.benchmark_group("hash");
    group.throughput(Throughput::Bytes(LEN as u64));
    for algorithm in Algorithm::ALL {
        for piece in [256 << 10, 4 << 20] {
            let id = BenchmarkId::new(algorithm.name(), format!("{} KiB pieces", piece >> 10));
            group.bench_with_input(id, &piece, |b, &piece| {
                b.iter(|| {
                    let mut hasher = Hasher::new(algorithm);
                    for chunk in bytes.chunks(piece) {
                        hasher.update(chunk);
                    }
                    black_box(hasher.finalize())
                })
            });
        }
    }
    group.finish();
}

fn message(c: &mut Criterion) {
    let message = bytes(MESSAGE);
    let mut group = c.benchmark_group("message");
    group.throughput(Throughput::Bytes(MESSAGE as u64));
    for algorithm in Algorithm::ALL {
        group.bench_function(algorithm.name(), |b| {
            b.iter(|| black_box(digest_message(algorithm, black_box(&message))))
        });
    }
    group.finish();
}

fn blake3_parallel(c: &mut Criterion) {
    let bytes = data();
    let mut group = c.benchmark_group("blake3_parallel");
    group.throughput(Throughput::Bytes(LEN as u64));
    for threads in [1, 2] {
        for piece in [4 << 20, 16 << 20, 64 << 20] {
            let id = BenchmarkId::new(
                format!("{threads} threads"),
                format!("{} MiB pieces", piece >> 20),
            );
            group.bench_with_input(id, &piece, |b, &piece| {
                b.iter(|| {
                    let mut hasher = Hasher::new(Algorithm::Blake3);
                    for chunk in bytes.chunks(piece) {
                        hasher.update_parallel(chunk, threads);
                    }
                    black_box(hasher.finalize())
                })
            });
        }
    }
    group.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(4));
    targets = hash, message, blake3_parallel
}
criterion_main!(benches);
