"""People from CSV: every bad row named with its line and reason; nothing imported until clean."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from bot.admin.importing import parse
from bot.cli import app as cli
from bot.config import Settings
from storage.models import FaqEntry, Person
from tests.support.admin import admin_settings, bearer, make_token

GOOD = (
    "email,name,department,role,language,timezone,ambassador_topics\n"
    "anna@example.org,Anna Holm,Borgerservice,employee,da,Europe/Copenhagen,\n"
    "bo@example.org,Bo Berg,IT,ambassador,en,Europe/Oslo,it security|data\n"
)
BAD = GOOD + "karen@example,Karen Olsen,HR,boss,fr,Mars/Olympus,\n"


@pytest.fixture
def settings(db_url: str) -> Settings:
    return admin_settings(db_url)


def test_every_problem_in_a_row_is_named_with_its_line() -> None:
    parsed = parse(
        "email;name;role;language;timezone\n"
        "karen@example;Karen;employee;da;\n"
        "lis@example.org;;employee;da;\n"
        "ole@example.org;Ole;boss;da;\n"
        "per@example.org;Per;employee;fr;\n"
        "eva@example.org;Eva;employee;da;Mars/Olympus\n"
        "Ida@Example.org;Ida;leader;nb;Europe/Oslo\n"
        "ida@example.org;Ida again;leader;nb;\n"
    )
    assert [(e.line, e.code) for e in parsed.errors] == [
        (2, "bad_email"),
        (3, "missing_name"),
        (4, "bad_role"),
        (5, "bad_language"),
        (6, "bad_timezone"),
        (8, "duplicate_email"),
    ]
    assert [r.email for r in parsed.rows] == ["ida@example.org"]
    assert "line 7" in parsed.errors[-1].message


def test_topic_proficiency_is_checked() -> None:
    parsed = parse("email,name,ambassador_topics\nbo@example.org,Bo,security:3|data:9\n")
    assert [(e.line, e.code) for e in parsed.errors] == [(2, "bad_topic")]


def test_header_problems_stop_the_file() -> None:
    parsed = parse("mail,name,shoe size\nanna@example.org,Anna,41\n")
    assert [e.code for e in parsed.errors] == ["bad_header"]
    assert "unknown column(s): mail, shoe size" in parsed.errors[0].message
    assert "missing column(s): email" in parsed.errors[0].message
    assert parse(b"\xef\xbb\xbf" + GOOD.encode()).ok  # Excel's UTF-8 BOM


def test_ambassadors_come_from_role_or_topics() -> None:
    rows = parse(GOOD + "cy@example.org,Cy,IT,employee,,,automation\n").rows
    assert [(r.email, r.is_ambassador, r.topics) for r in rows] == [
        ("anna@example.org", False, ()),
        ("bo@example.org", True, ("it security", "data")),
        ("cy@example.org", True, ("automation",)),
    ]


async def _people(app) -> list[tuple[str | None, str, str, bool]]:  # type: ignore[no-untyped-def]
    async with app.state.context.db.unit_of_work() as session:
        rows = await session.scalars(select(Person).order_by(Person.email))
        return [(p.email, p.display_name, p.department, p.is_ambassador) for p in rows]


async def test_api_import_dry_run_then_fix_then_import(app, http: httpx.AsyncClient) -> None:
    hr = bearer(await make_token(app, "hr"))
    csv_headers = {**hr, "Content-Type": "text/csv"}
    check = await http.post("/api/v1/people/import?dry_run=true", content=BAD, headers=csv_headers)
    assert check.status_code == 200
    assert check.json()["ok"] is False
    assert [(e["line"], e["code"]) for e in check.json()["errors"]] == [(4, "bad_email")]

    refused = await http.post("/api/v1/people/import", content=BAD, headers=csv_headers)
    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "invalid_rows"
    assert refused.json()["error"]["rows"][0]["line"] == 4
    assert await _people(app) == []

    done = await http.post("/api/v1/people/import", content=GOOD, headers=csv_headers)
    assert done.json() | {"errors": []} == {
        "dry_run": False,
        "ok": True,
        "rows": 2,
        "errors": [],
        "created": 2,
        "updated": 0,
    }
    again = await http.post(
        "/api/v1/people/import", content=GOOD.replace("Bo Berg", "Bo Bergh"), headers=csv_headers
    )
    assert (again.json()["created"], again.json()["updated"]) == (0, 2)
    assert await _people(app) == [
        ("anna@example.org", "Anna Holm", "Borgerservice", False),
        ("bo@example.org", "Bo Bergh", "IT", True),
    ]
    coordinator = bearer(await make_token(app, "coordinator"))
    ambassadors = (await http.get("/api/v1/questions/ambassadors", headers=coordinator)).json()["ambassadors"]
    assert [(a["name"], a["topics"], a["department"]) for a in ambassadors] == [
        ("Bo Bergh", {"it security": 2, "data": 2}, "IT")
    ]
    listed = (await http.get("/api/v1/people", params={"q": "berg"}, headers=hr)).json()
    assert [p["email"] for p in listed["items"]] == ["bo@example.org"] and listed["total"] == 1
    actions = [e["action"] for e in (await http.get("/api/v1/audit", headers=hr)).json()["items"]]
    assert actions[1:3] == ["people.import", "people.import"]


def test_cli_import_reports_bad_rows_and_imports_nothing(tmp_path: Path, sqlite_url: str) -> None:
    runner = CliRunner()
    env = {"STAFET_DATABASE_URL": sqlite_url}
    bad = tmp_path / "people.csv"
    bad.write_text(BAD, encoding="utf-8")
    result = runner.invoke(cli, ["people", "import", str(bad), "--dry-run"], env=env)
    assert result.exit_code == 1
    assert "people.csv:4: karen@example is not an email address (bad_email)" in result.output
    bad.write_text(GOOD, encoding="utf-8")
    result = runner.invoke(cli, ["people", "import", str(bad), "--dry-run"], env=env)
    assert result.exit_code == 0 and "2 people would be imported" in result.output
    result = runner.invoke(cli, ["people", "import", str(bad)], env=env)
    assert result.exit_code == 0 and "Imported 2 new" in result.output
    token = runner.invoke(cli, ["admin", "token", "create", "--name", "Hanne", "--role", "hr"], env=env)
    assert token.exit_code == 0 and token.stdout.startswith("stf_")
    listed = runner.invoke(cli, ["admin", "token", "list"], env=env)
    assert "Hanne\thr\tactive" in listed.output
    assert runner.invoke(cli, ["admin", "token", "revoke", "Hanne"], env=env).exit_code == 0
    assert "revoked" in runner.invoke(cli, ["admin", "token", "list"], env=env).output
    assert runner.invoke(cli, ["admin", "token", "revoke", "Hanne"], env=env).exit_code == 1


def test_unreadable_bytes_are_a_reported_problem_not_a_crash() -> None:
    parsed = parse(b'email,name\n"anna@example.org\x00,\rAnna\n\xf1\x8b')
    assert not parsed.ok
    assert parse(b"email,name\ranna@example.org,Anna\r").rows[0].name == "Anna"  # old Mac line ends


STAFF = (
    "email,name,department,role,language\n"
    "hanne@example.org,Hanne Hansen,HR,hr,en\n"
    "carl@example.org,Carl Krog,Digitalisation,Coordinator,en\n"
    "eva@example.org,Eva Eng,Finance,employee,en\n"
)


def test_hr_and_coordinator_are_roles_an_import_accepts() -> None:
    parsed = parse(STAFF)
    assert parsed.ok, parsed.errors
    assert [(r.email, r.role, r.is_ambassador) for r in parsed.rows] == [
        ("hanne@example.org", "hr", False),
        ("carl@example.org", "coordinator", False),
        ("eva@example.org", "employee", False),
    ]
    assert "coordinator, hr" in parse("email,name,role\nx@example.org,X,boss\n").errors[0].message


async def test_imported_hr_and_coordinator_act_as_such_in_chat(app, http: httpx.AsyncClient, chat) -> None:  # type: ignore[no-untyped-def]
    csv_headers = {**bearer(await make_token(app, "hr")), "Content-Type": "text/csv"}
    imported = await http.post("/api/v1/people/import", content=STAFF, headers=csv_headers)
    assert imported.json()["created"] == 3
    hanne, carl, eva = chat("hanne@example.org"), chat("carl@example.org"), chat("eva@example.org")

    assert [m["text"] for m in await hanne.say("survey-results")] == ["No closed surveys yet."]
    assert [m["text"] for m in await eva.say("survey-results")] == ["Only HR can see results here."]

    context = app.state.context
    async with context.db.unit_of_work() as session:
        entry = FaqEntry(language="en", question="How do I share a file?", answer="Use a link.")
        entry.created_at = context.clock.now()
        session.add(entry)
        await session.flush()
        entry_id = entry.id
    refused = await eva.click("questions.faq_approve", str(entry_id))
    assert [m["text"] for m in refused] == ["Only a coordinator can approve FAQ entries."]
    approved = await carl.click("questions.faq_approve", str(entry_id))
    assert [m["text"] for m in approved] == [
        f"FAQ entry #{entry_id} is published and can be found by everyone."
    ]
