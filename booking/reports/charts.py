"""Charts drawn on the server as SVG: bars, a line, a heatmap. No JavaScript.

Each chart is an image to assistive technology (role="img", labelled by its <title> and
<desc>), is scaled by its viewBox to the width it is given (so it works on a 320px phone and on
paper), and always sits beside the table of its numbers: colour and length are never the only
way to read them. Sizes are attributes, colours are attributes or classes in app.scss: the
Content-Security-Policy forbids style attributes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 340
"""Narrow, so that text stays readable when a phone shrinks the chart to 290px; app.scss caps
how far a desktop enlarges it."""
BRAND = "#0b6b6b"
SECOND = "#1d70b8"
EMPTY = "#f3f2f1"
TEXT_SIZE = 15
SMALL_TEXT = 13


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None
    """A share (0 to 1); None draws no bar."""
    text: str
    """The value in words, written beside the bar."""


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float | None]
    colour: str
    dashed: bool = False


def _svg(chart_id: str, title: str, description: str, height: float, body: str) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" '
        f'viewBox="0 0 {WIDTH} {height:g}" width="100%" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" id="{chart_id}">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _text(x: float, y: float, text: str, *, size: int = TEXT_SIZE, anchor: str = "start") -> str:
    return (
        f'<text x="{x:g}" y="{y:g}" font-size="{size}" text-anchor="{anchor}">{escape(text)}</text>'
    )


def _fit(text: str, size: int = TEXT_SIZE) -> str:
    """The text, cut short with an ellipsis if it would run off the chart (the table beside
    the chart has it in full)."""
    longest = int(WIDTH / (0.55 * size))
    return (
        text if len(text) <= longest else text[: longest - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"
    )


def bar_chart(
    chart_id: str, title: str, description: str, bars: Sequence[Bar], *, maximum: float = 1.0
) -> Markup:
    """Horizontal bars, each with its label above it and its value beside it."""
    row, bar_height, bar_width = 44, 16, WIDTH - 70
    parts = []
    for index, bar in enumerate(bars):
        top = index * row
        parts.append(_text(0, top + 15, _fit(bar.label)))
        parts.append(
            f'<rect x="0" y="{top + 21}" width="{bar_width}" height="{bar_height}" fill="{EMPTY}"/>'
        )
        if bar.value:
            width = max(1.0, min(bar.value / maximum, 1.0) * bar_width)
            parts.append(
                f'<rect x="0" y="{top + 21}" width="{width:.1f}" height="{bar_height}" '
                f'fill="{BRAND}"/>'
            )
        parts.append(_text(WIDTH, top + 34, bar.text, anchor="end"))
    return _svg(chart_id, title, description, max(len(bars), 1) * row, "".join(parts))


def line_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    series: Sequence[Series],
    *,
    maximum: float = 1.0,
) -> Markup:
    """Lines over evenly spaced points; a missing value (None) breaks the line."""
    left, right, top, bottom = 44, 8, 8, 44
    height = 224
    plot_width, plot_height = WIDTH - left - right, height - top - bottom
    count = max(len(labels), 1)

    def x(index: int) -> float:
        return left + (plot_width * index / (count - 1) if count > 1 else plot_width / 2)

    def y(value: float) -> float:
        return top + plot_height * (1 - min(max(value / maximum, 0.0), 1.0))

    parts = []
    for share in (0.0, 0.5, 1.0):
        level = y(share * maximum)
        parts.append(
            f'<line x1="{left}" y1="{level:g}" x2="{WIDTH - right}" y2="{level:g}" '
            f'stroke="#b1b4b6" stroke-width="1"/>'
        )
        parts.append(
            _text(
                left - 6, level + 4, f"{share * maximum * 100:.0f}%", size=SMALL_TEXT, anchor="end"
            )
        )
    if labels:
        shown = sorted({0, (len(labels) - 1) // 2, len(labels) - 1})
        for index in shown:
            anchor = "start" if index == 0 else ("end" if index == len(labels) - 1 else "middle")
            parts.append(
                _text(x(index), height - 26, labels[index], size=SMALL_TEXT, anchor=anchor)
            )
    for number, line in enumerate(series):
        path, pen_down = [], False
        for index, value in enumerate(line.values):
            if value is None:
                pen_down = False
                continue
            path.append(f"{'L' if pen_down else 'M'}{x(index):.1f} {y(value):.1f}")
            pen_down = True
            parts.append(
                f'<circle cx="{x(index):.1f}" cy="{y(value):.1f}" r="2.5" fill="{line.colour}"/>'
            )
        dash = ' stroke-dasharray="6 4"' if line.dashed else ""
        if path:
            parts.append(
                f'<path d="{" ".join(path)}" fill="none" stroke="{line.colour}" '
                f'stroke-width="2.5"{dash}/>'
            )
        key_x = left + number * 130
        parts.append(
            f'<line x1="{key_x}" y1="{height - 8}" x2="{key_x + 24}" y2="{height - 8}" '
            f'stroke="{line.colour}" stroke-width="3"{dash}/>'
        )
        parts.append(_text(key_x + 30, height - 4, line.name, size=SMALL_TEXT))
    return _svg(chart_id, title, description, height, "".join(parts))


def heatmap(
    chart_id: str,
    title: str,
    description: str,
    rows: Sequence[str],
    columns: Sequence[str],
    values: Sequence[Sequence[float | None]],
    *,
    maximum: float = 1.0,
) -> Markup:
    """A grid of cells, darker the higher the value; grey where there is no value (closed)."""
    left, top, cell_height = 44, 20, 26
    cell_width = (WIDTH - left) / max(len(columns), 1)
    step = max(1, round(len(columns) / 8))
    parts = [
        _text(left + cell_width * (index + 0.5), 14, label, size=SMALL_TEXT, anchor="middle")
        for index, label in enumerate(columns)
        if index % step == 0
    ]
    for row_index, (label, row) in enumerate(zip(rows, values, strict=True)):
        y = top + row_index * cell_height
        parts.append(_text(0, y + 18, label, size=SMALL_TEXT))
        for column_index, value in enumerate(row):
            x = left + column_index * cell_width
            if value is None:
                fill = f'fill="{EMPTY}"'
            else:
                strength = 0.08 + 0.92 * min(max(value / maximum, 0.0), 1.0)
                fill = f'fill="{BRAND}" fill-opacity="{strength:.2f}"'
            parts.append(
                f'<rect x="{x:.1f}" y="{y}" width="{cell_width:.1f}" height="{cell_height}" '
                f'{fill} stroke="#ffffff" stroke-width="1"/>'
            )
    height = top + len(rows) * cell_height
    return _svg(chart_id, title, description, height, "".join(parts))
