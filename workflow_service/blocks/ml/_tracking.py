"""MLflow: where training runs are tracked and models registered (the worker's tracking URI).

The default is a local store under the data directory (``DATA_DIR/mlflow/mlflow.db`` and its
artifacts beside it), so a laptop needs no MLflow server; ``GROUNDWORK_MLFLOW_TRACKING_URI`` points
the workers at a tracking server (or another ``sqlite:``/``file:`` store) instead.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlparse

from workflow_service.blocks.ml._runtime import need
from workflow_service.settings import WorkerSettings

if TYPE_CHECKING:
    from workflow_service.blocks.ml._train_impl import Trained

SNAPSHOT_TAG = "groundwork.snapshot_id"


def configure() -> str:
    """Point MLflow at the workers' tracking URI (read from the environment each time); returns it."""
    need("mlflow")
    import mlflow

    os.environ.setdefault("MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR", "false")
    uri = WorkerSettings().tracking_uri
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    return uri


MAX_HISTORY_POINTS = 200


def run_url(experiment_id: str, run_id: str) -> str | None:
    """The run's page in the configured MLflow UI (``GROUNDWORK_MLFLOW_UI_URL``), or None."""
    base = WorkerSettings().mlflow_ui_url
    if not base:
        return None
    return f"{base.rstrip('/')}/#/experiments/{quote(experiment_id)}/runs/{quote(run_id)}"


def history_points(epochs: list[dict[str, float]]) -> list[dict[str, float]]:
    """Per-epoch metrics for the step's chart: every epoch, or evenly spaced ones (always the last)."""
    n = len(epochs)
    keep = range(n) if n <= MAX_HISTORY_POINTS else sorted(
        {round(i * (n - 1) / (MAX_HISTORY_POINTS - 1)) for i in range(MAX_HISTORY_POINTS)})
    return [{"epoch": i + 1, **{k: round(v, 6) for k, v in epochs[i].items()}} for i in keep]


def _local_artifacts(uri: str, experiment: str) -> str | None:
    """Where a local SQLite store keeps artifacts (beside its database; MLflow's default is the working dir)."""
    parsed = urlparse(uri)
    if parsed.scheme != "sqlite":
        return None
    db = Path(uri.removeprefix("sqlite:///")) if uri.startswith("sqlite:////") else Path(parsed.path)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in experiment)
    return (db.parent / "artifacts" / safe).resolve().as_uri()


def experiment_id(name: str) -> str:
    """The experiment's id, created on first use."""
    import mlflow

    uri = configure()
    found = mlflow.get_experiment_by_name(name)
    if found is not None:
        return str(found.experiment_id)
    try:
        return str(mlflow.create_experiment(name, artifact_location=_local_artifacts(uri, name)))
    except Exception:  # another worker created it at the same moment
        found = mlflow.get_experiment_by_name(name)
        if found is None:
            raise
        return str(found.experiment_id)


def resolve_version(name: str, version: str | int | None) -> str:
    """A registered model's version: the number given, or the newest one (``latest`` / None)."""
    from mlflow.tracking import MlflowClient

    configure()
    if version not in (None, "", "latest"):
        return str(int(version))
    versions = MlflowClient().search_model_versions(f"name='{name}'")
    if not versions:
        raise LookupError(f"no registered model named {name!r} at {WorkerSettings().tracking_uri} (train one first)")
    return str(max(int(v.version) for v in versions))


def model_version_tags(name: str, version: str) -> dict[str, Any]:
    """The tags of a registered model version (e.g. the snapshot it was trained on)."""
    from mlflow.tracking import MlflowClient

    configure()
    return dict(MlflowClient().get_model_version(name, version).tags)


def download(name: str, version: str) -> Path:
    """The registered model version's files on this machine (a local store is read in place)."""
    import mlflow

    configure()
    return Path(mlflow.artifacts.download_artifacts(artifact_uri=f"models:/{name}/{version}"))


def log_and_register(done: Trained, name: str, spec: dict[str, Any], tags: dict[str, Any], code: Path) -> str:
    """In the active run: final metrics, the confusion matrix and per-class report, and the model (a bundle
    in the pyfunc flavour), registered as a new version of ``name`` with ``tags``. Returns the version."""
    import mlflow
    from mlflow.tracking import MlflowClient

    from workflow_service.blocks.ml import _bundle

    m = done.metrics
    mlflow.log_metrics({"accuracy": m["accuracy"], "f1_macro": m["f1_macro"], "best_epoch": done.history.best_epoch,
                        **{f"f1_{k}": v["f1"] for k, v in m["per_class"].items()}})
    mlflow.log_dict(m["confusion_matrix"], "confusion_matrix.json")
    mlflow.log_dict({"per_class": m["per_class"], "evaluated_on": m["evaluated_on"]}, "classification_report.json")
    mlflow.log_dict({"epochs": done.history.epochs, "best_epoch": done.history.best_epoch}, "history.json")
    with tempfile.TemporaryDirectory() as tmp:
        bundle = _bundle.save(Path(tmp) / "bundle", spec, done.module, encoder=done.encoder,
                              tokenizer=done.tokenizer)
        info = mlflow.pyfunc.log_model(name="model", python_model=str(code), artifacts={"bundle": str(bundle)},
                                       registered_model_name=name, pip_requirements=["groundwork[ml]"],
                                       signature=_signature(spec["modality"]))
    version = str(info.registered_model_version)
    client = MlflowClient()
    for key, value in tags.items():
        client.set_model_version_tag(name, version, key, json.dumps(value))
    return version


def _signature(modality: str) -> Any:
    """What the pyfunc model takes: a ``text`` column of strings, or an ``image`` column of encoded bytes."""
    from mlflow.models import ModelSignature
    from mlflow.types import ColSpec, Schema

    column = ColSpec("string", "text") if modality == "text" else ColSpec("binary", "image")
    return ModelSignature(inputs=Schema([column]))
