"""One page of directory accounts → people, identities, and a way to write to each of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import normalise_language
from bot.reach.directory import Member, SyncReport
from bot.runtime.events import Platform
from storage.models import AppInstall, ConversationRef, Identity, Person
from storage.repositories.people import PeopleRepository
from storage.repositories.reach import ReachRepository


@dataclass(frozen=True, slots=True)
class LinkOptions:
    create: bool = False  # create people HR did not import
    guests: bool = False  # link guest accounts too
    direct: bool = True  # the bot may write to a member by user id (else: install the app first)


class DirectoryLinker:
    """Links a workspace's accounts to people by email; flushes, never commits."""

    def __init__(
        self, session: AsyncSession, platform: Platform, workspace_id: str, options: LinkOptions
    ) -> None:
        self.session = session
        self.platform = platform
        self.workspace_id = workspace_id
        self.options = options
        self.reach = ReachRepository(session)
        self.people = PeopleRepository(session)

    async def apply(self, members: list[Member], now: datetime) -> SyncReport:
        report = SyncReport()
        wanted = [m for m in members if self._wanted(m, report)]
        known = await self.reach.identities(
            self.platform.value, self.workspace_id, [m.user_id for m in wanted]
        )
        emails = {m.email.strip().lower() for m in wanted if m.user_id not in known and m.email}
        by_email = await self.reach.people_by_email(emails) if emails else {}
        linked: list[Identity] = []
        for member in wanted:
            identity = known.get(member.user_id)
            if identity is None:
                identity = await self._link(member, by_email, report, now)
                if identity is None:
                    continue
            elif not member.active:
                report.deactivated += identity.active
                identity.active = False
                continue
            else:
                identity.active = True
                report.linked += 1
            _enrich(identity.person, member)
            linked.append(identity)
        await self.session.flush()
        await self._make_reachable(linked, now)
        return report

    def _wanted(self, member: Member, report: SyncReport) -> bool:
        if member.kind == "bot":
            report.unmatched["bot"] += 1
            return False
        if member.kind == "guest" and not self.options.guests:
            report.unmatched["guest"] += 1
            return False
        return True

    async def _link(
        self, member: Member, by_email: dict[str, Person], report: SyncReport, now: datetime
    ) -> Identity | None:
        if not member.active:
            report.unmatched["deleted"] += 1
            return None
        email = member.email.strip().lower() if member.email else ""
        if not email:
            report.unmatched["no_email"] += 1
            return None
        person = by_email.get(email)
        if person is None and not self.options.create:
            report.unmatched["not_imported"] += 1
            return None
        if person is None:
            person = await self.people.add_person(
                now, email=email, display_name=member.name, department=member.department
            )
            by_email[email] = person
            report.new += 1
        else:
            report.linked += 1
        identity = Identity(
            person=person,
            platform=self.platform.value,
            workspace_id=self.workspace_id,
            user_id=member.user_id,
            created_at=now,
        )
        self.session.add(identity)
        return identity

    async def _make_reachable(self, identities: list[Identity], now: datetime) -> None:
        """Slack: a conversation addressed by user id (Slack opens the DM on the first post).
        Teams: an installation queued for the installer, unless one was queued before."""
        if not identities:
            return
        ids = [identity.id for identity in identities]
        reachable = await self.reach.reachable_identities(ids)
        todo = [identity for identity in identities if identity.id not in reachable]
        if self.options.direct:
            for identity in todo:
                self.session.add(
                    ConversationRef(
                        platform=self.platform.value,
                        workspace_id=self.workspace_id,
                        conversation_id=identity.user_id,
                        identity_id=identity.id,
                        kind="personal",
                        reference={},
                        updated_at=now,
                    )
                )
        else:
            queued = await self.reach.installs([identity.id for identity in todo])
            for identity in todo:
                if identity.id not in queued:
                    self.session.add(
                        AppInstall(identity_id=identity.id, status="pending", due_at=now, updated_at=now)
                    )
        await self.session.flush()


def _enrich(person: Person, member: Member) -> None:
    """Fill gaps from the directory; never overwrite what HR imported or the person chose."""
    if not person.display_name and member.name:
        person.display_name = member.name
    if not person.department and member.department:
        person.department = member.department
    if not person.timezone and member.timezone:
        person.timezone = member.timezone
    if not person.language and member.language:
        person.language = normalise_language(member.language)
