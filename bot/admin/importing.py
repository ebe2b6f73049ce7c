"""People from a CSV file: every bad row is reported with its reason, and nothing is
imported until the whole file is clean."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.config import LANGUAGES
from bot.people.emails import is_email
from bot.questions.registry import RegistryError, parse_topics

COLUMNS = ("email", "name", "department", "role", "language", "timezone", "ambassador_topics")
REQUIRED = ("email", "name")
ALIASES = {"time_zone": "timezone", "time zone": "timezone", "topics": "ambassador_topics"}
# hr and coordinator are chat roles too: HR reads survey results in chat, coordinators approve FAQ.
ROLES = ("employee", "leader", "ambassador", "coordinator", "hr")
MAX_ROWS = 100_000


@dataclass(frozen=True, slots=True)
class ImportRow:
    line: int
    email: str
    name: str
    department: str
    role: str
    language: str | None
    timezone: str | None
    topics: tuple[str, ...]

    @property
    def is_ambassador(self) -> bool:
        return self.role == "ambassador" or bool(self.topics)


@dataclass(frozen=True, slots=True)
class RowError:
    line: int
    code: str
    message: str


@dataclass(slots=True)
class ParsedFile:
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse(data: bytes | str) -> ParsedFile:
    """Read and check a people CSV (comma or semicolon separated, UTF-8 with or without BOM)."""
    try:
        return _parse(data)
    except csv.Error as error:
        failed = ParsedFile()
        failed.errors.append(RowError(0, "bad_csv", f"not a readable CSV file: {error}"))
        return failed


def _parse(data: bytes | str) -> ParsedFile:
    result = ParsedFile()
    text = data.decode("utf-8-sig", errors="replace") if isinstance(data, bytes) else data.lstrip("\ufeff")
    if not text.strip():
        result.errors.append(RowError(1, "empty_file", "the file is empty"))
        return result
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
    dialect = ";" if text.splitlines()[0].count(";") > text.splitlines()[0].count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=dialect)
    header = [ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    unknown = [h for h in header if h not in COLUMNS]
    missing = [c for c in REQUIRED if c not in header]
    if unknown or missing:
        parts = ([f"unknown column(s): {', '.join(unknown)}"] if unknown else []) + (
            [f"missing column(s): {', '.join(missing)}"] if missing else []
        )
        result.errors.append(
            RowError(1, "bad_header", "; ".join(parts) + f" (expected {', '.join(COLUMNS)})")
        )
        return result
    seen: dict[str, int] = {}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if number > MAX_ROWS + 1:
            result.errors.append(RowError(number, "too_many_rows", f"at most {MAX_ROWS} rows per file"))
            break
        if len(cells) > len(header):
            result.errors.append(
                RowError(number, "too_many_cells", f"{len(cells)} cells, header has {len(header)}")
            )
            continue
        values = {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}
        row, problem = _row(number, values)
        if problem is not None:
            result.errors.append(problem)
        elif row is not None:
            if row.email in seen:
                result.errors.append(
                    RowError(number, "duplicate_email", f"{row.email} is already on line {seen[row.email]}")
                )
                continue
            seen[row.email] = number
            result.rows.append(row)
    return result


def _row(line: int, values: dict[str, str]) -> tuple[ImportRow | None, RowError | None]:
    email = values.get("email", "").lower()
    if not is_email(email):
        return None, RowError(line, "bad_email", f"{email or '(empty)'} is not an email address")
    name = values.get("name", "")
    if not name:
        return None, RowError(line, "missing_name", "the name is empty")
    role = (values.get("role") or "employee").lower()
    if role not in ROLES:
        return None, RowError(line, "bad_role", f"role {role!r} is not one of {', '.join(ROLES)}")
    language = values.get("language", "").lower() or None
    if language is not None and language not in LANGUAGES:
        return None, RowError(
            line, "bad_language", f"language {language!r} is not one of {', '.join(LANGUAGES)}"
        )
    zone = values.get("timezone") or None
    if zone is not None:
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            return None, RowError(
                line, "bad_timezone", f"{zone!r} is not an IANA time zone (e.g. Europe/Copenhagen)"
            )
    topics = tuple(
        t.strip().lower() for t in re.split(r"[|;,]", values.get("ambassador_topics", "")) if t.strip()
    )
    try:
        parse_topics(list(topics))
    except RegistryError as error:
        return None, RowError(line, "bad_topic", str(error))
    row = ImportRow(line, email, name, values.get("department", ""), role, language, zone, topics)
    return row, None
