"""Cut sources into citable sentences with their heading paths; headings and fragments go."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from learnplat.services import readability

from ..model import Citation, Source
from .grading import body_of

_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
_TERMINAL = re.compile(r"[.!?;:]['\"”’)\]]*$")
_NUMBERED_HEADING = re.compile(r"^(\d+(?:\.\d+)*)\.?\s+[A-Z]")
_LETTER = re.compile(r"[A-Za-z]")
_CODE = re.compile(r"[{};=<>]|\w_\w|\w\(|\bdef\b|\breturn\b|\bimport\b")
MIN_WORDS = 4
HEADING_MAX_WORDS = 14


@dataclass(frozen=True)
class Sentence:
    """One sentence of a source in reading order, with the headings in force where it stands."""

    index: int
    text: str
    citation: Citation
    path: tuple[str, ...]
    words: int

    @property
    def grade(self) -> float:
        """Its Flesch-Kincaid grade (counts are cached per text, so this is cheap to repeat)."""
        return body_of((self.text,)).grade


def is_heading_like(paragraph: str) -> bool:
    """A short line without closing punctuation that starts like a title: "2.1 Light reactions"."""
    stripped = paragraph.strip()
    if not stripped or "\n" in stripped or _TERMINAL.search(stripped) or stripped.endswith(","):
        return False
    return len(stripped.split()) <= HEADING_MAX_WORDS and (
        stripped[0].isupper() or stripped[0].isdigit()
    )


def is_fragment(sentence: str) -> bool:
    """Too short, a line of symbols or numbers, or a heading left inside a paragraph."""
    if len(sentence.split()) < MIN_WORDS:
        return True
    visible = sentence.replace(" ", "")
    if len(_LETTER.findall(visible)) < 0.5 * len(visible):
        return True
    if not _TERMINAL.search(sentence) and (
        len(sentence.split()) < 8 or len(_CODE.findall(sentence)) >= 2
    ):
        return True  # a heading residue, or a line of program code
    # A page that begins mid-sentence leaves a tail that cannot stand alone.
    # ("pH" and "mRNA" start in lower case too, but their second letter is a capital.)
    return sentence[0].islower() and sentence[1:2].islower()


def _next_path(
    path: tuple[str, ...], heading: str, known: dict[str, list[tuple[str, ...]]]
) -> tuple[str, ...]:
    """The heading path after ``heading`` appears inside a passage: where other passages place
    it (under the current path if it is used in several places), else by its numbering, else
    as a sibling of the current heading."""
    places = known.get(heading, [])
    nested = [p for p in places if path[: len(p) - 1] == p[:-1]]
    if nested or len(places) == 1:
        return (nested or places)[0]
    numbered = _NUMBERED_HEADING.match(heading)
    if numbered:
        depth = numbered.group(1).count(".") + 1
        return (*path[: depth - 1], heading)
    return (*path[:-1], heading) if path else (heading,)


def _known_places(sources: Sequence[Source]) -> dict[str, list[tuple[str, ...]]]:
    """Every heading's paths, as passages that start under it record them."""
    known: dict[str, list[tuple[str, ...]]] = {}
    for source in sources:
        for depth, heading in enumerate(source.heading_path, start=1):
            places = known.setdefault(heading, [])
            if source.heading_path[:depth] not in places:
                places.append(source.heading_path[:depth])
    return known


def source_citation(source: Source, quote: str) -> Citation:
    return Citation(
        title=source.title,
        doc_id=source.doc_id,
        page=source.page,
        unit_name=source.unit_name,
        passage_id=source.passage_id,
        quote=quote,
    )


def split_sources(sources: Sequence[Source]) -> tuple[list[Sentence], list[tuple[str, ...]]]:
    """Every usable sentence of ``sources`` in their order (repeated text dropped), and the
    outline: every heading path in reading order, including those with no sentence of their own."""
    found: list[Sentence] = []
    seen: set[str] = set()
    outline: dict[tuple[str, ...], None] = {}
    known = _known_places(sources)
    for source in sources:
        path = source.heading_path
        headed = bool(source.heading_path)
        if path:
            outline.setdefault(path)
        for paragraph in _PARAGRAPH_BREAK.split(source.text):
            paragraph = paragraph.strip()
            if not paragraph:
                continue
            if is_heading_like(paragraph):
                if headed or paragraph in source.heading_path or _NUMBERED_HEADING.match(paragraph):
                    path = _next_path(path, paragraph, known)
                    outline.setdefault(path)
                continue
            for text in readability.sentences(paragraph):
                if is_fragment(text) or text in seen:
                    continue
                seen.add(text)
                found.append(
                    Sentence(
                        len(found), text, source_citation(source, text), path, len(text.split())
                    )
                )
    return found, list(outline)
