"""A day as a person types it in chat ("20.12.2026", "20/12", "2026-12-20"): day before month."""

from __future__ import annotations

import re
from datetime import date

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_DAY_FIRST = re.compile(r"(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?\.?")


def typed_day(text: str, today: date) -> date | None:
    """The date in `text` (2026-12-20, 20.12.2026, 20/12, 20-12-26), the next such day when
    the year is left out; None when there is no date to read."""
    if found := _ISO.search(text):
        year, month, day = (int(part) for part in found.groups())
    elif found := _DAY_FIRST.search(text):
        day, month = int(found.group(1)), int(found.group(2))
        year = int(found.group(3)) if found.group(3) else today.year
        year += 2000 if year < 100 else 0
    else:
        return None
    try:
        chosen = date(year, month, day)
    except ValueError:
        return None
    if found.re is _DAY_FIRST and not found.group(3) and chosen < today:
        chosen = chosen.replace(year=year + 1)
    return chosen
