"""Markdown as real lessons and books write it: HTML, site markup, quotes, code, tables."""

from __future__ import annotations

import re
from pathlib import Path

from learnplat.services.extract import Extracted, extract
from tests.corpus import real_document, write_text

_MARKUP_LEFT = re.compile(
    r"</?(?:p|img|br|div|span|i|b|a|sup|sub|em|strong|table|tr|td|th|ul|li)\b[^>]*>"
    r"|&(?:[a-z]+|#\d+);|\{\{|\{%|\{:|:::"
)


def read_md(tmp_path: Path, text: str, name: str = "notes.md") -> Extracted:
    path = write_text(tmp_path / name, text)
    return extract(path.read_bytes(), path.name)


def blocks(document: Extracted) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for unit in document.units for block in unit.blocks]


def test_html_images_become_captions_and_no_tag_or_entity_leaks(tmp_path: Path) -> None:
    text = (
        "# Caching\n\n"
        '<p align="center">\n  <img src="images/cache.png" alt="A cache in front of a database">'
        '\n  <br/>\n  <i><a href="https://example.org">Source: Scaling notes</a></i>\n</p>\n\n'
        "A cache keeps hot data close&nbsp;by.<sup><a href=http://x.org>1</a></sup> "
        "It answers in <b>microseconds</b>.<br/>Writes go through it.\n\n"
        '<p align="center"><img src="images/plain.png"></p>\n\n'
        "</div>\n"
    )
    document = read_md(tmp_path, text)
    assert blocks(document) == [
        ("heading", "Caching"),
        ("caption", "Figure: A cache in front of a database Source: Scaling notes"),
        (
            "paragraph",
            "A cache keeps hot data close by. It answers in microseconds. Writes go through it.",
        ),
    ]


def test_markdown_images_are_captions_and_an_empty_alt_gives_none(tmp_path: Path) -> None:
    text = "Leaves are green.\n\n![The leaf under a microscope](leaf.png)\n\n![](pore.png)\n"
    assert blocks(read_md(tmp_path, text)) == [
        ("paragraph", "Leaves are green."),
        ("caption", "Figure: The leaf under a microscope"),
    ]


def test_a_heading_inside_a_blockquote_is_a_heading_and_quoted_code_stays_code(
    tmp_path: Path,
) -> None:
    text = (
        "Intro text.\n\n"
        "> ## Selecting Cutoff Distance\n"
        "> The cutoff is set in the **mdp** file.\n"
        "> ~~~\n"
        ">rlist = 1.0\n"
        "># Number of timesteps in each cycle\n"
        "> ~~~\n"
        "> {: .file-content}\n"
        "{: .callout}\n"
    )
    document = read_md(tmp_path, text)
    assert blocks(document) == [
        ("paragraph", "Intro text."),
        ("heading", "Selecting Cutoff Distance"),
        ("quote", "> The cutoff is set in the mdp file."),
        ("code", "```\nrlist = 1.0\n# Number of timesteps in each cycle\n```"),
    ]
    assert document.units[1].heading_path == ("Selecting Cutoff Distance",)


def test_site_generator_markup_is_removed(tmp_path: Path) -> None:
    text = (
        '---\ntitle: "Fast Forces"\nquestions:\n- "Why is it slow?"\nkeypoints:\n'
        "- Cutoffs speed it up.\n---\n"
        "## Cutoffs\n"
        "Only close pairs are computed.\n"
        "{: .self_study_text :}\n\n"
        '![Grid cells]({{ page.root }}/fig/grid.png){: width="240" }\n\n'
        "{% include links.md %}\n\n"
        ":::::::::::::::::::::::::::::::::::::: challenge\n\n"
        "## How far?\n\nPick a distance.\n\n"
        "::::::::::::::::::::::::::::::::::::::::::::::::\n"
    )
    document = read_md(tmp_path, text)
    assert document.title == "Fast Forces"
    assert blocks(document) == [
        ("heading", "Cutoffs"),
        ("paragraph", "Only close pairs are computed."),
        ("caption", "Figure: Grid cells"),
        ("heading", "How far?"),
        ("paragraph", "Pick a distance."),
    ]


def test_reference_links_become_their_text(tmp_path: Path) -> None:
    text = (
        "Short-term memory holds [7±2 items][wikipedia-7] for a [few seconds][missing].\n\n"
        "[wikipedia-7]: https://en.wikipedia.org/wiki/Seven\n"
    )
    assert blocks(read_md(tmp_path, text)) == [
        ("paragraph", "Short-term memory holds 7±2 items for a few seconds."),
    ]


def test_an_index_of_anchor_links_is_not_content(tmp_path: Path) -> None:
    text = (
        "# Primer\n\nTopics:\n\n"
        "* [Performance vs scalability](#performance-vs-scalability)\n"
        "* [Latency vs throughput](#latency-vs-throughput)\n"
        "    * [Availability patterns](#availability-patterns)\n\n"
        "[Study guide](#study-guide) | [Questions](#questions)\n\n"
        "## Performance vs scalability\n\n"
        "A service is scalable if adding resources adds performance.\n\n"
        "* [Scalability, a primer](http://example.org/scale)\n"
    )
    assert blocks(read_md(tmp_path, text)) == [
        ("heading", "Primer"),
        ("paragraph", "Topics:"),
        ("heading", "Performance vs scalability"),
        ("paragraph", "A service is scalable if adding resources adds performance."),
        ("list", "- Scalability, a primer"),
    ]


def test_tables_lists_and_quotes_keep_their_form(tmp_path: Path) -> None:
    text = (
        "| Store | Latency |\n|:---|---:|\n| L1 cache | 0.5 ns |\n| Disk \\| SSD | 150 µs |\n\n"
        "1. Measure first.\n2. Then cache.\n\n"
        "> Everything is a trade-off.\n"
    )
    assert blocks(read_md(tmp_path, text)) == [
        (
            "table",
            "| Store | Latency |\n| --- | --- |\n| L1 cache | 0.5 ns |\n| Disk \\| SSD | 150 µs |",
        ),
        ("list", "1. Measure first.\n2. Then cache."),
        ("quote", "> Everything is a trade-off."),
    ]


def test_real_markdown_lessons_leak_no_markup() -> None:
    for name in (
        "system-design-primer.md",
        "molecular-dynamics-fast-force-methods.md",
        "memory-and-cognitive-load.md",
    ):
        path = real_document(name)
        document = extract(path.read_bytes(), path.name)
        for unit in document.units:
            for block in unit.blocks:
                text = block.text if block.kind != "code" else ""
                assert not _MARKUP_LEFT.search(text), (name, block.text)
                assert "\n\n" not in block.text
                assert not block.text.startswith(("![", "[!["))


def test_real_primer_index_is_dropped_and_its_tables_are_tables() -> None:
    path = real_document("system-design-primer.md")
    document = extract(path.read_bytes(), path.name)
    texts = [block.text for unit in document.units for block in unit.blocks]
    # The index at the top is 81 anchor links, starting with this one.
    assert not any("System design topics: start here" in text for text in texts[:60])
    tables = [block for unit in document.units for block in unit.blocks if block.kind == "table"]
    assert len(tables) >= 5
    assert all(block.text.split("\n")[1].startswith("| --- |") for block in tables)


def test_simple_inline_tex_is_read_as_its_symbols_and_real_math_stays(tmp_path: Path) -> None:
    text = (
        "## Cutoffs\n\n"
        "A common practice is to truncate at 2.5 $$\\sigma$$, about 1/60 of the well depth "
        "$$ \\epsilon $$, and $\\alpha \\times \\beta$ costs little.\n\n"
        "|**Shifted potential**||\n|:---|:---:|\n"
        "|<br>$\\circ$  Avoids infinite forces.<br>$\\circ$  Modifies total energy.| |\n\n"
        "The mean is $\\frac{a}{b}$ and the index $x_i$; prices are $5 and $10.\n\n"
        "```\n$$\\sigma$$ in code stays\n```\n"
    )
    said = " ".join(text for _kind, text in blocks(read_md(tmp_path, text)))
    assert "truncate at 2.5 σ, about 1/60 of the well depth ε, and α × β costs" in said
    assert "∘" not in said  # a lone circle is a point's bullet, not composition
    assert "$\\frac{a}{b}$" in said and "$x_i$" in said and "$5 and $10" in said
    assert "$$\\sigma$$ in code stays" in said
