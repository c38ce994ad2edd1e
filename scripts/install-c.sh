#!/usr/bin/env bash
# Installs the C library under PREFIX (default /usr/local):
#
#   PREFIX/include/checksig.h
#   PREFIX/lib/libchecksig.so.X.Y.Z         the shared library, SONAME libchecksig.so.X.Y
#   PREFIX/lib/libchecksig.so.X.Y -> libchecksig.so.X.Y.Z
#   PREFIX/lib/libchecksig.so     -> libchecksig.so.X.Y   (what -lchecksig links)
#   PREFIX/lib/libchecksig.a                 the static library
#   PREFIX/lib/libchecksig_capi.{so,a}       links for the old -lchecksig_capi
#   PREFIX/lib/pkgconfig/checksig.pc
#
# usage: scripts/install-c.sh [PREFIX]
#   LIBDIR  where the libraries go (default PREFIX/lib; e.g. PREFIX/lib64 or
#           PREFIX/lib/x86_64-linux-gnu to match the distribution)
#   DESTDIR staging root for packagers: files go to DESTDIR/PREFIX/..., while
#           checksig.pc names PREFIX.
#
# The SONAME follows Cargo's semver rules: below 1.0 a new minor version may
# break the ABI, so 0.1.z is libchecksig.so.0.1 (1.y.z would be
# libchecksig.so.1). Programs linked against it load any later 0.1.z.
#
# Why not cargo-c's `cargo cinstall`: it is the ecosystem's tool for exactly
# this, but it builds Cargo itself (some 400 crates): on this project's
# 2-core machine it had not finished after 9 minutes, and its newest release
# needs a newer Rust than the one pinned here. What it would do fits here.
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${1:-/usr/local}"
case "$prefix" in
/*) ;;
*) prefix="$(pwd)/$prefix" ;;
esac
libdir="${LIBDIR:-$prefix/lib}"
includedir="$prefix/include"
stage="${DESTDIR:-}"

version="$(cargo pkgid -p checksig-capi | sed 's/.*[#@]//')"
major="${version%%.*}"
minor_patch="${version#*.}"
minor="${minor_patch%%.*}"
if [ "$major" = 0 ]; then
    series="0.$minor"
else
    series="$major"
fi
soname="libchecksig.so.$series"

# Release build of the C ABI crate with its SONAME (the cdylib only; the
# staticlib is an archive and has none). Only this crate is rebuilt when the
# flag changes: the core and dependencies are shared with other release builds.
cargo rustc -q -p checksig-capi --release --lib -- -C "link-arg=-Wl,-soname,$soname"
built="$(realpath "${CARGO_TARGET_DIR:-target}/release")"

install -d "$stage$includedir" "$stage$libdir/pkgconfig"
install -m 644 include/checksig.h "$stage$includedir/checksig.h"
install -m 755 "$built/libchecksig_capi.so" "$stage$libdir/libchecksig.so.$version"
install -m 644 "$built/libchecksig_capi.a" "$stage$libdir/libchecksig.a"
ln -sfn "libchecksig.so.$version" "$stage$libdir/$soname"
ln -sfn "$soname" "$stage$libdir/libchecksig.so"
# The build tree's name, as the README used to link it (-lchecksig_capi).
ln -sfn "$soname" "$stage$libdir/libchecksig_capi.so"
ln -sfn libchecksig.a "$stage$libdir/libchecksig_capi.a"

# Libs.private: what a static link needs besides the archive (Rust's standard
# library on Linux, as `rustc --print native-static-libs` lists it).
cat >"$stage$libdir/pkgconfig/checksig.pc" <<EOF
prefix=$prefix
libdir=$libdir
includedir=$includedir

Name: checksig
Description: Verify a directory of files against its checksum manifest (sha1sum.txt, SHA256SUMS...)
Version: $version
Libs: -L\${libdir} -lchecksig
Libs.private: -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc
Cflags: -I\${includedir}
EOF

echo "installed checksig $version under $stage$prefix (SONAME $soname)"
