#!/usr/bin/env bash
# Signed manifests (issue 17): the real tools that made the fixtures in
# testdata/signatures/ (generate.sh) and that the tests compare against.
set -euo pipefail
apt_install gnupg minisign signify-openbsd openssh-client
