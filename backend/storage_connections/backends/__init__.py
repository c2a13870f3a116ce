"""Bucket backends (S3, GCS, Azure Blob) behind the ``RemoteStore`` interface; SDKs load on first use."""

from __future__ import annotations

from backend.storage_connections.backends.base import RemoteStore, StoreError
from backend.storage_connections.backends.config import StoreConfig


class BackendUnavailable(StoreError):
    """The SDK for this kind is not installed."""

    field = "kind"


def open_store(kind: str, config: StoreConfig) -> RemoteStore:
    """A store for a connection of this kind (imports only the SDK it needs: the extra ``storage``)."""
    try:
        return _open(kind, config)
    except ImportError as exc:
        raise BackendUnavailable(f"the {kind} client library is not installed on the server ({exc.name}); "
                                 "install the extra: pip install 'groundwork[storage]'") from None


def _open(kind: str, config: StoreConfig) -> RemoteStore:
    if kind == "s3":
        from backend.storage_connections.backends.s3 import S3Store

        return S3Store(config)
    if kind == "gcs":
        from backend.storage_connections.backends.gcs import GcsStore

        return GcsStore(config)
    if kind == "azure":
        from backend.storage_connections.backends.azure import AzureStore

        return AzureStore(config)
    raise ValueError(f"unknown storage kind {kind!r}")
