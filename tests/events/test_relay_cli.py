"""``groundwork relay --once`` publishes what waits in the outbox to the configured broker."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import CliRunner
from relayhelpers import Broker, Collector, wait_until
from sqlalchemy import Engine, func, select
from typer.main import get_command

from backend.cli.main import app as cli_app
from backend.config import Settings, get_settings
from backend.events.models import Event
from tests.conftest import Actor


def test_relay_once_publishes_the_outbox(broker: Broker, settings: Settings, engine: Engine,
                                         make_user: Callable[..., Actor], tmp_path: Path) -> None:
    owner = make_user("owner@example.com")
    for i in range(3):
        owner.client.post("/api/v1/projects", json={"name": f"P{i}"})
    collector = Collector(broker, broker.queue("cli"), ["project.*"], tmp_path / "dedup.db").start()
    env = {"GROUNDWORK_ENV": "test", "GROUNDWORK_DATABASE_URL": settings.resolved_database_url,
           "GROUNDWORK_DATA_DIR": str(broker.data_dir), "GROUNDWORK_BROKER_URL": broker.url,
           "GROUNDWORK_EVENTS_EXCHANGE": broker.exchange, "GROUNDWORK_SECRET_KEY": settings.secret_key}
    try:
        result = CliRunner().invoke(get_command(cli_app), ["relay", "--once"], env=env, catch_exceptions=False)
        get_settings.cache_clear()
        assert result.exit_code == 0, result.output
        assert "relayed 3 events" in result.output
        wait_until(lambda: len(collector.ids()) == 3, what="the three project.created events")
    finally:
        collector.close()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).where(Event.published_at.is_(None))).scalar() == 0
