"""Help: what the bot can do, offered for `help` and for anything it did not understand."""

from __future__ import annotations

from bot.runtime.replies import Button, Reply
from bot.runtime.router import Router
from bot.runtime.turn import Turn


def register(router: Router) -> None:
    async def show_help(turn: Turn) -> Reply:
        return help_reply(turn, router, understood=True)

    async def not_understood(turn: Turn) -> Reply:
        return help_reply(turn, router, understood=not turn.args)

    async def open_menu_entry(turn: Turn) -> Reply | list[Reply] | None:
        command = router.commands.get(turn.event.value)
        if command is None:
            return help_reply(turn, router, understood=False)
        return await command.handler(turn)

    router.command("help", show_help, help_key="help.command.help")
    router.action("menu", open_menu_entry)
    router.fallback(not_understood)


def help_reply(turn: Turn, router: Router, *, understood: bool) -> Reply:
    """The commands this person may use, with their descriptions, and buttons for the main ones."""
    lines = [turn.t("help.intro" if understood else "help.not_understood"), ""]
    commands = [c for c in router.commands.values() if not c.roles or turn.person.role in c.roles]
    for command in commands:
        if command.help_key:
            word = turn.t(f"command.{command.name}").split("|")[0]
            lines.append(f"- **{word}**: {turn.t(command.help_key)}")
    buttons = tuple(Button(turn.t(f"menu.{c.name}"), "menu", c.name) for c in commands if c.menu)
    return Reply(title=turn.t("help.title"), text="\n".join(lines), buttons=buttons)
