"""The digest as a neutral Reply: counts about people below the minimum group size stay vague."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from babel.dates import format_date

from bot.admin.surveys import WaveSummary
from bot.digest.figures import Figures
from bot.runtime.replies import Reply

Translate = Callable[..., str]  # (key, **params) -> text in the reader's language


DAY_PATTERNS = {"en": "EEEE d MMMM", "da": "EEEE 'den' d. MMMM", "nb": "EEEE d. MMMM"}


def day_text(day: date, language: str) -> str:
    """E.g. "Tuesday 24 November", "tirsdag den 24. november", "tirsdag 24. november"."""
    return format_date(day, DAY_PATTERNS.get(language, DAY_PATTERNS["en"]), locale=language)


def command_words(t: Translate, switch: str) -> str:
    """What to write to switch the digest, e.g. "digest off", in the reader's language."""
    return f"{t('command.digest').split('|')[0]} {t(switch).split('|')[0]}"


def digest_reply(t: Translate, figures: Figures, *, k: int, language: str, admin_url: str) -> Reply:
    def people(count: int) -> str:
        """A count of what people did: exact from k on, "fewer than k" below (zero included)."""
        return str(count) if count >= k else t("digest.fewer_than", k=k)

    period, activity = figures.period, figures.activity
    first = day_text(period.first, language)
    lines = [
        f"**{t('digest.yesterday' if period.first == period.last else 'digest.since', day=first)}**",
        f"- {t('digest.asked', count=people(activity.asked))}",
        f"- {t('digest.answered', count=people(activity.answered))}",
        f"- {t('digest.lessons', count=people(activity.lessons_completed))}",
        f"- {t('digest.quiz', count=people(activity.quiz_answers))}",
        f"- {t('digest.nudges', count=activity.nudges)}",
        "",
        f"**{t('digest.now')}**",
        f"- {t('digest.overdue', count=figures.overdue)}",
        f"- {t('digest.undelivered', new=activity.undelivered, total=figures.undelivered_total)}",
    ]
    lines += [f"- {_survey(t, wave, k)}" for wave in figures.surveys] or [f"- {t('digest.no_surveys')}"]
    lines.append("")
    if admin_url:
        lines.append(t("digest.dashboard", url=admin_url))
    lines.append(t("digest.stop_hint", words=command_words(t, "digest.word.off")))
    return Reply(title=t("digest.title", day=day_text(figures.day, language)), text="\n".join(lines))


def _survey(t: Translate, wave: WaveSummary, k: int) -> str:
    if wave.participation is None or wave.invited is None or wave.responded is None:
        return t("digest.survey_hidden", title=wave.title, k=k)
    rate = round(wave.participation * 100)
    return t("digest.survey", title=wave.title, rate=rate, responded=wave.responded, invited=wave.invited)
