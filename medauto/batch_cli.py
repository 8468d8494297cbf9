"""``medauto batch`` (a Comprehend Medical batch job on local folders or S3, no server) and ``medauto decrypt``.

Heavy imports (engines, boto3, the executor) happen inside the run functions, so ``medauto --help`` stays fast.
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from typing import Any, TextIO

from medauto.cli_options import Subcommands, add_command, add_log_level, add_settings_source

BATCH_HELP = """\
Run a Comprehend Medical batch job here, without a server or an AWS SDK: every file under the input (a folder,
or an s3://bucket/prefix) is analysed by the same job code the service runs, and the output location receives
the service's layout: <AccountId>-<JobType>-<JobId>/ with one <input name>.out per input file (the synchronous
operation's JSON) and the Manifest, success and unprocessed files. Files that are empty, over 40 KB, not UTF-8
or over the text limit are listed in unprocessed with their reason.

  medauto batch ./notes --out ./results --job entities
  medauto batch ./notes --out ./results --job phi --processes 2
  medauto batch s3://ward/notes/ --out s3://ward/results/ --job icd10cm --s3-endpoint-url http://127.0.0.1:8333

S3 locations use the usual AWS credential variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_PROFILE).
Progress goes to stderr (a bar on a terminal, a line every few seconds otherwise), the summary to stdout.
Ctrl-C stops the job between two chunks of files (status STOPPED); a second Ctrl-C aborts.
Exit status: 0 COMPLETED, 2 PARTIAL_SUCCESS, 1 FAILED or STOPPED (or an error before the job ran).
"""

DECRYPT_HELP = """\
Print the plain content of a job output that medauto encrypted at rest (jobs with a KMSKey whose buckets are
local folders). The key is the local key file: <data-dir>/kms/local.key unless local_kms_key_file is set.

  medauto decrypt .medauto/buckets/out/results/123456789012-PHIDetection-<JobId>/note.txt.out
  medauto decrypt --data-dir /var/lib/medauto --out note.json <file>
"""

EXIT_CODES = {"COMPLETED": 0, "PARTIAL_SUCCESS": 2}
# The --job names (local_batch.JOB_TYPES maps them to job families; kept here so --help imports no engine).
JOBS = ("entities", "icd10cm", "phi", "rxnorm", "snomedct")


def add_batch(sub: Subcommands) -> None:
    p = add_command(sub, "batch", "run a batch job on a folder or S3 prefix, without a server", BATCH_HELP)
    p.add_argument("input", help="folder of notes, or s3://bucket/prefix")
    p.add_argument("--out", required=True, help="output folder, or s3://bucket/prefix")
    p.add_argument("--job", required=True, choices=JOBS, help="what to run on every file")
    p.add_argument("--processes", type=int, help="processes analysing files (default: one per core; 1: inline)")
    p.add_argument("--text-profile", help="clinical text pipeline profile (default fast)")
    p.add_argument("--executor", choices=["local", "ray"], help="local process pool (default) or Ray")
    p.add_argument("--ray-address", help="Ray cluster to join (default: a local one)")
    p.add_argument("--s3-endpoint-url", help="S3 API for s3:// locations (default: AWS)")
    p.add_argument("--kms-key", help="KMS key id: SSE-KMS on S3; local outputs are encrypted with the local key")
    add_settings_source(p, "medauto data folder: vocabularies, local key (default ./.medauto)")
    add_log_level(p, "log verbosity (warning)")


def add_decrypt(sub: Subcommands) -> None:
    p = add_command(sub, "decrypt", "print a job output that was encrypted at rest", DECRYPT_HELP)
    p.add_argument("file", help="the encrypted output file")
    p.add_argument("--out", help="write the plain content here instead of stdout")
    add_settings_source(p, "medauto data folder holding kms/local.key (default ./.medauto)")


class ProgressReporter:
    """A one-line bar on a terminal; elsewhere (logs, CI) a plain line every ``interval`` seconds."""

    def __init__(self, stream: TextIO, interval: float = 10.0) -> None:
        self._stream = stream
        self._tty = stream.isatty()
        self._interval = interval
        self._last: float | None = None  # the first report is always shown
        self._drawn = False

    @staticmethod
    def describe(done: int, total: int, elapsed: float) -> str:
        rate = done / elapsed if elapsed > 0 else 0.0
        eta = (total - done) / rate if rate > 0 else None
        left = f"ETA {int(eta) // 60}:{int(eta) % 60:02d}" if eta is not None else "ETA --:--"
        return f"{done}/{total} files  {rate:.1f} notes/s  {left}"

    def __call__(self, processed: int, total: int, elapsed: float) -> None:
        if total <= 0:
            return
        if self._tty:
            share = processed / total
            bar = "#" * int(share * 30)
            self._stream.write(f"\r[{bar:<30}] {share:4.0%} {self.describe(processed, total, elapsed)}\x1b[K")
            self._stream.flush()
            self._drawn = True
        elif self._last is None or time.monotonic() - self._last >= self._interval:
            self._last = time.monotonic()
            self._stream.write(f"medauto batch: {self.describe(processed, total, elapsed)}\n")
            self._stream.flush()

    def finish(self) -> None:
        if self._drawn:
            self._stream.write("\n")
            self._stream.flush()


def _settings(args: argparse.Namespace) -> Any:
    from medauto.config import load_settings

    return load_settings(
        args.config,
        data_dir=args.data_dir,
        text_profile=getattr(args, "text_profile", None),
        s3_endpoint_url=getattr(args, "s3_endpoint_url", None),
        job_processes=getattr(args, "processes", None),
        executor=getattr(args, "executor", None),
        ray_address=getattr(args, "ray_address", None),
    )


def run_batch(args: argparse.Namespace) -> int:
    logging.basicConfig(
        level=(args.log_level or "warning").upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    from medauto.app import build_executor
    from medauto.engines.text.profiles import PROFILES, use_profiles
    from medauto.services.comprehendmedical.local_batch import LocalBatchRequest, Location, run_local_batch
    from medauto.storage.objects import StorageError

    try:
        settings = _settings(args)
        source, target = Location.parse(args.input), Location.parse(args.out)
    except ValueError as exc:
        print(f"medauto batch: {exc}", file=sys.stderr)
        return 1
    use_profiles(settings.text_profiles)  # configured profiles reach the worker processes through the environment
    if settings.text_profile not in PROFILES:
        print(f"medauto batch: unknown text profile {settings.text_profile!r}", file=sys.stderr)
        return 1
    if source.folder is not None and not source.folder.is_dir():
        print(f"medauto batch: no input folder {source.folder}", file=sys.stderr)
        return 1
    request = LocalBatchRequest(
        source=source,
        target=target,
        job=args.job,
        profile=settings.text_profile,
        data_dir=settings.data_dir.resolve(),
        account_id=settings.default_account,
        region=settings.region,
        kms_key=args.kms_key,
        s3_endpoint_url=settings.s3_endpoint_url,
        key_file=settings.kms_key_path().resolve(),
    )
    stop = threading.Event()

    def interrupt(signum: int, frame: Any) -> None:
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()
        print("\nmedauto batch: stopping after the current chunk (Ctrl-C again to abort)", file=sys.stderr)

    previous = signal.signal(signal.SIGINT, interrupt)
    progress = ProgressReporter(sys.stderr)
    executor = build_executor(settings)
    try:
        result = run_local_batch(
            request, executor, lambda p: progress(p.processed, p.total, p.elapsed), stop, chunk=_chunk(settings)
        )
    except StorageError as exc:
        progress.finish()
        print(f"medauto batch: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        progress.finish()
        print("medauto batch: aborted; outputs written so far are complete files", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGINT, previous)
        executor.close()
    progress.finish()
    _print_summary(result)
    return EXIT_CODES.get(result.status, 1)


def _chunk(settings: Any) -> int:
    # Small enough for a lively progress display, large enough to keep every process busy.
    return max(8, 4 * (settings.job_processes or os.cpu_count() or 1))


def _print_summary(result: Any) -> None:
    rate = result.success / result.wall_seconds if result.wall_seconds else 0.0
    lines = [
        f"status:      {result.status}" + (f" ({result.message})" if result.message else ""),
        f"processed:   {result.success} of {result.total} files ({result.metered_characters} characters)",
        f"unprocessed: {len(result.unprocessed)}",
        *(f"  {name}: {reason}" for name, reason in sorted(result.unprocessed.items())),
        f"wall time:   {result.wall_seconds:.1f} s ({rate:.1f} notes/s)",
        f"output:      {result.output}",
    ]
    print("\n".join(lines), flush=True)


def run_decrypt(args: argparse.Namespace) -> int:
    from medauto.storage.encryption import DecryptionError, LocalKeyring, is_sealed

    settings = _settings(args)
    blob = Path(args.file).read_bytes()
    if not is_sealed(blob):
        print(f"medauto decrypt: {args.file} is not encrypted by medauto", file=sys.stderr)
        return 1
    try:
        plain = LocalKeyring(settings.kms_key_path()).open(blob)
    except DecryptionError as exc:
        print(f"medauto decrypt: {exc}", file=sys.stderr)
        return 1
    if args.out:
        Path(args.out).write_bytes(plain)
    else:
        sys.stdout.buffer.write(plain)
        sys.stdout.flush()
    return 0
