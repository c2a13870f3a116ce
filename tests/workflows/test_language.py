"""The workflow language: good definitions parse; every kind of mistake is reported at its line and column."""

from __future__ import annotations

import pytest
from groundwork.workflows import BlockSpec, DefinitionError, Port, parse_and_validate

CATALOGUE = {
    "route": BlockSpec("route", {"type": "object", "properties": {"field": {"type": "string"}},
                                 "required": ["field"], "additionalProperties": False},
                       inputs=(Port("files", "files"),), outputs=(Port("matched", "files"), Port("rest", "files"))),
    "human_task": BlockSpec("human_task", {"type": "object", "properties": {"kind": {"enum": ["annotate", "review"]}}},
                            inputs=(Port("files", "files"),), outputs=(Port("tasks", "tasks"),)),
    "export": BlockSpec("export", {"type": "object"}, inputs=(Port("what"),), outputs=(Port("report", "report"),)),
    "merge": BlockSpec("merge", {}, inputs=(Port("parts", "files", many=True),), outputs=(Port("all", "files"),)),
    "train": BlockSpec("train", {}, inputs=(Port("tasks", "tasks"),), outputs=(Port("model", "model"),)),
}

GOOD = """\
name: review texts
on:
  - event: file.created
    filter: "file.type = 'text'"
  - manual: true
defaults: {retries: 3, queue: cpu}
blocks:
  by_lang: {use: route, with: {field: meta.lang}}
  review: {use: human_task, with: {kind: review}, retries: 5}
  both: {use: merge}
  dump: {use: export}
workflow:
  routed: [by_lang, in]
  english: routed.matched
  everything: [both, english, routed.rest]
  reviewed:
    do: [map, review, everything]
    when: "routed.matched != []"
  gathered:
    do: reviewed
    wait: {all_tasks: true}
  out: [dump, gathered]
"""


def test_a_good_definition_parses_in_dependency_order() -> None:
    v = parse_and_validate(GOOD, CATALOGUE)
    assert v.definition.name == "review texts"
    assert v.order.index("routed") < v.order.index("everything") < v.order.index("reviewed") < v.order.index("out")
    assert v.types["everything"] == "files" and v.types["reviewed"] == "tasks" and v.types["out"] == "report"
    assert v.depends_on["reviewed"] == {"everything", "routed"}
    assert v.definition.blocks["review"].retries == 5


def test_json_is_accepted_too() -> None:
    text = ('{"name": "j", "on": [{"manual": true}], "blocks": {"d": {"use": "export"}},'
            ' "workflow": {"out": ["d", "in"]}}')
    assert parse_and_validate(text, CATALOGUE).order == ["out"]


def _problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(DefinitionError) as info:
        parse_and_validate(text, CATALOGUE)
    return [(p.line, p.column, p.message) for p in info.value.problems]


BASE = "name: x\non:\n  - manual: true\n"

CASES = [
    ("invalid YAML", "name: x\non: [\n", 3, 1, "invalid YAML"),
    ("unknown block", BASE + "blocks:\n  z: {use: zero_shot}\nworkflow:\n  out: [z, in]\n", 5, 12,
     "unknown block 'zero_shot'"),
    ("bad block config", BASE + "blocks:\n  r: {use: route, with: {fild: x}}\nworkflow:\n  out: [r, in]\n", 5, 25,
     "'field' is a required property"),
    ("config value of the wrong kind", BASE + "blocks:\n  h: {use: human_task, with: {kind: draw}}\n"
     "workflow:\n  out: [h, in]\n", 5, 37, "'draw' is not one of"),
    ("cycle", BASE + "blocks:\n  d: {use: export}\nworkflow:\n  a: [d, b]\n  b: [d, a]\n  out: [d, a]\n", 8, 10,
     "cycle"),
    ("undefined value", BASE + "blocks:\n  d: {use: export}\nworkflow:\n  out: [d, nothing]\n", 7, 12,
     "undefined value 'nothing'"),
    ("no out", BASE + "blocks:\n  d: {use: export}\nworkflow:\n  a: [d, in]\n", 6, 1, "must define 'out'"),
    ("type mismatch", BASE + "blocks:\n  t: {use: train}\nworkflow:\n  out: [t, in]\n", 7, 12,
     "takes tasks, got event"),
    ("unknown output", BASE + "blocks:\n  r: {use: route, with: {field: a}}\nworkflow:\n  x: [r, in]\n  out: x.nope\n",
     8, 8, "has no output 'nope'"),
    ("unknown instance", BASE + "workflow:\n  out: [review, in]\n", 5, 9, "unknown block instance 'review'"),
    ("too many arguments", BASE + "blocks:\n  t: {use: train}\nworkflow:\n  out: [t, in, in]\n", 7, 8,
     "takes 1 argument(s), got 2"),
    ("unknown top-level key", BASE + "blockz: {}\nworkflow:\n  out: in\n", 4, 1, "Extra inputs are not permitted"),
    ("missing name", "on:\n  - manual: true\nworkflow:\n  out: in\n", 1, 1, "'name' is required"),
    ("trigger of two kinds", "name: x\non:\n  - {manual: true, schedule: '* * * * *'}\nworkflow:\n  out: in\n", 3, 5,
     "exactly one of"),
    ("bad condition", BASE + "blocks:\n  d: {use: export}\nworkflow:\n  out:\n    do: [d, in]\n"
     "    when: \"__import__('os')\"\n", 9, 11, "conditions may only compare"),
    ("duplicate key", BASE + "workflow:\n  out: in\n  out: in\n", 6, 3, "duplicate key 'out'"),
]


@pytest.mark.parametrize(("case", "text", "line", "column", "message"), CASES, ids=[c[0] for c in CASES])
def test_mistakes_point_at_their_line_and_column(case: str, text: str, line: int, column: int, message: str) -> None:
    problems = _problems(text)
    assert any(message in m for _, _, m in problems), problems
    hit = next((ln, col) for ln, col, m in problems if message in m)
    assert hit == (line, column), problems


def test_every_problem_is_reported_at_once() -> None:
    text = BASE + "blocks:\n  z: {use: zero_shot}\nworkflow:\n  a: [missing, in]\n"
    messages = [m for _, _, m in _problems(text)]
    assert len(messages) == 3, messages
