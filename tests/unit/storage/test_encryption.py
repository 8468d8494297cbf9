"""Local at-rest encryption: sealed bytes on disk, transparent reads, and failures with the wrong key or context."""

from __future__ import annotations

import base64
import json
import secrets
import stat
from pathlib import Path

import pytest

from medauto.storage.encryption import MAGIC, DecryptionError, LocalKeyring, is_sealed, read_header
from medauto.storage.folders import FolderObjectStore
from medauto.storage.localfs import LocalFolderObjectStore

NOTE = b'{"Entities": [{"Text": "aspirin", "Category": "MEDICATION"}]}'
KEY_ID = "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def test_key_file_is_created_on_first_use_with_0600(tmp_path: Path) -> None:
    key_file = tmp_path / "kms" / "local.key"
    ring = LocalKeyring(key_file)
    assert not key_file.exists()  # nothing is created before something is sealed
    sealed = ring.seal(NOTE, KEY_ID, {"JobId": "j1"})
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(base64.b64decode(key_file.read_text())) == 32
    assert LocalKeyring(key_file).open(sealed) == NOTE  # a new process reads the same key back
    assert list(key_file.parent.iterdir()) == [key_file]  # no temporary file left behind


def test_local_folder_outputs_are_sealed_on_disk_and_read_back_plain(tmp_path: Path) -> None:
    store = LocalFolderObjectStore(tmp_path / "buckets", keyring=LocalKeyring(tmp_path / "local.key"))
    store.put("out", "job/a.txt.out", NOTE, kms_key_id=KEY_ID, encryption_context={"JobId": "j1"})
    store.put("out", "job/plain.out", NOTE)  # no KMS key: written as is
    on_disk = (tmp_path / "buckets" / "out" / "job" / "a.txt.out").read_bytes()
    assert on_disk.startswith(MAGIC) and b"aspirin" not in on_disk and NOTE not in on_disk
    header, _, _ = read_header(on_disk)
    assert (header.key_id, header.context) == (KEY_ID, {"JobId": "j1"})
    assert store.get("out", "job/a.txt.out") == NOTE
    assert (tmp_path / "buckets" / "out" / "job" / "plain.out").read_bytes() == NOTE
    assert store.get("out", "job/plain.out") == NOTE


def test_wrong_key_missing_key_and_no_keyring_fail(tmp_path: Path) -> None:
    sealed = LocalKeyring(tmp_path / "right.key").seal(NOTE, KEY_ID, {"JobId": "j1"})
    wrong = tmp_path / "wrong.key"
    wrong.write_text(base64.b64encode(secrets.token_bytes(32)).decode())
    with pytest.raises(DecryptionError, match="not the one that encrypted it"):
        LocalKeyring(wrong).open(sealed)
    missing = tmp_path / "missing.key"
    with pytest.raises(DecryptionError, match="no key file"):
        LocalKeyring(missing).open(sealed)
    assert not missing.exists()  # opening never invents a key
    folder = tmp_path / "plain"
    folder.mkdir()
    (folder / "a.out").write_bytes(sealed)
    with pytest.raises(DecryptionError, match="no local key"):
        FolderObjectStore({"f": folder}).get("f", "a.out")


def test_header_and_ciphertext_are_bound_together(tmp_path: Path) -> None:
    ring = LocalKeyring(tmp_path / "k.key")
    sealed = ring.seal(NOTE, KEY_ID, {"JobId": "j1"})
    _, aad, ciphertext = read_header(sealed)
    fields = json.loads(aad[len(MAGIC) :])
    # Claiming the output belongs to another job (or key id) breaks authentication.
    for change in ({"context": {"JobId": "j2"}}, {"key_id": "alias/other"}):
        forged = MAGIC + json.dumps({**fields, **change}, separators=(",", ":")).encode() + b"\n" + ciphertext
        with pytest.raises(DecryptionError):
            ring.open(forged)
    flipped = bytearray(sealed)
    flipped[-1] ^= 1
    with pytest.raises(DecryptionError):
        ring.open(bytes(flipped))
    # Each seal uses a fresh nonce: the same plaintext never gives the same bytes.
    assert ring.seal(NOTE, KEY_ID, {"JobId": "j1"}) != sealed
    assert is_sealed(sealed) and not is_sealed(NOTE)
