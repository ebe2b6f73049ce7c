"""How well the FAQ search finds the entry a colleague means.

    python bench/faq_match.py [--cases bench/faq_cases.yaml]

Every question in `faq_cases.yaml` (paraphrases, typos, synonyms and inflections in da, nb and
en) is matched against all its entries with the shipped synonym list, once as the entries are
and once after each entry's `learned` wording was stored as an alias. Figures: `entries`,
`questions`, `top1` and `top3` (share of questions whose entry came first / among the first
three), the same `after_aliases_top1` / `after_aliases_top3`, `ms_per_question` and `seconds`.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.config import DEFAULT_CONTENT_DIR  # noqa: E402
from bot.questions.matching import Candidate, Synonyms, rank  # noqa: E402
from bot.questions.search import synonyms  # noqa: E402

CASES = Path(__file__).resolve().parent / "faq_cases.yaml"


def load(path: Path) -> list[dict[str, object]]:
    return list(yaml.safe_load(path.read_text(encoding="utf-8"))["entries"])


def hit_rates(entries: list[dict[str, object]], same: Synonyms, *, learned: bool) -> tuple[float, float, int]:
    """Top-1 and top-3 shares over every question, and how many questions there were."""
    candidates = [
        Candidate(
            number,
            str(entry["question"]),
            str(entry["answer"]),
            (str(entry["learned"]),) if learned and entry.get("learned") else (),
        )
        for number, entry in enumerate(entries)
    ]
    first = top3 = total = 0
    for number, entry in enumerate(entries):
        for question in entry["asks"]:  # type: ignore[attr-defined]
            found = rank(str(question), candidates, same, limit=3)
            total += 1
            first += found[:1] == [number]
            top3 += number in found
    return first / total, top3 / total, total


def measure(entries: list[dict[str, object]]) -> dict[str, object]:
    same = synonyms(DEFAULT_CONTENT_DIR)
    started = time.perf_counter()
    top1, top3, questions = hit_rates(entries, same, learned=False)
    after1, after3, _ = hit_rates(entries, same, learned=True)
    seconds = time.perf_counter() - started
    return {
        "entries": len(entries),
        "questions": questions,
        "top1": round(top1, 3),
        "top3": round(top3, 3),
        "after_aliases_top1": round(after1, 3),
        "after_aliases_top3": round(after3, 3),
        "ms_per_question": round(seconds * 1000 / (2 * questions), 2),
        "seconds": round(seconds, 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=Path, default=CASES)
    print(json.dumps(measure(load(parser.parse_args().cases))))


if __name__ == "__main__":
    main()
