"""Who has opened Slack's App Home, written by whichever replica served it, read by all."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import SlackHomeView


class HomeViewRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def seen(self, team_id: str, user_id: str, now: datetime) -> None:
        dialect = postgresql if self.session.bind.dialect.name == "postgresql" else sqlite
        statement = dialect.insert(SlackHomeView).values(team_id=team_id, user_id=user_id, seen_at=now)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=["team_id", "user_id"], set_={"seen_at": statement.excluded.seen_at}
            )
        )

    async def everyone(self) -> set[tuple[str, str]]:
        """(team, user) of everyone who has opened App Home."""
        found = await self.session.execute(select(SlackHomeView.team_id, SlackHomeView.user_id))
        return {(team, user) for team, user in found.all()}
