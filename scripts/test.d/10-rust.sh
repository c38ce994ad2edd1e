#!/usr/bin/env bash
# Rust unit, integration and doc tests of every workspace crate.
set -euo pipefail
cargo test --workspace --all-targets
# Signed manifests (off by default for the library).
cargo test -p checksig --features signatures
cargo test --workspace --doc
