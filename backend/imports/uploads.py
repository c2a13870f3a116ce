"""Keeping an import's upload on disk for the job, and adding the images that came with it as files."""

from __future__ import annotations

import posixpath
import shutil
import uuid
import zipfile
from pathlib import Path
from typing import BinaryIO, cast

from fastapi import UploadFile

from backend.config import Settings
from backend.core.errors import PayloadTooLarge, ValidationFailed
from backend.files.prepare import PreparedItem, prepare, stage

_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp")


def new_upload_dir(settings: Settings, project_id: int) -> str:
    """A fresh folder for one import's upload, relative to the data directory."""
    rel = f"imports/p{project_id}/{uuid.uuid4().hex}"
    (settings.data_dir / rel).mkdir(parents=True)
    return rel


def keep(upload: UploadFile, target: Path, max_bytes: int) -> int:
    """Copy the uploaded file to ``target``; its size (413 past ``max_bytes``)."""
    size = 0
    with open(target, "wb") as out:
        while chunk := upload.file.read(1 << 20):
            size += len(chunk)
            if size > max_bytes:
                raise PayloadTooLarge(f"the upload is larger than {max_bytes} bytes", field="body.file")
            out.write(chunk)
    if size == 0:
        raise ValidationFailed("the uploaded file is empty", field="body.file")
    return size


def zip_images(path: Path, settings: Settings, tmp: Path, start: int) -> list[PreparedItem]:
    """The images under an ``images/`` folder of a zip, staged and checked like uploads."""
    try:
        with zipfile.ZipFile(path) as zf:
            entries = [i for i in zf.infolist() if not i.is_dir() and ("/" + i.filename).find("/images/") >= 0
                       and i.filename.lower().endswith(_IMAGE_SUFFIXES)]
            if len(entries) > settings.max_files_per_upload:
                raise PayloadTooLarge(f"{len(entries)} images in the zip; the limit is {settings.max_files_per_upload} "
                                      "(upload them through the files API first)", field="body.file")
            items: list[PreparedItem] = []
            for k, info in enumerate(entries, start=start):
                if info.file_size > settings.max_file_bytes:
                    raise PayloadTooLarge(f"{info.filename} is larger than {settings.max_file_bytes} bytes",
                                          field="body.file")
                with zf.open(info) as src:
                    staged = stage(cast(BinaryIO, src), tmp, index=k, filename=posixpath.basename(info.filename),
                                   content_type=None, max_bytes=settings.max_file_bytes, field_name="body.file")
                items += prepare(staged, text_field="text", metadata={}, thumb_px=settings.thumbnail_size)
            return items
    except zipfile.BadZipFile as exc:
        raise ValidationFailed(f"not a zip archive ({exc})", field="body.file") from None


def remove(settings: Settings, rel: str) -> None:
    """Delete an upload folder."""
    shutil.rmtree(settings.data_dir / rel, ignore_errors=True)
