"""Survey waves as HR sees them: participation per wave, k-protected results, trends and CSV."""

from __future__ import annotations

import io
from dataclasses import asdict, dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.people.audience import Audience
from bot.surveys import waves
from bot.surveys.export import SafeWriter
from bot.surveys.figures import COMPLEMENT
from bot.surveys.results import Cell, QuestionResult, WaveResults, trend
from bot.surveys.templates import Template
from storage.models import SurveyWave
from storage.repositories.surveys import SurveyRepository


class WaveIn(BaseModel):
    """A wave to plan: a template, an audience (departments, or everyone) and its open days."""

    template_id: str = Field(min_length=1, max_length=100)
    departments: list[str] = Field(default_factory=list, max_length=200)
    opens_on: date
    closes_on: date


async def schedule_wave(
    session: AsyncSession,
    clock: Clock,
    wave: WaveIn,
    templates: dict[str, Template],
    zone: ZoneInfo,
    k: int,
) -> int:
    """Opens at 09:00 and closes at 16:00 local time on the given days (the organisation's zone);
    an audience of fewer than k imported or verified people is refused."""
    if wave.template_id not in templates:
        raise ValueError(f"unknown survey template {wave.template_id!r}")
    audience = Audience(everyone=not wave.departments, departments=tuple(wave.departments))
    return await waves.schedule_wave(
        session,
        clock,
        template_id=wave.template_id,
        audience=audience,
        opens_at=datetime.combine(wave.opens_on, time(9), zone),
        closes_at=datetime.combine(wave.closes_on, time(16), zone),
        min_audience=k,
    )


@dataclass(frozen=True, slots=True)
class WaveSummary:
    id: int
    template_id: str
    title: str
    status: str
    opens_at: str
    closes_at: str
    campaign_id: int | None
    invited: int | None  # None while fewer than k were invited
    responded: int | None
    participation: float | None


async def wave_summaries(
    session: AsyncSession, waves: list[SurveyWave], templates: dict[str, Template], k: int, language: str
) -> list[WaveSummary]:
    repo = SurveyRepository(session)
    found = []
    for wave in waves:
        cells = await (repo.stored_turnout if wave.status == "closed" else repo.live_turnout)(wave.id)
        invited, responded = cells["all"].get("", (0, 0))
        hidden = invited < k
        template = templates.get(wave.template_id)
        title = (
            (template.title.get(language) or template.title.get("en", wave.template_id)) if template else ""
        )
        found.append(
            WaveSummary(
                wave.id,
                wave.template_id,
                title or wave.template_id,
                wave.status,
                wave.opens_at.isoformat(),
                wave.closes_at.isoformat(),
                wave.campaign_id,
                None if hidden else invited,
                None if hidden else responded,
                None if hidden or not invited else round(responded / invited, 3),
            )
        )
    return found


def results_json(results: WaveResults) -> dict[str, Any]:
    data = asdict(results)
    data["opens_at"], data["closes_at"] = results.opens_at.isoformat(), results.closes_at.isoformat()
    data["turnout"]["rate"] = results.turnout.rate
    return data


async def trend_json(
    session: AsyncSession,
    template_id: str,
    templates: dict[str, Template],
    k: int,
    campaign_id: int | None = None,
) -> list[dict[str, Any]]:
    points = await trend(session, template_id, k=k, templates=templates, campaign_id=campaign_id)
    return [
        {
            "wave_id": p.wave_id,
            "opens_at": p.opens_at.isoformat(),
            "questions": {
                q: {"n": c.n, "suppressed": c.suppressed, "mean": c.mean} for q, c in p.questions.items()
            },
        }
        for p in points
    ]


def _row(question: QuestionResult, dimension: str, cell: Cell, k: int, words: CsvWords) -> list[Any]:
    """One group's figures; a choice's options by their labels in the reader's language."""
    group = cell.group if cell.group or dimension == "all" else words.others
    if cell.suppressed:
        hidden = words.complement if cell.hidden == COMPLEMENT else words.small
        return [question.question_id, question.text, dimension, group, hidden, "", "", "", ""]
    distribution = "; ".join(f"{question.label(value)}={count}" for value, count in cell.distribution.items())
    return [
        question.question_id,
        question.text,
        dimension,
        group,
        cell.n,
        cell.mean,
        cell.favourable,
        cell.enps,
        distribution,
    ]


@dataclass(frozen=True, slots=True)
class CsvWords:
    """How a hidden figure and the group of people without a (big enough) group read in the CSV."""

    small: str
    complement: str
    others: str


def results_csv(results: WaveResults, words: CsvWords | None = None) -> str:
    """Aggregates only (no answers, no comments): one line per question and group."""
    words = words or CsvWords(
        f"fewer than {results.k}",
        "hidden so the other group cannot be worked out",
        f"others: no department, or a group smaller than {results.k}",
    )
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(
        ["question", "text", "dimension", "group", "n", "mean", "favourable", "enps", "distribution"]
    )
    for question in results.questions:
        if question.type == "text":
            continue
        writer.writerow(_row(question, "all", question.overall, results.k, words))
        for dimension, cells in question.breakdowns.items():
            for cell in cells:
                writer.writerow(_row(question, dimension, cell, results.k, words))
    return out.getvalue()
