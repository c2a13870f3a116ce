"""Groundwork's Python SDK (``import groundwork``): the API client and streaming datasets.

``groundwork.Client(url, token)`` (or ``GROUNDWORK_URL`` / ``GROUNDWORK_TOKEN``); see docs/sdk.md.
The event wire format (``groundwork.events``) and the workflow language (``groundwork.workflows``)
live here too. Importing this package stays cheap: the client is loaded on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_LAZY = {
    "Client": "groundwork._client", "AsyncClient": "groundwork._client",
    "ProjectHandle": "groundwork._client", "AsyncProjectHandle": "groundwork._client",
    "StreamingDataset": "groundwork.streaming",
    "RetryPolicy": "groundwork._retry",
}
_ERRORS = ("GroundworkError", "APIConnectionError", "APITimeoutError", "APIStatusError", "BadRequestError",
           "AuthenticationError", "PermissionDeniedError", "NotFoundError", "ConflictError", "PayloadTooLargeError",
           "UnsupportedMediaTypeError", "UnprocessableEntityError", "RateLimitError", "InternalServerError",
           "ServiceUnavailableError", "ItemUnavailableError")

if TYPE_CHECKING:
    from groundwork._client import AsyncClient, AsyncProjectHandle, Client, ProjectHandle
    from groundwork._exceptions import (
        APIConnectionError,
        APIStatusError,
        APITimeoutError,
        AuthenticationError,
        BadRequestError,
        ConflictError,
        GroundworkError,
        InternalServerError,
        ItemUnavailableError,
        NotFoundError,
        PayloadTooLargeError,
        PermissionDeniedError,
        RateLimitError,
        ServiceUnavailableError,
        UnprocessableEntityError,
        UnsupportedMediaTypeError,
    )
    from groundwork._retry import RetryPolicy
    from groundwork.streaming import StreamingDataset


def __getattr__(name: str) -> Any:
    import importlib

    if name in _ERRORS:
        return getattr(importlib.import_module("groundwork._exceptions"), name)
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'groundwork' has no attribute {name!r}")


__all__ = [
    "APIConnectionError", "APIStatusError", "APITimeoutError", "AsyncClient", "AsyncProjectHandle",
    "AuthenticationError", "BadRequestError", "Client", "ConflictError", "GroundworkError", "InternalServerError",
    "ItemUnavailableError", "NotFoundError", "PayloadTooLargeError", "PermissionDeniedError", "ProjectHandle",
    "RateLimitError", "RetryPolicy", "ServiceUnavailableError", "StreamingDataset", "UnprocessableEntityError",
    "UnsupportedMediaTypeError", "__version__",
]
