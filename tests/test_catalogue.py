"""Every message a person sees exists in Danish, English and Norwegian bokmål."""

from __future__ import annotations

from pathlib import Path

from bot.config import DEFAULT_CONTENT_DIR
from bot.i18n import Catalogue, normalise_language


def test_shipped_catalogue_is_complete_in_every_language() -> None:
    catalogue = Catalogue(DEFAULT_CONTENT_DIR / "messages")
    assert catalogue.problems() == []
    keys = set(catalogue.catalogs["en"]._messages)
    assert len(keys) > 20
    for language in ("da", "nb"):
        assert set(catalogue.catalogs[language]._messages) == keys


def test_missing_key_and_placeholder_drift_are_reported(tmp_path: Path) -> None:
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    for language, body in {
        "en": 'msgid "a"\nmsgstr "Hi {name}"\n\nmsgid "b"\nmsgstr "Bye"\n',
        "da": 'msgid "a"\nmsgstr "Hej {navn}"\n\nmsgid "b"\nmsgstr "Farvel"\n',
        "nb": 'msgid "a"\nmsgstr "Hei {name}"\n',
    }.items():
        (tmp_path / language).mkdir()
        (tmp_path / language / "x.po").write_text(header + body, encoding="utf-8")
    problems = [p.message for p in Catalogue(tmp_path).problems()]
    assert "'b' is missing in nb" in problems
    assert any("'a' has different placeholders" in p for p in problems)


def test_platform_locales_map_to_our_languages() -> None:
    assert normalise_language("da-DK") == "da"
    assert normalise_language("nb_NO") == "nb"
    assert normalise_language("no") == "nb"
    assert normalise_language("en-GB") == "en"
    assert normalise_language("fr-FR") is None


def test_a_state_inside_a_sentence_is_said_in_the_reader_s_language() -> None:
    from bot.config import DEFAULT_CONTENT_DIR
    from bot.i18n import Catalogue, Term

    catalogue = Catalogue(DEFAULT_CONTENT_DIR / "messages")
    paused = Term("campaigns.state.paused")
    assert catalogue.text("da", "campaigns.bad_state", name="Kick-off", state=paused) == (
        "Kampagnen Kick-off er sat på pause, så det kan ikke lade sig gøre nu."
    )
    assert "er satt på pause" in catalogue.text("nb", "campaigns.bad_state", name="K", state=paused)
    assert "is paused" in catalogue.text("en", "campaigns.bad_state", name="K", state=paused)
