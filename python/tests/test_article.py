"""The article's own ctypes code (Listings 4 to 6) works against our library,
and check_signatures keeps its contract."""

from __future__ import annotations

import ctypes
from pathlib import Path

import pytest

import checksig
from checksig import _native
from conftest import make_tree


def library_file() -> str:
    return str(_native.library_path())


def test_installed_where_listing_6_finds_it():
    """Listing 6 loads the library from beside the module, as libchecksig.so
    (one name for every Python: it is no extension module)."""
    if "CHECKSIG_LIBRARY" in __import__("os").environ:
        pytest.skip("a library was given with CHECKSIG_LIBRARY")
    here = Path(checksig.__file__).absolute().parent
    assert (here / "libchecksig.so").is_file()


def test_listing_4_session(bad_logs: Path):
    so = ctypes.cdll.LoadLibrary(library_file())
    verify = so.verify
    verify.argtypes = [ctypes.c_char_p]
    verify.restype = ctypes.c_char_p
    out = verify(str(bad_logs).encode("utf-8"))  # leaks one message, as Listing 4 does
    assert out.decode("utf-8") == f'"{bad_logs}/httpd-08.log" - mismatch'


def test_listing_5_session(bad_logs: Path, logs: Path):
    so = ctypes.cdll.LoadLibrary(library_file())
    verify = so.verify
    verify.argtypes = [ctypes.c_char_p]
    verify.restype = ctypes.c_void_p
    libc = ctypes.cdll.LoadLibrary("libc.so.6")
    free = libc.free
    free.argtypes = [ctypes.c_void_p]
    ptr = verify(str(bad_logs).encode("utf-8"))
    out = ctypes.string_at(ptr)
    free(ptr)
    assert out.decode("utf-8") == f'"{bad_logs}/httpd-08.log" - mismatch'
    assert verify(str(logs).encode("utf-8")) is None


def listing_6_check_signature(so_file: str):
    """Listing 6, line for line (but for the library's location)."""
    so = ctypes.cdll.LoadLibrary(so_file)
    verify = so.verify
    verify.argtypes = [ctypes.c_char_p]
    verify.restype = ctypes.c_void_p
    free = so.free
    free.argtypes = [ctypes.c_void_p]

    def check_signature(root_dir):
        res = verify(root_dir.encode("utf-8"))
        if res is not None:
            msg = ctypes.string_at(res).decode("utf-8")
            free(res)
            raise ValueError(msg)

    return check_signature


def test_listing_6_module(bad_logs: Path, logs: Path):
    check_signature = listing_6_check_signature(library_file())
    assert check_signature(str(logs)) is None
    with pytest.raises(ValueError) as raised:
        check_signature(str(bad_logs))
    assert str(raised.value) == f'"{bad_logs}/httpd-08.log" - mismatch'


def c_verify(root: bytes) -> "str | None":
    so = ctypes.CDLL(library_file())
    so.verify.argtypes = [ctypes.c_char_p]
    so.verify.restype = ctypes.c_void_p
    so.checksig_free.argtypes = [ctypes.c_void_p]
    ptr = so.verify(root)
    if ptr is None:
        return None
    try:
        return ctypes.string_at(ptr).decode("utf-8")
    finally:
        so.checksig_free(ptr)


def test_check_signatures(bad_logs: Path, logs: Path):
    assert checksig.check_signatures(logs) is None
    assert checksig.check_signatures(str(logs)) is None
    with pytest.raises(ValueError) as raised:
        checksig.check_signatures(bad_logs)
    assert str(raised.value) == f'"{bad_logs}/httpd-08.log" - mismatch'


def test_check_signatures_says_what_c_verify_says(tmp_path: Path):
    """Every failure, one per line in manifest order, in the Go library's words."""
    root = tmp_path / "mixed"
    make_tree(
        root,
        {"a.log": b"a", "b.log": b"b", "c.log": b"c"},
        wrong=["b.log"],
        extra_lines=[
            b"0000000000000000000000000000000000000000  gone.log\n",
            b'not a "checksum" line\n',
            b"0000000000000000000000000000000000000000  ../outside.log\n",
        ],
    )
    (root / "c.log").unlink()
    want = "\n".join(
        [
            f'"{root}/b.log" - mismatch',
            f"open {root}/c.log: no such file or directory",
            f"open {root}/gone.log: no such file or directory",
            '5: bad line: "not a \\"checksum\\" line"',
            f'"{tmp_path}/outside.log" - outside root',
        ]
    )
    assert c_verify(str(root).encode()) == want
    with pytest.raises(ValueError) as raised:
        checksig.check_signatures(root)
    assert str(raised.value) == want


def test_missing_manifest_message(tmp_path: Path):
    want = f"open {tmp_path}/nowhere/sha1sum.txt: no such file or directory"
    assert c_verify(str(tmp_path / "nowhere").encode()) == want
    with pytest.raises(ValueError) as raised:
        checksig.check_signatures(tmp_path / "nowhere")
    assert str(raised.value) == want


def test_empty_manifest_is_a_failure(tmp_path: Path):
    (tmp_path / "sha1sum.txt").write_bytes(b"")
    want = f'"{tmp_path}/sha1sum.txt" - no file verified'
    assert c_verify(str(tmp_path).encode()) == want
    with pytest.raises(ValueError, match="no file verified"):
        checksig.check_signatures(tmp_path)


def test_null_root_is_a_message_not_a_crash():
    so = ctypes.CDLL(library_file())
    so.verify.argtypes = [ctypes.c_char_p]
    so.verify.restype = ctypes.c_void_p
    so.checksig_free.argtypes = [ctypes.c_void_p]
    ptr = so.verify(None)
    assert ctypes.string_at(ptr) == b"verify: root is NULL"
    so.checksig_free(ptr)
