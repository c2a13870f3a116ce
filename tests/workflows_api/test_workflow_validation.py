"""Invalid definitions answer 422 with every problem at its line and column; nothing is stored or changed."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from tests.conftest import Team
from tests.workflows_api.wfhelpers import API, REVIEW_TEXTS

Make = Callable[..., dict[str, Any]]

UNKNOWN_BLOCK = REVIEW_TEXTS.replace("use: export", "use: exprot")
CYCLE = """\
name: loop
on: [{manual: true}]
blocks:
  n: {use: noop}
workflow:
  a: [n, b]
  b: [n, a]
  out: [n, a]
"""
BAD_CONFIG = REVIEW_TEXTS.replace("{kind: review}", "{kind: reveiw}")
BAD_YAML = """\
name: broken
on:
  - manual: true
blocks: {n: {use: noop}
workflow:
  out: [n, in]
"""
BAD_JSON = '{\n  "name": "j",\n  "on": [{"manual": true}],\n  "workflow": {"out": ["n", "in"],}\n}\n'
BAD_FILTER = REVIEW_TEXTS.replace("file.type = 'text'", "file.typo = 'text'")
BROKEN_PLUGIN = REVIEW_TEXTS.replace("use: export, with: {format: jsonl}", "use: zero_shot")


def _post(team: Team, source: str, path: str = "") -> Any:
    return team.admin.client.post(f"{API}/projects/{team.project_id}/workflows{path}", json={"source": source})


def at(source: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based (line, column) of the ``nth`` occurrence of ``needle`` in ``source``."""
    index = -1
    for _ in range(nth + 1):
        index = source.index(needle, index + 1)
    before = source[:index]
    return before.count("\n") + 1, index - (before.rfind("\n") + 1) + 1


@pytest.mark.parametrize(("source", "where", "words", "path"), [
    (UNKNOWN_BLOCK, at(UNKNOWN_BLOCK, "exprot"), "unknown block 'exprot'", "blocks.dump.use"),
    (CYCLE, at(CYCLE, "a]"), "cycle", "workflow.b.1"),
    (BAD_CONFIG, at(BAD_CONFIG, "reveiw"), "'reveiw' is not one of", "blocks.review.with.kind"),
    (BAD_YAML, at(BAD_YAML, "workflow"), "invalid YAML", ""),
    (BAD_JSON, at(BAD_JSON, "}\n}"), "invalid JSON", ""),
    (BAD_FILTER, at(BAD_FILTER, "typo"), "invalid filter", "on.0.filter"),
    (BROKEN_PLUGIN, at(BROKEN_PLUGIN, "zero_shot"), "unknown block 'zero_shot'", "blocks.dump.use"),
], ids=["unknown-block", "cycle", "bad-config", "bad-yaml", "bad-json", "bad-filter", "broken-plugin"])
def test_invalid_definitions_point_at_the_problem(team: Team, catalogue: list[dict[str, Any]], source: str,
                                                  where: tuple[int, int], words: str, path: str) -> None:
    for endpoint in ("", "/validate"):
        r = _post(team, source, endpoint)
        assert r.status_code == 422, r.text
        body = r.json()
        assert body["error"]["code"] == "validation_error"
        first = body["errors"][0]
        assert (first["line"], first["column"]) == where, body["errors"]
        assert words in first["message"] and first["path"] == path, first
        assert body["error"]["fields"][0]["field"] == "body.source"
        assert f"line {where[0]}, column {where[1]}" in body["error"]["message"]
    assert team.admin.client.get(f"{API}/projects/{team.project_id}/workflows").json()["items"] == []


def test_every_problem_is_listed(team: Team, catalogue: list[dict[str, Any]]) -> None:
    both = UNKNOWN_BLOCK.replace("{kind: review}", "{kind: reveiw}")
    errors = _post(team, both).json()["errors"]
    assert [(e["line"], e["path"]) for e in errors] == [(9, "blocks.review.with.kind"), (10, "blocks.dump.use")]


def test_an_invalid_update_changes_nothing(team: Team, make_workflow: Make) -> None:
    wf = make_workflow(REVIEW_TEXTS)
    url = f"{API}/projects/{team.project_id}/workflows/{wf['id']}"
    r = team.admin.client.put(url, json={"source": CYCLE.replace("name: loop", "name: review texts")})
    assert r.status_code == 422 and r.json()["errors"][0]["message"].startswith("cycle")
    after = team.admin.client.get(url).json()
    assert after["current_version"] == 1 and after["source"] == REVIEW_TEXTS


def test_without_a_catalogue_every_block_is_unknown(team: Team) -> None:
    r = _post(team, REVIEW_TEXTS)
    assert r.status_code == 422
    assert "none installed" in r.json()["errors"][0]["message"]
