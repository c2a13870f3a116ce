"""The workflows in docs/ml.md are valid for the built-in catalogue, and the closed loop is the tested one."""

from __future__ import annotations

import re
from pathlib import Path

from groundwork.workflows.validate import parse_and_validate
from test_closed_loop import LOOP

from workflow_service.blocks.registry import load_registry
from workflow_service.values import condition_holds

DOCS = (Path(__file__).resolve().parents[2] / "docs" / "ml.md").read_text()


def test_every_example_validates_and_the_closed_loop_is_the_tested_one() -> None:
    catalogue = load_registry(plugins=False).catalogue()
    examples = [m for m in re.findall(r"```yaml\n(.*?)```", DOCS, re.S) if "workflow:" in m]
    assert len(examples) == 3
    for example in examples:
        parse_and_validate(example, catalogue)  # raises with line and column on any problem
    assert examples[0] == LOOP


def test_the_alert_condition_reads_the_outputs_it_names() -> None:
    (when,) = re.findall(r'when: "(c\.failed.*?)"', DOCS)
    outputs = {"c": {"failed": [], "report": {}}, "d": {"report": {"drift": True}, "anomalous": []}}

    def lookup(name: str) -> object:
        return outputs[name]

    assert condition_holds(when, lookup) is True
    outputs["d"]["report"]["drift"] = False
    assert condition_holds(when, lookup) is False
