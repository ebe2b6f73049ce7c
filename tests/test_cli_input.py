"""Bad input to `stafet` gets one clear line and a non-zero exit, never a traceback or an internal code."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
import typer
from typer.testing import CliRunner

from bot.cli import app as cli
from bot.cli.common import moment

runner = CliRunner()
ZONE = ZoneInfo("Europe/Copenhagen")
NOW = datetime(2026, 12, 6, 16, 30, tzinfo=UTC)


@pytest.fixture(autouse=True)
def database(sqlite_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STAFET_DATABASE_URL", sqlite_url)


def refused(*args: str) -> str:
    result = runner.invoke(cli, list(args))
    assert result.exit_code != 0, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    return " ".join(result.output.split())


def test_an_ambassador_needs_a_real_email() -> None:
    assert "notanemail is not an email address" in refused("ambassador", "add", "notanemail")
    assert "is not an ambassador" in refused("ambassador", "remove", "nobody@example.org")


def test_a_campaign_without_an_audience_says_that_it_reaches_nobody() -> None:
    made = runner.invoke(cli, ["campaign", "create", "Quiet", "--cadence", "tue 10:00"])
    assert made.exit_code == 0
    assert "It has no audience yet, so nobody gets anything" in made.output
    assert "is not an email address" in refused(
        "campaign", "create", "X", "--cadence", "tue 10:00", "--email", "bo@"
    )


def test_preview_days_must_be_ahead() -> None:
    runner.invoke(cli, ["campaign", "create", "P", "--cadence", "tue 10:00", "--everyone"])
    assert "--days" in refused("campaign", "preview", "P", "--days", "-5")


def test_retrying_an_unknown_dead_letter_is_an_error() -> None:
    output = refused("delivery", "retry", "99999")
    assert "Not dead letters" in output and "99999" in output


def test_an_faq_approval_error_is_said_in_words() -> None:
    output = refused("faq", "approve", "5", "--by", "carl@example.org")
    assert "carl@example.org is not a coordinator" in output


def test_survey_times_in_words_and_a_clear_line_otherwise(tmp_path) -> None:  # type: ignore[no-untyped-def]
    people = tmp_path / "people.csv"
    people.write_text(
        "email,name\n" + "".join(f"p{n}@example.org,P{n}\n" for n in range(5)), encoding="utf-8"
    )
    assert runner.invoke(cli, ["people", "import", str(people)]).exit_code == 0
    output = refused("survey", "create", "enps", "--opens", "someday", "--closes", "tomorrow", "--everyone")
    assert 'expected "now", "today 13:00", "tomorrow 09:00"' in output and "--opens" in output
    made = runner.invoke(
        cli, ["survey", "create", "enps", "--opens", "now", "--closes", "tomorrow 16:00", "--everyone"]
    )
    assert made.exit_code == 0 and "planned" in made.output


def test_moments_are_read_in_the_organisation_zone() -> None:
    assert moment("now", ZONE, NOW, "--opens") == NOW
    assert moment("tomorrow 09:00", ZONE, NOW, "--opens") == datetime(2026, 12, 7, 9, tzinfo=ZONE)
    assert moment("today", ZONE, NOW, "--opens") == datetime(2026, 12, 6, 9, tzinfo=ZONE)
    assert moment("2026-12-24T10:00", ZONE, NOW, "--opens") == datetime(2026, 12, 24, 10, tzinfo=ZONE)
    with pytest.raises(typer.BadParameter):
        moment("tomorrow 25:00", ZONE, NOW, "--opens")
