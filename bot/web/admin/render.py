"""Rendering dashboard pages: language, translated strings, the signed-in person, CSRF token."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from bot.admin.roles import Principal, Role
from bot.campaigns.cadence import describe_cadence
from bot.context import AppContext
from bot.i18n import normalise_language
from bot.web.admin.session import LANGUAGE_COOKIE, Sessions

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class NavItem:
    path: str
    key: str
    role: Role


NAV: list[NavItem] = [
    NavItem("/admin/", "admin.nav.overview", Role.VIEWER),
    NavItem("/admin/campaigns", "admin.nav.campaigns", Role.VIEWER),
    NavItem("/admin/surveys", "admin.nav.surveys", Role.VIEWER),
    NavItem("/admin/questions", "admin.nav.questions", Role.COORDINATOR),
    NavItem("/admin/learning", "admin.nav.learning", Role.VIEWER),
    NavItem("/admin/reach", "admin.nav.reach", Role.VIEWER),
    NavItem("/admin/coverage", "admin.nav.coverage", Role.VIEWER),
    NavItem("/admin/content", "admin.nav.content", Role.VIEWER),
    NavItem("/admin/people", "admin.nav.people", Role.HR),
    NavItem("/admin/delivery", "admin.nav.delivery", Role.HR),
    NavItem("/admin/audit", "admin.nav.audit", Role.HR),
]


class Pages:
    def __init__(self, context: AppContext, sessions: Sessions) -> None:
        self.context = context
        self.sessions = sessions
        self.templates = Jinja2Templates(directory=HERE / "templates")

    def language(self, request: Request) -> str:
        return (
            normalise_language(request.query_params.get("lang"))
            or normalise_language(request.cookies.get(LANGUAGE_COOKIE))
            or normalise_language(request.headers.get("accept-language", "").split(",")[0])
            or self.context.settings.default_language
        )

    def render(
        self, request: Request, template: str, who: Principal | None, status: int = 200, **values: Any
    ) -> HTMLResponse:
        language = self.language(request)
        catalogue = self.context.catalogue

        def t(key: str, /, **params: object) -> str:
            return catalogue.text(language, key, **params)

        def cadence(text: str) -> str:
            weekdays = t("preferences.weekdays").split("|")[0]
            return describe_cadence(text, t("preferences.days"), t("admin.campaigns.every_day"), weekdays)

        response = self.templates.TemplateResponse(
            request,
            template,
            {
                "t": t,
                "cadence": cadence,
                "language": language,
                "who": who,
                "nav": [item for item in NAV if who is not None and who.role.allows(item.role)],
                "csrf": self.sessions.csrf_for(request),
                "min_group_size": self.context.settings.min_group_size,
                **values,
            },
            status_code=status,
        )
        self.sessions.remember_csrf(request, response)
        if request.query_params.get("lang") and normalise_language(request.query_params["lang"]):
            self.sessions.remember_language(response, language)
        return response
