"""A battery of queries over the fixture project: the API's answers equal what plain Python computes.

Run on SQLite and on PostgreSQL, the same expected sets hold on both, so the two agree.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from tests.conftest import Team
from tests.query.world import MISSING, FileState, World

P = Callable[[FileState], bool]


def is_str(v: Any) -> bool:
    return isinstance(v, str)


def is_num(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def day(f: FileState) -> date:
    return f.created.astimezone(UTC).date()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def meta_has(f: FileState, value: Any, *path: str) -> bool:
    """``meta.PATH contains value``: substring of a string, or an element of an array (same JSON type)."""
    v = f.get(*path)
    if isinstance(v, list):
        return any(type(x) is type(value) and x == value for x in v) or (
            is_num(value) and any(is_num(x) and x == value for x in v))
    return is_str(value) and is_str(v) and value in v


BATTERY: list[tuple[str, P]] = [
    # label counts, sources, quoting, all labels, zero and negation
    ("labels.car > 3", lambda f: f.count("car") > 3),
    ("labels.car > 3 and labels.pedestrian >= 1", lambda f: f.count("car") > 3 and f.count("pedestrian") >= 1),
    ("labels.car = 0", lambda f: f.count("car") == 0),
    ("labels.car < 1 or labels.pedestrian >= 2", lambda f: f.count("car") < 1 or f.count("pedestrian") >= 2),
    ("labels.car.model >= 1", lambda f: f.count("car", "model") >= 1),
    ("labels.car.human = 0 and labels.car >= 1", lambda f: f.count("car", "human") == 0 and f.count("car") >= 1),
    ("labels.car.human >= 2", lambda f: f.count("car", "human") >= 2),
    ('labels."traffic light" > 0', lambda f: f.count("traffic light") > 0),
    ("labels.* >= 5", lambda f: f.count() >= 5),
    ("labels.*.model = 0", lambda f: f.count(None, "model") == 0),
    ("labels.car in [1, 3]", lambda f: f.count("car") in (1, 3)),
    ("labels.car not in [0, 4]", lambda f: f.count("car") not in (0, 4)),
    ("labels.car != 4", lambda f: f.count("car") != 4),
    ("labels.car <= 2.5", lambda f: f.count("car") <= 2.5),
    ("not labels.pedestrian > 0", lambda f: not f.count("pedestrian") > 0),
    ("labels.indoor = 1 or labels.sky = 1", lambda f: f.count("indoor") == 1 or f.count("sky") == 1),
    # metadata: strings, numbers, booleans, null, nesting, arrays, odd keys
    ("meta.camera = 'front'", lambda f: f.get("camera") == "front"),
    ("meta.camera != 'front'", lambda f: f.get("camera") != "front"),
    ("meta.camera = null", lambda f: f.get("camera") in (MISSING, None)),
    ("meta.camera != null", lambda f: f.get("camera") not in (MISSING, None)),
    ("meta.speed > 20", lambda f: is_num(f.get("speed")) and f.get("speed") > 20),
    ("meta.speed = 'fast' or meta.speed = 0", lambda f: f.get("speed") == "fast" or (
        is_num(f.get("speed")) and f.get("speed") == 0)),
    ("meta.night = true", lambda f: f.get("night") is True),
    ("meta.night != true", lambda f: f.get("night") is not True),
    ("meta.gps.city = 'Berlin'", lambda f: f.get("gps", "city") == "Berlin"),
    ("meta.gps.lat < 50", lambda f: is_num(f.get("gps", "lat")) and f.get("gps", "lat") < 50),
    ("meta.tags contains 'night'", lambda f: meta_has(f, "night", "tags")),
    ("meta.camera startswith 'fr'", lambda f: is_str(f.get("camera")) and f.get("camera").startswith("fr")),
    ("meta.camera in ['rear', 'side', 'Front']", lambda f: f.get("camera") in ("rear", "side", "Front")),
    ("meta.camera > 'g'", lambda f: is_str(f.get("camera")) and f.get("camera") > "g"),
    ("meta.\"0\" = 'zero' or meta.list contains 2", lambda f: f.get("0") == "zero" or meta_has(f, 2, "list")),
    ("meta.order >= 1", lambda f: is_num(f.get("order")) and f.get("order") >= 1),
    ("metadata.lang = 'en'", lambda f: f.get("lang") == "en"),
    # datasets
    ("dataset = 'train'", lambda f: "train" in f.datasets),
    ("dataset in ['test', 'night drives']", lambda f: bool(f.datasets & {"test", "night drives"})),
    ("not dataset in ['train']", lambda f: "train" not in f.datasets),
    ("dataset != 'train' and dataset contains 'night'", lambda f: "train" not in f.datasets and any(
        "night" in d for d in f.datasets)),
    ("dataset = 'val'", lambda f: False),
    ("dataset startswith 'te' or dataset not in []", lambda f: True),
    # files and dates (a bare date is a whole UTC day)
    ("file.created >= '2026-01-01'", lambda f: day(f) >= date(2026, 1, 1)),
    ("file.created = 2026-01-01", lambda f: day(f) == date(2026, 1, 1)),
    ("file.created < 2026-01-01T00:00:00Z", lambda f: f.created < utc("2026-01-01T00:00:00Z")),
    ("file.created > 2026-01-01 and file.created <= '2026-02-01'",
     lambda f: date(2026, 1, 1) < day(f) <= date(2026, 2, 1)),
    ("file.created >= '2026-01-01T01:00:00+02:00'", lambda f: f.created >= utc("2025-12-31T23:00:00Z")),
    ("file.created in [2025-12-31, 2026-02-01]", lambda f: day(f) in (date(2025, 12, 31), date(2026, 2, 1))),
    ("file.kind = 'text'", lambda f: f.kind == "text"),
    ("file.type != 'image'", lambda f: f.kind != "image"),
    ("file.name startswith 'img'", lambda f: f.name.startswith("img")),
    ("file.name contains '-00' and not file.name contains '.jpg'", lambda f: "-00" in f.name and ".jpg" not in f.name),
    ("file.width >= 1000", lambda f: f.width is not None and f.width >= 1000),
    ("file.width = null", lambda f: f.width is None),
    ("not file.width < 1000", lambda f: not (f.width is not None and f.width < 1000)),
    ("file.size > 5000", lambda f: f.size > 5000),
    # tasks and annotations: any of the file's
    ("task.status = 'approved'", lambda f: "approved" in f.tasks),
    ("task.status in ['in_progress', 'changes_requested']",
     lambda f: bool(set(f.tasks) & {"in_progress", "changes_requested"})),
    ("task.status != 'approved'", lambda f: "approved" not in f.tasks),
    ("annotation.score < 0.5", lambda f: any(a.score is not None and a.score < 0.5 for a in f.anns.values())),
    ("annotation.score >= 0.9 or annotation.source = 'human'", lambda f: any(
        (a.score is not None and a.score >= 0.9) or a.source == "human" for a in f.anns.values())),
    ("annotation.model = 'det-v2'", lambda f: any(a.model == "det-v2" for a in f.anns.values())),
    # attributes: file-level (tags) and instance-level
    ("attribute.weather = 'sunny'", lambda f: "sunny" in f.attr("weather")),
    ("attribute.weather != 'sunny'", lambda f: "sunny" not in f.attr("weather")),
    ("attribute.make = 'vw'", lambda f: "vw" in f.attr("make")),
    ("attribute.occluded = true", lambda f: True in f.attr("occluded")),
    ("attribute.occluded = false", lambda f: False in f.attr("occluded")),
    ("attribute.speed > 100", lambda f: any(v > 100 for v in f.attr("speed"))),
    ("attribute.tags = 'night'", lambda f: any("night" in v for v in f.attr("tags"))),
    ("attribute.time_of_day in ['night']", lambda f: "night" in f.attr("time_of_day")),
    ("attribute.note contains 'blur'", lambda f: any("blur" in v for v in f.attr("note"))),
    # nesting, negation, keyword case, the examples
    ("(labels.car > 0 and (meta.camera = 'front' or dataset = 'test')) or not (task.status = 'approved' "
     "or labels.pedestrian = 0)",
     lambda f: (f.count("car") > 0 and (f.get("camera") == "front" or "test" in f.datasets))
     or not ("approved" in f.tasks or f.count("pedestrian") == 0)),
    ("not not labels.car > 0", lambda f: f.count("car") > 0),
    ("labels.car > 0 AND NOT meta.night = TRUE Or file.kind == 'text'",
     lambda f: (f.count("car") > 0 and f.get("night") is not True) or f.kind == "text"),
    ("meta.camera = 'front' and not dataset in ['test']", lambda f: f.get("camera") == "front"
     and "test" not in f.datasets),
    ("file.created >= '2026-01-01' and annotation.score < 0.5", lambda f: day(f) >= date(2026, 1, 1) and any(
        a.score is not None and a.score < 0.5 for a in f.anns.values())),
    ("", lambda f: True),
]


def _names(actor_client: Any, base: str, q: str) -> list[str]:
    names: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, Any] = {"q": q, "limit": 3}
        if cursor:
            params["cursor"] = cursor
        res = actor_client.get(f"{base}/files", params=params)
        assert res.status_code == 200, (q, res.text)
        names += [item["name"] for item in res.json()["items"]]
        cursor = res.json()["next_cursor"]
        if cursor is None:
            return names


def test_battery_matches_python(world: World, team: Team) -> None:
    assert len(BATTERY) >= 30
    wrong = []
    for q, predicate in BATTERY:
        expected = sorted(f.name for f in world.live() if predicate(f))
        got = _names(team.viewer.client, world.base, q)
        count = team.viewer.client.get(f"{world.base}/files/count", params={"q": q})
        assert count.status_code == 200, (q, count.text)
        if sorted(got) != expected or count.json()["count"] != len(expected) or len(set(got)) != len(got):
            wrong.append(f"{q!r}: expected {expected}, listed {sorted(got)}, counted {count.json()['count']}")
    assert not wrong, "\n".join(wrong)


def test_some_answers_are_not_trivial(world: World, team: Team) -> None:
    # guards the battery itself: the headline queries select some files but not all
    for q in ("labels.car > 3 and labels.pedestrian >= 1", "meta.camera = 'front'", "dataset = 'train'",
              "annotation.score < 0.5", "attribute.weather = 'sunny'", "file.created = 2026-01-01"):
        n = team.viewer.client.get(f"{world.base}/files/count", params={"q": q}).json()["count"]
        assert 0 < n < len(world.live()), q
    headline = _names(team.viewer.client, world.base, "labels.car > 3 and labels.pedestrian >= 1")
    assert headline == ["img-001.jpg"]  # img-003 has 5 cars (across two schemas) but no pedestrian


def test_annotators_query_only_their_files(world: World, team: Team) -> None:
    mine = sorted(_names(team.annotator.client, world.base, "labels.* >= 0"))
    assert mine == ["IMG-004.jpg", "img-002.jpg"]
    assert _names(team.annotator.client, world.base, "labels.pedestrian >= 3") == ["IMG-004.jpg"]
    count = team.annotator.client.get(f"{world.base}/files/count", params={"q": "labels.car > 0"}).json()
    assert count == {"count": 1}
    # an annotator may not list datasets, so an unknown name gets no suggestion, just no match
    res = team.annotator.client.get(f"{world.base}/files/count", params={"q": "dataset = 'trian'"})
    assert res.status_code == 200 and res.json() == {"count": 0}


def test_q_combines_with_the_other_filters(world: World, team: Team) -> None:
    res = team.viewer.client.get(f"{world.base}/files", params={"q": "labels.car >= 1", "kind": "image",
                                                                "dataset_id": world.datasets["train"]})
    assert sorted(i["name"] for i in res.json()["items"]) == ["img-001.jpg", "img-002.jpg", "img-003.png",
                                                              "img-010.jpg"]
    assert team.outsider.client.get(f"{world.base}/files/count", params={"q": ""}).status_code == 404
