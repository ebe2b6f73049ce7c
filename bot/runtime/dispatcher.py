"""One event, one unit of work: identify the person, route, run the handler, commit."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass

from bot.context import AppContext
from bot.people.service import PeopleService
from bot.runtime.errors import UserFacingError
from bot.runtime.events import Event
from bot.runtime.replies import Reply
from bot.runtime.router import HandlerResult, Router
from bot.runtime.turn import Turn
from storage.repositories.people import PeopleRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What the adapter shows: replies in the conversation and, after a click, the new source."""

    person_id: int
    language: str
    replies: tuple[Reply, ...]
    source_update: Reply | None = None
    private: bool = False  # what was chosen must not be echoed (see Router.action)
    refused: bool = False  # the turn was turned down: a clicked control stays as it was


class Dispatcher:
    def __init__(self, app: AppContext, router: Router) -> None:
        self.app = app
        self.router = router

    async def handle(self, event: Event, *, passive: bool = False) -> Outcome:
        """Run one turn. `passive`: not the person's doing (a view refreshed for them), so it does
        not count as their activity, which would read as an answer to their last nudge."""
        kind = "action" if event.is_action else "text"
        self.app.metrics.events.labels(event.address.platform.value, kind).inc()
        with self.app.metrics.turn_seconds.time():
            return await self._handle(event, passive)

    async def _handle(self, event: Event, passive: bool) -> Outcome:
        person_id = await self.identify(event, active=not passive)
        language = self.app.settings.default_language
        try:
            async with self.app.db.unit_of_work() as session:
                person = await PeopleRepository(session).get(person_id)
                assert person is not None
                language = person.language or language
                route = self.router.resolve(event, language)
                turn = Turn(event, person, language, session, self.app, args=route.args)
                replies = _as_tuple(await route.handler(turn))
            if turn.sent_proactively:
                self.app.delivery_wakeup.set()
            return Outcome(person_id, language, replies, turn.source_update, self.is_private(event))
        except UserFacingError as error:
            text = self.app.catalogue.text(language, error.key, **error.params)
            return Outcome(
                person_id, language, (Reply(text=text),), private=self.is_private(event), refused=True
            )
        except Exception:
            log.exception("handler failed for %s event (action=%s)", event.address.platform, event.action)
            self.app.metrics.handler_errors.inc()
            apology = self.app.catalogue.text(language, "error.generic")
            return Outcome(
                person_id, language, (Reply(text=apology),), private=self.is_private(event), refused=True
            )

    def is_private(self, event: Event) -> bool:
        return self.router.is_private(event)

    async def identify(self, event: Event, *, active: bool = True) -> int:
        """Create or update the sender in a transaction of its own, kept even if the turn fails."""
        async with self.app.db.unit_of_work() as session:
            people = PeopleService(PeopleRepository(session))
            person = await people.identify(
                event.address, event.profile, self.app.clock.now(), active=active, verified=event.verified
            )
            return person.id


def _as_tuple(result: HandlerResult) -> tuple[Reply, ...]:
    if result is None:
        return ()
    if isinstance(result, Reply):
        return (result,)
    assert isinstance(result, Sequence)
    return tuple(result)
