"""The home view: what each feature has to show a person right now (progress, surveys, questions).

The web chat shows it for the `home` command; Slack publishes the same replies to App Home.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence

from bot.runtime.replies import Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn

HomeSection = Callable[[Turn], Awaitable[Reply | None]]


def register(router: Router, sections: Sequence[HomeSection]) -> None:
    async def home(turn: Turn) -> list[Reply]:
        return await home_view(turn, sections)

    router.command("home", home, help_key="help.command.home", menu=True)


async def home_view(turn: Turn, sections: Sequence[HomeSection]) -> list[Reply]:
    replies = [reply for section in sections if (reply := await section(turn)) is not None]
    return replies or [Reply(title=turn.t("home.title"), text=turn.t("home.empty"))]
