"""The orchestrator process: two consumers (public events, step results) and a ticker around one engine."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from groundwork.events import Consumer, EventMessage, RetryPolicy, connection_for

from workflow_service.backend_api import BackendAPI
from workflow_service.blocks.registry import Registry
from workflow_service.celery_app import TASK_NAME, make_celery, physical_queue
from workflow_service.control import RESULT_TYPE
from workflow_service.messages import ResultBatch, StepBatch
from workflow_service.orchestrator.engine import Engine
from workflow_service.settings import CONTROL_EXCHANGE, WorkerSettings

log = logging.getLogger(__name__)
TICK_S = 0.02
SCHEDULE_EVERY_S = 5.0


class Orchestrator:
    """Wires the engine to the broker; every engine call happens under one lock."""

    def __init__(self, settings: WorkerSettings, api: BackendAPI, registry: Registry) -> None:
        self.settings, self.api, self.registry = settings, api, registry
        self.celery = make_celery(settings)
        self.engine = Engine(api, registry.catalogue(), self._dispatch)
        self.lock = threading.Lock()

    def _dispatch(self, batch: StepBatch) -> None:
        self.celery.send_task(TASK_NAME, args=[batch.model_dump(mode="json")],
                              queue=physical_queue(self.settings, batch.queue),
                              soft_time_limit=batch.timeout, time_limit=batch.timeout + 30)

    def _on_event(self, event: EventMessage) -> None:
        with self.lock:
            self.engine.on_event(event)

    def _on_result(self, event: EventMessage) -> None:
        if event.type != RESULT_TYPE:
            return
        with self.lock:
            self.engine.on_results(ResultBatch.model_validate(event.payload).results)

    def _flush(self) -> None:
        with self.lock:
            self.engine.flush()

    def _consumer(self, queue: str, patterns: list[str], handler: Any, exchange: str) -> Consumer:
        return Consumer(connection_for(self.settings.broker_url, self.settings.data_dir), queue, patterns, handler,
                        exchange=exchange, retry=RetryPolicy(max_attempts=8, base_delay_s=0.5, max_delay_s=30),
                        on_batch=self._flush, prefetch=500)

    def run(self, stop: threading.Event, on_ready: Callable[[], None] | None = None) -> None:
        """Recover the runs in progress, then consume and tick until ``stop`` is set.

        ``on_ready`` is called once the queues exist and the consumers run (events from then on are seen).
        """
        prefix = self.settings.worker_prefix
        consumers = [
            self._consumer(f"{prefix}.workflows.events", ["#"], self._on_event, self.settings.events_exchange),
            self._consumer(f"{prefix}.workflows.control", ["workflow.step.#"], self._on_result, CONTROL_EXCHANGE),
        ]
        for c in consumers:  # queues exist (and gather messages) before recovery reads the backend
            c.connection.ensure_connection(max_retries=30, interval_start=0.5, interval_step=0.5, interval_max=5)
            c.declare()
        while not stop.is_set():
            try:
                with self.lock:
                    self.engine.recover()
                break
            except Exception as exc:  # the API is not up yet: try again
                log.warning("orchestrator: cannot recover runs yet (%s); retrying", exc)
                stop.wait(2.0)
        threads = [threading.Thread(target=c.run, args=(stop,), name=f"gw-{c.name}", daemon=True) for c in consumers]
        for t in threads:
            t.start()
        if on_ready is not None:
            on_ready()
        self._tick(stop)
        for t in threads:
            t.join(timeout=10)

    def _tick(self, stop: threading.Event) -> None:
        last_schedule = 0.0
        while not stop.is_set():
            with self.lock:
                due = self.engine.batcher.next_due()
            stop.wait(min(TICK_S if due is None else max(due, 0.001), 0.5))
            try:
                with self.lock:
                    if time.monotonic() - last_schedule >= SCHEDULE_EVERY_S:
                        last_schedule = time.monotonic()
                        self.engine.schedule_tick()
                    self.engine.flush()
            except Exception:
                log.exception("orchestrator: a periodic round failed; trying again")
