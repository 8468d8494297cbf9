"""The ``medauto`` command line."""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import socket
import sys
from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError

from medauto import __version__
from medauto.batch_cli import add_batch, add_decrypt, run_batch, run_decrypt
from medauto.cli_options import Subcommands, add_command, add_log_level, add_settings_source
from medauto.config import Settings, load_settings

log = logging.getLogger("medauto")

_SERVE_HELP = """\
Start the AWS-compatible HTTP endpoint for Comprehend Medical, the Bedrock Data Automation runtime and the
BDA control plane. Point any AWS SDK or the AWS CLI at it with --endpoint-url / endpoint_url.

Every option can also be set as an environment variable MEDAUTO_<OPTION> (e.g. MEDAUTO_PORT=4599) or in a
TOML file given by --config / MEDAUTO_CONFIG (keys as in the variable names, lower case, without the prefix).
SigV4 signatures are verified by default against the key pair test/test (account 123456789012).
"""


def _add_backends(p: argparse.ArgumentParser) -> None:
    p.add_argument("--store", help="job store: sqlite (default, in the data dir), memory, or postgresql://...")
    p.add_argument("--s3-endpoint-url", help="serve buckets from this S3 API instead of local folders")
    p.add_argument("--executor", choices=["local", "ray"], help="what analyses batch files (default local)")
    p.add_argument("--ray-address", help="Ray cluster for --executor ray (default: start a local one)")


_WORKER_HELP = """\
Run batch jobs (Start*Job) from the shared job store without serving HTTP. Start as many workers as you like
next to `medauto serve` (give them the same --data-dir and --store); each job runs on exactly one worker, and a
job whose worker died is taken over after two minutes without a heartbeat.
"""


def _add_worker(sub: Subcommands) -> None:
    p = add_command(sub, "worker", "run batch jobs from the job store", _WORKER_HELP)
    add_settings_source(p, "folder with the job store and local buckets (default ./.medauto)")
    _add_backends(p)
    p.add_argument("--job-threads", type=int, help="jobs run at once (default 2)")
    p.add_argument("--job-processes", type=int, help="processes analysing files (default: one per core)")
    add_log_level(p)


def _add_serve(sub: Subcommands) -> None:
    p = add_command(sub, "serve", "run the HTTP server", _SERVE_HELP)
    p.add_argument("--host", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, help="TCP port (default 4599; 0 picks a free port and prints it)")
    add_settings_source(p, "folder for job store, local buckets and caches (default ./.medauto)")
    p.add_argument("--no-auth", action="store_true", help="accept unsigned requests (experiments only)")
    p.add_argument("--credentials", help="ACCESS:SECRET:ACCOUNT[,...] key pairs accepted for SigV4")
    p.add_argument("--workers", type=int, help="HTTP server processes (default 1)")
    _add_backends(p)
    p.add_argument("--job-threads", type=int, help="in-process job worker threads (default 2; 0: none)")
    p.add_argument("--job-processes", type=int, help="processes analysing batch files (default: one per core)")
    p.add_argument("--text-profile", help="clinical text pipeline profile (default fast)")
    p.add_argument("--preload", action="store_true", default=None, help="load text models at start-up")
    add_log_level(p)
    p.add_argument("--access-log", action="store_true", default=None, help="log one line per request")


_EVAL_HELP = """\
Measure the extraction engines on the public development data in shared/data (never on test splits) and
print precision / recall / F1 per type. Suites: ncbi-disease and bc5cdr (disease and chemical NER, exact spans),
negex (negation of a given condition), presidio (PHI spans, exact and overlap). Writes JSON with --out.
`medauto eval sroie` runs the receipt blueprint on the SROIE developer receipts (company, date, address, total;
--ocr engine reads the JPEGs with the document engine, --ocr ground-truth uses the annotated OCR lines).
"""


def _add_eval(sub: Subcommands) -> None:
    p = add_command(sub, "eval", "measure engine accuracy on the development data", _EVAL_HELP)
    p.add_argument("suites", nargs="*", help="suites to run (default: all text suites)")
    p.add_argument("--data", help="the shared/data folder (default: ../shared/data next to the checkout)")
    p.add_argument("--out", help="write the figures as JSON to this file")
    p.add_argument("--text-profile", default="fast", help="text profile whose NER model is measured (fast, accurate)")
    p.add_argument("--config", help="TOML settings file (for text profiles defined there)")
    p.add_argument("--ocr", choices=["engine", "ground-truth"], help="sroie: text source (default: engine)")
    p.add_argument("--engine", help="sroie: extraction engine by registry name (default: extraction.rules.v1; "
                   "also extraction.hybrid.v1, extraction.llm.local.v1, extraction.llm.v1)")


_VOCAB_HELP = """\
Install the RxNorm and SNOMED CT releases that InferRxNorm and InferSNOMEDCT link against. Download the official
release yourself (RxNorm: the RRF "full" zip from NLM; SNOMED CT: an RF2 release under your licence) and import
the zip or the unpacked folder. Until you do, a small demo vocabulary shipped with medauto is used.

  medauto vocab import --kind rxnorm RxNorm_full_11032026.zip
  medauto vocab import --kind snomedct SnomedCT_InternationalRF2_PRODUCTION_20250101T120000Z.zip
  medauto vocab list
"""


def _add_vocab(sub: Subcommands) -> None:
    p = add_command(sub, "vocab", "import and list RxNorm / SNOMED CT vocabularies", _VOCAB_HELP)
    verbs = p.add_subparsers(dest="vocab_command", required=True, metavar="VERB")
    imp = verbs.add_parser("import", help="import an official release (zip or folder)")
    imp.add_argument("--kind", required=True, choices=["rxnorm", "snomedct"], help="which vocabulary")
    imp.add_argument("path", help="the release zip or folder")
    imp.add_argument("--version", dest="vocab_version", help="release version when the file names do not tell it")
    listing = verbs.add_parser("list", help="show the installed vocabularies")
    for q in (imp, listing):
        add_settings_source(q, "medauto data folder (default ./.medauto)")


def run_vocab(args: argparse.Namespace, settings: Settings) -> int:
    from pathlib import Path

    from medauto.engines.vocab.manage import import_release, list_stores
    from medauto.engines.vocab.store import VocabError

    if args.vocab_command == "list":
        stores = list_stores(settings.data_dir)
        if not stores:
            print("no vocabulary installed (the demo is imported on first use)")
        for r in stores:
            print(
                r["kind"],
                r.get("error") or f"{r['source']} {r['edition']} {r['version']} ({r['concepts']} concepts) {r['path']}",
            )
        return 0

    def bar(done: int, total: int) -> None:
        share = done / total if total else 1.0
        sys.stderr.write(f"\r[{'#' * int(share * 40):<40}] {share:6.1%}")
        sys.stderr.flush()

    try:
        report = import_release(args.kind, Path(args.path), settings.data_dir, args.vocab_version, bar)
    except VocabError as exc:
        print(f"\nmedauto vocab import: {exc}", file=sys.stderr)
        return 2
    print(
        f"\nimported {report.kind} {report.version} ({report.edition}): {report.concepts} concepts, "
        f"{report.terms} terms -> {report.store}"
    )
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="medauto",
        description="Self-hosted Amazon Comprehend Medical and Bedrock Data Automation, offline.",
    )
    parser.add_argument("--version", action="version", version=f"medauto {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_serve(sub)
    _add_worker(sub)
    _add_vocab(sub)
    _add_eval(sub)
    add_batch(sub)
    add_decrypt(sub)
    return parser


# Options passed on to the Settings field of the same name; an option not given (None) leaves the field to the
# environment, the config file or its default.
_SETTING_OPTIONS = (
    "host", "port", "data_dir", "credentials", "workers", "log_level", "access_log", "text_profile", "preload",
    "store", "s3_endpoint_url", "job_threads", "job_processes", "executor", "ray_address",
)  # fmt: skip


def _settings_from(args: argparse.Namespace) -> Settings:
    given = {name: getattr(args, name, None) for name in _SETTING_OPTIONS}
    auth = False if getattr(args, "no_auth", None) else None
    return load_settings(getattr(args, "config", None), auth=auth, **given)


def run_worker(settings: Settings) -> int:
    import signal

    from medauto.app import build_components

    settings.data_dir.mkdir(parents=True, exist_ok=True)
    parts = build_components(settings)
    runner = parts.runner
    signal.signal(signal.SIGTERM, lambda *_: runner.stop(timeout=0))
    log.info("medauto worker %s on store %s", runner.worker_id, settings.store)
    print(f"medauto worker {runner.worker_id} ready", flush=True)
    runner.start()
    with contextlib.suppress(KeyboardInterrupt):
        runner.wait()
    runner.stop()
    parts.executor.close()
    parts.jobs.close()
    return 0


def configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level.upper(),
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        stream=sys.stderr,
    )


def serve(settings: Settings) -> None:
    import signal
    import types

    import uvicorn

    class _Server(uvicorn.Server):
        # uvicorn re-raises SIGTERM/SIGINT after a graceful shutdown, so the process would die "by signal".
        # A completed graceful shutdown is a normal exit (status 0) for process supervisors.
        def handle_exit(self, sig: int, frame: types.FrameType | None) -> None:
            if self.should_exit and sig == signal.SIGINT:
                self.force_exit = True
            self.should_exit = True

    from medauto.app import build_app

    auth = f"SigV4 on ({len(settings.key_pairs())} key pair(s))" if settings.auth else "auth OFF (--no-auth)"
    common: dict[str, Any] = {
        "log_level": settings.log_level,
        "access_log": settings.access_log,
        "timeout_graceful_shutdown": 30,
    }
    if settings.workers > 1:
        if settings.port == 0:
            raise SystemExit("medauto: --port 0 cannot be combined with --workers > 1 (each worker needs one port)")
        # Worker processes rebuild settings from the environment.
        for name, value in settings.model_dump().items():
            os.environ[f"MEDAUTO_{name.upper()}"] = str(value)
        log.info("medauto %s, %d workers, %s", __version__, settings.workers, auth)
        print(f"medauto listening on http://{settings.host}:{settings.port}", flush=True)
        uvicorn.run(
            "medauto.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            **common,
        )
        return
    sock = socket.socket(socket.AF_INET6 if ":" in settings.host else socket.AF_INET)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((settings.host, settings.port))
    # Listen before announcing the port: early connections wait in the backlog until uvicorn accepts them.
    sock.listen(2048)
    port = sock.getsockname()[1]
    config = uvicorn.Config(build_app(settings), lifespan="on", **common)
    log.info(
        "medauto %s listening on http://%s:%d (data dir %s, %s)",
        __version__,
        settings.host,
        port,
        settings.data_dir,
        auth,
    )
    print(f"medauto listening on http://{settings.host}:{port}", flush=True)
    _Server(config).run(sockets=[sock])


def run_eval(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from medauto.engines.text.evaluate import SUITES, default_data_dir, run_suites

    if args.suites == ["sroie"]:
        from medauto.engines.extraction.eval_sroie import run_sroie

        return run_sroie(args.data, args.ocr, args.out, args.engine)
    suites = args.suites or list(SUITES)
    unknown = [name for name in suites if name not in SUITES]
    if unknown:
        print(f"medauto eval: unknown suite(s) {', '.join(unknown)}; known: {', '.join(SUITES)}", file=sys.stderr)
        return 2
    data = Path(args.data) if args.data else default_data_dir()
    if not data.is_dir():
        print(f"medauto eval: no data folder at {data} (use --data)", file=sys.stderr)
        return 2
    from medauto.engines.text.profiles import PROFILES, use_profiles

    use_profiles(load_settings(args.config).text_profiles)
    if args.text_profile not in PROFILES:
        known = ", ".join(PROFILES)
        print(f"medauto eval: unknown text profile {args.text_profile!r}; known: {known}", file=sys.stderr)
        return 2
    report = run_suites(data, suites, echo=lambda line: print(line, flush=True), profile=args.text_profile)
    if args.out:
        Path(args.out).write_text(json.dumps(report, indent=2))
        print(f"wrote {args.out}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "eval":
        configure_logging("warning")
        return run_eval(args)
    if args.command in ("batch", "decrypt"):
        try:
            return run_batch(args) if args.command == "batch" else run_decrypt(args)
        except (ValidationError, ValueError) as exc:
            print(f"medauto: invalid settings:\n{exc}", file=sys.stderr)
            return 1
    try:
        settings = _settings_from(args)
    except (ValidationError, ValueError) as exc:
        print(f"medauto: invalid settings:\n{exc}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level)
    if args.command == "worker":
        return run_worker(settings)
    if args.command == "vocab":
        return run_vocab(args, settings)
    serve(settings)
    return 0
