"""Public pages a platform or a person opens: privacy notice, terms of use, the chat composer."""

from __future__ import annotations

import io
import json
import re
import zipfile
from urllib.parse import urlsplit

import httpx
import pytest
from fastapi import FastAPI

from bot.adapters.teams.manifest import build_package
from bot.app import create_app
from bot.clock import FixedClock
from bot.config import load_settings
from tests.support.server import live_server


async def test_privacy_notice_in_the_readers_language_with_the_configured_figures(
    http: httpx.AsyncClient,
) -> None:
    danish = await http.get("/privacy", headers={"Accept-Language": "da-DK,da;q=0.9,en;q=0.8"})
    assert danish.status_code == 200 and '<html lang="da">' in danish.text
    assert "Privatlivserklæring" in danish.text and "Hvem ser hvad" in danish.text
    english = (await http.get("/privacy?lang=en", headers={"Accept-Language": "da"})).text
    assert "What Stafet stores about you" in english and "How long it is kept" in english
    assert "deleted after 365 days" in english and "fewer than 5 people" in english
    assert "erased 30 days after the question is resolved" in english
    norwegian = (await http.get("/privacy", headers={"Accept-Language": "nb-NO"})).text
    assert '<html lang="nb">' in norwegian and "Hvem ser hva" in norwegian
    terms = await http.get("/terms", headers={"Accept-Language": "fr-FR"})  # falls back to the default
    assert terms.status_code == 200 and "Terms of use" in terms.text
    assert "Vilkår for bruk" in (await http.get("/terms?lang=nb")).text


@pytest.mark.parametrize("page", ["privacy", "terms"])
async def test_an_organisation_may_point_to_its_own_page(
    sqlite_url: str, clock: FixedClock, page: str
) -> None:
    settings = load_settings(
        STAFET_DATABASE_URL=sqlite_url,
        STAFET_SCHEDULER=False,
        STAFET_PRIVACY_URL="https://intra.example.org/privacy",
        STAFET_TERMS_URL="https://intra.example.org/terms",
    )
    app: FastAPI = create_app(settings, clock=clock, background=False)
    async with live_server(app) as url, httpx.AsyncClient(base_url=url) as client:
        response = await client.get(f"/{page}")
    assert response.status_code == 302
    assert response.headers["location"] == f"https://intra.example.org/{page}"


async def test_the_chat_composer_has_a_label(http: httpx.AsyncClient) -> None:
    page = (await http.get("/chat", headers={"Accept-Language": "da"})).text
    composer = re.search(r'<form id="composer".*?</form>', page, re.S)
    assert composer is not None
    assert '<label for="text">Besked</label>' in composer.group(0)
    assert "aria-label" not in composer.group(0)


async def test_the_teams_manifest_links_to_pages_that_exist_within_its_limits(
    http: httpx.AsyncClient,
) -> None:
    """The Teams 1.19 schema is not packaged for Python: its documented limits, checked by hand."""
    package = zipfile.ZipFile(
        io.BytesIO(build_package("00000000-0000-4000-8000-00000000b07a", "https://x.org"))
    )
    manifest = json.loads(package.read("manifest.json"))
    assert manifest["manifestVersion"] == "1.19" and re.fullmatch(r"\d+\.\d+\.\d+", manifest["version"])
    developer = manifest["developer"]
    for key in ("websiteUrl", "privacyUrl", "termsOfUseUrl"):
        assert developer[key].startswith("https://") and len(developer[key]) <= 2048
    for key in ("privacyUrl", "termsOfUseUrl"):
        path = urlsplit(developer[key]).path
        assert (await http.get(path)).status_code == 200, path
    assert len(manifest["name"]["short"]) <= 30 and len(manifest["name"]["full"]) <= 100
    assert len(manifest["description"]["short"]) <= 80 and len(manifest["description"]["full"]) <= 4000
    assert re.fullmatch(r"#[0-9A-Fa-f]{6}", manifest["accentColor"])
    for bot in manifest["bots"]:
        for group in bot["commandLists"]:
            assert len(group["commands"]) <= 10
            for command in group["commands"]:
                assert len(command["title"]) <= 32 and len(command["description"]) <= 128
