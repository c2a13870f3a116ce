"""One error family, one envelope: every 4xx/5xx body is ``{"error": {code, message, fields}}``."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger(__name__)


class FieldError(BaseModel):
    """One offending input field: a dotted path (``body.items.3.geometry.x``) and why."""

    field: str
    message: str


class ErrorBody(BaseModel):
    """The error itself: a stable machine code, a human message, the fields at fault."""

    code: str
    message: str
    fields: list[FieldError] = []
    detail: dict[str, Any] | None = None


class SourceError(BaseModel):
    """One problem in a submitted document (e.g. a workflow definition), at a 1-based line and column."""

    line: int
    column: int
    message: str
    path: str = ""


class ErrorEnvelope(BaseModel):
    """What every failed request answers (``errors``: only for documents with positioned problems)."""

    error: ErrorBody
    errors: list[SourceError] | None = None


class AppError(Exception):
    """Base of every error a service raises on purpose; the handler turns it into the envelope."""

    status = 400
    code = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        field: str | None = None,
        fields: list[FieldError] | None = None,
        detail: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        errors: list[SourceError] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = list(fields or [])
        if field is not None:
            self.fields.insert(0, FieldError(field=field, message=message))
        self.detail = detail
        self.headers = headers
        self.errors = errors

    def body(self) -> ErrorEnvelope:
        """The envelope for this error."""
        return ErrorEnvelope(
            error=ErrorBody(code=self.code, message=self.message, fields=self.fields, detail=self.detail),
            errors=self.errors,
        )


class BadRequest(AppError):
    status, code = 400, "bad_request"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class StaleVersion(Conflict):
    code = "stale_version"


class PayloadTooLarge(AppError):
    status, code = 413, "payload_too_large"


class UnsupportedMediaType(AppError):
    status, code = 415, "unsupported_media_type"


class ValidationFailed(AppError):
    status, code = 422, "validation_error"


class TooManyRequests(AppError):
    status, code = 429, "rate_limited"


class ServiceUnavailable(AppError):
    status, code = 503, "unavailable"


def _loc_to_field(loc: tuple[int | str, ...] | list[int | str]) -> str:
    return ".".join(str(part) for part in loc)


def _envelope(status: int, code: str, message: str, fields: list[FieldError] | None = None,
              headers: dict[str, str] | None = None) -> JSONResponse:
    body = ErrorEnvelope(error=ErrorBody(code=code, message=message, fields=fields or []))
    return JSONResponse(body.model_dump(exclude_none=True), status_code=status, headers=headers)


_HTTP_CODES = {
    400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
    405: "method_not_allowed", 409: "conflict", 413: "payload_too_large", 415: "unsupported_media_type",
    416: "range_not_satisfiable", 422: "validation_error", 429: "rate_limited",
}


def install_error_handlers(app: FastAPI) -> None:
    """Route every exception shape into the one envelope."""

    @app.exception_handler(AppError)
    async def _app_error(_: Request, exc: AppError) -> JSONResponse:
        return JSONResponse(exc.body().model_dump(exclude_none=True), status_code=exc.status,
                            headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        fields = [FieldError(field=_loc_to_field(e.get("loc", ())), message=e.get("msg", "invalid"))
                  for e in exc.errors()]
        first = fields[0] if fields else None
        message = f"{first.field}: {first.message}" if first else "invalid request"
        if len(fields) > 1:
            message += f" (and {len(fields) - 1} more)"
        return _envelope(422, "validation_error", message, fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "error")
        return _envelope(exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))

    @app.exception_handler(Exception)
    async def _unhandled(_: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error", exc_info=exc)
        return _envelope(500, "internal_error", "internal server error")
