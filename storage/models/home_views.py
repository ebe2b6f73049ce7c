"""Who has opened Slack's App Home: their view is re-published when something they would see
there changes. In the database, so every replica knows, whichever one served the opening."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.base import Base
from storage.types import UTCDateTime


class SlackHomeView(Base):
    __tablename__ = "slack_home_views"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
