"""The pieces of ``medauto batch`` that need no job: progress display, --job names, input locations."""

from __future__ import annotations

import io
from pathlib import Path

from medauto.batch_cli import JOBS, ProgressReporter
from medauto.services.comprehendmedical.local_batch import JOB_TYPES, Location


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_on_a_terminal_redraws_one_line() -> None:
    out = Terminal()
    bar = ProgressReporter(out)
    bar(0, 100, 0.0)
    bar(50, 100, 10.0)
    bar(100, 100, 20.0)
    bar.finish()
    text = out.getvalue()
    assert text.count("\r") == 3 and text.endswith("\n") and text.count("\n") == 1
    assert "[###############               ]  50% 50/100 files  5.0 notes/s  ETA 0:10" in text
    assert "100/100 files" in text


def test_progress_elsewhere_is_a_plain_line_every_interval() -> None:
    out = io.StringIO()
    lines = ProgressReporter(out, interval=3600)
    lines(0, 10, 0.0)
    lines(5, 10, 1.0)  # within the interval: not printed
    lines.finish()
    assert out.getvalue() == "medauto batch: 0/10 files  0.0 notes/s  ETA --:--\n"
    assert ProgressReporter.describe(30, 630, 60.0) == "30/630 files  0.5 notes/s  ETA 20:00"


def test_job_names_and_locations() -> None:
    assert sorted(JOBS) == sorted(JOB_TYPES)
    s3 = Location.parse("s3://ward/notes/2026/")
    assert (s3.is_s3, s3.bucket, s3.prefix) == (True, "ward", "notes/2026/")
    assert Location.parse("s3://ward").prefix == ""
    local = Location.parse("notes")
    assert not local.is_s3 and local.folder == Path("notes").resolve()
