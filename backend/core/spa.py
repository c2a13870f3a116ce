"""Serve the built browser UI: its static files, and ``index.html`` for every other page path."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.exceptions import HTTPException
from starlette.responses import FileResponse, Response
from starlette.routing import Match
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

# Vite names built assets by content hash, so they never change under the same name.
_IMMUTABLE = "public, max-age=31536000, immutable"


class SinglePageApp(StaticFiles):
    """Static files with a fallback to ``index.html``, so client-side routes survive a reload."""

    def __init__(self, directory: Path, api_prefix: str) -> None:
        super().__init__(directory=directory, html=True)
        self.index = directory / "index.html"
        self.api_prefix = api_prefix.strip("/")

    async def get_response(self, path: str, scope: Scope) -> Response:
        """The file at ``path``; ``index.html`` for page paths; the API's own 404 under the API prefix."""
        if path == self.api_prefix or path.startswith(self.api_prefix + "/"):
            # This mount matches every path, so it hides "right path, wrong method": say it here.
            partial = any(r.matches(scope)[0] is Match.PARTIAL for r in scope["app"].router.routes if r is not self)
            raise HTTPException(status_code=405 if partial else 404)  # rendered as the JSON error envelope
        try:
            response = await super().get_response(path, scope)
        except HTTPException as exc:
            # A missing file with an extension (/assets/x.js) is a real 404; anything else is a page.
            if exc.status_code != 404 or "." in path.rsplit("/", 1)[-1]:
                raise
            response = FileResponse(self.index)
        is_asset = path.startswith("assets/") and response.status_code == 200
        response.headers["Cache-Control"] = _IMMUTABLE if is_asset else "no-cache"
        return response


def mount_spa(app: FastAPI, dist: Path, api_prefix: str) -> bool:
    """Serve ``dist`` at ``/`` when it holds a build (``index.html``); returns whether it did."""
    if not (dist / "index.html").is_file():
        return False
    app.mount("/", SinglePageApp(dist, api_prefix), name="frontend")
    return True
