#!/usr/bin/env python3
"""Checks that the workspace's `rust-version` is true: no dependency in
Cargo.lock that a build of our crates on Linux compiles (normal and build
dependencies, transitively) declares a higher one. A dependency update that
raises its own minimum Rust then fails the test suite, instead of leaving
our `rust-version` a promise that `cargo build` breaks. Dev-dependencies
(proptest, criterion...) only build our own tests, never a dependent's
build, so they are reported but not held to it.

Usage: scripts/check-msrv.py [--offline]   (from the repository's root)
Prints the highest dependency rust-version and the packages that set it.
"""

import json
import subprocess
import sys

TARGET = "x86_64-unknown-linux-gnu"


def version_key(text):
    """'1.85' or '1.85.0' -> (1, 85, 0)."""
    parts = [int(p) for p in text.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


def built_for_dependents(metadata, members):
    """Package ids reached from the workspace's crates through normal and
    build dependencies on Linux (the resolve graph is already filtered by
    platform, so no windows-sys and the like)."""
    nodes = {node["id"]: node for node in metadata["resolve"]["nodes"]}
    seen, todo = set(), list(members)
    while todo:
        for dep in nodes[todo.pop()]["deps"]:
            kinds = {kind["kind"] for kind in dep["dep_kinds"]}
            if kinds & {None, "build"} and dep["pkg"] not in seen:
                seen.add(dep["pkg"])
                todo.append(dep["pkg"])
    return seen - members


def main():
    command = ["cargo", "metadata", "--format-version", "1", "--locked",
               "--filter-platform", TARGET]
    command += [a for a in sys.argv[1:] if a == "--offline"]
    metadata = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
    members = set(metadata["workspace_members"])
    built = built_for_dependents(metadata, members)
    ours, deps, dev = {}, {}, {}
    for package in metadata["packages"]:
        rust = package.get("rust_version")
        name = f'{package["name"]} {package["version"]}'
        if package["id"] in members:
            ours[package["name"]] = rust
        elif rust and package["id"] in built:
            deps[name] = rust
        elif rust:
            dev[name] = rust
    if not ours or None in ours.values():
        sys.exit(f"check-msrv: every workspace crate needs a rust-version: {ours}")
    floor = min(ours.values(), key=version_key)
    highest = max(deps.values(), key=version_key)
    setters = sorted(name for name, rust in deps.items() if rust == highest)
    print(f"check-msrv: ours {floor}; highest of {len(deps)} dependencies {highest} ({', '.join(setters)})")
    if dev:
        top = max(dev.values(), key=version_key)
        print(f"check-msrv: the tests' dev-dependencies need up to {top}")
    too_new = sorted(f"{name} needs {rust}" for name, rust in deps.items()
                     if version_key(rust) > version_key(floor))
    if too_new:
        sys.exit("check-msrv: dependencies need a newer Rust than our rust-version "
                 f"{floor}: raise it in Cargo.toml ([workspace.package]) or pin them:\n  "
                 + "\n  ".join(too_new))


if __name__ == "__main__":
    main()
