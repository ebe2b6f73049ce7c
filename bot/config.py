"""Settings, read once from the environment (and an optional `.env`) in the entry point."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, ValidationInfo, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Language = Literal["da", "en", "nb"]
LANGUAGES: tuple[Language, ...] = ("da", "en", "nb")
DEFAULT_CONTENT_DIR = Path(__file__).resolve().parent.parent / "content"


class Settings(BaseSettings):
    """Everything Stafet can be configured with; see the README's configuration table."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", populate_by_name=True)

    database_url: str = Field("sqlite:///stafet.db", alias="STAFET_DATABASE_URL")
    host: str = Field("127.0.0.1", alias="STAFET_HOST")
    port: int = Field(8000, alias="STAFET_PORT", ge=1, le=65535)
    public_url: str = Field("", alias="STAFET_PUBLIC_URL")
    default_timezone: str = Field("Europe/Copenhagen", alias="STAFET_DEFAULT_TIMEZONE")
    default_language: Language = Field("da", alias="STAFET_DEFAULT_LANGUAGE")
    content_dir: Path = Field(DEFAULT_CONTENT_DIR, alias="STAFET_CONTENT_DIR")
    daily_item_cap: int = Field(3, alias="STAFET_DAILY_ITEM_CAP", ge=1)
    min_group_size: int = Field(5, alias="STAFET_MIN_GROUP_SIZE", ge=3)
    # Peppers respondent tokens and seals buffered answers; never stored in the database.
    survey_secret: str = Field("", alias="STAFET_SURVEY_SECRET", validate_default=True)
    question_retention_days: int = Field(30, alias="STAFET_QUESTION_RETENTION_DAYS", ge=0)
    question_department_preference: Literal["none", "same", "other"] = Field(
        "none", alias="STAFET_QUESTION_DEPARTMENT_PREFERENCE"
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = Field("INFO", alias="STAFET_LOG_LEVEL")
    scheduler_enabled: bool = Field(True, alias="STAFET_SCHEDULER")
    delivery_interval_seconds: float = Field(2.0, alias="STAFET_DELIVERY_INTERVAL", gt=0)
    delivery_max_attempts: int = Field(5, alias="STAFET_DELIVERY_MAX_ATTEMPTS", ge=1)
    delivery_lease_seconds: float = Field(120, alias="STAFET_DELIVERY_LEASE", gt=0)
    delivery_workspace_rate: float = Field(10, alias="STAFET_RATE_PER_WORKSPACE", gt=0)  # Slack
    delivery_tenant_rate: float = Field(40, alias="STAFET_RATE_PER_TENANT", gt=0)  # Teams
    delivery_conversation_rate: float = Field(1, alias="STAFET_RATE_PER_CONVERSATION", gt=0)
    delivery_concurrency: int = Field(64, alias="STAFET_DELIVERY_CONCURRENCY", ge=1)
    delivery_send_timeout: float = Field(20, alias="STAFET_DELIVERY_SEND_TIMEOUT", gt=0)

    webchat: Literal["", "open", "signin", "off"] = Field("", alias="STAFET_WEBCHAT")  # "": by situation
    webchat_sends_per_minute: int = Field(30, alias="STAFET_WEBCHAT_SENDS_PER_MINUTE", ge=1, le=10_000)

    secret_key: str = Field("", alias="STAFET_SECRET_KEY")
    admin_cookie_secure: bool = Field(True, alias="STAFET_ADMIN_COOKIE_SECURE")
    retention_reflections_days: int = Field(365, alias="STAFET_RETENTION_REFLECTIONS_DAYS", ge=1)
    retention_questions_days: int = Field(365, alias="STAFET_RETENTION_QUESTIONS_DAYS", ge=1)
    retention_delivery_log_days: int = Field(90, alias="STAFET_RETENTION_DELIVERY_LOG_DAYS", ge=1)
    retention_event_ids_days: int = Field(2, alias="STAFET_RETENTION_EVENT_IDS_DAYS", ge=1)
    privacy_url: str = Field("", alias="STAFET_PRIVACY_URL")  # the organisation's own notice, else ours
    terms_url: str = Field("", alias="STAFET_TERMS_URL")
    oidc_roles: str = Field("", alias="STAFET_OIDC_ROLES")
    oidc_entra_client_id: str = Field("", alias="STAFET_OIDC_ENTRA_CLIENT_ID")
    oidc_entra_client_secret: str = Field("", alias="STAFET_OIDC_ENTRA_CLIENT_SECRET")
    oidc_entra_tenant: str = Field("", alias="STAFET_OIDC_ENTRA_TENANT")
    oidc_entra_metadata_url: str = Field("", alias="STAFET_OIDC_ENTRA_METADATA_URL")
    oidc_slack_client_id: str = Field("", alias="STAFET_OIDC_SLACK_CLIENT_ID")
    oidc_slack_client_secret: str = Field("", alias="STAFET_OIDC_SLACK_CLIENT_SECRET")
    oidc_slack_metadata_url: str = Field(
        "https://slack.com/.well-known/openid-configuration", alias="STAFET_OIDC_SLACK_METADATA_URL"
    )

    slack_bot_token: str = Field("", alias="SLACK_BOT_TOKEN")
    slack_signing_secret: str = Field("", alias="SLACK_SIGNING_SECRET")
    slack_api_url: str = Field("https://slack.com/api/", alias="SLACK_API_URL")
    slack_app_token: str = Field("", alias="SLACK_APP_TOKEN")
    slack_client_id: str = Field("", alias="SLACK_CLIENT_ID")
    slack_client_secret: str = Field("", alias="SLACK_CLIENT_SECRET")
    # Seconds a replica holds the Slack turns it stored; a crashed replica's are taken over after.
    slack_turn_lease_seconds: float = Field(60, alias="STAFET_SLACK_TURN_LEASE", gt=0)

    operator: str = Field("", alias="STAFET_OPERATOR")  # who runs Stafet, named in the first message
    slack_sync_create: bool = Field(False, alias="STAFET_SLACK_SYNC_CREATE")
    slack_directory_rate: float = Field(20, alias="STAFET_SLACK_DIRECTORY_RATE", gt=0)  # pages a minute
    sync_guests: bool = Field(False, alias="STAFET_SYNC_GUESTS")
    teams_sync_create: bool = Field(False, alias="STAFET_TEAMS_SYNC_CREATE")
    graph_url: str = Field("https://graph.microsoft.com/v1.0", alias="STAFET_GRAPH_URL")
    login_url: str = Field("https://login.microsoftonline.com", alias="STAFET_LOGIN_URL")
    graph_rate: float = Field(5, alias="STAFET_GRAPH_RATE", gt=0)  # installations a second per tenant
    teams_catalog_app_id: str = Field("", alias="STAFET_TEAMS_CATALOG_APP_ID")
    teams_service_url: str = Field("https://smba.trafficmanager.net/teams/", alias="STAFET_TEAMS_SERVICE_URL")

    microsoft_app_id: str = Field("", alias="MICROSOFT_APP_ID")
    # Empty: SingleTenant when a tenant id is given, else MultiTenant.
    microsoft_app_type: Literal["", "MultiTenant", "SingleTenant", "UserAssignedMSI"] = Field(
        "", alias="MICROSOFT_APP_TYPE"
    )
    microsoft_app_password: str = Field("", alias="MICROSOFT_APP_PASSWORD", validate_default=True)
    microsoft_app_tenant_id: str = Field("", alias="MICROSOFT_APP_TENANT_ID", validate_default=True)
    # Where the Bot Framework publishes its token signing keys; empty: Microsoft's public cloud.
    microsoft_openid_metadata_url: str = Field("", alias="MICROSOFT_OPENID_METADATA_URL")

    @field_validator("default_timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"expected an IANA time zone such as Europe/Copenhagen, got {value!r}") from None
        return value

    @field_validator("survey_secret")
    @classmethod
    def _secret_with_postgres(cls, value: str, info: ValidationInfo) -> str:
        url = str(info.data.get("database_url", ""))
        if url.startswith(("postgresql", "postgres://")) and len(value) < MIN_SURVEY_SECRET:
            raise ValueError(
                f"required with PostgreSQL, at least {MIN_SURVEY_SECRET} characters "
                "(e.g. `openssl rand -hex 32`), so no database reader can rebuild respondent tokens"
            )
        return value

    @field_validator("microsoft_app_password")
    @classmethod
    def _secret_with_app_id(cls, value: str, info: ValidationInfo) -> str:
        managed = info.data.get("microsoft_app_type") == "UserAssignedMSI"
        if info.data.get("microsoft_app_id") and not value and not managed:
            raise ValueError("the bot's client secret is required when MICROSOFT_APP_ID is set")
        return value

    @field_validator("microsoft_app_tenant_id")
    @classmethod
    def _tenant_when_single(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("microsoft_app_type") in ("SingleTenant", "UserAssignedMSI") and not value:
            raise ValueError("the tenant id is required for a SingleTenant or UserAssignedMSI bot")
        return value

    @field_validator("database_url")
    @classmethod
    def _known_database(cls, value: str) -> str:
        if not value.startswith(("sqlite", "postgresql", "postgres://")):
            raise ValueError(
                f"expected a sqlite:/// or postgresql:// URL, got {value.split('://')[0] or value!r}://..."
            )
        return value

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_signing_secret and (self.slack_bot_token or self.slack_client_id))

    @property
    def teams_enabled(self) -> bool:
        return bool(self.microsoft_app_id)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.default_timezone)


MIN_SURVEY_SECRET = 16


class ConfigError(Exception):
    """A configuration value is missing or wrong; the message is one line for a person."""


def load_settings(**overrides: object) -> Settings:
    """Build the settings, turning validation errors into one readable line per variable."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        lines = []
        for error in exc.errors():
            name = _variable_name(error["loc"])
            message = error["msg"].removeprefix("Value error, ")
            given = error.get("input")
            detail = f" (got {given!r})" if given is not None and "got" not in message else ""
            lines.append(f"{name}: {message}{detail}")
        raise ConfigError("; ".join(lines)) from None
    if not settings.survey_secret:
        settings.survey_secret = _sqlite_survey_secret(settings.database_url)
    return settings


def _sqlite_survey_secret(url: str) -> str:
    """On SQLite without STAFET_SURVEY_SECRET: a random secret kept in a file beside the database."""
    path = url.split("///", 1)[1].split("?", 1)[0] if "///" in url else ""
    if not path or path == ":memory:":
        return secrets.token_hex(32)
    file = Path(path + ".survey-secret")
    file.parent.mkdir(parents=True, exist_ok=True)
    try:
        descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return file.read_text().strip()
    with os.fdopen(descriptor, "w") as out:
        out.write(secrets.token_hex(32))
    return file.read_text().strip()


def _variable_name(loc: tuple[object, ...]) -> str:
    field = str(loc[0]) if loc else "?"
    info = Settings.model_fields.get(field)
    return info.alias if info and info.alias else field
