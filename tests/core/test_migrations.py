"""Migrations build exactly the models' schema from empty, and step back down cleanly."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, text

from backend.config import Settings
from backend.core.db import make_engine
from backend.migrations.runner import current_revision, downgrade, head_revision, upgrade
from backend.models_registry import Base


@pytest.fixture
def empty_engine(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A brand-new empty database of the kind under test."""
    if settings.is_sqlite:
        eng = make_engine(settings.model_copy(update={"data_dir": tmp_path_factory.mktemp("empty"),
                                                      "database_url": None}))
        yield eng
        eng.dispose()
        return
    name = f"gw_mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(settings.resolved_database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = settings.resolved_database_url.rsplit("/", 1)[0] + f"/{name}"
    eng = make_engine(settings.model_copy(update={"database_url": url}))
    yield eng
    eng.dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE "{name}"'))
    admin.dispose()


def test_upgrade_from_empty_matches_the_models(empty_engine: Engine) -> None:
    assert current_revision(empty_engine) is None
    upgrade(empty_engine)
    assert current_revision(empty_engine) == head_revision()
    with empty_engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_downgrade_to_base_and_up_again(empty_engine: Engine) -> None:
    upgrade(empty_engine)
    downgrade(empty_engine, "base")
    assert set(inspect(empty_engine).get_table_names()) <= {"alembic_version"}
    upgrade(empty_engine)
    assert "annotation_versions" in inspect(empty_engine).get_table_names()
