"""Teach Back holds a claim against the reference claim about the same thing: roles swapped,
a reference claim negated inside a longer one, a count of the same thing changed, an opposite
verb; and lets pass what only looks like a contradiction (a question, "not only", "not every",
"more recent" against "fewer"). The reference is found where each part of the topic is
explained. Made-up notes in several subjects, graded by words alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from learnplat.core import Session
from learnplat.domain.model import Grade, Source
from learnplat.tutors.grader import OfflineGrader, build_reference

grader = OfflineGrader(semantic=False)


def grade(notes: str, explanation: str, topic: str = "the notes") -> Grade:
    reference = build_reference(
        topic, "intermediate", sources=[Source(text=notes, title="Notes", doc_id=1, page=7)]
    )
    return grader.grade(reference, explanation, "intermediate")


def checks(found: Grade) -> list[str]:
    return [line for line in found.feedback if line.startswith("Check")]


REPLICATION = (
    "Replication keeps copies of a database on several servers. The primary serves reads and "
    "writes, copying its writes to one or more replicas, which serve only reads. If the "
    "primary goes offline, the system keeps answering reads until a replica is promoted. If "
    "either primary of a primary-primary pair goes down, the system can continue to operate "
    "with both reads and writes. Networks are not reliable, so every design must tolerate "
    "partitions."
)
WATER = (
    "Water is a small molecule. A water molecule has two hydrogen atoms and one oxygen atom. "
    "On Earth water is found in three states: solid, liquid and gas. The hydrogen atoms are "
    "held to the oxygen atom by covalent bonds."
)
BIRDS = (
    "Birds are warm-blooded animals with feathers and beaks. Not every bird can fly: "
    "penguins and ostriches cannot. Mammals are warm-blooded animals too, and most of them "
    "give birth to live young."
)


@pytest.mark.parametrize(
    ("notes", "wrong", "quoted"),
    [
        (
            REPLICATION,
            "In primary-replica setups, the replicas serve reads and writes, copying their "
            "writes to the primary, which serves only reads.",
            "The primary serves reads and writes",
        ),
        (
            REPLICATION,
            "Since networks in modern data centres are reliable, you can leave partition "
            "tolerance out of most designs.",
            "Networks are not reliable",
        ),
        (
            WATER,
            "A water molecule has three hydrogen atoms and one oxygen atom.",
            "A water molecule has two hydrogen atoms",
        ),
        (
            REPLICATION,
            "If either primary of a primary-primary pair goes down, the whole system stops "
            "accepting writes.",
            "the system can continue to operate",
        ),
        (BIRDS, "Every bird can fly, since birds are warm-blooded animals.", "Not every bird"),
    ],
    ids=["roles swapped", "negated inside a longer claim", "count", "opposite verb", "every"],
)
def test_a_wrong_claim_is_quoted_with_the_reference_claim_it_contradicts(
    notes: str, wrong: str, quoted: str
) -> None:
    found = checks(grade(notes, wrong))
    assert found, "no contradiction flagged"
    assert quoted in found[0] and found[0].endswith("(p. 7)")


@pytest.mark.parametrize(
    ("notes", "right"),
    [
        (
            "What would a melody be without rhythm? Rhythm gives music its drive, and melody "
            "gives it its colour.",
            "Rhythm gives a melody its power, and without it a melody loses its drive.",
        ),
        (
            "The printing press was not only the first machine to copy books quickly but also "
            "a cause of the Reformation in Europe.",
            "The printing press was the first machine to copy books quickly in Europe.",
        ),
        (BIRDS, "Not every warm-blooded animal is a bird: mammals are warm-blooded animals."),
        (
            "Short-term memory holds about seven items. More recent research suggests that "
            "short-term memory is actually even smaller than this.",
            "Short-term memory holds about seven items, and newer research says even fewer.",
        ),
        (
            WATER,
            "Instead of three hydrogen atoms, as some think, a water molecule has two hydrogen "
            "atoms and one oxygen atom.",
        ),
        (
            REPLICATION,
            "Reads and writes are served by the primary, and reads only by the replicas.",
        ),
    ],
    ids=["question", "not only", "not every", "more recent", "both numbers", "passive"],
)
def test_what_only_looks_like_a_contradiction_is_not_flagged(notes: str, right: str) -> None:
    assert not checks(grade(notes, right))


def test_the_reference_of_a_topic_naming_two_things_has_each_ones_passages(
    platform: Session, docs_dir: Path
) -> None:
    filler = " ".join(["Visitors read the pages in a browser and follow links between them."] * 6)
    notes = docs_dir / "websites.md"
    notes.write_text(
        "# Websites\n\n## Static sites\n\nA static website is a folder of finished HTML files "
        f"that a generator builds once on your own computer. {filler}\n\n"
        "## Dynamic sites\n\nA dynamic website keeps its content in a database and a program "
        f"on the server builds each page when someone asks for it. {filler}\n\n"
        "## Choosing\n\nStatic and dynamic websites both serve pages. "
        f"{filler}\n",
        encoding="utf-8",
    )
    document = platform.library.ingest(notes).document
    assert document is not None
    reference = platform.teachback.reference(
        "static vs dynamic websites", "intermediate", [document.id]
    )
    text = " ".join(source.text for source in reference.sources)
    assert "folder of finished HTML files" in text
    assert "keeps its content in a database" in text


def test_key_ideas_from_found_passages_put_what_names_the_topic_first() -> None:
    # The passages found for "mitosis" also explain meiosis, next to it in the notes.
    meiosis = Source(
        text="Meiosis makes four sex cells, each with half the chromosomes of the parent cell. "
        "Crossing over during meiosis swaps pieces of chromosomes between pairs. This shuffling "
        "gives every egg and sperm a different mix of genes. Fertilisation later joins two sex "
        "cells and restores the full number.",
        title="Notes",
        doc_id=1,
        page=5,
    )
    mitosis = Source(
        text="Mitosis divides one cell into two identical daughter cells. In mitosis the "
        "chromosomes are copied and then pulled apart to opposite poles. The cytoplasm then "
        "splits so each daughter cell gets one full set of chromosomes. Mitosis lets the body "
        "grow and repair tissue.",
        title="Notes",
        doc_id=1,
        page=4,
    )
    reference = build_reference("mitosis", "intermediate", sources=[meiosis, mitosis])
    first = [idea.text for idea in reference.key_ideas[:3]]
    assert all("itosis" in text for text in first), first
    assert not any("Crossing over" in idea.text for idea in reference.key_ideas)


def test_a_heading_in_capitals_makes_no_jargon_of_its_everyday_words() -> None:
    notes = (
        "THE ORIGIN OF MUSIC\n\nThe earliest music was probably sung. Singing came before any "
        "instrument, and the first instruments were drums that kept the beat for dancers. Flutes "
        "were made later from hollow bones. The music of early peoples was tied to ritual and "
        "work."
    )
    reference = build_reference(
        "the origin of music", "beginner", sources=[Source(text=notes, title="Notes", page=4)]
    )
    found = grader.grade(
        reference,
        "The first music was singing; drums came later to keep the beat for dancing, and "
        "flutes were made from bones.",
        "beginner",
    )
    assert found.jargon == ()
    assert not any(line.startswith("Jargon") for line in found.feedback)
