"""The web chat's small JSON API and event stream (documented in the README); who a request acts
for comes from `ChatIdentity`: the session when signed in, the `user` field in the open demo."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from sse_starlette.sse import EventSourceResponse

from bot.adapters.webchat.guard import SendLimiter, bounded_body, bounded_int
from bot.adapters.webchat.messenger import WebchatNotifier
from bot.adapters.webchat.mode import WebchatMode
from bot.adapters.webchat.render import message_json
from bot.adapters.webchat.signin import ChatIdentity, Chatter
from bot.adapters.webchat.translate import SendRequest, SignedInSendRequest, to_event
from bot.context import AppContext
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.events import Event
from bot.runtime.replies import Reply
from bot.runtime.usertext import unmarked
from storage.repositories.people import PeopleRepository
from storage.repositories.webchat import WebchatRepository

POLL_SECONDS = 2.0  # other replicas may write to the log; the stream looks this often


def build_api(
    context: AppContext, dispatcher: Dispatcher, notifier: WebchatNotifier, identity: ChatIdentity
) -> APIRouter:
    router = APIRouter(prefix="/chat/api", tags=["web chat"])
    limiter = SendLimiter(context.settings.webchat_sends_per_minute, lambda: context.clock.now().timestamp())
    model = SendRequest if identity.mode is WebchatMode.OPEN else SignedInSendRequest

    def reader(request: Request) -> Chatter:
        """Who may read: the signed-in person, or in the open demo whoever `user` names."""
        identity.authenticate(request)
        claimed = request.query_params.get("user")
        if claimed is not None and len(claimed) > 320:
            raise HTTPException(422, "user: at most 320 characters")
        return identity.chatter(request, claimed)

    @router.post("/send")
    async def send(request: Request) -> dict[str, Any]:
        identity.same_origin(request)
        identity.authenticate(request)
        body = await bounded_body(request, model)
        who = identity.chatter(request, body.user, body.name)
        if not (body.text or body.action):
            raise HTTPException(422, "send a text or an action")
        wait = limiter.wait(who.session)
        if wait:
            raise HTTPException(
                429, "too many messages: wait a moment", {"Retry-After": str(math.ceil(wait))}
            )
        event = to_event(body, who.email, who.name, verified=who.verified)
        return {"messages": await _turn(context, dispatcher, notifier, event)}

    @router.get("/messages")
    async def messages(request: Request) -> dict[str, Any]:
        who = reader(request)
        after = bounded_int("after", request.query_params.get("after"))
        async with context.db.unit_of_work() as session:
            person = await PeopleRepository(session).by_email(who.email)
            if person is None:
                return {"messages": []}
            found = await WebchatRepository(session).after(person.id, after)
            return {"messages": [message_json(m) for m in found]}

    @router.get("/stream")
    async def stream(request: Request) -> EventSourceResponse:
        who = reader(request)
        after = bounded_int("after", request.query_params.get("after"))
        return EventSourceResponse(_events(context, notifier, request, who.email, after), ping=15)

    return router


async def _turn(
    context: AppContext, dispatcher: Dispatcher, notifier: WebchatNotifier, event: Event
) -> list[dict[str, Any]]:
    """Log what the person sent, run the turn, log the replies; the messages that changed."""
    person_id = await dispatcher.identify(event)
    private = dispatcher.is_private(event)
    async with context.db.unit_of_work() as session:
        log = WebchatRepository(session)
        if private:  # a survey answer: the transcript keeps no line of what was chosen
            first = await log.last_id(person_id) + 1
        else:
            source = await _source(log, person_id, event)
            label = _chosen_label(source.reply if source else None, event)
            text = label or event.value if event.is_action and source is None else label or event.text
            first = (await log.add(person_id, "user", context.clock.now(), text=text)).id
    outcome = await dispatcher.handle(event)
    async with context.db.unit_of_work() as session:
        log = WebchatRepository(session)
        updated = []
        if event.is_action and not outcome.refused:  # a refused click leaves its controls as they were
            source = await _source(log, person_id, event)
            if source is not None:
                updated.append(source)
                source.chosen = (
                    context.catalogue.text(outcome.language, "chat.answer_recorded")
                    if private
                    else _chosen_label(source.reply, event) or event.value
                )
                if outcome.source_update is not None:
                    source.reply = outcome.source_update.to_json()
                    source.text = unmarked(outcome.source_update.text)
        for reply in outcome.replies:
            text = unmarked(reply.text)
            await log.add(person_id, "bot", context.clock.now(), text=text, reply=reply.to_json())
        await session.flush()
        changed = [*updated, *await log.after(person_id, first - 1)]
        messages = [message_json(m) for m in changed]
    notifier.wake(person_id)
    return messages


async def _events(
    context: AppContext, notifier: WebchatNotifier, request: Request, email: str, after: int
) -> AsyncIterator[dict[str, str]]:
    last, person_id, signal = after, None, None
    try:
        while not await request.is_disconnected():
            async with context.db.unit_of_work() as session:
                person = await PeopleRepository(session).by_email(email)
                found = await WebchatRepository(session).after(person.id, last) if person else []
                batch = [message_json(m) for m in found]
            if person is not None and signal is None:
                person_id, signal = person.id, notifier.subscribe(person.id)
            for message in batch:
                last = message["n"]
                yield {"event": "message", "id": str(last), "data": json.dumps(message)}
            if signal is None:
                await asyncio.sleep(POLL_SECONDS)
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(signal.wait(), timeout=POLL_SECONDS)
            signal.clear()
    finally:
        if person_id is not None and signal is not None:
            notifier.unsubscribe(person_id, signal)


async def _source(log: WebchatRepository, person_id: int, event: Event):  # type: ignore[no-untyped-def]
    if not event.is_action:
        return None
    if event.source_message_id and event.source_message_id.isdigit():
        found = await log.get(person_id, int(event.source_message_id))
        if found is not None:
            return found
    return await log.latest_offering(person_id, event.action or "")


def _chosen_label(reply: dict[str, Any] | None, event: Event) -> str | None:
    if reply is None or event.action is None:
        return None
    if event.fields:
        return ", ".join(f"{k}: {v}" for k, v in event.fields.items() if v)
    return Reply.from_json(reply).label_for(event.action, event.value)
