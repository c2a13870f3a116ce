"""Real photos bundled with scikit-image, encoded as the JPEG/PNG files a user would upload."""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)

# (skimage.data name, what is in it, scene). Only images shipped inside the scikit-image wheel:
# the ones that need pooch and a download are left out, and any that fail to load are skipped.
PHOTOS: tuple[tuple[str, str, str], ...] = (
    ("astronaut", "astronaut Eileen Collins in a flight suit", "indoor"),
    ("coffee", "a cup of coffee on a saucer", "indoor"),
    ("chelsea", "Chelsea the cat", "indoor"),
    ("rocket", "a rocket on the launch pad", "outdoor"),
    ("horse", "silhouette of a horse (binary)", "outdoor"),
    ("coins", "Greek coins from Pompeii", "indoor"),
    ("camera", "a man with a camera on a tripod", "outdoor"),
    ("stereo_motorcycle", "a motorcycle, left and right views", "indoor"),
    ("clock", "a clock on a wall, motion blurred", "indoor"),
    ("moon", "the surface of the moon", "outdoor"),
    ("hubble_deep_field", "the Hubble deep field", "outdoor"),
    ("immunohistochemistry", "immunohistochemistry stained tissue", "indoor"),
    ("retina", "a human retina", "indoor"),
    ("cell", "a cell under the microscope", "indoor"),
    ("microaneurysms", "retinal microaneurysms", "indoor"),
    ("brick", "a brick wall texture", "outdoor"),
    ("grass", "a grass texture", "outdoor"),
    ("gravel", "a gravel texture", "outdoor"),
    ("colorwheel", "a colour wheel", "indoor"),
    ("logo", "the scikit-image logo (with transparency)", "indoor"),
    ("page", "a scanned page of text", "indoor"),
    ("text", "text painted on a wall", "outdoor"),
    ("checkerboard", "a checkerboard test pattern", "indoor"),
)


@dataclass(frozen=True)
class DemoImage:
    """One encoded image with what the demo knows about it."""

    filename: str
    content: bytes
    mime_type: str
    width: int
    height: int
    metadata: dict[str, Any] = field(default_factory=dict)


def _arrays(name: str) -> list[tuple[str, Any]]:
    import numpy as np
    from skimage import data

    loaded = getattr(data, name)()
    if name == "stereo_motorcycle":  # (left, right, disparity): the two photos
        return [(f"{name}_left", loaded[0]), (f"{name}_right", loaded[1])]
    array = np.asarray(loaded)
    if array.dtype == bool:  # horse: a mask (True = background), saved as a black-on-white picture
        array = array.astype(np.uint8) * 255
    return [(name, array)]


def encode(array: Any) -> tuple[bytes, str]:
    """Encode an image array: photos as JPEG, greyscale and transparent ones as PNG."""
    import numpy as np
    from PIL import Image

    array = np.asarray(array)
    if array.dtype != np.uint8:
        array = np.clip(array, 0, 255).astype(np.uint8)
    image = Image.fromarray(array)
    buffer = io.BytesIO()
    if image.mode == "RGB":
        image.save(buffer, format="JPEG", quality=90)
        return buffer.getvalue(), "image/jpeg"
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue(), "image/png"


def demo_images() -> Iterator[DemoImage]:
    """Every bundled photo that loads offline, encoded once (identical pictures are skipped)."""
    try:
        import skimage  # noqa: F401
    except ImportError:
        log.warning("scikit-image is not installed: the demo project gets no images")
        return
    seen: set[str] = set()
    for name, description, scene in PHOTOS:
        try:
            arrays = _arrays(name)
        except Exception as exc:  # a photo that needs a download, or an older scikit-image
            log.info("skipping skimage.data.%s: %s", name, exc)
            continue
        for stem, array in arrays:
            content, mime = encode(array)
            digest = hashlib.sha256(content).hexdigest()
            if digest in seen:
                continue
            seen.add(digest)
            ext = "jpg" if mime == "image/jpeg" else "png"
            yield DemoImage(
                filename=f"{stem}.{ext}", content=content, mime_type=mime,
                width=int(array.shape[1]), height=int(array.shape[0]),
                metadata={"source": f"skimage.data.{name}", "description": description, "scene": scene},
            )
