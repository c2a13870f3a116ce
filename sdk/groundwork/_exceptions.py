"""The exception family: one class per HTTP status the API answers, plus transport failures.

Every API error carries the server's envelope: ``code`` (stable, e.g. ``stale_version``),
``message``, ``fields`` (``[{"field", "message"}]``) and ``detail``.
"""

from __future__ import annotations

from typing import Any

import httpx


class GroundworkError(Exception):
    """Base of everything the SDK raises on purpose."""


class APIConnectionError(GroundworkError):
    """The server could not be reached, or the connection broke (after the retries)."""

    def __init__(self, message: str, *, request: httpx.Request | None = None) -> None:
        super().__init__(message)
        self.request = request


class APITimeoutError(APIConnectionError):
    """The request timed out (after the retries)."""


class APIStatusError(GroundworkError):
    """The server answered with an error status."""

    status_code: int = 0

    def __init__(self, message: str, *, response: httpx.Response, body: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.response = response
        self.status_code = response.status_code
        self.body = body
        error = body.get("error") if isinstance(body, dict) else None
        error = error if isinstance(error, dict) else {}
        self.code: str | None = error.get("code")
        self.fields: list[dict[str, Any]] = list(error.get("fields") or [])
        self.detail: dict[str, Any] | None = error.get("detail")


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    """409: a name taken, an invalid transition, or (``code == "stale_version"``) a stale write."""

    status_code = 409


class PayloadTooLargeError(APIStatusError):
    status_code = 413


class UnsupportedMediaTypeError(APIStatusError):
    status_code = 415


class UnprocessableEntityError(APIStatusError):
    """422: the input is invalid; ``fields`` names each offending field."""

    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    """Any 5xx the server answered."""

    status_code = 500


class ServiceUnavailableError(InternalServerError):
    status_code = 503


class ItemUnavailableError(GroundworkError):
    """A snapshot item the caller may not read (or whose bytes are missing) was asked for."""

    def __init__(self, position: int, reason: str) -> None:
        super().__init__(f"item {position} is unavailable: {reason}")
        self.position = position
        self.reason = reason


_BY_STATUS: dict[int, type[APIStatusError]] = {
    cls.status_code: cls for cls in (BadRequestError, AuthenticationError, PermissionDeniedError, NotFoundError,
                                     ConflictError, PayloadTooLargeError, UnsupportedMediaTypeError,
                                     UnprocessableEntityError, RateLimitError, ServiceUnavailableError)
}


def error_for(response: httpx.Response) -> APIStatusError:
    """The exception for an error response (its class chosen by status)."""
    try:
        body: Any = response.json()
    except ValueError:
        body = response.text
    error = body.get("error") if isinstance(body, dict) else None
    message = error.get("message") if isinstance(error, dict) else None
    text = f"{response.status_code} {response.reason_phrase}: {message or str(body)[:500]}"
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= 500 else APIStatusError
    return cls(text, response=response, body=body)
