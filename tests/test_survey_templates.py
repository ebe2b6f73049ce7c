"""Survey templates: the shipped ones load, and broken files are reported with file and line."""

from __future__ import annotations

from pathlib import Path

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.models import COMPETENCES
from bot.surveys.templates import check_templates, load_templates


def test_shipped_templates_are_valid_in_every_language() -> None:
    assert check_templates(DEFAULT_CONTENT_DIR) == []
    templates = load_templates(DEFAULT_CONTENT_DIR)
    assert set(templates) == {
        "digital-maturity",
        "digital-confidence",
        "automation-values",
        "enps",
        "competence-needs",
    }
    needs = templates["competence-needs"]
    assert tuple(q.id for q in needs.questions) == COMPETENCES  # one question per competence area
    for question in needs.questions:
        assert [o.id for o in question.options] == ["none", "some", "much", "unsure"]
    values = [q.id for q in templates["automation-values"].questions]
    assert values == [
        "correctness",
        "integrity",
        "professionalism",
        "trust-building",
        "responsiveness",
        "empowerment",
    ]
    assert [q.id for q in templates["digital-maturity"].questions][:4] == [
        "strategy",
        "technology",
        "organisation",
        "leadership",
    ]
    for template in templates.values():
        assert template.languages == ("da", "en", "nb")


def test_problems_name_file_and_line(tmp_path: Path) -> None:
    surveys = tmp_path / "surveys"
    surveys.mkdir()
    (surveys / "broken.yaml").write_text("id: broken\ntitle: {en: Broken\n", encoding="utf-8")
    (surveys / "pulse.yaml").write_text(
        "id: pulse\n"
        "title: {da: Puls, en: Pulse}\n"
        "intro: {da: Hej, en: Hi}\n"
        "questions:\n"
        "  - id: q1\n"
        "    type: likert\n"
        "    text: {en: Only English}\n"
        "  - id: q2\n"
        "    type: single\n"
        "    text: {da: Valg, en: Choice}\n"
        "    options: [{id: a, label: {da: A, en: A}}]\n",
        encoding="utf-8",
    )
    problems = check_templates(tmp_path)
    assert problems[0].file.name == "broken.yaml" and problems[0].line == 3
    pulse = [(p.line, p.message) for p in problems if p.file.name == "pulse.yaml"]
    assert pulse == [(8, "questions.1: Value error, a choice question needs 2 to 10 options")]
    (surveys / "pulse.yaml").write_text(
        (surveys / "pulse.yaml")
        .read_text()
        .replace(
            "options: [{id: a, label: {da: A, en: A}}]",
            "options: [{id: a, label: {da: A, en: A}}, {id: b, label: {da: B, en: B}}]",
        ),
        encoding="utf-8",
    )
    pulse = [(p.line, p.message) for p in check_templates(tmp_path) if p.file.name == "pulse.yaml"]
    assert pulse == [(7, "questions.0.text: needs ['da', 'en'] like title")]
    assert load_templates(tmp_path) == {}
