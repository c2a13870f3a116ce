"""Values flowing through a run: resolving arguments, coercing types, evaluating ``when`` conditions."""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

from groundwork.workflows.spec import EVENT
from groundwork.workflows.validate import INPUT

from workflow_service.blocks.base import file_ids_of
from workflow_service.plan import Node, Ref

Outputs = Mapping[str, Mapping[str, Any]]  # node key -> port -> value


def resolve(ref: Ref, node_defaults: Mapping[str, str], outputs: Outputs, run_input: Any) -> Any:
    """The value an argument refers to."""
    if ref.key == INPUT:
        return run_input
    ports = outputs.get(ref.key, {})
    return ports.get(ref.port or node_defaults.get(ref.key, "out"))


def arguments(node: Node, node_defaults: Mapping[str, str], outputs: Outputs, run_input: Any) -> list[Any]:
    """A node's arguments, with an event given to a ``files`` input as the files it is about."""
    values = []
    for i, ref in enumerate(node.args):
        value = resolve(ref, node_defaults, outputs, run_input)
        wanted = node.in_types[i] if i < len(node.in_types) else None
        if node.arg_types and node.arg_types[i] == EVENT and wanted == "files":
            value = file_ids_of(value)
        values.append(value)
    return values


_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], bool]] = {
    ast.Eq: operator.eq, ast.NotEq: operator.ne, ast.Lt: operator.lt, ast.LtE: operator.le,
    ast.Gt: operator.gt, ast.GtE: operator.ge, ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b}


def condition_holds(text: str, lookup: Callable[[str], Any]) -> bool:
    """Evaluate a ``when`` condition (comparisons, and/or/not, literals, names, fields); never ``eval``."""

    def ev(node: ast.AST) -> Any:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.BoolOp):
            results = (ev(v) for v in node.values)
            return all(results) if isinstance(node.op, ast.And) else any(results)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return not ev(node.operand)
        if isinstance(node, ast.Compare):
            left = ev(node.left)
            for op, right_node in zip(node.ops, node.comparators, strict=True):
                right = ev(right_node)
                try:
                    if not _COMPARE[type(op)](left, right):
                        return False
                except TypeError:  # e.g. None < 0.5: a missing field makes the comparison false
                    return False
                left = right
            return True
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.List | ast.Tuple):
            return [ev(e) for e in node.elts]
        if isinstance(node, ast.Name):
            return lookup(node.id)
        if isinstance(node, ast.Attribute):
            base = ev(node.value)
            return base.get(node.attr) if isinstance(base, Mapping) else getattr(base, node.attr, None)
        raise ValueError(f"not allowed in a condition: {type(node).__name__}")

    return bool(ev(ast.parse(text, mode="eval")))
