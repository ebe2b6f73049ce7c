"""How long a question, an answer or a tag may be: what fits a Slack message and a Teams card."""

from __future__ import annotations

from bot.runtime.errors import UserFacingError

QUESTION_LIMIT = 2000  # characters; with the card around it well under Slack's and Teams' limits
MESSAGE_LIMIT = 3000  # characters of an answer, a reply or an FAQ answer: what a Slack input box takes
TAG_LIMIT = 80


def within(text: str, limit: int) -> str:
    """The text without surrounding blanks; empty or too long is the person's to fix."""
    text = text.strip()
    if not text:
        raise UserFacingError("questions.empty")
    if len(text) > limit:
        raise UserFacingError("questions.too_long", limit=limit, length=len(text))
    return text
