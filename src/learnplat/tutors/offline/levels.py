"""What a document lesson teaches at each level: simple central ideas, the central ideas by
heading, or the whole outline with its detail; the three always rise in grade and length."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ...domain.model import KeyTerm, Level
from .analysis import Analysis
from .definitions import Definition
from .grading import Body, body_of
from .sentences import Sentence
from .terms import Term
from .text import (
    EXAMPLE_CUE,
    INSTRUCTIONS,
    SIGNPOST,
    content_stems,
    in_words,
    self_contained,
    stands_alone,
    tokens,
)

GLOSSARY_SIZE: dict[Level, int] = {"beginner": 6, "intermediate": 10, "advanced": 16}
# A glossary term is used at least once more for every so many sentences of the text.
SENTENCES_PER_USE = 500
BEGINNER_MAX, BEGINNER_MAX_WORDS = 5, 22
INTERMEDIATE_SHARE, INTERMEDIATE_MAX = 0.3, 40
ADVANCED_SHARE, ADVANCED_MAX = 0.7, 300
# Grades apart that survive the tutor's glue lines ("Let's look at ...") joining the text.
GRADE_MARGIN = 0.5
BEGINNER_MIN_WORDS = 7
_FORMULA = re.compile(
    # Symbols, and a power or index that lost its raising ("the particular function x 2.").
    r"[=×÷→⁻⁺^<>±√∑]|(?<![\w'’])[a-z] \d+\b"
)
_LABEL_DASH = re.compile(r"^[A-Z][\w'’ ]{0,40}?\s[-–—]\s")
# An example, or a step of an argument going on ("Now, suppose that ..."): no main idea ("Take
# the function ..." opens on an instruction, which is none either).
_OPENS_EXAMPLE = re.compile(r"\W*(?:for example|for instance|e\.g\.|now,)", re.I)
_HAS_DIGIT = re.compile(r"\S*\d\S*")


@dataclass(frozen=True)
class Selection:
    """Sentence indexes (reading order) chosen for each level."""

    beginner: tuple[int, ...]
    intermediate: tuple[int, ...]
    advanced: tuple[int, ...]

    def of(self, level: Level) -> tuple[int, ...]:
        if level == "beginner":
            return self.beginner
        return self.intermediate if level == "intermediate" else self.advanced


def select_levels(analysis: Analysis, focus: str | None = None) -> Selection:
    """The sentences of all three levels, adjusted until grade and length rise strictly; the
    beginner's name ``focus`` (the topic asked for) where enough of them can."""
    count = len(analysis.sentences)
    beginner_size = max(2, min(BEGINNER_MAX, count // 6))
    intermediate_size = max(
        beginner_size + 2, min(INTERMEDIATE_MAX, round(count * INTERMEDIATE_SHARE))
    )
    advanced_size = max(intermediate_size + 3, min(ADVANCED_MAX, round(count * ADVANCED_SHARE)))
    naming = _naming(analysis, focus)
    beginner = _simplest_central(analysis, beginner_size, naming)
    intermediate = _central_by_heading(analysis, intermediate_size)
    advanced = _with_antecedents(analysis, _outline_detail(analysis, advanced_size, intermediate))
    return _rising(analysis, beginner, intermediate, advanced, naming)


def _with_antecedents(analysis: Analysis, chosen: list[int]) -> list[int]:
    """Every sentence that leans on the one before it ("It takes in ...") comes with that one
    (and with the one before, should that lean too), or not at all."""
    sentences = analysis.sentences
    kept = set(chosen)
    for index in sorted(chosen):
        if stands_alone(sentences[index].text):
            continue
        needed: list[int] = []
        start = index
        while start > 0 and not stands_alone(sentences[start].text) and len(needed) < 2:
            previous = sentences[start - 1]
            if previous.citation.passage_id != sentences[index].citation.passage_id:
                break
            needed.append(start - 1)
            start -= 1
        if needed and stands_alone(sentences[start].text):
            kept.update(needed)
        elif not any(i in kept for i in needed[:1]):
            kept.discard(index)
    return sorted(kept)


def plain(text: str) -> bool:
    """Words rather than formulas: at most one number, no symbols or variables to decode."""
    return in_words(text) and not _FORMULA.search(text) and len(_HAS_DIGIT.findall(text)) <= 1


def main_idea(sentence: Sentence) -> bool:
    """Fit to teach a beginner as a main idea: a sentence that points at nothing outside itself,
    in plain words, neither an example (the lesson gives one of its own), a signpost ("Let us
    now look at ...") nor an instruction ("Maintain a list of ...")."""
    text = sentence.text
    return (
        sentence.kind == "sentence"
        and self_contained(text)
        and plain(text)
        and not _OPENS_EXAMPLE.match(text)
        and not SIGNPOST.search(text)
        and _first_word(text) not in INSTRUCTIONS  # "Maintain a list of ...", "Let F be ..."
    )


def _first_word(text: str) -> str:
    """The first word, or the first after a label ("Long timeline - Aim for breadth ...")."""
    text = _LABEL_DASH.sub("", text, count=1)
    words = tokens(text[:40])
    return words[0] if words else ""


def _naming(analysis: Analysis, focus: str | None) -> frozenset[int]:
    """The sentences that name the topic asked for (all of its content words)."""
    wanted = set(content_stems(focus)) if focus else set()
    if not wanted:
        return frozenset()
    return frozenset(
        index for index, stems in enumerate(analysis.stems) if wanted <= set(stems)
    )


def _simplest_central(
    analysis: Analysis, size: int, naming: frozenset[int] = frozenset()
) -> list[int]:
    """The simplest of the central sentences that read alone, one per chapter first so that
    they span the document; short, but not so short that they say nothing. Those ``naming``
    the topic asked for come first: a lesson on "functions" from a book is about functions."""
    sentences = analysis.sentences
    # The most central sentences; for a topic, the most central of those that name it first.
    ordered = [i for i in analysis.central_order if i in naming]
    ordered += [i for i in analysis.central_order if i not in naming]
    pool = ordered[: max(8, min(200, round(len(sentences) * 0.3)))]
    usable: list[int] = []
    for shortest, longest in ((BEGINNER_MIN_WORDS, BEGINNER_MAX_WORDS), (4, 30), (1, 10_000)):
        usable = [
            i
            for i in pool
            if shortest <= sentences[i].words <= longest
            and main_idea(sentences[i])
        ]
        if len(usable) >= size:
            break
    if not usable:
        # Nothing central reads as a main idea (slides of formulas): a less central one that does.
        usable = [i for i in ordered if sentences[i].words >= 4 and main_idea(sentences[i])]
        usable = usable[: 2 * size]
    fallback = [i for i in pool if stands_alone(sentences[i].text)] or pool
    simplest = sorted(usable or fallback, key=lambda i: (i not in naming, sentences[i].grade, i))
    chosen: list[int] = []
    chapters: set[int] = set()
    for index in simplest:
        if len(chosen) < size and analysis.chapter_of[index] not in chapters:
            chosen.append(index)
            chapters.add(analysis.chapter_of[index])
    chosen += [i for i in simplest if i not in chosen][: size - len(chosen)]
    return sorted(chosen)


def _groups(analysis: Analysis) -> dict[tuple[str, ...], list[int]]:
    groups: dict[tuple[str, ...], list[int]] = {}
    for sentence in analysis.sentences:
        groups.setdefault(sentence.path, []).append(sentence.index)
    return groups


def _rank(analysis: Analysis) -> list[int]:
    rank = [0] * len(analysis.sentences)
    for position, index in enumerate(analysis.central_order):
        rank[index] = position
    return rank


def _central_by_heading(analysis: Analysis, size: int) -> list[int]:
    """The most central sentence of each heading (best headings first), then the most central
    of all; the most complex sentences are left for the advanced level."""
    sentences = analysis.sentences
    rank = _rank(analysis)
    pool = analysis.central_order[: 2 * size]
    grades = sorted(sentences[i].grade for i in pool)
    ceiling = grades[int(0.85 * (len(grades) - 1))] if grades else 0.0

    def eligible(index: int) -> bool:
        sentence = sentences[index]
        return (
            sentence.words <= 45
            and stands_alone(sentence.text)
            and sentence.grade <= ceiling
            # What to do in a workshop ("Write your answer in the Etherpad.") teaches nothing.
            and _first_word(sentence.text) not in INSTRUCTIONS
        )

    chosen: list[int] = []
    firsts = []
    for members in _groups(analysis).values():
        ordered = sorted(members, key=lambda i: rank[i])
        best = next((i for i in ordered[:8] if eligible(i)), None)
        if best is not None:
            firsts.append(best)
    for index in sorted(firsts, key=lambda i: rank[i])[:size]:
        chosen.append(index)
    for index in analysis.central_order:
        if len(chosen) >= size:
            break
        if index not in chosen and eligible(index):
            chosen.append(index)
    return sorted(chosen)


def _outline_detail(analysis: Analysis, size: int, required: Sequence[int]) -> list[int]:
    """Every heading keeps sentences in proportion to its length, preferring central ones that
    carry detail (a higher grade), plus everything the intermediate level teaches."""
    sentences = analysis.sentences
    rank = _rank(analysis)
    share = size / max(1, len(sentences))
    chosen = set(required)
    for members in _groups(analysis).values():
        quota = max(1, round(len(members) * share))
        candidates = sorted(members, key=lambda i: rank[i])[: 2 * quota]
        candidates.sort(key=lambda i: (-sentences[i].grade - 0.5 * sentences[i].words ** 0.5, i))
        chosen.update(candidates[:quota])
    return sorted(chosen)


def _rising(
    analysis: Analysis,
    beginner: list[int],
    intermediate: list[int],
    advanced: list[int],
    naming: frozenset[int] = frozenset(),
) -> Selection:
    """Trim until grade and length rise strictly: the beginner's hardest sentences go first,
    then the advanced level's easiest extras (keeping every heading), then the intermediate's
    hardest (which the advanced level keeps)."""
    texts = [s.text for s in analysis.sentences]
    paths = [s.path for s in analysis.sentences]

    def body(indexes: Iterable[int]) -> Body:
        return body_of(texts[i] for i in indexes)

    def grade(index: int) -> float:
        return analysis.sentences[index].grade

    while len(beginner) > 2 and body(beginner).grade >= body(intermediate).grade - GRADE_MARGIN:
        beginner.remove(max(beginner, key=lambda i: (grade(i), i)))
    for _ in range(len(advanced) + len(intermediate)):
        if body(advanced).grade > body(intermediate).grade + GRADE_MARGIN:
            break
        per_heading = Counter(paths[i] for i in advanced)
        extras = sorted((i for i in advanced if i not in intermediate), key=lambda i: (grade(i), i))
        removable = [i for i in extras if per_heading[paths[i]] > 1]
        if (
            removable
            and body(advanced).words - analysis.sentences[removable[0]].words
            > body(intermediate).words
        ):
            advanced.remove(removable[0])
        elif len(intermediate) > len(beginner) + 1:
            intermediate.remove(max(intermediate, key=lambda i: (grade(i), i)))
        else:
            break
    while len(beginner) > 1 and body(beginner).words >= body(intermediate).words:
        beginner.remove(max(beginner, key=lambda i: (analysis.sentences[i].words, i)))
    if _rises(body(beginner), body(intermediate), body(advanced)):
        return Selection(tuple(beginner), tuple(intermediate), tuple(advanced))
    return _nested(analysis, sorted({*beginner, *intermediate, *advanced}), body, naming)


def _rises(beginner: Body, intermediate: Body, advanced: Body) -> bool:
    return (
        beginner.grade < intermediate.grade < advanced.grade
        and beginner.words < intermediate.words < advanced.words
    )


NESTED_SEARCH = 40


def _nested(
    analysis: Analysis,
    pool: list[int],
    body: Callable[[Iterable[int]], Body],
    naming: frozenset[int] = frozenset(),
) -> Selection:
    """Few sentences to share between three levels: the simplest for beginners, more of them
    for intermediate, all for advanced, split where grade and length rise (in reading order).
    Those fit for a beginner (plain words, pointing at nothing outside themselves) and naming
    the topic asked for come first."""
    # Beginners and intermediates get sentences that read alone; advanced keeps the rest too.
    sentences = analysis.sentences
    alone = [i for i in pool if stands_alone(sentences[i].text)] or pool

    ideas = {i for i in alone if main_idea(sentences[i])}
    preferred = sorted(
        alone, key=lambda i: (i not in ideas, i not in naming, sentences[i].grade, i)
    )
    # A beginner is taught main ideas alone where the notes have any (slides of formulas).
    most = len(ideas) or len(alone)
    by_grade = sorted(alone, key=lambda i: (sentences[i].grade, i))
    count = len(by_grade)
    wanted = (max(1, round(count * 0.2)), max(2, round(count * 0.5)))
    splits = [wanted]
    if count <= NESTED_SEARCH:
        # The split nearest the intended shares first: a beginner's lesson of one sentence only
        # where no larger one rises.
        splits += sorted(
            ((low, high) for low in range(1, count) for high in range(low + 1, count + 1)),
            key=lambda split: (abs(split[0] - wanted[0]), abs(split[1] - wanted[1]), split),
        )
    # The fittest first where grade and length can still rise that way; else by grade alone.
    for order in (preferred, by_grade) if preferred != by_grade else (by_grade,):
        for low, high in splits:
            if 0 < low < high <= count and (order is not preferred or low <= most):
                beginner, intermediate = order[:low], order[:high]
                if _rises(body(beginner), body(intermediate), body(pool)):
                    return Selection(
                        tuple(sorted(beginner)), tuple(sorted(intermediate)), tuple(pool)
                    )
    low, high = splits[0]
    return Selection(
        tuple(sorted(by_grade[:low])), tuple(sorted(by_grade[:high])), tuple(sorted(pool))
    )


def key_terms(analysis: Analysis, level: Level) -> list[KeyTerm]:
    """The glossary: the top terms the text defines, with the simplest definition for beginners.
    A long text's key term is used more than in passing ("thunderstorms", twice in a book)."""
    chosen: list[KeyTerm] = []
    uses = 1 + len(analysis.sentences) // SENTENCES_PER_USE
    for term in analysis.terms:
        if len(term.sentence_ids) < uses:
            continue
        definition = _definition(term, simplest=level == "beginner")
        if definition is not None:
            sentence = definition.sentence
            chosen.append(KeyTerm(term.text, sentence.text, sentence.citation))
        if len(chosen) == GLOSSARY_SIZE[level]:
            break
    return chosen


def _definition(term: Term, *, simplest: bool) -> Definition | None:
    """The definition to show: one that reads on its own ("This is the type of memory ..."
    does not), in words for beginners; the simplest for beginners, else the strongest."""
    readable = [d for d in term.definitions if self_contained(d.sentence.text)]
    if simplest:
        readable = [d for d in readable if plain(d.sentence.text)] or readable
    usable = [d for d in readable if d.sentence.words <= 40] or readable
    if not usable:
        return None
    if simplest:
        return min(usable, key=lambda d: (-min(d.strength, 2), d.sentence.grade, d.sentence.index))
    return usable[0]


def example_sentence(
    analysis: Analysis, near: Sequence[int], below: Sequence[int] = ()
) -> int | None:
    """One example from the notes for beginners: a plain sentence that gives one ("for
    example", "such as") and reads on its own, in a chapter the lesson teaches from, the most
    central first; one that keeps the beginner's lesson simpler and shorter than the sentences
    ``below`` (the intermediate level's) when they are given."""
    chapters = {analysis.chapter_of[i] for i in near}
    candidates = [
        s.index
        for s in analysis.sentences
        if EXAMPLE_CUE.search(s.text)
        and s.index not in near
        and s.words <= BEGINNER_MAX_WORDS * 2
        and plain(s.text)
        and self_contained(s.text)
    ]
    ranked = sorted(
        candidates,
        key=lambda i: (analysis.chapter_of[i] not in chapters, -analysis.centrality[i], i),
    )
    if below:
        texts = [s.text for s in analysis.sentences]
        limit = body_of(texts[i] for i in below)
        ranked = [
            i
            for i in ranked
            if (with_it := body_of(texts[j] for j in [*near, i])).grade < limit.grade
            and with_it.words < limit.words
        ]
    return ranked[0] if ranked else None
