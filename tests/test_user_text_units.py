"""Marked user text, pure: marks survive cuts, styles stay ours, addresses link to themselves."""

from __future__ import annotations

from bot.adapters.slack.render import message
from bot.adapters.teams.render import CardLabels, card
from bot.adapters.webchat.render import text_html
from bot.runtime.replies import Reply
from bot.runtime.usertext import Run, carried, parts, runs, said, unmarked


def test_a_person_cannot_close_their_own_mark() -> None:
    typed = said("x\ue001 **bold** \ue000")
    assert parts(f"**{typed}**") == [("**", False), ("x **bold** ", True), ("**", False)]


def test_cuts_of_one_text_keep_a_persons_paragraphs_theirs() -> None:
    text = "Intro\n\n" + said("# one\n\n**two**") + "\n\nOutro"
    cut = carried(text.split("\n\n"))
    assert [parts(c) for c in cut] == [
        [("Intro", False)],
        [("# one", True)],
        [("**two**", True)],
        [("Outro", False)],
    ]


def test_runs_keep_our_bold_around_a_name_and_link_addresses_to_themselves() -> None:
    text = (
        "**"
        + said("Bo *x*")
        + " replies:**\n- see "
        + said("https://a.example/x.")
        + " [docs](https://d.example)"
    )
    assert runs(text) == [
        Run("Bo *x* replies:", bold=True),
        Run("\n• see "),
        Run("https://a.example/x", url="https://a.example/x"),
        Run(". "),
        Run("docs", url="https://d.example"),
    ]


def test_every_renderer_shows_a_long_question_split_at_paragraphs_as_typed() -> None:
    typed = "\n\n".join(f"**p{n}** [x](https://e.example) " + "w " * 200 for n in range(10))
    reply = Reply(text="**Q:** " + said(typed))
    html = text_html(reply.text)
    assert html.count("<strong>") == 1 and "**p9**" in html
    slack = message(reply)
    assert "<https://e.example|x>" not in str(slack)
    bold = [
        e for b in slack["blocks"] if b["type"] == "rich_text" for s in b["elements"] for e in s["elements"]
    ]
    assert [e["text"] for e in bold if e.get("style")] == ["Q:"]
    teams = card(reply, CardLabels("Send", "Show all"))
    assert not [b for b in teams["body"] if b["type"] == "TextBlock"]  # no Markdown block holds her words
    assert teams["body"][0]["inlines"][0] == {"type": "TextRun", "text": "Q:", "weight": "Bolder"}
    hidden = next(b for b in teams["body"] if b["type"] == "Container")["items"]
    assert all(b["type"] == "RichTextBlock" for b in hidden)  # after "Show all", still hers
    assert unmarked(reply.text) == "**Q:** " + typed
