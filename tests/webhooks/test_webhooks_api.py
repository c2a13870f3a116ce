"""Webhook subscriptions over HTTP: admins only, the SSRF guard at creation, secrets shown once and kept encrypted."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from hookhelpers import events_of
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.webhooks.models import WebhookSubscription
from backend.webhooks.service import matches
from backend.webhooks.signing import unseal
from tests.conftest import Team


def _base(team: Team) -> str:
    return f"/api/v1/projects/{team.project_id}/webhooks"


def _count(engine: Engine) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).select_from(WebhookSubscription)) or 0


def test_secret_is_shown_once_and_stored_encrypted(team: Team, engine: Engine, settings: Settings) -> None:
    res = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/hook",
                                                    "event_types": ["task.*", "task.*", "annotation.created"]})
    assert res.status_code == 201, res.text
    created = res.json()
    secret = created["secret"]
    assert secret.startswith("whsec_") and len(secret) > 30
    assert created["event_types"] == ["task.*", "annotation.created"]  # repeats dropped
    assert (created["active"], created["consecutive_failures"], created["created_by_id"]) == (
        True, 0, team.admin.user.id)

    got = team.admin.client.get(f"{_base(team)}/{created['id']}")
    listed = team.admin.client.get(_base(team))
    assert got.status_code == 200 and listed.status_code == 200
    for body in (got.text, listed.text):
        assert secret not in body and '"secret"' not in body
    assert [w["id"] for w in listed.json()["items"]] == [created["id"]]

    with Session(engine) as s:
        row = s.get(WebhookSubscription, created["id"])
        assert row is not None
        stored = row.secret_encrypted
    assert secret not in stored and secret[6:20] not in stored
    assert unseal(settings, stored) == secret
    assert [e.payload["webhook_id"] for e in events_of(engine, "webhook.created")] == [created["id"]]


def test_a_given_secret_is_used(team: Team) -> None:
    mine = "my-own-secret-0123456789"
    res = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": ["*"],
                                                    "secret": mine})
    assert res.status_code == 201 and res.json()["secret"] == mine
    short = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": ["*"],
                                                      "secret": "short"})
    assert short.status_code == 422 and short.json()["error"]["fields"][0]["field"] == "body.secret"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/hook", "http://localhost/hook", "http://10.0.0.1/hook", "http://10.255.1.2:9000/",
    "http://169.254.169.254/latest/meta-data/", "http://192.168.1.10/", "http://172.16.5.4/", "http://[::1]/",
    "http://[::ffff:10.0.0.1]/", "http://0.0.0.0/", "ftp://example.com/hook", "file:///etc/passwd",
    "https://user:pw@93.184.216.34/hook", "not a url",
])
def test_private_and_odd_urls_are_refused_by_default(team: Team, engine: Engine, url: str) -> None:
    res = team.admin.client.post(_base(team), json={"url": url, "event_types": ["*"]})
    assert res.status_code == 422, res.text
    assert res.json()["error"]["fields"][0]["field"] == "body.url"
    assert _count(engine) == 0
    assert events_of(engine, "webhook.created") == []


def test_private_urls_need_the_setting(team: Team, hook_client: Callable[..., TestClient]) -> None:
    client = hook_client(team.admin.token)
    assert client.post(_base(team), json={"url": "http://10.0.0.1/hook", "event_types": ["*"]}).status_code == 201
    public = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": ["*"]})
    hook = public.json()["id"]
    moved = team.admin.client.patch(f"{_base(team)}/{hook}", json={"url": "http://127.0.0.1:9/"})
    assert moved.status_code == 422 and moved.json()["error"]["fields"][0]["field"] == "body.url"
    assert team.admin.client.get(f"{_base(team)}/{hook}").json()["url"] == "https://93.184.216.34/"


@pytest.mark.parametrize("types", [[], ["Task.*"], ["task created"], ["task..created"], ["task.#"], [""]])
def test_bad_event_type_patterns_are_refused(team: Team, types: list[str]) -> None:
    res = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": types})
    assert res.status_code == 422
    assert res.json()["error"]["fields"][0]["field"].startswith("body.event_types")


def test_pattern_semantics() -> None:
    assert matches("task.created", ["task.*"])
    assert matches("annotations.bulk_written", ["*"])
    assert matches("annotation.created", ["file.*", "annotation.created"])
    assert not matches("annotation.updated", ["annotation.created"])
    assert not matches("annotations.bulk_written", ["annotation.*"])
    assert matches("annotations.bulk_written", ["annotation*"])
    assert not matches("task.created", ["task"])


def test_update_reenable_and_delete(team: Team, engine: Engine) -> None:
    hook = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": ["*"]}).json()
    url = f"{_base(team)}/{hook['id']}"
    off = team.admin.client.patch(url, json={"active": False, "event_types": ["file.*"], "description": "prod"})
    assert off.status_code == 200, off.text
    assert (off.json()["active"], off.json()["event_types"], off.json()["description"]) == (False, ["file.*"], "prod")
    assert off.json()["disabled_reason"] == f"turned off by {team.admin.user.email}"
    with Session(engine) as s, s.begin():
        row = s.get(WebhookSubscription, hook["id"])
        assert row is not None
        row.consecutive_failures = 7
    on = team.admin.client.patch(url, json={"active": True}).json()
    assert (on["active"], on["consecutive_failures"], on["disabled_reason"], on["disabled_at"]) == (True, 0, None, None)
    null = team.admin.client.patch(url, json={"url": None})
    assert null.status_code == 422 and null.json()["error"]["fields"][0]["field"] == "body"
    unknown = team.admin.client.patch(url, json={"secret": "x" * 20})
    assert unknown.status_code == 422 and unknown.json()["error"]["fields"][0]["field"] == "body.secret"
    assert [e.payload["changed"] for e in events_of(engine, "webhook.updated")] == [
        ["active", "description", "event_types"], ["active"]]

    assert team.admin.client.delete(url).status_code == 204
    assert team.admin.client.get(url).status_code == 404
    assert [e.payload["webhook_id"] for e in events_of(engine, "webhook.deleted")] == [hook["id"]]


def test_rotate_secret_shows_the_new_one_once(team: Team, engine: Engine, settings: Settings) -> None:
    hook = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": ["*"]}).json()
    res = team.admin.client.post(f"{_base(team)}/{hook['id']}/rotate-secret", json={"previous_valid_for_s": 600})
    assert res.status_code == 200, res.text
    new = res.json()["secret"]
    assert new != hook["secret"] and res.json()["previous_secret_expires_at"] is not None
    got = team.admin.client.get(f"{_base(team)}/{hook['id']}").json()
    assert got["previous_secret_expires_at"] is not None and new not in str(got)
    with Session(engine) as s:
        row = s.get(WebhookSubscription, hook["id"])
        assert row is not None and row.previous_secret_encrypted is not None
        assert unseal(settings, row.secret_encrypted) == new
        assert unseal(settings, row.previous_secret_encrypted) == hook["secret"]


@pytest.mark.parametrize("role", ["editor", "annotator", "viewer"])
def test_only_admins_manage_webhooks(team: Team, role: str) -> None:
    hook = team.admin.client.post(_base(team), json={"url": "https://93.184.216.34/", "event_types": ["*"]}).json()
    client = team.by_role(role).client
    one = f"{_base(team)}/{hook['id']}"
    calls = [("post", _base(team), {"url": "https://93.184.216.34/", "event_types": ["*"]}),
             ("get", _base(team), None), ("get", one, None), ("patch", one, {"active": False}),
             ("delete", one, None), ("post", f"{one}/rotate-secret", {}), ("post", f"{one}/test", None),
             ("get", f"{one}/deliveries", None), ("get", f"{one}/deliveries/1", None),
             ("post", f"{one}/deliveries/1/redeliver", None)]
    for method, url, body in calls:
        res = client.request(method, url, json=body)
        assert res.status_code == 403, (method, url, res.text)
    for method, url, body in calls:
        res = team.outsider.client.request(method, url, json=body)
        assert res.status_code == 404, (method, url, res.text)
    assert team.admin.client.get(one).json()["active"] is True


def test_a_webhook_of_another_project_is_not_found(team: Team) -> None:
    other = team.outsider.client.get("/api/v1/projects").json()["items"][0]["id"]
    theirs = team.outsider.client.post(f"/api/v1/projects/{other}/webhooks",
                                       json={"url": "https://93.184.216.34/", "event_types": ["*"]}).json()
    res = team.admin.client.get(f"{_base(team)}/{theirs['id']}")
    assert res.status_code == 404 and res.json()["error"]["fields"][0]["field"] == "path.webhook_id"
    assert team.admin.client.delete(f"{_base(team)}/{theirs['id']}").status_code == 404
