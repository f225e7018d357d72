"""Read sources once per lesson: sentences, centrality, chapters, definitions and key terms."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from ...domain.model import Source
from .centrality import TermMatrix, lexrank, term_matrix
from .definitions import Definition, find_definitions
from .headings import shown
from .sentences import Sentence, split_sources
from .terms import Term, phrase_keys, rank_terms, sample_text, yake_phrases
from .text import content_stems, stem, tokens

# Enough terms for the glossary and a few per chapter for the concept map and exercises.
TERMS_PER_CHAPTER = 3
MIN_TERMS = 40
WORDS_PER_CLUSTER = 1200
MAX_CLUSTERS = 12


@dataclass(frozen=True, eq=False)
class Analysis:
    """Everything the level and format builders need to know about the learner's sources."""

    sentences: tuple[Sentence, ...]
    stems: tuple[tuple[str, ...], ...]
    centrality: np.ndarray
    central_order: tuple[int, ...]
    chapter_of: tuple[int, ...]
    chapter_titles: tuple[str, ...]
    outline: tuple[tuple[str, ...], ...]
    definitions: Mapping[str, list[Definition]]
    terms: tuple[Term, ...]

    def chapter_sentences(self, chapter: int) -> list[Sentence]:
        return [s for s in self.sentences if self.chapter_of[s.index] == chapter]

    def chapter_title(self, sentence: Sentence) -> str:
        return self.chapter_titles[self.chapter_of[sentence.index]]


@lru_cache(maxsize=4)
def analyse(sources: tuple[Source, ...]) -> Analysis:
    """The analysis of ``sources`` (cached: the formats of one lesson share their sources)."""
    found, outline = split_sources(sources, points=True, questions=False, exercises=False)
    sentences = tuple(found)
    stems = tuple(tuple(content_stems(s.text)) for s in sentences)
    matrix = term_matrix(stems)
    centrality = lexrank(matrix)
    # Ties (equal scores) fall back to reading order so the result never depends on the sort.
    central_order = tuple(sorted(range(len(sentences)), key=lambda i: (-centrality[i], i)))
    chapter_of, titles = _chapters(sentences, matrix)
    definitions = find_definitions(sentences)
    sample = sample_text(sentences, central_order, chapter_of)
    phrases = yake_phrases(sample) if sample else []
    occurrences = _occurrences(sentences, stems, phrase_keys(phrases, definitions))
    texts = [s.text for s in sentences]
    limit = max(MIN_TERMS, TERMS_PER_CHAPTER * len(titles))
    terms = tuple(rank_terms(phrases, definitions, occurrences, texts, limit))
    titles = _name_clusters(titles, chapter_of, terms)
    chapter_of, titles = _merge_same_titles(chapter_of, titles)
    return Analysis(
        sentences,
        stems,
        centrality,
        central_order,
        tuple(chapter_of),
        tuple(titles),
        tuple(outline),
        definitions,
        terms,
    )


def _occurrences(
    sentences: Sequence[Sentence], stems: Sequence[Sequence[str]], keys: Sequence[str]
) -> dict[str, tuple[int, ...]]:
    """Sentences using each key: candidates from a stem index, confirmed on the stemmed text."""
    postings: dict[str, list[int]] = {}
    for position, sentence_stems in enumerate(stems):
        for item in dict.fromkeys(sentence_stems):
            postings.setdefault(item, []).append(position)
    keyed: dict[int, str] = {}
    found: dict[str, tuple[int, ...]] = {}
    for key in keys:
        parts = [part for part in key.split() if part in postings]
        if not parts:
            found[key] = ()
            continue
        candidates = min((postings[part] for part in parts), key=len)
        hits = []
        for position in candidates:
            if position not in keyed:
                keyed[position] = (
                    " " + " ".join(stem(t) for t in tokens(sentences[position].text)) + " "
                )
            if f" {key} " in keyed[position]:
                hits.append(position)
        found[key] = tuple(hits)
    return found


def _chapters(sentences: Sequence[Sentence], matrix: TermMatrix) -> tuple[list[int], list[str]]:
    """A chapter per top-level heading, else per topic cluster for unheaded text.

    "Top level" is the shallowest heading depth that splits the text: a title over the whole
    document ("# Photosynthesis") is skipped, its "##" sections become the chapters.
    """
    if not any(s.path for s in sentences):
        return _clusters(sentences, matrix)
    deepest = max(len(s.path) for s in sentences)
    depth = 1
    while depth < deepest:
        sizes: dict[tuple[str, ...], int] = {}
        for sentence in sentences:
            sizes[sentence.path[:depth]] = sizes.get(sentence.path[:depth], 0) + 1
        if max(sizes.values()) * 2 <= len(sentences):
            break
        depth += 1
    numbers: dict[tuple[str, ...], int] = {}
    chapter_of = []
    for sentence in sentences:
        chapter_of.append(numbers.setdefault(sentence.path[:depth], len(numbers)))
    # A heading that does not read as a title gives way to its parent's, else to a key term.
    titles = [shown(path) if path else "Introduction" for path in numbers]
    return _merge_small(chapter_of, titles)


def _merge_small(chapter_of: list[int], titles: list[str]) -> tuple[list[int], list[str]]:
    """Fold a chapter of a single sentence into the one before it (or after it, if first)."""
    sizes = [chapter_of.count(number) for number in range(len(titles))]
    target = list(range(len(titles)))
    for number, size in enumerate(sizes):
        if size < 2 and len(titles) > 1:
            target[number] = target[number - 1] if number > 0 else 1
    kept = sorted(set(target))
    renumber = {old: new for new, old in enumerate(kept)}
    return [renumber[target[c]] for c in chapter_of], [titles[old] for old in kept]


def _clusters(sentences: Sequence[Sentence], matrix: TermMatrix) -> tuple[list[int], list[str]]:
    """Unheaded text: cut it where neighbouring blocks of sentences share the fewest terms."""
    words = sum(s.words for s in sentences)
    wanted = max(1, min(MAX_CLUSTERS, round(words / WORDS_PER_CLUSTER)))
    block_size = 6
    blocks = (len(sentences) + block_size - 1) // block_size
    if wanted == 1 or blocks < 2 * wanted:
        return [0] * len(sentences), [""]
    vectors = matrix.group_vectors([i // block_size for i in range(len(sentences))], blocks)
    gaps = (vectors[:-1] * vectors[1:]).sum(axis=1)
    cuts: list[int] = []
    for gap in sorted(range(len(gaps)), key=lambda g: (gaps[g], g)):
        if all(abs(gap - other) >= 2 for other in cuts):
            cuts.append(gap)
        if len(cuts) == wanted - 1:
            break
    boundaries = sorted((gap + 1) * block_size for gap in cuts)
    chapter_of = [sum(1 for b in boundaries if i >= b) for i in range(len(sentences))]
    return chapter_of, [""] * (len(boundaries) + 1)


def _name_clusters(
    titles: list[str], chapter_of: Sequence[int], terms: Sequence[Term]
) -> list[str]:
    """Title an unheaded cluster after the best key term used most inside it and not yet a
    title, else "Part N"."""
    named = list(titles)
    taken = {title.lower() for title in titles if title}
    for number, title in enumerate(titles):
        if title:
            continue
        candidates = [t for t in terms if t.text.lower() not in taken]
        best = max(
            candidates,
            key=lambda t: (
                sum(1 for i in t.sentence_ids if chapter_of[i] == number),
                -terms.index(t),
            ),
            default=None,
        )
        if best is not None and any(chapter_of[i] == number for i in best.sentence_ids):
            named[number] = best.text[:1].upper() + best.text[1:]
            taken.add(best.text.lower())
        else:
            named[number] = f"Part {number + 1}"
    return named


def _merge_same_titles(
    chapter_of: list[int], titles: list[str]
) -> tuple[list[int], list[str]]:
    """Chapters shown under the same title are one chapter (a slide title over several slides,
    "Further reading" after every section): the first one's place, every sentence in order."""
    first: dict[str, int] = {}
    target = [first.setdefault(title.lower(), number) for number, title in enumerate(titles)]
    kept = sorted(set(target))
    renumber = {old: new for new, old in enumerate(kept)}
    return [renumber[target[c]] for c in chapter_of], [titles[old] for old in kept]
