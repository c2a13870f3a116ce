"""Bodies for projects and members."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator

from backend.auth.schemas import StrictInput
from backend.projects.models import Role

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,98}[a-z0-9]?$")


class ProjectCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [
        {"name": "Street scenes", "slug": "street-scenes", "description": "cars and pedestrians"}]})
    name: str = Field(min_length=1, max_length=200)
    slug: str | None = Field(default=None, description="URL name; derived from the name if left out")
    description: str = Field(default="", max_length=10000)

    @field_validator("slug")
    @classmethod
    def _slug(cls, value: str | None) -> str | None:
        if value is not None and not _SLUG.match(value):
            raise ValueError("lowercase letters, digits and dashes; starts and ends with a letter or digit")
        return value


class ProjectUpdate(StrictInput):
    name: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, max_length=10000)


class ProjectRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    name: str
    slug: str
    description: str
    created_at: datetime
    updated_at: datetime
    role: Role | None = Field(default=None, description="the caller's role in this project")


class MemberCreate(StrictInput):
    model_config = ConfigDict(json_schema_extra={"examples": [{"email": "ann@example.com",
                                                               "role": "annotator"}]})
    email: str = Field(max_length=320)
    role: Role

    @field_validator("email")
    @classmethod
    def _lower(cls, value: str) -> str:
        return value.strip().lower()


class MemberUpdate(StrictInput):
    role: Role


class MemberRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    id: int
    user_id: int
    email: str
    name: str
    role: Role
    created_at: datetime
