"""The block catalogue: what the workflow service can run, as it registered it."""

from __future__ import annotations

from sqlalchemy.orm import Session

from backend.core.errors import FieldError, ValidationFailed
from backend.core.types import utcnow
from backend.workflows import repository
from backend.workflows.models import BlockCatalogueEntry
from backend.workflows.schemas import BlockCatalogueUpdate, BlockRead


def list_blocks(session: Session) -> list[BlockRead]:
    """Every block, sorted by slug (those whose plugin failed to load included, with the error)."""
    return [BlockRead.model_validate(b) for b in repository.blocks(session)]


def register(session: Session, data: BlockCatalogueUpdate) -> list[BlockRead]:
    """Upsert each entry by slug; with ``replace``, also drop every slug not listed."""
    slugs = [b.slug for b in data.blocks]
    seen: set[str] = set()
    repeated: list[FieldError] = []
    for i, slug in enumerate(slugs):
        if slug in seen:
            repeated.append(FieldError(field=f"body.blocks.{i}.slug", message=f"block {slug!r} is listed twice"))
        seen.add(slug)
    if repeated:
        raise ValidationFailed(repeated[0].message, fields=repeated)
    existing = repository.blocks_by_slug(session, slugs)
    now = utcnow()
    for block in data.blocks:
        values = block.model_dump(mode="json")
        entry = existing.get(block.slug)
        if entry is None:
            session.add(BlockCatalogueEntry(**values, updated_at=now))
            continue
        for name, value in values.items():
            setattr(entry, name, value)
        entry.updated_at = now
    if data.replace:
        repository.delete_blocks_except(session, slugs)
    session.flush()
    return list_blocks(session)
