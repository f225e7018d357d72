"""PDF structure recovery: outlines, contents pages, running heads, slides, math, page labels."""

from __future__ import annotations

from pathlib import Path

from learnplat.services.extract import Extracted, extract
from learnplat.services.extract.cleanup import join_lines
from learnplat.services.extract.pdflines import Line, merge_rows
from tests.corpus import (
    PRINTED_OFFSET,
    Text,
    make_laid_out_pdf,
    make_printed_book_pdf,
    real_document,
)

BODY = (
    "Plants turn light into chemical energy and store it as sugar in their leaves and roots.",
    "The energy moves through the plant in the phloem, carried by water under pressure.",
    "Cells spend the stored sugar when they grow, repair themselves or make new seeds.",
)


def read(path: Path) -> Extracted:
    return extract(path.read_bytes(), path.name)


def body(*lines: str, gap: float = 0.0) -> list[Text]:
    texts = [Text(line) for line in lines]
    if texts:
        texts[0].gap = gap
    return texts


def headings(document: Extracted) -> list[tuple[str, ...]]:
    return [
        block.heading_path for unit in document.units for block in unit.blocks if block.is_heading
    ]


def texts(document: Extracted) -> list[str]:
    return [block.text for unit in document.units for block in unit.blocks]


def test_bookmarks_give_the_headings_and_their_levels(tmp_path: Path) -> None:
    # The bookmarks name the sections without their numbers; the page prints "2.1 Light…".
    # A body-font title no heading rule would catch is a heading because a bookmark names it,
    # and a bookmark whose title is nowhere on its page still opens a section there.
    pages = [
        [
            Text("1 Energy in plants", size=16, bold=True, bookmark=("Energy in plants", 0)),
            *body(*BODY),
            Text("1.1 Where sugar goes", gap=4, bookmark=("Where sugar goes", 1)),
            *body(*BODY[:2]),
        ],
        [Text("Phloem transport", size=11, bookmark=("Transport in the phloem", 1)), *body(*BODY)],
    ]
    document = read(make_laid_out_pdf(tmp_path / "plants.pdf", pages))
    assert headings(document) == [
        ("1 Energy in plants",),
        ("1 Energy in plants", "1.1 Where sugar goes"),
        ("1 Energy in plants", "Transport in the phloem"),
    ]


def test_a_contents_page_is_not_content_and_gives_the_outline(tmp_path: Path) -> None:
    contents = [
        Text("Contents", size=16, bold=True),
        Text("1 Light . . . . . . . . . . . . . . . . . . . . 2", gap=4),
        Text("1.1 Chlorophyll . . . . . . . . . . . . . . . . 2", indent=6),
        Text("2 Water . . . . . . . . . . . . . . . . . . . . 3"),
        Text("2.1 Roots . . . . . . . . . . . . . . . . . . . 3", indent=6),
        Text("2.2 Stems . . . . . . . . . . . . . . . . . . . 3", indent=6),
    ]
    pages = [
        contents,
        [Text("1 Light"), *body(*BODY, gap=3), Text("1.1 Chlorophyll", gap=3), *body(*BODY)],
        [Text("2 Water"), *body(*BODY, gap=3), Text("2.1 Roots"), *body(BODY[0])],
        [Text("2.2 Stems"), *body(*BODY)],
    ]
    document = read(make_laid_out_pdf(tmp_path / "book.pdf", pages))
    assert [unit.number for unit in document.units] == [2, 3, 4]
    assert not any(". . ." in text or text == "Contents" for text in texts(document))
    assert headings(document) == [
        ("1 Light",),
        ("1 Light", "1.1 Chlorophyll"),
        ("2 Water",),
        ("2 Water", "2.1 Roots"),
        ("2 Water", "2.2 Stems"),
    ]


def test_alternating_running_heads_are_dropped_and_give_the_printed_page(tmp_path: Path) -> None:
    # Verso pages print "11 Plant Lore", recto pages "ch. 2 roots and leaves 12": the printed
    # number runs 10 ahead of the physical page.
    document = read(make_printed_book_pdf(tmp_path / "book.pdf", pages=8))
    assert not any("Plant Lore" in text or "ch. 2" in text for text in texts(document))
    assert [unit.label for unit in document.units] == [str(n + PRINTED_OFFSET) for n in range(1, 9)]


def test_page_labels_come_from_the_pdf(tmp_path: Path) -> None:
    pages = [[*body(*BODY)] for _ in range(3)]
    roman = read(make_laid_out_pdf(tmp_path / "front.pdf", pages, page_labels=("r", 1)))
    assert [unit.label for unit in roman.units] == ["i", "ii", "iii"]
    same = read(make_laid_out_pdf(tmp_path / "plain.pdf", pages, page_labels=("D", 1)))
    assert [unit.label for unit in same.units] == [None, None, None]


def test_slides_lose_their_navigation_bar_and_take_their_titles_as_headings(
    tmp_path: Path,
) -> None:
    bar = Text("Introduction Methods Results Coding Time!", size=6)
    slides = [
        [bar, Text("Seed Dispersal", size=20), Text("Botany 101", gap=6)],
        [bar, Text("Plan", size=16), Text("1 Introduction"), Text("2 Methods"), Text("3 Results")],
        [bar, Text("How seeds travel", size=16), Text("- by wind over long distances")],
        [bar, Text("Measuring distance", size=16), Text("- traps set every ten metres")],
        [bar, Text("What we found", size=16), Text("- most seeds land near the tree")],
    ]
    document = read(make_laid_out_pdf(tmp_path / "deck.pdf", slides, landscape=True))
    assert not any("Coding Time" in text for text in texts(document))
    assert [unit.number for unit in document.units] == [1, 3, 4, 5]  # the plan slide is a TOC
    assert headings(document) == [
        ("Seed Dispersal",),
        ("How seeds travel",),
        ("Measuring distance",),
        ("What we found",),
    ]


def test_math_fragments_never_become_headings_or_words_of_prose(tmp_path: Path) -> None:
    page = [
        Text("Sums of energies", size=16, bold=True),
        *body("The total energy of the system is the sum over all of its parts:"),
        Text("E = X", indent=60, gap=3),
        Text("i", size=8, indent=72, raise_mm=-3, same_line=True),
        Text("Ei (4)", indent=78, same_line=True),
        Text("Each part adds its own share E", gap=3),
        Text("2", size=8, indent=58, raise_mm=1.5, same_line=True),
        Text("to the total, and no part is counted twice in this sum.", indent=62, same_line=True),
        # The limits of an integral, set large on a line of their own: not a title.
        Text("Z X", size=16, bold=True, gap=5),
        *body("The same holds for the energy stored in each leaf.", gap=5),
    ]
    document = read(make_laid_out_pdf(tmp_path / "energy.pdf", [page]))
    blocks = [(block.kind, block.text) for block in document.units[0].blocks]
    assert blocks == [
        ("heading", "Sums of energies"),
        ("paragraph", "The total energy of the system is the sum over all of its parts:"),
        ("math", "$$ E = X i Ei (4) $$"),
        (
            "paragraph",
            "Each part adds its own share E 2 to the total, and no part is counted twice in "
            "this sum.",
        ),
        ("paragraph", "The same holds for the energy stored in each leaf."),
    ]


def test_a_prime_after_narrow_letters_stays_in_its_sentence() -> None:
    # The pieces PDFium reports for "(a, c′, z′) (where c ≠ c′)" in TeX slides: narrow italic
    # letters end well before a length-based estimate says, and each prime is raised and smaller.
    def piece(text: str, x: float, y: float = 146.5, size: float = 10.9) -> Line:
        return Line(text, x=x, y=y, size=size)

    rows = merge_rows([
        piece("statement x ∈ X and two accepting conversations (a, c, z) and", 28.3, y=160.1),
        piece("(a, c", 32.2),
        piece("′", 48.1, y=150.5, size=8.0),
        piece(", z", 55.8),
        piece("′", 61.5, y=150.5, size=8.0),
        piece(") (where c ̸= c", 76.3),
        piece("′", 132.3, y=150.5, size=8.0),
        piece(")", 135.1),
        piece("compute the witness w such that (x,w) ∈ R.", 28.3, y=133.0),
    ])
    assert [row.text for row in rows] == [
        "statement x ∈ X and two accepting conversations (a, c, z) and",
        "(a, c ′, z ′ ) (where c ̸= c ′ )",
        "compute the witness w such that (x,w) ∈ R.",
    ]


def test_footnotes_lose_the_mark_glued_to_their_first_word(tmp_path: Path) -> None:
    page = [
        Text("Photosynthesis", size=16, bold=True),
        *body(*BODY),
        Text("aNotice that both leaves were kept in the same light.", size=7, gap=30),
        Text("12Here the sugar is counted as glucose.", size=7, gap=2),
    ]
    document = read(make_laid_out_pdf(tmp_path / "footnotes.pdf", [page]))
    notes = [text for text in texts(document) if "kept" in text or "glucose" in text]
    assert notes == [
        "Notice that both leaves were kept in the same light.",
        "Here the sugar is counted as glucose.",
    ]


def test_a_sentence_cut_by_a_figure_label_is_one_paragraph(tmp_path: Path) -> None:
    page = [
        Text("Dynamics", size=16, bold=True),
        *body(*BODY),
        *body(
            "The essence of motion is that a body was at A and is now at C. Anything which is",
            "completely given by the determination of a magnitude and",
            gap=4,
        ),
        Text("Fig. 6.", indent=60, gap=12),
        Text("a direction is called a vector. A velocity is a vector, and so is a force.", gap=12),
    ]
    document = read(make_laid_out_pdf(tmp_path / "vectors.pdf", [page]))
    assert texts(document)[2:] == [
        "The essence of motion is that a body was at A and is now at C. Anything which is "
        "completely given by the determination of a magnitude and a direction is called a "
        "vector. A velocity is a vector, and so is a force.",
        "Fig. 6.",
    ]


def test_a_pdf_without_a_metadata_title_is_titled_by_its_first_title(tmp_path: Path) -> None:
    page = [
        Text("Advanced Plant Physiology1", size=20),
        Text("Autumn term", size=14, gap=4),
        *body(*BODY, gap=6),
        Text("1Based on lectures given in 2023.", size=7, gap=8),
    ]
    document = read(make_laid_out_pdf(tmp_path / "notes.pdf", [page]))
    assert document.title == "Advanced Plant Physiology"


def test_project_gutenberg_pages_are_not_content(tmp_path: Path) -> None:
    pages = [
        [
            Text("Project Gutenberg's Plant Life, by A. Botanist", size=8, mono=True),
            Text("This eBook is for the use of anyone anywhere at no cost.", size=8, mono=True),
            Text("*** START OF THIS PROJECT GUTENBERG EBOOK PLANT LIFE ***", size=8, mono=True),
        ],
        [Text("CHAPTER I", size=14), Text("ROOTS", size=12), *body(*BODY, gap=4)],
        [
            *body(BODY[0]),
            Text("End of the Project Gutenberg EBook of Plant Life", gap=6),
            Text("*** END OF THIS PROJECT GUTENBERG EBOOK PLANT LIFE ***"),
            Text("THE FULL PROJECT GUTENBERG LICENSE"),
        ],
        [Text("Section 1. General Terms of Use and Redistributing Project Gutenberg-tm")],
    ]
    document = read(make_laid_out_pdf(tmp_path / "plants.pdf", pages))
    assert [unit.number for unit in document.units] == [2, 3]
    assert not any("Gutenberg" in text for text in texts(document))


# --- the real corpus (../shared/corpus) ---


def test_real_latex_notes_keep_their_outline_and_drop_contents_and_blank_pages() -> None:
    notes = read(real_document("quantum-mechanics-notes.pdf"))
    assert notes.warnings == []  # page 2 is blank, not scanned
    assert notes.title == "Advanced Quantum Mechanics"
    pages = {unit.number: unit for unit in notes.units}
    assert 3 not in pages and 4 not in pages  # the two contents pages
    assert pages[5].label == "3"
    paths = [block.heading_path for block in pages[11].blocks if block.is_heading]
    assert (
        "1 Mathematical Tools of Quantum Mechanics",
        "1.8 Representations in state space",
        "1.8.2 Discrete orthonormal bases",
    ) in paths
    for unit in notes.units:
        for block in unit.blocks:
            if block.is_heading:
                assert len(block.text) > 3, block.text
                assert "$$" not in block.text


def test_real_book_drops_running_heads_and_gutenberg_pages() -> None:
    logic = read(real_document("forallx-intro-to-formal-logic.pdf"))
    assert not any(text.startswith(("6 forallx", "ch. 1 what is logic?")) for text in texts(logic))
    maths = read(real_document("whitehead-introduction-to-mathematics.pdf"))
    assert maths.title == "An Introduction to Mathematics"
    assert not any("Project Gutenberg" in text for text in texts(maths))
    assert {unit.number: unit.label for unit in maths.units}[61] == "57"


def test_real_slides_have_no_navigation_bar_and_titles_for_headings() -> None:
    deck = read(real_document("sigma-protocols-slides.pdf"))
    assert not any("Coding Time!" in text and "Schnorr" in text for text in texts(deck))
    titled = [unit for unit in deck.units if unit.blocks[0].is_heading]
    assert len(titled) >= len(deck.units) - 2
    pages = {unit.number: unit for unit in deck.units}
    # Slide 3 only announces the "Introduction" section: it heads slide 4, it is no page of its
    # own; slide 2 is the "Plan" of the sections.
    assert 2 not in pages and 3 not in pages
    assert pages[4].heading_path == ("Introduction", "Recap on Interactive Proofs")
    # The definition of special soundness, primes and all, is one paragraph: a lesson or an
    # answer quotes it whole.
    definition = [text for text in texts(deck) if "special sound if there exists" in text]
    assert len(definition) == 1 and "compute the witness w" in definition[0]


# --- footnote marks glued to a word ---


def _after(text: str, size: float = 11) -> float:
    """Where (mm from the line's start) a Helvetica ``text`` ends: a mark is drawn there."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", "", size)
    return float(pdf.get_string_width(text))


def _glued(words: str, mark: str) -> list[Text]:
    return [Text(words), Text(mark, size=7, same_line=True, indent=_after(words), raise_mm=1.5)]


def test_a_raised_footnote_mark_is_dropped_from_the_word_but_a_math_exponent_stays(
    tmp_path: Path,
) -> None:
    lines = [
        *_glued("Eigenvectors of different eigenvalues are orthogonal", "a"),
        *_glued("Nothing observable changes over time", "2"),
        *_glued("The area of the square is x", "2"),
        *_glued("and the identity holds for sin", "2"),
        Text("aSee the proof in the appendix of these notes.", size=8, gap=20),
        Text("2Meaning that every measurement gives the same value.", size=8),
    ]
    text = read(make_laid_out_pdf(tmp_path / "marks.pdf", [lines])).units[0].text
    assert "are orthogonal" in text and "orthogonala" not in text
    assert "over time" in text and "time2" not in text
    assert "x2" in text.replace(" ", "")  # a single-letter variable's exponent
    assert "sin2" in text.replace(" ", "")  # an operator name's exponent


def test_a_word_ending_like_a_mark_in_body_type_is_kept(tmp_path: Path) -> None:
    lines = [
        Text("The formula is a plain word and so is the idea."),
        *_glued("A marked word", "a"),
        Text("aA footnote in small type.", size=8, gap=20),
    ]
    text = read(make_laid_out_pdf(tmp_path / "plain.pdf", [lines])).units[0].text
    assert "formula" in text and "idea" in text and "marked word" in text


def test_real_notes_lose_the_footnote_marks_glued_to_words() -> None:
    notes = read(real_document("quantum-mechanics-notes.pdf"))
    pages = {unit.number: unit.text for unit in notes.units}
    # The full stop PDFium reports apart after the mark ends the word again.
    assert "rigged Hilbert space." in pages[12] and "spaceb" not in pages[12]
    assert "eigenvalues are orthogonal." in pages[14]
    assert "any observable change over time" in pages[25]
    assert "observable19" not in pages[25]


def test_punctuation_reported_apart_ends_the_word_before_it() -> None:
    # After a raised mark, PDFium reports the full stop as a piece, or a line, of its own: it
    # closes the sentence ("orthogonal."), never stands apart ("orthogonal .").
    rows = merge_rows([
        Line("formalised in a rigged Hilbert space", x=28.0, y=400.0, size=10.9),
        Line(".", x=190.0, y=400.0, size=10.9),
    ])
    assert [row.text for row in rows] == ["formalised in a rigged Hilbert space."]
    assert join_lines(["the eigenvalues are orthogonal", "."]) == "the eigenvalues are orthogonal."
    assert join_lines(["a list", "- of points"]) == "a list\n- of points"
