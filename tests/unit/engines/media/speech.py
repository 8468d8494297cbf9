"""Offline speech for tests: eSpeak NG (library and voice data shipped by the espeakng-loader wheel) via ctypes.

No system espeak-ng binary is needed; ``available()`` is False only where that wheel is missing.
"""

from __future__ import annotations

import ctypes
import threading
from functools import cache
from typing import Any

import numpy as np

_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_ESPEAK_CHARS_UTF8 = 1
_PARAM_RATE = 1
_PARAM_PITCH = 3
_LOCK = threading.Lock()
_CALLBACK = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p)


def available() -> bool:
    try:
        import espeakng_loader  # noqa: F401
    except ImportError:
        return False
    return True


@cache
def _engine() -> tuple[Any, int]:
    import espeakng_loader

    lib = ctypes.CDLL(espeakng_loader.get_library_path())
    lib.espeak_Initialize.restype = ctypes.c_int
    lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
    rate = lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, espeakng_loader.get_data_path().encode(), 0)
    if rate <= 0:
        raise RuntimeError("eSpeak NG failed to initialise")
    lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
    lib.espeak_SetVoiceByName.restype = ctypes.c_int
    lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
    lib.espeak_Synth.argtypes = [
        ctypes.c_void_p,
        ctypes.c_size_t,
        ctypes.c_uint,
        ctypes.c_int,
        ctypes.c_uint,
        ctypes.c_uint,
        ctypes.c_void_p,
        ctypes.c_void_p,
    ]
    return lib, rate


def synthesize(
    text: str, *, voice: str = "en-us", words_per_minute: int = 160, pitch: int = 50
) -> tuple[np.ndarray, int]:
    """Mono int16 samples of ``text`` spoken by eSpeak NG, and their sample rate (22050 Hz)."""
    lib, rate = _engine()
    chunks: list[np.ndarray] = []

    def collect(wav: Any, count: int, _events: Any) -> int:
        if count > 0:
            chunks.append(np.ctypeslib.as_array(wav, shape=(count,)).copy())
        return 0

    callback = _CALLBACK(collect)
    encoded = text.encode() + b"\0"
    with _LOCK:
        lib.espeak_SetSynthCallback(callback)
        # A name eSpeak does not know would silently keep the previous voice: fail loudly instead.
        if lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise ValueError(f"eSpeak NG has no voice {voice!r}")
        lib.espeak_SetParameter(_PARAM_RATE, words_per_minute, 0)
        lib.espeak_SetParameter(_PARAM_PITCH, pitch, 0)
        lib.espeak_Synth(encoded, len(encoded), 0, _POS_CHARACTER, 0, _ESPEAK_CHARS_UTF8, None, None)
        lib.espeak_Synchronize()
    samples = np.concatenate(chunks) if chunks else np.zeros(0, dtype=np.int16)
    return samples.astype(np.int16), rate
