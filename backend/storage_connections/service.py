"""Rules for storage connections: validated, tested against the real bucket, credentials sealed at rest.

Network calls (testing a connection) happen before the first write, and the router ends the
request's opening transaction before them, so a slow bucket never holds SQLite's write lock.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from pydantic import BaseModel, SecretStr, ValidationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from backend.config import Settings
from backend.core import crypto, net
from backend.core.errors import AppError, Conflict, NotFound, ValidationFailed
from backend.events.service import record
from backend.projects.deps import ProjectAccess
from backend.storage_connections import repository
from backend.storage_connections.backends import open_store
from backend.storage_connections.backends.base import ObjectInfo, RemoteStore, StoreError
from backend.storage_connections.backends.config import StoreConfig
from backend.storage_connections.models import StorageConnection, StorageKind
from backend.storage_connections.schemas import (
    AzureCredentials,
    ConnectionOptions,
    GcsCredentials,
    S3Credentials,
    StorageConnectionCreate,
    StorageConnectionUpdate,
)

PURPOSE = "storage credentials"
_CREDENTIAL_MODELS: dict[StorageKind, type[BaseModel]] = {
    StorageKind.s3: S3Credentials, StorageKind.gcs: GcsCredentials, StorageKind.azure: AzureCredentials}


class StorageUnavailable(AppError):
    """The bucket refused or could not be reached while serving a request (not the caller's input)."""

    status, code = 502, "bad_gateway"


def get_connection(session: Session, access: ProjectAccess, connection_id: int,
                   field: str = "path.connection_id") -> StorageConnection:
    """The project's connection, else 404 naming ``field``."""
    found = repository.get(session, access.project.id, connection_id)
    if found is None:
        raise NotFound("storage connection not found", field=field)
    return found


def list_connections(session: Session, access: ProjectAccess, after: int | None,
                     limit: int) -> list[StorageConnection]:
    """A page of the project's connections."""
    return repository.list_for(session, access.project.id, after, limit)


def _plain(value: Any) -> Any:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def validate_credentials(kind: StorageKind, raw: dict[str, Any] | None, field: str) -> dict[str, Any] | None:
    """The credentials checked against the kind's shape (422 naming the offending key), as plain values."""
    if raw is None:
        return None
    try:
        parsed = _CREDENTIAL_MODELS[kind].model_validate(raw)
    except ValidationError as exc:
        first = exc.errors(include_input=False)[0]
        where = ".".join([field, *(str(p) for p in first["loc"])])
        raise ValidationFailed(f"{kind.value} credentials: {first['msg']}", field=where) from None
    return {k: _plain(v) for k, v in parsed if v is not None}


def connection_string_endpoint(connection_string: str) -> str | None:
    """The ``BlobEndpoint`` of an Azure connection string (the server will connect there)."""
    for part in connection_string.split(";"):
        name, _, value = part.partition("=")
        if name.strip().lower() == "blobendpoint" and value.strip():
            return value.strip()
    return None


def check_endpoint(settings: Settings, url: str | None, field: str) -> str | None:
    """An http(s) endpoint without credentials in it; private addresses only when the server allows them."""
    if url is None:
        return None
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, ValueError):
        raise ValidationFailed("not a valid URL", field=field) from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ValidationFailed("the endpoint must be an http or https URL", field=field)
    if parsed.userinfo or parsed.query or parsed.fragment:
        raise ValidationFailed("the endpoint may not carry credentials, a query or a fragment", field=field)
    if not settings.storage_private_endpoints:
        try:
            net.check_url(parsed)
        except (net.UrlRefused, net.FetchFailed) as exc:
            raise ValidationFailed(f"{exc} (a server administrator can allow private endpoints with "
                                   "GROUNDWORK_STORAGE_PRIVATE_ENDPOINTS=true)", field=field) from None
    return str(parsed).rstrip("/")


def credentials_of(settings: Settings, conn: StorageConnection) -> dict[str, Any] | None:
    """The decrypted credentials of a connection (never log or return them)."""
    if conn.credentials_encrypted is None:
        return None
    try:
        loaded: dict[str, Any] = json.loads(crypto.decrypt(settings, conn.credentials_encrypted, purpose=PURPOSE))
    except crypto.SecretUnreadable as exc:
        raise StorageUnavailable(f"{exc}; enter the connection's credentials again", field="body.credentials") from None
    return loaded


def _config(settings: Settings, conn: StorageConnection, credentials: dict[str, Any] | None) -> StoreConfig:
    return StoreConfig(bucket=conn.bucket, endpoint_url=conn.endpoint_url, region=conn.region,
                       options=dict(conn.options), credentials=credentials, timeout_s=settings.storage_timeout_s)


def open_connection(settings: Settings, conn: StorageConnection,
                    credentials: dict[str, Any] | None = None, *, use_stored: bool = True) -> RemoteStore:
    """The connection's store; the caller closes it (``credentials`` override the stored ones)."""
    creds = credentials_of(settings, conn) if use_stored and credentials is None else credentials
    try:
        return open_store(conn.kind.value, _config(settings, conn, creds))
    except StoreError as exc:
        raise ValidationFailed(exc.message, field=f"body.{exc.field or 'credentials'}") from None


@contextmanager
def opened(settings: Settings, conn: StorageConnection,
           credentials: dict[str, Any] | None = None, *, use_stored: bool = True) -> Iterator[RemoteStore]:
    """The connection's store, closed afterwards (``credentials`` override the stored ones)."""
    store = open_connection(settings, conn, credentials, use_stored=use_stored)
    try:
        yield store
    finally:
        store.close()


def _probe(settings: Settings, conn: StorageConnection, credentials: dict[str, Any] | None) -> None:
    """Connect for real; 422 naming the setting at fault when the bucket refuses."""
    with opened(settings, conn, credentials, use_stored=False) as store:
        try:
            store.check(conn.prefix)
        except StoreError as exc:
            raise ValidationFailed(f"connection test failed: {exc.message}",
                                   field=f"body.{exc.field or 'bucket'}") from None


def _check_credential_endpoint(settings: Settings, credentials: dict[str, Any] | None) -> None:
    # An Azure connection string names the endpoint too: it gets the same address checks.
    if credentials and credentials.get("connection_string"):
        endpoint = connection_string_endpoint(credentials["connection_string"])
        check_endpoint(settings, endpoint, "body.credentials.connection_string")


def _seal(settings: Settings, credentials: dict[str, Any] | None) -> str | None:
    if credentials is None:
        return None
    return crypto.encrypt(settings, json.dumps(credentials, separators=(",", ":")), purpose=PURPOSE)


def _event(session: Session, type_: str, conn: StorageConnection, actor_id: int, **extra: Any) -> None:
    record(session, type_, project_id=conn.project_id, actor_id=actor_id,
           payload={"connection_id": conn.id, "name": conn.name, "kind": conn.kind.value, **extra})


def _name_free(session: Session, project_id: int, name: str, exclude: int | None = None) -> None:
    other = repository.by_name(session, project_id, name)
    if other is not None and other.id != exclude:
        raise Conflict(f"a storage connection named {name!r} already exists in this project", field="body.name")


def create_connection(session: Session, settings: Settings, access: ProjectAccess,
                      body: StorageConnectionCreate) -> StorageConnection:
    """Validate, test against the bucket, then store (credentials encrypted); records an event."""
    credentials = validate_credentials(body.kind, body.credentials, "body.credentials")
    _check_credential_endpoint(settings, credentials)
    conn = StorageConnection(project_id=access.project.id, name=body.name, kind=body.kind, bucket=body.bucket,
                             prefix=body.prefix, endpoint_url=check_endpoint(settings, body.endpoint_url,
                                                                             "body.endpoint_url"),
                             region=body.region, options=body.options.model_dump(exclude_none=True),
                             created_by_id=access.user.id)
    _probe(settings, conn, credentials)
    _name_free(session, access.project.id, body.name)
    conn.credentials_encrypted = _seal(settings, credentials)
    session.add(conn)
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise Conflict(f"a storage connection named {body.name!r} already exists in this project",
                       field="body.name") from None
    _event(session, "storage_connection.created", conn, access.user.id)
    return conn


def update_connection(session: Session, settings: Settings, access: ProjectAccess, conn: StorageConnection,
                      body: StorageConnectionUpdate) -> StorageConnection:
    """Change settings or rotate credentials; the result is tested before it is saved."""
    given = body.model_fields_set
    credentials = (validate_credentials(conn.kind, body.credentials, "body.credentials")
                   if "credentials" in given else credentials_of(settings, conn))
    _check_credential_endpoint(settings, credentials)
    changed = sorted(given)
    trial = StorageConnection(project_id=conn.project_id, name=conn.name, kind=conn.kind, bucket=conn.bucket,
                              prefix=conn.prefix if body.prefix is None else body.prefix,
                              endpoint_url=(check_endpoint(settings, body.endpoint_url, "body.endpoint_url")
                                            if "endpoint_url" in given else conn.endpoint_url),
                              region=body.region if "region" in given else conn.region,
                              options=(body.options or ConnectionOptions()).model_dump(exclude_none=True)
                              if "options" in given else conn.options)
    _probe(settings, trial, credentials)
    if body.name is not None and body.name != conn.name:
        _name_free(session, conn.project_id, body.name, exclude=conn.id)
        conn.name = body.name
    conn.prefix, conn.endpoint_url, conn.region, conn.options = (trial.prefix, trial.endpoint_url, trial.region,
                                                                 trial.options)
    if "credentials" in given:
        conn.credentials_encrypted = _seal(settings, credentials)
    session.flush()
    _event(session, "storage_connection.updated", conn, access.user.id, changed=changed)
    return conn


def delete_connection(session: Session, access: ProjectAccess, conn: StorageConnection) -> None:
    """Delete a connection no live file reads from (409 otherwise); records an event."""
    live = repository.count_files(session, conn.id, deleted=False)
    if live:
        raise Conflict(f"{live} file(s) are stored by reference in this connection; delete them first",
                       field="path.connection_id")
    repository.detach_deleted_files(session, conn.id)
    _event(session, "storage_connection.deleted", conn, access.user.id)
    session.delete(conn)
    session.flush()


def object_key(conn: StorageConnection, key: str, field: str) -> str:
    """``key`` under the connection's prefix; 422 for empty keys, absolute keys or ``..`` segments."""
    parts = key.split("/")
    if not key or key.startswith("/") or any(p in ("", ".", "..") for p in parts):
        raise ValidationFailed(f"bad object key {key!r}", field=field)
    return conn.prefix + key


def write_to_connection(session: Session, connection_id: int, key: str, stream: Iterable[bytes], *,
                        settings: Settings, project_id: int | None = None,
                        content_type: str | None = None) -> ObjectInfo:
    """Write ``stream`` to ``key`` (under the connection's prefix) in the connection's bucket (exports)."""
    conn = session.get(StorageConnection, connection_id)
    if conn is None or (project_id is not None and conn.project_id != project_id):
        raise NotFound("storage connection not found", field="body.connection_id")
    full_key = object_key(conn, key, "body.key")
    with opened(settings, conn) as store:
        try:
            return store.put(full_key, stream, content_type)
        except StoreError as exc:
            raise StorageUnavailable(f"could not write to the bucket: {exc.message}", field="body.key") from None
