"""Request and response bodies for users, login and tokens."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.auth.models import UserKind


class StrictInput(BaseModel):
    """Base for every request body: unknown fields are refused, not ignored."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


def _normalise_email(value: str) -> str:
    value = value.strip().lower()
    local, sep, domain = value.partition("@")
    if not sep or not local or not domain or " " in value:
        raise ValueError("not an email address")
    return value


class LoginRequest(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "admin@localhost",
                                                               "password": "s3cret-passw0rd"}]})
    email: str = Field(max_length=320)
    password: str = Field(min_length=1, max_length=1000)

    _email = field_validator("email")(_normalise_email)


class UserCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"email": "ann@example.com", "name": "Ann Otator", "password": "correct horse battery"}]})
    email: str = Field(max_length=320)
    name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8, max_length=1000)
    is_superuser: bool = False

    _email = field_validator("email")(_normalise_email)


class UserUpdate(StrictInput):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    password: str | None = Field(default=None, min_length=8, max_length=1000)
    current_password: str | None = Field(default=None, max_length=1000)


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    email: str
    name: str
    kind: UserKind
    is_superuser: bool
    is_active: bool
    created_at: datetime


class TokenCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"name": "laptop", "expires_at": None}]})
    name: str = Field(min_length=1, max_length=200)
    expires_at: datetime | None = Field(default=None, description="optional expiry (ISO 8601, with zone)")

    @field_validator("expires_at")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("expires_at needs a time zone (e.g. 2027-01-01T00:00:00Z)")
        return value


class TokenRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreated(TokenRead):
    token: str = Field(description="the secret; shown only in this response")
