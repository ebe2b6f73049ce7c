"""Directory accounts as the core sees them: Slack user objects and Graph users (pure)."""

from __future__ import annotations

from bot.adapters.graph.users import member_of as graph_member
from bot.adapters.slack.members import member_of as slack_member
from bot.reach.directory import SyncReport


def test_slack_members_bots_guests_and_deleted() -> None:
    anna = {"id": "U1", "profile": {"email": "anna@example.org", "real_name": "Anna"}, "tz": "Europe/Oslo"}
    assert (slack_member(anna).kind, slack_member(anna).active, slack_member(anna).email) == (
        "member",
        True,
        "anna@example.org",
    )
    assert slack_member({"id": "B1", "is_bot": True, "profile": {}}).kind == "bot"
    assert slack_member({"id": "USLACKBOT", "profile": {}}).kind == "bot"
    assert slack_member({"id": "U2", "is_restricted": True, "profile": {}}).kind == "guest"
    assert slack_member({"id": "U3", "is_ultra_restricted": True, "profile": {}}).kind == "guest"
    assert slack_member({"id": "U4", "deleted": True, "profile": {}}).active is False


def test_graph_users_disabled_removed_and_guests() -> None:
    user = {
        "id": "obj-1",
        "mail": None,
        "userPrincipalName": "Bo.Berg@Example.org",
        "displayName": "Bo Berg",
        "department": "IT",
        "preferredLanguage": "nb-NO",
        "accountEnabled": True,
    }
    member = graph_member(user)
    assert (member.email, member.department, member.language, member.active) == (
        "bo.berg@example.org",
        "IT",
        "nb-NO",
        True,
    )
    assert graph_member({**user, "accountEnabled": False}).active is False
    assert graph_member({"id": "obj-2", "@removed": {"reason": "changed"}}).active is False
    assert graph_member({**user, "userType": "Guest"}).kind == "guest"


def test_report_names_every_unmatched_reason() -> None:
    report = SyncReport(linked=3, new=1, deactivated=2)
    report.unmatched.update({"not_imported": 4, "bot": 1})
    assert report.lines() == [
        "linked: 3",
        "new: 1",
        "deactivated: 2",
        "unmatched: 5",
        "  1 a bot or app",
        "  4 no person with that email (creating people is off)",
    ]
