"""Problems found in a definition, each pointing at a line and column of the source."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a definition; ``line`` and ``column`` are 1-based (0: unknown)."""

    message: str
    line: int
    column: int
    path: str = ""

    def __str__(self) -> str:
        where = f"line {self.line}, column {self.column}" if self.line else "definition"
        return f"{where}: {self.message}" + (f" (at {self.path})" if self.path else "")


class DefinitionError(ValueError):
    """A definition that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.line, p.column))
        super().__init__("; ".join(str(p) for p in self.problems[:5]))
