"""`stafet ambassador` (the registry) and `stafet faq` (review and approve entries)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from bot.admin.audit import AuditLog
from bot.admin.roles import CLI
from bot.cli.common import console_error, settings_of
from bot.clock import SystemClock
from bot.context import AppContext
from bot.questions import registry
from bot.questions.faq import FaqService
from bot.questions.registry import Profile, RegistryError
from bot.questions.service import QuestionService
from bot.runtime.errors import UserFacingError
from storage.database import Database
from storage.repositories.people import PeopleRepository
from storage.repositories.questions import FaqRepository, QuestionRepository

ambassador_app = typer.Typer(help="The digital ambassadors who answer questions.", no_args_is_help=True)
faq_app = typer.Typer(help="FAQ entries grown from answered questions.", no_args_is_help=True)


def _run[T](ctx: typer.Context, work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    async def main() -> T:
        database = Database(settings_of(ctx).database_url)
        try:
            async with database.unit_of_work() as session:
                return await work(session)
        finally:
            await database.engine.dispose()

    try:
        return asyncio.run(main())
    except RegistryError as error:
        console_error(str(error))
        raise typer.Exit(1) from None


def _audited[T](
    ctx: typer.Context, action: str, target: str, work: Callable[[AsyncSession], Awaitable[T]]
) -> T:
    """Run `work` and write its audit line in the same unit of work."""

    async def both(session: AsyncSession) -> T:
        result = await work(session)
        await AuditLog(session, SystemClock()).record(CLI, action, target)
        return result

    return _run(ctx, both)


def _with_services[T](
    ctx: typer.Context, work: Callable[[AsyncSession, AppContext], Awaitable[T]]
) -> Callable[[AsyncSession], Awaitable[T]]:
    """Work that needs the question services (catalogue, content, outbox) of a full context."""
    from bot.app import build_context

    async def run(session: AsyncSession) -> T:
        context = build_context(settings_of(ctx))
        try:
            return await work(session, context)
        finally:
            await context.db.engine.dispose()

    return run


def _profile(
    topic: list[str], language: list[str], department: str | None, hours: str | None,
    timezone: str | None, cap: int | None, status: str | None, until: str | None,
) -> Profile:  # fmt: skip
    try:
        topics = registry.parse_topics(topic) if topic else None
        if until and not _is_date(until):
            raise RegistryError(f"--until must look like 2026-12-01, got {until}")
    except RegistryError as error:
        console_error(str(error))
        raise typer.Exit(1) from None
    back_on = date.fromisoformat(until) if until else None
    return Profile(
        topics=topics,
        languages=language or None,
        department=department,
        hours=hours,
        timezone=timezone,
        cap=cap,
        status=status,
        back_on=back_on,
    )


def _is_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


TOPIC = typer.Option([], "--topic", help="topic[:proficiency 1-3], repeatable")
LANGUAGE = typer.Option([], "--language", help="da, en or nb; repeatable")


@ambassador_app.command("add")
def add(
    ctx: typer.Context, email: str, topic: list[str] = TOPIC, language: list[str] = LANGUAGE,
    department: str | None = None, hours: str | None = typer.Option(None, help="e.g. 08:00-16:00"),
    timezone: str | None = None, cap: int | None = None,
) -> None:  # fmt: skip
    """Register EMAIL as an ambassador (or update them)."""
    profile = _profile(topic, language, department, hours, timezone, cap, None, None)
    _audited(
        ctx,
        "ambassador.add",
        email,
        lambda s: registry.save(s, email, profile, SystemClock().now(), create=True),
    )
    typer.echo(f"{email} is an ambassador.")


@ambassador_app.command("update")
def update(
    ctx: typer.Context, email: str, topic: list[str] = TOPIC, language: list[str] = LANGUAGE,
    department: str | None = None, hours: str | None = None, timezone: str | None = None,
    cap: int | None = None, status: str | None = typer.Option(None, help="available, away or out"),
    until: str | None = typer.Option(None, help="with --status out: back on YYYY-MM-DD"),
) -> None:  # fmt: skip
    """Change an ambassador's topics, languages, hours, status or cap."""
    profile = _profile(topic, language, department, hours, timezone, cap, status, until)
    _audited(
        ctx,
        "ambassador.update",
        email,
        lambda s: registry.save(s, email, profile, SystemClock().now(), create=False),
    )
    typer.echo(f"{email} updated.")


@ambassador_app.command("remove")
def remove(ctx: typer.Context, email: str) -> None:
    """EMAIL is no longer an ambassador; the questions they held move on to another."""

    async def work(session: AsyncSession, context: AppContext) -> int:
        person = await registry.retire(session, email)
        return await QuestionService(session, context).hand_back(person.id, "removed")

    moved = _audited(ctx, "ambassador.remove", email, _with_services(ctx, work))
    typer.echo(f"{email} is no longer an ambassador; {moved} question(s) moved on.")


@ambassador_app.command("list")
def list_ambassadors(ctx: typer.Context) -> None:
    """Every ambassador with topics, languages, hours, status and cap."""

    async def work(session: AsyncSession) -> list[str]:
        lines = []
        for a, p in await QuestionRepository(session).ambassadors():
            topics = ",".join(f"{k}:{v}" for k, v in sorted(a.topics.items()))
            back = a.away_until.astimezone(ZoneInfo(a.timezone)).date() if a.away_until else None
            until = f" until {back}" if back else ""
            lines.append(
                f"{p.email}\t{topics}\t{','.join(a.languages)}\t{a.department}\t"
                f"{a.work_start}-{a.work_end} {a.timezone}\t{a.status}{until}\tcap {a.cap}"
            )
        return lines

    for line in _run(ctx, work) or ["No ambassadors yet."]:
        typer.echo(line)


@ambassador_app.command("group")
def group(ctx: typer.Context, platform: str, workspace: str, conversation: str) -> None:
    """Set the ambassadors' channel (e.g. `slack T0123 C0456`) for escalated questions."""
    where = f"{platform}:{workspace}:{conversation}"
    _audited(
        ctx, "ambassador.group", where,
        lambda s: registry.set_group(s, platform, workspace, conversation, SystemClock().now()),
    )  # fmt: skip
    typer.echo("Escalated questions will go to that conversation.")


@ambassador_app.command("routing")
def routing(ctx: typer.Context, question_id: int) -> None:
    """How a question was routed, and why (never who asked)."""

    async def work(session: AsyncSession) -> list[dict[str, Any]]:
        question = await QuestionRepository(session).get(question_id)
        if question is None:
            raise RegistryError(f"no question {question_id}")
        return question.routing

    typer.echo(json.dumps(_run(ctx, work), indent=2, ensure_ascii=False))


@faq_app.command("list")
def list_faq(
    ctx: typer.Context,
    status: str | None = typer.Option(None, help="proposed, approved, rejected or retired"),
) -> None:
    """FAQ entries; approved ones past their review date are flagged STALE."""
    now = SystemClock().now()

    async def work(session: AsyncSession) -> list[str]:
        lines = []
        for e in await FaqRepository(session).listing(status):
            stale = " STALE" if e.status == "approved" and e.review_at and e.review_at <= now else ""
            review = f" review {e.review_at.date()}" if e.review_at else ""
            lines.append(f"#{e.id} [{e.status}{stale}]{review} {e.language} {e.topic}: {e.question}")
        return lines

    for line in _run(ctx, work) or ["No FAQ entries."]:
        typer.echo(line)


def _faq_change(
    ctx: typer.Context, entry_id: int, action: str, change: Callable[[FaqService], Awaitable[object]]
) -> None:
    """Run one FAQ change as the command line, audit-logged, errors said in words."""

    async def work(session: AsyncSession, context: AppContext) -> None:
        try:
            await change(FaqService(session, context))
        except UserFacingError as error:
            reason = context.catalogue.text("en", error.key, **error.params)
            raise RegistryError(f"cannot {action} #{entry_id}: {reason}") from None

    _audited(ctx, f"faq.{action}", f"faq:{entry_id}", _with_services(ctx, work))


@faq_app.command("reject")
def reject(
    ctx: typer.Context, entry_id: int, reason: str = typer.Option(..., help="told to the proposer")
) -> None:
    """Turn a proposed entry down; the proposer is told the reason."""
    _faq_change(ctx, entry_id, "reject", lambda faq: faq.reject(entry_id, None, reason))
    typer.echo(f"FAQ proposal #{entry_id} is rejected.")


@faq_app.command("edit")
def edit(
    ctx: typer.Context,
    entry_id: int,
    question: str = typer.Option(..., help="the question as it will be shown"),
    answer: str = typer.Option(..., help="the answer as it will be shown"),
) -> None:
    """New wording for a proposed or published entry."""
    _faq_change(ctx, entry_id, "edit", lambda faq: faq.edit(entry_id, question, answer))
    typer.echo(f"FAQ entry #{entry_id} is changed.")


@faq_app.command("retire")
def retire(ctx: typer.Context, entry_id: int) -> None:
    """Stop offering a published entry to people asking."""
    _faq_change(ctx, entry_id, "retire", lambda faq: faq.retire(entry_id))
    typer.echo(f"FAQ entry #{entry_id} is retired.")


@faq_app.command("approve")
def approve(
    ctx: typer.Context, entry_id: int, by: str = typer.Option(..., help="coordinator's email")
) -> None:
    """Publish a proposed entry (as the coordinator BY)."""

    async def work(session: AsyncSession, context: AppContext) -> int:
        coordinator = await PeopleRepository(session).by_email(by)
        if coordinator is None or coordinator.role != "coordinator":
            raise RegistryError(f"{by} is not a coordinator")
        try:
            entry = await FaqService(session, context).approve(entry_id, coordinator)
        except UserFacingError as error:
            reason = context.catalogue.text("en", error.key, **error.params)
            raise RegistryError(f"cannot approve #{entry_id}: {reason}") from None
        return entry.id

    published = _audited(ctx, "faq.approve", f"faq:{entry_id}", _with_services(ctx, work))
    typer.echo(f"FAQ entry #{published} is published.")
