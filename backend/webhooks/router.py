"""HTTP: a project's webhook subscriptions, their secrets, test pings and the delivery log (admins only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from backend.core.deps import SessionDep, SettingsDep
from backend.core.pagination import Page, PageDep, make_page
from backend.projects.deps import Admin
from backend.webhooks import repository, service
from backend.webhooks.models import DeliveryStatus
from backend.webhooks.schemas import (
    AttemptRead,
    DeliveryDetail,
    DeliveryRead,
    EventEnvelope,
    SecretRotate,
    WebhookCreate,
    WebhookCreated,
    WebhookRead,
    WebhookSecret,
    WebhookUpdate,
)

router = APIRouter(prefix="/projects/{project_id}/webhooks", tags=["webhooks"])


@router.post("", response_model=WebhookCreated, status_code=status.HTTP_201_CREATED,
             summary="Subscribe a URL to event types (the signing secret is shown in this answer only)")
def create_webhook(body: WebhookCreate, access: Admin, session: SessionDep, settings: SettingsDep) -> WebhookCreated:
    sub, secret = service.create(session, access, body, settings)
    return WebhookCreated(**WebhookRead.model_validate(sub).model_dump(), secret=secret)


@router.get("", response_model=Page[WebhookRead], summary="The project's webhooks")
def list_webhooks(access: Admin, session: SessionDep, page: PageDep) -> Page[WebhookRead]:
    rows = repository.subscriptions_of(session, access.project.id, page.after, page.limit + 1)
    return make_page(rows, page, WebhookRead.model_validate, lambda s: s.id)


@router.get("/{webhook_id}", response_model=WebhookRead, summary="One webhook")
def get_webhook(webhook_id: int, access: Admin, session: SessionDep) -> WebhookRead:
    return WebhookRead.model_validate(service.get(session, access.project.id, webhook_id))


@router.patch("/{webhook_id}", response_model=WebhookRead,
              summary="Change URL, event types, description or active (re-enabling resets the failure count)")
def update_webhook(webhook_id: int, body: WebhookUpdate, access: Admin, session: SessionDep,
                   settings: SettingsDep) -> WebhookRead:
    return WebhookRead.model_validate(service.update(session, access, webhook_id, body, settings))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT,
               summary="Delete a webhook with its delivery log")
def delete_webhook(webhook_id: int, access: Admin, session: SessionDep) -> None:
    service.delete(session, access, webhook_id)


@router.post("/{webhook_id}/rotate-secret", response_model=WebhookSecret,
             summary="Replace the signing secret (shown in this answer only); the old one may overlap a while")
def rotate_secret(webhook_id: int, body: SecretRotate, access: Admin, session: SessionDep,
                  settings: SettingsDep) -> WebhookSecret:
    return service.rotate_secret(session, access, webhook_id, body, settings)


@router.post("/{webhook_id}/test", response_model=DeliveryRead, status_code=status.HTTP_202_ACCEPTED,
             summary="Queue a webhook.test ping to this webhook (one attempt)")
def test_webhook(webhook_id: int, access: Admin, session: SessionDep) -> DeliveryRead:
    return DeliveryRead.model_validate(service.queue_test(session, access, webhook_id))


@router.get("/{webhook_id}/deliveries", response_model=Page[DeliveryRead],
            summary="The delivery log, newest first")
def list_deliveries(webhook_id: int, access: Admin, session: SessionDep, page: PageDep,
                    status_: Annotated[DeliveryStatus | None,
                                       Query(alias="status", description="only this status")] = None,
                    ) -> Page[DeliveryRead]:
    sub = service.get(session, access.project.id, webhook_id)
    rows = repository.deliveries_of(session, sub.id, status_, page.after, page.limit + 1)
    return make_page(rows, page, DeliveryRead.model_validate, lambda d: d.id)


@router.get("/{webhook_id}/deliveries/{delivery_id}", response_model=DeliveryDetail,
            summary="One delivery: the request body and every attempt")
def get_delivery(webhook_id: int, delivery_id: int, access: Admin, session: SessionDep) -> DeliveryDetail:
    sub = service.get(session, access.project.id, webhook_id)
    delivery = service.get_delivery(session, sub, delivery_id)
    event = repository.event(session, delivery.event_id)
    assert event is not None  # deliveries go with their event (ON DELETE CASCADE)
    attempts = [AttemptRead.model_validate(a) for a in repository.attempts_of(session, delivery.id, 100)]
    return DeliveryDetail(**DeliveryRead.model_validate(delivery).model_dump(),
                          request_body=EventEnvelope.model_validate(event), attempt_log=attempts)


@router.post("/{webhook_id}/deliveries/{delivery_id}/redeliver", response_model=DeliveryRead,
             status_code=status.HTTP_202_ACCEPTED, summary="Send a delivery again (fresh attempt budget)")
def redeliver(webhook_id: int, delivery_id: int, access: Admin, session: SessionDep) -> DeliveryRead:
    return DeliveryRead.model_validate(service.redeliver(session, access, webhook_id, delivery_id))
