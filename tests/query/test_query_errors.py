"""Bad queries: 422 naming the input field, the line and column, and what would have fitted."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Team
from tests.query.world import World

CASES = [
    # (query, line, column, words the message must contain)
    ("labels.car >", 1, 13, ["line 1, column 13", "end of query", "a number"]),
    ("labels.car > 1\nand (meta.x = ", 2, 15, ["line 2, column 15"]),
    ("labels.car > 3 labels.person > 1", 1, 16, ["unexpected 'labels'", "'and', 'or'"]),
    ("meta.camera = 'front", 1, 15, ["unterminated string"]),
    ("file.width ! 3", 1, 12, ["unexpected character '!'", "an operator"]),
    ("(labels.car > 1", 1, 16, ["expected ')'"]),
    ("labels.cra > 1", 1, 8, ["unknown label 'cra'", "did you mean 'car'?"]),
    ("labels.\"trafic light\" > 1", 1, 8, ["did you mean 'traffic light'?"]),
    ("lables.car > 1", 1, 1, ["unknown field", "did you mean 'labels'?"]),
    ("file.sise > 1", 1, 6, ["did you mean 'size'?"]),
    ("labels.car > 'x'", 1, 14, ["compared with a number"]),
    ("labels.car.robot > 0", 1, 12, ["unknown source 'robot'"]),
    ("task.status = 'aproved'", 1, 15, ["did you mean 'approved'?"]),
    ("attribute.weather = 'suny'", 1, 21, ["not an option", "did you mean 'sunny'?"]),
    ("attribute.wether = 'sunny'", 1, 11, ["unknown attribute", "did you mean 'weather'?"]),
    ("attribute.speed = 'fast'", 1, 19, ["compared with a number"]),
    ("dataset = 'trian'", 1, 11, ["no dataset named 'trian'", "did you mean 'train'?"]),
    ("file.created > 'yesterday'", 1, 16, ["not a valid date"]),
    ("file.created > 2026-02-30", 1, 16, ["not a valid date"]),
    ("file.kind > 'image'", 1, 13, ["file.kind takes =, !=, in or not in"]),
    ("meta = 1", 1, 1, ["meta needs a key"]),
    ("file.name = null", 1, 13, ["never empty"]),
    ("not " * 70 + "labels.car > 1", 1, 257, ["more than 64 levels"]),  # the 65th "not"
]


def _error(res: Any) -> dict[str, Any]:
    assert res.status_code == 422, res.text
    return res.json()["error"]  # type: ignore[no-any-return]


@pytest.mark.parametrize(("q", "line", "column", "words"), CASES, ids=[c[0][:40] for c in CASES])
def test_bad_query_names_field_line_and_column(bare_world: World, team: Team, q: str, line: int, column: int,
                                               words: list[str]) -> None:
    world = bare_world
    err = _error(team.viewer.client.get(f"{world.base}/files", params={"q": q}))
    assert err["fields"][0]["field"] == "query.q"
    assert (err["detail"]["line"], err["detail"]["column"]) == (line, column), err
    assert f"line {line}, column {column}" in err["message"]
    for word in words:
        assert word in err["message"], err["message"]
    # the same error from the count endpoint and, naming body.q, from validate
    assert _error(team.viewer.client.get(f"{world.base}/files/count", params={"q": q}))["message"] == err["message"]
    body = _error(team.viewer.client.post(f"{world.base}/query/validate", json={"q": q}))
    assert body["fields"][0]["field"] == "body.q" and body["message"] == err["message"]


def test_syntax_errors_list_what_was_expected(bare_world: World, team: Team) -> None:
    world = bare_world
    err = _error(team.viewer.client.post(f"{world.base}/query/validate", json={"q": "labels.car > 3 and"}))
    assert err["detail"]["expected"][0] == "a field name" and "'('" in err["detail"]["expected"]
    assert "'not'" in err["detail"]["expected"]


def test_validate_gives_the_canonical_form(bare_world: World, team: Team) -> None:
    world = bare_world
    res = team.viewer.client.post(f"{world.base}/query/validate",
                                  json={"q": "labels.car>3 AND (meta.a=='x' OR not dataset in ['train',])"})
    assert res.status_code == 200
    assert res.json() == {"ok": True, "query": "labels.car > 3 and (meta.a = 'x' or not dataset in ['train'])"}
    again = team.viewer.client.post(f"{world.base}/query/validate", json={"q": res.json()["query"]})
    assert again.json()["query"] == res.json()["query"]
    assert _error(team.viewer.client.post(f"{world.base}/query/validate", json={"q": "x", "extra": 1}))


def test_count_route_is_not_taken_for_a_file_id(world: World, team: Team) -> None:
    res = team.viewer.client.get(f"{world.base}/files/count")
    assert res.status_code == 200 and res.json() == {"count": len(world.live())}
    one = world.files["img-001.jpg"].id
    assert team.viewer.client.get(f"{world.base}/files/{one}").json()["name"] == "img-001.jpg"


def test_an_overlong_query_is_refused(bare_world: World, team: Team) -> None:
    world = bare_world
    res = team.viewer.client.get(f"{world.base}/files", params={"q": "labels.car > 1 or " * 700 + "labels.car > 1"})
    assert res.status_code == 422 and res.json()["error"]["fields"][0]["field"] == "query.q"
