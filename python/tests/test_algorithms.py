"""Other algorithms, detection, unlisted files (issue 6)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

import pytest

import checksig

BLAKE3_ABC = "6437b3ac38465133ffb63b75273a8db548c558465d79db03fd359c6cd5bd9d85"


def test_hash_file_every_algorithm(tmp_path: Path):
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    for name in ("sha1", "sha256", "sha512", "md5"):
        assert checksig.hash_file(path, name) == hashlib.new(name, b"abc").hexdigest()
    assert checksig.hash_file(path, "blake3") == BLAKE3_ABC
    assert checksig.hash_file(path, "SHA-256") == hashlib.sha256(b"abc").hexdigest()
    with pytest.raises(ValueError, match="unknown algorithm"):
        checksig.hash_file(path, "sha3")


@pytest.mark.parametrize("name", ["sha256", "sha512", "md5"])
def test_detected_from_digest_length(tmp_path: Path, name: str):
    (tmp_path / "a").write_bytes(b"a")
    (tmp_path / "b").write_bytes(b"b")
    digest = hashlib.new(name, b"a").hexdigest()
    sha1_line = hashlib.sha1(b"b").hexdigest() + "  b\n"
    (tmp_path / "sums").write_text(f"{digest}  a\n{sha1_line}")
    report = checksig.verify(tmp_path, manifest="sums")
    # As GNU's tool for the first line's algorithm: the SHA-1 line is malformed.
    assert [e.status for e in report] == [checksig.Status.OK, checksig.Status.MALFORMED]
    forced = checksig.verify(tmp_path, manifest="sums", algorithm="sha1")
    assert [e.status for e in forced] == [checksig.Status.MALFORMED, checksig.Status.OK]


def test_blake3_by_file_name_or_forced(tmp_path: Path):
    (tmp_path / "abc").write_bytes(b"abc")
    (tmp_path / "B3SUMS").write_text(f"{BLAKE3_ABC}  abc\n")
    assert checksig.verify(tmp_path, manifest="B3SUMS").ok
    (tmp_path / "sums").write_text(f"{BLAKE3_ABC}  abc\n")
    assert not checksig.verify(tmp_path, manifest="sums").ok  # read as SHA-256
    assert checksig.verify(tmp_path, manifest="sums", algorithm="blake3").ok
    with pytest.raises(ValueError, match="unknown algorithm"):
        checksig.verify(tmp_path, manifest="sums", algorithm="crc32")


def test_unlisted(tmp_path: Path):
    (tmp_path / "a").write_bytes(b"a")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "evil.py").write_bytes(b"import os\n")
    (tmp_path / "sha1sum.txt").write_text(hashlib.sha1(b"a").hexdigest() + "  a\n")
    assert checksig.verify(tmp_path).ok
    figures: list[checksig.Progress] = []
    report = checksig.verify(tmp_path, unlisted=True, progress=figures.append)
    assert not report.ok
    assert [(e.line, e.name, e.status) for e in report] == [
        (1, "a", checksig.Status.OK),
        (0, "pkg/evil.py", checksig.Status.UNLISTED),
    ]
    assert [e.name for e in report.failures] == ["pkg/evil.py"]
    assert report.count(checksig.Status.UNLISTED) == 1
    # Progress counts the manifest's files, the same figures as the C callback.
    last = figures[-1]
    assert (last.files_done, last.files_total, last.bytes_done, last.bytes_total) == (1, 1, 1, 1)


def test_create_manifest_round_trip(tmp_path: Path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b").write_bytes(b"abc")
    (tmp_path / "a\\b").write_bytes(b"")
    text = checksig.create_manifest(tmp_path, "sha256", threads=2)
    empty = hashlib.sha256(b"").hexdigest()
    abc = hashlib.sha256(b"abc").hexdigest()
    assert text == f"\\{empty}  a\\\\b\n{abc}  sub/b\n".encode()
    (tmp_path / "SHA256SUMS").write_bytes(text)
    assert checksig.verify(tmp_path, manifest="SHA256SUMS", unlisted=True).ok
    with pytest.raises(FileNotFoundError):
        checksig.create_manifest(tmp_path / "missing")
    with pytest.raises(ValueError, match="unknown algorithm"):
        checksig.create_manifest(tmp_path, "crc64")


def test_create_manifest_skips_the_manifest_it_rewrites(tmp_path: Path):
    (tmp_path / "a").write_bytes(b"abc")
    first = checksig.create_manifest(tmp_path, "md5", skip=tmp_path / "MD5SUMS")
    (tmp_path / "MD5SUMS").write_bytes(first)
    assert checksig.create_manifest(tmp_path, "md5", skip=tmp_path / "MD5SUMS") == first
    assert b"  MD5SUMS\n" in checksig.create_manifest(tmp_path, "md5")
    assert checksig.verify(tmp_path, manifest="MD5SUMS", unlisted=True).ok


@pytest.mark.parametrize("name", ["sha1", "sha256", "sha512", "md5", "blake3"])
def test_detected_from_bsd_tag(tmp_path: Path, name: str):
    (tmp_path / "abc").write_bytes(b"abc")
    digest = checksig.hash_file(tmp_path / "abc", name)
    tag = {"sha1": "SHA1", "sha256": "SHA256", "sha512": "SHA512", "md5": "MD5", "blake3": "BLAKE3"}[name]
    (tmp_path / "sums").write_text(f"{tag} (abc) = {digest}\n")
    report = checksig.verify(tmp_path, manifest="sums")
    assert report.ok, report.message
    assert report[0].expected == digest


def test_status_codes_are_the_librarys_table() -> None:
    """Python's Status enum spells out, for typing, the C library's status
    table: every code has the name the library gives it, and no more."""
    from checksig import _native

    for status in checksig.Status:
        name = _native.lib.checksig_status_name(status.value)
        assert name is not None and name.decode() == status.name.lower()
    assert _native.lib.checksig_status_name(len(checksig.Status)) is None


def test_algorithms_are_the_librarys_table() -> None:
    from checksig import _native

    for name, code in checksig.ALGORITHMS.items():
        assert _native.lib.checksig_algorithm_name(code).decode() == name
        assert _native.lib.checksig_algorithm_from_name(name.upper().encode()) == code
    assert _native.lib.checksig_algorithm_name(len(checksig.ALGORITHMS) + 1) is None


def test_gnu_cksum_algorithms_come_from_the_librarys_table(tmp_path: Path) -> None:
    """Issue 18: the algorithms GNU's cksum adds reach Python through the C
    table, and hash as hashlib does (FIPS 180/202, RFC 7693)."""
    for name in ("sha224", "sha384", "sha3-224", "sha3-256", "sha3-384", "sha3-512",
                 "blake2b", "shake128", "shake256", "sm3", "crc", "crc32b", "bsd", "sysv"):
        assert name in checksig.ALGORITHMS, name
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    for name, expected in (
        ("sha224", hashlib.sha224(b"abc").hexdigest()),
        ("sha384", hashlib.sha384(b"abc").hexdigest()),
        ("sha3-256", hashlib.sha3_256(b"abc").hexdigest()),
        ("SHA3-512", hashlib.sha3_512(b"abc").hexdigest()),
        ("blake2b", hashlib.blake2b(b"abc").hexdigest()),
        ("shake128", hashlib.shake_128(b"abc").hexdigest(32)),
        ("shake256", hashlib.shake_256(b"abc").hexdigest(64)),
        ("sm3", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"),
    ):
        assert checksig.hash_file(path, name) == expected, name
    # A b2sum -l 256 manifest, found by its tag, checked at its length.
    b2_256 = hashlib.blake2b(b"abc", digest_size=32).hexdigest()
    (tmp_path / "sums").write_text(f"BLAKE2b-256 (abc) = {b2_256}\n")
    report = checksig.verify(tmp_path, manifest="sums")
    assert report.ok, report.message


def test_blake2b_of_any_length(tmp_path: Path) -> None:
    """``length`` chooses BLAKE2b's digest length as ``b2sum -l`` does:
    hashlib's BLAKE2b at that digest size, and ``b2sum -l``'s lines."""
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    for bits in (8, 128, 160, 256, 384, 504, 512):
        want = hashlib.blake2b(b"abc", digest_size=bits // 8).hexdigest()
        assert checksig.hash_file(path, "blake2b", length=bits) == want, bits
        assert checksig.hash_files([path], "blake2b", length=bits) == [want]
    assert checksig.hash_file(path, "blake2b", length=256) == (
        "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319"
    )
    assert checksig.hash_file(path, "b2", length=512) == checksig.hash_file(path, "blake2b")
    assert checksig.hash_file(path, "sha256", length=256) == hashlib.sha256(b"abc").hexdigest()
    tagged = checksig.hash_lines([path], "blake2b", length=256, tag=True)
    assert tagged == f"BLAKE2b-256 ({path}) = {hashlib.blake2b(b'abc', digest_size=32).hexdigest()}\n".encode()
    manifest = checksig.create_manifest(tmp_path, "blake2b", length=128)
    assert manifest == f"{hashlib.blake2b(b'abc', digest_size=16).hexdigest()}  abc\n".encode()


@pytest.mark.skipif(shutil.which("b2sum") is None, reason="b2sum not installed")
def test_blake2b_lengths_match_b2sum(tmp_path: Path) -> None:
    path = tmp_path / "data"
    path.write_bytes(bytes(range(256)) * 40)
    for bits in (8, 64, 200, 256, 512):
        out = subprocess.run(
            ["b2sum", "-l", str(bits), str(path)], check=True, capture_output=True
        ).stdout
        assert checksig.hash_lines([path], "blake2b", length=bits) == out, bits


@pytest.mark.parametrize("bits", [0, 4, 252, 520, 2**32 + 256, -256])
def test_blake2b_refuses_a_length_it_lacks(tmp_path: Path, bits: int) -> None:
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    with pytest.raises(ValueError, match=f"invalid length {bits} for blake2b"):
        checksig.hash_file(path, "blake2b", length=bits)


def test_length_arguments_are_checked(tmp_path: Path) -> None:
    path = tmp_path / "abc"
    path.write_bytes(b"abc")
    with pytest.raises(ValueError, match="only 256 bits"):
        checksig.hash_file(path, "sha256", length=128)
    with pytest.raises(ValueError, match="a multiple of 8 from 8 to 512 bits"):
        checksig.hash_files([path], "blake2b", length=252)
    for bad in ("256", 256.0, True):
        with pytest.raises(TypeError, match="length must be an int or None"):
            checksig.hash_file(path, "blake2b", length=bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        checksig.hash_file(path, "blake2b", 256)  # type: ignore[misc]
