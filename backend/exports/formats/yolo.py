"""YOLO (Ultralytics / Darknet) detection and segmentation: a zip of ``labels/*.txt`` plus class names.

- ``data.yaml`` (``path``, ``train``/``val`` = ``images``, ``nc``, ``names``) and ``classes.txt``
  (one name a line); the class index is the label's place in the schema (position, then id;
  archived labels keep their index).
- ``labels/<image stem>.txt`` for every image, empty when it has nothing to draw (a background image).
- ``yolo``: boxes as ``class cx cy w h``; ``yolo_seg``: polygons as ``class x1 y1 x2 y2 …``, boxes as
  their four corners. All coordinates are normalised by the image size, 6 decimals.
- ``include_media``: the images under ``images/`` with the same stems.
- Not expressible (counted in ``stats.skipped``): other shapes, tags, spans, non-image files.
"""

from __future__ import annotations

from typing import BinaryIO

import yaml

from backend.exports.formats.base import AnnotationItem, Archive, ExportContext, FileItem, Format, UniqueNames, stem


def _n(v: float) -> str:
    return f"{min(max(v, 0.0), 1.0):.6f}"


class Yolo(Format):
    name, title = "yolo", "YOLO detection (zip: labels/*.txt, data.yaml)"
    extension, content_type = "zip", "application/zip"
    segment = False

    def __init__(self, ctx: ExportContext, out: BinaryIO) -> None:
        super().__init__(ctx, out)
        self.archive = Archive(out, ctx.as_of)
        self.names = UniqueNames(by_stem=True)
        self.index = {label.id: i for i, label in enumerate(ctx.labels)}
        names = [label.name for label in ctx.labels]
        self.archive.write("data.yaml", "# Groundwork export: labels/ holds one text file per image\n" + yaml.safe_dump(
            {"path": ".", "train": "images", "val": "images", "nc": len(names), "names": dict(enumerate(names))},
            sort_keys=False, allow_unicode=True))
        self.archive.write("classes.txt", "".join(f"{n}\n" for n in names))

    def _line(self, a: AnnotationItem, w: float, h: float) -> str | None:
        cls = self.index.get(a.label_id) if a.label_id is not None else None
        g = a.geometry or {}
        if cls is None:
            return None
        if a.type == "box" and not self.segment:
            return (f"{cls} {_n((g['x'] + g['w'] / 2) / w)} {_n((g['y'] + g['h'] / 2) / h)} "
                    f"{_n(g['w'] / w)} {_n(g['h'] / h)}")
        if a.type == "box":
            x0, y0, x1, y1 = g["x"], g["y"], g["x"] + g["w"], g["y"] + g["h"]
            points = [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]
        elif a.type == "polygon" and self.segment:
            points = [(p[0], p[1]) for p in g["points"]]
        else:
            return None
        return f"{cls} " + " ".join(f"{_n(x / w)} {_n(y / h)}" for x, y in points)

    def add(self, item: FileItem) -> None:
        """Write the image's label file (and the image, with media)."""
        if item.kind != "image" or not item.width or not item.height:
            self.skip("non-image files")
            return
        name = self.names(item.name, item.id)
        lines = []
        for a in item.annotations:
            line = self._line(a, float(item.width), float(item.height))
            if line is None:
                self.skip(a.type)
            else:
                lines.append(line + "\n")
        self.archive.write(f"labels/{stem(name)}.txt", "".join(lines))
        self.files += 1
        self.annotations += len(lines)
        if self.ctx.include_media:
            with self.archive.open(f"images/{name}", compress=False) as sink:
                self.ctx.copy_content(item, sink)

    def finish(self) -> None:
        """Close the archive."""
        self.archive.close()


class YoloSeg(Yolo):
    name, title = "yolo_seg", "YOLO segmentation (zip: labels/*.txt with polygons, data.yaml)"
    segment = True
