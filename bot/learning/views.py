"""Progress, the home section and the track list, shaped as replies."""

from __future__ import annotations

from bot.learning.progress import Progress, progress_of
from bot.learning.service import LearningService, roles_of
from bot.runtime.replies import Button, Choice, Option, Reply
from bot.runtime.turn import Turn


def progress_reply(turn: Turn, progress: Progress) -> Reply:
    lines = [
        f"- {turn.t('learning.progress.lessons', count=progress.lessons_done)}",
        f"- {_accuracy(turn, progress)}",
        *(
            [f"- {turn.t('learning.progress.confident', count=progress.confident)}"]
            if progress.answers
            else []
        ),
        f"- {turn.t('learning.progress.streak', count=progress.streak)}",
        f"- {turn.t('learning.progress.points', count=progress.points)}",
        "",
        f"**{turn.t('learning.progress.profile')}**",
    ]
    for area in progress.areas:
        level = turn.t(f"learning.level.{area.level}") if area.level else "–"
        name = turn.t(f"learning.area.{area.competence}")
        lines.append(f"- {name}: {area.done}/{area.total} ({level})")
    if progress.reflections:
        lines += ["", f"**{turn.t('learning.progress.reflections')}**"]
        for lesson_id, text in progress.reflections:
            lesson = turn.app.content.lesson(lesson_id, turn.language)
            lines.append(f"- _{lesson.title if lesson else lesson_id}_: {text}")
    buttons = (
        Button(turn.t("menu.next"), "menu", "next", "primary"),
        Button(turn.t("menu.tracks"), "menu", "tracks"),
    )
    return Reply(title=turn.t("learning.progress.title"), text="\n".join(lines), buttons=buttons)


def _accuracy(turn: Turn, progress: Progress) -> str:
    if progress.accuracy is None:
        return turn.t("learning.progress.no_answers")
    return turn.t(
        "learning.progress.accuracy",
        percent=progress.accuracy,
        correct=progress.correct,
        total=progress.answers,
    )


async def home_section(turn: Turn) -> Reply | None:
    """A short learning summary for the home view; nothing until the person has started."""
    service = LearningService(turn.session, turn.app.content, turn.app.settings)
    progress = await progress_of(
        service.repo, turn.app.content, turn.person, await service.work_calendar(turn.person), turn.now()
    )
    if progress.lessons_done == 0 and not await service.active_tracks(turn.person, None, turn.now()):
        return None
    text = "\n".join(
        [
            f"- {turn.t('learning.progress.lessons', count=progress.lessons_done)}",
            f"- {turn.t('learning.progress.streak', count=progress.streak)}",
            f"- {turn.t('learning.progress.points', count=progress.points)}",
        ]
    )
    buttons = (
        Button(turn.t("menu.next"), "menu", "next", "primary"),
        Button(turn.t("menu.progress"), "menu", "progress"),
    )
    return Reply(title=turn.t("learning.home.title"), text=text, buttons=buttons)


async def tracks_reply(turn: Turn, service: LearningService) -> Reply:
    """The tracks for the person's roles (and any they follow) with how far they are; pick one."""
    content = turn.app.content
    enrolments = await service.repo.enrolments(turn.person.id)
    roles = roles_of(turn.person)
    done = {i.lesson_id for i in await service.items(turn.person) if i.completed_at is not None}
    lines, options = [], []
    for track in content.tracks.values():
        if track.id not in enrolments and not roles & set(track.roles):
            continue
        title = content.track_title(track.id, turn.language)
        description = next(
            (track.description[c] for c in (turn.language, "en", "da") if c in track.description), ""
        )
        lessons = content.track_lessons(track.id)
        count = sum(lesson_id in done for lesson_id in lessons)
        status = enrolments[track.id].status if track.id in enrolments else "new"
        state = turn.t(f"learning.tracks.{status}", done=count, total=len(lessons))
        lines.append(f"- **{title}** ({state}): {description}")
        options.append(Option(title, track.id))
    return Reply(
        title=turn.t("learning.tracks.title"),
        text="\n".join(lines) or turn.t("learning.tracks.none"),
        choice=Choice("learning.track", tuple(options), placeholder=turn.t("learning.tracks.pick")),
    )
