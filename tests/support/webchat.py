"""Talks to the web chat JSON API exactly as a person's browser does: in the open demo naming the
person in each request, or signed in through a (fake) OpenID Connect provider with a session."""

from __future__ import annotations

from typing import Any

import httpx

from tests.support.oidc import FakeProvider


class ChatClient:
    """`user` names the person in the open demo; None: the session cookie in `http` says who."""

    def __init__(self, http: httpx.AsyncClient, user: str | None, name: str | None = None) -> None:
        self.http = http
        self.user = user
        self.name = name
        self.seen = 0

    async def say(self, text: str) -> list[dict[str, Any]]:
        """Send a text; returns the bot's replies to it."""
        return await self._send({"text": text})

    async def click(
        self, action: str, value: str = "", *, fields: dict[str, str] | None = None
    ) -> list[dict[str, Any]]:
        """Use a button, choice or form; returns the bot's replies."""
        return await self._send({"action": action, "value": value, "fields": fields or {}})

    async def press(self, label: str) -> list[dict[str, Any]]:
        """Click the newest control whose label is `label`."""
        for message in reversed(await self.history()):
            for control in self.controls(message):
                if control["label"] == label:
                    return await self._send(
                        {"action": control["action"], "value": control["value"], "message": message["n"]}
                    )
        raise AssertionError(f"no control labelled {label!r} in the conversation")

    async def history(self, after: int = 0) -> list[dict[str, Any]]:
        params: dict[str, str | int] = {"after": after} | ({"user": self.user} if self.user else {})
        response = await self.http.get("/chat/api/messages", params=params)
        response.raise_for_status()
        return response.json()["messages"]

    async def new_messages(self) -> list[dict[str, Any]]:
        """Messages (proactive ones included) since the last call."""
        found = await self.history(self.seen)
        if found:
            self.seen = found[-1]["n"]
        return found

    @staticmethod
    def controls(message: dict[str, Any]) -> list[dict[str, Any]]:
        scale = message["scale"]["buttons"] if message.get("scale") else []
        return [*message["buttons"], *scale, *message["choices"]]

    async def _send(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        who = {"user": self.user} if self.user else {}
        payload = {**who, **({"name": self.name} if self.name else {}), **body}
        response = await self.http.post("/chat/api/send", json=payload)
        response.raise_for_status()
        messages = response.json()["messages"]
        before = self.seen
        if messages:
            self.seen = max(self.seen, messages[-1]["n"])
        return [m for m in messages if m["from"] == "bot" and m["n"] > before]


async def sign_in(
    http: httpx.AsyncClient, provider: FakeProvider, email: str, name: str = "", via: str = "slack"
) -> ChatClient:
    """Sign `http` in to the web chat as `email` through the fake provider; a client for them."""
    provider.user = {"sub": email, "email": email, "name": name or email.split("@")[0].title()}
    page = await http.get(f"/chat/signin/{via}", follow_redirects=True)
    assert page.status_code == 200 and str(page.url).endswith("/chat"), page.status_code
    assert "stafet_chat" in http.cookies
    return ChatClient(http, None)
