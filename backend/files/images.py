"""Image checks with Pillow: what the bytes are, their displayed size, and a JPEG thumbnail."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

# Magic numbers of the formats we accept, and of common ones we refuse with a clear name.
_ORIENTATION = 0x0112
_ACCEPTED = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
_REFUSED_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF"), (b"GIF87a", "GIF"), (b"GIF89a", "GIF"), (b"BM", "BMP"),
    (b"II*\x00", "TIFF"), (b"MM\x00*", "TIFF"), (b"PK\x03\x04", "ZIP"), (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "executable"), (b"MZ", "executable"), (b"\x00\x00\x01\x00", "ICO"),
    (b"8BPS", "Photoshop"), (b"\xff\xfe", "UTF-16 text"), (b"\xfe\xff", "UTF-16 text"),
)


class ImageError(Exception):
    """The bytes claim to be an accepted image but cannot be decoded."""


class ImageTooLarge(ImageError):
    """More pixels than Pillow's decompression-bomb limit."""


def sniff_image(head: bytes) -> str | None:
    """``JPEG``/``PNG``/``WEBP`` when the first bytes are one of the accepted image formats."""
    if head.startswith(b"\xff\xd8\xff"):
        return "JPEG"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "PNG"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "WEBP"
    return None


def refused_format(head: bytes) -> str | None:
    """The name of a recognised but unsupported format (PDF, GIF, ZIP, ...), if the bytes are one."""
    for signature, name in _REFUSED_SIGNATURES:
        if head.startswith(signature):
            return name
    if head[4:8] == b"ftyp":
        return "HEIF/MP4"
    return None


def mime_type(fmt: str) -> str:
    """The MIME type of an accepted format name."""
    return _ACCEPTED[fmt]


@dataclass(frozen=True)
class ProbedImage:
    """An image's displayed size (after EXIF orientation) and its JPEG thumbnail."""

    width: int
    height: int
    thumbnail: bytes


def probe(path: Path, fmt: str, thumb_px: int) -> ProbedImage:
    """Verify and fully decode an image of format ``fmt``; size as displayed, plus a thumbnail."""
    try:
        with Image.open(path, formats=[fmt]) as img:
            img.verify()  # structural checks (PNG CRCs, ...) before decoding pixels
        with Image.open(path, formats=[fmt]) as img:
            width, height = img.size
            if img.getexif().get(_ORIENTATION, 1) in (5, 6, 7, 8):  # rotated by 90 or 270 degrees
                width, height = height, width
            img.draft("RGB", (thumb_px, thumb_px))  # JPEG: decode at reduced scale, much faster
            oriented = ImageOps.exif_transpose(img)
            oriented.thumbnail((thumb_px, thumb_px))
            return ProbedImage(width=width, height=height, thumbnail=_jpeg(oriented))
    except Image.DecompressionBombError as exc:
        raise ImageTooLarge(str(exc)) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise ImageError(f"corrupt or truncated {fmt} image ({exc})") from exc


def _jpeg(img: Image.Image) -> bytes:
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        img = background
    elif img.mode != "RGB":
        img = img.convert("RGB")
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()
