"""Reading exported files' bytes: from the media storage, or from their bucket when imported by reference.

One client per storage connection is opened on first use and kept for the whole export.
"""

from __future__ import annotations

import io
import shutil
from typing import IO

from backend.core.db import transaction
from backend.core.errors import AppError
from backend.exports.formats.base import FileItem
from backend.jobs.runner import JobContext
from backend.storage_connections import repository as connections_repo
from backend.storage_connections.backends.base import RemoteStore, StoreError
from backend.storage_connections.service import open_connection


class ContentUnavailable(AppError):
    """A file's bytes could not be read while exporting."""

    status, code = 502, "content_unavailable"


class ContentReader:
    """Copies or decodes a file's content for a format; ``close`` releases bucket clients."""

    def __init__(self, ctx: JobContext, project_id: int) -> None:
        self.ctx, self.project_id = ctx, project_id
        self.stores: dict[int, RemoteStore] = {}

    def _store(self, connection_id: int) -> RemoteStore:
        store = self.stores.get(connection_id)
        if store is None:
            with transaction(self.ctx.reading()) as session:
                conn = connections_repo.get(session, self.project_id, connection_id)
                if conn is None:
                    raise ContentUnavailable(f"storage connection {connection_id} is gone")
                store = self.stores[connection_id] = open_connection(self.ctx.settings, conn)
        return store

    def copy(self, item: FileItem, sink: IO[bytes]) -> None:
        """Write the file's bytes into ``sink``, a megabyte at a time."""
        try:
            if item.connection_id is None:
                with self.ctx.storage.open(item.storage_key) as src:
                    shutil.copyfileobj(src, sink, 1 << 20)
                return
            download = self._store(item.connection_id).download(item.storage_key)
            try:
                for chunk in download.chunks:
                    sink.write(chunk)
            finally:
                download.close()
        except FileNotFoundError:
            raise ContentUnavailable(f"the content of file {item.id} ({item.name!r}) is missing from the media "
                                     "storage") from None
        except StoreError as exc:
            raise ContentUnavailable(f"file {item.id} ({item.name!r}): the bucket could not serve it: "
                                     f"{exc.message}") from None

    def text(self, item: FileItem) -> str:
        """The text of a text file."""
        buf = io.BytesIO()
        self.copy(item, buf)
        return buf.getvalue().decode("utf-8-sig")

    def close(self) -> None:
        """Release every bucket client."""
        for store in self.stores.values():
            store.close()
        self.stores.clear()
