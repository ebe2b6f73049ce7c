"""The message catalogue: gettext PO files per language under `content/messages/<lang>/`."""

from __future__ import annotations

import gettext
import io
import re
from dataclasses import dataclass
from pathlib import Path
from string import Formatter

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import LANGUAGES

_LOCALE_TAG = re.compile(r"[-_]")


def normalise_language(tag: str | None) -> str | None:
    """Map a platform locale (`da-DK`, `nb_NO`, `no`, `en-GB`) onto a language we speak."""
    if not tag:
        return None
    base = _LOCALE_TAG.split(tag.strip().lower())[0]
    if base in ("nb", "no", "nn"):
        return "nb"
    return base if base in LANGUAGES else None


@dataclass(frozen=True, slots=True)
class Term:
    """A parameter that is itself a catalogue key ("paused"), so it is said in the reader's language
    wherever the message is rendered, rather than in English inside a Danish sentence."""

    key: str


@dataclass(frozen=True, slots=True)
class Problem:
    file: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message}"


class Catalogue:
    """Translated, formatted messages by key; a key missing in one language is a bug."""

    def __init__(self, directory: Path, languages: tuple[str, ...] = LANGUAGES) -> None:
        self.directory = directory
        self.languages = languages
        self.catalogs: dict[str, Catalog] = {}
        self._translations: dict[str, gettext.GNUTranslations] = {}
        for language in languages:
            merged = Catalog(locale=language)
            for path in sorted((directory / language).glob("*.po")):
                with path.open("rb") as handle:
                    for message in read_po(handle, locale=language):
                        if message.id:
                            merged[message.id] = message
                            message.locations = [(str(path), message.lineno)]
            self.catalogs[language] = merged
            buffer = io.BytesIO()
            write_mo(buffer, merged)
            buffer.seek(0)
            self._translations[language] = gettext.GNUTranslations(buffer)

    def text(self, language: str, key: str, /, **params: object) -> str:
        """The message `key` in `language` with `{placeholders}` filled in."""
        translations = self._translations.get(language) or self._translations["en"]
        template = translations.gettext(key)
        if not params:
            return template
        words = {name: self.text(language, v.key) if isinstance(v, Term) else v for name, v in params.items()}
        return template.format(**words)

    def plural(self, language: str, key: str, count: int, /, **params: object) -> str:
        translations = self._translations.get(language) or self._translations["en"]
        return translations.ngettext(key, key, count).format(count=count, **params)

    def variants(self, key: str) -> dict[str, str]:
        """The message in every language, e.g. to accept a command word in any of them."""
        return {language: self.text(language, key) for language in self.languages}

    def words(self, key: str) -> set[str]:
        """The `|`-separated words of `key` in every language, lower-cased: what a person may type."""
        return {
            word.strip().lower()
            for variant in self.variants(key).values()
            for word in variant.split("|")
            if word.strip()
        }

    def has(self, key: str) -> bool:
        return all(key in catalog for catalog in self.catalogs.values())

    def problems(self) -> list[Problem]:
        """Keys missing or empty in a language, and placeholders that differ between languages."""
        problems: list[Problem] = []
        keys = set().union(*(catalog._messages for catalog in self.catalogs.values()))  # noqa: SLF001
        for key in sorted(keys):
            placeholders: dict[str, set[str]] = {}
            for language, catalog in self.catalogs.items():
                message = catalog.get(key)
                where = self.directory / language
                if message is None:
                    problems.append(Problem(where, 0, f"{key!r} is missing in {language}"))
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if not all(strings):
                    problems.append(Problem(where, message.lineno, f"{key!r} is empty in {language}"))
                placeholders[language] = {
                    name for s in strings for _, name, _, _ in Formatter().parse(s or "") if name
                }
            if len({frozenset(p) for p in placeholders.values()}) > 1:
                detail = ", ".join(f"{lang}: {sorted(p)}" for lang, p in placeholders.items())
                problems.append(Problem(self.directory, 0, f"{key!r} has different placeholders ({detail})"))
        return problems
