"""The campaign form: what HR posted, as form values and as a CampaignIn, and a campaign as values.

Phase and pulse rows repeat the same field names; browsers post them in page order, so the
n-th of each name belongs to the n-th row. Blank rows are offered for adding one more.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from starlette.datastructures import FormData

from bot.admin.campaign_input import AudienceIn, CampaignIn, PhaseIn, PulseIn
from bot.campaigns.spec import MAX_CATCH_UP
from bot.runtime.errors import UserFacingError
from storage.models import Campaign

PHASE_FIELDS = ("name", "from_day", "to_day", "cadence")
PULSE_FIELDS = ("template_id", "days", "when", "open_days", "questions")
BLANK_PULSE_DAYS = {"before": "7", "after": "14"}


def values_of(campaign: Campaign | None) -> dict[str, Any]:
    """The form filled in with a campaign's settings, or blank for a new one."""
    if campaign is None:
        return _with_blank_rows({"jitter_minutes": "30", "catch_up_days": "3", "tracks": []})
    audience = campaign.audience
    window = f"{campaign.window_start}-{campaign.window_end}" if campaign.window_start else ""
    values = {
        "name": campaign.name,
        "cadence": campaign.cadence,
        "everyone": audience.get("everyone", False),
        "departments": ", ".join(audience.get("departments", [])),
        "roles": ", ".join(audience.get("roles", [])),
        "ambassadors": audience.get("ambassadors", False),
        "emails": ", ".join(audience.get("emails", [])),
        "window": window,
        "working_days": campaign.working_days or "",
        "timezone": campaign.timezone or "",
        "starts_on": _iso(campaign.starts_on),
        "ends_on": _iso(campaign.ends_on),
        "jitter_minutes": str(campaign.jitter_minutes),
        "tracks": [str(t) for t in campaign.tracks.get("ids", [])],
        "event_date": _iso(campaign.event_date),
        "catch_up_days": str(campaign.catch_up_days),
        "phases": [
            {k: "" if p.get(k) is None else str(p[k]) for k in PHASE_FIELDS}
            for p in campaign.phases.get("items", [])
        ],
        "pulses": [
            {
                "template_id": w.template_id,
                "days": str(abs(w.offset_days)),
                "when": "before" if w.offset_days < 0 else "after",
                "open_days": str(w.open_days),
                "questions": str(w.questions_per_person or ""),
            }
            for w in campaign.waves
        ],
    }
    return _with_blank_rows(values)


def posted_values(form: FormData) -> dict[str, Any]:
    """What HR sent, kept as typed so a refused form comes back as they left it."""
    values: dict[str, Any] = {k: str(v) for k, v in form.items() if not k.startswith(("phase_", "pulse_"))}
    values["everyone"] = form.get("everyone") == "on"
    values["ambassadors"] = form.get("ambassadors") == "on"
    values["tracks"] = [str(t) for t in form.getlist("tracks")]
    values["phases"] = _rows(form, "phase_", PHASE_FIELDS)
    values["pulses"] = _rows(form, "pulse_", PULSE_FIELDS)
    return _with_blank_rows(values)


def campaign_in(values: dict[str, Any]) -> CampaignIn:
    """The API's model of the form; raises what the API would, so both refuse alike."""
    return CampaignIn(
        name=values.get("name", ""),
        cadence=values.get("cadence", ""),
        audience=AudienceIn(
            everyone=values.get("everyone", False),
            departments=_list(values.get("departments", "")),
            roles=_list(values.get("roles", "")),
            ambassadors=values.get("ambassadors", False),
            emails=_list(values.get("emails", "")),
        ),
        tracks=values.get("tracks", []),
        timezone=values.get("timezone") or None,
        window=values.get("window") or None,
        working_days=values.get("working_days") or None,
        jitter_minutes=_whole(values.get("jitter_minutes"), 30, "campaigns.bad_jitter", most=600),
        starts_on=_date(values.get("starts_on")),
        ends_on=_date(values.get("ends_on")),
        event_date=_date(values.get("event_date")),
        phases=[_phase(row) for row in values.get("phases", []) if any(row.values())],
        waves=[_pulse(row) for row in values.get("pulses", []) if row.get("template_id")],
        catch_up_days=_whole(values.get("catch_up_days"), 3, "campaigns.bad_catch_up", most=MAX_CATCH_UP),
    )


def _whole(text: str | None, default: int, problem: str, most: int) -> int:
    """A count typed into the form; anything but a whole number in range is refused politely."""
    try:
        number = int(text) if text else default
    except ValueError:
        raise UserFacingError(problem, most=most) from None
    if not 0 <= number <= most:
        raise UserFacingError(problem, most=most)
    return number


def _phase(row: dict[str, str]) -> PhaseIn:
    text = f"{row['name']} {row['from_day']}..{row['to_day']}"
    try:  # pydantic's ValidationError is a ValueError too: a missing name lands here
        return PhaseIn(
            name=row["name"],
            from_day=int(row["from_day"]),
            to_day=int(row["to_day"]),
            cadence=row["cadence"] or None,
        )
    except ValueError:
        raise UserFacingError("campaigns.bad_phase", phase=text) from None


def _pulse(row: dict[str, str]) -> PulseIn:
    try:
        days = int(row["days"] or 0)
        if days < 0:
            raise ValueError(days)
        return PulseIn(
            template_id=row["template_id"],
            offset_days=-days if row["when"] == "before" else days,
            open_days=int(row["open_days"] or 5),
            questions_per_person=int(row["questions"]) if row["questions"] else None,
        )
    except ValueError:
        raise UserFacingError("campaigns.bad_wave", wave=f"{row['template_id']}: {row['days']}") from None


def _rows(form: FormData, prefix: str, fields: tuple[str, ...]) -> list[dict[str, str]]:
    columns = [[str(v).strip() for v in form.getlist(prefix + name)] for name in fields]
    return [dict(zip(fields, row, strict=False)) for row in zip(*columns, strict=False)]


def _with_blank_rows(values: dict[str, Any]) -> dict[str, Any]:
    """Room for one more phase, and a pulse before and one after when there is none."""
    phases = [row for row in values.get("phases", []) if any(row.values())]
    pulses = [row for row in values.get("pulses", []) if row.get("template_id")]
    blank_pulses = [
        {"template_id": "", "days": days, "when": when, "open_days": "5", "questions": ""}
        for when, days in BLANK_PULSE_DAYS.items()
        if when == "after" or all(row["when"] != when for row in pulses)
    ]
    blank_phase = dict.fromkeys(PHASE_FIELDS, "")
    return {**values, "phases": [*phases, blank_phase], "pulses": [*pulses, *blank_pulses]}


def _list(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[,\n;]", text) if part.strip()]


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
