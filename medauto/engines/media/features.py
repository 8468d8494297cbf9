"""Voice features in plain numpy: MFCCs (spectral envelope) and fundamental frequency, per 10 ms frame.

Small and dependency-free on purpose: they only need to tell a handful of voices in one file apart.
"""

from __future__ import annotations

from functools import cache

import numpy as np

FRAME = 400  # 25 ms at 16 kHz
HOP = 160  # 10 ms
_FFT = 512


@cache
def _mel_filters(rate: int, count: int) -> np.ndarray:
    def to_mel(hz: np.ndarray) -> np.ndarray:
        return 2595.0 * np.log10(1.0 + hz / 700.0)

    def to_hz(mel: np.ndarray) -> np.ndarray:
        return 700.0 * (10 ** (mel / 2595.0) - 1.0)

    edges = to_hz(np.linspace(to_mel(np.array(60.0)), to_mel(np.array(rate / 2 * 0.95)), count + 2))
    bins = np.fft.rfftfreq(_FFT, 1.0 / rate)
    filters = np.zeros((count, bins.size))
    for i in range(count):
        low, mid, high = edges[i], edges[i + 1], edges[i + 2]
        rising = (bins - low) / (mid - low)
        falling = (high - bins) / (high - mid)
        filters[i] = np.clip(np.minimum(rising, falling), 0.0, None)
    return filters


@cache
def _dct(count: int, keep: int) -> np.ndarray:
    n = np.arange(count)
    return np.asarray(np.cos(np.pi / count * (n[None, :] + 0.5) * np.arange(keep)[:, None]))


def frames(samples: np.ndarray, size: int = FRAME, hop: int = HOP) -> np.ndarray:
    if samples.size < size:
        samples = np.pad(samples, (0, size - samples.size))
    count = 1 + (samples.size - size) // hop
    return np.lib.stride_tricks.as_strided(
        samples, shape=(count, size), strides=(samples.strides[0] * hop, samples.strides[0]), writeable=False
    )


def mfcc(samples: np.ndarray, rate: int = 16000, mels: int = 26, keep: int = 13) -> np.ndarray:
    """(frames, keep) cepstra; column 0 is log energy."""
    emphasised = np.append(samples[:1], samples[1:] - 0.97 * samples[:-1]).astype(np.float32)
    windowed = frames(emphasised) * np.hamming(FRAME).astype(np.float32)
    power = np.abs(np.fft.rfft(windowed, _FFT)) ** 2 / _FFT
    energies = np.log(power @ _mel_filters(rate, mels).T + 1e-10)
    return np.asarray(energies @ _dct(mels, keep).T, dtype=np.float32)


def pitch(samples: np.ndarray, rate: int = 16000, low: float = 60.0, high: float = 400.0) -> np.ndarray:
    """F0 in Hz per 10 ms frame (40 ms windows), 0 where the frame is unvoiced or quiet."""
    windows = frames(samples.astype(np.float32), size=640, hop=HOP)
    windows = windows - windows.mean(axis=1, keepdims=True)
    spectrum = np.fft.rfft(windows, 1280)
    corr = np.fft.irfft(np.abs(spectrum) ** 2)[:, :640]
    lo, hi = int(rate / high), int(rate / low)
    lag = lo + np.argmax(corr[:, lo:hi], axis=1)
    strength = corr[np.arange(len(corr)), lag] / np.maximum(corr[:, 0], 1e-9)
    loud = corr[:, 0] > 0.05 * np.percentile(corr[:, 0], 95)
    return np.where((strength > 0.45) & loud, rate / lag, 0.0)
