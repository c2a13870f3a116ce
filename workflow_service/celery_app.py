"""The Celery app: blocks run as tasks on the ``cpu`` and ``gpu`` queues (RabbitMQ or the embedded broker).

Tasks are acknowledged after they finish (``acks_late``) and given back when a worker dies
(``reject_on_worker_lost``), so a killed worker's step runs again on another one.
"""

from __future__ import annotations

from typing import Any

import groundwork.events.transport as embedded  # registers the embedded transport's alias
from celery import Celery

from workflow_service.settings import WorkerSettings

TASK_NAME = "groundwork.run_block"


def physical_queue(settings: WorkerSettings, queue: str) -> str:
    """The broker queue behind a logical queue name (``cpu`` → ``groundwork.cpu``)."""
    return f"{settings.worker_prefix}.{queue}"


def broker_options(settings: WorkerSettings) -> tuple[str, dict[str, Any]]:
    """Celery's broker URL and transport options for these settings."""
    if settings.broker_url:
        return settings.broker_url, {"confirm_publish": True}
    root = (settings.data_dir / "broker").resolve()
    root.mkdir(parents=True, exist_ok=True)
    return f"{embedded.ALIAS}://", {"root": str(root), "control_folder": str(root / "control"), "fsync": True}


def make_celery(settings: WorkerSettings) -> Celery:
    """A configured Celery app (tasks are registered by ``workflow_service.executor``)."""
    url, options = broker_options(settings)
    app = Celery("groundwork", broker=url, set_as_current=False)
    app.conf.update(
        broker_transport_options=options,
        broker_connection_retry_on_startup=True,
        task_acks_late=True,
        task_reject_on_worker_lost=True,
        task_acks_on_failure_or_timeout=True,
        worker_prefetch_multiplier=1,
        task_ignore_result=True,
        task_serializer="json",
        accept_content=["json"],
        task_default_queue=physical_queue(settings, "cpu"),
        task_create_missing_queues=True,
        worker_hijack_root_logger=False,
        worker_send_task_events=False,
        worker_enable_remote_control=bool(settings.broker_url),  # the embedded broker has no fanout exchange
        worker_cancel_long_running_tasks_on_connection_loss=True,
    )
    return app
