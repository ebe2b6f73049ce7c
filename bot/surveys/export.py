"""CSV export of aggregates: the same k-protected cells the dashboard shows, never a single answer."""

from __future__ import annotations

import csv
import io

from bot.surveys.figures import COMPLEMENT
from bot.surveys.results import Cell, QuestionResult, Turnout, WaveResults

HEADER = [
    "wave",
    "template",
    "question",
    "dimension",
    "group",
    "n",
    "mean",
    "favourable_share",
    "enps",
    "distribution",
]


def results_csv(results: WaveResults, *, include_comments: bool = True) -> str:
    """One row per shown or suppressed cell; comments only if the wave and the caller allow them."""
    out = io.StringIO()
    writer = SafeWriter(out)
    writer.writerow(HEADER)
    base = [results.wave_id, results.template_id]
    for dimension, cells in [("turnout", [results.turnout]), *results.turnout_by.items()]:
        for turnout in cells:
            writer.writerow(
                [
                    *base,
                    "",
                    f"turnout:{dimension}" if dimension != "turnout" else "turnout",
                    *_turnout(turnout, results.k),
                ]
            )
    for question in results.questions:
        writer.writerow([*base, question.question_id, "all", *_cell(question, question.overall, results.k)])
        for dimension, cells in question.breakdowns.items():
            for cell in cells:
                writer.writerow([*base, question.question_id, dimension, *_cell(question, cell, results.k)])
        if include_comments and results.export_comments and question.comments:
            for comment in question.comments:
                writer.writerow([*base, question.question_id, "comment", "", "", "", "", "", comment])
    return out.getvalue()


# Cells a spreadsheet would read as a formula (OWASP "CSV injection"): text starting with these.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: object) -> object:
    """Text that a spreadsheet would run as a formula gets a leading quote; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


class SafeWriter:
    """A csv writer whose every text cell is spreadsheet-safe."""

    def __init__(self, out: io.StringIO) -> None:
        self.writer = csv.writer(out)

    def writerow(self, row: list[object]) -> None:
        self.writer.writerow([spreadsheet_safe(value) for value in row])


def _cell(question: QuestionResult, cell: Cell, k: int) -> list[object]:
    """A choice's distribution names each option by its label in the results' language."""
    if cell.suppressed:
        return [cell.group, _hidden(cell.hidden, k), "", "", "", ""]
    distribution = ";".join(f"{question.label(value)}:{count}" for value, count in cell.distribution.items())
    return [cell.group, cell.n, _round(cell.mean), _round(cell.favourable), _round(cell.enps), distribution]


def _turnout(turnout: Turnout, k: int) -> list[object]:
    if turnout.suppressed:
        return [turnout.group, _hidden(turnout.hidden, k), "", "", "", ""]
    return [turnout.group, turnout.responded, "", _round(turnout.rate), "", f"invited:{turnout.invited}"]


def _hidden(reason: str, k: int) -> str:
    if reason == COMPLEMENT:
        return "suppressed (hidden so the other group cannot be worked out)"
    return f"suppressed (fewer than {k})"


def _round(value: float | None) -> object:
    return "" if value is None else round(value, 4)
