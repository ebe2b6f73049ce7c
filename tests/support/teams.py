"""A fake Bot Framework connector (what Teams' serviceUrl points at) and Teams-shaped activities."""

from __future__ import annotations

import asyncio
import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from storage.models import ConversationRef, Person
from tests.support.conformance import activity_problems
from tests.support.server import live_server

TENANT = "72f988bf-0000-4000-8000-000000000001"
BOT = {"id": "28:stafet-bot", "name": "Stafet"}


@dataclass
class Recorded:
    method: str
    conversation_id: str
    activity_id: str | None
    body: dict[str, Any]
    id: str  # what the connector answered: the id of the new (or updated) activity


@dataclass
class FakeConnector:
    """Records what the bot sends; `fail_next` makes the next sends answer with an error."""

    url: str = ""
    sent: list[Recorded] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)
    failures: list[tuple[int, dict[str, str]]] = field(default_factory=list)
    member_lookups: int = 0
    refused: list[str] = field(default_factory=list)  # cards that break the Adaptive Card 1.5 schema
    chats: list[dict[str, Any]] = field(default_factory=list)  # bodies of POST /v3/conversations
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))

    def fail_next(self, status: int, headers: dict[str, str] | None = None, times: int = 1) -> None:
        self.failures.extend([(status, headers or {})] * times)

    def messages(self) -> list[Recorded]:
        return [r for r in self.sent if r.method == "POST"]

    def updates(self) -> list[Recorded]:
        return [r for r in self.sent if r.method == "PUT"]

    def app(self) -> Starlette:
        async def post(request: Request) -> JSONResponse:
            if self.failures:
                status, headers = self.failures.pop(0)
                return JSONResponse({"error": {"code": "Throttled", "message": "slow down"}}, status, headers)
            params = request.path_params
            new_id = params["aid"] if request.method == "PUT" else f"msg-{next(self._ids)}"
            body = await request.json()
            self.refused += activity_problems(body)
            self.sent.append(Recorded(request.method, params["cid"], params.get("aid"), body, new_id))
            return JSONResponse({"id": new_id})

        async def member(request: Request) -> JSONResponse:
            self.member_lookups += 1
            found = self.members.get(request.path_params["mid"])
            if found is None:
                return JSONResponse({"error": {"code": "NotFound", "message": "no member"}}, 404)
            return JSONResponse(found)

        async def create(request: Request) -> JSONResponse:
            """A one-to-one chat with the member: the same id each time for the same person."""
            body = await request.json()
            self.chats.append(body)
            [member] = body["members"]
            return JSONResponse({"id": f"a:chat-{member['id']}"}, 201)

        return Starlette(
            routes=[
                Route("/v3/conversations", create, methods=["POST"]),
                Route("/v3/conversations/{cid}/activities", post, methods=["POST"]),
                Route("/v3/conversations/{cid}/activities/{aid}", post, methods=["POST", "PUT"]),
                Route("/v3/conversations/{cid}/members/{mid}", member, methods=["GET"]),
            ]
        )


@dataclass
class FakeKeyEndpoint:
    """The Bot Framework's OpenID metadata and signing keys; it can hang until released, fail,
    or publish the keys, and it counts what it was asked."""

    url: str = ""
    requests: int = 0
    mode: str = "serve"  # or "hang", "fail"
    asked: asyncio.Event = field(default_factory=asyncio.Event)
    _release: asyncio.Event = field(default_factory=asyncio.Event)
    key: rsa.RSAPrivateKey = field(default_factory=lambda: rsa.generate_private_key(65537, 2048))

    def release(self) -> None:
        """Hanging requests answer now (with a 500)."""
        self._release.set()

    def token(self, app_id: str, *, key: rsa.RSAPrivateKey | None = None) -> str:
        """A channel token as the Bot Framework signs them (another `key` forges one)."""
        claims = {"iss": "https://api.botframework.com", "aud": app_id, "exp": int(time.time()) + 600}
        return jwt.encode(claims, key or self.key, algorithm="RS256", headers={"kid": "stafet-test-key"})

    def app(self) -> Starlette:
        async def answer(request: Request) -> JSONResponse:
            self.requests += 1
            self.asked.set()
            if self.mode == "hang":
                await self._release.wait()
            if self.mode != "serve":
                return JSONResponse({"error": "unavailable"}, 500)
            if request.url.path.endswith("/openid"):
                return JSONResponse({"jwks_uri": f"{self.url}/keys"})
            public = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
            return JSONResponse({"keys": [{**public, "kid": "stafet-test-key", "endorsements": ["msteams"]}]})

        return Starlette(routes=[Route("/openid", answer), Route("/keys", answer)])


@asynccontextmanager
async def fake_key_endpoint() -> AsyncIterator[FakeKeyEndpoint]:
    endpoint = FakeKeyEndpoint()
    async with live_server(endpoint.app()) as url:
        endpoint.url = url
        yield endpoint


@asynccontextmanager
async def fake_connector() -> AsyncIterator[FakeConnector]:
    connector = FakeConnector()
    async with live_server(connector.app()) as url:
        connector.url = url + "/"
        yield connector


@dataclass
class TeamsUser:
    """Someone in Teams: posts activities to the bot as the Teams service would."""

    http: httpx.AsyncClient
    service_url: str
    user_id: str
    name: str
    conversation_id: str = ""
    team: bool = False
    locale: str = "en-US"
    timezone: str = "Europe/Copenhagen"

    def __post_init__(self) -> None:
        self.conversation_id = self.conversation_id or f"a:personal-{self.user_id}"

    def activity(self, kind: str, **extra: Any) -> dict[str, Any]:
        conversation: dict[str, Any] = {"id": self.conversation_id, "tenantId": TENANT}
        conversation["conversationType"] = "channel" if self.team else "personal"
        channel_data: dict[str, Any] = {"tenant": {"id": TENANT}}
        if self.team:
            channel_data |= {"team": {"id": "19:team@thread.tacv2"}, "channel": {"id": self.conversation_id}}
        return {
            "type": kind,
            "id": str(uuid.uuid4()),
            "timestamp": "2026-11-23T08:00:00.000Z",
            "localTimestamp": "2026-11-23T09:00:00.000+01:00",
            "localTimezone": self.timezone,
            "serviceUrl": self.service_url,
            "channelId": "msteams",
            "from": {"id": self.user_id, "name": self.name, "aadObjectId": f"aad-{self.user_id}"},
            "conversation": conversation,
            "recipient": BOT,
            "locale": self.locale,
            "entities": [
                {
                    "type": "clientInfo",
                    "locale": self.locale,
                    "country": "DK",
                    "platform": "Web",
                    "timezone": self.timezone,
                }
            ],
            "channelData": channel_data,
            **extra,
        }

    async def post(self, activity: dict[str, Any], headers: dict[str, str] | None = None) -> httpx.Response:
        return await self.http.post("/api/messages", json=activity, headers=headers or {})

    async def say(self, text: str) -> httpx.Response:
        return await self.post(self.activity("message", text=text, textFormat="plain"))

    async def submit(self, value: dict[str, Any], reply_to: str) -> httpx.Response:
        return await self.post(self.activity("message", value=value, replyToId=reply_to))

    async def install(self) -> httpx.Response:
        return await self.post(self.activity("conversationUpdate", membersAdded=[BOT]))


# Fixtures and helpers for Teams tests (import the fixtures into the test module).


@pytest.fixture
async def connector() -> AsyncIterator[FakeConnector]:
    async with fake_connector() as running:
        yield running
    assert running.refused == [], "cards that break the Adaptive Card 1.5 schema"


@pytest.fixture
def teams(http: httpx.AsyncClient, connector: FakeConnector):  # type: ignore[no-untyped-def]
    """`teams("29:anna", "Anna")` gives a Teams user talking to the live server."""

    def make(user_id: str, name: str, **options: Any) -> TeamsUser:
        return TeamsUser(http, connector.url, user_id, name, **options)

    return make


def card_of(body: dict[str, Any]) -> dict[str, Any]:
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["content"]["version"] == "1.5"
    return attachment["content"]


def texts(card: dict[str, Any]) -> list[str]:
    return [item["text"] for item in card["body"] if item["type"] == "TextBlock"]


def action_titled(card: dict[str, Any], title: str) -> dict[str, Any]:
    for item in card["body"]:
        for action in item.get("actions", ()):
            if action["title"] == title:
                return action
    raise AssertionError(f"no action {title!r} in card")


async def people(app: FastAPI) -> list[Person]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(Person).order_by(Person.id))).all())


async def refs(app: FastAPI) -> list[ConversationRef]:
    async with app.state.context.db.unit_of_work() as session:
        return list((await session.scalars(select(ConversationRef).order_by(ConversationRef.id))).all())
