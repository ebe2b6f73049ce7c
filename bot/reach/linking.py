"""One page of directory accounts → people, identities, and a way to write to each of them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.i18n import normalise_language
from bot.reach.directory import Member, SyncReport
from bot.runtime.events import Platform
from storage.repositories.reach import PersonFacts, ReachRepository


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

    async def apply(self, members: list[Member], now: datetime) -> SyncReport:
        """Core statements per page, no ORM objects: 100,000 members are a few hundred of them."""
        report = SyncReport()
        wanted = [m for m in members if self._wanted(m, report)]
        user_ids = [m.user_id for m in wanted]
        known = await self.reach.identities(self.platform.value, self.workspace_id, user_ids)
        emails = {_email(m) for m in wanted if m.user_id not in known} - {""}
        by_email = await self.reach.people_by_email(emails) if emails else {}
        reachable: list[tuple[int, str]] = []  # (identity id, user id) to make reachable
        links: list[tuple[int, str]] = []  # (person id, user id) to link
        unknown: dict[str, list[Member]] = {}  # email -> members to create a person for
        active: dict[int, bool] = {}  # identity id -> active, where that changes
        gaps: list[dict[str, object]] = []  # what the directory fills in on people
        for member in wanted:
            identity = known.get(member.user_id)
            if identity is not None:
                if identity.active != member.active:
                    active[identity.id] = member.active
                if not member.active:
                    report.deactivated += identity.active
                    continue
                report.linked += 1
                gaps += _gaps(identity.person, member)
                reachable.append((identity.id, member.user_id))
            elif self._linkable(member, report):
                person = by_email.get(_email(member))
                if person is not None:
                    report.linked += 1
                    gaps += _gaps(person, member)
                    links.append((person.id, member.user_id))
                elif self.options.create:
                    report.new += _email(member) not in unknown
                    unknown.setdefault(_email(member), []).append(member)
                else:
                    report.unmatched["not_imported"] += 1
        await self.reach.set_active(active)
        await self.reach.fill_gaps(gaps)
        links += await self._create_people(unknown, now)
        reachable += await self.reach.add_identities(self.platform.value, self.workspace_id, links, now)
        await self._make_reachable(reachable, now)
        return report

    def _wanted(self, member: Member, report: SyncReport) -> bool:
        if member.kind == "bot":
            report.unmatched["bot"] += 1
            return False
        if member.kind == "guest" and not self.options.guests:
            report.unmatched["guest"] += 1
            return False
        return True

    @staticmethod
    def _linkable(member: Member, report: SyncReport) -> bool:
        if not member.active:
            report.unmatched["deleted"] += 1
            return False
        if not _email(member):
            report.unmatched["no_email"] += 1
            return False
        return True

    async def _create_people(self, unknown: dict[str, list[Member]], now: datetime) -> list[tuple[int, str]]:
        rows = [
            {
                "email": email,
                "display_name": found[0].name,
                "department": found[0].department,
                "language": normalise_language(found[0].language),
                "timezone": found[0].timezone,
                "created_at": now,
            }
            for email, found in unknown.items()
        ]
        created = await self.reach.add_people(rows)
        return [
            (created[email], m.user_id) for email, found in unknown.items() for m in found if email in created
        ]

    async def _make_reachable(self, identities: list[tuple[int, str]], now: datetime) -> None:
        """Slack: a conversation addressed by user id (Slack opens the DM on the first post).
        Teams: an installation queued for the installer, unless one was queued before."""
        if not identities:
            return
        done = await self.reach.reachable_identities([i for i, _ in identities])
        todo = [(i, user_id) for i, user_id in identities if i not in done]
        if self.options.direct:
            await self.reach.add_direct_conversations(self.platform.value, self.workspace_id, todo, now)
        else:
            await self.reach.queue_installs([i for i, _ in todo], now)


def _email(member: Member) -> str:
    return member.email.strip().lower() if member.email else ""


def _gaps(person: PersonFacts, member: Member) -> list[dict[str, object]]:
    """Fill gaps from the directory; never overwrite what HR imported or the person chose."""
    language = normalise_language(member.language)
    fills = (
        (not person.display_name and member.name)
        or (not person.department and member.department)
        or (not person.timezone and member.timezone)
        or (not person.language and language)
    )
    if not fills:
        return []
    return [
        {
            "pid": person.id,
            "name": member.name,
            "dept": member.department,
            "tz": member.timezone,
            "lang": language,
        }
    ]
