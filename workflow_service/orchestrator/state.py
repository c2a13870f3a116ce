"""What the orchestrator holds of a run, and the state changes it has yet to report to the backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflow_service.plan import Plan

TERMINAL = frozenset({"succeeded", "failed", "skipped", "cancelled"})


@dataclass
class RunState:
    """A run in progress: its plan, input, and each step's status and outputs (port -> value)."""

    run_id: int
    project_id: int
    workflow_id: int
    version_id: int
    plan: Plan
    run_input: dict[str, Any]
    status: dict[str, str] = field(default_factory=dict)
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    finished: bool = False

    @property
    def defaults(self) -> dict[str, str]:
        """Each node's default output port."""
        return {k: n.default_port if n.block else "out" for k, n in self.plan.nodes.items()}

    def lookup(self, name: str) -> Any:
        """A value by name for conditions: a single output's value, or the ports of a multi-output block."""
        if name == "in":
            return self.run_input
        ports = self.outputs.get(name, {})
        return next(iter(ports.values())) if len(ports) == 1 else ports


@dataclass
class Updates:
    """Run and step transitions gathered during one round, sent to the backend in one call."""

    runs: list[dict[str, Any]] = field(default_factory=list)
    steps: list[dict[str, Any]] = field(default_factory=list)

    def step(self, run: RunState, key: str, status: str, **extra: Any) -> None:
        """Record a step's new status (and mirror it in the run's state)."""
        run.status[key] = status
        node = run.plan.nodes[key]
        item: dict[str, Any] = {"run_id": run.run_id, "key": key, "status": status, "instance": node.instance or "",
                                "block": node.block or "", "queue": node.queue if node.block else "orchestrator"}
        item.update({k: v for k, v in extra.items() if v is not None})
        self.steps.append(item)

    def run(self, run_id: int, status: str, **extra: Any) -> None:
        """Record a run's new status."""
        self.runs.append({"run_id": run_id, "status": status, **{k: v for k, v in extra.items() if v is not None}})

    def take(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """Everything gathered so far (and forget it)."""
        runs, steps = self.runs, self.steps
        self.runs, self.steps = [], []
        return runs, steps
