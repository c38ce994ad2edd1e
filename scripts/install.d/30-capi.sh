#!/usr/bin/env bash
# C ABI tests: a C compiler for the example and the ABI tests, valgrind for the leak check.
set -euo pipefail
apt_install gcc libc6-dev valgrind
