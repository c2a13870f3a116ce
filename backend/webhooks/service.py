"""Webhook subscription rules: URLs through the SSRF guard, secrets shown once, test pings, redelivery."""

from __future__ import annotations

from datetime import timedelta
from fnmatch import fnmatchcase

from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core import net
from backend.core.errors import Conflict, NotFound, ValidationFailed
from backend.core.types import utcnow
from backend.events.service import record, record_now
from backend.projects.deps import ProjectAccess
from backend.webhooks import events as _catalogue  # noqa: F401  (registers webhook.* types)
from backend.webhooks import repository
from backend.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from backend.webhooks.schemas import SecretRotate, WebhookCreate, WebhookSecret, WebhookUpdate
from backend.webhooks.signing import new_secret, seal

TEST_EVENT = "webhook.test"


def matches(event_type: str, patterns: list[str]) -> bool:
    """Whether an event type matches any pattern; ``*`` stands for any run of characters, dots included."""
    return any(fnmatchcase(event_type, pattern) for pattern in patterns)


def address_policy(settings: Settings) -> net.AddressPolicy:
    """Which addresses webhooks may reach: public ones only, unless ``allow_private_urls``."""
    return net.allow_everything if settings.allow_private_urls else net.refusal_reason


def check_url(url: str, settings: Settings) -> str:
    """Refuse a URL the SSRF guard would refuse (422 on ``body.url``)."""
    try:
        net.check_url(url, policy=address_policy(settings))
    except net.UrlRefused as exc:
        raise ValidationFailed(str(exc), field="body.url") from exc
    except net.FetchFailed as exc:
        raise ValidationFailed(f"cannot use this URL: {exc}", field="body.url") from exc
    return url


def get(session: Session, project_id: int, webhook_id: int) -> WebhookSubscription:
    """A subscription of this project, or 404."""
    sub = repository.subscription(session, project_id, webhook_id)
    if sub is None:
        raise NotFound("webhook not found", field="path.webhook_id")
    return sub


def create(session: Session, access: ProjectAccess, data: WebhookCreate,
           settings: Settings) -> tuple[WebhookSubscription, str]:
    """A new subscription and its secret in clear (the only time it is available)."""
    url = check_url(data.url, settings)
    secret = data.secret or new_secret()
    sub = WebhookSubscription(project_id=access.project.id, url=url, description=data.description,
                              event_types=data.event_types, active=data.active,
                              secret_encrypted=seal(settings, secret),
                              consecutive_failures=0, created_by_id=access.user.id)
    session.add(sub)
    session.flush()
    record(session, "webhook.created", project_id=access.project.id, actor_id=access.user.id,
           payload={"webhook_id": sub.id, "event_types": sub.event_types, "active": sub.active})
    return sub, secret


def update(session: Session, access: ProjectAccess, webhook_id: int, data: WebhookUpdate,
           settings: Settings) -> WebhookSubscription:
    """Change URL, patterns, description or active; re-enabling clears the failure count and reason."""
    sub = get(session, access.project.id, webhook_id)
    changed = data.model_dump(exclude_unset=True)
    if "url" in changed:
        sub.url = check_url(changed["url"], settings)
    for key in ("event_types", "description"):
        if key in changed:
            setattr(sub, key, changed[key])
    if "active" in changed and changed["active"] != sub.active:
        sub.active = changed["active"]
        if sub.active:
            sub.consecutive_failures, sub.disabled_reason, sub.disabled_at = 0, None, None
        else:
            sub.disabled_reason, sub.disabled_at = f"turned off by {access.user.email}", utcnow()
    session.flush()
    record(session, "webhook.updated", project_id=access.project.id, actor_id=access.user.id,
           payload={"webhook_id": sub.id, "changed": sorted(changed), "active": sub.active})
    return sub


def delete(session: Session, access: ProjectAccess, webhook_id: int) -> None:
    """Remove a subscription with its deliveries and their log."""
    sub = get(session, access.project.id, webhook_id)
    record(session, "webhook.deleted", project_id=access.project.id, actor_id=access.user.id,
           payload={"webhook_id": sub.id})
    session.delete(sub)
    session.flush()


def rotate_secret(session: Session, access: ProjectAccess, webhook_id: int, data: SecretRotate,
                  settings: Settings) -> WebhookSecret:
    """A new secret (shown once); the old one may keep signing for ``previous_valid_for_s`` seconds."""
    sub = get(session, access.project.id, webhook_id)
    secret = data.secret or new_secret()
    if data.previous_valid_for_s:
        sub.previous_secret_encrypted = sub.secret_encrypted
        sub.previous_secret_expires_at = utcnow() + timedelta(seconds=data.previous_valid_for_s)
    else:
        sub.previous_secret_encrypted, sub.previous_secret_expires_at = None, None
    sub.secret_encrypted = seal(settings, secret)
    session.flush()
    record(session, "webhook.updated", project_id=access.project.id, actor_id=access.user.id,
           payload={"webhook_id": sub.id, "changed": ["secret"], "active": sub.active})
    return WebhookSecret(secret=secret, previous_secret_expires_at=sub.previous_secret_expires_at)


def _require_active(sub: WebhookSubscription) -> None:
    if not sub.active:
        raise Conflict("this webhook is disabled; set active to true first", field="path.webhook_id")


def queue_test(session: Session, access: ProjectAccess, webhook_id: int) -> WebhookDelivery:
    """Queue a ``webhook.test`` ping for this subscription only (one attempt, no effect on auto-disable)."""
    sub = get(session, access.project.id, webhook_id)
    _require_active(sub)
    event = record_now(session, TEST_EVENT, project_id=access.project.id, actor_id=access.user.id,
                       payload={"webhook_id": sub.id})
    delivery = WebhookDelivery(subscription_id=sub.id, event_id=event.id, event_type=TEST_EVENT,
                               status=DeliveryStatus.pending, attempts=0, max_attempts=1,
                               next_attempt_at=utcnow())
    session.add(delivery)
    session.flush()
    return delivery


def get_delivery(session: Session, sub: WebhookSubscription, delivery_id: int) -> WebhookDelivery:
    """A delivery of this subscription, or 404."""
    found = repository.delivery(session, sub.id, delivery_id)
    if found is None:
        raise NotFound("delivery not found", field="path.delivery_id")
    return found


def redeliver(session: Session, access: ProjectAccess, webhook_id: int, delivery_id: int) -> WebhookDelivery:
    """Queue a delivery again now, with a fresh attempt budget; its attempt log is kept."""
    sub = get(session, access.project.id, webhook_id)
    _require_active(sub)
    delivery = get_delivery(session, sub, delivery_id)
    if delivery.status == DeliveryStatus.sending:
        raise Conflict("an attempt of this delivery is in progress", field="path.delivery_id")
    delivery.status, delivery.attempts = DeliveryStatus.pending, 0
    delivery.next_attempt_at, delivery.delivered_at = utcnow(), None
    session.flush()
    return delivery
