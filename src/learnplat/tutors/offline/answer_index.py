"""The sentences an answer is chosen from, with BM25 statistics and where sections open."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from ...domain.model import Source
from .defining import stems_of
from .sentences import CONDITION_LEAD_IN, Sentence, source_citation, split_sources

K1, B = 1.2, 0.5
# A lead-in's points an answer says with it: at most this many, each this short.
MAX_POINTS, SHORT_POINT_WORDS = 8, 6
# The points that complete a condition ("Use UDP over TCP when:") are quoted though longer.
CONDITION_POINT_WORDS = 12
# A list of the sources: its passage (id, page) and where its lead-in's line starts.
ListKey = tuple[int | None, int | None, int]
_POINT = re.compile(r"[ \t]*(?:[-*•◦▪‣]|\d{1,2}[.)])[ \t]+")
# What may stand between a heading and the sentence that opens its section: a lead-in ("Two
# port-numbered networks:") or a formula ("N = (V, P, p)"), a line each.
_NO_STATEMENT = re.compile(r"(?m)^.*:[ \t]*$|^(?!.*[A-Za-z]{3}).*$")
_GLOSSED_LABEL = re.compile(r"(?m)(?:^|(?<=\s))(?P<label>[A-Z][\w.’'-]{1,30}\s\([^()\n]{8,120}\)):")


@dataclass(frozen=True, eq=False)
class SentenceIndex:
    """BM25 statistics over sentences."""

    sentences: tuple[Sentence, ...]
    stems: tuple[tuple[str, ...], ...]
    frequencies: tuple[dict[str, int], ...]
    postings: dict[str, list[int]]
    average_length: float
    # The sources' whole text as written, and lower-cased (headings and lists too, which hold
    # no sentence).
    original: str = ""
    text: str = ""
    # The sentences that open their section (nothing before them under its heading), where the
    # sources' texts were at hand; else a sentence whose heading differs from the one before.
    openings: frozenset[int] | None = None
    # The points of the sources' lists, each with the line that leads in to its list ("Sweller
    # posits that people attend to three types of things:"); points of one list share it.
    lead_ins: dict[int, tuple[ListKey, str]] = field(default_factory=dict)
    # What a lead-in ending in a colon introduces, as written, where its points are short
    # ("- inputs", "- degrees": no sentences of their own): an answer quoting the lead-in says them.
    points: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        count = len(self.sentences)
        return math.log(1.0 + (count - df + 0.5) / (df + 0.5))


def build_index(
    sentences: Sequence[Sentence],
    stems: Sequence[Sequence[str]],
    text: str = "",
    openings: frozenset[int] | None = None,
    lead_ins: dict[int, tuple[ListKey, str]] | None = None,
    points: dict[int, tuple[str, ...]] | None = None,
) -> SentenceIndex:
    frequencies: list[dict[str, int]] = []
    postings: dict[str, list[int]] = {}
    for position, sentence_stems in enumerate(stems):
        counts: dict[str, int] = {}
        for item in sentence_stems:
            counts[item] = counts.get(item, 0) + 1
        frequencies.append(counts)
        for item in counts:
            postings.setdefault(item, []).append(position)
    lengths = [len(s) for s in stems]
    average = sum(lengths) / len(lengths) if lengths else 1.0
    original = text or " ".join(s.text for s in sentences)
    return SentenceIndex(
        tuple(sentences),
        tuple(tuple(s) for s in stems),
        tuple(frequencies),
        postings,
        max(average, 1.0),
        original,
        original.lower(),
        openings,
        lead_ins or {},
        points or {},
    )


def bm25(
    index: SentenceIndex, position: int, weights: dict[str, float], also: Sequence[str] = ()
) -> float:
    """BM25 of the sentence at ``position``, counting the words ``also`` as said in it too."""
    counts = dict(index.frequencies[position])
    for item in also:
        counts[item] = counts.get(item, 0) + 1
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / index.average_length)
    return sum(
        weight * counts[term] * (K1 + 1) / (counts[term] + norm)
        for term, weight in weights.items()
        if term in counts
    )


def same_passage(index: SentenceIndex, a: int, b: int) -> bool:
    if not 0 <= a < len(index.sentences) or not 0 <= b < len(index.sentences):
        return False
    first, second = index.sentences[a].citation, index.sentences[b].citation
    return first.passage_id == second.passage_id and first.page == second.page


def first_in_section(index: SentenceIndex, position: int) -> bool:
    """The first sentence under its heading in its passage."""
    if index.openings is not None:
        return position in index.openings
    if position == 0:
        return True
    before, here = index.sentences[position - 1], index.sentences[position]
    return before.path != here.path or before.citation.passage_id != here.citation.passage_id


def reading_order(index: SentenceIndex, position: int) -> tuple[int, int, int, int]:
    citation = index.sentences[position].citation
    return (citation.doc_id or 0, citation.page or 0, citation.passage_id or 0, position)


@lru_cache(maxsize=8)
def index_of(sources: tuple[Source, ...]) -> SentenceIndex:
    sentences, _outline = split_sources(sources, items=True)
    sentences += _labels(sources, {s.citation.quote for s in sentences}, len(sentences))
    text = " ".join(source.text for source in sources)
    stems = [stems_of(s.text) for s in sentences]
    return build_index(
        sentences,
        stems,
        text,
        _openings(sources, sentences),
        _lead_ins(sources, sentences),
        _short_points(sources, sentences),
    )


def _labels(sources: Sequence[Source], seen: set[str], start: int) -> list[Sentence]:
    """A handout's labels glossed in brackets, as points an answer may quote: "Bl.ocks (the
    home for sharing d3 modules and examples): https://bl.ocks.org/"."""
    found: list[Sentence] = []
    for source in sources:
        for match in _GLOSSED_LABEL.finditer(source.text):
            quote = match.group("label")
            if quote not in seen:
                seen.add(quote)
                found.append(
                    Sentence(
                        start + len(found),
                        quote,
                        source_citation(source, quote),
                        source.heading_path,
                        len(quote.split()),
                        "item",
                    )
                )
    return found


def _openings(sources: Sequence[Source], sentences: Sequence[Sentence]) -> frozenset[int]:
    """The sentences with nothing but their heading before them in their passage, or lead-ins
    and formulas (a slide's "Two port-numbered networks:" and "N = (V, P, p)")."""
    texts: dict[tuple[int | None, int | None], Source] = {
        (s.passage_id, s.page): s for s in sources if s.passage_id is not None
    }
    found = set()
    for position, sentence in enumerate(sentences):
        source = texts.get((sentence.citation.passage_id, sentence.citation.page))
        if source is None or not sentence.path:
            continue
        heading = sentence.path[-1]
        line = re.search(rf"(?m)^[#\s]*{re.escape(heading)}[ \t]*$", source.text)
        if line is None:
            continue  # a passage going on with a section from the page before
        start = line.end()
        at = source.text.find(sentence.citation.quote, start)
        if at >= 0 and not _NO_STATEMENT.sub("", source.text[start:at]).strip():
            found.add(position)
    return frozenset(found)


def _texts_by_place(sources: Sequence[Source]) -> dict[tuple[int | None, int | None], str]:
    """Each stored passage's text by its (passage id, page), as a sentence's citation names it."""
    return {(s.passage_id, s.page): s.text for s in sources if s.passage_id is not None}


def _lead_ins(
    sources: Sequence[Source], sentences: Sequence[Sentence]
) -> dict[int, tuple[ListKey, str]]:
    """The sentences that are a point of a list ("- Things they have to think about ..."), each
    with its list's key (the passage) and the line leading in to the list."""
    texts = _texts_by_place(sources)
    found: dict[int, tuple[ListKey, str]] = {}
    cursor: dict[tuple[int | None, int | None], int] = {}
    for position, sentence in enumerate(sentences):
        key = (sentence.citation.passage_id, sentence.citation.page)
        text = texts.get(key)
        if text is None:
            continue
        at = text.find(sentence.citation.quote, cursor.get(key, 0))
        if at < 0:
            continue
        cursor[key] = at + len(sentence.citation.quote)
        line_start = text.rfind("\n", 0, at) + 1
        if not _POINT.fullmatch(text, line_start, at):
            continue
        # Back over the list's earlier points (and the lines they wrap onto) to its lead-in.
        end = line_start - 1
        start = 0
        while end > 0:
            start = text.rfind("\n", 0, end) + 1
            line = text[start:end]
            if line.strip() and not _POINT.match(line) and not line[:1].isspace():
                break
            end = start - 1
        lead_in = text[start:end].strip() if end > 0 else ""
        found[position] = ((*key, start), lead_in)
    return found


def _short_points(
    sources: Sequence[Source], sentences: Sequence[Sentence]
) -> dict[int, tuple[str, ...]]:
    """For each sentence leading in to a list ("Surjection f: V → V’ that preserves:"), the
    list's points as written when they are short words or phrases ("inputs", "degrees"), which
    hold no sentence an answer could quote, or complete the condition it leads in with ("Use
    UDP over TCP when:"); none for a list of sentences, which an answer quotes as sentences."""
    texts = _texts_by_place(sources)
    found: dict[int, tuple[str, ...]] = {}
    for position, sentence in enumerate(sentences):
        quote = sentence.citation.quote
        text = texts.get((sentence.citation.passage_id, sentence.citation.page))
        if text is None or not quote.rstrip().endswith(":"):
            continue
        at = text.find(quote)
        end = text.find("\n", at + len(quote)) if at >= 0 else -1
        if end < 0:
            continue
        points: list[str] = []
        for line in text[end + 1 :].split("\n"):
            point = _POINT.match(line)
            if point is None:
                if line.strip():
                    break
                continue
            said = line[point.end() :].strip()
            if said.endswith(":") or len(points) == MAX_POINTS:
                break  # the next lead-in, or a list too long to say in an answer
            points.append(said)
        longest = CONDITION_POINT_WORDS if CONDITION_LEAD_IN.search(quote) else SHORT_POINT_WORDS
        if points and all(len(point.split()) <= longest for point in points):
            found[position] = tuple(points)
    return found
