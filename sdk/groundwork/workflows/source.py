"""Load YAML or JSON into plain data while remembering where every value came from."""

from __future__ import annotations

from typing import Any

import yaml

from groundwork.workflows.errors import DefinitionError, Problem

Path = tuple[str | int, ...]


class Positions:
    """(line, column) of each node by its path in the document (1-based)."""

    def __init__(self) -> None:
        self._at: dict[Path, tuple[int, int]] = {}
        self._keys: dict[Path, tuple[int, int]] = {}

    def record(self, path: Path, line: int, column: int, *, key: bool = False) -> None:
        (self._keys if key else self._at)[path] = (line, column)

    def of(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Where ``path`` is (its key if asked, else its value), falling back to the nearest parent."""
        while True:
            table = self._keys if key else self._at
            if path in table:
                return table[path]
            if key and path in self._at:
                return self._at[path]
            if not path:
                return (1, 1)
            path, key = path[:-1], False

    def problem(self, message: str, path: Path, *, key: bool = False) -> Problem:
        line, column = self.of(path, key=key)
        return Problem(message, line, column, ".".join(str(p) for p in path))


def load(text: str) -> tuple[Any, Positions]:
    """Parse YAML (JSON is YAML too) into data plus positions; syntax errors carry line and column."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (0, 0)
        raise DefinitionError([Problem(f"invalid YAML: {exc.problem or exc}", line, column)]) from exc
    positions = Positions()
    if node is None:
        raise DefinitionError([Problem("the definition is empty", 1, 1)])
    return _convert(node, (), positions), positions


def _convert(node: yaml.Node, path: Path, positions: Positions) -> Any:
    positions.record(path, node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)  # keys are scalars; their raw text (so `on` stays 'on', not True)
            if key in out:
                raise DefinitionError([Problem(f"duplicate key {key!r}", key_node.start_mark.line + 1,
                                               key_node.start_mark.column + 1)])
            positions.record((*path, key), key_node.start_mark.line + 1, key_node.start_mark.column + 1, key=True)
            out[key] = _convert(value_node, (*path, key), positions)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(child, (*path, i), positions) for i, child in enumerate(node.value)]
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node)
    finally:
        loader.dispose()
