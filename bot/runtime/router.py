"""Explicit routing: commands, actions and intents register by name; unknown input falls back."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from bot.i18n import Catalogue
from bot.runtime.events import Event
from bot.runtime.replies import Reply
from bot.runtime.turn import Turn

HandlerResult = Reply | Sequence[Reply] | None
Handler = Callable[[Turn], Awaitable[HandlerResult]]
IntentMatcher = Callable[[str, str], bool]  # (text, language) -> does it match?


@dataclass(frozen=True, slots=True)
class Command:
    name: str
    handler: Handler
    help_key: str | None
    menu: bool
    roles: tuple[str, ...] = ()  # help lists it only for people with one of these roles; () for all


@dataclass(frozen=True, slots=True)
class Route:
    handler: Handler
    args: str = ""


class Router:
    """Maps events to handlers. Command words come from the catalogue (`command.<name>`)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self.catalogue = catalogue
        self.commands: dict[str, Command] = {}
        self._words: dict[str, str] = {}
        self._actions: dict[str, Handler] = {}
        self._private: set[str] = set()
        self._intents: list[tuple[str, IntentMatcher, Handler]] = []
        self._fallback: Handler | None = None

    def command(
        self,
        name: str,
        handler: Handler,
        *,
        help_key: str | None = None,
        menu: bool = False,
        roles: tuple[str, ...] = (),
    ) -> None:
        """Register `name`; the words in `command.<name>` (every language, `|`-separated) call it."""
        if name in self.commands:
            raise ValueError(f"command {name!r} registered twice")
        self.commands[name] = Command(name, handler, help_key, menu, roles)
        words = {name}
        key = f"command.{name}"
        if self.catalogue.has(key):
            words.update(self.catalogue.words(key))
        for word in words:
            if self._words.get(word, name) != name:
                raise ValueError(f"command word {word!r} used by {self._words[word]!r} and {name!r}")
            self._words[word] = name

    def action(self, action_id: str, handler: Handler, *, private: bool = False) -> None:
        """`private`: what the person chose (a survey answer) is never echoed or kept in a
        transcript; adapters show only that it was recorded."""
        if action_id in self._actions:
            raise ValueError(f"action {action_id!r} registered twice")
        self._actions[action_id] = handler
        if private:
            self._private.add(action_id)

    def is_private(self, event: Event) -> bool:
        return event.action is not None and event.action in self._private

    def intent(self, name: str, matches: IntentMatcher, handler: Handler) -> None:
        """Free text that is no command but that `matches` recognises, e.g. a question."""
        if any(existing == name for existing, _, _ in self._intents):
            raise ValueError(f"intent {name!r} registered twice")
        self._intents.append((name, matches, handler))

    def fallback(self, handler: Handler) -> None:
        self._fallback = handler

    def resolve(self, event: Event, language: str) -> Route:
        if event.action is not None:
            handler = self._actions.get(event.action)
            return Route(handler) if handler else self._fall()
        return self.resolve_text(event.text, language)

    def resolve_text(self, text: str, language: str) -> Route:
        stripped = text.strip()
        head, _, rest = stripped.partition(" ")
        name = self._words.get(head.lstrip("/").lower().rstrip("?!.,"))
        if name is not None:
            return Route(self.commands[name].handler, rest.strip())
        for _, matches, handler in self._intents:
            if matches(stripped, language):
                return Route(handler, stripped)
        return self._fall(stripped)

    def _fall(self, args: str = "") -> Route:
        if self._fallback is None:
            raise LookupError("no fallback handler registered")
        return Route(self._fallback, args)
