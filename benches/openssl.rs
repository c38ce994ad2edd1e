//! checksig against OpenSSL in one process, in turns: the comparison of
//! issue 18's speed target ("within 5% of `openssl speed` on one core"),
//! made so that a shared host's slow moments fall on both sides alike.
//!
//! ```sh
//! taskset -c 1 cargo bench --bench openssl        # 15 rounds, pinned
//! cargo bench --bench openssl --no-run   # or run the binary it names:
//! taskset -c 1 target/release/deps/openssl-HASH ROUNDS [NAME...]
//! ```
//!
//! Under `cargo test` it runs one round: a check that each digest is
//! OpenSSL's, and that the benchmark runs.
//!
//! OpenSSL's libcrypto (`libcrypto.so.3`) is loaded at run time, so that
//! nothing is linked against it and a machine without it only skips this
//! benchmark. For each algorithm that both have, each side digests one
//! cached 16 KiB message at a time: OpenSSL with `EVP_Digest`, the call
//! `openssl speed -evp ALGO -bytes 16384` times, and checksig with
//! `common::digest_message` (`Hasher::new`, `update`, `finalize`). For
//! ROUNDS rounds, each side gets a turn of 50 ms, the one to go first
//! alternating. Printed per algorithm, in MB/s (10^6 bytes, `openssl
//! speed`'s unit): each side's best turn, the ratio of the bests, and the
//! median of the rounds' ratios. Before timing, the two digests of the
//! message are compared, so that both compute the same function.

use std::ffi::{c_char, c_int, c_uint, c_void, CStr};
use std::hint::black_box;
use std::time::{Duration, Instant};

use checksig::algorithm::Blake2bLen;
use checksig::Algorithm;

mod common;
use common::{bytes, digest_message, MESSAGE};

/// One turn. Long enough that timing one turn costs nothing, short enough
/// that both sides of a round see the same host.
const TURN: Duration = Duration::from_millis(50);

type GetDigestByName = unsafe extern "C" fn(*const c_char) -> *const c_void;
type EvpDigest = unsafe extern "C" fn(
    *const c_void,
    usize,
    *mut u8,
    *mut c_uint,
    *const c_void,
    *mut c_void,
) -> c_int;

/// The two entry points of libcrypto this needs.
struct Libcrypto {
    get_digest_by_name: GetDigestByName,
    digest: EvpDigest,
}

impl Libcrypto {
    fn load() -> Option<Libcrypto> {
        // SAFETY: dlopen and dlsym with NUL-terminated names; each symbol
        // is cast to the type OpenSSL 3's <openssl/evp.h> declares for it.
        // The library stays loaded for the life of the process.
        unsafe {
            let handle = [c"libcrypto.so.3", c"libcrypto.so"]
                .iter()
                .map(|name| libc::dlopen(name.as_ptr(), libc::RTLD_NOW))
                .find(|handle| !handle.is_null())?;
            let symbol = |name: &CStr| {
                let address = libc::dlsym(handle, name.as_ptr());
                (!address.is_null()).then_some(address)
            };
            Some(Libcrypto {
                get_digest_by_name: std::mem::transmute::<*mut c_void, GetDigestByName>(symbol(
                    c"EVP_get_digestbyname",
                )?),
                digest: std::mem::transmute::<*mut c_void, EvpDigest>(symbol(c"EVP_Digest")?),
            })
        }
    }

    /// libcrypto's digest named `name`, if it has it.
    fn md(&self, name: &CStr) -> Option<Md> {
        // SAFETY: `name` is NUL-terminated; the result is a static table
        // entry or null.
        let md = unsafe { (self.get_digest_by_name)(name.as_ptr()) };
        (!md.is_null()).then_some(Md(md))
    }

    /// OpenSSL's digest of `message` into `out`: its length, or `None` if
    /// libcrypto refuses.
    fn digest(&self, md: Md, message: &[u8], out: &mut [u8; 64]) -> Option<usize> {
        let mut len: c_uint = 0;
        // SAFETY: `message` is readable for its length, `out` holds any
        // digest's default length (EVP_MAX_MD_SIZE), `md` came from
        // libcrypto, and a null ENGINE is the default.
        let ok = unsafe {
            (self.digest)(
                message.as_ptr().cast(),
                message.len(),
                out.as_mut_ptr(),
                &mut len,
                md.0,
                std::ptr::null_mut(),
            )
        };
        (ok == 1).then_some(len as usize)
    }
}

/// A digest of libcrypto's (`const EVP_MD *`).
#[derive(Clone, Copy)]
struct Md(*const c_void);

/// OpenSSL's name for `algorithm`'s function, where OpenSSL has it.
fn openssl_name(algorithm: Algorithm) -> Option<&'static CStr> {
    Some(match algorithm {
        Algorithm::Md5 => c"MD5",
        Algorithm::Sha1 => c"SHA1",
        Algorithm::Sha224 => c"SHA224",
        Algorithm::Sha256 => c"SHA256",
        Algorithm::Sha384 => c"SHA384",
        Algorithm::Sha512 => c"SHA512",
        Algorithm::Sha3_224 => c"SHA3-224",
        Algorithm::Sha3_256 => c"SHA3-256",
        Algorithm::Sha3_384 => c"SHA3-384",
        Algorithm::Sha3_512 => c"SHA3-512",
        Algorithm::Blake2b(length) if length == Blake2bLen::FULL => c"BLAKE2B-512",
        Algorithm::Shake128 => c"SHAKE128",
        Algorithm::Shake256 => c"SHAKE256",
        Algorithm::Sm3 => c"SM3",
        _ => return None,
    })
}

/// Calls `digest` (one message) for one [`TURN`]; MB/s.
fn turn(mut digest: impl FnMut()) -> f64 {
    let start = Instant::now();
    let mut count = 0u64;
    while start.elapsed() < TURN {
        digest();
        count += 1;
    }
    (count * MESSAGE as u64) as f64 / start.elapsed().as_secs_f64() / 1e6
}

/// One algorithm's rounds: (OpenSSL's best, checksig's best, median of the
/// rounds' ratios).
fn compare(
    libcrypto: &Libcrypto,
    algorithm: Algorithm,
    md: Md,
    message: &[u8],
    rounds: usize,
) -> (f64, f64, f64) {
    let mut out = [0u8; 64];
    let (mut openssl_best, mut checksig_best) = (0f64, 0f64);
    let mut ratios = Vec::with_capacity(rounds);
    for round in 0..rounds {
        let mut openssl = || {
            turn(|| {
                black_box(libcrypto.digest(md, black_box(message), &mut out));
            })
        };
        let checksig = || {
            turn(|| {
                black_box(digest_message(algorithm, black_box(message)));
            })
        };
        let (o, c) = if round % 2 == 0 {
            let o = openssl();
            (o, checksig())
        } else {
            let c = checksig();
            (openssl(), c)
        };
        openssl_best = openssl_best.max(o);
        checksig_best = checksig_best.max(c);
        ratios.push(c / o);
    }
    ratios.sort_by(f64::total_cmp);
    (openssl_best, checksig_best, ratios[ratios.len() / 2])
}

fn main() {
    // A number is the rounds, a word an algorithm to keep. Without a
    // number, `cargo bench` (which passes `--bench`) gets 15 rounds and
    // `cargo test` one, a smoke run: each digest checked against OpenSSL's.
    let all: Vec<String> = std::env::args().skip(1).collect();
    let benching = all.iter().any(|arg| arg == "--bench");
    let args: Vec<String> = all
        .into_iter()
        .filter(|arg| !arg.starts_with('-'))
        .collect();
    let rounds = args
        .iter()
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(if benching { 15usize } else { 1 })
        .max(1);
    let only: Vec<&String> = args
        .iter()
        .filter(|arg| arg.parse::<usize>().is_err())
        .collect();
    let Some(libcrypto) = Libcrypto::load() else {
        println!("openssl: no libcrypto.so.3 on this machine; nothing to compare");
        return;
    };
    let message = bytes(MESSAGE);
    println!("{MESSAGE}-byte message, {rounds} rounds of {TURN:?} turns, MB/s");
    if cfg!(debug_assertions) {
        println!("(a debug build: the digests are checked, its speeds mean nothing)");
    }
    println!(
        "{:<10} {:>8} {:>8} {:>12} {:>14}",
        "algorithm", "OpenSSL", "checksig", "best/best", "median ratio"
    );
    for algorithm in Algorithm::ALL {
        if !only.is_empty() && !only.iter().any(|name| *name == algorithm.name()) {
            continue;
        }
        let Some(name) = openssl_name(algorithm) else {
            continue;
        };
        let Some(md) = libcrypto.md(name) else {
            println!("{:<10} (this libcrypto has no {name:?})", algorithm.name());
            continue;
        };
        let mut theirs = [0u8; 64];
        let Some(len) = libcrypto.digest(md, &message, &mut theirs) else {
            println!("{:<10} (this libcrypto refused {name:?})", algorithm.name());
            continue;
        };
        // SHAKE's default output length differs; the shorter is a prefix.
        let ours = digest_message(algorithm, &message);
        let common = ours.as_bytes().len().min(len);
        assert_eq!(
            ours.as_bytes()[..common],
            theirs[..common],
            "{}: the digests differ",
            algorithm.name()
        );
        let (openssl, checksig, median) = compare(&libcrypto, algorithm, md, &message, rounds);
        println!(
            "{:<10} {openssl:>8.0} {checksig:>8.0} {:>12.3} {median:>14.3}",
            algorithm.name(),
            checksig / openssl,
        );
    }
}
