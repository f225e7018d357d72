"""Plain text as Project Gutenberg and old books give it: boilerplate, contents, numerals."""

from __future__ import annotations

import re
from pathlib import Path

from learnplat.services.extract import Extracted, extract
from tests.corpus import real_document, write_text

BOOK = """\
The Project Gutenberg EBook of Plant Lore, by A. Botanist

This eBook is for the use of anyone anywhere at no cost.

Title: Plant Lore
       Old and New

Author: A. Botanist

*** START OF THIS PROJECT GUTENBERG EBOOK PLANT LORE ***




Produced by Jane Doe and the Online Distributed
Proofreading Team at http://www.pgdp.net




CONTENTS


 CHAP.                                          PAGE

    I. THE ROOTS OF THINGS                         1
   II. LEAVES (continued)                         16
  III. THE FLOWERS OF THE FIELD AND
         THE GARDEN                               32



I

THE ROOTS OF THINGS


Roots hold the plant in the ground and drink the water of the
soil.[01] They are the _oldest_ part of the plant.

[01] So the old herbals say.


II

LEAVES (continued)


Leaves catch the light.



End of the Project Gutenberg EBook of Plant Lore, by A. Botanist

*** END OF THIS PROJECT GUTENBERG EBOOK PLANT LORE ***

***** This file should be named 12345.txt or 12345.zip *****

Section 1. General Terms of Use and Redistributing Project Gutenberg-tm
electronic works.
"""


def read_text(tmp_path: Path, text: str, name: str = "book.txt") -> Extracted:
    path = write_text(tmp_path / name, text)
    return extract(path.read_bytes(), path.name)


def test_gutenberg_header_contents_and_licence_are_not_content(tmp_path: Path) -> None:
    book = read_text(tmp_path, BOOK)
    assert book.title == "Plant Lore"
    blocks = [(block.kind, block.text) for unit in book.units for block in unit.blocks]
    assert blocks == [
        ("heading", "I. THE ROOTS OF THINGS"),
        (
            "paragraph",
            "Roots hold the plant in the ground and drink the water of the soil. "
            "They are the oldest part of the plant.",
        ),
        ("paragraph", "So the old herbals say."),
        ("heading", "II. LEAVES (continued)"),
        ("paragraph", "Leaves catch the light."),
    ]


def test_older_gutenberg_ending_alone_ends_the_book(tmp_path: Path) -> None:
    text = (
        "Roots drink water.\n\nLeaves catch light.\n\n"
        "End of Project Gutenberg's Plant Lore, by A. Botanist\n\n"
        "Section 1. General Terms of Use\n"
    )
    book = read_text(tmp_path, text)
    assert [block.text for unit in book.units for block in unit.blocks] == [
        "Roots drink water.",
        "Leaves catch light.",
    ]


def test_a_text_is_titled_by_its_first_real_heading(tmp_path: Path) -> None:
    text = "CONTENTS\n\nPlant Lore\n===========\n\nRoots drink water.\n"
    assert read_text(tmp_path, text, "notes.txt").title == "Plant Lore"


def test_real_gutenberg_lectures() -> None:
    path = real_document("macdowell-music-history-lectures.txt")
    lectures = extract(path.read_bytes(), path.name)
    assert lectures.title == "Critical & Historical Essays"
    texts = [block.text for unit in lectures.units for block in unit.blocks]
    assert not any("Project Gutenberg" in text for text in texts)
    assert not any(text.startswith("CHAP.") or text == "CONTENTS" for text in texts)
    headings = [
        text
        for unit in lectures.units
        for block in unit.blocks
        if block.is_heading
        for text in [block.text]
    ]
    assert "I. THE ORIGIN OF MUSIC" in headings
    assert "XVIII. OPERA (Continued)" in headings
    assert not any(text in ("I", "II", "XVIII") for text in headings)
    assert not any(re.search(r"(?<!\w)_\w[^_]*_", text) for text in texts)  # _italics_


def _text_of(result: Extracted) -> str:
    return "\n\n".join(block.text for unit in result.units for block in unit.blocks)


def test_a_caption_file_reads_as_paragraphs_of_its_cues_words() -> None:
    cues = [
        "Photosynthesis is the process by which plants, algae",
        "and some bacteria capture the energy of sunlight.",
        "It takes in carbon dioxide and water",
        "and gives out glucose and oxygen.",
    ]
    srt = "\n".join(
        f"{number}\n00:00:{2 * number:02d},000 --> 00:00:{2 * number + 1:02d},500\n{cue}\n"
        for number, cue in enumerate(cues, start=1)
    )
    text = _text_of(extract(srt.encode(), "lecture-3.txt"))
    assert "plants, algae and some bacteria capture the energy of sunlight." in text
    assert "-->" not in text and not re.search(r"(?m)^\d+$", text)
    vtt = "WEBVTT\n\n00:01.000 --> 00:04.000\n<v Professor>Water is split in the light.</v>\n"
    assert _text_of(extract(vtt.encode(), "lecture-4.txt")) == "Water is split in the light."


def test_a_transcripts_timestamps_and_speakers_are_not_its_words() -> None:
    turns = [
        "[00:00] STUDENT: Could you explain that part again?",
        "[00:04] PROFESSOR: Sure. The Calvin cycle takes place in the stroma of the chloroplast.",
        "[00:11] PROFESSOR: RuBisCO attaches carbon dioxide to a five-carbon sugar called RuBP.",
        "[00:19] STUDENT: Is RuBisCO fast?",
        "[00:21] PROFESSOR: No, it is slow, so a leaf needs a great deal of it.",
        "[00:30] STUDENT: Thanks.",
    ]
    result = extract("\n\n".join(turns).encode(), "lecture-5.txt")
    text = _text_of(result)
    assert "PROFESSOR" not in text and "[00:" not in text
    assert "RuBisCO attaches carbon dioxide to a five-carbon sugar called RuBP." in text
    # A short turn is speech, not a heading: the transcript is titled by its file.
    assert result.title == "lecture-5"
    assert not any(block.is_heading for unit in result.units for block in unit.blocks)


def test_a_term_glossed_once_or_twice_keeps_its_label() -> None:
    notes = (
        "Photosynthesis: the process by which plants make sugar from light.\n\n"
        "Respiration: the process by which cells release the energy in sugar.\n\n"
        "Both happen in every green plant, by day and by night."
    )
    text = _text_of(extract(notes.encode(), "biology.txt"))
    assert text.startswith("Photosynthesis: the process") and "Respiration: the" in text


def test_a_text_without_full_stops_says_it_cannot_be_read_for_sentences() -> None:
    words = ("so today we look at how plants capture the energy of sunlight and store it " * 20)
    result = extract(words.encode(), "auto-captions.txt")
    assert any("almost no full stops" in warning for warning in result.warnings)
    punctuated = extract(BOOK.encode(), "plant-lore.txt")
    assert not any("full stops" in warning for warning in punctuated.warnings)
