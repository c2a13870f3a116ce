"""Datasets: named, many-to-many groupings of a project's files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from backend.core.models import Base, TimestampedModel
from backend.core.types import BigId, UTCDateTime, utcnow


class Dataset(TimestampedModel):
    __tablename__ = "datasets"
    __table_args__ = (UniqueConstraint("project_id", "name"),)

    project_id: Mapped[int] = mapped_column(BigId, ForeignKey("projects.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")


class DatasetFile(Base):
    """Membership of one file in one dataset."""

    __tablename__ = "dataset_files"

    dataset_id: Mapped[int] = mapped_column(BigId, ForeignKey("datasets.id", ondelete="CASCADE"),
                                            primary_key=True)
    file_id: Mapped[int] = mapped_column(BigId, ForeignKey("files.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
