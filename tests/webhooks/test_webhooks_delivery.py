"""Delivery to a real local HTTP receiver: signatures, retries, the delivery log, auto-disable, timeouts, SSRF."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from hookhelpers import Receiver, events_of
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session, sessionmaker

from backend.config import Settings
from backend.core.types import utcnow
from backend.webhooks.dispatcher import Dispatcher, backoff_s, fan_out_once, send_due_once
from backend.webhooks.models import DeliveryStatus, WebhookDelivery, WebhookSubscription
from tests.conftest import Team

Hook = dict[str, Any]


def _subscribe(client: TestClient, team: Team, server: Receiver, types: list[str] | None = None,
               **extra: Any) -> Hook:
    res = client.post(f"/api/v1/projects/{team.project_id}/webhooks",
                      json={"url": server.url(), "event_types": types or ["project.updated"], **extra})
    assert res.status_code == 201, res.text
    hook: Hook = res.json()
    server.secret = hook["secret"]
    return hook


def _change_project(team: Team, n: int = 1) -> None:
    for i in range(n):
        res = team.admin.client.patch(f"/api/v1/projects/{team.project_id}", json={"name": f"renamed {i}"})
        assert res.status_code == 200


def _deliveries(client: TestClient, team: Team, hook: Hook, **params: str) -> list[dict[str, Any]]:
    res = client.get(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/deliveries", params=params)
    assert res.status_code == 200, res.text
    return res.json()["items"]  # type: ignore[no-any-return]


def _hook_row(engine: Engine, hook_id: int) -> WebhookSubscription:
    with Session(engine) as s:
        row = s.get(WebhookSubscription, hook_id)
        assert row is not None
        return row


def test_500_then_200_is_retried_delivered_and_signed(team: Team, receiver: Callable[[], Receiver],
                                                      hook_client: Callable[..., TestClient],
                                                      pump: Callable[..., int], engine: Engine) -> None:
    server = receiver()
    server.script = [500]
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, server)
    _change_project(team)
    assert pump() == 2

    (event,) = events_of(engine, "project.updated")
    first, second = server.received
    assert first.verified and second.verified  # the docs' snippet accepts the signature
    assert first.body == second.body
    assert second.json == {"id": event.id, "type": "project.updated", "project_id": team.project_id,
                           "actor_id": team.admin.user.id,
                           "occurred_at": event.occurred_at.isoformat().replace("+00:00", "Z"),
                           "payload": event.payload, "schema_version": 1}
    headers = second.headers
    assert headers["Content-Type"] == "application/json"
    assert headers["User-Agent"].startswith("Groundwork-Webhooks/")
    assert (headers["Groundwork-Event-Id"], headers["Groundwork-Event-Type"]) == (str(event.id), "project.updated")
    assert [r.headers["Groundwork-Delivery-Attempt"] for r in server.received] == ["1", "2"]
    assert headers["Groundwork-Signature"].startswith("t=")

    (delivery,) = _deliveries(client, team, hook)
    assert headers["Groundwork-Delivery-Id"] == str(delivery["id"])
    assert (delivery["status"], delivery["attempts"], delivery["last_status_code"], delivery["last_error"]) == (
        "succeeded", 2, 200, None)
    assert delivery["delivered_at"] is not None and delivery["last_latency_ms"] >= 0
    detail = client.get(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/deliveries/{delivery['id']}")
    log = detail.json()["attempt_log"]
    assert [(a["number"], a["status_code"], a["error"], a["response_excerpt"]) for a in log] == [
        (2, 200, None, "status 200"), (1, 500, "HTTP 500", "status 500")]
    assert all(a["latency_ms"] >= 0 for a in log)
    assert detail.json()["request_body"]["id"] == event.id
    assert _deliveries(client, team, hook, status="dead") == []
    bad = client.get(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/deliveries",
                     params={"status": "lost"})
    assert bad.status_code == 422 and bad.json()["error"]["fields"][0]["field"] == "query.status"
    assert _hook_row(engine, hook["id"]).consecutive_failures == 0


def test_a_receiver_that_always_fails_gets_the_webhook_disabled(
        team: Team, receiver: Callable[[], Receiver], hook_client: Callable[..., TestClient],
        pump: Callable[..., int], engine: Engine) -> None:
    server = receiver()
    server.default = 503
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, server)
    _change_project(team, 3)
    assert pump(webhook_max_attempts=2, webhook_disable_after=3) == 6

    row = _hook_row(engine, hook["id"])
    assert (row.active, row.consecutive_failures) == (False, 3)
    assert row.disabled_reason is not None and "3 deliveries in a row" in row.disabled_reason
    (disabled,) = events_of(engine, "webhook.disabled")
    assert (disabled.project_id, disabled.actor_id, disabled.payload["webhook_id"]) == (
        team.project_id, None, hook["id"])
    assert {d["status"] for d in _deliveries(client, team, hook)} == {"dead"}
    assert client.get(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}").json()["active"] is False

    _change_project(team)  # nothing goes to a disabled webhook
    assert pump(webhook_max_attempts=2, webhook_disable_after=3) == 0
    assert len(server.received) == 6

    on = client.patch(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}", json={"active": True}).json()
    assert (on["active"], on["consecutive_failures"], on["disabled_reason"]) == (True, 0, None)


def test_a_success_ends_the_run_of_failures(team: Team, receiver: Callable[[], Receiver],
                                           hook_client: Callable[..., TestClient], pump: Callable[..., int],
                                           engine: Engine) -> None:
    server = receiver()
    hook = _subscribe(hook_client(team.admin.token), team, server)
    for status in (500, 200, 500):
        server.default = status
        _change_project(team)
        pump(webhook_max_attempts=1, webhook_disable_after=2)
    row = _hook_row(engine, hook["id"])
    assert (row.active, row.consecutive_failures) == (True, 1)


def test_a_failed_attempt_waits_and_honours_retry_after(team: Team, receiver: Callable[[], Receiver],
                                                        hook_client: Callable[..., TestClient],
                                                        factory: sessionmaker[Session],
                                                        hook_settings: Callable[..., Settings]) -> None:
    server = receiver()
    server.script, server.extra_headers = [429], {"Retry-After": "30"}
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, server)
    _change_project(team)
    slow = hook_settings(webhook_backoff_base_s=5.0, webhook_backoff_cap_s=60.0)
    before = utcnow()
    fan_out_once(factory)
    assert send_due_once(factory, slow) == 1
    (delivery,) = _deliveries(client, team, hook)
    assert (delivery["status"], delivery["attempts"], delivery["last_error"]) == ("failed", 1, "HTTP 429")
    wait = datetime.fromisoformat(delivery["next_attempt_at"]) - before
    assert timedelta(seconds=30) <= wait <= timedelta(seconds=62)
    assert send_due_once(factory, slow) == 0  # not due yet
    assert len(server.received) == 1


def test_backoff_is_exponential_with_full_jitter() -> None:
    for attempt in range(1, 12):
        ceiling = min(3600.0, 5.0 * 2 ** (attempt - 1))
        delays = [backoff_s(attempt, 5.0, 3600.0) for _ in range(200)]
        assert all(0 <= d <= ceiling for d in delays)
        assert max(delays) > ceiling / 2  # spread over the whole range, not a fixed step
    assert backoff_s(1, 5.0, 3600.0, retry_after=120) >= 120
    assert backoff_s(1, 5.0, 60.0, retry_after=10**6) <= 60


def test_timeouts_and_refused_addresses_fail_the_attempt(team: Team, receiver: Callable[[], Receiver],
                                                         hook_client: Callable[..., TestClient],
                                                         pump: Callable[..., int]) -> None:
    slow, fine = receiver(), receiver()
    slow.delay_s = 1.5
    client = hook_client(team.admin.token)
    slow_hook, fine_hook = _subscribe(client, team, slow), _subscribe(client, team, fine)
    _change_project(team)
    pump(webhook_max_attempts=1, webhook_timeout_s=0.3)
    (timed_out,) = _deliveries(client, team, slow_hook)
    assert timed_out["status"] == "dead" and "did not answer in time" in timed_out["last_error"]
    assert timed_out["last_status_code"] is None and timed_out["last_latency_ms"] >= 300

    # The URL is checked again at send time: with the default policy loopback is refused.
    _change_project(team)
    pump(webhook_max_attempts=1, allow_private_urls=False)
    refused = _deliveries(client, team, fine_hook)[0]
    assert refused["status"] == "dead" and refused["last_error"].startswith("refused: ")
    assert "loopback" in refused["last_error"]
    assert len(fine.received) == 1  # only the first event reached it


def test_an_unreadable_secret_fails_without_sending(team: Team, receiver: Callable[[], Receiver],
                                                    hook_client: Callable[..., TestClient],
                                                    pump: Callable[..., int]) -> None:
    server = receiver()
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, server)
    _change_project(team)
    pump(webhook_max_attempts=1, secret_key="a-different-server-secret-key-0123456789")
    (delivery,) = _deliveries(client, team, hook)
    assert delivery["status"] == "dead" and "cannot be decrypted" in delivery["last_error"]
    assert server.received == []


def test_test_ping_reaches_only_its_webhook(team: Team, receiver: Callable[[], Receiver],
                                            hook_client: Callable[..., TestClient], pump: Callable[..., int],
                                            engine: Engine) -> None:
    one, other = receiver(), receiver()
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, one, ["*"])
    _subscribe(client, team, other, ["*"])
    pump()
    before_one, before_other = len(one.received), len(other.received)
    res = client.post(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/test")
    assert res.status_code == 202, res.text
    assert (res.json()["event_type"], res.json()["status"]) == ("webhook.test", "pending")
    pump()
    pings = [r for r in one.received[before_one:] if r.json["type"] == "webhook.test"]
    assert len(pings) == 1 and pings[0].verified and pings[0].json["payload"] == {"webhook_id": hook["id"]}
    assert all(r.json["type"] != "webhook.test" for r in other.received[before_other:])

    one.default = 500  # a failed ping is tried once and does not count towards auto-disable
    client.post(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/test")
    pump()
    failed = _deliveries(client, team, hook, status="dead")
    assert [(d["event_type"], d["attempts"]) for d in failed] == [("webhook.test", 1)]
    assert _hook_row(engine, hook["id"]).consecutive_failures == 0

    client.patch(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}", json={"active": False})
    off = client.post(f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/test")
    assert off.status_code == 409


def test_redeliver_sends_the_same_body_again(team: Team, receiver: Callable[[], Receiver],
                                             hook_client: Callable[..., TestClient], pump: Callable[..., int]) -> None:
    server = receiver()
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, server)
    _change_project(team)
    pump()
    (delivery,) = _deliveries(client, team, hook)
    base = f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/deliveries"
    res = client.post(f"{base}/{delivery['id']}/redeliver")
    assert res.status_code == 202 and (res.json()["status"], res.json()["attempts"]) == ("pending", 0)
    pump()
    first, again = server.received
    assert first.body == again.body and again.verified
    assert first.headers["Groundwork-Event-Id"] == again.headers["Groundwork-Event-Id"]
    assert len(client.get(f"{base}/{delivery['id']}").json()["attempt_log"]) == 2
    missing = client.post(f"{base}/999999/redeliver")
    assert missing.status_code == 404 and missing.json()["error"]["fields"][0]["field"] == "path.delivery_id"


def test_rotation_with_overlap_signs_with_both_secrets(team: Team, receiver: Callable[[], Receiver],
                                                       hook_client: Callable[..., TestClient],
                                                       pump: Callable[..., int]) -> None:
    from hookhelpers import verify_signature

    server = receiver()
    client = hook_client(team.admin.token)
    hook = _subscribe(client, team, server)
    old = hook["secret"]
    url = f"/api/v1/projects/{team.project_id}/webhooks/{hook['id']}/rotate-secret"
    new = client.post(url, json={"previous_valid_for_s": 600}).json()["secret"]
    server.secret = new
    _change_project(team)
    pump()
    got = server.received[-1]
    header = got.headers["Groundwork-Signature"]
    assert header.count("v1=") == 2
    assert verify_signature(new, header, got.body) and verify_signature(old, header, got.body)
    assert not verify_signature("whsec_wrong", header, got.body)
    assert not verify_signature(new, header, got.body + b" ")

    newest = client.post(url, json={}).json()["secret"]  # no overlap: the old secret stops at once
    server.secret = newest
    _change_project(team)
    pump()
    got = server.received[-1]
    assert got.verified and not verify_signature(new, got.headers["Groundwork-Signature"], got.body)


def test_the_documented_verifier_refuses_stale_timestamps() -> None:
    from hookhelpers import verify_signature

    from backend.webhooks.signing import signature_header

    body = b'{"id":1}'
    fresh = signature_header(["whsec_x"], int(time.time()), body)
    stale = signature_header(["whsec_x"], int(time.time()) - 3600, body)
    assert verify_signature("whsec_x", fresh, body)
    assert not verify_signature("whsec_x", stale, body)
    assert not verify_signature("whsec_x", "garbage", body)
    assert not verify_signature("whsec_x", fresh.split(",")[1], body)  # no timestamp


def test_the_background_loop_delivers_and_stops(team: Team, receiver: Callable[[], Receiver],
                                                hook_client: Callable[..., TestClient],
                                                factory: sessionmaker[Session],
                                                hook_settings: Callable[..., Settings]) -> None:
    server = receiver()
    _subscribe(hook_client(team.admin.token), team, server)
    stop = threading.Event()
    thread = threading.Thread(target=Dispatcher(hook_settings(), factory).run, args=(stop,), daemon=True)
    thread.start()
    _change_project(team)
    deadline = time.monotonic() + 10
    while not server.received and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()
    assert len(server.received) == 1 and server.received[0].verified
    with Session(factory.kw["bind"]) as s:
        statuses = list(s.scalars(select(WebhookDelivery.status)))
    assert statuses == [DeliveryStatus.succeeded]
