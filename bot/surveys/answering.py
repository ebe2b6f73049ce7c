"""Answering a wave: one question at a time, change an answer until close, skip anything."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import Clock
from bot.runtime.errors import UserFacingError
from bot.surveys import buffer
from bot.surveys.anonymity import respondent_token
from bot.surveys.buffer import Entry
from bot.surveys.templates import Question, Template
from storage.database import Database
from storage.models import SurveyParticipation, SurveyWave
from storage.repositories.surveys import SurveyRepository

MAX_COMMENT = 2000


@dataclass(frozen=True, slots=True)
class Step:
    """Where a person is in a wave: the next question (with its number), or done."""

    wave: SurveyWave
    template: Template
    question: Question | None
    number: int
    total: int


class AnsweringService:
    """Answers go through the sealed buffer in a transaction of their own (`db`), while this
    turn's `session` only moves the person's place in the wave."""

    def __init__(
        self,
        session: AsyncSession,
        clock: Clock,
        templates: dict[str, Template],
        pepper: str,
        *,
        db: Database,
        k: int,
    ) -> None:
        self.repo = SurveyRepository(session)
        self.clock = clock
        self.templates = templates
        self.pepper = pepper
        self.db = db
        self.k = k

    async def step(self, wave_id: int, person_id: int, *, restart: bool = False) -> Step:
        wave, participation, template = await self._open(wave_id, person_id)
        if restart:
            participation.position = 0
        return self._step(wave, participation, template)

    async def answer(self, wave_id: int, person_id: int, question_id: str, raw: str) -> Step:
        """Record (or replace) an answer; `raw` is a scale point, option id(s) or free text."""
        wave, participation, template = await self._open(wave_id, person_id)
        question = self._asked(participation, template, question_id)
        value, comment = _parse(question, raw)
        await self._buffer(wave, participation, question, value, comment)
        if value is not None or comment:
            participation.answered = True
        return self._advance(wave, participation, template, question_id)

    async def skip(self, wave_id: int, person_id: int, question_id: str) -> Step:
        """Skipping withdraws an earlier answer to the question, if there was one."""
        wave, participation, template = await self._open(wave_id, person_id)
        question = self._asked(participation, template, question_id)
        await self._buffer(wave, participation, question, None, None)
        return self._advance(wave, participation, template, question_id)

    async def _buffer(
        self,
        wave: SurveyWave,
        participation: SurveyParticipation,
        question: Question,
        value: int | None,
        comment: str | None,
    ) -> None:
        now = self.clock.now()
        entry = Entry(
            token=respondent_token(wave.token_key, self.pepper, wave.id, participation.person_id),
            question_id=question.id,
            department=participation.department,
            role=participation.role,
            value=value,
            comment=comment,
            day=now.date().isoformat(),
            text=question.type == "text",
            at=now.isoformat(),
        )
        async with self.db.unit_of_work() as session:
            await buffer.record(session, wave.id, self.pepper, self.k, entry)

    def _advance(
        self, wave: SurveyWave, participation: SurveyParticipation, template: Template, question_id: str
    ) -> Step:
        participation.responded = True
        participation.position = max(participation.position, participation.questions.index(question_id) + 1)
        return self._step(wave, participation, template)

    async def _open(self, wave_id: int, person_id: int) -> tuple[SurveyWave, SurveyParticipation, Template]:
        wave = await self.repo.wave(wave_id)
        participation = await self.repo.participation(wave_id, person_id)
        if wave is not None and (wave.status == "closed" or wave.closes_at <= self.clock.now()):
            raise UserFacingError("surveys.error.closed")
        if wave is None or participation is None or wave.status != "open":
            raise UserFacingError("surveys.error.not_invited")
        template = self.templates.get(wave.template_id)
        if template is None:
            raise UserFacingError("surveys.error.closed")
        return wave, participation, template

    @staticmethod
    def _asked(participation: SurveyParticipation, template: Template, question_id: str) -> Question:
        question = template.question(question_id)
        if question is None or question_id not in participation.questions:
            raise UserFacingError("surveys.error.unknown_question")
        return question

    @staticmethod
    def _step(wave: SurveyWave, participation: SurveyParticipation, template: Template) -> Step:
        total = len(participation.questions)
        if participation.position >= total:
            return Step(wave, template, None, total, total)
        question = template.question(participation.questions[participation.position])
        return Step(wave, template, question, participation.position + 1, total)


def _parse(question: Question, raw: str) -> tuple[int | None, str | None]:
    raw = raw.strip()
    if question.type == "text":
        return None, raw[:MAX_COMMENT] or None
    if question.scale is not None:
        low, high = question.scale
        if not raw.lstrip("-").isdigit() or not low <= int(raw) <= high:
            raise UserFacingError("surveys.error.invalid_answer")
        return int(raw), None
    ids = [o.id for o in question.options]
    picked = [p.strip() for p in raw.split(",") if p.strip()]
    if not picked or any(p not in ids for p in picked) or (question.type == "single" and len(picked) > 1):
        raise UserFacingError("surveys.error.invalid_answer")
    if question.type == "single":
        return ids.index(picked[0]), None
    return sum(1 << ids.index(p) for p in set(picked)), None
