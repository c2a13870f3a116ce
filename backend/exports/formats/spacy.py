"""Spans for NER: spaCy training JSON Lines and CoNLL-2003 (BIO tags), one document per text file.

- ``spacy``: ``{"text", "entities": [[start, end, label]], "cats": {label: 1.0}, "meta": {file_id,
  name}}`` per line — what ``Example.from_dict(nlp.make_doc(text), {"entities": …, "cats": …})``
  takes; docs/formats.md shows the three lines that turn it into a ``.spacy`` DocBin.
- ``conll``: ``-DOCSTART- -X- -X- O`` before each document, then ``token -X- _ TAG`` per line and
  a blank line after each line of the text. Tokens are runs of word characters or single other
  characters; a token takes ``B-LABEL`` when a span starts in it, ``I-LABEL`` when it continues
  one; where spans overlap the earlier one wins.
Image files are skipped.
"""

from __future__ import annotations

import json
import re
from typing import Any

from backend.exports.formats.base import FileItem
from backend.exports.formats.csv_text import _TextFormat, spans, tag_labels

_DUMP = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode
_TOKEN = re.compile(r"\w+|[^\w\s]")


class Spacy(_TextFormat):
    name, title = "spacy", "spaCy training JSON Lines (text, entities, cats)"
    extension, content_type = "jsonl", "application/jsonl"

    def add(self, item: FileItem) -> None:
        """One line: the text with its entities and categories."""
        if not self.accept(item):
            return
        found, cats = spans(item), tag_labels(item)
        self.annotations += len(found) + len(cats)
        line: dict[str, Any] = {"text": self.ctx.read_text(item),
                                "entities": [[s["start"], s["end"], s["label"]] for s in found],
                                "cats": dict.fromkeys(cats, 1.0), "meta": {"file_id": item.id, "name": item.name}}
        self.out.write((_DUMP(line) + "\n").encode())

    def finish(self) -> None:
        """Nothing to close."""


def bio_tags(text: str, found: list[dict[str, Any]]) -> list[list[tuple[str, str]]]:
    """(token, tag) per line of ``text`` (lines without tokens left out)."""
    out: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    owner: dict[int, int] = {}  # span index that a token continues
    line_end = text.find("\n")
    first = 0  # spans before this one ended before the current token (spans are sorted by start)
    for m in _TOKEN.finditer(text):
        while line_end != -1 and m.start() > line_end:
            if current:
                out.append(current)
                current = []
            line_end = text.find("\n", line_end + 1)
        while first < len(found) and found[first]["end"] <= m.start():
            first += 1
        tag = "O"
        for i in range(first, len(found)):
            s = found[i]
            if s["start"] >= m.end():
                break
            if m.start() < s["end"]:
                tag = ("I-" if owner.get(i) else "B-") + s["label"]
                owner[i] = 1
                break
        current.append((m.group(), tag))
    if current:
        out.append(current)
    return out


class Conll(_TextFormat):
    name, title = "conll", "CoNLL-2003 NER (token -X- _ BIO-tag)"
    extension, content_type = "conll", "text/plain"

    def add(self, item: FileItem) -> None:
        """One document: its tokens with BIO tags, a blank line after each line of text."""
        if not self.accept(item):
            return
        found = spans(item)
        self.annotations += len(found)
        parts = ["-DOCSTART- -X- -X- O\n\n"]
        for sentence in bio_tags(self.ctx.read_text(item), found):
            parts += [f"{token} -X- _ {tag}\n" for token, tag in sentence]
            parts.append("\n")
        self.out.write("".join(parts).encode())

    def finish(self) -> None:
        """Nothing to close."""
