"""Learning tests run against a small, hand-made content tree whose numbers are easy to check."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi import FastAPI

from bot.config import DEFAULT_CONTENT_DIR, Settings, load_settings
from bot.delivery.outbox import Outbox
from storage.repositories.people import PeopleRepository

FIXTURE = Path(__file__).parent.parent / "fixtures" / "learning_content"


@pytest.fixture
def content_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "content"
    directory.mkdir()
    for part in ("lessons", "tracks", "glossary.yaml"):
        (directory / part).symlink_to(FIXTURE / part)
    (directory / "messages").symlink_to(DEFAULT_CONTENT_DIR / "messages")
    return directory


@pytest.fixture
def settings(db_url: str, content_dir: Path) -> Settings:
    return load_settings(
        STAFET_DATABASE_URL=db_url,
        STAFET_DEFAULT_LANGUAGE="en",
        STAFET_SCHEDULER=False,
        STAFET_CONTENT_DIR=str(content_dir),
    )


@pytest.fixture
def nudge(app: FastAPI):  # type: ignore[no-untyped-def]
    """Queue a campaign nudge for `email` as a campaign would: kind "nudge" with a payload."""
    context = app.state.context

    async def enqueue(email: str, tracks: list[str], occurrence: str) -> None:
        async with context.db.unit_of_work() as session:
            person = await PeopleRepository(session).by_email(email)
            assert person is not None
            campaign_id = await _active_campaign(session, context.clock)
            await Outbox(session, context.clock).enqueue(
                key=f"campaign:{campaign_id}:{occurrence}:{person.id}",
                person_id=person.id,
                kind="nudge",
                payload={"campaign_id": campaign_id, "tracks": tracks, "occurrence": occurrence},
                campaign_id=campaign_id,
            )

    return enqueue


async def _active_campaign(session, clock) -> int:  # type: ignore[no-untyped-def]
    """The campaign the nudges belong to: campaign rows are only sent while their campaign is active."""
    from bot.campaigns.service import CampaignService
    from bot.campaigns.spec import CampaignSpec, KnownContent
    from bot.people.audience import Audience
    from storage.repositories.campaigns import CampaignRepository

    found = await CampaignRepository(session).get("learning")
    if found is not None:
        return found.id
    service = CampaignService(session, clock)
    campaign = await service.create(
        CampaignSpec(name="learning", cadence="weekdays 9:00", audience=Audience(True)), KnownContent()
    )
    await service.move(campaign.id, "resume")
    return campaign.id
