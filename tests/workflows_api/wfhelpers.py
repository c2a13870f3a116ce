"""Helpers for the workflows API tests: test blocks, definitions, outbox peeks, request bodies."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from backend.events.models import Event

API = "/api/v1"

BLOCKS: list[dict[str, Any]] = [
    {"slug": "route", "title": "Route", "version": "1", "queue": "cpu",
     "config_schema": {"type": "object", "properties": {"field": {"type": "string"}}, "required": ["field"],
                       "additionalProperties": False},
     "inputs": [{"name": "input", "type": "any"}],
     "outputs": [{"name": "matched", "type": "files"}, {"name": "rest", "type": "files"}]},
    {"slug": "human_task", "title": "Human task", "version": "1",
     "config_schema": {"type": "object", "properties": {"kind": {"enum": ["annotate", "review"]}},
                       "additionalProperties": False},
     "inputs": [{"name": "files", "type": "files"}],
     "outputs": [{"name": "tasks", "type": "tasks"}, {"name": "files", "type": "files"}]},
    {"slug": "export", "title": "Export", "version": "1",
     "config_schema": {"type": "object", "properties": {"format": {"enum": ["jsonl"]}}},
     "inputs": [{"name": "what", "type": "any"}], "outputs": [{"name": "report", "type": "report"}]},
    {"slug": "noop", "title": "No-op", "inputs": [{"name": "input"}], "outputs": [{"name": "out"}]},
    {"slug": "zero_shot", "title": "Zero-shot", "plugin": "acme-blocks", "queue": "gpu",
     "error": "ModuleNotFoundError: No module named 'acme'"},
]

REVIEW_TEXTS = """\
name: review texts
description: route texts, review them, export
on:
  - event: file.created
    filter: "file.type = 'text'"
  - manual: true
blocks:
  by_lang: {use: route, with: {field: meta.lang}}
  review: {use: human_task, with: {kind: review}}
  dump: {use: export, with: {format: jsonl}}
workflow:
  routed: [by_lang, in]
  reviewed: [review, routed.matched]
  out: [dump, reviewed]
"""

THREE_STEPS = """\
name: three steps
on:
  - event: file.created
  - manual: true
blocks:
  a: {use: noop}
  b: {use: noop}
  c: {use: noop}
workflow:
  first: [a, in]
  second: [b, first]
  out: [c, second]
"""


def events_of(engine: Engine, prefix: str) -> list[tuple[str, dict[str, Any], int | None]]:
    """(type, payload, actor id) of the outbox events whose type starts with ``prefix``, in order."""
    with engine.connect() as conn:
        rows = conn.execute(select(Event.type, Event.payload, Event.actor_id)
                            .where(Event.type.startswith(prefix)).order_by(Event.id))
        return [(r.type, r.payload, r.actor_id) for r in rows]


def run_requests(workflow_id: int, version_id: int, keys: list[str], **extra: Any) -> dict[str, Any]:
    """A ``POST /service/workflow-runs`` body: one event-triggered run per trigger key."""
    return {"runs": [{"workflow_id": workflow_id, "version_id": version_id, "trigger_kind": "event",
                      "trigger_key": key, "event_id": key.removeprefix("event:"), "input": {"n": i}, **extra}
                     for i, key in enumerate(keys)]}
