"""A text holding what a person typed → one Block Kit `rich_text` block (pure).

mrkdwn has no way to escape `*`, `_`, `~` or a leading `>`; a rich text element is taken
literally, so a person's words can neither format, link under a false label nor mention
(`<!channel>` stays text). Our own styles come from the core's runs.
"""

from __future__ import annotations

from typing import Any

from bot.runtime.usertext import runs

Element = dict[str, Any]


def rich_text(text: str, limit: int) -> Element:
    elements: list[Element] = []
    left = limit
    for run in runs(text):
        if left <= 0:
            break
        shown = run.text[:left]
        left -= len(shown)
        element: Element = {"type": "text", "text": shown}
        if run.url:
            element = {"type": "link", "url": run.url}
            if run.text != run.url:
                element["text"] = shown
        style = {name: True for name, on in (("bold", run.bold), ("italic", run.italic)) if on}
        if style:
            element["style"] = style
        elements.append(element)
    section = {"type": "rich_text_section", "elements": elements or [{"type": "text", "text": " "}]}
    return {"type": "rich_text", "elements": [section]}
