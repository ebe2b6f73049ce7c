"""Results for the dashboard, the API, the CLI and chat: aggregates only, each cell k-protected.

Every number comes from one GROUP BY over the answers (wave, dimension, question, group, value);
Python only turns those counts into means and shares and decides what may be shown.

    await wave_results(session, wave_id, k=..., templates=..., language="en") -> WaveResults
    await trend(session, template_id, k=..., templates=..., campaign_id=None) -> list[TrendPoint]
    await compare(session, before_id, after_id, k=..., templates=...) -> list[Comparison]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.runtime.errors import UserFacingError
from bot.surveys.anonymity import comments_allowed, visible_groups
from bot.surveys.figures import COMPLEMENT, DIMENSIONS, SMALL, Cell, index_counts, question_cells
from bot.surveys.templates import Template
from storage.models import SurveyWave
from storage.repositories.surveys import SurveyRepository


@dataclass(frozen=True, slots=True)
class QuestionResult:
    question_id: str
    type: str
    text: str
    overall: Cell
    breakdowns: dict[str, list[Cell]]
    comments: list[str] | None = None  # shuffled; None when not allowed or not a text question
    labels: dict[str, str] = field(default_factory=dict)  # option id -> label in the reader's language

    def label(self, option_id: str) -> str:
        return self.labels.get(option_id, option_id)


@dataclass(frozen=True, slots=True)
class Turnout:
    group: str
    invited: int | None
    responded: int | None
    suppressed: bool = False
    hidden: str = ""  # why suppressed, as for a Cell

    @property
    def rate(self) -> float | None:
        if self.suppressed or not self.invited or self.responded is None:
            return None
        return self.responded / self.invited


@dataclass(frozen=True, slots=True)
class WaveResults:
    wave_id: int
    template_id: str
    title: str
    status: str
    anonymous: bool
    campaign_id: int | None
    opens_at: datetime
    closes_at: datetime
    k: int
    turnout: Turnout
    turnout_by: dict[str, list[Turnout]]
    questions: list[QuestionResult]
    export_comments: bool
    # final (closed), live (open, snapshots that change only by k answers), turnout (open: no figures)
    figures: str = "final"
    unreachable: int = 0  # in the audience, but Stafet had no way to write to them: not in turnout


@dataclass(frozen=True, slots=True)
class TrendPoint:
    wave_id: int
    opens_at: datetime
    campaign_id: int | None
    questions: dict[str, Cell]


@dataclass(frozen=True, slots=True)
class Comparison:
    question_id: str
    before: Cell
    after: Cell

    @property
    def mean_change(self) -> float | None:
        if self.before.mean is None or self.after.mean is None:
            return None
        return self.after.mean - self.before.mean

    @property
    def favourable_change(self) -> float | None:
        if self.before.favourable is None or self.after.favourable is None:
            return None
        return self.after.favourable - self.before.favourable


async def wave_results(
    session: AsyncSession, wave_id: int, *, k: int, templates: dict[str, Template], language: str = "en"
) -> WaveResults:
    """Everything about one wave HR may see. While it is open: turnout only, or with live results
    the latest snapshots (comments still wait for the close)."""
    repo = SurveyRepository(session)
    wave = await repo.wave(wave_id)
    if wave is None:
        raise UserFacingError("surveys.error.no_wave", wave=wave_id)
    if wave.status not in ("open", "closed"):
        raise UserFacingError("surveys.error.results_after_close")
    figures = "final" if wave.status == "closed" else "live" if wave.live_results else "turnout"
    template = _template(templates, wave)
    counts = index_counts(await repo.value_counts([wave])) if figures != "turnout" else {}
    questions = []
    for question in template.questions if figures != "turnout" else ():
        overall, breakdowns = question_cells(counts, wave.id, question, k)
        comments = None
        if figures == "final" and question.type == "text" and comments_allowed(overall.n or 0, k):
            comments = await repo.comments(wave.id, question.id)
        text = question.text.get(language) or question.text["en"]
        labels = {o.id: o.label.get(language) or o.label["en"] for o in question.options}
        questions.append(
            QuestionResult(question.id, question.type, text, overall, breakdowns, comments, labels)
        )
    cells = await (repo.stored_turnout if wave.status == "closed" else repo.live_turnout)(wave.id)
    invited, responded = cells["all"].get("", (0, 0))
    turnout_by = {}
    for dimension in DIMENSIONS:
        shown = visible_groups({g or None: r for g, (_, r) in cells[dimension].items()}, responded, k)
        turnout_by[dimension] = [
            Turnout(g, i, r) if g in shown else Turnout(g, None, None, True, _reason(g, r, k))
            for g, (i, r) in sorted(cells[dimension].items())
        ]
    title = template.title.get(language) or template.title["en"]
    return WaveResults(
        wave.id, wave.template_id, title, wave.status, wave.anonymous, wave.campaign_id, wave.opens_at,
        wave.closes_at, k, Turnout("", invited, responded, suppressed=invited < k), turnout_by, questions,
        wave.export_comments, figures, cells["unreachable"].get("", (0, 0))[0],
    )  # fmt: skip


async def trend(
    session: AsyncSession,
    template_id: str,
    *,
    k: int,
    templates: dict[str, Template],
    campaign_id: int | None = None,
) -> list[TrendPoint]:
    """Overall figures per question for each closed wave of a template (or of one campaign)."""
    repo = SurveyRepository(session)
    waves = [
        w
        for w in await repo.waves(status="closed")
        if w.template_id == template_id and (campaign_id is None or w.campaign_id == campaign_id)
    ]
    if not waves:
        return []
    template = _template(templates, waves[0])
    counts = index_counts(await repo.value_counts(waves))
    return [
        TrendPoint(
            w.id,
            w.opens_at,
            w.campaign_id,
            {q.id: question_cells(counts, w.id, q, k)[0] for q in template.questions},
        )
        for w in waves
    ]


async def compare(
    session: AsyncSession, before_id: int, after_id: int, *, k: int, templates: dict[str, Template]
) -> list[Comparison]:
    """Question by question, before and after (e.g. a campaign's pulses); changes need both sides."""
    repo = SurveyRepository(session)
    before, after = await repo.wave(before_id), await repo.wave(after_id)
    if before is None or after is None:
        raise UserFacingError("surveys.error.no_wave", wave=before_id if before is None else after_id)
    if before.template_id != after.template_id:
        raise UserFacingError("surveys.error.different_templates")
    for wave in (before, after):
        if wave.status != "closed" and not (wave.status == "open" and wave.live_results):
            raise UserFacingError("surveys.error.results_after_close")
    template = _template(templates, before)
    counts = index_counts(await repo.value_counts([before, after]))
    return [
        Comparison(
            q.id, question_cells(counts, before.id, q, k)[0], question_cells(counts, after.id, q, k)[0]
        )
        for q in template.questions
        if q.type != "text"
    ]


def _reason(group: str, responded: int, k: int) -> str:
    return COMPLEMENT if group and responded >= k else SMALL


def _template(templates: dict[str, Template], wave: SurveyWave) -> Template:
    template = templates.get(wave.template_id)
    if template is None:
        raise UserFacingError("surveys.error.no_template", template=wave.template_id)
    return template
