"""Bodies for storage connections: create/update (credentials in, never out), test, import, objects."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

from backend.auth.schemas import StrictInput
from backend.files.schemas import FileRead
from backend.storage_connections.models import StorageConnection, StorageKind

_CREDENTIALS_DOC = (
    "Secret; stored encrypted and never returned. s3: {access_key_id, secret_access_key, session_token?}; "
    "gcs: {service_account: <the JSON key file's object>}; azure: {connection_string} or "
    "{account_name, account_key} or {account_name, sas_token}. Omit (or null) for anonymous access "
    "to a public bucket.")


class S3Credentials(StrictInput):
    access_key_id: str = Field(min_length=1, max_length=200)
    secret_access_key: SecretStr = Field(min_length=1, max_length=500)
    session_token: SecretStr | None = Field(default=None, max_length=5000)


class GcsCredentials(StrictInput):
    service_account: dict[str, Any] = Field(description="the service account's JSON key file, as an object")

    @field_validator("service_account")
    @classmethod
    def _is_key(cls, value: dict[str, Any]) -> dict[str, Any]:
        missing = [k for k in ("client_email", "private_key") if not isinstance(value.get(k), str)]
        if missing:
            raise ValueError(f"a service-account key needs {' and '.join(missing)}")
        return value


class AzureCredentials(StrictInput):
    connection_string: SecretStr | None = Field(default=None, max_length=5000)
    account_name: str | None = Field(default=None, pattern=r"^[a-z0-9]{3,24}$")
    account_key: SecretStr | None = Field(default=None, max_length=500)
    sas_token: SecretStr | None = Field(default=None, max_length=5000)

    @model_validator(mode="after")
    def _one_way(self) -> AzureCredentials:
        ways = [self.connection_string is not None, self.account_key is not None, self.sas_token is not None]
        if sum(ways) != 1:
            raise ValueError("give exactly one of connection_string, account_key or sas_token")
        if not self.connection_string and not self.account_name:
            raise ValueError("account_key and sas_token need account_name")
        return self


class ConnectionOptions(StrictInput):
    """Non-secret settings of a connection."""

    signed_urls: bool = Field(default=True, description="serve media by redirecting to short-lived signed URLs "
                                                        "(false: stream them through the API)")
    addressing_style: Literal["auto", "path", "virtual"] | None = Field(
        default=None, description="s3 only: bucket in the path or in the host name (default: path when "
                                  "endpoint_url is set)")


class StorageConnectionCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "raw images", "kind": "s3", "bucket": "acme-raw", "prefix": "cameras/", "region": "eu-west-1",
         "credentials": {"access_key_id": "AKIA...", "secret_access_key": "..."}}]})
    name: str = Field(min_length=1, max_length=200)
    kind: StorageKind
    bucket: str = Field(min_length=1, max_length=255, description="S3/GCS bucket, or Azure container")
    prefix: str = Field(default="", max_length=1000, description="only keys under this prefix are used")
    endpoint_url: str | None = Field(default=None, max_length=1000,
                                     description="S3-compatible server, GCS or Azure endpoint (emulators)")
    region: str | None = Field(default=None, max_length=100)
    options: ConnectionOptions = Field(default_factory=ConnectionOptions)
    credentials: dict[str, Any] | None = Field(default=None, description=_CREDENTIALS_DOC)


class StorageConnectionUpdate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"credentials": {"access_key_id": "AKIA...", "secret_access_key": "new..."}}]})
    name: str | None = Field(default=None, min_length=1, max_length=200)
    prefix: str | None = Field(default=None, max_length=1000)
    endpoint_url: str | None = Field(default=None, max_length=1000)
    region: str | None = Field(default=None, max_length=100)
    options: ConnectionOptions | None = None
    credentials: dict[str, Any] | None = Field(
        default=None, description="new credentials (rotation); omit to keep the stored ones, null for anonymous")


class StorageConnectionRead(BaseModel):
    id: int
    project_id: int
    name: str
    kind: StorageKind
    bucket: str
    prefix: str
    endpoint_url: str | None
    region: str | None
    options: dict[str, Any]
    has_credentials: bool = Field(description="credentials are stored (they are never returned)")
    created_by_id: int | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, c: StorageConnection) -> StorageConnectionRead:
        """The read model: non-secret fields and a flag for the credentials."""
        return cls(id=c.id, project_id=c.project_id, name=c.name, kind=c.kind, bucket=c.bucket, prefix=c.prefix,
                   endpoint_url=c.endpoint_url, region=c.region, options=c.options,
                   has_credentials=c.credentials_encrypted is not None, created_by_id=c.created_by_id,
                   created_at=c.created_at, updated_at=c.updated_at)


class TestRequest(StrictInput):
    write: bool = Field(default=False, description="also write and delete a small probe object")


class Check(BaseModel):
    name: str = Field(description="list, read, write or sign")
    ok: bool
    message: str


class TestResult(BaseModel):
    ok: bool = Field(description="every check that ran passed")
    checks: list[Check]


class ImportRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"prefix": "2024/", "recursive": True, "metadata": {"source": "bucket"}}]})
    prefix: str = Field(default="", max_length=1000, description="under the connection's prefix")
    recursive: bool = Field(default=True, description="false: only objects directly under the prefix")
    metadata: dict[str, Any] = Field(default_factory=dict, description="applied to every new file")
    dataset_id: int | None = Field(default=None, ge=1, description="also add the files to this dataset")
    limit: int | None = Field(default=None, ge=1, description="most objects to list in this call "
                                                              "(server maximum: storage_import_max_objects)")
    continuation_token: str | None = Field(default=None, max_length=5000,
                                           description="next_token of the previous call")


class ImportStatus(enum.StrEnum):
    created = "created"
    duplicate = "duplicate"
    restored = "restored"


class ImportedItem(BaseModel):
    key: str
    status: ImportStatus
    file: FileRead


class SkippedObject(BaseModel):
    key: str
    reason: str


class ImportResult(BaseModel):
    listed: int = Field(description="objects listed in this call")
    created: int
    duplicate: int
    restored: int
    skipped: int
    items: list[ImportedItem]
    errors: list[SkippedObject] = Field(description="objects not imported, each with the reason")
    next_token: str | None = Field(description="more objects remain: pass this as continuation_token")

