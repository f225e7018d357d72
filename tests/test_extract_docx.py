"""Word documents as people write them: headings by hand, lists, quotes, tables, missing parts."""

from __future__ import annotations

import zipfile
from pathlib import Path

from learnplat.services.extract import Extracted, extract
from tests.corpus import make_docx, make_handout_docx, real_document


def read(path: Path) -> Extracted:
    return extract(path.read_bytes(), path.name)


def test_headings_made_by_hand_are_headings_and_bold_links_are_not(tmp_path: Path) -> None:
    handout = read(make_handout_docx(tmp_path / "handout.docx"))
    assert [unit.heading_path for unit in handout.units] == [
        ("Seed Dispersal Workshop",),
        ("Seed Dispersal Workshop", "Wind"),
        ("Seed Dispersal Workshop", "Animals"),
    ]
    wind, animals = handout.units[1], handout.units[2]
    assert [(block.kind, block.text) for block in wind.blocks] == [
        ("heading", "Wind"),
        ("paragraph", "Light seeds with wings or hairs ride the wind for kilometres."),
        ("paragraph", "Seed atlas: https://example.org/seeds"),
        ("paragraph", "The atlas lists the seeds of every native tree."),
    ]
    assert [(block.kind, block.text) for block in animals.blocks] == [
        ("heading", "Animals"),
        ("paragraph", "Birds eat fruit and drop the seeds far away."),
        ("paragraph", "Seeds are small"),
        ("paragraph", "Seeds are many"),
        ("paragraph", "Both help a plant spread."),
        ("list", "- burrs cling to fur\n- ants carry seeds home"),
        ("quote", "> A seed is a baby plant in a box with its lunch."),
        ("table", "| Way | Distance |\n| --- | --- |\n| Wind | far |"),
    ]


def test_title_comes_from_the_title_paragraph_never_from_a_made_up_default(
    tmp_path: Path,
) -> None:
    path = make_handout_docx(tmp_path / "handout.docx", core_properties=False)
    with zipfile.ZipFile(path) as archive:
        assert "docProps/core.xml" not in archive.namelist()
    assert read(path).title == "Seed Dispersal Workshop"


def test_a_docx_with_no_title_anywhere_is_titled_by_its_file_name(tmp_path: Path) -> None:
    from docx import Document

    document = Document()
    document.add_paragraph("Roots drink water from the soil.")
    document.save(str(tmp_path / "roots and soil.docx"))
    assert read(tmp_path / "roots and soil.docx").title == "roots and soil"


def test_styled_headings_and_tables_keep_their_places(tmp_path: Path) -> None:
    guide = read(make_docx(tmp_path / "guide.docx"))
    light = guide.units[2]
    assert [block.kind for block in light.blocks] == ["heading", "paragraph", "table", "paragraph"]


def test_real_handouts_keep_their_structure() -> None:
    plan = read(real_document("static-web-publishing-lesson-plan.docx"))
    kinds = {block.kind for unit in plan.units for block in unit.blocks}
    assert {"heading", "table", "quote", "list"} <= kinds
    assert ("Lesson Plan", "Static vs Dynamic Websites") in [u.heading_path for u in plan.units]
    handout = read(real_document("d3-workshop-handout.docx"))
    headings = [b.text for u in handout.units for b in u.blocks if b.is_heading]
    assert not any("http" in heading for heading in headings)
    assert handout.title == "Intro to d3.js: Relevant Links"
