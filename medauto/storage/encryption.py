"""Local at-rest encryption of objects written with a KMS key id when the buckets are local folders.

There is no KMS here, so one locally kept 256-bit master key stands in for it. Each KMS key id gets its own data
key, derived from the master with HKDF-SHA256 (the key id is the HKDF info), and each object is sealed with
AES-256-GCM under a fresh 96-bit nonce. A sealed object is ``MAGIC``, one JSON header line (algorithm, key id,
encryption context such as the job id, nonce) and the ciphertext; the magic and header are the associated data, so
a sealed file cannot be passed off as another key id's or another job's output without failing authentication.
"""

from __future__ import annotations

import base64
import contextlib
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from medauto.storage.objects import StorageError

log = logging.getLogger("medauto.storage")

MAGIC = b"MEDAUTO-SEALED-v1\n"
ALGORITHM = "AES-256-GCM"
_KEY_BYTES = 32
_NONCE_BYTES = 12


class DecryptionError(StorageError):
    """A sealed object could not be opened: no key file, the wrong key, or altered bytes."""


@dataclass(frozen=True)
class SealedHeader:
    key_id: str
    context: dict[str, str]
    nonce: bytes


def is_sealed(blob: bytes) -> bool:
    return blob.startswith(MAGIC)


def read_header(blob: bytes) -> tuple[SealedHeader, bytes, bytes]:
    """(header, associated data, ciphertext) of a sealed object."""
    if not is_sealed(blob):
        raise DecryptionError("not a sealed medauto object")
    end = blob.find(b"\n", len(MAGIC))
    if end < 0:
        raise DecryptionError("sealed object has no header line")
    try:
        fields = json.loads(blob[len(MAGIC) : end])
        header = SealedHeader(str(fields["key_id"]), dict(fields["context"]), base64.b64decode(fields["nonce"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise DecryptionError(f"sealed object has a malformed header: {exc}") from None
    if fields.get("alg") != ALGORITHM:
        raise DecryptionError(f"unknown algorithm {fields.get('alg')!r}")
    return header, blob[: end + 1], blob[end + 1 :]


class LocalKeyring:
    """The master key in one file (created on first use, mode 0600) and the seal/open operations on it."""

    def __init__(self, key_file: Path) -> None:
        self.key_file = key_file
        self._master: bytes | None = None
        self._lock = threading.Lock()

    def _load(self, *, create: bool) -> bytes:
        with self._lock:
            if self._master is None:
                if not self.key_file.exists():
                    if not create:
                        raise DecryptionError(f"no key file at {self.key_file}: cannot decrypt")
                    self._create()
                self._master = self._read()
            return self._master

    def _read(self) -> bytes:
        mode = self.key_file.stat().st_mode & 0o777
        if mode & 0o077:
            log.warning("key file %s is readable by others (mode %o); chmod 600 it", self.key_file, mode)
        try:
            key = base64.b64decode(self.key_file.read_text().strip(), validate=True)
        except ValueError:
            key = b""
        if len(key) != _KEY_BYTES:
            raise DecryptionError(f"{self.key_file} does not hold a base64 {_KEY_BYTES * 8}-bit key")
        return key

    def _create(self) -> None:
        """Write a new key atomically; when another process wins the race, its key is the one kept."""
        self.key_file.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.key_file.with_name(f".{self.key_file.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "w") as fh:
                fh.write(base64.b64encode(secrets.token_bytes(_KEY_BYTES)).decode() + "\n")
                fh.flush()
                os.fsync(fh.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, self.key_file)  # never replaces an existing key
                log.warning("created the local encryption key %s; back it up", self.key_file)
        finally:
            tmp.unlink(missing_ok=True)

    def _data_key(self, master: bytes, key_id: str) -> bytes:
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.kdf.hkdf import HKDF

        return HKDF(hashes.SHA256(), _KEY_BYTES, salt=None, info=b"medauto-local-kms:" + key_id.encode()).derive(
            master
        )

    def seal(self, data: bytes, key_id: str, context: dict[str, str] | None = None) -> bytes:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        nonce = secrets.token_bytes(_NONCE_BYTES)
        fields = {
            "alg": ALGORITHM,
            "key_id": key_id,
            "context": dict(sorted((context or {}).items())),
            "nonce": base64.b64encode(nonce).decode(),
        }
        aad = MAGIC + json.dumps(fields, separators=(",", ":"), ensure_ascii=True).encode() + b"\n"
        key = self._data_key(self._load(create=True), key_id)
        return aad + AESGCM(key).encrypt(nonce, data, aad)

    def open(self, blob: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        header, aad, ciphertext = read_header(blob)
        key = self._data_key(self._load(create=False), header.key_id)
        try:
            return AESGCM(key).decrypt(header.nonce, ciphertext, aad)
        except InvalidTag:
            raise DecryptionError(
                f"cannot decrypt (KMS key {header.key_id!r}): the key in {self.key_file} is not the one that "
                "encrypted it, or the bytes were altered"
            ) from None
