"""Static checks of a definition: structure, blocks and their configs, names, cycles, types, ``out``."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import Any

from jsonschema import Draft202012Validator  # type: ignore[import-untyped]
from pydantic import ValidationError

from groundwork.workflows.errors import DefinitionError, Problem
from groundwork.workflows.source import Path, Positions, load
from groundwork.workflows.spec import EVENT, BlockSpec, Catalogue, Definition, ValueDef, compatible

INPUT, OUTPUT, MAP = "in", "out", "map"


@dataclass
class Validated:
    """A definition that passed every check, with its values in an order that respects dependencies."""

    definition: Definition
    order: list[str]
    depends_on: dict[str, set[str]]
    types: dict[str, str]


@dataclass
class _Checker:
    definition: Definition
    catalogue: Catalogue
    pos: Positions
    problems: list[Problem] = field(default_factory=list)
    deps: dict[str, set[str]] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)
    heads: dict[str, BlockSpec | None] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    _state: dict[str, str] = field(default_factory=dict)

    def fail(self, message: str, path: Path, *, key: bool = False) -> None:
        self.problems.append(self.pos.problem(message, path, key=key))

    def spec_of(self, instance: str) -> BlockSpec | None:
        use = self.definition.blocks.get(instance)
        return self.catalogue.get(use.use) if use is not None else None

    # -- blocks -------------------------------------------------------------------------------------
    def check_blocks(self) -> None:
        for name, use in self.definition.blocks.items():
            spec = self.catalogue.get(use.use)
            if spec is None:
                known = ", ".join(sorted(self.catalogue)) or "none installed"
                self.fail(f"unknown block {use.use!r} (known: {known})", ("blocks", name, "use"))
                continue
            validator = Draft202012Validator(dict(spec.config_schema))
            for err in sorted(validator.iter_errors(use.with_), key=lambda e: list(e.absolute_path)):
                self.fail(f"block {name!r} ({use.use}): {err.message}", ("blocks", name, "with", *err.absolute_path))

    # -- values -------------------------------------------------------------------------------------
    def check_values(self) -> None:
        values = self.definition.workflow
        if INPUT in values:
            self.fail("'in' is the triggering input and cannot be defined", ("workflow", INPUT), key=True)
        if OUTPUT not in values:
            self.fail("the workflow must define 'out'", ("workflow",), key=True)
        for name in values:
            if name != INPUT:
                self.visit(name)

    def visit(self, name: str) -> str | None:
        """Type of a value, checking it (and what it uses) once; reports cycles."""
        state = self._state.get(name)
        if state == "done":
            return self.types.get(name)
        if state == "active":
            return None  # the cycle is reported by the caller that closes it
        self._state[name] = "active"
        raw = self.definition.workflow[name]
        path: Path = ("workflow", name)

        self.deps[name] = set()
        expr = raw
        if isinstance(raw, dict):
            try:
                vdef = ValueDef.model_validate(raw)
            except ValidationError as exc:
                for e in exc.errors():
                    self.fail(e["msg"], (*path, *e["loc"]))
                self._state[name] = "done"
                return None
            expr, path = vdef.do, (*path, "do")
            if vdef.when is not None:
                self.check_condition(name, vdef.when, ("workflow", name, "when"))
        callee = expr[0] if isinstance(expr, list) and expr and isinstance(expr[0], str) else None
        if callee == MAP and len(expr) > 1 and isinstance(expr[1], str):
            callee = expr[1]  # [map, block, value]: the value has the mapped block's outputs
        self.heads[name] = self.spec_of(callee) if callee is not None else None
        result = self.infer(name, expr, path)
        self._state[name] = "done"
        if result is not None:
            self.types[name] = result
        self.order.append(name)
        return result

    def reference(self, owner: str, ref: str, path: Path) -> str | None:
        """Type of ``name`` or ``name.port``; records the dependency."""
        base, _, port = ref.partition(".")
        if base == INPUT:
            if port:
                self.fail("'in' has no ports", path)
            return EVENT
        if base not in self.definition.workflow:
            self.fail(f"undefined value {base!r}", path)
            return None
        self.deps[owner].add(base)
        if self._state.get(base) == "active":
            self.fail(f"cycle: {base!r} depends on itself through {owner!r}", path)
            return None
        produced = self.visit(base)
        if not port:
            return produced
        head = self.heads.get(base)
        out = head.output(port) if head is not None else None
        if out is None:
            self.fail(f"{base!r} has no output {port!r}", path)
            return None
        return out.type

    def infer(self, owner: str, expr: Any, path: Path) -> str | None:
        """Type of an expression: a reference, or an application ``[block, args...]``."""
        if isinstance(expr, str):
            return self.reference(owner, expr, path)
        if not isinstance(expr, list) or not expr or not isinstance(expr[0], str):
            self.fail("expected a value name or [block, arguments...]", path)
            return None
        callee, args = expr[0], expr[1:]
        if callee == MAP:
            if len(args) != 2 or not isinstance(args[0], str):
                self.fail("map takes a block and a list: [map, block, value]", path)
                return None
            callee, args, path = args[0], args[1:], (*path, 1)
        spec = self.spec_of(callee)
        if spec is None:
            if callee not in self.definition.blocks:
                self.fail(f"unknown block instance {callee!r} (define it under 'blocks')", (*path, 0))
            return None
        self.check_args(owner, spec, callee, args, path)
        out = spec.output(None)
        return out.type if out is not None else None

    def check_args(self, owner: str, spec: BlockSpec, callee: str, args: list[Any], path: Path) -> None:
        ports = list(spec.inputs)
        variadic = bool(ports) and ports[-1].many
        if len(args) < len(ports) - (1 if variadic else 0) or (len(args) > len(ports) and not variadic):
            self.fail(f"{callee!r} takes {len(ports)}{'+' if variadic else ''} argument(s), got {len(args)}", path)
        for i, arg in enumerate(args):
            produced = self.infer(owner, arg, (*path, i + 1))
            port = ports[min(i, len(ports) - 1)] if ports else None
            if port is not None and produced is not None and not compatible(produced, port.type):
                self.fail(f"{callee!r} input {port.name!r} takes {port.type}, got {produced}", (*path, i + 1))

    def check_condition(self, owner: str, text: str, path: Path) -> None:
        """``when``: a comparison over earlier values, e.g. ``zs.label == 'unsure' and zs.score < 0.5``."""
        try:
            tree = ast.parse(text, mode="eval")
        except SyntaxError as exc:
            self.fail(f"invalid condition: {exc.msg} at column {exc.offset}", path)
            return
        allowed = (ast.Expression, ast.BoolOp, ast.And, ast.Or, ast.UnaryOp, ast.Not, ast.Compare, ast.Name,
                   ast.Attribute, ast.Constant, ast.Load, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
                   ast.In, ast.NotIn, ast.List, ast.Tuple)
        for node in ast.walk(tree):
            if not isinstance(node, allowed):
                self.fail(f"conditions may only compare values; {type(node).__name__} is not allowed", path)
                return
            if isinstance(node, ast.Name):
                self.reference(owner, node.id, path)


def parse_and_validate(text: str, catalogue: Catalogue) -> Validated:
    """Parse YAML/JSON and check it; raises DefinitionError listing every problem with line and column."""
    data, pos = load(text)
    if not isinstance(data, dict):
        raise DefinitionError([pos.problem("a definition is a mapping (name, on, blocks, workflow)", ())])
    try:
        definition = Definition.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = tuple(e["loc"])
            missing = e["type"] == "missing"
            problems.append(pos.problem(e["msg"] if not missing else f"{loc[-1]!r} is required",
                                        loc[:-1] if missing else loc, key=not missing))
        raise DefinitionError(problems) from exc
    checker = _Checker(definition, catalogue, pos)
    checker.check_blocks()
    checker.check_values()
    if checker.problems:
        raise DefinitionError(checker.problems)
    return Validated(definition=definition, order=checker.order, depends_on=checker.deps, types=checker.types)
