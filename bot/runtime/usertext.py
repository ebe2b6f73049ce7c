"""Text a person typed, marked inside a reply so every renderer shows it as plain text.

Our catalogue texts are Markdown-light; a question, an answer, a name or an FAQ proposal is not:
`[Reset](https://evil.example)`, `# URGENT` or `**From:** The CEO` typed by an asker must look
exactly as typed. `said()` wraps such text in two private-use characters that survive formatting
and JSON; each adapter splits a text with `parts()` and escapes the marked parts its own way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPEN = "\ue000"
CLOSE = "\ue001"
_MARKS = re.compile(f"[{OPEN}{CLOSE}]")
URL = re.compile(r"https?://[^\s<>\"'\ue000\ue001]+[^\s<>\"'.,;:!?)\]}\ue000\ue001]")
_OURS = re.compile(r"\*\*|\[([^\]]+)\]\(([^)\s]+)\)|(?<!\w)_(.+?)_(?!\w)")


def said(text: str) -> str:
    """`text` as typed by a person: shown literally, never as Markdown, mention or link label."""
    return f"{OPEN}{_MARKS.sub('', text)}{CLOSE}" if text else ""


def parts(text: str) -> list[tuple[str, bool]]:
    """The text in order as (piece, typed by a person); marks nested by formatting count once."""
    out: list[tuple[str, bool]] = []
    depth, start = 0, 0
    for match in _MARKS.finditer(text):
        if match.start() > start:
            out.append((text[start : match.start()], depth > 0))
        depth = depth + 1 if match.group() == OPEN else max(depth - 1, 0)
        start = match.end()
    if start < len(text):
        out.append((text[start:], depth > 0))
    return out


def carried(chunks: list[str]) -> list[str]:
    """Consecutive cuts of one text (paragraphs, a preview and its rest), each marked on its own,
    so a person's paragraph after a blank line is still theirs."""
    out: list[str] = []
    inside = False
    for chunk in chunks:
        opened = f"{OPEN}{chunk}" if inside else chunk
        depth = 0
        for match in _MARKS.finditer(opened):
            depth = depth + 1 if match.group() == OPEN else max(depth - 1, 0)
        inside = depth > 0
        out.append(f"{opened}{CLOSE * depth}")
    return out


def has_said(text: str) -> bool:
    return OPEN in text


def unmarked(text: str) -> str:
    """The text without marks, for places that show no formatting anyway (previews, labels)."""
    return _MARKS.sub("", text)


def links(text: str) -> list[tuple[str, bool]]:
    """A person's text as (piece, is a web address), so an address can be linked to itself."""
    out: list[tuple[str, bool]] = []
    start = 0
    for match in URL.finditer(text):
        if match.start() > start:
            out.append((text[start : match.start()], False))
        out.append((match.group(), True))
        start = match.end()
    if start < len(text):
        out.append((text[start:], False))
    return out


@dataclass(frozen=True, slots=True)
class Run:
    """A stretch of text with one look, for platforms that style runs rather than parse Markdown."""

    text: str
    bold: bool = False
    italic: bool = False
    url: str = ""  # a link; a person's address is linked to itself, never under another label


def runs(text: str) -> list[Run]:
    """Our **bold**, _italic_, [links](url) and `-` bullets as styled runs; a person's text taken
    literally (bold carries across it, so `**{who} replies**` stays bold)."""
    out: list[Run] = []
    bold, line_start = False, True

    def add(piece: str, italic: bool = False, url: str = "") -> None:
        nonlocal line_start
        if not piece:
            return
        line_start = piece.endswith("\n")
        last = out[-1] if out else None
        if last and not (url or last.url) and (last.bold, last.italic) == (bold, italic):
            out[-1] = Run(last.text + piece, bold, italic)
        else:
            out.append(Run(piece, bold, italic, url))

    for piece, is_typed in parts(text):
        if is_typed:
            for chunk, is_link in links(piece):
                add(chunk, url=chunk if is_link else "")
            continue
        for n, line in enumerate(piece.split("\n")):
            if n:
                add("\n")
            if line_start and line.startswith("- "):
                line = "• " + line[2:]
            start = 0
            for match in _OURS.finditer(line):
                add(line[start : match.start()])
                label, url, italic = match.groups()
                if label is not None:
                    add(label, url=url)
                elif italic is not None:
                    add(italic, italic=True)
                else:
                    bold = not bold
                start = match.end()
            add(line[start:])
    return out
