"""Per-file label counts: what ``labels.NAME > N`` reads instead of counting annotations."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base
from backend.core.types import BigId

ALL_SOURCES = "*"


class FileLabelCount(Base):
    """How many live annotations of one label a file has, from one source.

    ``source`` is ``human``, ``model``, or ``*`` (every source together), so that the common
    ``labels.car > 3`` is a range read of one index with no summing. Maintained in the same
    transaction as every annotation write (backend/query/counts.py); rows may fall to 0.
    """

    __tablename__ = "file_label_counts"
    __table_args__ = (
        # labels.car > 3: one range of (label, source, count), giving file ids in the index itself.
        Index("ix_file_label_counts_lookup", "label_id", "source", "count", "file_id"),
    )

    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("files.id", ondelete="CASCADE"), primary_key=True)
    label_id: Mapped[int] = mapped_column(BigId, ForeignKey("labels.id", ondelete="CASCADE"), primary_key=True)
    source: Mapped[str] = mapped_column(String(8), primary_key=True)
    count: Mapped[int] = mapped_column(Integer, nullable=False)
