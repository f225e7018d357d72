"""Inline SVG for the web pages: a visual lesson's concept map and the progress charts.

Pure functions of JSON-shaped data that return markup to put in a page as it is. Every piece of
text taken from the data is XML-escaped, and characters XML cannot carry are dropped; the
drawings use no scripts, no style attributes and nothing from outside the page.
"""

from __future__ import annotations

import html
import math
import re
import textwrap
import unicodedata
from collections import deque
from dataclasses import dataclass, field
from typing import Any

SVG_NS = "http://www.w3.org/2000/svg"
FONT = "system-ui, sans-serif"
MAX_NODES = 80
WRAP = 28  # characters a line in a concept box
MAX_LINES = 3
MUTED, INK, BAR, RED = "#64748b", "#1e293b", "#3b82f6", "#dc2626"
# (fill, stroke) for each depth of the concept map, repeating past the last.
DEPTH_COLOURS = [("#dbeafe", "#93c5fd"), ("#dcfce7", "#86efac"), ("#fef3c7", "#fcd34d")]
DEPTH_COLOURS += [("#fce7f3", "#f9a8d4"), ("#ede9fe", "#c4b5fd")]
# Controls XML 1.0 cannot hold or that would act on the text (C1, bidi overrides), lone
# surrogates and the two non-characters.
_UNDRAWABLE = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


# Text ---------------------------------------------------------------------------------------
def _text(value: Any) -> str:
    """``value`` as one line of drawable text: undrawable characters dropped, runs of
    whitespace (newlines too) made single spaces."""
    if value is None:
        return ""
    return " ".join(_UNDRAWABLE.sub("", str(value)).split())


def _esc(text: str) -> str:
    return html.escape(text, quote=True)


def _n(x: float) -> str:
    """A coordinate, short: 12 or 12.5."""
    return f"{x:.1f}".removesuffix(".0")


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _width(text: str, size: float) -> float:
    """Roughly how wide ``text`` draws at font ``size``: wide (CJK, emoji) characters count
    about twice a Latin one."""
    wide = sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")
    return (len(text) - wide) * size * 0.6 + wide * size * 1.1


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _svg(width: float, height: float, css_class: str, label: str, body: list[str]) -> str:
    return (
        f'<svg xmlns="{SVG_NS}" width="100%" viewBox="0 0 {_n(width)} {_n(height)}" role="img"'
        f' aria-label="{_esc(label)}" class="{css_class}" font-family="{FONT}">'
        + "".join(body)
        + "</svg>"
    )


def _message(text: str, css_class: str) -> str:
    """A small drawing holding only ``text``, for a chart with nothing to show."""
    body = f'<text x="320" y="30" text-anchor="middle" font-size="14" fill="{MUTED}">'
    return _svg(640, 48, css_class, text, [body, _esc(text), "</text>"])


# Concept map --------------------------------------------------------------------------------
FONT_SIZE, LINE_H, PAD_X, PAD_Y = 13, 17, 10, 7
H_GAP, V_GAP, MARGIN = 36, 10, 12


@dataclass
class _Box:
    """A concept-map node as drawn: its wrapped lines, tooltip and place."""

    lines: list[str]
    depth: int
    tooltip: str
    children: list[_Box] = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    span: float = 0.0  # the height of the band the node and its subtree take


def _children(node: dict[str, Any]) -> list[dict[str, Any]]:
    kids = node.get("children")
    if not isinstance(kids, list | tuple):
        return []
    return [kid for kid in kids if isinstance(kid, dict)]


def _cited(citation: Any) -> str:
    """The tooltip's source: Cited: Title, p. 23 (the printed page where known) or §2."""
    if not isinstance(citation, dict):
        return ""
    title = _text(citation.get("title")) or "a source"
    page = citation.get("page")
    unit = citation.get("unit", citation.get("unit_name")) or "page"
    if unit != "page" and page is not None:
        return f"Cited: {title}, §{_text(page)}"
    mark = _text(citation.get("page_label")) or _text(page)
    return f"Cited: {title}, p. {mark}" if mark else f"Cited: {title}"


def _box(node: dict[str, Any], depth: int) -> _Box:
    label = _text(node.get("label"))
    lines = textwrap.wrap(label, width=WRAP, break_long_words=True)
    cut = len(lines) > MAX_LINES
    if cut:
        lines = lines[:MAX_LINES]
        lines[-1] = lines[-1][: WRAP - 1].rstrip() + "…"
    tips = [label] if cut else []
    if cited := _cited(node.get("citation")):
        tips.append(cited)
    box = _Box(lines, depth, "\n".join(tips))
    widest = max((_width(line, FONT_SIZE) for line in lines), default=_width("(no label)", 13))
    box.w = max(widest + 2 * PAD_X, 48)
    box.h = max(len(lines), 1) * LINE_H + 2 * PAD_Y
    return box


def _gather(node: dict[str, Any]) -> tuple[_Box, list[_Box], int]:
    """The tree to draw, taken level by level so a big map keeps its upper levels whole, and
    how many nodes past ``MAX_NODES`` were left out."""
    root = _box(node, 0)
    boxes, dropped = [root], 0
    queue = deque([(node, root)])
    while queue:
        data, parent = queue.popleft()
        for kid in _children(data):
            if len(boxes) < MAX_NODES:
                box = _box(kid, parent.depth + 1)
                parent.children.append(box)
                boxes.append(box)
                queue.append((kid, box))
            else:
                dropped += 1
                queue.append((kid, parent))  # counted, never drawn
    return root, boxes, dropped


def _kids_span(box: _Box) -> float:
    return sum(kid.span for kid in box.children) + V_GAP * max(len(box.children) - 1, 0)


def _measure(box: _Box) -> float:
    for kid in box.children:
        _measure(kid)
    box.span = max(box.h, _kids_span(box))
    return box.span


def _place(box: _Box, top: float, columns: list[float]) -> None:
    box.x = columns[box.depth]
    box.y = top + (box.span - box.h) / 2
    y = top + (box.span - _kids_span(box)) / 2
    for kid in box.children:
        _place(kid, y, columns)
        y += kid.span + V_GAP


def concept_map_svg(node: dict[str, Any] | None) -> str:
    """The concept map as a left-to-right tree: the topic at the left, each level a column of
    rounded boxes in its own colour. "" for no map."""
    if not isinstance(node, dict) or (not _text(node.get("label")) and not _children(node)):
        return ""
    root, boxes, dropped = _gather(node)
    _measure(root)
    widths: list[float] = []
    for box in boxes:
        if box.depth == len(widths):
            widths.append(0.0)
        widths[box.depth] = max(widths[box.depth], box.w)
    columns = [MARGIN + sum(widths[:d]) + H_GAP * d for d in range(len(widths))]
    _place(root, MARGIN, columns)
    width = columns[-1] + widths[-1] + MARGIN
    height = root.span + 2 * MARGIN + (18 if dropped else 0)
    body = []
    for box in boxes:
        for kid in box.children:
            x1, y1 = box.x + box.w, box.y + box.h / 2
            x2, y2 = kid.x, kid.y + kid.h / 2
            mid = (x1 + x2) / 2
            body.append(
                f'<path d="M{_n(x1)} {_n(y1)} C{_n(mid)} {_n(y1)} {_n(mid)} {_n(y2)}'
                f' {_n(x2)} {_n(y2)}" fill="none" stroke="#94a3b8" stroke-width="1.5"/>'
            )
    for box in boxes:
        fill, stroke = DEPTH_COLOURS[box.depth % len(DEPTH_COLOURS)]
        title = f"<title>{_esc(box.tooltip)}</title>" if box.tooltip else ""
        look = f'fill="{INK}"' if box.lines else f'font-style="italic" fill="{MUTED}"'
        spans = "".join(
            f'<tspan x="{_n(box.x + PAD_X)}" y="{_n(box.y + PAD_Y + i * LINE_H + 12.5)}">'
            f"{_esc(line)}</tspan>"
            for i, line in enumerate(box.lines or ["(no label)"])
        )
        text = f'<text font-size="{FONT_SIZE}" {look}>{spans}</text>'
        weight = ' stroke-width="2"' if box.depth == 0 else ""
        body.append(
            f'<g class="node depth-{box.depth}">{title}<rect x="{_n(box.x)}" y="{_n(box.y)}"'
            f' width="{_n(box.w)}" height="{_n(box.h)}" rx="8" fill="{fill}"'
            f' stroke="{stroke}"{weight}/>{text}</g>'
        )
    if dropped:
        body.append(
            f'<text class="more" x="{MARGIN}" y="{_n(height - MARGIN)}" font-size="11"'
            f' fill="{MUTED}">+{dropped} more</text>'
        )
    label = f"Concept map: {_text(node.get('label')) or 'untitled'}"
    return _svg(width, height, "concept-map", label, body)


# Charts -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Bar:
    label: str  # under the bar; "" leaves it unlabelled
    value: int
    title: str
    colour: str = BAR


def _day_label(day: str) -> str:
    """ "12-01" for "2026-12-01"; anything else shortened."""
    return day[5:] if _ISO_DAY.fullmatch(day) else _clip(day, 10)


def _bar_chart(bars: list[_Bar], css_class: str, label: str) -> str:
    """Vertical bars from a zero baseline, the largest value marked on the y axis and every
    few x labels kept so they do not overlap, counted back from the last (today)."""
    width, height, left, right, top, bottom = 640, 220, 44, 12, 14, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    base = top + plot_h
    peak = max(max(bar.value for bar in bars), 1)
    slot = plot_w / len(bars)
    bar_w = max(slot * 0.7, 1.0)
    step = math.ceil(len(bars) / max(plot_w // 44, 1))
    body = [
        f'<line x1="{left}" y1="{top}" x2="{left + plot_w}" y2="{top}" stroke="#e2e8f0"'
        ' stroke-dasharray="3 3"/>',
        f'<line x1="{left}" y1="{base}" x2="{left + plot_w}" y2="{base}" stroke="#cbd5e1"/>',
        f'<text class="y-max" x="{left - 6}" y="{top + 4}" text-anchor="end" font-size="11"'
        f' fill="{MUTED}">{peak:,}</text>',
        f'<text x="{left - 6}" y="{base + 4}" text-anchor="end" font-size="11"'
        f' fill="{MUTED}">0</text>',
    ]
    for i, bar in enumerate(bars):
        x = left + i * slot
        h = plot_h * max(bar.value, 0) / peak
        body.append(
            f'<g class="bar"><title>{_esc(bar.title)}</title>'
            f'<rect x="{_n(x)}" y="{top}" width="{_n(slot)}" height="{plot_h}" fill="#fff"'
            f' fill-opacity="0"/><rect x="{_n(x + (slot - bar_w) / 2)}" y="{_n(base - h)}"'
            f' width="{_n(bar_w)}" height="{_n(h)}" rx="2" fill="{bar.colour}"/></g>'
        )
        if bar.label and (len(bars) - 1 - i) % step == 0:  # the last (today) always
            body.append(
                f'<text class="x-label" x="{_n(x + slot / 2)}" y="{base + 16}"'
                f' text-anchor="middle" font-size="10" fill="{MUTED}">{_esc(bar.label)}</text>'
            )
    return _svg(width, height, css_class, label, body)


def points_chart_svg(days: list[dict[str, Any]]) -> str:
    """Points per day as bars, each with its day, points and correct answers on hover. A run
    of days without a question answered (the Progress service fills them in) says so."""
    bars, played = [], False
    for row in days:
        day, points = _text(row.get("day")), _int(row.get("points"))
        correct, answered = _int(row.get("correct")), _int(row.get("answered"))
        played = played or answered > 0 or points != 0
        title = f"{day}: {_plural(points, 'point')}, {correct}/{answered} correct"
        bars.append(_Bar(_day_label(day), points, title))
    if not played:
        return _message("No rounds played yet", "points-chart")
    total = sum(bar.value for bar in bars)
    label = f"Points per day: {_plural(total, 'point')} over {_plural(len(bars), 'day')}"
    return _bar_chart(bars, "points-chart", label)


def accuracy_chart_svg(rows: list[dict[str, Any]]) -> str:
    """A horizontal bar per category, as long as the share of its answers that were right,
    with "75% of 8" beside it."""
    if not rows:
        return _message("No answers yet", "accuracy-chart")
    width, row_h, left, track = 640, 28, 190, 330
    body = []
    for i, row in enumerate(rows):
        category = _text(row.get("category")) or "(no category)"
        answered, correct = max(_int(row.get("answered")), 0), max(_int(row.get("correct")), 0)
        share = min(correct / answered, 1.0) if answered else 0.0
        pct = round(share * 100)
        y = 8 + i * row_h
        shown = f"{pct}% of {answered}" if answered else "no answers"
        title = (
            f"{category}: {correct} of {answered} correct ({pct}%),"
            f" {_plural(_int(row.get('points')), 'point')}"
        )
        body.append(
            f'<g class="bar"><title>{_esc(title)}</title>'
            f'<text x="{left - 10}" y="{y + 15}" text-anchor="end" font-size="12"'
            f' fill="{INK}">{_esc(_clip(category, 26))}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{track}" height="16" rx="3" fill="#e2e8f0"/>'
            f'<rect x="{left}" y="{y + 3}" width="{_n(track * share)}" height="16" rx="3"'
            f' fill="{BAR}"/><text x="{left + track + 8}" y="{y + 15}" font-size="12"'
            f' fill="{MUTED}">{shown}</text></g>'
        )
    return _svg(width, 16 + len(rows) * row_h, "accuracy-chart", "Accuracy by category", body)


def reviews_chart_svg(days: list[list[Any] | tuple[Any, ...]], overdue: int) -> str:
    """Reviews falling due on each day ahead as bars, the overdue ones first in red; days
    all at 0 with none overdue say so."""
    bars = []
    overdue = _int(overdue)
    if overdue > 0:
        bars.append(_Bar("overdue", overdue, f"{_plural(overdue, 'review')} overdue", RED))
    ahead = 0
    for pair in days:
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            continue
        day, count = _text(pair[0]), _int(pair[1])
        ahead += max(count, 0)
        bars.append(_Bar(_day_label(day), count, f"{day}: {_plural(count, 'review')} due"))
    if overdue <= 0 and ahead == 0:
        return _message("Nothing due", "reviews-chart")
    label = f"Reviews due: {max(overdue, 0)} overdue, {ahead} in the days ahead"
    return _bar_chart(bars, "reviews-chart", label)
