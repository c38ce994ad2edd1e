#!/usr/bin/env bash
# C ABI: the checked-in header is what cbindgen generates; the C examples and
# the ABI tests compile with -Wall -Wextra -Werror against the shared and the
# static library and pass; the hash example prints what sha1sum...b3sum print;
# under valgrind, many verify() calls (failures included) leak 0 bytes
# ("definitely lost"); scripts/install-c.sh installs a library with a SONAME,
# the static library, the header and a pkg-config file with which the example
# builds and runs without LD_LIBRARY_PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
lib="$(realpath -m "$target/debug")"  # absolute: the examples also run from other directories

cargo build -p checksig-capi
cargo test -q -p checksig-capi --test header

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -Iinclude)
installed_cflags=(-std=c11 -Wall -Wextra -Werror -pedantic)  # the header from pkg-config
g++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ include/checksig.h  # usable from C++
for example in checksig_verify checksig_hash checksig_sidecar; do
    gcc "${cflags[@]}" "examples/$example.c" -L"$lib" -lchecksig_capi -o "$work/$example"
done
gcc "${cflags[@]}" capi/tests/c/abi_test.c -L"$lib" -lchecksig_capi -lpthread -o "$work/abi_test"
gcc "${cflags[@]}" capi/tests/c/abi_test.c "$lib/libchecksig_capi.a" -lpthread -ldl -lm \
    -o "$work/abi_test_static"
# Linked statically, a C program takes every object of the library as it is:
# none may ask for an executable stack (the SHA-3 assembly object did, until
# .cargo/config.toml had it assembled with --noexecstack).
if readelf -lW "$work/abi_test_static" | grep GNU_STACK | grep -q RWE; then
    echo "a program linked with libchecksig_capi.a has an executable stack:" >&2
    readelf -lW "$work/abi_test_static" | grep GNU_STACK >&2
    exit 1
fi
# Signed manifests (issue 17), against the fixtures in testdata/signatures.
gcc "${cflags[@]}" capi/tests/c/signatures_test.c -L"$lib" -lchecksig_capi -o "$work/signatures_test"
export LD_LIBRARY_PATH="$lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"

# The article's sample shape: ten logs and their sha1sum.txt; a copy with one bad digest.
mkdir "$work/logs"
for i in 0 1 2 3 4 5 6 7 8 9; do
    seq 1 $((1000 * (i + 1))) | sed "s/^/GET \/page\/$i /" >"$work/logs/httpd-0$i.log"
done
(cd "$work/logs" && sha1sum httpd-0*.log >sha1sum.txt)
cp -r "$work/logs" "$work/bad"
sed -i 's/^[0-9a-f]\{40\}  httpd-08.log$/0000000000000000000000000000000000000000  httpd-08.log/' \
    "$work/bad/sha1sum.txt"

echo "--- C example on a correct directory"
"$work/checksig_verify" "$work/logs" | tee "$work/good.out"
grep -qx 'verify: OK' "$work/good.out"

echo "--- C example on a directory with one bad digest"
status=0
"$work/checksig_verify" "$work/bad" >"$work/bad.out" || status=$?
cat "$work/bad.out"
[ "$status" -eq 1 ] || { echo "expected exit status 1, got $status"; exit 1; }
grep -qxF "verify: \"$work/bad/httpd-08.log\" - mismatch" "$work/bad.out"

echo "--- C hash example: byte for byte what GNU's tools print (names with blanks and newlines too)"
(
    cd "$work/logs"
    printf 'x' >'with space.log'
    printf 'y' >'new
line.log'
    for algo in sha1:sha1sum sha256:sha256sum sha512:sha512sum md5:md5sum blake3:b3sum; do
        tool="${algo#*:}"
        command -v "$tool" >/dev/null || { echo "$tool not installed: skipped"; continue; }
        "$tool" ./*.log >"$work/want.$tool"
        "$work/checksig_hash" -a "${algo%%:*}" ./*.log >"$work/got.$tool"
        cmp "$work/want.$tool" "$work/got.$tool"
        if [ "$tool" != b3sum ]; then
            "$tool" --tag ./*.log >"$work/want.$tool"
            "$work/checksig_hash" -a "${algo%%:*}" --tag ./*.log >"$work/got.$tool"
            cmp "$work/want.$tool" "$work/got.$tool"
        fi
        echo "$tool: identical"
    done
    rm 'with space.log' 'new
line.log'
    status=0
    "$work/checksig_hash" httpd-00.log missing.log >/dev/null 2>"$work/hash.err" || status=$?
    [ "$status" -eq 1 ] || { echo "checksig_hash: expected exit status 1, got $status"; exit 1; }
    grep -qx 'checksig_hash: open missing.log: no such file or directory' "$work/hash.err"
)

echo "--- C sidecar example: dl/file.iso.sha256 checks dl/file.iso"
mkdir "$work/dl"
cp "$work/logs/httpd-00.log" "$work/dl/file.iso"
(cd "$work/dl" && sha256sum file.iso | cut -c1-64 >file.iso.sha256 && md5sum file.iso | cut -c1-32 >file.iso.MD5)
echo 0000000000000000000000000000000000000000000000000000000000000000 >"$work/dl/bad.iso.sha256"
cp "$work/dl/file.iso" "$work/dl/bad.iso"
"$work/checksig_sidecar" "$work/dl/file.iso.sha256" "$work/dl/file.iso.MD5" | tee "$work/sidecar.out"
[ "$(grep -cx "$work/dl/file.iso: OK" "$work/sidecar.out")" -eq 2 ]
status=0
"$work/checksig_sidecar" "$work/dl/bad.iso.sha256" >"$work/sidecar.out" || status=$?
cat "$work/sidecar.out"
[ "$status" -eq 1 ] || { echo "checksig_sidecar: expected exit status 1, got $status"; exit 1; }
grep -qx "$work/dl/bad.iso: FAILED" "$work/sidecar.out"

echo "--- install-c.sh: the installed library, linked through pkg-config"
prefix="$work/prefix"
scripts/install-c.sh "$prefix"
(cd "$prefix" && find . | sort)
soname="$(readelf -d "$prefix"/lib/libchecksig.so.*.*.* | grep SONAME)"
echo "$soname"
grep -qF '[libchecksig.so.0.1]' <<<"$soname" || { echo "wrong or no SONAME"; exit 1; }
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
pkg-config --exists --print-errors checksig
[ "$(pkg-config --modversion checksig)" = "$(cargo pkgid -p checksig-capi | sed 's/.*[#@]//')" ]
# The rpath stands for ldconfig (or a system directory), as the README says.
# shellcheck disable=SC2046 # pkg-config's flags are meant to split
gcc "${installed_cflags[@]}" examples/checksig_verify.c $(pkg-config --cflags --libs checksig) \
    -Wl,-rpath,"$prefix/lib" -o "$work/installed_verify"
readelf -d "$work/installed_verify" | grep NEEDED | grep -qF '[libchecksig.so.0.1]'
# Static: the archive and pkg-config's private libraries; nothing of ours loaded at run time.
static_libs="$(pkg-config --static --libs-only-l checksig)"
# shellcheck disable=SC2086 # a list of -l flags
gcc "${installed_cflags[@]}" $(pkg-config --cflags checksig) examples/checksig_verify.c \
    "$(pkg-config --variable=libdir checksig)/libchecksig.a" ${static_libs//-lchecksig /} \
    -o "$work/installed_verify_static"
if readelf -d "$work/installed_verify_static" | grep NEEDED | grep -q checksig; then
    echo "the static build loads libchecksig"
    exit 1
fi
# The build tree's name keeps linking against the installed library.
gcc "${cflags[@]}" examples/checksig_verify.c -L"$prefix/lib" -lchecksig_capi \
    -Wl,-rpath,"$prefix/lib" -o "$work/installed_verify_compat"
for binary in installed_verify installed_verify_static installed_verify_compat; do
    env -u LD_LIBRARY_PATH "$work/$binary" "$work/logs" >"$work/installed.out"
    grep -qx 'verify: OK' "$work/installed.out"
    status=0
    env -u LD_LIBRARY_PATH "$work/$binary" "$work/bad" >"$work/installed.out" || status=$?
    [ "$status" -eq 1 ] || { echo "$binary: expected exit status 1, got $status"; exit 1; }
    grep -qxF "verify: \"$work/bad/httpd-08.log\" - mismatch" "$work/installed.out"
    echo "$binary: runs without LD_LIBRARY_PATH"
done
unset PKG_CONFIG_PATH

echo "--- ABI tests (shared, then static library)"
"$work/abi_test"
"$work/abi_test_static"
"$work/signatures_test"

echo "--- leak check: valgrind over many verify() calls, failures included"
leak_check() {
    local log="$1"
    shift
    local status=0
    valgrind --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite \
        --error-exitcode=99 --log-file="$log.%p" "$@" >"$log.stdout" || status=$?
    tail -n 1 "$log.stdout"
    grep -h -E 'definitely lost|ERROR SUMMARY' "$log".*
    if [ "$status" -eq 99 ]; then
        cat "$log".*
        echo "valgrind found errors or definite leaks"
        exit 1
    fi
    return "$status"
}
leak_check "$work/vg-abi" "$work/abi_test" 30
status=0
leak_check "$work/vg-example" "$work/checksig_verify" "$work/bad" || status=$?
[ "$status" -eq 1 ] || { echo "example under valgrind: expected exit status 1, got $status"; exit 1; }
echo "C ABI: all checks passed"
