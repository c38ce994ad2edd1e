#!/usr/bin/env bash
# Reliability. The library's adversarial, property, fault and corpus-replay
# tests (tests/*.rs) run with every other Rust test in 10-rust.sh; this part
# replays every committed fuzz corpus, the C ABI and CLI targets included,
# through the fuzz targets' checks without libFuzzer (a stable build of the
# fuzz crate), and checks that the long-run scripts at least parse.
# Long runs: bash fuzz/run.sh SECONDS, bash scripts/stress.sh SECONDS.
set -euo pipefail
cd "$(dirname "$0")/../.."
rustfmt --edition 2021 --check fuzz/src/lib.rs fuzz/fuzz_targets/*.rs fuzz/tests/*.rs
cargo test -q --manifest-path fuzz/Cargo.toml
bash -n fuzz/run.sh
bash -n scripts/stress.sh
echo "reliability: corpus replay passed"
