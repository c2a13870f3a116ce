"""Pascal VOC: a zip with ``Annotations/<stem>.xml`` per image (boxes), an image list and a label map.

- ``<object>``: ``name`` (the label), ``pose`` Unspecified, ``truncated``/``difficult`` 0,
  ``occluded`` from a boolean ``occluded`` attribute when there is one, ``bndbox`` with
  ``xmin = x``, ``ymin = y``, ``xmax = x + w``, ``ymax = y + h`` in pixels (as stored, not rounded),
  other attributes under ``<attributes>`` (CVAT's layout).
- ``ImageSets/Main/default.txt`` lists the stems; ``labelmap.txt`` has ``name:r,g,b::`` lines.
- ``include_media``: the images under ``JPEGImages/``.
- Only boxes exist in VOC; other shapes, tags, spans and non-image files are counted in ``stats.skipped``.
"""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET
from typing import IO, BinaryIO

from backend.exports.formats.base import AnnotationItem, Archive, ExportContext, FileItem, Format, UniqueNames, stem


def _num(v: float) -> str:
    return format(v, ".10g")


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _rgb(color: str) -> str:
    c = color.lstrip("#")
    return ",".join(str(int(c[i:i + 2], 16)) for i in (0, 2, 4)) if len(c) == 6 else ""


class Voc(Format):
    name, title = "voc", "Pascal VOC XML (zip: Annotations/*.xml)"
    extension, content_type = "zip", "application/zip"

    def __init__(self, ctx: ExportContext, out: BinaryIO) -> None:
        super().__init__(ctx, out)
        self.archive = Archive(out, ctx.as_of)
        self.names = UniqueNames(by_stem=True)
        self.stems: IO[bytes] = open(ctx.work_dir / "stems.part", "w+b")  # noqa: SIM115 (closed in finish)
        self.archive.write("labelmap.txt", "# label:color_rgb:parts:actions\n" + "".join(
            f"{label.name}:{_rgb(label.color)}::\n" for label in ctx.labels))

    def _object(self, root: ET.Element, a: AnnotationItem) -> None:
        g = a.geometry or {}
        obj = _sub(root, "object")
        _sub(obj, "name", a.label or "")
        _sub(obj, "pose", "Unspecified")
        _sub(obj, "truncated", "0")
        _sub(obj, "difficult", "0")
        occluded = a.attributes.get("occluded")
        if isinstance(occluded, bool):
            _sub(obj, "occluded", "1" if occluded else "0")
        box = _sub(obj, "bndbox")
        for tag, v in (("xmin", g["x"]), ("ymin", g["y"]), ("xmax", g["x"] + g["w"]), ("ymax", g["y"] + g["h"])):
            _sub(box, tag, _num(v))
        rest = {k: v for k, v in a.attributes.items() if k != "occluded"}
        if rest:
            attrs = _sub(obj, "attributes")
            for key, value in rest.items():
                attr = _sub(attrs, "attribute")
                _sub(attr, "name", key)
                _sub(attr, "value", str(value).lower() if isinstance(value, bool) else str(value))

    def add(self, item: FileItem) -> None:
        """Write the image's XML (and the image, with media)."""
        if item.kind != "image":
            self.skip("non-image files")
            return
        name = self.names(item.name, item.id)
        root = ET.Element("annotation")
        _sub(root, "folder", "JPEGImages")
        _sub(root, "filename", name)
        _sub(_sub(root, "source"), "database", "Groundwork")
        size = _sub(root, "size")
        _sub(size, "width", str(item.width or 0))
        _sub(size, "height", str(item.height or 0))
        _sub(size, "depth", "3")
        _sub(root, "segmented", "0")
        for a in item.annotations:
            if a.type != "box":
                self.skip(a.type)
                continue
            self._object(root, a)
            self.annotations += 1
        ET.indent(root)
        self.archive.write(f"Annotations/{stem(name)}.xml", ET.tostring(root, encoding="utf-8", xml_declaration=True))
        self.stems.write(f"{stem(name)}\n".encode())
        self.files += 1
        if self.ctx.include_media:
            with self.archive.open(f"JPEGImages/{name}", compress=False) as sink:
                self.ctx.copy_content(item, sink)

    def finish(self) -> None:
        """Add the image list and close the archive."""
        self.stems.seek(0)
        with self.archive.open("ImageSets/Main/default.txt") as sink:
            shutil.copyfileobj(self.stems, sink, 1 << 20)
        self.stems.close()
        self.archive.close()
