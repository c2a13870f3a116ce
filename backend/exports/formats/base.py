"""What every export format gets (files with their annotations as of the snapshot) and shared helpers.

A format is fed one file at a time (``add``) in file-id order and writes as it goes, so memory
does not grow with the export; ``finish`` completes the output. Everything written is a function
of the snapshot alone (no clock, no random ids), so the same snapshot gives the same bytes.
"""

from __future__ import annotations

import posixpath
import zipfile
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, Any, BinaryIO, ClassVar


@dataclass(frozen=True, slots=True)
class LabelInfo:
    """A label of the exported schema (archived ones too: old annotations may carry them)."""

    id: int
    name: str
    color: str
    annotation_types: tuple[str, ...]
    keypoint_names: tuple[str, ...] | None


@dataclass(slots=True)
class AnnotationItem:
    """One annotation as it stood at the snapshot time."""

    id: Any  # uuid.UUID
    version: int
    schema_id: int
    label_id: int | None
    label: str | None
    type: str
    geometry: dict[str, Any] | None
    attributes: dict[str, Any]
    source: str
    model_name: str | None
    model_version: str | None
    score: float | None


@dataclass(slots=True)
class FileItem:
    """One exported file and its annotations (ordered by annotation id)."""

    id: int
    name: str
    kind: str
    mime_type: str
    width: int | None
    height: int | None
    text_length: int | None
    content_hash: str
    meta: dict[str, Any]
    annotations: list[AnnotationItem] = field(default_factory=list)
    storage_key: str = ""
    connection_id: int | None = None  # imported by reference: the bytes live in this connection's bucket


@dataclass
class ExportContext:
    """The export's fixed facts and the ways to reach file content."""

    project_id: int
    job_id: int
    as_of: datetime
    query: str
    schema_id: int | None
    schema_name: str | None
    labels: list[LabelInfo]
    include_media: bool
    work_dir: Path
    read_text: Callable[[FileItem], str]
    copy_content: Callable[[FileItem, IO[bytes]], None]


class Format(ABC):
    """An export format: fed files one at a time, writing to ``out`` as it goes."""

    name: ClassVar[str]
    title: ClassVar[str]
    extension: ClassVar[str]
    content_type: ClassVar[str]
    needs_schema: ClassVar[bool] = True
    exact_geometry: ClassVar[bool] = False  # geometry as stored (else boxes may come as floats: 10 → 10.0)
    archive_with_media: ClassVar[bool] = False  # include_media turns the output into a zip

    def __init__(self, ctx: ExportContext, out: BinaryIO) -> None:
        self.ctx, self.out = ctx, out
        self.files = 0
        self.annotations = 0
        self.skipped: Counter[str] = Counter()

    @classmethod
    def output_extension(cls, include_media: bool) -> str:
        """The output file's extension for these options."""
        return "zip" if include_media and cls.archive_with_media else cls.extension

    @classmethod
    def output_type(cls, include_media: bool) -> str:
        """The output's media type for these options."""
        return "application/zip" if include_media and cls.archive_with_media else cls.content_type

    @abstractmethod
    def add(self, item: FileItem) -> None:
        """Write one file and its annotations."""

    @abstractmethod
    def finish(self) -> None:
        """Complete the output (closing arrays, archives)."""

    def skip(self, what: str, n: int = 1) -> None:
        """Count something this format cannot express (reported in the job's stats)."""
        self.skipped[what] += n

    def stats(self) -> dict[str, Any]:
        """What was written and what was left out."""
        return {"files": self.files, "annotations": self.annotations, "skipped": dict(sorted(self.skipped.items()))}


class Archive:
    """A zip written front to back with fixed entry times (the snapshot's), so equal input gives equal bytes."""

    def __init__(self, out: BinaryIO, when: datetime) -> None:
        self.zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6)
        self.when = max((1980, 1, 1, 0, 0, 0), when.utctimetuple()[:6])

    def _info(self, name: str, compress: bool) -> zipfile.ZipInfo:
        info = zipfile.ZipInfo(name, date_time=self.when)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        return info

    def write(self, name: str, data: bytes | str, *, compress: bool = True) -> None:
        """Add a whole entry."""
        self.zip.writestr(self._info(name, compress), data)

    def open(self, name: str, *, compress: bool = True) -> IO[bytes]:
        """A writable stream for one entry (close it before the next)."""
        return self.zip.open(self._info(name, compress), "w", force_zip64=True)

    def close(self) -> None:
        """Write the central directory."""
        self.zip.close()


class UniqueNames:
    """Safe relative names for files inside an export, made unique in file-id order.

    A name that would clash (``by_stem``: whose stem would, as YOLO and VOC name label files by
    stem) gets the file id added: ``street-42.jpg``.
    """

    def __init__(self, *, by_stem: bool = False) -> None:
        self.by_stem = by_stem
        self.taken: set[str] = set()

    def _key(self, name: str) -> str:
        return posixpath.splitext(name)[0] if self.by_stem else name

    def __call__(self, raw: str, file_id: int) -> str:
        """The name to use for this file."""
        parts = [p for p in raw.replace("\\", "/").split("/") if p not in ("", ".", "..")]
        name = "/".join(parts) or f"file-{file_id}"
        stem, ext = posixpath.splitext(name)
        candidate, n = name, 1
        while self._key(candidate) in self.taken:
            candidate = f"{stem}-{file_id}{ext}" if n == 1 else f"{stem}-{file_id}-{n}{ext}"
            n += 1
        self.taken.add(self._key(candidate))
        return candidate


def stem(name: str) -> str:
    """A name without its extension."""
    return posixpath.splitext(name)[0]


def number(value: float) -> int | float:
    """A coordinate as JSON shows it best: integral floats as integers (12.0 → 12)."""
    as_int = int(value)
    return as_int if as_int == value else value


def bounds(points: list[tuple[float, float]]) -> tuple[float, float, float, float]:
    """(x, y, w, h) of the smallest box holding the points."""
    xs = [p[0] for p in points]
    ys = [p[1] for p in points]
    return min(xs), min(ys), max(xs) - min(xs), max(ys) - min(ys)


def polygon_area(points: list[tuple[float, float]]) -> float:
    """The area a simple polygon encloses (shoelace formula)."""
    total = 0.0
    for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1], strict=True):
        total += x1 * y2 - x2 * y1
    return abs(total) / 2
