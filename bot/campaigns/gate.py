"""Send-time rules for campaign rows: campaign state, participation, the recipient's window,
one reminder for an unanswered nudge, and a pause (with one question) after three ignored.

The gate only decides; what a sent nudge changes (the ignored streak, its reminder) is recorded
by `nudges_sent` once the platform has accepted it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.campaigns.timing import LocalRules, in_window, next_window_start, resolve, window_end
from bot.context import AppContext
from bot.delivery.outbox import Outbox
from bot.delivery.policy import Decision, preference_of, preload_preferences
from bot.runtime.replies import Button, Reply
from storage.lists import one_of
from storage.models import Campaign, CampaignParticipant, OutboxMessage, Person
from storage.repositories.campaigns import CampaignRepository

REMINDER_AFTER = timedelta(hours=2)
IGNORED_BEFORE_PAUSE = 3


async def campaign_gate(
    session: AsyncSession, row: OutboxMessage, person: Person, now: datetime, app: AppContext
) -> Decision | None:
    if row.campaign_id is None or row.kind != "nudge":
        return None
    campaign = await session.get(Campaign, row.campaign_id)
    if campaign is None or campaign.state in ("finished", "draft"):
        return Decision("drop", reason="campaign finished")
    if campaign.state == "paused":
        return Decision("hold", reason="campaign paused")
    repo = CampaignRepository(session)
    participant = await repo.participant(campaign.id, person.id, now)
    if participant.status != "active":
        return Decision("drop", reason=f"participation {participant.status}")
    rules = await rules_for(session, campaign, person, app.settings.default_timezone)
    # A nudge goes out on its day or not at all (quiet hours over the whole window, a long pause):
    # the next occurrence brings the next lesson, and nobody gets a pile of them at once.
    its_day = max(_planned_for(row, rules), row.created_at).astimezone(rules.zone).date()
    if now.astimezone(rules.zone).date() > its_day:
        return Decision("drop", reason="missed its day")
    if not in_window(rules, now):
        return Decision("defer", next_window_start(rules, now), "outside the send window")
    if (row.payload or {}).get("reminder"):
        nudged = participant.last_nudge_at
        answered = nudged is None or (person.last_active_at is not None and person.last_active_at >= nudged)
        return Decision("drop", reason="answered before the reminder") if answered else None
    if streak_if_sent(participant, person) >= IGNORED_BEFORE_PAUSE:
        participant.status, participant.asked_at, participant.updated_at = "paused", now, now
        await repo.drop_pending_for(campaign.id, person.id, "participation paused after three ignored")
        await _ask_to_continue(session, app, campaign, person, now)
        return Decision("drop", reason="three nudges ignored: asked whether to continue")
    return None


def streak_if_sent(participant: CampaignParticipant, person: Person) -> int:
    """The ignored streak once another nudge goes: the last one counts unless answered since."""
    if participant.last_nudge_at is None:
        return participant.ignored_streak
    answered = person.last_active_at is not None and person.last_active_at >= participant.last_nudge_at
    return 0 if answered else participant.ignored_streak + 1


async def nudges_sent(
    session: AsyncSession, rows: Sequence[OutboxMessage], now: datetime, app: AppContext
) -> None:
    """A nudge counts (ignored streak, last nudge, its reminder) when recorded as sent, never when
    claimed: a 429, a timeout or a crash retries the row without anyone looking ignored."""
    nudges = [
        r
        for r in rows
        if r.campaign_id is not None and r.kind == "nudge" and r.person_id is not None
        and not (r.payload or {}).get("reminder")
    ]  # fmt: skip
    if not nudges:
        return
    person_ids = sorted({r.person_id for r in nudges if r.person_id is not None})
    people = {
        p.id: p for p in await session.scalars(select(Person).where(one_of(session, Person.id, person_ids)))
    }
    campaign_ids = {r.campaign_id for r in nudges}
    found = await session.scalars(select(Campaign).where(Campaign.id.in_(campaign_ids)))
    campaigns = {c.id: c for c in found}
    await preload_preferences(session, person_ids)
    repo = CampaignRepository(session)
    await repo.load_batch({(r.campaign_id, r.person_id) for r in nudges})  # type: ignore[misc]
    streaks: dict[int, list[tuple[int, int]]] = defaultdict(list)  # new streak -> participants
    for row in nudges:
        person, campaign = people.get(row.person_id or 0), campaigns.get(row.campaign_id or 0)
        if person is None or campaign is None:
            continue
        participant = await repo.participant(campaign.id, person.id, now)
        streaks[streak_if_sent(participant, person)].append((campaign.id, person.id))
        rules = await rules_for(session, campaign, person, app.settings.default_timezone)
        if now + REMINDER_AFTER < window_end(rules, now):
            Outbox(session, app.clock).enqueue_later(
                key=f"{row.key}:reminder",
                person_id=person.id,
                kind="nudge",
                campaign_id=campaign.id,
                payload={**(row.payload or {}), "reminder": True},
                due_at=now + REMINDER_AFTER,
            )
    await session.flush()  # new participants first; then one UPDATE per resulting streak, not per person
    for streak, keys in streaks.items():
        await session.execute(
            update(CampaignParticipant)
            .where(tuple_(CampaignParticipant.campaign_id, CampaignParticipant.person_id).in_(keys))
            .values(ignored_streak=streak, last_nudge_at=now, updated_at=now)
            .execution_options(synchronize_session=False)
        )


async def rules_for(session: AsyncSession, campaign: Campaign, person: Person, org_zone: str) -> LocalRules:
    preference = await preference_of(session, person.id)
    window = (preference.window_start, preference.window_end) if preference else (None, None)
    return resolve(
        person.timezone,
        window,
        preference.working_days if preference else None,
        campaign.timezone,
        (campaign.window_start, campaign.window_end),
        campaign.working_days,
        org_zone,
        campaign.holiday_country,
    )


async def _ask_to_continue(
    session: AsyncSession, app: AppContext, campaign: Campaign, person: Person, now: datetime
) -> None:
    language = person.language or app.settings.default_language

    def t(key: str, **params: object) -> str:
        return app.catalogue.text(language, key, **params)

    question = Reply(
        text=t("campaigns.ask_continue", campaign=campaign.name),
        buttons=(
            Button(t("campaigns.continue"), "campaigns.continue", str(campaign.id), "primary"),
            Button(t("campaigns.stop"), "campaigns.stop", str(campaign.id)),
        ),
    )
    await Outbox(session, app.clock).enqueue(
        key=f"campaign-ask:{campaign.id}:{person.id}", person_id=person.id, reply=question, due_at=now
    )


def _planned_for(row: OutboxMessage, rules: LocalRules) -> datetime:
    """When the row's occurrence fires in the recipient's zone (catch-up rows: when queued)."""
    occurrence = str((row.payload or {}).get("occurrence", ""))
    try:
        wall = datetime.fromisoformat(occurrence.rpartition("@")[2])
    except ValueError:
        return row.created_at
    return wall.replace(tzinfo=rules.zone)
