"""The rules a campaign is made of, as the CLI, the API and the form all meet them."""

from __future__ import annotations

from datetime import date

import pytest

from bot.campaigns.spec import CampaignSpec, KnownContent, Phase, WaveSpec, parse_phase, parse_wave, validate
from bot.people.audience import Audience
from bot.runtime.errors import UserFacingError

EVENT, START = date(2027, 2, 10), date(2027, 2, 1)
KNOWN = KnownContent(frozenset({"strategy", "leadership"}), frozenset({"digital-confidence"}))


def spec(**fields: object) -> CampaignSpec:
    return CampaignSpec(name="x", cadence="mon 10:00", audience=Audience(everyone=True), **fields)  # type: ignore[arg-type]


def test_phases_and_pulses_read_as_the_cli_writes_them() -> None:
    assert parse_phase("pre-work:-14:-1") == Phase("pre-work", -14, -1)
    assert parse_phase("follow-up:1:28:mon 10:00") == Phase("follow-up", 1, 28, "mon 10:00")
    assert parse_wave("digital-confidence:-2") == WaveSpec("digital-confidence", -2)
    assert parse_wave("digital-confidence:7:3") == WaveSpec("digital-confidence", 7, 3)
    for bad, key in (("pre-work:-14", "campaigns.bad_phase"), ("enps", "campaigns.bad_wave")):
        with pytest.raises(UserFacingError) as refused:
            parse_phase(bad) if key.endswith("phase") else parse_wave(bad)
        assert refused.value.key == key


@pytest.mark.parametrize(
    ("fields", "key"),
    [
        ({"tracks": ["strategy", "nope"]}, "campaigns.unknown_track"),
        ({"phases": [Phase("pre", -3, -1)]}, "campaigns.phases_need_event"),
        ({"event_date": EVENT, "phases": [Phase("pre", -1, -3)]}, "campaigns.bad_phase"),
        (
            {"event_date": EVENT, "phases": [Phase("a", 0, 1), Phase("a", 2, 3)]},
            "campaigns.phase_twice",
        ),
        ({"waves": [WaveSpec("digital-confidence", -7)]}, "campaigns.waves_need_date"),
        ({"starts_on": START, "waves": [WaveSpec("enps", -7)]}, "campaigns.unknown_template"),
        (
            {"starts_on": START, "waves": [WaveSpec("digital-confidence", 7, 99)]},
            "campaigns.bad_wave",
        ),
        ({"event_date": date(9999, 12, 31)}, "campaigns.far_date"),
        ({"catch_up_days": 31}, "campaigns.bad_catch_up"),
    ],
)
def test_each_broken_rule_has_its_own_message(fields: dict[str, object], key: str) -> None:
    with pytest.raises(UserFacingError) as refused:
        validate(spec(**fields), KNOWN)
    assert refused.value.key == key


def test_a_track_ticked_twice_counts_once() -> None:
    made = spec(tracks=["strategy", "leadership", "strategy"])
    validate(made, KNOWN)
    assert made.tracks == ["strategy", "leadership"]
