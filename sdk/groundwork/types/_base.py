"""Base of every model the API returns: unknown fields are kept, so a newer server never breaks an older SDK."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class APIModel(BaseModel):
    """A server object; ``model_extra`` holds fields this SDK version does not know yet."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)
