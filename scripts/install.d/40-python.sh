#!/usr/bin/env bash
# Python package tests: python3 with venv and pip (the tests make their own
# virtual environments and install setuptools-rust, build and pytest from PyPI).
set -euo pipefail
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3 python3-venv python3-pip
fi
