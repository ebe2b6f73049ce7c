"""Charts as real pictures: small, accessible SVG built on the server (no script, no CDN).

A value of None is a suppressed cell: it is drawn as a hatched gap with the caller's label
(e.g. "fewer than 5 answers") rather than a number."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

COLOURS = ("#1f6feb", "#e8a33d", "#2da44e", "#8250df", "#cf222e")
MUTED = "#5b6475"
_PATTERNS = itertools.count(1)  # ids unique per process, so several charts on one page never share one


@dataclass(frozen=True, slots=True)
class Series:
    name: str
    values: Sequence[float | None]


def el(tag: str, content: str = "", /, **attrs: object) -> Markup:
    """One SVG element; attribute names use _ for - and content is escaped unless it is Markup."""
    rendered = "".join(f' {_name(name)}="{escape(_value(v))}"' for name, v in attrs.items())
    return Markup(f"<{tag}{rendered}>{escape(content)}</{tag}>")


def _name(attribute: str) -> str:
    return attribute.rstrip("_").replace("_", "-")


def _value(value: object) -> str:
    return str(round(value, 1) if isinstance(value, float) else value)


def _hatch_id() -> str:
    return f"hatch-{next(_PATTERNS)}"


def _hatch(pattern_id: str) -> Markup:
    stripe = el("line", x1=0, y1=0, x2=0, y2=6, stroke="#c3c8d0", stroke_width=2)
    cell = el("rect", width=6, height=6, fill="#eef0f3")
    pattern = el(
        "pattern",
        cell + stripe,
        id=pattern_id,
        width=6,
        height=6,
        patternUnits="userSpaceOnUse",
        patternTransform="rotate(45)",
    )
    return el("defs", pattern)


def _svg(width: int, height: int, title: str, body: list[Markup], hatch: str) -> Markup:
    inner = el("title", title) + _hatch(hatch) + Markup("").join(body)
    return el(
        "svg",
        inner,
        class_="chart",
        xmlns="http://www.w3.org/2000/svg",
        viewBox=f"0 0 {width} {height}",
        width=width,
        height=height,
        role="img",
        aria_label=title,
    )


def _number(value: float, unit: str = "") -> str:
    return f"{value:.0f}{unit}" if float(value).is_integer() or abs(value) >= 10 else f"{value:.1f}{unit}"


def _gap(x: float, y: float, w: float, h: float, suppressed: str, hatch: str) -> Markup:
    return el("rect", el("title", suppressed), x=x, y=y, width=w, height=h, fill=f"url(#{hatch})")


def bars(
    title: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    suppressed: str,
    maximum: float | None = None,
    unit: str = "",
) -> Markup:
    """Horizontal bars, one group per label and one bar per series (before/after, waves...)."""
    hatch = _hatch_id()
    label_width, bar_h, gap, width = 190, 16, 10, 640
    plot = width - label_width - 60
    top = 8 + (18 if len(series) > 1 else 0)
    group = bar_h * len(series) + gap
    height = top + group * max(len(labels), 1) + 4
    peak = maximum or max((v for s in series for v in s.values if v is not None), default=0) or 1
    parts: list[Markup] = []
    if len(series) > 1:
        x = label_width
        for n, s in enumerate(series):
            parts.append(el("rect", x=x, y=4, width=10, height=10, fill=COLOURS[n % len(COLOURS)]))
            parts.append(el("text", s.name, x=x + 14, y=13, font_size=11))
            x += 24 + 7 * len(s.name)
    for row, label in enumerate(labels):
        y0 = top + row * group
        parts.append(el("text", label, x=label_width - 8, y=y0 + group / 2, font_size=12, text_anchor="end"))
        for n, s in enumerate(series):
            y = y0 + n * bar_h
            value = s.values[row] if row < len(s.values) else None
            if value is None:
                parts.append(_gap(label_width, y, plot, bar_h - 2, suppressed, hatch))
                parts.append(el("text", suppressed, x=label_width + 6, y=y + 12, font_size=11, fill=MUTED))
                continue
            length = max(plot * float(value) / peak, 1.0)
            tip = el("title", f"{s.name}: {_number(value, unit)}")
            parts.append(
                el(
                    "rect",
                    tip,
                    x=label_width,
                    y=y,
                    width=length,
                    height=bar_h - 2,
                    fill=COLOURS[n % len(COLOURS)],
                )
            )
            parts.append(el("text", _number(value, unit), x=label_width + length + 4, y=y + 12, font_size=11))
    return _svg(width, height, title, parts, hatch)


def trend(
    title: str, points: Sequence[str], series: Sequence[Series], *, maximum: float, suppressed: str
) -> Markup:
    """A line per series across waves; a suppressed point breaks the line and is marked."""
    hatch = _hatch_id()
    width, height, left, bottom, top = 640, 220, 40, 30, 24
    plot_w, plot_h = width - left - 20, height - top - bottom
    step = plot_w / max(len(points) - 1, 1)
    parts = [
        el("line", x1=left, y1=top + plot_h, x2=left + plot_w, y2=top + plot_h, stroke="#c3c8d0"),
        el("text", _number(maximum), x=left - 6, y=top + 4, font_size=10, text_anchor="end"),
        el("text", "0", x=left - 6, y=top + plot_h, font_size=10, text_anchor="end"),
    ]
    for i, point in enumerate(points):
        parts.append(el("text", point, x=left + i * step, y=height - 10, font_size=10, text_anchor="middle"))
    for n, s in enumerate(series):
        colour = COLOURS[n % len(COLOURS)]
        segment: list[str] = []
        for i, value in enumerate(s.values):
            x = left + i * step
            if value is None:
                parts.append(_gap(x - 5, top + plot_h - 12, 10, 10, suppressed, hatch))
                segment = _flush(parts, segment, colour)
                continue
            y = top + plot_h - plot_h * float(value) / (maximum or 1)
            segment.append(f"{x:.1f},{y:.1f}")
            tip = el("title", f"{s.name} {points[i]}: {_number(value)}")
            parts.append(el("circle", tip, cx=x, cy=y, r=3.5, fill=colour))
        _flush(parts, segment, colour)
        parts.append(el("text", s.name, x=left + 4 + 120 * n, y=14, font_size=11, fill=colour))
    return _svg(width, height, title, parts, hatch)


def _flush(parts: list[Markup], segment: list[str], colour: str) -> list[str]:
    if len(segment) > 1:
        parts.append(el("polyline", points=" ".join(segment), fill="none", stroke=colour, stroke_width=2))
    return []


def heatmap(
    title: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    *,
    suppressed: str,
) -> Markup:
    """Rows × columns shaded by a share between 0 and 1; None cells are suppressed groups."""
    hatch = _hatch_id()
    label_width, cell_w, cell_h, head = 230, 92, 26, 40
    width = label_width + cell_w * max(len(columns), 1) + 10
    height = head + cell_h * max(len(rows), 1) + 6
    parts = [
        el(
            "text",
            name[:16],
            x=label_width + c * cell_w + cell_w / 2,
            y=head - 10,
            font_size=11,
            text_anchor="middle",
        )
        for c, name in enumerate(columns)
    ]
    for r, name in enumerate(rows):
        y = head + r * cell_h
        parts.append(el("text", name, x=label_width - 8, y=y + 17, font_size=11, text_anchor="end"))
        for c in range(len(columns)):
            x = label_width + c * cell_w
            value = cells[r][c] if c < len(cells[r]) else None
            if value is None:
                parts.append(_gap(x, y, cell_w - 2, cell_h - 2, suppressed, hatch))
                continue
            share = min(max(float(value), 0.0), 1.0)
            fill = f"hsl(215, 70%, {95 - int(share * 55)}%)"
            parts.append(el("rect", x=x, y=y, width=cell_w - 2, height=cell_h - 2, fill=fill))
            ink = "#fff" if share > 0.55 else "#1d2433"
            label = f"{share * 100:.0f}%"
            parts.append(
                el(
                    "text",
                    label,
                    x=x + cell_w / 2 - 1,
                    y=y + 17,
                    font_size=11,
                    text_anchor="middle",
                    fill=ink,
                )
            )
    return _svg(width, height, title, parts, hatch)
