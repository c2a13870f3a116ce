"""Import jobs and the rows each one rejected."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base
from backend.core.types import BigId, JsonDoc
from backend.jobs.models import BackgroundJob


class ImportJob(BackgroundJob):
    """One import: the uploaded file, how to read it, and how far it got.

    ``rows_done`` is the resume point: the number of source rows whose outcome (written or
    rejected) is committed. It moves in the same transaction as the rows it covers.
    """

    __tablename__ = "import_jobs"

    format: Mapped[str] = mapped_column(String(16))
    schema_id: Mapped[int] = mapped_column(BigId, ForeignKey("label_schemas.id", ondelete="CASCADE"))
    options: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)
    source_name: Mapped[str] = mapped_column(String(500))
    upload_dir: Mapped[str] = mapped_column(String(500))  # under the data directory; removed once done
    rows_done: Mapped[int] = mapped_column(Integer, default=0)
    counts: Mapped[dict[str, Any]] = mapped_column(JsonDoc, default=dict)


class ImportRejection(Base):
    """A source row that was not imported, and why."""

    __tablename__ = "import_rejections"

    job_id: Mapped[int] = mapped_column(BigId, ForeignKey("import_jobs.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True)  # the row's position in the source
    row: Mapped[str] = mapped_column(String(300))  # where, in the source's terms: "annotations[12]", "line 7"
    reason: Mapped[str] = mapped_column(String(1000))
