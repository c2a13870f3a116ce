"""YOLO label files (a zip) → annotations.

The zip holds ``labels/**.txt`` (or ``.txt`` files anywhere when there is no ``labels`` folder)
and the class names in ``data.yaml`` (``names`` as a list or an index → name map) or in
``classes.txt`` / ``obj.names`` (one a line). Each label file is matched to the project file with
the same stem (``labels/a/street.txt`` → ``street.jpg``). Per line, coordinates normalised to the
image size:
- ``class cx cy w h`` → a box; ``class cx cy w h confidence`` → a box with that score;
- ``class x1 y1 x2 y2 x3 y3 …`` (segmentation) → a polygon, or its bounding box when the label
  takes boxes but not polygons.
"""

from __future__ import annotations

import io
import posixpath
import zipfile
from collections.abc import Iterator
from typing import Any

import yaml

from backend.imports.formats.base import FileInfo, ImportFileError, Reader, Row, RowError, stem

_NAME_FILES = ("classes.txt", "obj.names")


def _depth(name: str) -> int:
    return name.count("/")


class YoloReader(Reader):
    name = "yolo"
    match_by_stem = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.names: list[str] = []
        self.label_files: list[str] = []

    def _zip(self) -> zipfile.ZipFile:
        try:
            return zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise ImportFileError(f"not a zip archive ({exc})", field="body.file") from None

    def _class_names(self, zf: zipfile.ZipFile, entries: list[str]) -> list[str]:
        yamls = sorted((e for e in entries if posixpath.basename(e) in ("data.yaml", "data.yml")), key=_depth)
        if yamls:
            try:
                doc = yaml.safe_load(zf.read(yamls[0]))
            except yaml.YAMLError as exc:
                raise ImportFileError(f"{yamls[0]} is not valid YAML: {exc}", field="body.file") from None
            names = doc.get("names") if isinstance(doc, dict) else None
            if isinstance(names, dict) and all(isinstance(k, int) for k in names):
                return [str(names[i]) if i in names else "" for i in range(max(names, default=-1) + 1)]
            if isinstance(names, list):
                return [str(n) for n in names]
            raise ImportFileError(f"{yamls[0]} has no names list", field="body.file")
        lists = sorted((e for e in entries if posixpath.basename(e) in _NAME_FILES), key=_depth)
        if lists:
            return [line.strip() for line in zf.read(lists[0]).decode("utf-8-sig").splitlines() if line.strip()]
        raise ImportFileError("no class names: add data.yaml (names) or classes.txt", field="body.file")

    def scan(self) -> int:
        """Find the class names and the label files; count their lines."""
        with self._zip() as zf:
            entries = [i.filename for i in zf.infolist() if not i.is_dir()]
            self.names = self._class_names(zf, entries)
            texts = [e for e in entries if e.endswith(".txt") and posixpath.basename(e) not in _NAME_FILES]
            in_labels = [e for e in texts if e.startswith("labels/") or "/labels/" in e]
            self.label_files = sorted(in_labels or texts)
            if not self.label_files:
                raise ImportFileError("no label files (labels/*.txt) in the zip", field="body.file")
            total = 0
            for entry in self.label_files:
                try:
                    total += sum(1 for line in io.TextIOWrapper(zf.open(entry), encoding="utf-8-sig") if line.strip())
                except (UnicodeDecodeError, zipfile.BadZipFile, OSError) as exc:
                    raise ImportFileError(f"{entry} cannot be read: {exc}", field="body.file") from None
        return total

    def rows(self) -> Iterator[Row]:
        """One row per non-empty line of each label file, files in name order."""
        with self._zip() as zf:
            for entry in self.label_files:
                key = stem(entry)
                for number, line in enumerate(io.TextIOWrapper(zf.open(entry), encoding="utf-8-sig"), start=1):
                    if line.strip():
                        yield Row(f"{entry}:{number}", key, line.split())

    def convert(self, row: Row, file: FileInfo) -> list[dict[str, Any]]:
        """A box (with an optional score) or a polygon, in pixels of the matched image."""
        if file.kind != "image" or not file.width or not file.height:
            raise RowError(f"file {file.name!r} is not an image")
        try:
            cls, values = int(row.data[0]), [float(v) for v in row.data[1:]]
        except ValueError:
            raise RowError("expected a class index and numbers") from None
        if not 0 <= cls < len(self.names):
            raise RowError(f"class {cls} is not among the {len(self.names)} class names")
        name = self.names[cls]
        rule = self.label(name, "class")
        w, h = float(file.width), float(file.height)
        if len(values) in (4, 5):
            cx, cy, bw, bh = values[:4]
            body: dict[str, Any] = {"label": name, "type": "box",
                                    "geometry": {"x": (cx - bw / 2) * w, "y": (cy - bh / 2) * h, "w": bw * w,
                                                 "h": bh * h}}
            if len(values) == 5:
                body["score"] = values[4]
            return [body]
        if len(values) >= 6 and len(values) % 2 == 0:
            points = [[values[i] * w, values[i + 1] * h] for i in range(0, len(values), 2)]
            if "polygon" in rule.annotation_types or "box" not in rule.annotation_types:
                return [{"label": name, "type": "polygon", "geometry": {"points": points}}]
            xs, ys = [p[0] for p in points], [p[1] for p in points]
            return [{"label": name, "type": "box", "geometry": {"x": min(xs), "y": min(ys), "w": max(xs) - min(xs),
                                                                 "h": max(ys) - min(ys)}}]
        raise RowError(f"{len(values)} numbers after the class: expected 4 (box), 5 (box and confidence) or an "
                       "even number of at least 6 (polygon)")
