"""Real databases for tests: a migrated SQLite file per test, a throwaway PostgreSQL database per run."""

from __future__ import annotations

import os
import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

import storage.models  # noqa: F401
from storage import migrate
from storage.base import Base

POSTGRES_ENV = "STAFET_TEST_POSTGRES_URL"
SKIP_REASON = f"PostgreSQL tests need {POSTGRES_ENV} (set by .ci/run)"
# PostgreSQL refuses to start without a survey secret; every test process (and the `stafet`
# processes tests start) gets this one unless a test sets its own.
TEST_SURVEY_SECRET = "test-survey-secret-not-for-production"


def postgres_base_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


@contextmanager
def throwaway_postgres(base_url: str, prefix: str = "stafet_t") -> Iterator[str]:
    """A new, empty database next to `base_url`, dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(
        make_url(base_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def migrated_database(kind: str) -> Iterator[str]:
    """For benchmarks: a migrated throwaway PostgreSQL database (next to STAFET_TEST_POSTGRES_URL)
    or SQLite file, gone afterwards."""
    if kind == "postgresql":
        with throwaway_postgres(os.environ[POSTGRES_ENV], "stafet_bench") as url:
            migrate.upgrade(url)
            yield url
    else:
        with tempfile.TemporaryDirectory() as directory:
            url = f"sqlite:///{directory}/bench.db"
            migrate.upgrade(url)
            yield url


def migrated_sqlite_template(directory: Path) -> Path:
    path = directory / "template.db"
    migrate.upgrade(f"sqlite:///{path}")
    return path


def fresh_sqlite(template: Path, directory: Path) -> str:
    path = directory / "stafet.db"
    shutil.copyfile(template, path)
    return f"sqlite:///{path}"


def truncate_postgres(url: str) -> None:
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    engine = create_engine(make_url(url).set(drivername="postgresql+psycopg"))
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
