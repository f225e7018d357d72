"""The web pages' inline SVG: well-formed, escaped, capped, and showing what the data says."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from learnplat.web.charts import (
    MAX_NODES,
    accuracy_chart_svg,
    concept_map_svg,
    points_chart_svg,
    reviews_chart_svg,
)

NS = "{http://www.w3.org/2000/svg}"
SCRIPT = "<script>alert(\"x\")</script> & 'quotes'"


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    assert root.get("width") == "100%"
    assert re.fullmatch(r"0 0 [\d.]+ [\d.]+", root.get("viewBox", ""))
    assert root.get("role") == "img"
    assert "system-ui" in root.get("font-family", "")
    # Nothing that runs or loads: no script or foreign elements, no style, no links.
    for element in root.iter():
        assert element.tag.startswith(NS), element.tag
        assert element.tag not in (f"{NS}script", f"{NS}foreignObject", f"{NS}image")
        assert not any(name == "style" or "href" in name for name in element.attrib)
        assert not any(name.startswith("on") for name in element.attrib)
    return root


def texts(root: ET.Element) -> list[str]:
    """The words on show: each <text>'s characters, <title> tooltips left out."""
    return ["".join(t.itertext()) for t in root.iter(f"{NS}text")]


def titles(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{NS}title")]


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def node(label: str, *children: dict[str, Any], citation: dict[str, Any] | None = None) -> dict:
    return {"label": label, "children": list(children), "citation": citation}


def cite(page: int | None = 4, page_label: str | None = None, unit: str = "page") -> dict:
    return {
        "doc_id": 1,
        "title": "Biology & <Me>",
        "page": page,
        "page_label": page_label,
        "unit": unit,
        "passage_id": 7,
        "quote": "cells",
    }


# Concept map --------------------------------------------------------------------------------
def test_concept_map_draws_every_node_joined_to_its_parent_left_to_right() -> None:
    tree = node(
        "Cells",
        node("Structure", node("Membrane", node("Lipid bilayer")), node("Nucleus")),
        node("Division", node("Mitosis")),
    )
    root = parse(concept_map_svg(tree))
    assert root.get("class") == "concept-map"
    assert root.get("aria-label") == "Concept map: Cells"
    nodes = by_class(root, "node")
    assert len(nodes) == 7
    assert len(list(root.iter(f"{NS}path"))) == 6  # one line for each parent-child pair
    assert {"Cells", "Structure", "Membrane", "Lipid bilayer", "Nucleus", "Mitosis"} <= set(
        texts(root)
    )
    # The root is in the leftmost column; each depth is a column further right, its own colour.
    x_of = {int(n.get("class").split("-")[-1]): float(n.find(f"{NS}rect").get("x")) for n in nodes}
    assert x_of[0] < x_of[1] < x_of[2] < x_of[3]
    fills = {n.get("class"): n.find(f"{NS}rect").get("fill") for n in nodes}
    assert len(set(fills.values())) == 4


def test_concept_map_boxes_do_not_overlap_and_fit_the_view_box() -> None:
    tree = node("Topic", *(node(f"Section {i}", node("a"), node("b " * 30)) for i in range(6)))
    root = parse(concept_map_svg(tree))
    _, _, width, height = map(float, root.get("viewBox").split())
    boxes = []
    for n in by_class(root, "node"):
        rect = n.find(f"{NS}rect")
        x, y, w, h = (float(rect.get(k)) for k in ("x", "y", "width", "height"))
        assert x >= 0 and x + w <= width and y >= 0 and y + h <= height
        boxes.append((x, y, w, h))
    for i, (x, y, w, h) in enumerate(boxes):
        for x2, y2, w2, h2 in boxes[i + 1 :]:
            assert x + w <= x2 or x2 + w2 <= x or y + h <= y2 or y2 + h2 <= y


def test_concept_map_escapes_hostile_labels_and_shows_them_as_text() -> None:
    svg = concept_map_svg(node(SCRIPT, node("ok", citation=cite())))
    assert "<script" not in svg
    root = parse(svg)
    assert not list(root.iter(f"{NS}script"))
    shown = " ".join(texts(root))
    assert '<script>alert("x")</script>' in shown
    assert "& 'quotes'" in shown
    assert root.get("aria-label") == f"Concept map: {SCRIPT}"


def test_concept_map_wraps_long_labels_to_three_lines_with_an_ellipsis() -> None:
    long = " ".join(["photosynthesis"] * 12) + " " + "x" * 90
    root = parse(concept_map_svg(node("Root", node(long))))
    box = by_class(root, "depth-1")[0]
    lines = [span.text or "" for span in box.iter(f"{NS}tspan")]
    assert len(lines) == 3
    assert all(len(line) <= 28 for line in lines)
    assert lines[-1].endswith("…")
    assert titles(box) == [long]  # the whole label on hover


def test_concept_map_breaks_a_very_long_word() -> None:
    root = parse(concept_map_svg(node("y" * 60)))
    lines = [span.text or "" for span in root.iter(f"{NS}tspan")]
    assert lines == ["y" * 28, "y" * 28, "y" * 4]


@pytest.mark.parametrize(
    ("citation", "tooltip"),
    [
        (cite(page=41, page_label="23"), "Cited: Biology & <Me>, p. 23"),
        (cite(page=4), "Cited: Biology & <Me>, p. 4"),
        (cite(page=2, unit="section"), "Cited: Biology & <Me>, §2"),
        (cite(page=None), "Cited: Biology & <Me>"),
    ],
)
def test_concept_map_cited_node_has_a_tooltip_naming_the_source(
    citation: dict[str, Any], tooltip: str
) -> None:
    root = parse(concept_map_svg(node("Topic", node("Fact", citation=citation), node("Plain"))))
    assert titles(root) == [tooltip]
    assert titles(by_class(root, "depth-1")[0]) == [tooltip]


def test_concept_map_takes_the_domain_projection_of_a_citation() -> None:
    """``plain(ConceptNode)`` names the unit ``unit_name``, not ``unit``."""
    citation = cite(page=3)
    citation["unit_name"] = citation.pop("unit")
    root = parse(concept_map_svg(node("Topic", citation=citation)))
    assert titles(root) == ["Cited: Biology & <Me>, p. 3"]


def test_concept_map_caps_nodes_and_says_how_many_more() -> None:
    tree = node("Big", *(node(f"S{i}", *(node(f"S{i} t{j}") for j in range(9))) for i in range(10)))
    root = parse(concept_map_svg(tree))  # 1 + 10 + 90 = 101 nodes
    assert len(by_class(root, "node")) == MAX_NODES
    assert f"+{101 - MAX_NODES} more" in texts(root)
    # Level by level: every section is kept, the drop falls on the last terms.
    assert {f"S{i}" for i in range(10)} <= set(texts(root))
    assert "S9 t8" not in texts(root)


def test_concept_map_under_the_cap_says_nothing_more() -> None:
    root = parse(concept_map_svg(node("Small", node("a"))))
    assert not any("more" in t for t in texts(root))


def test_concept_map_survives_odd_text() -> None:
    labels = ["", "   ", "emoji 🧬🧪 and 漢字", "tab\tnew\nline", "nul\x00bell\x07 lone\ud800"]
    svg = concept_map_svg(node("Root", *(node(label) for label in labels)))
    svg.encode("utf-8")  # no lone surrogate left to break the page's encoding
    root = parse(svg)
    shown = texts(root)
    assert shown.count("(no label)") == 2
    assert "emoji 🧬🧪 and 漢字" in shown
    assert "tab new line" in shown
    assert "nulbell lone" in shown


@pytest.mark.parametrize("empty", [None, {}, {"label": "", "children": []}, "not a node"])
def test_concept_map_of_nothing_is_empty(empty: Any) -> None:
    assert concept_map_svg(empty) == ""


# Points per day -----------------------------------------------------------------------------
def day(n: int, points: int, answered: int = 5, correct: int = 4) -> dict[str, Any]:
    return {"day": f"2026-12-{n:02d}", "points": points, "answered": answered, "correct": correct}


def test_points_chart_has_a_bar_per_day_tallest_for_the_most_points() -> None:
    root = parse(points_chart_svg([day(1, 30), day(2, 10), day(3, 0)]))
    assert root.get("class") == "points-chart"
    bars = by_class(root, "bar")
    assert len(bars) == 3
    heights = [float(b.findall(f"{NS}rect")[-1].get("height")) for b in bars]
    assert heights[0] > heights[1] > heights[2] == 0
    assert titles(root) == [
        "2026-12-01: 30 points, 4/5 correct",
        "2026-12-02: 10 points, 4/5 correct",
        "2026-12-03: 0 points, 4/5 correct",
    ]
    assert [t.text for t in by_class(root, "x-label")] == ["12-01", "12-02", "12-03"]
    assert by_class(root, "y-max")[0].text == "30"


def test_points_chart_thins_day_labels_when_there_are_many() -> None:
    days = [{"day": f"2026-{m:02d}-{d:02d}", "points": d} for m in (1, 2, 3) for d in range(1, 29)]
    root = parse(points_chart_svg(days))
    assert len(by_class(root, "bar")) == 84
    labels = by_class(root, "x-label")
    assert 2 <= len(labels) <= 14
    assert labels[-1].text == "03-28"  # the last day (today, in the Progress tab) is named


def test_points_chart_escapes_its_text() -> None:
    svg = points_chart_svg([{"day": SCRIPT, "points": 3, "answered": 1, "correct": 1}])
    root = parse(svg)
    assert not list(root.iter(f"{NS}script"))
    assert titles(root) == [f"{SCRIPT}: 3 points, 1/1 correct"]


@pytest.mark.parametrize("days", [[], [day(1, 0, 0, 0), day(2, 0, 0, 0)]])
def test_points_chart_with_nothing_played_says_so(days: list[dict[str, Any]]) -> None:
    """The Progress service fills in days without play as 0: a month of them is no chart."""
    root = parse(points_chart_svg(days))
    assert texts(root) == ["No rounds played yet"]
    assert not by_class(root, "bar")


def test_points_chart_days_played_for_no_points_are_still_a_chart() -> None:
    root = parse(points_chart_svg([day(1, 0, answered=3, correct=0), day(2, 0, 0, 0)]))
    assert len(by_class(root, "bar")) == 2
    assert titles(root)[0] == "2026-12-01: 0 points, 0/3 correct"


# Accuracy -----------------------------------------------------------------------------------
def test_accuracy_chart_bar_length_is_the_share_answered_right() -> None:
    rows = [
        {"category": "Cells", "answered": 8, "correct": 6, "points": 40},
        {"category": "Genes", "answered": 4, "correct": 1, "points": 5},
        {"category": "Never", "answered": 0, "correct": 0, "points": 0},
    ]
    root = parse(accuracy_chart_svg(rows))
    assert root.get("class") == "accuracy-chart"
    bars = by_class(root, "bar")
    assert len(bars) == 3
    track, fill = (float(r.get("width")) for r in bars[0].findall(f"{NS}rect"))
    assert fill / track == pytest.approx(0.75, abs=0.01)
    assert float(bars[1].findall(f"{NS}rect")[1].get("width")) / track == pytest.approx(0.25, 0.01)
    assert float(bars[2].findall(f"{NS}rect")[1].get("width")) == 0
    shown = texts(root)
    assert "75% of 8" in shown and "25% of 4" in shown and "no answers" in shown
    assert titles(bars[0]) == ["Cells: 6 of 8 correct (75%), 40 points"]


def test_accuracy_chart_escapes_and_shortens_category_names() -> None:
    long = "Very long category name that goes on and on"
    hostile = "<script>&'\"</script>"
    rows = [
        {"category": hostile, "answered": 2, "correct": 1},
        {"category": long, "answered": 1, "correct": 1},
    ]
    root = parse(accuracy_chart_svg(rows))
    assert not list(root.iter(f"{NS}script"))
    assert hostile in texts(root)
    assert any(t.endswith("…") and long.startswith(t[:-1]) for t in texts(root))
    assert titles(root)[1].startswith(long)


def test_accuracy_chart_with_no_rows_says_so() -> None:
    assert texts(parse(accuracy_chart_svg([]))) == ["No answers yet"]


# Reviews due --------------------------------------------------------------------------------
def test_reviews_chart_puts_overdue_first_in_red() -> None:
    root = parse(reviews_chart_svg([("2026-12-02", 3), ["2026-12-03", 1]], overdue=5))
    assert root.get("class") == "reviews-chart"
    bars = by_class(root, "bar")
    assert len(bars) == 3
    colours = [b.findall(f"{NS}rect")[-1].get("fill") for b in bars]
    assert colours[0] != colours[1] == colours[2]
    assert [t.text for t in by_class(root, "x-label")] == ["overdue", "12-02", "12-03"]
    assert titles(root) == [
        "5 reviews overdue",
        "2026-12-02: 3 reviews due",
        "2026-12-03: 1 review due",
    ]
    assert by_class(root, "y-max")[0].text == "5"


def test_reviews_chart_without_overdue_has_a_bar_per_day() -> None:
    root = parse(reviews_chart_svg([("2026-12-02", 3), ("2026-12-03", 0)], overdue=0))
    assert len(by_class(root, "bar")) == 2
    assert "overdue" not in [t.text for t in by_class(root, "x-label")]


def test_reviews_chart_only_overdue() -> None:
    root = parse(reviews_chart_svg([], overdue=2))
    assert titles(root) == ["2 reviews overdue"]


@pytest.mark.parametrize("days", [[], [("2026-12-02", 0), ("2026-12-03", 0)]])
def test_reviews_chart_with_nothing_due_says_so(days: list[tuple[str, int]]) -> None:
    root = parse(reviews_chart_svg(days, overdue=0))
    assert texts(root) == ["Nothing due"]
    assert root.get("class") == "reviews-chart"
