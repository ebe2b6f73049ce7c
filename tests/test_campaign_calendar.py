"""Cadences, local send times, DST in Copenhagen, other zones, holidays, jitter and phases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from bot.campaigns.cadence import parse_cadence, parse_days
from bot.campaigns.calendar import occurrences
from bot.campaigns.timing import base_time, jitter_seconds, next_window_start, resolve, skip_reason
from bot.runtime.errors import UserFacingError
from storage.models import Campaign


def _rules(person_zone: str | None = None, campaign_zone: str | None = None, days: str | None = None):  # type: ignore[no-untyped-def]
    return resolve(
        person_zone, (None, None), days, campaign_zone, (None, None), None, "Europe/Copenhagen", "DK"
    )


def test_friendly_and_cron_cadences_agree() -> None:
    week = (datetime(2026, 11, 23), datetime(2026, 11, 30))
    friendly = list(parse_cadence("tue,thu 10:00").between(*week))
    cron = list(parse_cadence("0 10 * * 2,4").between(*week))
    assert friendly == cron == [datetime(2026, 11, 24, 10), datetime(2026, 11, 26, 10)]
    assert len(list(parse_cadence("weekdays 9:30").between(*week))) == 5
    assert parse_days("mon-wed") == {0, 1, 2}
    for bad in ("sometimes", "tue 25:00", "0 10 * *"):
        with pytest.raises(UserFacingError):
            parse_cadence(bad)


def test_ten_oclock_stays_ten_oclock_across_copenhagen_dst() -> None:
    rules = _rules()
    before, after = (
        base_time(rules, datetime(2027, 3, 24, 10), 0),
        base_time(rules, datetime(2027, 3, 31, 10), 0),
    )
    assert before is not None and after is not None
    assert before[0] == datetime(2027, 3, 24, 9, tzinfo=UTC)  # CET, UTC+1
    assert after[0] == datetime(2027, 3, 31, 8, tzinfo=UTC)  # CEST, UTC+2
    autumn = base_time(rules, datetime(2026, 10, 26, 10), 0)
    assert autumn is not None and autumn[0] == datetime(2026, 10, 26, 9, tzinfo=UTC)


def test_a_recipient_in_another_zone_gets_it_at_their_own_ten() -> None:
    placed = base_time(_rules("America/New_York"), datetime(2026, 11, 24, 10), 0)
    assert placed is not None and placed[0] == datetime(2026, 11, 24, 15, tzinfo=UTC)
    campaign_zone = base_time(_rules(None, "Europe/London"), datetime(2026, 11, 24, 10), 0)
    assert campaign_zone is not None and campaign_zone[0] == datetime(2026, 11, 24, 10, tzinfo=UTC)


def test_holidays_follow_the_recipients_country() -> None:
    denmark, norway = _rules("Europe/Copenhagen"), _rules("Europe/Oslo")
    assert "holiday" in (skip_reason(denmark, date(2026, 12, 25)) or "")
    assert skip_reason(norway, date(2028, 5, 17)) is not None  # Norway's constitution day
    assert skip_reason(denmark, date(2028, 5, 17)) is None
    assert skip_reason(denmark, date(2026, 11, 28)) == "not a working day"
    assert base_time(denmark, datetime(2026, 12, 25, 10), 0) is None
    after_christmas = next_window_start(denmark, datetime(2026, 12, 24, 16, tzinfo=UTC))
    assert after_christmas == datetime(2026, 12, 28, 8, tzinfo=UTC)  # 25th, 26th and the weekend skipped


def test_jitter_is_stable_and_stays_inside_the_window() -> None:
    rules = _rules()
    placed = base_time(rules, datetime(2026, 11, 24, 15, 50), 30)
    assert placed is not None and placed[1] == 600  # only ten minutes of window are left
    spread = {jitter_seconds(1, "2026-11-24T10:00", person, 1800) for person in range(200)}
    assert len(spread) > 100 and max(spread) < 1800
    assert jitter_seconds(1, "x", 7, 1800) == jitter_seconds(1, "x", 7, 1800)
    early = base_time(rules, datetime(2026, 11, 24, 6, 0), 0)
    assert early is not None and early[0] == datetime(2026, 11, 24, 8, tzinfo=UTC)  # moved to 09:00 local


def test_phases_are_anchored_to_the_event_date() -> None:
    campaign = Campaign(
        cadence="mon 10:00",
        event_date=date(2026, 12, 10),
        phases={
            "items": [
                {"name": "pre-work", "from_day": -14, "to_day": -1, "cadence": "tue,thu 10:00"},
                {"name": "follow-up", "from_day": 1, "to_day": 14, "cadence": None},
            ]
        },
    )
    found = occurrences(campaign, datetime(2026, 11, 1), datetime(2027, 1, 1))
    pre = [o.wall.date() for o in found if o.phase == "pre-work"]
    follow = [o.wall.date() for o in found if o.phase == "follow-up"]
    assert pre[0] == date(2026, 11, 26) and pre[-1] == date(2026, 12, 8)
    assert follow == [date(2026, 12, 14), date(2026, 12, 21)]
    assert found[0].id == "pre-work@2026-11-26T10:00"
    assert all(o.wall.date() != date(2026, 12, 10) for o in found)


def test_start_and_end_dates_bound_a_campaign() -> None:
    campaign = Campaign(
        cadence="daily 10:00", starts_on=date(2026, 12, 1), ends_on=date(2026, 12, 3), phases={}
    )
    found = occurrences(campaign, datetime(2026, 11, 1), datetime(2026, 11, 1) + timedelta(days=60))
    assert [o.id for o in found] == ["2026-12-01T10:00", "2026-12-02T10:00", "2026-12-03T10:00"]
