"""The transfer question is the same choice on every platform: Block Kit buttons in Slack, an
Adaptive Card in Teams, each carrying the track and the answer back; worded from the catalogue."""

from __future__ import annotations

from bot.adapters.slack import render as slack
from bot.adapters.slack import translate
from bot.adapters.teams import render as teams
from bot.config import DEFAULT_CONTENT_DIR
from bot.i18n import Catalogue
from bot.learning.transfer import question

CATALOGUE = Catalogue(DEFAULT_CONTENT_DIR / "messages")
VALUES = ["strategy:several", "strategy:once", "strategy:not_yet", "strategy:not_relevant"]


def asked(language: str):  # type: ignore[no-untyped-def]
    return question(lambda key, **p: CATALOGUE.text(language, key, **p), "strategy", "Strategi")


def test_slack_buttons_carry_track_and_answer() -> None:
    blocks = slack.message(asked("da"))["blocks"]
    elements = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert [e["text"]["text"] for e in elements] == [
        "Ja, flere gange", "Ja, én gang", "Ikke endnu", "Ikke relevant for mit arbejde",
    ]  # fmt: skip
    assert [e["value"] for e in elements] == VALUES
    assert {translate.decode_action(e["action_id"]) for e in elements} == {"learning.transfer"}
    assert "Har du brugt det, du lærte i Strategi, i dit arbejde?" in str(blocks)


def test_teams_card_carries_track_and_answer() -> None:
    card = teams.message(asked("nb"), teams.CardLabels("OK", "Vis alle"))["attachments"][0]["content"]
    actions = card["body"][-1]["actions"]
    assert [a["title"] for a in actions] == [
        "Ja, flere ganger", "Ja, én gang", "Ikke ennå", "Ikke relevant for arbeidet mitt",
    ]  # fmt: skip
    assert [a["data"]["stafet"]["action"] for a in actions] == ["learning.transfer"] * 4
    assert [a["data"]["stafet"]["value"] for a in actions] == VALUES
    texts = " ".join(b["text"] for b in card["body"] if b["type"] == "TextBlock")
    assert "Har du brukt det du lærte i Strategi, i arbeidet ditt?" in texts
