"""The content tree: the shipped one is valid, a broken one yields exact file:line problems."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from bot.cli import app as cli
from bot.config import DEFAULT_CONTENT_DIR
from bot.content.check import CHECKERS, check_content, quiz_warnings
from bot.content.glossary import GlossaryEntry, load_glossary
from bot.content.library import load_library
from bot.surveys.templates import load_templates

BROKEN = Path(__file__).parent / "fixtures" / "broken_content"
AT_LEAST_TWO = "a lesson needs at least 2 (the quiz and its variants)"


def test_shipped_content_is_valid() -> None:
    assert [str(p) for p in check_content(DEFAULT_CONTENT_DIR)] == []
    library = load_library(DEFAULT_CONTENT_DIR)
    assert library.tracks and library.lessons and library.glossary


def test_broken_content_yields_exact_file_line_problems() -> None:
    found = [f"{p.file.relative_to(BROKEN)}:{p.line}: {p.message}" for p in check_content(BROKEN)]
    competences = (
        "'digital_mindset', 'workflow_automation', 'basic_skills', 'digital_innovation', "
        "'project_participation', 'trainer_skills', 'service_communication', 'collaboration', "
        "'digital_leadership', 'security' or 'data_and_ai'"
    )
    assert found == [
        "glossary.yaml:5: cloud: missing translation nb",
        "glossary.yaml:8: duplicate glossary id 'phishing'",
        "glossary.yaml:13: api: en.definition: Field required",
        "glossary.yaml:13: api: en.meaning: Extra inputs are not permitted",
        f"lessons/basics/bad-quiz.en.md:6: competence: Input should be {competences}",
        "lessons/basics/bad-quiz.en.md:10: colour: Extra inputs are not permitted",
        "lessons/basics/bad-quiz.en.md:13: quiz.options: List should have at least 2 items after "
        "validation, not 1",
        "lessons/basics/good-one.da.md:4: good-one: missing translation nb",
        f"lessons/basics/good-one.da.md:10: good-one has 1 quiz question; {AT_LEAST_TWO}",
        "lessons/basics/good-one.en.md:7: level differs from good-one.da.md",
        "lessons/basics/too-long.en.md:3: track 'nowhere' but the file is in basics/",
        "lessons/basics/too-long.en.md:3: unknown track 'nowhere'",
        "lessons/basics/too-long.en.md:4: too-long: missing translation da",
        f"lessons/basics/too-long.en.md:10: too-long has 1 quiz question; {AT_LEAST_TWO}",
        "lessons/basics/too-long.en.md:17: body is 1300 characters; at most 1200",
        "tracks/basics.yaml:3: missing translation da",
        "tracks/basics.yaml:5: good-one is listed twice",
        "tracks/basics.yaml:5: unknown lesson 'missing-one'",
    ]


def test_cli_check_exits_1_and_prints_problems() -> None:
    result = CliRunner().invoke(cli, ["content", "check", str(BROKEN)])
    assert result.exit_code == 1
    assert f"{BROKEN / 'tracks' / 'basics.yaml'}:5: unknown lesson 'missing-one'" in result.stdout
    ok = CliRunner().invoke(cli, ["content", "check", str(DEFAULT_CONTENT_DIR)])
    assert ok.exit_code == 0, ok.stdout


def test_cli_list_json_shape(tmp_path: Path) -> None:
    (tmp_path / "surveys").mkdir()
    (tmp_path / "surveys" / "pulse.yaml").write_text("id: pulse\ntitle: {en: Pulse, da: Puls}\n")
    for part in ("lessons", "tracks", "glossary.yaml"):
        target = tmp_path / part
        target.symlink_to(BROKEN / part)
    result = CliRunner().invoke(cli, ["content", "list", "--json", "--path", str(tmp_path)])
    listing = json.loads(result.stdout)
    assert listing["tracks"] == [{"id": "basics", "languages": ["en", "nb"]}]
    assert {"id": "good-one", "track": "basics", "level": "basic", "languages": ["da", "en"]} in listing[
        "lessons"
    ]
    assert listing["glossary"][0] == {"term": "phishing", "languages": ["da", "en", "nb"]}
    assert listing["surveys"] == [{"id": "pulse", "languages": ["da", "en"]}]


def test_glossary_interface_and_checker_list() -> None:
    terms = load_glossary(BROKEN)
    assert terms[0].id == "phishing"
    assert terms[0].entries["en"] == GlossaryEntry("Phishing", "Fake emails.", ())
    assert isinstance(CHECKERS, list)


def test_shipped_content_covers_the_four_modules_in_every_language() -> None:
    """The starter content must teach all four modules, in Danish and English, with a Norwegian track."""
    result = CliRunner().invoke(cli, ["content", "list", "--json", "--path", str(DEFAULT_CONTENT_DIR)])
    listing = json.loads(result.stdout)
    assert {"strategy", "technology", "organisation", "leadership"} <= {t["id"] for t in listing["tracks"]}
    lessons = listing["lessons"]
    assert len(lessons) >= 32
    assert all({"da", "en"} <= set(lesson["languages"]) for lesson in lessons)
    norwegian_tracks = {
        track["id"]
        for track in listing["tracks"]
        if all("nb" in lesson["languages"] for lesson in lessons if lesson["track"] == track["id"])
    }
    assert norwegian_tracks
    glossary = listing["glossary"]
    assert len(glossary) >= 40 and all(set(g["languages"]) == {"da", "en", "nb"} for g in glossary)
    library = load_library(DEFAULT_CONTENT_DIR)
    competences = {lesson["en"].competence for lesson in library.lessons.values()}
    assert {"security", "data_and_ai", "workflow_automation", "digital_leadership"} <= competences


def test_a_right_answer_longest_by_far_is_warned_about_without_failing(tmp_path: Path) -> None:
    import shutil

    from bot.content.check import quiz_warnings

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "learning_content", content)
    assert quiz_warnings(content) == []
    lesson = content / "lessons" / "basics" / "b-adv.en.md"
    key = '    - "Report it and go to the site yourself"'
    longer = '    - "Report it to IT support at once and then go to the site yourself by typing its address"'
    lesson.write_text(lesson.read_text(encoding="utf-8").replace(key, longer), encoding="utf-8")
    [warned] = [str(w) for w in quiz_warnings(content)]
    for other in (content / "lessons").glob("*/*.md"):  # a lesson needs a variant to pass the check
        lesson_id, language, _ = other.name.split(".")
        _with_variants(content, lesson_id, language, _variant(0))
    assert (
        warned == f"{lesson}:16: warning: the right answer is the longest option by far (86 vs 24 characters)"
    )
    result = CliRunner().invoke(cli, ["content", "check", str(content)])
    assert result.exit_code == 0 and warned in result.stdout


def test_no_shipped_quiz_gives_its_answer_away_by_length() -> None:
    assert [str(p) for p in quiz_warnings(DEFAULT_CONTENT_DIR)] == []


SIX_VALUES = [
    "correctness",
    "integrity",
    "professionalism",
    "trust-building",
    "responsiveness",
    "empowerment",
]


def test_the_six_values_have_one_name_and_one_definition_in_glossary_lessons_and_survey() -> None:
    """The survey asks about a value by its glossary name and definition; lessons teach it by that name."""
    glossary = {term.id: term for term in load_glossary(DEFAULT_CONTENT_DIR)}
    survey = {q.id: q for q in load_templates(DEFAULT_CONTENT_DIR)["automation-values"].questions}
    library = load_library(DEFAULT_CONTENT_DIR)
    assert list(survey) == SIX_VALUES
    for language in ("da", "en", "nb"):
        for value in SIX_VALUES:
            entry = glossary[f"value-{value}"].entries[language]
            assert survey[value].text[language] == f"{entry.term}: {entry.definition.split(': ', 1)[1]}"
    for language in ("da", "en"):
        lessons = [library.lesson(i, language) for i in ("org-values-correct", "org-values-citizen")]
        taught = " ".join(lesson.body for lesson in lessons if lesson)
        for value in SIX_VALUES:
            assert f"**{glossary[f'value-{value}'].entries[language].term}**" in taught


def test_every_track_and_lesson_is_written_in_norwegian_too() -> None:
    result = CliRunner().invoke(cli, ["content", "list", "--json", "--path", str(DEFAULT_CONTENT_DIR)])
    listing = json.loads(result.stdout)
    assert all("nb" in lesson["languages"] for lesson in listing["lessons"])
    library = load_library(DEFAULT_CONTENT_DIR)
    titles = {track: library.track_title(track, "nb") for track in library.tracks}
    assert (
        titles["organisation"] == "Organisasjon og kultur" and titles["technology"] == "Teknologi i hverdagen"
    )


def _with_variants(content: Path, lesson_id: str, language: str, variants: str) -> Path:
    """Add a `variants:` block to one lesson file, before its reflection."""
    [path] = (content / "lessons").glob(f"*/{lesson_id}.{language}.md")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("reflection:", f"variants:\n{variants}reflection:", 1), encoding="utf-8")
    return path


def _variant(correct: int, options: int = 3, key: str = "Check the sender") -> str:
    texts = [key if i == correct else f"Wrong answer number {i}" for i in range(options)]
    listed = "".join(f'      - "{t}"\n' for t in texts)
    head = '  - question: "A scenario?"\n    options:\n'
    return f'{head}{listed}    correct: [{correct}]\n    explanation: "Why."\n'


def test_variants_must_agree_in_every_language(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "learning_content", content)
    _with_variants(content, "b-adv", "en", _variant(0) + _variant(2))
    _with_variants(content, "b-adv", "da", _variant(0) + _variant(2))
    english = _with_variants(content, "b-mfa", "en", _variant(1))
    _with_variants(content, "b-mfa", "da", _variant(1) + _variant(1))
    assert [str(p) for p in check_content(content) if "b-adv" in str(p.file)] == []
    assert [str(p) for p in check_content(content) if "b-mfa" in str(p.file)] == [
        f"{english}:18: 1 quiz variants but 2 in b-mfa.da.md"
    ]
    english = content / "lessons" / "basics" / "b-adv.en.md"
    english.write_text(english.read_text(encoding="utf-8").replace("correct: [2]", "correct: [1]"), "utf-8")
    differ = [p for p in check_content(content) if "b-adv" in str(p.file)]
    assert [(p.file, p.message) for p in differ] == [(english, "variant 2 options differ from b-adv.da.md")]
    result = CliRunner().invoke(cli, ["content", "check", str(content)])
    assert result.exit_code == 1
    assert f"{english}:{differ[0].line}: variant 2 options differ from b-adv.da.md" in result.stdout
    assert differ[0].line > 17  # at the second variant's `correct`, not at the first quiz


def test_a_variant_whose_key_is_longest_by_far_is_warned_about(tmp_path: Path) -> None:
    import shutil

    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent / "fixtures" / "learning_content", content)
    long_key = "Check the sender's address and report the mail to IT support"
    path = _with_variants(content, "b-adv", "en", _variant(0) + _variant(1, key=long_key))
    _with_variants(content, "b-adv", "da", _variant(0) + _variant(1, key=long_key))
    warned = [str(w) for w in quiz_warnings(content)]
    message = "warning: the right answer is the longest option by far (60 vs 21 characters)"
    assert f"{path}:31: {message}" in warned
