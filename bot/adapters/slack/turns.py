"""After the ack: identify, run the stored turn through the dispatcher, show the outcome."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.slack import render
from bot.adapters.slack.client import error_code
from bot.adapters.slack.directory import SlackDirectory
from bot.adapters.slack.home_views import HomeViews
from bot.adapters.slack.inbox import SlackInbox
from bot.adapters.slack.render import unpack_form
from bot.adapters.slack.translate import Interaction
from bot.context import AppContext
from bot.runtime.dispatcher import Dispatcher, Outcome
from bot.runtime.events import Address, Event
from bot.runtime.replies import Reply

log = logging.getLogger(__name__)


class SlackTurns:
    def __init__(
        self, context: AppContext, dispatcher: Dispatcher, directory: SlackDirectory, inbox: SlackInbox
    ) -> None:
        self.context = context
        self.dispatcher = dispatcher
        self.directory = directory
        self.inbox = inbox
        self._locks: dict[tuple[str, str], tuple[asyncio.Lock, int]] = {}
        self.home_views = HomeViews(context)  # only the homes of those who opened one are kept fresh

    async def run(
        self, entry_id: int, interaction: Interaction, client: AsyncWebClient, *, opens_form: bool = False
    ) -> None:
        """One stored turn, once its person's earlier turns are done. Until the turn is committed
        a failure (Slack or the database unavailable) leaves it stored for a later try. It is done
        once its outcome is shown: a crash in between runs it again rather than lose the reply."""
        address = interaction.event.address
        async with self._one_at_a_time(address.workspace_id, address.user_id):
            try:
                if opens_form:
                    await self._open_form(interaction, client)
                    await self.inbox.finish(entry_id)
                    return
                event = await self._complete(interaction.event, client)
                outcome = await self.dispatcher.handle(event)
            except Exception as error:
                await self._failed(entry_id, interaction, client, error)
                return
            try:
                await self._show(interaction, event, outcome, client)
            finally:
                await self.inbox.finish(entry_id)

    async def _failed(
        self, entry_id: int, interaction: Interaction, client: AsyncWebClient, error: Exception
    ) -> None:
        """Try again later, a few times; then tell the person their message was not acted on."""
        log.warning("Slack turn %s failed before its commit: %s", entry_id, type(error).__name__)
        if await self.inbox.failed(entry_id):
            return
        log.error("Slack turn %s given up after repeated failures (%s)", entry_id, interaction.dedup_key)
        self.context.metrics.handler_errors.inc()
        address = interaction.event.address
        with contextlib.suppress(Exception):
            channel = address.conversation_id
            if not channel.startswith("D"):
                channel = await self.directory.dm_channel(client, address.workspace_id, address.user_id)
            text = self.context.catalogue.text(self.context.settings.default_language, "slack.turn_lost")
            await _call(client, "chat.postMessage", channel=channel, text=text)

    async def _show(
        self, interaction: Interaction, event: Event, outcome: Outcome, client: AsyncWebClient
    ) -> None:
        """After the commit: replies in the DM, modals opened, the clicked message updated."""
        replies = await self._open_modal(client, outcome.replies, interaction.trigger_id, event)
        if interaction.source is not None:
            await self._update_source(client, interaction, outcome)
        if interaction.from_home and event.text == "home":
            await self._publish_home(client, event, replies)
            return
        channel = event.address.conversation_id
        for reply in replies:
            await _call(client, "chat.postMessage", channel=channel, **render.message(reply))
        if interaction.from_home or (event.is_action and await self.home_views.has(event.address)):
            await self.refresh_home(client, event)

    async def _open_form(self, interaction: Interaction, client: AsyncWebClient) -> None:
        """A form button was clicked: open its modal at once, before the trigger id expires."""
        form = unpack_form(interaction.event.value)
        channel = interaction.event.address.conversation_id
        await _call(client, "views.open", trigger_id=interaction.trigger_id, view=render.modal(form, channel))

    async def refresh_home(self, client: AsyncWebClient, event: Event, *, passive: bool = False) -> None:
        """Re-render App Home after a click or a submission, or (`passive`) after a message from
        Stafet reached the person: those change what it shows."""
        home = dataclasses.replace(event, text="home", action=None, value="")
        outcome = await self.dispatcher.handle(home, passive=passive)
        await self._publish_home(client, event, outcome.replies)

    @asynccontextmanager
    async def _one_at_a_time(self, team: str, user: str) -> AsyncIterator[None]:
        """A person's turns run in the order they arrived, never two at once (first contact races)."""
        key = (team, user)
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    async def _complete(self, event: Event, client: AsyncWebClient) -> Event:
        """Add the users.info profile and, for surfaces outside the DM, the DM channel."""
        address = event.address
        profile = await self.directory.profile(client, address.workspace_id, address.user_id)
        if address.conversation_id.startswith("D"):
            self.directory.know_dm(address.workspace_id, address.user_id, address.conversation_id)
        else:
            channel = await self.directory.dm_channel(client, address.workspace_id, address.user_id)
            address = dataclasses.replace(address, conversation_id=channel)
        return dataclasses.replace(event, address=address, profile=profile)

    async def _open_modal(
        self, client: AsyncWebClient, replies: tuple[Reply, ...], trigger_id: str | None, event: Event
    ) -> list[Reply]:
        """The first form of a turn started by an interaction opens as a modal; the rest are posted."""
        rest: list[Reply] = []
        for reply in replies:
            if reply.form is not None and trigger_id:
                opened = await _call(
                    client,
                    "views.open",
                    trigger_id=trigger_id,
                    view=render.modal(reply.form, event.address.conversation_id),
                )
                trigger_id = None
                if opened:
                    reply = dataclasses.replace(reply, form=None)
                    if not (reply.text or reply.title or reply.interactive):
                        continue
            rest.append(reply)
        return rest

    async def _update_source(
        self, client: AsyncWebClient, interaction: Interaction, outcome: Outcome
    ) -> None:
        source = interaction.source
        assert source is not None
        if outcome.refused:  # the click was turned down: the message stays as it was
            return
        if outcome.source_update is not None:
            content = render.message(outcome.source_update)
        else:
            catalogue = self.context.catalogue
            note = (
                "✓ " + catalogue.text(outcome.language, "chat.answer_recorded")
                if outcome.private
                else catalogue.text(outcome.language, "slack.chosen", label=source.label)
            )
            content = {"text": note, "blocks": render.answered(source.blocks, note)}
        await _call(client, "chat.update", channel=source.channel, ts=source.ts, **content)

    async def refresh_home_if_seen(self, client: AsyncWebClient, address: Address) -> None:
        """A message from Stafet reached this person: their App Home, if they have one, is redrawn."""
        if await self.home_views.has(address):
            await self.refresh_home(client, Event(address=address), passive=True)

    async def _publish_home(
        self, client: AsyncWebClient, event: Event, replies: tuple[Reply, ...] | list[Reply]
    ) -> None:
        await self.home_views.seen(event.address)
        await _call(client, "views.publish", user_id=event.address.user_id, view=render.home(replies))


async def _call(client: AsyncWebClient, method: str, **arguments: object) -> bool:
    """A Web API call whose failure is logged (by error code only) and does not end the turn,
    whose changes are committed by then."""
    try:
        await client.api_call(method, json=arguments)
        return True
    except SlackApiError as error:
        log.warning("Slack %s failed: %s", method, error_code(error))
        return False
    except Exception as error:  # unreachable, or an answer the SDK cannot read (a non-JSON 5xx)
        log.warning("Slack %s failed: %s", method, type(error).__name__)
        return False
