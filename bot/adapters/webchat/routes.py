"""The web chat page and its small JSON API (documented in the README)."""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sse_starlette.sse import EventSourceResponse

from bot.adapters.webchat.messenger import WebchatNotifier
from bot.adapters.webchat.render import message_json
from bot.adapters.webchat.translate import SendRequest, to_event
from bot.context import AppContext
from bot.i18n import normalise_language
from bot.runtime.dispatcher import Dispatcher
from bot.runtime.events import Event
from bot.runtime.replies import Reply
from storage.repositories.people import PeopleRepository
from storage.repositories.webchat import WebchatRepository

HERE = Path(__file__).resolve().parent
POLL_SECONDS = 2.0  # other replicas may write to the log; the stream looks this often
PAGE_KEYS = ("title", "who", "start", "placeholder", "send", "switch", "offline", "chosen")


def mount(app: Any, context: AppContext, dispatcher: Dispatcher, notifier: WebchatNotifier) -> None:
    app.mount("/chat/static", StaticFiles(directory=HERE / "static"), name="chat-static")
    app.include_router(build_router(context, dispatcher, notifier))


def build_router(context: AppContext, dispatcher: Dispatcher, notifier: WebchatNotifier) -> APIRouter:
    router = APIRouter(prefix="/chat", tags=["web chat"])
    templates = Jinja2Templates(directory=HERE / "templates")

    @router.get("", response_class=HTMLResponse, include_in_schema=False)
    async def page(request: Request, lang: str | None = None) -> HTMLResponse:
        language = (
            normalise_language(lang)
            or normalise_language(request.headers.get("accept-language", "").split(",")[0])
            or context.settings.default_language
        )
        texts = {k: context.catalogue.text(language, f"webchat.{k}") for k in PAGE_KEYS}
        return templates.TemplateResponse(request, "chat.html", {"language": language, "texts": texts})

    @router.get("/api/people")
    async def people() -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            found = await WebchatRepository(session).people()
            return {"people": [{"email": p.email, "name": p.display_name} for p in found]}

    @router.post("/api/send")
    async def send(request: SendRequest) -> dict[str, Any]:
        if not (request.text or request.action):
            raise HTTPException(422, "send a text or an action")
        event = to_event(request)
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
            if event.is_action:
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
                        source.text = outcome.source_update.text
            for reply in outcome.replies:
                await log.add(person_id, "bot", context.clock.now(), text=reply.text, reply=reply.to_json())
            await session.flush()
            changed = [*updated, *await log.after(person_id, first - 1)]
            messages = [message_json(m) for m in changed]
        notifier.wake(person_id)
        return {"messages": messages}

    @router.get("/api/messages")
    async def messages(user: str = Query(..., max_length=320), after: int = Query(0, ge=0)) -> dict[str, Any]:
        async with context.db.unit_of_work() as session:
            person = await PeopleRepository(session).by_email(user)
            if person is None:
                return {"messages": []}
            found = await WebchatRepository(session).after(person.id, after)
            return {"messages": [message_json(m) for m in found]}

    @router.get("/api/stream")
    async def stream(
        request: Request, user: str = Query(..., max_length=320), after: int = Query(0, ge=0)
    ) -> EventSourceResponse:
        async def events() -> AsyncIterator[dict[str, str]]:
            last, person_id, signal = after, None, None
            try:
                while not await request.is_disconnected():
                    async with context.db.unit_of_work() as session:
                        person = await PeopleRepository(session).by_email(user)
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

        return EventSourceResponse(events(), ping=15)

    return router


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
