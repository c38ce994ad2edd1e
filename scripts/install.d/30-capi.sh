#!/usr/bin/env bash
# C ABI tests: C and C++ compilers for the example, the ABI tests and the
# header check; valgrind for the leak check; pkg-config and readelf (binutils)
# for the test of scripts/install-c.sh.
set -euo pipefail
apt_install gcc g++ libc6-dev valgrind pkg-config binutils
