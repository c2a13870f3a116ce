"""Process settings, read once from the environment (prefix ``GROUNDWORK_``)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[1]
DEV_SECRET_KEY = "dev-insecure-secret-key-change-me"  # noqa: S105 (refused outside development)


class Settings(BaseSettings):
    """Everything the backend can be told; production swaps URLs, not code."""

    model_config = SettingsConfigDict(env_prefix="GROUNDWORK_", env_file=".env", extra="ignore")

    env: Literal["development", "production", "test"] = "development"
    data_dir: Path = Path("./data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default: a SQLite file under the data directory"
    )
    broker_url: str | None = Field(
        default=None, description="amqp:// URL of RabbitMQ; default: the embedded single-machine transport"
    )
    events_exchange: str = Field(default="groundwork.events", description="the topic exchange events go to")
    relay_batch_size: int = Field(default=1000, ge=1, le=10000, description="outbox rows the relay publishes at once")
    relay_poll_interval_s: float = Field(
        default=0.025, gt=0,
        description="how often an idle relay looks for events (SQLite; on PostgreSQL a NOTIFY wakes it)")
    host: str = "127.0.0.1"
    port: int = 8000
    secret_key: str = DEV_SECRET_KEY
    public_url: str | None = None

    session_ttl_hours: int = 24 * 14
    cookie_secure: bool = False
    login_rate_limit: str = "10/minute"
    rate_limit_storage: str = "memory://"

    max_request_bytes: int = 512 * 1024 * 1024
    max_json_bytes: int = 64 * 1024 * 1024
    max_file_bytes: int = 200 * 1024 * 1024
    max_files_per_upload: int = 1000
    allow_private_urls: bool = Field(
        default=False, description="let URL import reach loopback, link-local and private addresses"
    )
    url_import_timeout_s: float = 30.0
    thumbnail_size: int = 256
    sql_echo: bool = False
    frontend_dist: Path = Field(default=REPO_ROOT / "frontend" / "dist",
                                description="the built browser UI (served at / when it holds index.html)")
    background_workers: bool = Field(
        default=True,
        description="run the outbox relay, webhook delivery and export/import jobs inside the API process")
    embedded_worker: bool = Field(
        default=True, description="serve also runs the workflow service (orchestrator and executor) as child processes")
    webhook_timeout_s: float = Field(
        default=10.0, gt=0, description="seconds a webhook receiver has to connect and to answer each request")
    webhook_max_attempts: int = Field(
        default=8, ge=1, description="attempts per webhook delivery before it is marked dead")
    webhook_disable_after: int = Field(
        default=10, ge=1, description="dead deliveries in a row that auto-disable a webhook subscription")
    webhook_backoff_base_s: float = Field(
        default=5.0, ge=0, description="first webhook retry delay; doubles per attempt (full jitter)")
    webhook_backoff_cap_s: float = Field(
        default=3600.0, ge=0, description="longest delay between two attempts of a webhook delivery")
    signed_url_ttl_s: int = Field(
        default=300, ge=10, le=7 * 24 * 3600, description="lifetime of signed URLs to files kept in buckets")
    storage_import_max_objects: int = Field(
        default=10_000, ge=1, description="most objects one import-by-reference call lists and registers")
    storage_timeout_s: float = Field(
        default=30.0, gt=0, description="seconds to connect to and read from S3, GCS or Azure Blob")
    storage_private_endpoints: bool = Field(
        default=False, description="let storage connections use endpoint URLs on loopback or private "
                                   "addresses (MinIO or an emulator inside your network)")

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> Settings:
        if self.env == "production" and (self.secret_key == DEV_SECRET_KEY or len(self.secret_key) < 32):
            raise ValueError(
                "GROUNDWORK_SECRET_KEY must be set to a random string of at least 32 characters "
                "outside development (try: python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
        return self

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to ``sqlite:///<data_dir>/groundwork.db``."""
        if self.database_url:
            url = self.database_url
            if url.startswith("postgresql://") or url.startswith("postgres://"):
                url = "postgresql+psycopg://" + url.split("://", 1)[1]
            return url
        return f"sqlite:///{(self.data_dir / 'groundwork.db').resolve()}"

    @property
    def is_sqlite(self) -> bool:
        """True when running on the embedded SQLite database."""
        return self.resolved_database_url.startswith("sqlite")

    @property
    def media_dir(self) -> Path:
        """Where the local storage backend keeps media."""
        return self.data_dir / "media"

    @property
    def base_url(self) -> str:
        """The URL people reach the server at."""
        return self.public_url or f"http://{self.host}:{self.port}"


@lru_cache
def get_settings() -> Settings:
    """The process-wide settings (cached; tests clear the cache to change them)."""
    return Settings()
