"""Signed manifests through Python (issue 17): ``verify(..., keys=...)``,
``check_signatures(root, keys=...)`` and ``Report.signer``, for each format,
with the fixtures made by the real tools (testdata/signatures/generate.sh)."""

from __future__ import annotations

import datetime
import shutil
from pathlib import Path
from typing import Optional

import pytest

import checksig

FIXTURES = Path(__file__).resolve().parents[2] / "testdata" / "signatures"
NOT_TRUSTED = "which is not among the trusted keys"
NOT_MATCHING = "does not match the manifest"


def download(tmp_path: Path, manifest: str, name: str, signature: Optional[str] = None, beside: str = "") -> Path:
    """A directory with a.txt, b.txt, the manifest fixture as `name` and the
    signature fixture as `beside`."""
    root = tmp_path / f"dl{len(list(tmp_path.iterdir()))}"
    root.mkdir()
    for file in ("a.txt", "b.txt"):
        shutil.copy(FIXTURES / "files" / file, root / file)
    shutil.copy(FIXTURES / manifest, root / name)
    if signature is not None:
        shutil.copy(FIXTURES / signature, root / beside)
    return root


def key(name: str) -> Path:
    return FIXTURES / name


# (format, trusted key, another key, directory, suffix, another file's signature, words of the signer)
DETACHED = [
    ("OpenPGP", "openpgp/alice.asc", "openpgp/mallory.asc", "openpgp", ".gpg", "openpgp/OTHER.asc", "Alice"),
    ("OpenPGP", "openpgp/alice.gpg", "openpgp/mallory.asc", "openpgp", ".asc", "openpgp/OTHER.asc", "Alice"),
    ("minisign", "minisign/alice.pub", "minisign/mallory.pub", "minisign", ".minisig", "minisign/OTHER.minisig", "key ID "),
    ("signify", "signify/alice.pub", "signify/mallory.pub", "signify", ".sig", "signify/OTHER.sig", "key ID "),
    ("SSH", "ssh/alice.pub", "ssh/mallory.pub", "ssh", ".sig", "ssh/OTHER.sig", "SHA256:"),
]


@pytest.mark.parametrize("fmt,good_key,wrong_key,folder,suffix,other,words", DETACHED)
def test_detached_signatures(tmp_path: Path, fmt: str, good_key: str, wrong_key: str, folder: str,
                             suffix: str, other: str, words: str) -> None:
    beside = "SHA256SUMS" + suffix
    good = f"{folder}/SHA256SUMS{suffix}"
    root = download(tmp_path, "SHA256SUMS", "SHA256SUMS", good, beside)
    report = checksig.verify(root, manifest="SHA256SUMS", keys=[key(good_key)])
    assert report.ok and len(report) == 2
    assert report.signer is not None and report.signer == report.signature
    assert report.signer.checked and report.signer.format == fmt
    assert words in (report.signer.key or "")
    # A single path is accepted too.
    assert checksig.verify(root, manifest="SHA256SUMS", keys=key(good_key)).ok

    refusals = [
        (root, wrong_key, NOT_TRUSTED),
        (download(tmp_path, "SHA256SUMS.tampered", "SHA256SUMS", good, beside), good_key, NOT_MATCHING),
        (download(tmp_path, "SHA256SUMS", "SHA256SUMS", other, beside), good_key, NOT_MATCHING),
        (download(tmp_path, "SHA256SUMS", "SHA256SUMS", f"{folder}/SHA256SUMS.truncated{suffix}", beside), good_key, fmt),
    ]
    for where, trusted, reason in refusals:
        with pytest.raises(checksig.SignatureError) as raised:
            checksig.verify(where, manifest="SHA256SUMS", keys=[key(trusted)])
        message = str(raised.value)
        assert "SHA256SUMS: signature not accepted: " in message
        assert reason in message and "(trusted: " in message


def test_openpgp_created_subkey_and_expired_key(tmp_path: Path) -> None:
    root = download(tmp_path, "SHA256SUMS", "SHA256SUMS", "openpgp/SHA256SUMS.gpg", "SHA256SUMS.gpg")
    signer = checksig.verify(root, manifest="SHA256SUMS", keys=[key("openpgp/alice.asc")]).signer
    assert signer is not None
    assert signer.created == datetime.datetime(2024, 1, 2, tzinfo=datetime.timezone.utc)
    root = download(tmp_path, "SHA256SUMS", "SHA256SUMS", "openpgp/SHA256SUMS.subkey.asc", "SHA256SUMS.asc")
    signer = checksig.verify(root, manifest="SHA256SUMS", keys=[key("openpgp/bob.asc")]).signer
    assert signer is not None and signer.key is not None and signer.key.startswith("subkey ")
    root = download(tmp_path, "SHA256SUMS", "SHA256SUMS", "openpgp/SHA256SUMS.expired.asc", "SHA256SUMS.asc")
    with pytest.raises(checksig.SignatureError, match="expired"):
        checksig.verify(root, manifest="SHA256SUMS", keys=[key("openpgp/carol.asc")])


def test_clear_signed_and_embedded(tmp_path: Path) -> None:
    root = download(tmp_path, "openpgp/CHECKSUM.clearsigned", "CHECKSUM")
    report = checksig.verify(root, manifest="CHECKSUM", keys=[key("openpgp/alice.asc")])
    assert report.ok and report.signer is not None and report.signer.format == "OpenPGP"
    assert [entry.line for entry in report] == [4, 5]  # lines of the file
    for manifest, reason in [("openpgp/CHECKSUM.tampered", NOT_MATCHING), ("openpgp/CHECKSUM.truncated", "truncated")]:
        with pytest.raises(checksig.SignatureError, match=reason):
            checksig.verify(download(tmp_path, manifest, "CHECKSUM"), manifest="CHECKSUM", keys=[key("openpgp/alice.asc")])
    root = download(tmp_path, "signify/SHA256.sig", "SHA256.sig")
    report = checksig.verify(root, manifest="SHA256.sig", keys=[key("signify/alice.pub")])
    assert report.ok and report.signer is not None and report.signer.format == "signify"
    assert report.signer.created is None
    with pytest.raises(checksig.SignatureError, match=NOT_TRUSTED):
        checksig.verify(root, manifest="SHA256.sig", keys=[key("signify/mallory.pub")])


def test_without_keys_a_signed_manifest_is_read_and_said_unchecked(tmp_path: Path) -> None:
    root = download(tmp_path, "openpgp/CHECKSUM.clearsigned", "CHECKSUM")
    report = checksig.verify(root, manifest="CHECKSUM")
    assert report.ok
    assert report.signature == checksig.Signature(checked=False, format="OpenPGP", key=None, created=None)
    assert report.signer is None
    plain = download(tmp_path, "SHA256SUMS", "SHA256SUMS")
    assert checksig.verify(plain, manifest="SHA256SUMS").signature is None


def test_a_bad_file_under_a_good_signature_still_fails(tmp_path: Path) -> None:
    root = download(tmp_path, "openpgp/CHECKSUM.clearsigned", "CHECKSUM")
    (root / "a.txt").write_bytes(b"changed\n")
    report = checksig.verify(root, manifest="CHECKSUM", keys=[key("openpgp/alice.asc")])
    assert not report.ok and report.signer is not None
    assert [entry.status for entry in report.failures] == [checksig.Status.MISMATCH]


def test_check_signatures_with_keys(tmp_path: Path) -> None:
    """The article's check_signatures reads sha1sum.txt: here a clear-signed
    and a signify-embedded one (BSD tags name the algorithm)."""
    root = download(tmp_path, "openpgp/CHECKSUM.clearsigned", "sha1sum.txt")
    assert checksig.check_signatures(root, keys=[key("openpgp/alice.asc")]) is None
    with pytest.raises(ValueError, match="sha1sum.txt: signature not accepted: .*" + NOT_TRUSTED):
        checksig.check_signatures(root, keys=[key("openpgp/mallory.asc")])
    (root / "b.txt").write_bytes(b"changed\n")
    with pytest.raises(ValueError, match="b.txt\" - mismatch"):
        checksig.check_signatures(root, keys=[key("openpgp/alice.asc")])
    root = download(tmp_path, "signify/SHA256.sig", "sha1sum.txt")
    assert checksig.check_signatures(root, keys=key("signify/alice.pub")) is None
    root = download(tmp_path, "signify/SHA256.tampered.sig", "sha1sum.txt")
    with pytest.raises(ValueError, match=NOT_MATCHING):
        checksig.check_signatures(root, keys=[key("signify/alice.pub")])
    # No signature at all, with keys: refused before any file is read.
    plain = download(tmp_path, "signify/SHA256.sig", "x")
    (plain / "sha1sum.txt").write_bytes((FIXTURES / "files" / "a.txt").read_bytes())
    with pytest.raises(ValueError, match="no signature"):
        checksig.check_signatures(plain, keys=[key("signify/alice.pub")])


def test_unusable_key_files(tmp_path: Path) -> None:
    root = download(tmp_path, "SHA256SUMS", "SHA256SUMS", "openpgp/SHA256SUMS.gpg", "SHA256SUMS.gpg")
    with pytest.raises(FileNotFoundError) as raised:
        checksig.verify(root, manifest="SHA256SUMS", keys=[tmp_path / "missing.asc"])
    assert raised.value.filename == str(tmp_path / "missing.asc")
    with pytest.raises(checksig.ChecksigError, match="SHA256SUMS"):
        checksig.verify(root, manifest="SHA256SUMS", keys=[FIXTURES / "SHA256SUMS"])
    with pytest.raises(ValueError):
        checksig.check_signatures(root, keys=[tmp_path / "missing.asc"])
