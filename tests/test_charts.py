"""Charts are valid SVG pictures that carry their numbers, and suppressed cells say so."""

from __future__ import annotations

from xml.etree import ElementTree

from bot.web.admin.charts import Series, bars, heatmap, trend

NS = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> list[str]:
    root = ElementTree.fromstring(svg)
    assert root.tag == f"{NS}svg" and root.get("role") == "img"
    return [t.text or "" for t in root.iter(f"{NS}text")]


def test_bars_with_a_suppressed_group() -> None:
    svg = bars(
        "Confidence <by team>",
        ["IT", "HR & Co"],
        [Series("before", [3.2, None]), Series("after", [4.0, 2.5])],
        suppressed="fewer than 5 answers",
        maximum=5,
    )
    texts = _texts(svg)
    assert {"IT", "HR & Co", "before", "after", "3.2", "4", "2.5", "fewer than 5 answers"} <= set(texts)
    assert "Confidence &lt;by team&gt;" in svg


def test_trend_breaks_at_a_suppressed_wave() -> None:
    svg = trend(
        "Trend", ["W1", "W2", "W3"], [Series("Maturity", [2.0, None, 3.5])], maximum=5, suppressed="fewer"
    )
    root = ElementTree.fromstring(svg)
    assert not list(root.iter(f"{NS}polyline"))  # no segment spans the gap
    assert [t.text for t in root.iter(f"{NS}title")][-1] == "fewer" or "fewer" in svg
    assert {"W1", "W2", "W3"} <= set(_texts(svg))


def test_heatmap_cells_show_shares_and_suppression() -> None:
    svg = heatmap("Coverage", ["IT security"], ["IT", "HR"], [[0.5, None]], suppressed="fewer than 5 people")
    assert "50%" in _texts(svg)
    assert "fewer than 5 people" in svg
