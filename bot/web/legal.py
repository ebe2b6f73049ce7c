"""The privacy notice and terms of use the app manifests point at, in the reader's language."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from bot.config import LANGUAGES
from bot.context import AppContext
from bot.i18n import normalise_language

TEMPLATES = Jinja2Templates(directory=Path(__file__).resolve().parent / "templates")
SECTIONS = {
    "privacy": ("stored", "surveys", "kept", "seen", "rights"),
    "terms": ("purpose", "use", "content", "service", "contact"),
}


def build_router(context: AppContext) -> APIRouter:
    router = APIRouter()
    settings = context.settings
    overrides = {"privacy": settings.privacy_url, "terms": settings.terms_url}
    figures = {
        "k": settings.min_group_size,
        "reflections": settings.retention_reflections_days,
        "questions": settings.retention_questions_days,
        "asker": settings.question_retention_days,
        "delivery": settings.retention_delivery_log_days,
    }

    def page(request: Request, name: str) -> Response:
        if overrides[name]:
            return RedirectResponse(overrides[name], 302)
        language = reader_language(request, settings.default_language)

        def t(key: str) -> str:
            return context.catalogue.text(language, f"legal.{name}.{key}", **figures)

        sections = [(t(f"{key}.heading"), t(f"{key}.text")) for key in SECTIONS[name]]
        values = {"language": language, "languages": LANGUAGES, "name": name, "title": t("title")}
        values |= {"intro": t("intro"), "sections": sections}
        return TEMPLATES.TemplateResponse(request, "legal.html", values)

    @router.get("/privacy", response_class=HTMLResponse, include_in_schema=False)
    async def privacy(request: Request) -> Response:
        return page(request, "privacy")

    @router.get("/terms", response_class=HTMLResponse, include_in_schema=False)
    async def terms(request: Request) -> Response:
        return page(request, "terms")

    return router


def reader_language(request: Request, default: str) -> str:
    """`?lang=`, else the first language in Accept-Language that we speak, else the default."""
    asked = normalise_language(request.query_params.get("lang"))
    if asked:
        return asked
    for entry in request.headers.get("accept-language", "").split(","):
        found = normalise_language(entry.split(";")[0])
        if found:
            return found
    return default
