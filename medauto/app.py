"""Composition root: settings -> stores, providers, gateway -> ASGI app."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta

from medauto.config import Settings, load_settings
from medauto.engines.text.pipeline import shared_pipeline
from medauto.engines.text.profiles import PROFILES, ProfileError, check_stages, use_profiles
from medauto.gateway.chain import Gateway
from medauto.gateway.dispatch import Dispatcher
from medauto.http.admin import AdminRoutes
from medauto.http.asgi import AsgiApp
from medauto.jobs.executors import Executor, InlineExecutor
from medauto.jobs.runner import JobRunner
from medauto.jobs.sqlite_store import SqliteJobStore
from medauto.jobs.store import InMemoryJobStore, JobStore
from medauto.protocols.errors import ServiceError
from medauto.protocols.messages import HttpRequest, HttpResponse
from medauto.protocols.sigv4 import Credential, SigV4Verifier
from medauto.protocols.specs import Service, service_model
from medauto.services.bda.provider import BdaProvider
from medauto.services.bda_runtime.catalog import StoreCatalog
from medauto.services.bda_runtime.custom_output import engine_stage
from medauto.services.bda_runtime.invocations import STATUSES as BDA_STATUSES
from medauto.services.bda_runtime.processing import MB, Limits
from medauto.services.bda_runtime.provider import BdaRuntimeProvider
from medauto.services.comprehendmedical.provider import ComprehendMedicalProvider
from medauto.storage.encryption import LocalKeyring
from medauto.storage.localfs import LocalFolderObjectStore
from medauto.storage.objects import ObjectStore
from medauto.storage.resources import InMemoryResourceStore, ResourceStore
from medauto.storage.s3 import S3ObjectStore

log = logging.getLogger("medauto")


def build_job_store(settings: Settings) -> JobStore:
    if settings.store == "memory":
        return InMemoryJobStore()
    if settings.store == "sqlite":
        return SqliteJobStore(settings.data_dir / "jobs.sqlite")
    if settings.store.startswith(("postgresql://", "postgres://")):
        from medauto.jobs.postgres_store import PostgresJobStore

        return PostgresJobStore(settings.store)
    raise SystemExit(f"medauto: --store must be sqlite, memory or a postgresql:// URL, not {settings.store!r}")


def build_object_store(settings: Settings) -> ObjectStore:
    if settings.s3_endpoint_url:
        return S3ObjectStore(settings.s3_endpoint_url, settings.region)
    # Outputs of jobs that name a KMSKey are sealed with the local key (S3 back ends do SSE-KMS instead).
    return LocalFolderObjectStore(settings.data_dir / "buckets", keyring=LocalKeyring(settings.kms_key_path()))


def build_resource_store(settings: Settings) -> ResourceStore:
    """Control-plane resources (blueprints, projects) live beside the jobs, chosen by the same --store."""
    if settings.store == "memory":
        return InMemoryResourceStore()
    if settings.store == "sqlite":
        from medauto.storage.resources_sqlite import SqliteResourceStore

        return SqliteResourceStore(settings.data_dir / "resources.sqlite")
    if settings.store.startswith(("postgresql://", "postgres://")):
        from medauto.storage.resources_postgres import PostgresResourceStore

        return PostgresResourceStore(settings.store)
    raise SystemExit(f"medauto: --store must be sqlite, memory or a postgresql:// URL, not {settings.store!r}")


class RunnerGroup:
    """Several job runners (one per service vocabulary of statuses) started and stopped as one."""

    def __init__(self, runners: list[JobRunner]) -> None:
        self.runners = runners
        self.worker_id = runners[0].worker_id

    def start(self) -> None:
        for runner in self.runners:
            runner.start()

    def stop(self, timeout: float = 30.0) -> None:
        for runner in self.runners:
            runner.stop(timeout)

    def wait(self) -> None:
        self.runners[0].wait()


def build_executor(settings: Settings) -> Executor:
    processes = settings.job_processes or os.cpu_count() or 1
    if settings.executor == "ray":
        from medauto.jobs.executors.ray import RayExecutor

        return RayExecutor(address=settings.ray_address, actors=processes)
    if processes <= 1:
        return InlineExecutor()
    from medauto.jobs.executors.local import ProcessPoolExecutorAdapter

    return ProcessPoolExecutorAdapter(processes)


@dataclass
class Components:
    """Everything built from Settings; the server and `medauto worker` share it."""

    gateway: Gateway
    dispatcher: Dispatcher
    jobs: JobStore
    runner: RunnerGroup
    executor: Executor
    resources: ResourceStore


def build_components(settings: Settings) -> Components:
    # The engines read their device from the environment (their factories take no arguments), so settings given
    # by flag or TOML file are passed on that way; this also reaches spawned worker processes.
    os.environ["MEDAUTO_OCR_DEVICE"] = settings.ocr_device
    os.environ["MEDAUTO_ASR_DEVICE"] = settings.asr_device
    os.environ["MEDAUTO_ASR_ENGINE"] = settings.asr_engine
    os.environ["MEDAUTO_LLM_DEVICE"] = settings.llm_device
    use_profiles(settings.text_profiles)  # configured text profiles, for this process and spawned workers
    check_text_profile(settings.text_profile)
    jobs = build_job_store(settings)
    objects = build_object_store(settings)
    cm = ComprehendMedicalProvider(settings.text_profile, jobs, objects, settings.data_dir.resolve())
    executor = build_executor(settings)
    resources = build_resource_store(settings)
    limits = Limits(
        document_bytes=settings.bda_max_document_mb * MB,
        image_bytes=settings.bda_max_image_mb * MB,
        document_pages=settings.bda_max_pages,
        unsplit_pages=settings.bda_max_pages,
    )
    bda_runtime = BdaRuntimeProvider(
        jobs,
        objects,
        StoreCatalog(resources),
        resources,
        limits=limits,
        custom_stage=engine_stage(settings.extraction_engine),
    )
    stale_after = timedelta(seconds=settings.job_stale_seconds)
    threads = max(1, settings.job_threads)
    runner = RunnerGroup(
        [
            JobRunner(jobs, cm.batch_handlers(executor), threads=threads, stale_after=stale_after),
            JobRunner(
                jobs, bda_runtime.batch_handlers(), statuses=BDA_STATUSES, threads=threads, stale_after=stale_after
            ),
        ]
    )
    bda = BdaProvider(resources, objects, settings.extraction_engine)
    gateway, dispatcher = build_gateway(settings, cm, bda_runtime, bda)
    return Components(gateway, dispatcher, jobs, runner, executor, resources)


def build_gateway(
    settings: Settings, cm: ComprehendMedicalProvider, bda_runtime: BdaRuntimeProvider, bda: BdaProvider
) -> tuple[Gateway, Dispatcher]:
    dispatcher = Dispatcher(
        {
            Service.COMPREHEND_MEDICAL: cm,
            Service.BDA_RUNTIME: bda_runtime,
            Service.BDA: bda,
        }
    )
    verifier = None
    if settings.auth:
        creds = {ak: Credential(ak, sk, account) for ak, sk, account in settings.key_pairs()}
        verifier = SigV4Verifier(creds, max_skew_seconds=settings.max_clock_skew_seconds)
    gateway = Gateway(dispatcher, verifier, settings.default_account, settings.region)
    return gateway, dispatcher


def check_text_profile(name: str) -> None:
    """Unknown profiles and profiles naming unregistered stages stop the start-up with the names at fault."""
    if name not in PROFILES:
        raise SystemExit(f"medauto: unknown text profile {name!r}; known: {', '.join(PROFILES)}")
    try:
        check_stages(PROFILES[name])
    except ProfileError as exc:
        raise SystemExit(f"medauto: {exc}") from None


def build_app(settings: Settings) -> AsgiApp:
    use_profiles(settings.text_profiles)
    check_text_profile(settings.text_profile)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    parts = build_components(settings)
    gateway, dispatcher = parts.gateway, parts.dispatcher

    def describe_services() -> dict[str, object]:
        return {
            str(svc): {
                "operations": len(service_model(svc).operation_names),
                "implemented": dispatcher.implemented(svc),
            }
            for svc in Service
        }

    def too_large(request: HttpRequest, limit: int) -> HttpResponse:
        error = ServiceError("RequestEntityTooLargeException", f"The request body exceeds {limit} bytes.", 413)
        return gateway.error_response(request, error)

    def startup() -> None:
        if settings.preload:
            log.info("preloading the %s text profile", settings.text_profile)
            shared_pipeline(settings.text_profile)
        if settings.job_threads:
            parts.runner.start()

    def shutdown() -> None:
        parts.runner.stop()
        parts.executor.close()
        parts.jobs.close()
        parts.resources.close()

    return AsgiApp(
        gateway.handle,
        AdminRoutes(describe_services),
        too_large,
        max_body_bytes=settings.max_body_bytes,
        worker_threads=settings.worker_threads,
        on_startup=startup,
        on_shutdown=shutdown,
    )


def create_app() -> AsgiApp:
    """Factory for ASGI servers started with several worker processes (settings from MEDAUTO_* variables)."""
    return build_app(load_settings())
