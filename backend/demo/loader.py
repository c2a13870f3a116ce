"""Load the demo project through the HTTP API, in-process: it passes the same validation as a user's writes."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
from fastapi import FastAPI

from backend.app import API_PREFIX, create_app
from backend.auth import repository as users
from backend.auth import service as auth_service
from backend.auth.models import User, UserKind
from backend.auth.schemas import TokenCreate
from backend.config import Settings
from backend.core.db import make_engine, make_session_factory, transaction
from backend.core.types import utcnow
from backend.demo import definitions
from backend.demo.images import demo_images
from backend.demo.texts import TOPICS, demo_texts

log = logging.getLogger(__name__)

DEFAULT_OWNER = "admin@localhost"
_TASK_BATCH = 200


class DemoError(Exception):
    """The demo could not be loaded; the message says why."""


@dataclass(frozen=True)
class DemoResult:
    """What ``load_demo`` did."""

    loaded: bool
    reason: str = ""
    project_id: int | None = None
    images: int = 0
    texts: int = 0
    schemas: int = 0
    tasks: int = 0


def _owner(settings: Settings, email: str | None) -> tuple[User, str, int]:
    """The demo's owner and a short-lived token for it (secret, token id)."""
    engine = make_engine(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            user = users.user_by_email(session, (email or DEFAULT_OWNER).lower())
            if user is None and email is None:  # no admin@localhost: fall back to any instance admin
                user = next((u for u in users.list_users(session, None, 1000)
                             if u.is_superuser and u.is_active and u.kind == UserKind.human), None)
            if user is None or not user.is_active:
                who = email or "an instance administrator"
                raise DemoError(f"no active user {who} to own the demo project "
                                "(create one with `groundwork users create --superuser`)")
            token = auth_service.create_token(
                session, user, TokenCreate(name="demo loader", expires_at=utcnow() + timedelta(hours=1)),
                settings.secret_key)
            return user, token.secret, token.record.id
    finally:
        engine.dispose()


def _revoke(settings: Settings, user: User, token_id: int) -> None:
    engine = make_engine(settings)
    try:
        with transaction(make_session_factory(engine)) as session:
            auth_service.revoke_token(session, user, token_id)
    finally:
        engine.dispose()


class _Api:
    """A thin JSON client over the in-process app that turns any unexpected status into DemoError."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def call(self, method: str, path: str, **kwargs: Any) -> Any:
        res = await self.client.request(method, API_PREFIX + path, **kwargs)
        if res.status_code >= 300:
            raise DemoError(f"{method} {API_PREFIX}{path} answered {res.status_code}: {res.text[:800]}")
        return res.json() if res.content else None

    async def items(self, path: str) -> AsyncIterator[dict[str, Any]]:
        cursor: str | None = None
        while True:
            params: dict[str, Any] = {"limit": 200} | ({"cursor": cursor} if cursor else {})
            page = await self.call("GET", path, params=params)
            for item in page["items"]:
                yield item
            cursor = page.get("next_cursor")
            if not cursor:
                return


def _file_ids(answer: Any) -> list[int]:
    """The file ids in an upload's answer: ``{"items": [{"input_name", "status", "file": {...}}]}``."""
    items = answer["items"] if isinstance(answer, dict) else answer
    return [int((item.get("file") or item)["id"]) for item in items]


async def _populate(api: _Api, project_id: int) -> DemoResult:
    base = f"/projects/{project_id}"
    objects = await api.call("POST", f"{base}/schemas", json=definitions.OBJECTS_SCHEMA)
    topics = await api.call("POST", f"{base}/schemas", json=definitions.TOPICS_SCHEMA)
    images_ds = await api.call("POST", f"{base}/datasets", json=definitions.IMAGES_DATASET)
    texts_ds = await api.call("POST", f"{base}/datasets", json=definitions.TEXTS_DATASET)

    image_ids: list[int] = []
    for image in demo_images():
        answer = await api.call("POST", f"{base}/files",
                                files=[("files", (image.filename, image.content, image.mime_type))],
                                data={"metadata": json.dumps(image.metadata), "dataset_id": str(images_ds["id"])})
        image_ids += _file_ids(answer)

    text_ids: list[int] = []
    texts = demo_texts()
    for topic in TOPICS:  # one upload per topic: the topic is upload-wide metadata
        batch = [("files", (t.filename, t.content.encode(), "text/plain")) for t in texts if t.topic == topic]
        answer = await api.call("POST", f"{base}/files", files=batch,
                                data={"metadata": json.dumps({"topic": topic, "source": "groundwork demo"}),
                                      "dataset_id": str(texts_ds["id"])})
        text_ids += _file_ids(answer)

    tasks = 0
    for ids, schema in ((image_ids, objects), (text_ids, topics)):
        for start in range(0, len(ids), _TASK_BATCH):
            chunk = ids[start:start + _TASK_BATCH]
            answer = await api.call("POST", f"{base}/tasks",
                                    json={"file_ids": chunk, "schema_id": schema["id"], "kind": "annotate"})
            tasks += len(answer["created"])
    return DemoResult(loaded=True, project_id=project_id, images=len(image_ids), texts=len(text_ids),
                      schemas=2, tasks=tasks)


def load_demo(settings: Settings, *, owner_email: str | None = None, force: bool = False,
              only_if_no_projects: bool = False) -> DemoResult:
    """Create the "Demo" project (slug ``demo``) with photos, texts, two schemas, datasets and tasks.

    ``only_if_no_projects``: do nothing when the owner can see any project (first start of ``serve``).
    ``force``: replace an existing ``demo`` project. On failure the half-made project is removed.
    """
    user, secret, token_id = _owner(settings, owner_email)
    app = create_app(settings)
    try:
        return asyncio.run(_load(app, secret, force=force, only_if_no_projects=only_if_no_projects))
    finally:
        app.state.engine.dispose()
        _revoke(settings, user, token_id)


async def _load(app: FastAPI, secret: str, *, force: bool, only_if_no_projects: bool) -> DemoResult:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://groundwork.local", timeout=300,
                                 headers={"Authorization": f"Bearer {secret}"}) as client:
        api = _Api(client)
        projects = [p async for p in api.items("/projects")]
        if only_if_no_projects and projects:
            return DemoResult(loaded=False, reason="projects exist already")
        existing = next((p for p in projects if p["slug"] == definitions.PROJECT["slug"]), None)
        if existing is not None:
            if not force:
                return DemoResult(loaded=False, project_id=existing["id"],
                                  reason="the demo project exists already (use --force to replace it)")
            await api.call("DELETE", f"/projects/{existing['id']}")
        project = await api.call("POST", "/projects", json=definitions.PROJECT)
        try:
            return await _populate(api, project["id"])
        except BaseException:
            try:
                await api.call("DELETE", f"/projects/{project['id']}")
            except Exception:  # the original error matters more
                log.exception("could not remove the half-loaded demo project %s", project["id"])
            raise
