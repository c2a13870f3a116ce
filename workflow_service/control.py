"""The control channel: executors tell the orchestrator how steps ended (topic exchange ``groundwork.workflow``).

Messages use the event envelope so the orchestrator consumes them with the same consumer (ack after
handling, retries, dead letters) as the public events.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime

import kombu
from celery import Celery
from groundwork.events import EventMessage

from workflow_service.messages import ResultBatch, StepResult
from workflow_service.settings import CONTROL_EXCHANGE

RESULT_TYPE = "workflow.step.result"
EXCHANGE = kombu.Exchange(CONTROL_EXCHANGE, type="topic", durable=True)


def result_message(results: list[StepResult]) -> EventMessage:
    """The envelope carrying a batch of step results."""
    return EventMessage(id=random.getrandbits(62), type=RESULT_TYPE, project_id=None, actor_id=None,
                        occurred_at=datetime.now(UTC), payload=ResultBatch(results=results).model_dump(mode="json"))


def publish_results(app: Celery, results: list[StepResult]) -> None:
    """Send step results to the orchestrator through the app's broker connection (confirmed, persistent)."""
    message = result_message(results)
    with app.producer_or_acquire() as producer:
        producer.publish(message.to_json(), exchange=EXCHANGE, routing_key=RESULT_TYPE, declare=[EXCHANGE],
                         delivery_mode=2, content_type="application/json", content_encoding="utf-8",
                         message_id=str(message.id), retry=True, retry_policy={"max_retries": 10})
