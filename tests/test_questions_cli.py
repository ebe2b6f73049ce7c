"""`stafet ambassador` and `stafet faq` from the command line."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from bot.cli import app


@pytest.fixture
def run(sqlite_url: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("STAFET_DATABASE_URL", sqlite_url)

    def invoke(*args: str) -> tuple[int, str]:
        result = CliRunner().invoke(app, list(args))
        return result.exit_code, result.output

    return invoke


def test_register_update_and_list_ambassadors(run) -> None:  # type: ignore[no-untyped-def]
    code, out = run(
        "ambassador", "add", "bo@example.org", "--topic", "security:3", "--topic", "collaboration",
        "--language", "da", "--language", "en", "--department", "IT", "--hours", "09:00-15:00",
        "--timezone", "Europe/Oslo", "--cap", "3",
    )  # fmt: skip
    assert code == 0, out
    code, out = run("ambassador", "update", "bo@example.org", "--status", "out", "--until", "2026-12-01")
    assert code == 0, out
    code, out = run("ambassador", "list")
    assert (
        "bo@example.org\tcollaboration:2,security:3\tda,en\tIT\t09:00-15:00 Europe/Oslo\tout until 2026-12-01"
        in out
    )
    assert "cap 3" in out
    code, out = run("ambassador", "update", "nobody@example.org", "--cap", "2")
    assert code == 1 and "no person with the email nobody@example.org" in out
    code, out = run("ambassador", "add", "bo@example.org", "--hours", "16:00-08:00")
    assert code == 1 and "hours must look like 08:00-16:00" in out
    code, out = run("ambassador", "update", "bo@example.org", "--topic", "security:9")
    assert code == 1 and "proficiency of security must be 1, 2 or 3" in out
    code, out = run("ambassador", "group", "slack", "T1", "C-ambassadors")
    assert code == 0
    code, out = run("ambassador", "routing", "99")
    assert code == 1 and "no question 99" in out


def test_faq_list_and_approve_need_a_coordinator(run) -> None:  # type: ignore[no-untyped-def]
    assert run("faq", "list") == (0, "No FAQ entries.\n")
    code, out = run("faq", "approve", "1", "--by", "bo@example.org")
    assert code == 1 and "is not a coordinator" in out
