"""Time a full survey results page (every question, department and role breakdowns, turnout,
k suppression) over 1,000,000 answers from 100,000 people in 200 departments.

Usage: python bench/survey_results.py --db sqlite|postgresql  (PostgreSQL: STAFET_TEST_POSTGRES_URL;
a throwaway database is created next to it and dropped afterwards).

Last line, one JSON object: `seconds` (median time of the results page of the closed wave, read
from the cells its close aggregated), `first_seconds` (the first run), `compare_seconds` (two waves
compared), `close_aggregate_seconds` (the one GROUP BY over every answer that closing runs),
`live_group_by_seconds` (the same GROUP BY over one wave's answers, as a live snapshot runs it), `answers`,
`answer_rows` (each answer is stored once per dimension), `people`, `departments`, `load_seconds`,
`peak_rss_mb`, `db`, `shown_cells`, `suppressed_cells`.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import Engine, make_url  # noqa: E402

from bot.surveys import results  # noqa: E402
from bot.surveys.templates import Question, Template  # noqa: E402
from storage import migrate  # noqa: E402
from storage.database import Database, configure_sqlite, sync_url  # noqa: E402
from storage.models import Person, SurveyAnswer, SurveyTurnout, SurveyWave  # noqa: E402
from storage.repositories.surveys import SurveyRepository  # noqa: E402

QUESTIONS = 10
K = 5
ROLES = ["employee"] * 90 + ["leader"] * 8 + ["ambassador"] * 2
CHUNK = 50_000
TINY = 5


def template() -> Template:
    def loc(text: str) -> dict[str, str]:
        return {"da": text, "en": text, "nb": text}

    questions = tuple(
        Question(id=f"q{i}", type="likert", text=loc(f"Statement {i}")) for i in range(QUESTIONS)
    )
    return Template(id="bench", title=loc("Bench"), intro=loc("Bench"), questions=questions)


def people_rows(count: int, departments: int, rng: random.Random) -> list[dict[str, object]]:
    """Departments of very different sizes, including a few below k to exercise suppression."""
    names = [f"dept-{d:03d}" for d in range(departments)]
    tiny = names[-TINY:]  # two people each: below k, so they must never show
    weights = [rng.paretovariate(1.2) for _ in names[:-TINY]]
    picked = rng.choices(names[:-TINY], weights=weights, k=count - 2 * TINY) + [t for t in tiny for _ in "ab"]
    now = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        {"email": f"p{i}@bench.example", "display_name": f"P{i}", "department": picked[i],
         "role": rng.choice(ROLES), "language": "en", "is_ambassador": False, "created_at": now}
        for i in range(count)
    ]  # fmt: skip


def answer_rows(people: list[dict[str, object]], waves: list[int], stored, rng: random.Random):  # type: ignore[no-untyped-def]
    batch: list[dict[str, object]] = []
    for wave_id in waves:
        for person in people:
            bias = rng.random()
            for q in range(QUESTIONS):
                value = min(5, max(1, round(1 + 4 * bias + rng.gauss(0, 0.8))))
                common = {"wave_id": wave_id, "question_id": f"q{q}", "value": value, "comment": None}
                batch.append(
                    {
                        **common,
                        "id": rng.getrandbits(62) + 1,
                        "dimension": "department",
                        "grp": person["department"],
                        "respondent": None,
                        "answered_on": date(2026, 3, 2),
                    }
                )
                role = stored["role"][person["role"]]
                batch.append({**common, "id": rng.getrandbits(62) + 1, "dimension": "role", "grp": role,
                              "respondent": None, "answered_on": None})  # fmt: skip
                if len(batch) >= CHUNK:
                    yield batch
                    batch = []
    if batch:
        yield batch


def load(engine: Engine, people_count: int, departments: int, answers: int, rng: random.Random) -> list[int]:
    people = people_rows(people_count, departments, rng)
    opens = datetime(2026, 3, 2, 8, tzinfo=UTC)
    wave_count = max(1, answers // (people_count * QUESTIONS))
    with engine.begin() as connection:
        connection.execute(insert(Person), people)
        waves = []
        for w in range(wave_count):
            row = {"template_id": "bench", "audience": {"everyone": True},
                   "opens_at": opens + timedelta(days=30 * w),
                   "closes_at": opens + timedelta(days=30 * w + 7),
                   "anonymous": True, "live_results": False, "export_comments": True, "status": "closed",
                   "created_at": opens}  # fmt: skip
            waves.append(connection.execute(insert(SurveyWave).returning(SurveyWave.id), row).scalar_one())
        stored = _stored_groups(people)
        for wave_id in waves:
            turnout: dict[tuple[str, str], int] = {("all", ""): len(people)}
            for person in people:
                for dimension in ("department", "role"):
                    cell = (dimension, stored[dimension][str(person[dimension])] or "")
                    turnout[cell] = turnout.get(cell, 0) + 1
            rows = [{"wave_id": wave_id, "dimension": d, "grp": g, "invited": n, "responded": n}
                    for (d, g), n in turnout.items()]  # fmt: skip
            connection.execute(insert(SurveyTurnout), rows)
        for batch in answer_rows(people, waves, stored, rng):
            if engine.dialect.name == "postgresql":
                _copy(connection, batch)
            else:
                connection.execute(insert(SurveyAnswer), batch)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    return waves


def _stored_groups(people: list[dict[str, object]]) -> dict[str, dict[str, str | None]]:
    """As a wave stores them: a department or role smaller than k becomes no group at all."""
    stored: dict[str, dict[str, str | None]] = {}
    for dimension in ("department", "role"):
        counts: dict[str, int] = {}
        for person in people:
            counts[str(person[dimension])] = counts.get(str(person[dimension]), 0) + 1
        stored[dimension] = {g: (g if n >= K else None) for g, n in counts.items()}
    return stored


def _copy(connection, batch: list[dict[str, object]]) -> None:  # type: ignore[no-untyped-def]
    columns = [
        "id",
        "wave_id",
        "question_id",
        "dimension",
        "grp",
        "value",
        "comment",
        "respondent",
        "answered_on",
    ]
    raw = connection.connection.driver_connection
    with raw.cursor().copy(f"COPY survey_answers ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for row in batch:
            buffer.write("\t".join("\\N" if row[c] is None else str(row[c]) for c in columns) + "\n")
        copy.write(buffer.getvalue())


@contextmanager
def database(kind: str):  # type: ignore[no-untyped-def]
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as directory:
            yield f"sqlite:///{directory}/bench.db"
        return
    base = os.environ.get("STAFET_TEST_POSTGRES_URL")
    if not base:
        sys.exit("set STAFET_TEST_POSTGRES_URL for --db postgresql")
    name = f"stafet_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(base).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


async def measure(url: str, waves: list[int], runs: int) -> dict[str, object]:
    """Close-time aggregation once, then the results page (median of `runs`), then the raw GROUP BY."""
    db = Database(url)
    templates = {"bench": template()}
    try:
        started = time.perf_counter()
        async with db.unit_of_work() as session:
            for wave_id in waves:
                await SurveyRepository(session).aggregate(wave_id)
        aggregate_seconds = time.perf_counter() - started
        timings = []
        for _ in range(runs):
            started = time.perf_counter()
            async with db.unit_of_work() as session:
                page = await results.wave_results(session, waves[-1], k=K, templates=templates)
            timings.append(time.perf_counter() - started)
        started = time.perf_counter()
        async with db.unit_of_work() as session:
            await results.compare(session, waves[0], waves[-1], k=K, templates=templates)
        compare_seconds = time.perf_counter() - started
        started = time.perf_counter()
        async with db.unit_of_work() as session:
            await SurveyRepository(session).answer_counts(waves)
        live_seconds = time.perf_counter() - started
    finally:
        await db.dispose()
    cells = [c for q in page.questions for cs in q.breakdowns.values() for c in cs]
    return {
        "seconds": round(statistics.median(timings), 3),
        "first_seconds": round(timings[0], 3),
        "compare_seconds": round(compare_seconds, 3),
        "close_aggregate_seconds": round(aggregate_seconds, 3),
        "live_group_by_seconds": round(live_seconds, 3),
        "shown_cells": sum(not c.suppressed for c in cells),
        "suppressed_cells": sum(c.suppressed for c in cells),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--departments", type=int, default=200)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(4)
    with database(args.db) as url:
        migrate.upgrade(url)
        engine = create_engine(sync_url(url))
        configure_sqlite(engine)
        started = time.perf_counter()
        waves = load(engine, args.people, args.departments, args.answers, rng)
        load_seconds = time.perf_counter() - started
        engine.dispose()
        measured = asyncio.run(measure(url, waves, args.runs))
    figures = {
        "db": args.db,
        **measured,
        "answers": len(waves) * args.people * QUESTIONS,
        "answer_rows": 2 * len(waves) * args.people * QUESTIONS,
        "people": args.people,
        "departments": args.departments,
        "waves": len(waves),
        "load_seconds": round(load_seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }
    print(json.dumps(figures))


if __name__ == "__main__":
    main()
