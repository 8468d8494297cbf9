"""One typed settings object, read from ``MEDAUTO_*`` environment variables and an optional TOML file.

Precedence: explicit overrides (CLI flags) > environment > config file > defaults. The object is built once by
the CLI and passed down; nothing imports it as a global.
"""

from __future__ import annotations

import os
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict, TomlConfigSettingsSource

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_CREDENTIALS = f"test:test:{DEFAULT_ACCOUNT}"
_CONFIG_FILE: ContextVar[str | None] = ContextVar("medauto_config_file", default=None)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MEDAUTO_", extra="forbid", frozen=True)

    host: str = Field("127.0.0.1", description="Address the HTTP server binds to.")
    port: int = Field(4599, ge=0, le=65535, description="TCP port of the HTTP server (0 picks a free one).")
    data_dir: Path = Field(Path(".medauto"), description="Folder for the job store, buckets and caches.")
    auth: bool = Field(True, description="Verify AWS Signature V4 on every request.")
    credentials: str = Field(
        DEFAULT_CREDENTIALS,
        description="Accepted key pairs: comma-separated ACCESS_KEY:SECRET_KEY:ACCOUNT_ID triples.",
    )
    default_account: str = Field(DEFAULT_ACCOUNT, pattern=r"^[0-9]{12}$", description="Account used with --no-auth.")
    region: str = Field("us-east-1", description="Region used in ARNs when a request carries none.")
    max_clock_skew_seconds: int = Field(900, ge=0, description="Allowed distance between request and server time.")
    max_body_bytes: int = Field(64 * 1024 * 1024, ge=1024, description="Largest request body accepted.")
    worker_threads: int = Field(16, ge=1, le=512, description="Threads that run request handlers.")
    workers: int = Field(1, ge=1, le=64, description="HTTP server processes.")
    store: str = Field(
        "sqlite", description="Job store: sqlite (a file in the data dir), memory, or a postgresql:// URL."
    )
    s3_endpoint_url: str | None = Field(
        None, description="Use this S3 API for buckets (credentials from the AWS environment); default: local folders."
    )
    job_threads: int = Field(2, ge=0, le=64, description="In-process job worker threads (0: only `medauto worker`).")
    job_processes: int = Field(
        0, ge=0, le=256, description="Processes that analyse batch files (0: one per core; 1: in the job thread)."
    )
    job_stale_seconds: int = Field(
        120, ge=1, description="A running job whose worker sent no heartbeat for this long is taken over."
    )
    executor: str = Field(
        "local", pattern=r"^(local|ray)$", description="What analyses batch files: local (process pool) or ray."
    )
    ray_address: str | None = Field(None, description="Ray cluster to join (default: start a local one).")
    local_kms_key_file: Path | None = Field(
        None, description="Key that encrypts KMSKey job outputs in local folders (default <data_dir>/kms/local.key)."
    )
    text_profile: str = Field(
        "fast", description="Clinical text pipeline profile: fast, accurate or one defined in text_profiles."
    )
    text_profiles: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Extra text profiles by name ([text_profiles.<name>] tables: model_version, base and the stage "
        "names of entity_recognizers, attribute_recognizers, phi_recognizers, traits, linker).",
    )
    preload: bool = Field(False, description="Load the text models at start-up instead of on first use.")
    bda_max_document_mb: int = Field(500, ge=1, description="Largest DOCUMENT asset BDA invocations accept (MB).")
    bda_max_image_mb: int = Field(5, ge=1, description="Largest IMAGE asset BDA invocations accept (MB).")
    bda_max_pages: int = Field(3000, ge=1, description="Most pages a BDA document may have.")
    ocr_device: str = Field(
        "cpu", pattern=r"^(cpu|cuda)$", description="Where OCR runs: cpu, or cuda (onnxruntime-gpu with a GPU)."
    )
    asr_device: str = Field(
        "cpu", pattern=r"^(cpu|cuda)$", description="Where speech recognition runs: cpu, or cuda (CTranslate2)."
    )
    asr_engine: str = Field(
        "audio.asr.whisper-base.v1",
        pattern=r"^audio\.asr\.[a-z0-9_.-]+$",
        description="Speech recognizer for BDA audio and video: audio.asr.whisper-base.v1 (beam 5) or the lighter "
        "audio.asr.whisper-base-greedy.v1 (beam 1).",
    )
    extraction_engine: str = Field(
        "extraction.rules.v1",
        description="Blueprint field extraction engine: extraction.rules.v1 (offline, no model), "
        "extraction.llm.v1 (an OpenAI-compatible endpoint set by MEDAUTO_LLM_BASE_URL / MEDAUTO_LLM_MODEL), "
        "extraction.hybrid.v1 (the rules, plus the bundled SmolLM2-135M for inferred fields they leave empty) "
        "or extraction.llm.local.v1 (the bundled model for every field). The last two need the llm extra.",
    )
    llm_device: str = Field(
        "cpu", pattern=r"^(cpu|cuda)$", description="Where the bundled local LLM runs: cpu, or cuda (a CUDA "
        "build of llama-cpp-python with a GPU)."
    )
    log_level: str = Field("info", description="debug, info, warning or error.")
    access_log: bool = Field(False, description="Log one line per HTTP request.")

    @field_validator("credentials")
    @classmethod
    def _check_credentials(cls, value: str) -> str:
        parse_credentials(value)
        return value

    @field_validator("text_profiles")
    @classmethod
    def _check_text_profiles(cls, value: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
        from medauto.engines.text.profiles import parse_profiles

        parse_profiles(value)  # shape only; stage names are checked when the app is built
        return value

    @field_validator("log_level")
    @classmethod
    def _check_level(cls, value: str) -> str:
        value = value.lower()
        if value not in ("debug", "info", "warning", "error"):
            raise ValueError("log_level must be debug, info, warning or error")
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        config_file = _CONFIG_FILE.get() or os.environ.get("MEDAUTO_CONFIG")
        if config_file:
            sources.append(TomlConfigSettingsSource(settings_cls, toml_file=Path(config_file)))
        return tuple(sources)

    def key_pairs(self) -> list[tuple[str, str, str]]:
        return parse_credentials(self.credentials)

    def kms_key_path(self) -> Path:
        return self.local_kms_key_file or self.data_dir / "kms" / "local.key"


def parse_credentials(value: str) -> list[tuple[str, str, str]]:
    pairs = []
    for item in value.split(","):
        item = item.strip()
        if not item:
            continue
        parts = item.split(":")
        if len(parts) != 3 or not all(parts) or not (parts[2].isdigit() and len(parts[2]) == 12):
            raise ValueError(f"credential {item.split(':')[0]!r} must be ACCESS_KEY:SECRET_KEY:12-digit-ACCOUNT")
        pairs.append((parts[0], parts[1], parts[2]))
    return pairs


def load_settings(config_file: str | None = None, **overrides: Any) -> Settings:
    """Build Settings; ``config_file`` wins over ``MEDAUTO_CONFIG``; ``None`` overrides are ignored."""
    token = _CONFIG_FILE.set(config_file)
    try:
        return Settings(**{k: v for k, v in overrides.items() if v is not None})
    finally:
        _CONFIG_FILE.reset(token)
