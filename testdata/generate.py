#!/usr/bin/env python3
"""Writes testdata/logs: ten synthetic httpd logs and a sha1sum.txt in which
exactly one digest (httpd-08.log's) is wrong, like the article's sample.

Deterministic: running it again rewrites the same bytes. Run from anywhere:
    python3 testdata/generate.py
"""

import hashlib
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOGS = HERE / "logs"
PATHS = ["/", "/index.html", "/about", "/api/v1/items", "/static/app.js", "/login", "/favicon.ico"]
AGENTS = ["curl/8.5.0", "Mozilla/5.0 (X11; Linux x86_64)", "python-requests/2.31", "Wget/1.21"]


def log_lines(rng: random.Random, count: int):
    for second in range(count):
        ip = ".".join(str(rng.randint(1, 254)) for _ in range(4))
        status = rng.choice([200, 200, 200, 304, 404, 500])
        size = rng.randint(120, 90000)
        path = rng.choice(PATHS)
        agent = rng.choice(AGENTS)
        minute, sec = divmod(second, 60)
        hour, minute = divmod(minute, 60)
        yield (
            f'{ip} - - [24/Nov/2026:{hour % 24:02d}:{minute:02d}:{sec:02d} +0000] '
            f'"GET {path} HTTP/1.1" {status} {size} "-" "{agent}"\n'
        )


def main() -> None:
    LOGS.mkdir(exist_ok=True)
    manifest = []
    for index in range(10):
        rng = random.Random(index)
        data = "".join(log_lines(rng, 1000 + 7 * index)).encode()
        name = f"httpd-{index:02d}.log"
        (LOGS / name).write_bytes(data)
        digest = hashlib.sha1(data).hexdigest()
        if index == 8:
            # The deliberate mismatch: the digest of different content.
            digest = hashlib.sha1(data + b"tampered\n").hexdigest()
        manifest.append(f"{digest}  {name}\n")
    (LOGS / "sha1sum.txt").write_text("".join(manifest))


if __name__ == "__main__":
    main()
