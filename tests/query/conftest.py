"""The query fixture project: files with metadata, datasets, tasks and annotations, made through the API."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fastapi import FastAPI

from tests.conftest import Team
from tests.query.world import World, box, tag


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


@pytest.fixture
def bare_world(team: Team, app: FastAPI) -> World:
    """Just the two label schemas and a dataset named train: enough to resolve names."""
    w = World(app, team.project_id, team.editor, team.admin)
    w.dataset("train", [])
    return w


@pytest.fixture
def world(team: Team, app: FastAPI) -> World:
    """About a dozen files covering every field, edge cases included (missing keys, mixed JSON types)."""
    w = World(app, team.project_id, team.editor, team.admin)
    add = w.add_file
    add("img-001.jpg", created=_at("2025-12-30T10:00:00Z"), width=1920, height=1080, size=250_000,
        meta={"camera": "front", "speed": 30, "night": False, "gps": {"lat": 52.5, "city": "Berlin"},
              "tags": ["urban", "night"]})
    add("img-002.jpg", created=_at("2025-12-31T23:59:59Z"), size=4_000,
        meta={"camera": "rear", "speed": "fast", "night": True})
    add("img-003.png", created=_at("2026-01-01T00:00:00Z"), width=800, height=600, size=9_000,
        meta={"camera": "front", "speed": 55.5, "gps": {"city": "Paris"}})
    add("IMG-004.jpg", created=_at("2026-01-01T23:30:00+00:00"), size=6_000,
        meta={"camera": None, "tags": "night shift"})
    add("doc-005.txt", kind="text", created=_at("2026-01-02T08:00:00Z"), size=300,
        meta={"lang": "en", "camera": "front"})
    add("doc-006.txt", kind="text", created=_at("2026-01-15T12:00:00Z"), size=120)
    add("img-007.jpg", created=_at("2026-01-20T09:00:00+02:00"), meta={"camera": "Front"})
    add("img-008.jpg", created=_at("2026-02-01T00:00:00Z"), width=1024, height=1024, size=5_001,
        meta={"speed": 0, "night": False})
    add("img-009.webp", created=_at("2026-02-01T23:59:00Z"), meta={"camera": "side", "order": 1})
    add("img-010.jpg", created=_at("2026-02-05T00:00:00Z"), width=3000, height=2000, size=1_000_000,
        meta={"camera": "front", "gps": {"city": "Berlin", "lat": 48.1}})
    add("img-011.jpg", created=_at("2026-02-10T00:00:00Z"), meta={"0": "zero", "list": [1, 2, 3]})
    add("img-012.jpg", created=_at("2026-01-05T00:00:00Z"), meta={"camera": "front"})

    w.dataset("train", ["img-001.jpg", "img-002.jpg", "img-003.png", "doc-005.txt", "img-010.jpg"])
    w.dataset("test", ["IMG-004.jpg", "doc-006.txt"])
    w.dataset("night drives", ["img-002.jpg", "IMG-004.jpg"])
    w.dataset("val", [])

    annotator = team.annotator.user.id
    w.task("img-001.jpg", "approved")
    w.task("img-002.jpg", "in_progress", annotator)
    w.task("img-003.png", "approved")
    w.task("img-003.png", "in_review")
    w.task("IMG-004.jpg", "changes_requested", annotator)
    w.task("img-007.jpg", "submitted")

    w.bulk("img-001.jpg", [box("car", make="vw"), box("car", make="vw", occluded=True), box("car"), box("car"),
                           box("pedestrian", source="model", score=0.9),
                           tag(weather="sunny", tags=["night", "urban"])])
    w.bulk("img-002.jpg", [box("car", source="model", score=0.3), box("car", source="model", score=0.45),
                           box("pedestrian"), box("pedestrian"), box("traffic light"), tag(weather="rainy")])
    w.bulk("img-003.png", [box("car"), *(box("car", source="model", score=s, model="det-v2") for s in (.8, .6, .95)),
                           tag(note="blurry left side")])
    w.bulk("img-003.png", [tag("car", time_of_day="night")], schema="scenes")
    w.bulk("IMG-004.jpg", [box("pedestrian", source="model", score=s) for s in (0.2, 0.7, 0.1)] + [tag("indoor")])
    cars = w.bulk("img-007.jpg", [box("car", speed=120), box("car", occluded=False), box("car"), box("car"),
                                  box("car")])
    w.delete_annotation("img-007.jpg", cars[4])
    w.relabel("img-007.jpg", cars[1], "pedestrian")
    w.bulk("img-008.jpg", [box("traffic light", source="model", score=0.5)])
    w.bulk("img-009.webp", [box("car")])
    w.bulk("img-009.webp", [box("pedestrian"), box("pedestrian")], mode="replace", scope="all")
    w.bulk("img-010.jpg", [box("car", source="model", score=0.99) for _ in range(4)])
    w.bulk("img-010.jpg", [box("car", source="model", score=0.2)], mode="replace", scope="model")
    w.bulk("img-011.jpg", [tag("sky", time_of_day="day")], schema="scenes")
    w.bulk("img-012.jpg", [box("car") for _ in range(5)])
    w.delete_file("img-012.jpg")
    return w
