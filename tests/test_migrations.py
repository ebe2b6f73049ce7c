"""Migrations take an empty database to head and back, and the models match the result."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, inspect

import storage.models  # noqa: F401
from storage import migrate
from storage.base import Base
from storage.database import sync_url
from tests.support.databases import SKIP_REASON, postgres_base_url, throwaway_postgres


def _roundtrip(url: str) -> None:
    migrate.upgrade(url)
    assert migrate.is_current(url)
    engine = create_engine(sync_url(url))
    with engine.connect() as connection:
        tables = set(inspect(connection).get_table_names())
        assert {"people", "identities", "conversation_refs", "outbox"} <= tables
        differences = compare_metadata(
            MigrationContext.configure(connection),
            Base.metadata,
        )
        assert differences == [], f"models and migrations differ: {differences}"
    migrate.downgrade(url, "base")
    with engine.connect() as connection:
        assert set(inspect(connection).get_table_names()) <= {"alembic_version"}
    engine.dispose()
    migrate.upgrade(url)
    assert migrate.is_current(url)


def test_sqlite_upgrade_downgrade(tmp_path: Path) -> None:
    _roundtrip(f"sqlite:///{tmp_path / 'm.db'}")


@pytest.mark.postgres
def test_postgresql_upgrade_downgrade() -> None:
    base = postgres_base_url()
    if base is None:
        pytest.skip(SKIP_REASON)
    with throwaway_postgres(base, "stafet_mig") as url:
        _roundtrip(url)


def test_sqlite_connections_use_wal_and_foreign_keys(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    migrate.upgrade(url)
    from storage.database import configure_sqlite

    engine = create_engine(sync_url(url))
    configure_sqlite(engine)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    engine.dispose()
