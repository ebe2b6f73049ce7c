"""The first message to someone who never wrote to Stafet says who runs it, why, what it stores
and how to stop it, in their language, before the nudge or invitation it precedes."""

from __future__ import annotations

from bot.context import AppContext
from bot.runtime.replies import Reply
from storage.models import Person


def needs_introduction(person: Person) -> bool:
    return person.last_active_at is None and person.introduced_at is None


def introduction(app: AppContext, person: Person) -> Reply:
    language = person.language or app.settings.default_language
    catalogue = app.catalogue
    operator = app.settings.operator or catalogue.text(language, "reach.intro.operator")
    return Reply(
        title=catalogue.text(language, "reach.intro.title"),
        text=catalogue.text(language, "reach.intro.text", operator=operator, k=app.settings.min_group_size),
    )
