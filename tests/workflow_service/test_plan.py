"""Compiling definitions into plans, resolving values, and evaluating conditions."""

import re
from pathlib import Path
from typing import Any

import pytest
from groundwork.workflows import DefinitionError
from groundwork.workflows.source import load

from workflow_service.blocks.registry import load_registry
from workflow_service.plan import Ref, compile_plan
from workflow_service.values import arguments, condition_holds

CATALOGUE = load_registry(plugins=False).catalogue()

EXAMPLE: dict[str, Any] = {
    "name": "review texts",
    "on": [{"event": "file.created", "filter": "file.type = 'text'"}],
    "defaults": {"batch_size": 8, "max_batch_delay": 2, "retries": 1},
    "blocks": {"by_lang": {"use": "route", "with": {"query": "meta.lang = 'en'"}},
               "review": {"use": "human_task", "with": {"kind": "review"}, "retries": 4, "queue": "gpu"},
               "dump": {"use": "export", "with": {"format": "jsonl"}}},
    "workflow": {"routed": ["by_lang", "in"], "english": "routed.matched",
                 "reviewed": {"do": ["review", "english"], "when": "routed.matched != []"},
                 "gathered": {"do": "reviewed", "wait": {"all_tasks": True}},
                 "out": ["dump", "reviewed.files"]},
}


def test_the_documented_example_compiles_into_ordered_nodes() -> None:
    plan = compile_plan(EXAMPLE, CATALOGUE)
    assert plan.order.index("routed") < plan.order.index("english") < plan.order.index("reviewed")
    assert plan.order.index("reviewed") < plan.order.index("out")
    routed, english, reviewed = plan.nodes["routed"], plan.nodes["english"], plan.nodes["reviewed"]
    assert (routed.block, routed.batch_size, routed.max_batch_delay, routed.retries) == ("route", 8, 2, 1)
    assert (reviewed.block, reviewed.retries, reviewed.queue) == ("human_task", 4, "gpu")
    assert english.block is None and english.args == [Ref("routed", "matched")]
    assert reviewed.deps == {"english", "routed"}  # its argument and the value its condition reads
    assert plan.nodes["gathered"].wait is not None and plan.nodes["gathered"].wait.all_tasks
    assert routed.arg_types == ["event"] and routed.in_types == ["files"]


def test_nested_applications_get_their_own_nodes() -> None:
    definition = {"name": "n", "on": [{"manual": True}], "blocks": {"a": {"use": "identity"}, "b": {"use": "identity"}},
                  "workflow": {"out": ["a", ["b", "in"]]}}
    plan = compile_plan(definition, CATALOGUE)
    assert plan.order == ["out~1", "out"]
    assert plan.nodes["out"].args == [Ref("out~1")] and plan.nodes["out~1"].instance == "b"


def test_a_definition_this_worker_cannot_run_is_refused() -> None:
    definition = {"name": "n", "on": [{"manual": True}], "blocks": {"a": {"use": "not_installed"}},
                  "workflow": {"out": ["a", "in"]}}
    with pytest.raises(DefinitionError, match="unknown block"):
        compile_plan(definition, CATALOGUE)


def test_an_event_feeds_a_files_input_with_the_files_it_is_about() -> None:
    plan = compile_plan(EXAMPLE, CATALOGUE)
    event = {"type": "file.created", "payload": {"file_id": 7}}
    assert arguments(plan.nodes["routed"], {}, {}, event) == [[7]]
    filtered = {**event, "file_ids": [7, 9]}  # the backend's filter put the matching files in the input
    assert arguments(plan.nodes["routed"], {}, {}, filtered) == [[7, 9]]
    outputs = {"routed": {"matched": [7], "unmatched": [9]}}
    assert arguments(plan.nodes["english"], {"routed": "matched"}, outputs, event) == [[7]]


@pytest.mark.parametrize(("text", "expected"), [
    ("zs.label == 'unsure' and zs.score < 0.5", True),
    ("zs.label == 'unsure' and zs.score > 0.5", False),
    ("not (routed.matched == [])", True),
    ("routed.matched != [] or zs.missing > 1", True),
    ("zs.missing < 1", False),  # a missing field never satisfies a comparison
    ("zs.label in ['a', 'unsure']", True),
])
def test_conditions(text: str, expected: bool) -> None:
    values = {"zs": {"label": "unsure", "score": 0.2}, "routed": {"matched": [1], "unmatched": []}}
    assert condition_holds(text, values.__getitem__) is expected


def test_conditions_never_call_anything() -> None:
    with pytest.raises(ValueError, match="not allowed"):
        condition_holds("__import__('os').system('true')", lambda _: None)


def test_the_example_in_the_docs_is_a_valid_workflow_for_the_built_in_blocks() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "workflows.md").read_text()
    example, _ = load(re.search(r"```yaml\n(.*?)```", docs, re.S).group(1))  # type: ignore[union-attr]
    plan = compile_plan(example, CATALOGUE)
    assert plan.nodes["reviewed"].map and plan.nodes["gathered"].wait is not None
    assert plan.nodes["gathered"].wait.events == 10
