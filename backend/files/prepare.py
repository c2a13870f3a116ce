"""Turn incoming bytes into validated items before anything is written: stage, hash, detect, parse.

Nothing here touches the database or the media storage, so a batch can be checked completely and
refused as a whole (the upload is atomic). The type comes from the content: image signatures and
Pillow for JPEG/PNG/WebP; otherwise UTF-8 text, split into one item per row for JSON Lines.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from backend.core.errors import PayloadTooLarge, UnsupportedMediaType, ValidationFailed
from backend.files import images
from backend.files.models import FileKind

_CHUNK = 1024 * 1024
_JSONL_SUFFIXES = (".jsonl", ".ndjson", ".jsonlines")
_JSONL_TYPES = frozenset({"application/jsonl", "application/x-ndjson", "application/x-jsonlines",
                          "application/jsonlines", "application/ndjson"})
_CONTROL = bytes([*range(0, 8), 11, *range(14, 27), *range(28, 32), 127])
_SUPPORTED = "images: JPEG, PNG, WebP; text: UTF-8 .txt or .jsonl"
NAME_MAX = 500


@dataclass
class Staged:
    """An input copied to a local temp file, with its SHA-256 and size."""

    index: int
    filename: str
    content_type: str | None
    path: Path
    size: int
    sha256: str
    field: str


@dataclass
class PreparedItem:
    """One file to create (or find as a duplicate), fully validated."""

    index: int
    input_name: str
    name: str
    kind: FileKind
    mime_type: str
    size_bytes: int
    content_hash: str
    meta: dict[str, Any]
    path: Path | None = None
    data: bytes | None = None
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None
    text_length: int | None = None
    source_url: str | None = field(default=None)


class _HashingFile:
    def __init__(self, out: BinaryIO, max_bytes: int, field_name: str, label: str) -> None:
        self.out, self.max_bytes, self.field, self.label = out, max_bytes, field_name, label
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes, /) -> int:
        self.size += len(data)
        if self.size > self.max_bytes:
            raise PayloadTooLarge(f"{self.label} is larger than the limit of {self.max_bytes} bytes",
                                  field=self.field)
        self.hash.update(data)
        return self.out.write(data)


def new_temp(staging_dir: Path) -> tuple[BinaryIO, Path]:
    """An open temp file in the staging folder (deleted with the folder)."""
    staging_dir.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=staging_dir, prefix="in-")
    return os.fdopen(fd, "wb"), Path(name)


def stage(src: BinaryIO, staging_dir: Path, *, index: int, filename: str, content_type: str | None,
          max_bytes: int, field_name: str) -> Staged:
    """Copy ``src`` to a temp file while hashing; 413 on ``field_name`` past ``max_bytes``."""
    out, path = new_temp(staging_dir)
    with out:
        sink = _HashingFile(out, max_bytes, field_name, repr(filename))
        while chunk := src.read(_CHUNK):
            sink.write(chunk)
    return Staged(index=index, filename=filename, content_type=content_type, path=path,
                  size=sink.size, sha256=sink.hash.hexdigest(), field=field_name)


def hashing_sink(out: BinaryIO, *, max_bytes: int, field_name: str, label: str) -> _HashingFile:
    """A writer that hashes, counts and enforces ``max_bytes`` (for downloads streamed to ``out``)."""
    return _HashingFile(out, max_bytes, field_name, label)


def display_name(filename: str, fallback: str) -> str:
    """A file's name as shown: trimmed, never empty, at most NAME_MAX characters."""
    return (filename.strip() or fallback)[:NAME_MAX]


def prepare(staged: Staged, *, text_field: str, metadata: dict[str, Any], thumb_px: int) -> list[PreparedItem]:
    """Detect what ``staged`` holds and validate it; one item, or one per JSON Lines row."""
    label = repr(staged.filename)
    if staged.size == 0:
        raise ValidationFailed(f"{label} is empty", field=staged.field)
    with open(staged.path, "rb") as f:
        head = f.read(8192)
    fmt = images.sniff_image(head)
    if fmt is not None:
        return [_image_item(staged, fmt, metadata, thumb_px)]
    refused = images.refused_format(head)
    if refused is not None or _looks_binary(head):
        what = f"{refused} files are" if refused else "binary content is"
        raise UnsupportedMediaType(f"{label}: {what} not supported ({_SUPPORTED})", field=staged.field)
    if _is_jsonl(staged):
        return _jsonl_items(staged, text_field, metadata)
    length = sum(len(line) for _, line in _decoded_lines(staged))
    return [PreparedItem(index=staged.index, input_name=staged.filename,
                         name=display_name(staged.filename, f"text-{staged.index}"), kind=FileKind.text,
                         mime_type="text/plain", size_bytes=staged.size, content_hash=staged.sha256,
                         meta=dict(metadata), path=staged.path, text_length=length)]


def _looks_binary(sample: bytes) -> bool:
    # Text has no NUL and few control characters; random or compressed bytes have many.
    if b"\x00" in sample:
        return True
    control = len(sample) - len(sample.translate(None, _CONTROL))
    return control > len(sample) * 0.05


def _is_jsonl(staged: Staged) -> bool:
    ctype = (staged.content_type or "").split(";", 1)[0].strip().lower()
    return staged.filename.lower().endswith(_JSONL_SUFFIXES) or ctype in _JSONL_TYPES


def _image_item(staged: Staged, fmt: str, metadata: dict[str, Any], thumb_px: int) -> PreparedItem:
    try:
        probed = images.probe(staged.path, fmt, thumb_px)
    except images.ImageTooLarge as exc:
        raise PayloadTooLarge(f"{staged.filename!r} has too many pixels ({exc})", field=staged.field) from exc
    except images.ImageError as exc:
        raise ValidationFailed(f"{staged.filename!r}: {exc}", field=staged.field) from exc
    return PreparedItem(index=staged.index, input_name=staged.filename,
                        name=display_name(staged.filename, f"image-{staged.index}"), kind=FileKind.image,
                        mime_type=images.mime_type(fmt), size_bytes=staged.size, content_hash=staged.sha256,
                        meta=dict(metadata), path=staged.path, thumbnail=probed.thumbnail,
                        width=probed.width, height=probed.height)


def _decoded_lines(staged: Staged) -> Iterator[tuple[int, str]]:
    # UTF-8 never puts a newline byte inside a multi-byte character, so lines decode on their own
    # and an error can name its line.
    with open(staged.path, "rb") as f:
        for number, raw in enumerate(f, start=1):
            try:
                yield number, raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                raise ValidationFailed(f"{staged.filename!r} is not valid UTF-8 (line {number}, byte "
                                       f"{exc.start + 1} of the line)", field=staged.field) from exc


def _jsonl_items(staged: Staged, text_field: str, metadata: dict[str, Any]) -> list[PreparedItem]:
    items: list[PreparedItem] = []
    for number, line in _decoded_lines(staged):
        if not line.strip():
            continue
        where = f"{staged.filename!r} line {number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(f"{where}: not valid JSON ({exc.msg})", field=staged.field) from exc
        if not isinstance(row, dict):
            raise ValidationFailed(f"{where}: each line must be a JSON object", field=staged.field)
        text = row.get(text_field)
        if not isinstance(text, str) or not text:
            raise ValidationFailed(f"{where}: needs a non-empty string in {text_field!r}", field=staged.field)
        data = text.encode("utf-8")
        row_name = row.get("name", row.get("id"))
        fallback = f"{staged.filename}#{number}"
        name = str(row_name) if isinstance(row_name, str | int) and not isinstance(row_name, bool) else fallback
        extra = {k: v for k, v in row.items() if k != text_field}
        items.append(PreparedItem(index=staged.index, input_name=fallback, name=display_name(name, fallback),
                                  kind=FileKind.text, mime_type="text/plain", size_bytes=len(data),
                                  content_hash=hashlib.sha256(data).hexdigest(), meta={**metadata, **extra},
                                  data=data, text_length=len(text)))
    if not items:
        raise ValidationFailed(f"{staged.filename!r} has no rows", field=staged.field)
    return items
