"""SCIM User ⇄ person: what the core takes from an account, and the account as Stafet shows it."""

from __future__ import annotations

import re
import unicodedata
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scim2_models import Context, Email, Meta

from bot.adapters.scim.schema import EnterpriseProfile, User
from bot.config import LANGUAGES
from bot.people.provisioning import Account, Profile, Provisioned

EMAIL = re.compile(r"^[^@\s,;]+@[^@\s,;]+\.[^@\s,;]+$")
# Norwegian without a written standard is served in bokmål.
LANGUAGE_ALIASES = {"no": "nb", "nn": "nb"}


def user_name_key(user_name: str) -> str:
    """How user names are compared: they are not case-sensitive (RFC 7643 §4.1.1)."""
    return unicodedata.normalize("NFC", user_name).lower()


def account_of(user: User) -> Account:
    data = user.model_dump(scim_ctx=Context.RESOURCE_QUERY_RESPONSE, exclude={"id", "meta"})
    return Account(user_name_key(user.user_name or ""), user.external_id, data)


def profile_of(user: User) -> Profile:
    """The person's side of an account; values Stafet cannot use leave its own as they are."""
    extension = user[EnterpriseProfile]
    return Profile(
        email=_email(user),
        display_name=_display_name(user),
        department=extension.department if extension is not None else None,
        language=_language(user.preferred_language),
        timezone=_zone(user.timezone),
        active=user.active is not False,  # an account without `active` is not a deactivated one
    )


def user_of(found: Provisioned, location: str) -> User:
    """The stored account, with what Stafet knows better now (say, after a CSV import) laid over it."""
    account, person = found.account, found.person
    user = User.model_validate(account.attributes)
    said = profile_of(user)
    if said.email and person.email and said.email != person.email:
        chosen = _chosen_email(user)
        if chosen is not None:
            chosen.value = person.email
    if said.display_name is not None and person.display_name and said.display_name != person.display_name:
        user.display_name = person.display_name
    if said.department is not None and said.department != person.department:
        user[EnterpriseProfile] = EnterpriseProfile(department=person.department)
    if said.language is not None and person.language and said.language != person.language:
        user.preferred_language = person.language
    if said.timezone is not None and person.timezone and said.timezone != person.timezone:
        user.timezone = person.timezone
    if user.active is not None or not person.active:
        user.active = person.active
    user.id = str(person.id)
    user.meta = Meta(
        resource_type="User",
        created=account.created_at,
        last_modified=account.updated_at,
        location=location,
        version=etag(account.version),
    )
    return user


def etag(version: int) -> str:
    return f'W/"{version}"'


def version_of(if_match: str | None) -> int | None:
    """The version an If-Match header asks for; None for none or `*`, -1 for one never issued."""
    if if_match is None or if_match.strip() == "*":
        return None
    match = re.fullmatch(r'\s*(?:W/)?"(\d{1,9})"\s*', if_match)
    return int(match.group(1)) if match else -1


def _chosen_email(user: User) -> Email | None:
    emails = [e for e in user.emails or [] if e.value]
    for test in (lambda e: str(e.type or "").lower() == "work", lambda e: bool(e.primary), lambda e: True):
        for email in emails:
            if test(email):
                return email
    return None


def _email(user: User) -> str | None:
    chosen = _chosen_email(user)
    if chosen is not None and chosen.value:
        return str(chosen.value).strip().lower()
    name = (user.user_name or "").strip().lower()
    return name if EMAIL.match(name) else None


def _display_name(user: User) -> str | None:
    if user.display_name and user.display_name.strip():
        return user.display_name.strip()
    name = user.name
    if name is None:
        return None
    if name.formatted and name.formatted.strip():
        return name.formatted.strip()
    joined = " ".join(p.strip() for p in (name.given_name, name.family_name) if p and p.strip())
    return joined or None


def _language(tag: str | None) -> str | None:
    """`da-DK`, `nb_NO` or `en` → a language Stafet speaks; anything else → None."""
    if not tag:
        return None
    primary = re.split(r"[-_]", tag.strip().lower(), maxsplit=1)[0]
    primary = LANGUAGE_ALIASES.get(primary, primary)
    return primary if primary in LANGUAGES else None


def _zone(name: str | None) -> str | None:
    if not name or not name.strip():
        return None
    try:
        ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name.strip()
