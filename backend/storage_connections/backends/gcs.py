"""Google Cloud Storage through google-cloud-storage (service-account key, or anonymous for public buckets).

Signed URLs are V4 signatures made locally with the service account's private key; with an
``endpoint_url`` (an emulator, or a GCS-compatible gateway) they point at that endpoint.
The change-detection ETag is the object's MD5 (or CRC32C for composite objects): content-based,
so metadata edits in the bucket are not mistaken for new content.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Iterator
from datetime import timedelta
from typing import Any

import requests
from google.api_core import exceptions as gexc
from google.api_core.client_options import ClientOptions
from google.api_core.retry import Retry
from google.auth import exceptions as authexc
from google.auth.credentials import AnonymousCredentials
from google.cloud import storage
from google.oauth2 import service_account

from backend.storage_connections.backends.base import (
    CHUNK,
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

_SCOPES = ["https://www.googleapis.com/auth/devstorage.read_write"]
_SPOOL = 8 * 1024 * 1024


class InvalidServiceAccount(AuthRejected):
    """The service-account key is not one (missing fields, unreadable private key)."""


class _OffGoogleCredentials(service_account.Credentials):
    """Service-account credentials for a custom endpoint: no regional-access-boundary lookups.

    google-auth looks up a service account's allowed locations at iamcredentials.googleapis.com
    after each token refresh; with an emulator or a gateway there is nothing to look up.
    """

    def _is_regional_access_boundary_lookup_required(self) -> bool:
        return False


def service_account_credentials(info: dict[str, Any], *, custom_endpoint: bool = False) -> service_account.Credentials:
    """Credentials from a service-account key file's JSON (InvalidServiceAccount when malformed)."""
    cls = _OffGoogleCredentials if custom_endpoint else service_account.Credentials
    try:
        creds: service_account.Credentials = cls.from_service_account_info(  # type: ignore[no-untyped-call]
            info, scopes=_SCOPES)
        return creds
    except (ValueError, KeyError, TypeError) as exc:
        detail = Redactor([str(v) for v in info.values()])(str(exc))
        raise InvalidServiceAccount(f"not a valid service-account key ({detail})") from None


class GcsStore:
    """One bucket through google-cloud-storage."""

    kind = "gcs"

    def __init__(self, config: StoreConfig) -> None:
        info: dict[str, Any] | None = (config.credentials or {}).get("service_account")
        self.bucket_name = config.bucket
        self._redact = Redactor([str(v) for v in (info or {}).values()])
        self._signer = service_account_credentials(info, custom_endpoint=bool(config.endpoint_url)) if info else None
        self.can_sign = self._signer is not None
        self._endpoint = config.endpoint_url
        self._timeout = config.timeout_s
        self._retry = Retry(timeout=config.timeout_s)
        options = ClientOptions(api_endpoint=config.endpoint_url) if config.endpoint_url else None
        project = (info or {}).get("project_id") or "anonymous"
        self._client = storage.Client(project=project, credentials=self._signer or AnonymousCredentials(),  # type: ignore[no-untyped-call]
                                      client_options=options)
        # The client fetches bucket metadata on a background thread for tracing attributes (one
        # more authenticated request per client, racing our own errors): not wanted here.
        self._client._bucket_metadata_cache = None
        self._bucket = self._client.bucket(config.bucket)

    def _error(self, exc: Exception, what: str, *, missing: type[StoreError] = BucketMissing) -> StoreError:
        detail = self._redact(str(exc))
        if isinstance(exc, authexc.RefreshError):
            reason = self._redact(str(exc.args[0])) if exc.args else detail
            return AuthRejected(f"Google Cloud Storage refused the credentials (service-account key) while trying "
                                f"to {what} ({reason})")
        if isinstance(exc, authexc.TransportError | requests.ConnectionError | requests.Timeout):
            return Unreachable(f"cannot reach Google Cloud Storage to {what}: {detail}")
        if isinstance(exc, gexc.Unauthorized):
            return AuthRejected(f"Google Cloud Storage refused the credentials while trying to {what}")
        if isinstance(exc, gexc.Forbidden):
            return AccessDenied(f"Google Cloud Storage denied access while trying to {what} "
                                f"(the service account lacks the permission)")
        if isinstance(exc, gexc.NotFound):
            if missing is BucketMissing:
                return BucketMissing(f"the bucket {self.bucket_name!r} does not exist")
            return missing(f"the object does not exist in bucket {self.bucket_name!r}")
        if isinstance(exc, gexc.BadRequest) and "token" in detail.lower():
            return BadToken("Google Cloud Storage does not accept this page token")
        return StoreError(f"Google Cloud Storage failed to {what}: {detail}")

    def check(self, prefix: str) -> None:
        """List one object under the prefix (fails fast: no retries)."""
        try:
            it = self._client.list_blobs(self._bucket, prefix=prefix, max_results=1, timeout=self._timeout,
                                         retry=None)
            list(it)
        except Exception as exc:
            raise self._error(exc, "list the bucket") from None

    def list_page(self, prefix: str, *, recursive: bool, page_size: int,
                  token: str | None) -> tuple[list[ObjectInfo], str | None]:
        """One page of objects.list."""
        try:
            it = self._client.list_blobs(self._bucket, prefix=prefix, delimiter=None if recursive else "/",
                                         page_size=page_size, max_results=page_size, page_token=token,
                                         timeout=self._timeout, retry=self._retry)
            page = next(it.pages, None)
            blobs = list(page) if page is not None else []
            return [self._info(b) for b in blobs], it.next_page_token
        except Exception as exc:
            raise self._error(exc, "list the bucket") from None

    @staticmethod
    def _info(blob: storage.Blob) -> ObjectInfo:
        return ObjectInfo(key=blob.name, size=int(blob.size or 0), etag=blob.md5_hash or blob.crc32c,
                          content_type=blob.content_type)

    def _get(self, key: str) -> storage.Blob:
        try:
            blob = self._bucket.get_blob(key, timeout=self._timeout, retry=self._retry)
        except Exception as exc:
            raise self._error(exc, "read an object", missing=ObjectMissing) from None
        if blob is None:
            raise ObjectMissing(f"the object does not exist in bucket {self.bucket_name!r}")
        return blob

    def head(self, key: str) -> ObjectInfo:
        """The object's metadata."""
        return self._info(self._get(key))

    def download(self, key: str, start: int | None = None, end: int | None = None) -> Download:
        """Read in ranged chunks pinned to the object's generation (a rewrite mid-read fails, not mixes)."""
        blob = self._get(key)
        info = self._info(blob)
        first = start or 0
        last = info.size - 1 if end is None else min(end, info.size - 1)
        return Download(info=info, start=first, length=max(0, last - first + 1),
                        chunks=self._chunks(blob, first, last), close=lambda: None)

    def _chunks(self, blob: storage.Blob, first: int, last: int) -> Iterator[bytes]:
        pos = first
        while pos <= last:
            stop = min(pos + CHUNK - 1, last)
            try:
                data = blob.download_as_bytes(start=pos, end=stop, if_generation_match=blob.generation,
                                              timeout=self._timeout, retry=self._retry, checksum=None)
            except Exception as exc:
                raise self._error(exc, "read an object", missing=ObjectMissing) from None
            if not data:
                return
            yield data
            pos += len(data)

    def put(self, key: str, chunks: Iterable[bytes], content_type: str | None = None) -> ObjectInfo:
        """Upload from a stream (spooled locally first: the client needs a seekable file)."""
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL) as spool:
            for chunk in chunks:
                spool.write(chunk)
            size = spool.tell()
            spool.seek(0)
            blob = self._bucket.blob(key)
            try:
                blob.upload_from_file(spool, size=size, content_type=content_type, timeout=self._timeout)
            except Exception as exc:
                raise self._error(exc, "write an object") from None
        return self.head(key)

    def delete(self, key: str) -> None:
        """Delete the object; absent is fine."""
        try:
            self._bucket.blob(key).delete(timeout=self._timeout)
        except gexc.NotFound:
            return
        except Exception as exc:
            raise self._error(exc, "delete an object") from None

    def signed_url(self, key: str, expires_s: int) -> str | None:
        """A V4 signed GET URL; None without a service-account key."""
        if self._signer is None:
            return None
        try:
            url: str = self._bucket.blob(key).generate_signed_url(
                version="v4", expiration=timedelta(seconds=expires_s), method="GET", credentials=self._signer,
                api_access_endpoint=self._endpoint or "https://storage.googleapis.com")
        except Exception as exc:
            raise self._error(exc, "sign a URL") from None
        return url

    def close(self) -> None:
        """Close the HTTP session."""
        self._client.close()
