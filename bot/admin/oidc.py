"""OpenID Connect sign-in (Microsoft Entra ID, Slack): which providers are configured, and which
dashboard role a signed-in email gets from STAFET_OIDC_ROLES ("hr=hanne@x.org;viewer=*@x.org")."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatchcase

from bot.admin.roles import Role
from bot.config import Settings

ENTRA_METADATA = "https://login.microsoftonline.com/{tenant}/v2.0/.well-known/openid-configuration"


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    label: str
    client_id: str
    client_secret: str
    metadata_url: str


def providers(settings: Settings) -> list[Provider]:
    found = []
    if settings.oidc_entra_client_id and (settings.oidc_entra_tenant or settings.oidc_entra_metadata_url):
        metadata = settings.oidc_entra_metadata_url or ENTRA_METADATA.format(
            tenant=settings.oidc_entra_tenant
        )
        found.append(
            Provider(
                "entra",
                "Microsoft",
                settings.oidc_entra_client_id,
                settings.oidc_entra_client_secret,
                metadata,
            )
        )
    if settings.oidc_slack_client_id:
        found.append(
            Provider(
                "slack",
                "Slack",
                settings.oidc_slack_client_id,
                settings.oidc_slack_client_secret,
                settings.oidc_slack_metadata_url,
            )
        )
    return found


def role_for(email: str, rules: str) -> Role | None:
    """The highest role whose patterns match the email; None means no access."""
    email = email.strip().lower()
    best: Role | None = None
    for rule in rules.split(";"):
        role_name, _, patterns = rule.partition("=")
        try:
            role = Role(role_name.strip().lower())
        except ValueError:
            continue
        if role is Role.PROVISIONING:  # an identity provider's role, never a person's
            continue
        matched = any(fnmatchcase(email, p.strip().lower()) for p in patterns.split(",") if p.strip())
        if matched and (best is None or role.rank > best.rank):
            best = role
    return best
