"""The workflow service's settings (environment variables with the ``GROUNDWORK_`` prefix)."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

#: Topic exchange for the service's own messages (step results); separate from the public events.
CONTROL_EXCHANGE = "groundwork.workflow"


class WorkerSettings(BaseSettings):
    """What a worker process needs: where the API is, its token, and the broker."""

    model_config = SettingsConfigDict(env_prefix="GROUNDWORK_", env_file=".env", extra="ignore")

    api_url: str = Field(default="http://127.0.0.1:8000", description="the backend's base URL")
    service_token: str | None = Field(default=None, description="a service-account API token")
    broker_url: str | None = Field(default=None, description="amqp:// URL; default: the embedded transport")
    data_dir: Path = Path("./data")
    events_exchange: str = "groundwork.events"
    worker_queues: str = Field(default="cpu", description="comma-separated Celery queues this executor serves")
    worker_concurrency: int = Field(default=2, ge=1, le=256, description="executor processes (or threads)")
    worker_prefix: str = Field(default="groundwork", description="prefix of the service's queue names")
    api_timeout_s: float = Field(default=30.0, gt=0, description="seconds per backend API call")
    mlflow_tracking_uri: str | None = Field(
        default=None, description="where train/predict track experiments and models; default: a local store "
                                  "(SQLite and artifacts) under DATA_DIR/mlflow")
    mlflow_ui_url: str | None = Field(
        default=None, description="base URL of an MLflow UI over that store (e.g. http://127.0.0.1:5000); when "
                                  "set, training steps link to their MLflow run")

    @property
    def tracking_uri(self) -> str:
        """The MLflow tracking URI: the configured one, or the local store under the data directory."""
        if self.mlflow_tracking_uri:
            return self.mlflow_tracking_uri
        root = (self.data_dir / "mlflow").resolve()
        root.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{root / 'mlflow.db'}"

    @property
    def queues(self) -> list[str]:
        """The executor's queues as a list."""
        return [q.strip() for q in self.worker_queues.split(",") if q.strip()]
