"""How `stafet campaign show` and `preview` print, kept apart from the commands."""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence

from rich.console import Console
from rich.table import Table

from bot.campaigns.preview import PreviewLine
from storage.models import Campaign, CampaignWave


def _console() -> Console:
    """The terminal's width, or room for every column when the output goes to a file or a pipe."""
    return Console() if sys.stdout.isatty() else Console(width=200)


def print_campaign(campaign: Campaign, waves: Sequence[CampaignWave], counts: Mapping[str, int]) -> None:
    window = (
        f"{campaign.window_start}-{campaign.window_end}" if campaign.window_start else "organisation default"
    )
    rows = [
        ("Campaign", f"#{campaign.id} {campaign.name}"),
        ("State", campaign.state),
        ("Audience", str(campaign.audience)),
        ("Tracks", ", ".join(map(str, campaign.tracks.get("ids", []))) or "-"),
        ("Cadence", campaign.cadence),
        ("Zone", campaign.timezone or "each person's own, else the organisation's"),
        ("Window", window),
        ("Working days", campaign.working_days or "organisation default (mon-fri)"),
        ("Holidays", campaign.holiday_country),
        ("Jitter", f"{campaign.jitter_minutes} min"),
        ("Dates", f"{campaign.starts_on or '-'} .. {campaign.ends_on or '-'}"),
        ("Event", str(campaign.event_date or "-")),
        (
            "Phases",
            ", ".join(f"{p['name']} {p['from_day']}..{p['to_day']}" for p in campaign.phases["items"]) or "-",
        ),
        ("Waves", ", ".join(f"template {w.template_id} at {w.offset_days:+d}d" for w in waves) or "-"),
        ("Outbox", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing planned yet"),
    ]
    console = _console()
    for label, value in rows:
        console.print(f"[bold]{label:<13}[/] {value}", highlight=False)


def print_preview(campaign: Campaign, lines: Sequence[PreviewLine], names: Mapping[int, str] | None) -> None:
    """The table of occurrences, the lessons each brings and, given `names`, every send."""
    console = _console()
    table = Table(title=f"{campaign.name}: the next days")
    for column in ("Occurrence", "Phase", "People", "First (UTC)", "Last (UTC)", "All out by", "Skipped"):
        table.add_column(column, overflow="fold")
    for line in lines:
        table.add_row(
            line.occurrence,
            line.phase or "",
            str(line.recipients),
            _at(line.first_due),
            _at(line.last_due),
            _at(line.expected_done),
            "; ".join(f"{count} × {reason}" for reason, count in line.skipped.items()),
        )
    console.print(table)
    for line in lines:  # a column of its own would not fit a terminal
        lessons = [f"{lesson} ×{n}" for lesson, n in line.lessons.most_common()]
        lessons += [f"no new lesson ×{line.without_lesson}"] if line.without_lesson else []
        console.print(f"{line.occurrence}  {', '.join(lessons)}", highlight=False)
    if names is not None:
        for line in lines:
            for person_id, due in line.sends:
                who = names.get(person_id, f"person {person_id}")
                console.print(f"{line.occurrence}  {due:%Y-%m-%d %H:%M} UTC  {who}", highlight=False)


def _at(moment: object) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment is not None else "-"
