"""One Teams turn: drop repeats, remember where to write later, dispatch, reply, redraw the card."""

from __future__ import annotations

import dataclasses
import logging

from botbuilder.core import TurnContext
from botbuilder.core.teams import TeamsInfo
from botbuilder.schema import Activity, ActivityTypes, Attachment
from botframework.connector import Channels

from bot.adapters.teams import render
from bot.adapters.teams.translate import (
    ROUTING_KEY,
    address_of,
    conversation_kind,
    is_bot_added,
    profile_of,
    reference_of,
    to_event,
)
from bot.context import AppContext
from bot.i18n import Catalogue
from bot.people.service import PeopleService
from bot.reach.introduction import introduction, needs_introduction
from bot.runtime.dispatcher import Dispatcher, Outcome
from bot.runtime.events import Event, Profile
from bot.runtime.replies import Reply
from storage.models import Person
from storage.repositories.people import PeopleRepository
from storage.repositories.platform_events import ProcessedEventRepository

log = logging.getLogger(__name__)


class TeamsBot:
    """The logic CloudAdapter runs for every authenticated activity."""

    def __init__(self, app: AppContext, dispatcher: Dispatcher) -> None:
        self.app = app
        self.dispatcher = dispatcher

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        if activity.id and not await self._first_time(activity.id):
            log.info("Teams activity %s seen before; ignored", activity.id)
            return
        if is_bot_added(activity):
            await self._installed(context)
        elif activity.type == ActivityTypes.message:
            await self._message(context)

    async def _installed(self, context: TurnContext) -> None:
        """Remember the conversation; greet a person who added the bot to their personal chat."""
        activity = context.activity
        profile = await self._profile(context)
        await self._remember(activity, profile)
        personal = conversation_kind(activity) == "personal"
        if activity.type == ActivityTypes.conversation_update and personal:
            welcome = Event(address=address_of(activity), text="help", profile=profile)
            intro = await self._introduction(await self.dispatcher.identify(welcome, active=False))
            outcome = await self.dispatcher.handle(welcome)
            if intro is not None:  # first contact (e.g. installed for them): who runs Stafet, and why
                outcome = dataclasses.replace(outcome, replies=(intro, *outcome.replies))
            await self._send(context, outcome)

    async def _introduction(self, person_id: int) -> Reply | None:
        """Stafet's introduction, once, to someone it never heard from."""
        async with self.app.db.unit_of_work() as session:
            person = await session.get(Person, person_id)
            now = self.app.clock.now()
            if person is None or not needs_introduction(person):
                return None
            if not await PeopleRepository(session).introduce(person.id, now):
                return None
            return introduction(self.app, person)

    async def _message(self, context: TurnContext) -> None:
        activity = context.activity
        profile = await self._profile(context)
        event = to_event(activity, profile)
        if event is None:
            return
        await self._remember(activity, profile)
        outcome = await self.dispatcher.handle(event)
        if event.is_action and activity.reply_to_id:
            await self._redraw(context, event, outcome)
        await self._send(context, outcome)

    async def _send(self, context: TurnContext, outcome: Outcome) -> None:
        labels = card_labels(self.app.catalogue, outcome.language)
        for reply in outcome.replies:
            await context.send_activity(Activity().deserialize(render.message(reply, labels)))

    async def _redraw(self, context: TurnContext, event: Event, outcome: Outcome) -> None:
        """Replace the answered card: the handler's new version, or the card with the choice shown
        (a refused click leaves the card as it was)."""
        if outcome.refused:
            return
        activity = context.activity
        routing = activity.value.get(ROUTING_KEY) or {}
        if outcome.source_update is not None:
            card = render.card(outcome.source_update, card_labels(self.app.catalogue, outcome.language))
        else:
            chosen = (
                self.app.catalogue.text(outcome.language, "chat.answer_recorded")
                if outcome.private
                else render.chosen_label(routing, event.value, event.fields)
            )
            card = render.answered_card(routing, chosen)
        attachment = Attachment(content_type=render.CONTENT_TYPE, content=card)
        update = Activity(type=ActivityTypes.message, id=activity.reply_to_id, attachments=[attachment])
        try:
            await context.update_activity(update)
        except Exception:  # the answer counts even if the old card cannot be redrawn
            log.warning("could not update Teams card %s", activity.reply_to_id, exc_info=True)

    async def _profile(self, context: TurnContext) -> Profile:
        """Ask Teams for the sender's email only on first contact, to link them to imported people."""
        activity = context.activity
        address = address_of(activity)
        async with self.app.db.unit_of_work() as session:
            known = await PeopleRepository(session).identity(
                address.platform.value, address.workspace_id, address.user_id
            )
        if known is not None or not address.user_id or activity.channel_id != Channels.ms_teams:
            return profile_of(activity)  # the roster is a Teams API: the Emulator has none
        try:
            member = await TeamsInfo.get_member(context, address.user_id)
        except Exception as error:  # e.g. no roster access in this scope: carry on without an email
            log.warning("Teams member lookup failed (%s); continuing without email", error)
            return profile_of(activity)
        return profile_of(activity, email=member.email or member.user_principal_name, name=member.name)

    async def _remember(self, activity: Activity, profile: Profile) -> None:
        """Store the conversation reference with its kind, so the outbox can write there later."""
        address, kind = address_of(activity), conversation_kind(activity)
        now = self.app.clock.now()
        async with self.app.db.unit_of_work() as session:
            people = PeopleRepository(session)
            where = dict(
                platform=address.platform.value,
                workspace_id=address.workspace_id,
                conversation_id=address.conversation_id,
            )
            if kind == "channel":  # first, so identifying the sender does not claim it as personal
                await people.remember_conversation(
                    **where, identity_id=None, now=now, kind=kind, reference=reference_of(activity)
                )
            await PeopleService(people).identify(address, profile, now)
            if kind == "personal":
                identity = await people.identity(
                    address.platform.value, address.workspace_id, address.user_id
                )
                await people.remember_conversation(
                    **where,
                    identity_id=identity.id if identity else None,
                    now=now,
                    kind=kind,
                    reference=reference_of(activity),
                )

    async def _first_time(self, activity_id: str) -> bool:
        async with self.app.db.unit_of_work() as session:
            return await ProcessedEventRepository(session).first_time(
                "teams", activity_id, self.app.clock.now()
            )


def card_labels(catalogue: Catalogue, language: str) -> render.CardLabels:
    """The card's own words in `language`."""
    return render.CardLabels(
        catalogue.text(language, "teams.submit"), catalogue.text(language, "teams.show_all")
    )
