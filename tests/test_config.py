"""A wrong or missing setting is one clear line and exit status 2, never a traceback."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from bot.config import ConfigError, load_settings


def run_stafet(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("STAFET_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**clean, **env},
        timeout=60,
    )


def test_bad_time_zone_names_the_variable_and_exits_2() -> None:
    result = run_stafet("db", "current", STAFET_DEFAULT_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert "STAFET_DEFAULT_TIMEZONE" in result.stderr
    assert "IANA time zone" in result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_bad_port_and_language_are_both_reported() -> None:
    result = run_stafet("serve", STAFET_PORT="eighty", STAFET_DEFAULT_LANGUAGE="fr")
    assert result.returncode == 2
    assert "STAFET_PORT" in result.stderr and "STAFET_DEFAULT_LANGUAGE" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_database_scheme_is_explained() -> None:
    result = run_stafet("db", "current", STAFET_DATABASE_URL="mysql://x")
    assert result.returncode == 2
    assert "STAFET_DATABASE_URL" in result.stderr and "postgresql://" in result.stderr


def test_minimum_group_size_never_below_three() -> None:
    with pytest.raises(ConfigError, match="STAFET_MIN_GROUP_SIZE"):
        load_settings(STAFET_MIN_GROUP_SIZE=2)


def test_defaults_need_nothing_configured() -> None:
    settings = load_settings()
    assert settings.database_url.startswith("sqlite")
    assert not settings.slack_enabled and not settings.teams_enabled


def test_the_scheduler_logs_its_routine_only_when_debugging() -> None:
    from bot.cli.serve import configure_logging

    scheduler = logging.getLogger("apscheduler")
    try:
        configure_logging("INFO")
        assert not scheduler.isEnabledFor(logging.INFO) and scheduler.isEnabledFor(logging.WARNING)
        configure_logging("DEBUG")
        assert scheduler.isEnabledFor(logging.DEBUG)
    finally:
        scheduler.setLevel(logging.NOTSET)
