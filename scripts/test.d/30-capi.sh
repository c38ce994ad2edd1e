#!/usr/bin/env bash
# C ABI: the checked-in header is what cbindgen generates; the C example and
# the ABI tests compile with -Wall -Wextra -Werror against the shared and the
# static library and pass; under valgrind, many verify() calls (failures
# included) leak 0 bytes ("definitely lost").
set -euo pipefail
cd "$(dirname "$0")/../.."
target="${CARGO_TARGET_DIR:-target}"
lib="$target/debug"

cargo build -p checksig-capi
cargo test -q -p checksig-capi --test header

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cflags=(-std=c11 -Wall -Wextra -Werror -pedantic -Iinclude)
g++ -std=c++11 -Wall -Wextra -Werror -fsyntax-only -x c++ include/checksig.h  # usable from C++
gcc "${cflags[@]}" examples/checksig_verify.c -L"$lib" -lchecksig_capi -o "$work/checksig_verify"
gcc "${cflags[@]}" capi/tests/c/abi_test.c -L"$lib" -lchecksig_capi -lpthread -o "$work/abi_test"
gcc "${cflags[@]}" capi/tests/c/abi_test.c "$lib/libchecksig_capi.a" -lpthread -ldl -lm \
    -o "$work/abi_test_static"
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

echo "--- ABI tests (shared, then static library)"
"$work/abi_test"
"$work/abi_test_static"

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
