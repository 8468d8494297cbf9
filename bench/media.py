"""Audio and video benchmarks: ASR real-time factor, word error rate on generated speech, video throughput.

    .venv/bin/python bench/media.py                   # all three, prints JSON, writes bench/results/
    .venv/bin/python bench/media.py --skip-video --beams 1,5
    .venv/bin/python bench/media.py --skip-video --engines audio.asr.whisper-base.v1,audio.asr.whisper-base-greedy.v1

Speech is eSpeak NG (espeakng-loader wheel) reading fixed clinical sentences, so runs compare; it is clearer than
real recordings, so the WER here is a floor, not a field estimate. Load averages are recorded because the
machine may be shared.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.common import machine, stamp, write_report  # noqa: E402
from tests.unit.engines.media import mediagen as gen  # noqa: E402
from tests.unit.engines.media.wer import normalise, word_error_rate  # noqa: E402

SENTENCES = [
    "The patient is a sixty year old man with a history of high blood pressure.",
    "He reports chest pain that started two days ago after climbing stairs.",
    "She denies fever, cough or shortness of breath.",
    "Current medications include metformin and a daily aspirin.",
    "The blood test showed a normal white cell count.",
    "We will order an X ray of the left knee and follow up next week.",
    "Please take the tablets twice a day with food.",
    "Her mother had breast cancer and her father had diabetes.",
    "The wound is healing well with no sign of infection.",
    "Call the clinic if the headache gets worse or you feel dizzy.",
    "Blood pressure today was one hundred and forty over ninety.",
    "He quit smoking five years ago and drinks alcohol rarely.",
]
VOICES = [("en-us", 45, 160), ("en-us", 60, 175), ("en", 50, 150)]  # "en" is eSpeak's British English


def _speech(sentences: list[str], voice: str, pitch: int, wpm: int, pause_s: float = 0.7) -> np.ndarray:
    from tests.unit.engines.media import speech

    parts = []
    for text in sentences:
        samples, rate = speech.synthesize(text, voice=voice, pitch=pitch, words_per_minute=wpm)
        parts.append(gen.resample(samples.astype(np.float32) / 32768, rate, 16000))
        parts.append(np.zeros(int(pause_s * 16000), dtype=np.float32))
    return np.concatenate(parts).astype(np.float32)


def _load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def _recognizers(engines: list[str], beams: list[int]) -> list[tuple[str, Callable[[], Any]]]:
    """(label, factory) per engine to measure: registry engines as configured, or Whisper base at each beam."""
    from medauto.engines import registry
    from medauto.engines.media.asr import AsrConfig, WhisperRecognizer

    threads = os.cpu_count() or 2
    if beams:
        return [
            (f"beam {beam}", partial(WhisperRecognizer, AsrConfig(threads=threads, beam_size=beam))) for beam in beams
        ]
    return [(engine, partial(registry.get, engine)) for engine in engines]


def bench_asr(engines: list[str], beams: list[int], minutes: float) -> dict[str, Any]:
    """Real-time factor (audio seconds per wall second) on ~``minutes`` of continuous speech, and corpus WER."""
    import medauto.engines.media.asr  # noqa: F401 - registers the Whisper engines

    repeats = max(1, round(minutes * 60 / 50))  # the twelve sentences last about 50 s
    long_audio = _speech(SENTENCES * repeats, "en-us", 50, 165)
    results: dict[str, Any] = {"audio_seconds": round(len(long_audio) / 16000, 1), "by_engine": {}}
    for label, factory in _recognizers(engines, beams):
        started = time.perf_counter()
        recognizer = factory()
        load_s = time.perf_counter() - started
        recognizer.recognize(long_audio[: 16000 * 5], 16000, ("en",))  # warm-up
        load_before = _load()
        wall, cpu = time.perf_counter(), time.process_time()
        recognized = recognizer.recognize(long_audio, 16000, None)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        heard = " ".join(u.text for u in recognized.utterances)
        # WER over single sentences in several voices and speaking rates (each file on its own).
        edits = words = 0
        per_voice = {}
        for voice, pitch, wpm in VOICES:
            v_edits = v_words = 0
            for sentence in SENTENCES:
                audio = _speech([sentence], voice, pitch, wpm, pause_s=0.3)
                text = " ".join(u.text for u in recognizer.recognize(audio, 16000, ("en",)).utterances)
                n = len(normalise(sentence))
                v_edits += round(word_error_rate(sentence, text) * n)
                v_words += n
            per_voice[f"{voice}/pitch{pitch}/{wpm}wpm"] = round(v_edits / v_words, 4)
            edits, words = edits + v_edits, words + v_words
        results["by_engine"][label] = {
            "model_load_s": round(load_s, 2),
            "transcribe_wall_s": round(wall, 2),
            "transcribe_cpu_s": round(cpu, 2),
            "real_time_factor": round(results["audio_seconds"] / wall, 2),
            "real_time_factor_per_cpu_second": round(results["audio_seconds"] / cpu, 2),
            "long_audio_wer": round(word_error_rate(" ".join(SENTENCES * repeats), heard), 4),
            "sentence_wer": round(edits / words, 4),
            "sentence_wer_by_voice": per_voice,
            "load_average_before": load_before,
            "load_average_after": _load(),
        }
        print(f"{label}: {results['by_engine'][label]}", file=sys.stderr)
    return results


def bench_video(seconds: float) -> dict[str, Any]:
    """Video minutes processed per wall minute for the whole standard output (decode, shots, OCR, ASR)."""
    from medauto.services.bda_runtime.document_output import AssetInfo
    from medauto.services.bda_runtime.video_output import video_standard_output

    colours = [(20, 40, 160), (200, 180, 40), (30, 150, 60), (160, 30, 40), (90, 90, 90), (240, 240, 240)]
    words = ["BLOOD PRESSURE", "ASPIRIN 81 MG", "FOLLOW UP", "KNEE X RAY", "LAB RESULTS", "DISCHARGE"]
    scene_s = 10.0
    count = max(1, round(seconds / scene_s))
    scenes = [gen.Scene(scene_s, colours[i % 6], words[i % 6]) for i in range(count)]
    speech = _speech(SENTENCES * (1 + round(seconds / 50)), "en-us", 50, 165)[: int(count * scene_s * 16000)]
    data = gen.video_bytes(scenes, np.clip(speech * 32767, -32768, 32767).astype(np.int16), fps=25, size=(640, 360))
    video_standard_output(gen.video_bytes(scenes[:1], fps=25, size=(320, 180)), None, AssetInfo())  # warm-up
    load_before = _load()
    wall, cpu = time.perf_counter(), time.process_time()
    out = video_standard_output(data, None, AssetInfo())
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    video_minutes = count * scene_s / 60
    found = {" ".join(w["text"] for w in f["text_words"]) for c in out["chapters"] for f in c["frames"]}
    return {
        "video_seconds": count * scene_s,
        "size": "640x360@25fps h264 + aac speech",
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "video_minutes_per_minute": round(video_minutes / (wall / 60), 2),
        "shots_found": out["statistics"]["shot_count"],
        "shots_expected": count,
        "on_screen_texts_found": len(found & set(words)),
        "load_average_before": load_before,
        "load_average_after": _load(),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--engines", default="audio.asr.whisper-base.v1", help="registered ASR engines to measure, comma-separated"
    )
    parser.add_argument("--beams", default="", help="instead: Whisper base at these beam sizes, comma-separated")
    parser.add_argument("--minutes", type=float, default=2.0, help="length of the continuous speech for the RTF")
    parser.add_argument("--video-seconds", type=float, default=60.0, help="length of the generated video")
    parser.add_argument("--skip-video", action="store_true")
    parser.add_argument("--out", help="JSON output path (default bench/results/media-<timestamp>.json)")
    args = parser.parse_args()
    report: dict[str, Any] = {"bench": "media", "at": stamp(), "machine": machine()}
    beams = [int(b) for b in args.beams.split(",") if b.strip()]
    report["asr"] = bench_asr([e.strip() for e in args.engines.split(",") if e.strip()], beams, args.minutes)
    if not args.skip_video:
        report["video"] = bench_video(args.video_seconds)
    report["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    write_report(report, "media", args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
