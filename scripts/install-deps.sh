#!/usr/bin/env bash
# Installs what the tests need (idempotent): Rust components, then each part in
# scripts/install.d/*.sh (one per area of the project).
set -euo pipefail
cd "$(dirname "$0")/.."
rustup component list --installed 2>/dev/null | grep -q clippy || rustup component add clippy rustfmt

# apt_install PKG...: installs the Debian packages that are not installed yet.
apt_install() {
    local missing=()
    for pkg in "$@"; do
        dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}"
}
export -f apt_install

for part in scripts/install.d/*.sh; do
    [ -e "$part" ] || continue
    echo "==> ${part}"
    bash "$part"
done
