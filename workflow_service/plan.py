"""A validated definition compiled into a flat plan: one node per value (nested applications get their own).

The orchestrator walks the plan for each run: a node whose inputs are ready is evaluated — a reference
at once, a block application as a step on its block's Celery queue.
"""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from typing import Any

from groundwork.workflows import Catalogue, parse_and_validate
from groundwork.workflows.spec import ANY, EVENT, ExecProps, Wait
from groundwork.workflows.validate import INPUT, MAP, OUTPUT

DEFAULTS = ExecProps(batch_size=1, max_batch_delay=0.0, retries=2, timeout=600.0, queue=None)


@dataclass(frozen=True)
class Ref:
    """An argument: the value of node ``key`` (``in`` for the run's input), or one of its ports."""

    key: str
    port: str | None = None


@dataclass
class Node:
    """One value of the workflow: a reference (``instance`` None) or a block application."""

    key: str
    args: list[Ref]
    instance: str | None = None
    block: str | None = None
    map: bool = False
    config: dict[str, Any] = field(default_factory=dict)
    when: str | None = None
    wait: Wait | None = None
    batch_size: int = 1
    max_batch_delay: float = 0.0
    retries: int = 2
    timeout: float = 600.0
    queue: str = "cpu"
    arg_types: list[str] = field(default_factory=list)  # what each argument produces
    in_types: list[str] = field(default_factory=list)  # what each input port takes
    default_port: str = "out"

    @property
    def deps(self) -> set[str]:
        """Nodes this one waits for (arguments and names in its condition)."""
        names = {a.key for a in self.args if a.key != INPUT}
        if self.when:
            names |= {n.id for n in ast.walk(ast.parse(self.when, mode="eval"))
                      if isinstance(n, ast.Name) and n.id != INPUT}
        return names


@dataclass
class Plan:
    """Nodes in an order that respects dependencies; ``out`` is the result."""

    name: str
    nodes: dict[str, Node]
    order: list[str]

    def dependants(self, key: str) -> list[str]:
        """Nodes that use ``key``."""
        return [k for k in self.order if key in self.nodes[k].deps]


def compile_plan(definition: dict[str, Any], catalogue: Catalogue) -> Plan:
    """Check the stored definition against this worker's catalogue and flatten it into nodes."""
    validated = parse_and_validate(json.dumps(definition), catalogue)
    d = validated.definition
    nodes: dict[str, Node] = {}
    order: list[str] = []

    def props(instance: str | None) -> dict[str, Any]:
        merged = DEFAULTS.model_dump()
        merged.update({k: v for k, v in d.defaults.model_dump().items() if v is not None})
        if instance is not None:
            use = d.blocks[instance]
            merged.update({k: v for k, v in use.model_dump(exclude={"use", "with_"}).items() if v is not None})
            spec = catalogue[use.use]
            merged["queue"] = merged["queue"] or spec.queue
        merged["queue"] = merged["queue"] or "cpu"
        return merged

    def type_of(ref: Ref) -> str:
        if ref.key == INPUT:
            return EVENT
        node = nodes[ref.key]
        if node.block is None:
            return validated.types.get(ref.key, ANY)
        return _port_type(catalogue, node.block, ref.port)

    def build(key: str, expr: Any, counter: list[int]) -> Ref:
        """Return a reference to the node computing ``expr`` (creating anonymous nodes for nesting)."""
        if isinstance(expr, str):
            base, _, port = expr.partition(".")
            return Ref(base, port or None)
        callee, raw_args, is_map = expr[0], expr[1:], False
        if callee == MAP:
            callee, raw_args, is_map = expr[1], expr[2:], True
        args = []
        for raw in raw_args:
            if isinstance(raw, list):
                counter[0] += 1
                sub = f"{key}~{counter[0]}"
                ref = build(sub, raw, counter)
                node_for(sub, ref)
                args.append(Ref(sub))
            else:
                args.append(build(key, raw, counter))
        use = d.blocks[callee]
        spec = catalogue[use.use]
        p = props(callee)
        ports = list(spec.inputs)
        node = Node(key=key, args=args, instance=callee, block=use.use, map=is_map, config=dict(use.with_),
                    batch_size=p["batch_size"], max_batch_delay=p["max_batch_delay"], retries=p["retries"],
                    timeout=p["timeout"], queue=p["queue"],
                    in_types=[ports[min(i, len(ports) - 1)].type for i in range(len(args))] if ports else [],
                    default_port=spec.outputs[0].name if spec.outputs else "out")
        pending[key] = node
        return Ref(key)

    pending: dict[str, Node] = {}

    def node_for(key: str, ref: Ref) -> None:
        # an application's node was built by ``build``; anything else is a reference (an alias or a port)
        node = pending.pop(key) if ref.key == key else Node(key=key, args=[ref])
        node.arg_types = [type_of(a) for a in node.args]
        nodes[key] = node
        order.append(key)

    for name in validated.order:
        raw = d.workflow[name]
        when = wait = None
        if isinstance(raw, dict):
            when, wait, raw = raw.get("when"), raw.get("wait"), raw["do"]
        node_ref = build(name, raw, [0])
        node_for(name, node_ref)
        nodes[name].when = when
        nodes[name].wait = Wait.model_validate(wait) if wait is not None else None
    if OUTPUT not in nodes:  # parse_and_validate guarantees it; keeps mypy and readers sure
        raise ValueError("the workflow has no out")
    return Plan(name=d.name, nodes=nodes, order=order)


def _port_type(catalogue: Catalogue, slug: str, port: str | None) -> str:
    out = catalogue[slug].output(port)
    return out.type if out is not None else ANY
