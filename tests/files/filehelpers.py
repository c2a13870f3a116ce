"""Helpers for file tests: images made with Pillow, an upload helper, database and storage peeks."""

from __future__ import annotations

import io
from typing import Any

from fastapi.testclient import TestClient
from PIL import Image
from sqlalchemy import Engine, func, select

from backend.config import Settings
from backend.events.models import Event
from backend.files.models import File

Upload = tuple[str, bytes] | tuple[str, bytes, str]


def make_image(fmt: str, size: tuple[int, int] = (64, 48), *, orientation: int | None = None,
               mode: str = "RGB", color: tuple[int, ...] = (200, 30, 30)) -> bytes:
    """An encoded image; ``orientation`` writes that EXIF Orientation tag."""
    img = Image.new(mode, size, color[: len(mode)] if mode != "L" else color[0])
    out = io.BytesIO()
    kwargs: dict[str, Any] = {}
    if orientation is not None:
        exif = Image.Exif()
        exif[0x0112] = orientation
        kwargs["exif"] = exif.tobytes()
    img.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(client: TestClient, project_id: int, files: list[Upload], **data: Any) -> Any:
    """POST a multipart batch; ``data`` are the other form fields."""
    parts = [("files", f) for f in files]
    return client.post(f"/api/v1/projects/{project_id}/files", files=parts, data=data or None)


def file_count(engine: Engine, *, include_deleted: bool = True) -> int:
    with engine.connect() as conn:
        stmt = select(func.count()).select_from(File)
        if not include_deleted:
            stmt = stmt.where(File.deleted_at.is_(None))
        return int(conn.scalar(stmt) or 0)


def events(engine: Engine, type_: str) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(p) for p in conn.scalars(select(Event.payload).where(Event.type == type_).order_by(Event.id))]


def stored_blobs(settings: Settings) -> list[str]:
    """Every object under the media folder (temp and staging files excluded)."""
    root = settings.media_dir
    if not root.exists():
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and ".tmp-" not in p.name)
