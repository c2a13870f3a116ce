"""Reading a large JSON object's top-level arrays one element at a time, in constant memory.

COCO files put every annotation in one array; ``json.load`` would hold the whole document (about
ten times the file's size in Python objects). This reader keeps a window of the text and decodes
one element at a time with the standard library's C decoder (``raw_decode``), reading more of the
file whenever an element runs past the window. (ijson does this too; it is not a dependency here.)
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any, TextIO

_WINDOW = 1 << 20
_BLANK = re.compile(r"[ \t\r\n]*")
_decoder = json.JSONDecoder()


class JsonSyntaxError(ValueError):
    """The text is not valid JSON (or not the expected shape); the message names line and column."""


class _Text:
    """A sliding window over a text file with the line and column of any position in it."""

    def __init__(self, f: TextIO) -> None:
        self.f, self.buf, self.pos, self.eof = f, "", 0, False
        self.line, self.line_start = 1, 0  # line of buf[0], and where that line starts relative to buf[0]

    def more(self) -> bool:
        """Read the next part of the file (dropping what was consumed); False at the end."""
        if self.eof:
            return False
        data = self.f.read(_WINDOW)
        if not data:
            self.eof = True
            return False
        dropped = self.buf[:self.pos]
        newlines = dropped.count("\n")
        if newlines:
            self.line += newlines
            self.line_start = dropped.rfind("\n") + 1 - self.pos
        else:
            self.line_start -= self.pos
        self.buf, self.pos = self.buf[self.pos:] + data, 0
        return True

    def where(self, pos: int) -> str:
        """``line L, column C`` of a position in the window."""
        before = self.buf[:pos]
        n = before.count("\n")
        column = pos - (before.rfind("\n") + 1) + 1 if n else pos - self.line_start + 1
        return f"line {self.line + n}, column {column}"

    def peek(self) -> str:
        """The next non-blank character ('' at the end), not consumed."""
        while True:
            blank = _BLANK.match(self.buf, self.pos)  # always matches (possibly nothing)
            self.pos = blank.end() if blank else self.pos
            if self.pos < len(self.buf) or not self.more():
                return self.buf[self.pos:self.pos + 1]

    def expect(self, chars: str, what: str) -> str:
        """Consume one of ``chars`` (after blanks) or fail naming ``what`` was expected."""
        c = self.buf[self.pos:self.pos + 1]
        if c and c in chars:  # the usual case, a separator right after a value: no blank skipping
            self.pos += 1
            return c
        c = self.peek()
        if not c or c not in chars:
            found = repr(c) if c else "the end of the file"
            raise JsonSyntaxError(f"expected {what} at {self.where(self.pos)}, found {found}")
        self.pos += 1
        return c

    def value(self) -> Any:
        """Decode the next JSON value, reading more of the file while it is incomplete."""
        self.peek()
        while True:
            try:
                value, end = _decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.more():
                    continue
                raise JsonSyntaxError(f"not valid JSON at {self.where(exc.pos)}: {exc.msg}") from None
            if end == len(self.buf) and self.more():
                continue  # a number at the window's edge may go on ("12" of "125")
            self.pos = end
            return value


def top_level(path: Path) -> Iterator[tuple[str, int | None, Any]]:
    """``(key, index, element)`` for each element of each top-level array, ``(key, None, value)`` for other
    top-level values and empty arrays, in file order; raises JsonSyntaxError on malformed input."""
    with open(path, encoding="utf-8-sig") as f:
        text = _Text(f)
        text.expect("{", "a JSON object '{'")
        if text.peek() == "}":
            text.pos += 1
            return
        while True:
            key = text.value() if text.peek() == '"' else text.expect('"', "a key")
            text.expect(":", "':'")
            if text.peek() == "[":
                text.pos += 1
                index = 0
                if text.peek() == "]":
                    text.pos += 1
                    yield key, None, []  # an empty array still says the key is there
                else:
                    while True:
                        yield key, index, text.value()
                        index += 1
                        if text.expect(",]", "',' or ']'") == "]":
                            break
            else:
                yield key, None, text.value()
            if text.expect(",}", "',' or '}'") == "}":
                break
        if text.peek():
            raise JsonSyntaxError(f"unexpected text after the JSON object at {text.where(text.pos)}")
