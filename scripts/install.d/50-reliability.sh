#!/usr/bin/env bash
# Reliability: libfuzzer-sys compiles libFuzzer's C++ sources even for the
# corpus replay in scripts/test.d/50-reliability.sh, so it needs g++.
# (scripts/stress.sh also needs gcc and Python 3, which other parts install;
# fuzz/run.sh installs cargo-fuzz itself when it is first used.)
set -euo pipefail
apt_install g++
