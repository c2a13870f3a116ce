"""Amazon S3 and S3-compatible stores (MinIO, Ceph, moto) through boto3."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

import boto3
from boto3.exceptions import Boto3Error
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectionError, HTTPClientError

from backend.storage_connections.backends.base import (
    CHUNK,
    AccessDenied,
    AuthRejected,
    BadToken,
    BucketMissing,
    ChunkReader,
    Download,
    ObjectInfo,
    ObjectMissing,
    Redactor,
    StoreError,
    Unreachable,
)
from backend.storage_connections.backends.config import StoreConfig

_AUTH = frozenset({"InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidToken", "ExpiredToken",
                   "AuthorizationHeaderMalformed", "InvalidClientTokenId", "TokenRefreshRequired"})
_MISSING_OBJECT = frozenset({"NoSuchKey", "404", "NotFound"})


class S3Store:
    """One bucket through boto3; no credentials means unsigned (anonymous) requests, never ambient ones."""

    kind = "s3"

    def __init__(self, config: StoreConfig) -> None:
        creds = config.credentials or {}
        self.bucket = config.bucket
        self._redact = Redactor(creds.values())
        self.can_sign = bool(creds)
        style = config.options.get("addressing_style") or ("path" if config.endpoint_url else "auto")
        botocfg = Config(signature_version="s3v4" if creds else UNSIGNED, s3={"addressing_style": style},
                         connect_timeout=config.timeout_s, read_timeout=config.timeout_s,
                         retries={"max_attempts": 3, "mode": "standard"},
                         request_checksum_calculation="when_required",
                         response_checksum_validation="when_required")
        # A fresh boto3 session: explicit keys only, so the server's own AWS identity is never used.
        session = boto3.session.Session(aws_access_key_id=creds.get("access_key_id") or None,
                                        aws_secret_access_key=creds.get("secret_access_key") or None,
                                        aws_session_token=creds.get("session_token") or None)
        self._client: Any = session.client("s3", endpoint_url=config.endpoint_url,
                                           region_name=config.region or "us-east-1", config=botocfg)

    def _error(self, exc: Exception, what: str) -> StoreError:
        if isinstance(exc, Boto3Error) and isinstance(exc.__context__, ClientError | BotoCoreError):
            exc = exc.__context__  # upload_fileobj wraps the S3 error it met
        if isinstance(exc, ClientError):
            err = exc.response.get("Error", {})
            code = str(err.get("Code", ""))
            detail = self._redact(str(err.get("Message") or code))
            status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            if code in _AUTH:
                return AuthRejected(f"S3 refused the credentials while trying to {what} ({code}: {detail})")
            if code == "NoSuchBucket":
                return BucketMissing(f"the bucket {self.bucket!r} does not exist")
            if code in _MISSING_OBJECT:
                return ObjectMissing(f"the object does not exist in bucket {self.bucket!r}")
            if code in ("AccessDenied", "403", "Forbidden", "AllAccessDisabled") or status == 403:
                return AccessDenied(f"S3 denied access while trying to {what} (wrong credentials, or the "
                                    f"credentials lack the permission)")
            if code == "InvalidArgument" and "continuation" in detail.lower():
                return BadToken("S3 does not accept this continuation token")
            return StoreError(f"S3 failed to {what} ({code}: {detail})")
        if isinstance(exc, ConnectionError | HTTPClientError):
            return Unreachable(f"cannot reach S3 to {what}: {self._redact(str(exc))}")
        return StoreError(f"S3 failed to {what}: {self._redact(str(exc))}")

    def _call(self, what: str, method: str, **kwargs: Any) -> Any:
        try:
            return getattr(self._client, method)(**kwargs)
        except (ClientError, BotoCoreError, Boto3Error) as exc:
            raise self._error(exc, what) from None

    def check(self, prefix: str) -> None:
        """List one object under the prefix."""
        self._call("list the bucket", "list_objects_v2", Bucket=self.bucket, Prefix=prefix, MaxKeys=1)

    def list_page(self, prefix: str, *, recursive: bool, page_size: int,
                  token: str | None) -> tuple[list[ObjectInfo], str | None]:
        """One page of ListObjectsV2."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Prefix": prefix, "MaxKeys": page_size}
        if token:
            kwargs["ContinuationToken"] = token
        if not recursive:
            kwargs["Delimiter"] = "/"
        page = self._call("list the bucket", "list_objects_v2", **kwargs)
        objects = [ObjectInfo(key=o["Key"], size=int(o["Size"]), etag=o.get("ETag")) for o in page.get("Contents", [])]
        return objects, page.get("NextContinuationToken") if page.get("IsTruncated") else None

    def head(self, key: str) -> ObjectInfo:
        """HeadObject."""
        meta = self._call("read an object", "head_object", Bucket=self.bucket, Key=key)
        return ObjectInfo(key=key, size=int(meta["ContentLength"]), etag=meta.get("ETag"),
                          content_type=meta.get("ContentType"))

    def download(self, key: str, start: int | None = None, end: int | None = None) -> Download:
        """GetObject, with a Range header when asked."""
        kwargs: dict[str, Any] = {"Bucket": self.bucket, "Key": key}
        if start is not None:
            kwargs["Range"] = f"bytes={start}-{'' if end is None else end}"
        got = self._call("read an object", "get_object", **kwargs)
        length = int(got["ContentLength"])
        total = int(got["ContentRange"].rsplit("/", 1)[1]) if got.get("ContentRange") else length
        body = got["Body"]
        info = ObjectInfo(key=key, size=total, etag=got.get("ETag"), content_type=got.get("ContentType"))
        return Download(info=info, start=start or 0, length=length, chunks=self._iter(body), close=body.close)

    def _iter(self, body: Any) -> Iterator[bytes]:
        try:
            yield from body.iter_chunks(CHUNK)
        except (ClientError, BotoCoreError) as exc:
            raise self._error(exc, "read an object") from None

    def put(self, key: str, chunks: Iterable[bytes], content_type: str | None = None) -> ObjectInfo:
        """Upload (multipart when large) from a stream."""
        extra = {"ContentType": content_type} if content_type else {}
        self._call("write an object", "upload_fileobj", Fileobj=ChunkReader(chunks), Bucket=self.bucket, Key=key,
                   ExtraArgs=extra)
        return self.head(key)

    def delete(self, key: str) -> None:
        """DeleteObject (S3 answers success for absent keys)."""
        self._call("delete an object", "delete_object", Bucket=self.bucket, Key=key)

    def signed_url(self, key: str, expires_s: int) -> str | None:
        """A SigV4 presigned GET URL; None for anonymous connections."""
        if not self.can_sign:
            return None
        url: str = self._call("sign a URL", "generate_presigned_url", ClientMethod="get_object",
                              Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_s)
        return url

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()
