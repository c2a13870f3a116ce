"""Azure Blob Storage through azure-storage-blob (connection string, account key, or a SAS token).

The ``bucket`` is the container. Signed URLs are blob SAS tokens (read only, short-lived) made
with the account key, so connections given only a SAS token are served through the API instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from azure.core.exceptions import (
    AzureError,
    ClientAuthenticationError,
    HttpResponseError,
    ResourceNotFoundError,
    ServiceRequestError,
    ServiceResponseError,
)
from azure.storage.blob import (
    BlobPrefix,
    BlobProperties,
    BlobSasPermissions,
    BlobServiceClient,
    ContentSettings,
    generate_blob_sas,
)

from backend.storage_connections.backends.base import (
    AccessDenied,
    AuthRejected,
    BadToken,
    BucketMissing,
    Download,
    ObjectInfo,
    ObjectMissing,
    Redactor,
    StoreError,
    Unreachable,
)
from backend.storage_connections.backends.config import StoreConfig

_AUTH = frozenset({"AuthenticationFailed", "AuthorizationFailure", "InvalidAuthenticationInfo",
                   "NoAuthenticationInformation"})
_CLOCK_SKEW = timedelta(minutes=5)


def _service(config: StoreConfig) -> BlobServiceClient:
    creds = config.credentials or {}
    kwargs: dict[str, Any] = {"connection_timeout": config.timeout_s, "read_timeout": config.timeout_s,
                              "retry_total": 2}
    if creds.get("connection_string"):
        service = BlobServiceClient.from_connection_string(creds["connection_string"], **kwargs)
        if config.endpoint_url and config.endpoint_url != service.url.rstrip("/"):
            return BlobServiceClient(account_url=config.endpoint_url, credential=service.credential, **kwargs)
        return service
    account = creds.get("account_name")
    url = config.endpoint_url or f"https://{account}.blob.core.windows.net"
    credential: Any = None
    if creds.get("account_key"):
        credential = {"account_name": account, "account_key": creds["account_key"]}
    elif creds.get("sas_token"):
        credential = creds["sas_token"]
    return BlobServiceClient(account_url=url, credential=credential, **kwargs)


class AzureStore:
    """One container through azure-storage-blob."""

    kind = "azure"

    def __init__(self, config: StoreConfig) -> None:
        creds = config.credentials or {}
        self.container_name = config.bucket
        self._redact = Redactor(str(v) for v in creds.values())
        self._service = _service(config)
        self._container = self._service.get_container_client(config.bucket)
        credential = self._service.credential
        self._account_key: str | None = getattr(credential, "account_key", None)
        self.can_sign = bool(self._account_key)

    def _error(self, exc: Exception, what: str, *, missing: type[StoreError] = BucketMissing) -> StoreError:
        raw = getattr(exc, "error_code", None) or ""
        code = str(getattr(raw, "value", raw))  # a StorageErrorCode enum, or the header's text
        lines = str(exc).splitlines()
        detail = self._redact(lines[0] if lines else code)
        if isinstance(exc, ServiceRequestError | ServiceResponseError):
            return Unreachable(f"cannot reach Azure Blob Storage to {what}: {self._redact(str(exc))}")
        if code in _AUTH or (isinstance(exc, ClientAuthenticationError) and code != "AuthorizationPermissionMismatch"):
            return AuthRejected(f"Azure Blob Storage refused the credentials while trying to {what} ({code})")
        if code == "ContainerNotFound" or (isinstance(exc, ResourceNotFoundError) and missing is BucketMissing):
            return BucketMissing(f"the container {self.container_name!r} does not exist")
        if isinstance(exc, ResourceNotFoundError):
            return missing(f"the object does not exist in container {self.container_name!r}")
        if isinstance(exc, HttpResponseError) and exc.status_code == 403:
            return AccessDenied(f"Azure Blob Storage denied access while trying to {what} ({code or 'forbidden'}: "
                                f"the credentials lack the permission)")
        if code in ("InvalidQueryParameterValue", "OutOfRangeInput") and "marker" in str(exc).lower():
            return BadToken("Azure Blob Storage does not accept this continuation token")
        return StoreError(f"Azure Blob Storage failed to {what} ({code or detail})")

    def check(self, prefix: str) -> None:
        """List one blob under the prefix."""
        try:
            pages = self._container.list_blobs(name_starts_with=prefix or None, results_per_page=1).by_page()
            next(pages, None)
        except AzureError as exc:
            raise self._error(exc, "list the container") from None

    def list_page(self, prefix: str, *, recursive: bool, page_size: int,
                  token: str | None) -> tuple[list[ObjectInfo], str | None]:
        """One page of List Blobs (with a ``/`` delimiter when not recursive)."""
        paged: Any
        try:
            if recursive:
                paged = self._container.list_blobs(name_starts_with=prefix or None, results_per_page=page_size)
            else:
                paged = self._container.walk_blobs(name_starts_with=prefix or None, delimiter="/",
                                                   results_per_page=page_size)
            pages = paged.by_page(continuation_token=token)
            page = next(pages, None)
            items = list(page) if page is not None else []
            next_token: str | None = pages.continuation_token or None
        except AzureError as exc:
            raise self._error(exc, "list the container") from None
        blobs = [b for b in items if isinstance(b, BlobProperties) and not isinstance(b, BlobPrefix)]
        return [self._info(b) for b in blobs], next_token

    @staticmethod
    def _info(props: BlobProperties) -> ObjectInfo:
        content_type = props.content_settings.content_type if props.content_settings else None
        return ObjectInfo(key=props.name, size=int(props.size or 0), etag=props.etag, content_type=content_type)

    def head(self, key: str) -> ObjectInfo:
        """Get Blob Properties."""
        try:
            return self._info(self._container.get_blob_client(key).get_blob_properties())
        except AzureError as exc:
            raise self._error(exc, "read an object", missing=ObjectMissing) from None

    def download(self, key: str, start: int | None = None, end: int | None = None) -> Download:
        """Get Blob (a range when asked); the SDK pins later chunks to the first answer's ETag."""
        offset = start or 0
        length = None if end is None else end - offset + 1
        try:
            stream = self._container.get_blob_client(key).download_blob(
                offset=offset if start is not None else None, length=length, max_concurrency=1)
        except AzureError as exc:
            raise self._error(exc, "read an object", missing=ObjectMissing) from None
        props = stream.properties
        # For a range, properties.size is the range's length; the whole size is after the "/".
        total = int(props.content_range.rsplit("/", 1)[1]) if props.content_range else int(props.size)
        info = ObjectInfo(key=key, size=total, etag=props.etag,
                          content_type=props.content_settings.content_type if props.content_settings else None)
        return Download(info=info, start=offset, length=int(stream.size), chunks=iter(stream.chunks()),
                        close=lambda: None)

    def put(self, key: str, chunks: Iterable[bytes], content_type: str | None = None) -> ObjectInfo:
        """Upload a block blob from a stream (replacing an existing one)."""
        settings = ContentSettings(content_type=content_type) if content_type else None
        try:
            self._container.get_blob_client(key).upload_blob(iter(chunks), overwrite=True,
                                                             content_settings=settings)
        except AzureError as exc:
            raise self._error(exc, "write an object") from None
        return self.head(key)

    def delete(self, key: str) -> None:
        """Delete the blob; absent is fine."""
        try:
            self._container.get_blob_client(key).delete_blob()
        except ResourceNotFoundError:
            return
        except AzureError as exc:
            raise self._error(exc, "delete an object") from None

    def signed_url(self, key: str, expires_s: int) -> str | None:
        """A read-only blob SAS URL; None without the account key."""
        if not self._account_key:
            return None
        now = datetime.now(UTC)
        blob = self._container.get_blob_client(key)
        sas = generate_blob_sas(self._service.account_name or "", self.container_name, key,
                                account_key=self._account_key, permission=BlobSasPermissions(read=True),
                                start=now - _CLOCK_SKEW, expiry=now + timedelta(seconds=expires_s))
        return f"{blob.url}?{sas}"

    def close(self) -> None:
        """Close the HTTP pipeline."""
        self._service.close()
