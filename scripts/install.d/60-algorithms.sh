#!/usr/bin/env bash
# Tools the differential tests of the other algorithms compare against:
# sha256sum, sha512sum and md5sum come with coreutils; b3sum is Debian's package.
set -euo pipefail
apt_install coreutils b3sum
