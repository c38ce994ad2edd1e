#!/usr/bin/env bash
# GNU coreutils (sha1sum, the differential tests' reference) and valgrind (leak checks).
set -euo pipefail
apt_install coreutils valgrind
