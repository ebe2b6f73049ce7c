"""Chat handlers for surveys (thin: the services decide), plus home section, jobs and composers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import AppContext
from bot.delivery.compose import Composer
from bot.home import HomeSection
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from bot.scheduler import RecurringJob
from bot.surveys import jobs
from bot.surveys.answering import AnsweringService, Step
from bot.surveys.chat import closes_text, parse_answer, parse_ref, step_reply, templates_in
from bot.surveys.results import wave_results
from bot.surveys.summary import summary_reply
from storage.models import Person
from storage.repositories.surveys import SurveyRepository

HR_ROLES = ("hr", "admin")


def register(router: Router) -> None:
    router.command("survey", show_surveys, help_key="help.command.survey")
    router.command("survey_results", show_results, help_key=None)
    # Private: the transcript and the clicked message say that an answer was recorded, not which,
    # and keep no line of the person's own that would outlive the wave as a sign they took part.
    router.action("surveys.start", start, private=True)
    router.action("surveys.restart", restart, private=True)
    router.action("surveys.answer", answer, private=True)
    router.action("surveys.skip", skip, private=True)
    router.action("surveys.comment", comment, private=True)


def _service(turn: Turn) -> AnsweringService:
    return answering(turn.session, turn.app)


def answering(session: AsyncSession, app: AppContext) -> AnsweringService:
    settings = app.settings
    return AnsweringService(
        session,
        app.clock,
        templates_in(settings.content_dir),
        settings.survey_secret,
        db=app.db,
        k=settings.min_group_size,
    )


def _zone(app: AppContext, person: Person) -> ZoneInfo:
    return ZoneInfo(person.timezone) if person.timezone else app.settings.zone


def _reply(turn: Turn, step: Step) -> Reply:
    return step_reply(
        turn.t, turn.language, step, turn.app.settings.min_group_size, _zone(turn.app, turn.person)
    )


async def show_surveys(turn: Turn) -> Reply:
    """The first unfinished open survey, or a way to change answers to finished ones."""
    open_waves = await SurveyRepository(turn.session).open_participations(turn.person.id)
    for wave, participation in open_waves:
        if participation.position < len(participation.questions):
            return _reply(turn, await _service(turn).step(wave.id, turn.person.id))
    if not open_waves:
        return Reply(text=turn.t("surveys.none_open"))
    buttons = tuple(Button(turn.t("surveys.change"), "surveys.restart", str(w.id)) for w, _ in open_waves)
    return Reply(text=turn.t("surveys.all_done", count=len(open_waves)), buttons=buttons[:5])


async def start(turn: Turn) -> Reply:
    return _reply(turn, await _service(turn).step(_wave_id(turn.event.value), turn.person.id))


async def restart(turn: Turn) -> Reply:
    return _reply(turn, await _service(turn).step(_wave_id(turn.event.value), turn.person.id, restart=True))


async def answer(turn: Turn) -> Reply:
    try:
        wave_id, question_id, raw = parse_answer(turn.event.value)
    except ValueError:
        raise UserFacingError("error.expired") from None
    return _reply(turn, await _service(turn).answer(wave_id, turn.person.id, question_id, raw))


async def skip(turn: Turn) -> Reply:
    wave_id, question_id = _ref(turn.event.value)
    return _reply(turn, await _service(turn).skip(wave_id, turn.person.id, question_id))


async def comment(turn: Turn) -> Reply:
    wave_id, question_id = _ref(turn.event.value)
    text = turn.event.fields.get("comment", "")
    return _reply(turn, await _service(turn).answer(wave_id, turn.person.id, question_id, text))


async def show_results(turn: Turn) -> Reply:
    """A short summary of a wave for HR: `survey-results 12`, or the latest closed wave."""
    if turn.person.role not in HR_ROLES:
        raise UserFacingError("surveys.error.hr_only")
    repo = SurveyRepository(turn.session)
    if turn.args.strip().isdigit():
        wave_id = int(turn.args.strip())
    else:
        closed = await repo.waves(status="closed")
        if not closed:
            return Reply(text=turn.t("surveys.no_results"))
        wave_id = max(closed, key=lambda w: w.closes_at).id
    settings = turn.app.settings
    results = await wave_results(
        turn.session,
        wave_id,
        k=settings.min_group_size,
        templates=templates_in(settings.content_dir),
        language=turn.language,
    )
    return summary_reply(turn.t, results)


async def home_section(turn: Turn) -> Reply | None:
    pending = [
        (wave, p)
        for wave, p in await SurveyRepository(turn.session).open_participations(turn.person.id)
        if p.position < len(p.questions)
    ]
    if not pending:
        return None
    wave = pending[0][0]
    closes = closes_text(wave.closes_at, _zone(turn.app, turn.person))
    return Reply(
        title=turn.t("surveys.home.title"),
        text=turn.t("surveys.home.pending", count=len(pending), closes=closes),
        buttons=(Button(turn.t("surveys.answer_now"), "surveys.start", str(wave.id)),),
    )


async def compose_question(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    """The invitation with the first question, unless the person has already started or it closed."""
    return await _compose(session, person, payload, app, "surveys.invite")


async def compose_reminder(
    session: AsyncSession, person: Person, payload: dict[str, Any], now: datetime, app: AppContext
) -> Reply | None:
    return await _compose(session, person, payload, app, "surveys.reminder")


async def _compose(
    session: AsyncSession, person: Person, payload: dict[str, Any], app: AppContext, key: str
) -> Reply | None:
    wave_id = int(payload["wave_id"])
    participation = await SurveyRepository(session).participation(wave_id, person.id)
    if participation is None or participation.responded:
        return None
    try:
        step = await answering(session, app).step(wave_id, person.id)
    except UserFacingError:
        return None
    language = person.language or app.settings.default_language

    def t(message: str, /, **params: object) -> str:
        return app.catalogue.text(language, message, **params)

    closes = closes_text(step.wave.closes_at, _zone(app, person))
    return step_reply(
        t, language, step, app.settings.min_group_size, _zone(app, person), intro=t(key, closes=closes)
    )


def _wave_id(value: str) -> int:
    if not value.isdigit():
        raise UserFacingError("error.expired")
    return int(value)


def _ref(value: str) -> tuple[int, str]:
    try:
        return parse_ref(value)
    except ValueError:
        raise UserFacingError("error.expired") from None


HOME: list[HomeSection] = [home_section]
JOBS: list[RecurringJob] = jobs.JOBS
COMPOSERS: dict[str, Composer] = {"survey.question": compose_question, "survey.reminder": compose_reminder}
