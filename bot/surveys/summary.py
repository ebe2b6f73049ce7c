"""The short results summary HR gets in chat: turnout and one line per question."""

from __future__ import annotations

from collections.abc import Callable

from bot.runtime.replies import Reply
from bot.surveys.results import WaveResults


def summary_reply(t: Callable[..., str], results: WaveResults) -> Reply:
    turnout = results.turnout
    lines = []
    if turnout.suppressed or turnout.responded is None:
        lines.append(t("surveys.summary.turnout_hidden", k=results.k))
    else:
        rate = round(100 * (turnout.rate or 0))
        lines.append(
            t("surveys.summary.turnout", responded=turnout.responded, invited=turnout.invited, rate=rate)
        )
    if results.figures == "turnout":
        lines.append(t("surveys.summary.figures_after_close"))
    elif results.figures == "live":
        lines.append(t("surveys.summary.figures_live", k=results.k))
    for question in results.questions:
        cell = question.overall
        if question.type == "text":
            continue
        if cell.suppressed:
            lines.append(f"- {question.text}: " + t("surveys.summary.suppressed", k=results.k))
        elif cell.enps is not None:
            lines.append(f"- {question.text}: " + t("surveys.summary.enps", enps=round(cell.enps), n=cell.n))
        elif cell.mean is not None:
            fav = round(100 * (cell.favourable or 0))
            lines.append(
                f"- {question.text}: " + t("surveys.summary.mean", mean=f"{cell.mean:.1f}", fav=fav, n=cell.n)
            )
        else:
            top = max(cell.distribution.items(), key=lambda kv: kv[1])[0] if cell.distribution else "-"
            top = question.label(top)
            lines.append(f"- {question.text}: " + t("surveys.summary.choice", top=top, n=cell.n))
    return Reply(
        title=t("surveys.summary.title", title=results.title, wave=results.wave_id), text="\n".join(lines)
    )
