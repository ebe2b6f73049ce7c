"""Chat commands and buttons of micro-learning; the rules live in the service."""

from __future__ import annotations

from bot.home import HomeSection
from bot.learning import cards
from bot.learning.define import define
from bot.learning.delivery import COMPOSERS, GROWS, JOBS, PRELOADS
from bot.learning.progress import progress_of
from bot.learning.service import LearningService
from bot.learning.transfer import record_answer
from bot.learning.views import home_section, progress_reply, tracks_reply
from bot.people.typed_dates import typed_day
from bot.runtime.errors import UserFacingError
from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn
from bot.runtime.usertext import said

__all__ = ["COMPOSERS", "GROWS", "HOME", "JOBS", "PRELOADS", "register"]
MAX_DAYS = 90  # the longest leave set in one go
HOME: list[HomeSection] = [home_section]


def register(router: Router) -> None:
    router.command("next", next_item, help_key="help.command.next", menu=True)
    router.command("tracks", show_tracks, help_key="help.command.tracks", menu=True)
    router.command("progress", show_progress, help_key="help.command.progress", menu=True)
    router.command("define", define_term, help_key="help.command.define")
    router.command("away", away, help_key="help.command.away")
    router.command("back", back, help_key="help.command.back")
    router.action("learning.away", set_away)
    router.action("learning.track", choose_track)
    router.action("learning.quiz", take_quiz)
    router.action("learning.answer", answer)
    router.action("learning.confidence", confidence)
    router.action("learning.reflect", reflect)
    router.action("learning.later", later)
    router.action("learning.snooze", snooze)
    router.action("learning.stop", stop_track)
    router.action("learning.resume", resume_track)
    router.action("learning.define", define_term)
    router.action("learning.transfer", transfer)


def _service(turn: Turn) -> LearningService:
    return LearningService(turn.session, turn.app.content, turn.app.settings)


async def next_item(turn: Turn) -> Reply | list[Reply]:
    service = _service(turn)
    tracks = await service.active_tracks(turn.person, None, turn.now())
    if not tracks:
        return [Reply(text=turn.t("learning.next.no_track")), await tracks_reply(turn, service)]
    item = await service.next_item(turn.person, tracks, turn.now())
    if item is None:
        return [Reply(text=turn.t("learning.next.done")), await tracks_reply(turn, service)]
    return cards.item_reply(turn.t, item, cards.showing_of(turn.person.id, turn.now()))


async def show_tracks(turn: Turn) -> Reply:
    return await tracks_reply(turn, _service(turn))


async def choose_track(turn: Turn) -> list[Reply]:
    service = _service(turn)
    track_id = turn.event.value
    await service.set_track(turn.person, track_id, "active", turn.now())
    title = turn.app.content.track_title(track_id, turn.language)
    item = await service.next_item(turn.person, [track_id], turn.now())
    if item is None:
        return [Reply(text=turn.t("learning.track.finished", track=title))]
    showing = cards.showing_of(turn.person.id, turn.now())
    return [
        Reply(text=turn.t("learning.track.started", track=title)),
        cards.item_reply(turn.t, item, showing),
    ]


async def take_quiz(turn: Turn) -> Reply:
    lesson = turn.app.content.lesson(turn.event.value, turn.language)
    if lesson is None:
        raise UserFacingError("learning.unknown_lesson")
    variant = await _service(turn).quiz_variant(turn.person, lesson)
    return cards.quiz_reply(turn.t, lesson, variant, showing=cards.showing_of(turn.person.id, turn.now()))


async def answer(turn: Turn) -> list[Reply]:
    """`value` is `lesson:variant:option`, or several of those joined by commas (a multiple
    choice); a card sent before variants existed says `lesson:option`, which is variant 0."""
    picks = [_pick(part) for part in turn.event.value.split(",") if part]
    asked = {(lesson_id, variant) for lesson_id, variant, _ in picks}
    if len(asked) != 1 or not all(option.isdigit() and variant.isdigit() for _, variant, option in picks):
        raise UserFacingError("learning.unknown_lesson")
    lesson_id, variant = asked.pop()
    service = _service(turn)
    chosen = {int(option) for _, _, option in picks}
    result = await service.answer(turn.person, lesson_id, chosen, turn.now(), variant=int(variant))
    return cards.feedback(turn.t, result, service.calendar(turn.person).zone, turn.language)


def _pick(part: str) -> tuple[str, str, str]:
    """(lesson, variant, option) of one clicked option; anything else fails the digit check."""
    fields = part.split(":")
    if len(fields) == 2:
        return fields[0], "0", fields[1]
    if len(fields) == 3:
        return fields[0], fields[1], fields[2]
    return part, "", ""


async def confidence(turn: Turn) -> Reply:
    """ "How sure were you?" after a quiz answer: `value` is `lesson:sure|unsure|guessed`."""
    lesson_id, _, level = turn.event.value.rpartition(":")
    service = _service(turn)
    result = await service.confidence(turn.person, lesson_id, level, turn.now())
    zone = service.calendar(turn.person).zone
    return cards.confidence_noted(turn.t, result, level, zone, turn.language)


async def transfer(turn: Turn) -> Reply:
    """ "Have you used it in your work?": `value` is `track:answer`."""
    await record_answer(turn.session, turn.person, turn.event.value, turn.now())
    return Reply(text=turn.t("learning.transfer.thanks"))


async def reflect(turn: Turn) -> Reply:
    text = turn.event.fields.get("reflection", "").strip()
    if not text:
        return Reply(text=turn.t("learning.reflect.skipped"))
    await _service(turn).reflect(turn.person, turn.event.value, text)
    return Reply(text=turn.t("learning.reflect.saved"))


async def later(turn: Turn) -> Reply:
    return cards.snooze_choice(turn.t, turn.event.value)


async def snooze(turn: Turn) -> Reply:
    lesson_id, _, when = turn.event.value.rpartition(":")
    service = _service(turn)
    due = await service.snooze(turn.person, lesson_id, when, turn.now())
    zone = service.calendar(turn.person).zone
    return Reply(
        text=turn.t("learning.later.done", when=cards.when_text(due, zone, turn.language, with_time=True))
    )


async def stop_track(turn: Turn) -> Reply:
    track_id = turn.event.value
    await _service(turn).set_track(turn.person, track_id, "stopped", turn.now())
    return cards.stopped(turn.t, track_id, turn.app.content.track_title(track_id, turn.language))


async def resume_track(turn: Turn) -> Reply:
    track_id = turn.event.value
    await _service(turn).set_track(turn.person, track_id, "active", turn.now())
    title = turn.app.content.track_title(track_id, turn.language)
    return Reply(
        text=turn.t("learning.resumed", track=title),
        buttons=(Button(turn.t("menu.next"), "menu", "next", "primary"),),
    )


async def show_progress(turn: Turn) -> Reply:
    service = _service(turn)
    calendar = await service.work_calendar(turn.person)
    progress = await progress_of(service.repo, turn.app.content, turn.person, calendar, turn.now())
    return progress_reply(turn, progress)


async def define_term(turn: Turn) -> Reply:
    query = turn.event.value if turn.event.is_action else turn.args
    if not query.strip():
        return Reply(text=turn.t("learning.define.usage"))
    found = define(turn.app.content.glossary, query, turn.language)
    if found.entry is not None:
        also = ", ".join(found.entry.aliases)
        text = found.entry.definition + (
            f"\n\n_{turn.t('learning.define.also', names=also)}_" if also else ""
        )
        return Reply(title=found.entry.term, text=text)
    buttons = tuple(Button(term, "learning.define", term) for term in found.suggestions)
    key = "learning.define.suggest" if found.near and buttons else "learning.define.unknown"
    return Reply(text=turn.t(key, term=said(query.strip())), buttons=buttons)


async def away(turn: Turn) -> Reply:
    """`away` asks how long with buttons; `away until 20.12` takes the last day at once."""
    if turn.args.strip():
        return await _away_until(turn)
    weeks = tuple(Button(turn.t(f"learning.away.weeks{n}"), "learning.away", str(7 * n)) for n in (1, 2, 3))
    back = Button(turn.t("learning.away.back"), "learning.away", "0")
    return Reply(text=turn.t("learning.away.ask"), buttons=(*weeks, back))


async def _away_until(turn: Turn) -> Reply:
    service = _service(turn)
    today = service.calendar(turn.person).local_day(turn.now())
    last_day = typed_day(turn.args, today)
    if last_day is None:
        return Reply(text=turn.t("learning.away.unreadable", text=said(turn.args.strip()[:40])))
    days = (last_day - today).days + 1
    if not 1 <= days <= MAX_DAYS:
        return Reply(text=turn.t("learning.away.out_of_range", days=MAX_DAYS))
    return await _leave(turn, service, days)


async def back(turn: Turn) -> Reply:
    """`back` (tilbage, tilbake) ends leave, as the "I'm back" button does."""
    return await _leave(turn, _service(turn), 0)


async def set_away(turn: Turn) -> Reply:
    """Leave pauses nudges and reviews and freezes the streak; 0 means back now."""
    days = int(turn.event.value) if turn.event.value.isdigit() else 0
    return await _leave(turn, _service(turn), min(days, MAX_DAYS))


async def _leave(turn: Turn, service: LearningService, days: int) -> Reply:
    last_day = await service.go_away(turn.person, days, turn.now())
    if last_day is None:
        return Reply(text=turn.t("learning.away.ended"))
    zone = service.calendar(turn.person).zone
    until = cards.when_text(service.calendar(turn.person).morning(last_day), zone, turn.language)
    return Reply(text=turn.t("learning.away.set", date=until))
