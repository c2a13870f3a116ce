"""The FastAPI application: routers under ``/api/v1``, one error envelope, size limits."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI

from backend.annotations.router import router as annotations_router
from backend.auth.ratelimit import LoginThrottle
from backend.auth.router import router as auth_router
from backend.background import BackgroundRunner, default_loops
from backend.config import Settings, get_settings
from backend.core import heap
from backend.core.db import make_engine, make_session_factory
from backend.core.errors import ErrorEnvelope, install_error_handlers
from backend.core.limits import BodySizeLimit
from backend.core.spa import mount_spa
from backend.datasets.router import router as datasets_router
from backend.events.router import router as events_router
from backend.exports.router import router as exports_router
from backend.files.router import router as files_router
from backend.files.storage import LocalStorage
from backend.imports.router import router as imports_router
from backend.label_schemas.router import router as schemas_router
from backend.projects.router import router as projects_router
from backend.query.router import router as query_router
from backend.storage_connections.router import router as storage_connections_router
from backend.streaming.router import router as streaming_router
from backend.tasks.router import router as tasks_router
from backend.webhooks.router import router as webhooks_router
from backend.workflows.artifacts_router import router as workflow_artifacts_router
from backend.workflows.router import router as workflows_router
from backend.workflows.service_router import router as workflow_service_router

API_PREFIX = "/api/v1"

log = logging.getLogger(__name__)

_ERROR_RESPONSES: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorEnvelope, "description": text}
    for code, text in ((400, "Bad request"), (401, "Not authenticated"), (403, "Role too weak"),
                       (404, "Not found (or not visible to the caller)"), (409, "Conflict or stale version"),
                       (413, "Body too large"), (422, "Invalid input; `fields` names each offending field"))
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for these settings (default: from the environment)."""
    settings = settings or get_settings()
    engine = make_engine(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        runner = BackgroundRunner(default_loops(settings, engine) if settings.background_workers else [])
        runner.start()
        app.state.background = runner
        if settings.env != "test":  # a test session builds many apps: freezing each would keep them all alive
            heap.settle()
        try:
            yield
        finally:
            runner.shutdown()

    app = FastAPI(
        lifespan=lifespan,
        title="Groundwork API",
        version="0.1.0",
        description="Projects, label schemas, files, datasets, versioned annotations and tasks. "
                    "Authenticate with `Authorization: Bearer <token>` or the browser session cookie.",
        responses=_ERROR_RESPONSES,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.read_session_factory = make_session_factory(engine, readonly=True)
    app.state.login_throttle = LoginThrottle(settings.login_rate_limit, settings.rate_limit_storage)
    app.state.storage = LocalStorage(settings.media_dir)

    install_error_handlers(app)
    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes,
                       max_json_bytes=settings.max_json_bytes)

    api = APIRouter(prefix=API_PREFIX)
    for router in (auth_router, projects_router, schemas_router, query_router, files_router, datasets_router,
                   annotations_router, tasks_router, events_router, webhooks_router):
        api.include_router(router)
    api.include_router(storage_connections_router)
    api.include_router(exports_router)
    api.include_router(imports_router)
    api.include_router(streaming_router)
    api.include_router(workflows_router)
    api.include_router(workflow_service_router)
    api.include_router(workflow_artifacts_router)

    @api.get("/health", tags=["meta"], summary="Liveness and database reachability")
    def health() -> dict[str, str]:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
        return {"status": "ok", "database": engine.dialect.name}

    app.include_router(api)
    mount_spa(app, settings.frontend_dist, API_PREFIX)  # last: routes above win; only when built
    return app
