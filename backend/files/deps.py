"""Dependencies of the files domain."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from backend.files.storage import Storage


def get_storage(request: Request) -> Storage:
    """The media storage the app was built with."""
    storage: Storage = request.app.state.storage
    return storage


StorageDep = Annotated[Storage, Depends(get_storage)]
