#!/usr/bin/env bash
# Installs the system tools the tests and benchmarks use (idempotent).
set -euo pipefail
need=()
for tool in sha1sum valgrind; do
    command -v "$tool" >/dev/null || need+=("$tool")
done
if [ ${#need[@]} -gt 0 ]; then
    pkgs=()
    for tool in "${need[@]}"; do
        case "$tool" in
            sha1sum) pkgs+=(coreutils) ;;
            *) pkgs+=("$tool") ;;
        esac
    done
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${pkgs[@]}"
fi
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt
