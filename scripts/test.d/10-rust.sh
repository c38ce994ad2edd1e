#!/usr/bin/env bash
# Rust unit, integration and doc tests of every workspace crate; the
# rust-version against the dependencies'; what each crate would publish.
set -euo pipefail
cargo test --workspace --all-targets
# Signed manifests (off by default for the library).
cargo test -p checksig --features signatures
cargo test --workspace --doc
# Our rust-version stays at least every dependency's (clippy's
# incompatible_msrv lint holds our own code to it).
python3 scripts/check-msrv.py
# What each package holds, as crates.io would get it (listing only: the
# publish dry run at the end packages and builds them). The library ships
# its sources, README and licenses, never python/, scripts/ or testdata/.
listing=$(cargo package -p checksig --list --allow-dirty --offline)
for needed in LICENSE-MIT LICENSE-APACHE README.md src/lib.rs; do
    grep -qx "$needed" <<<"$listing" || { echo "checksig package lacks $needed" >&2; exit 1; }
done
if grep -E '^(python|scripts|testdata|benches|tests|capi|cli|fuzz|\.ci)/' <<<"$listing"; then
    echo "checksig package ships files a dependent does not need (above)" >&2
    exit 1
fi
cli_listing=$(cargo package -p checksig-cli --list --allow-dirty --offline)
for needed in LICENSE-MIT LICENSE-APACHE README.md src/main.rs; do
    grep -qx "$needed" <<<"$cli_listing" || { echo "checksig-cli package lacks $needed" >&2; exit 1; }
done
# The real publish dry run (issue 16): packages every publishable crate,
# builds each from its package alone, and checks the manifests crates.io
# would get (a few minutes; needs the crates.io index).
#
# Cargo builds the dependent crates against our packaged library, unpacked
# from a temporary local registry into $CARGO_HOME/registry/src/-<hash>/, and
# reuses an unpacked checksig-0.1.0 left there by an earlier run of the same
# checkout path: the dependents would then build against that run's sources
# (it failed so once, against a file since rewritten). Remove those first.
rm -rf "${CARGO_HOME:-$HOME/.cargo}"/registry/src/-*/checksig-[0-9]*
cargo publish --workspace --dry-run --allow-dirty --quiet
