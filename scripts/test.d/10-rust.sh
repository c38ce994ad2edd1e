#!/usr/bin/env bash
# Rust unit, integration and doc tests of every workspace crate.
set -euo pipefail
cargo test --workspace --all-targets
cargo test --workspace --doc
