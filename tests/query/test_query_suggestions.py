"""Autocomplete: completions at the cursor from the grammar and the project's names."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Team
from tests.query.world import World


def _suggest(team: Team, world: World, q: str, cursor: int | None = None, client: Any = None) -> dict[str, Any]:
    params: dict[str, Any] = {"q": q}
    if cursor is not None:
        params["cursor_pos"] = cursor
    res = (client or team.viewer.client).get(f"{world.base}/query/suggestions", params=params)
    assert res.status_code == 200, res.text
    return res.json()  # type: ignore[no-any-return]


def _inserts(body: dict[str, Any]) -> list[str]:
    return [i["insert"] for i in body["items"]]


CASES = [
    # (query, cursor, replace_start, must include, must not include)
    ("", None, 0, ["labels.", "meta.", "dataset", "task.", "annotation.", "attribute.", "file.", "not "], []),
    ("lab", None, 0, ["labels."], ["meta."]),
    ("labels.", None, 7, ["car", "pedestrian", '"traffic light"', "indoor", "sky", "*"], []),
    ("labels.ca", None, 7, ["car"], ["pedestrian"]),
    ("labels.car.", None, 11, ["human", "model"], []),
    ("labels.car ", None, 11, ["= ", "> ", ">= ", "in [", "not in ["], ["contains "]),
    ("labels.car > 3 ", None, 15, ["and ", "or "], [")"]),
    ("(labels.car > 3 ", None, 16, ["and ", "or ", ")"], []),
    ("labels.ca > 3", 9, 7, ["car"], []),
    ("dataset in ['tr", None, 12, ["'train'"], ["'test'"]),
    ("dataset = ", None, 10, ["'train'", "'test'", "'night drives'", "'val'"], []),
    ("attribute.", None, 10, ["weather", "make", "occluded", "time_of_day"], []),
    ("attribute.weather = ", None, 20, ["'sunny'", "'rainy'"], []),
    ("attribute.occluded = ", None, 21, ["true", "false"], []),
    ("meta.", None, 5, ["camera", "gps", "speed", '"0"'], []),
    ("meta.gps.", None, 9, ["city", "lat"], ["camera"]),
    ("meta.camera = ", None, 14, ["'front'", "'rear'", "'side'"], []),
    ("meta.camera co", None, 12, ["contains "], []),
    ("task.status = 'a", None, 14, ["'approved'", "'available'"], ["'skipped'"]),
    ("file.", None, 5, ["name", "created", "width", "size", "kind"], []),
    ("file.kind = ", None, 12, ["'image'", "'text'"], []),
    ("annotation.source = ", None, 20, ["'human'", "'model'"], []),
]


@pytest.mark.parametrize(("q", "cursor", "start", "present", "absent"), CASES, ids=[c[0] or "empty" for c in CASES])
def test_suggestions(world: World, team: Team, q: str, cursor: int | None, start: int, present: list[str],
                     absent: list[str]) -> None:
    body = _suggest(team, world, q, cursor)
    got = _inserts(body)
    assert body["replace_start"] == start
    assert body["cursor_pos"] == (len(q) if cursor is None else cursor)
    for item in present:
        assert item in got, (q, got)
    for item in absent:
        assert item not in got, (q, got)


def test_prefix_matches_come_first_and_every_suggestion_parses(world: World, team: Team) -> None:
    body = _suggest(team, world, "labels.")
    for insert in _inserts(body):
        if insert == "*":
            continue
        q = "labels." + insert + " > 0"
        res = team.viewer.client.post(f"{world.base}/query/validate", json={"q": q})
        assert res.status_code == 200, (q, res.text)
    assert _inserts(_suggest(team, world, "labels.ped"))[0] == "pedestrian"


def test_annotators_get_no_dataset_names_and_only_their_files_metadata(world: World, team: Team) -> None:
    assert _inserts(_suggest(team, world, "dataset = ", client=team.annotator.client)) == []
    keys = _inserts(_suggest(team, world, "meta.", client=team.annotator.client))
    assert sorted(keys) == ["camera", "night", "speed", "tags"]  # from img-002 and IMG-004 only


def test_a_cursor_past_the_end_is_refused(world: World, team: Team) -> None:
    res = team.viewer.client.get(f"{world.base}/query/suggestions", params={"q": "lab", "cursor_pos": 9})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "query.cursor_pos"
    bad = _suggest(team, world, "labels.car > ) (")
    assert bad["items"] == []


def test_outsiders_get_404_and_every_member_may_query(bare_world: World, team: Team) -> None:
    base = bare_world.base
    assert team.outsider.client.get(f"{base}/query/suggestions", params={"q": "l"}).status_code == 404
    assert team.outsider.client.post(f"{base}/query/validate", json={"q": "labels.car > 1"}).status_code == 404
    for actor in (team.admin, team.editor, team.annotator, team.viewer):
        assert actor.client.post(f"{base}/query/validate", json={"q": "labels.car > 1"}).status_code == 200
        assert actor.client.get(f"{base}/files/count", params={"q": "labels.car > 1"}).json() == {"count": 0}
