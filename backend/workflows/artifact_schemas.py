"""Bodies for step artifacts: files a step produced (reports, metrics), kept beside the run."""

from __future__ import annotations

import re
from datetime import datetime

from pydantic import BaseModel, Field

# Names are plain file names: shown in the UI and used in download headers.
ARTIFACT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,199}$")


class ArtifactRead(BaseModel):
    id: int
    run_id: int
    step_key: str
    name: str = Field(description="a file name, e.g. report.html")
    media_type: str
    size_bytes: int
    sha256: str
    created_at: datetime
    content_url: str = Field(description="where project members download it")
