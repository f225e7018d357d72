"""Answer a question from the sources: the passage that answers it, cited, or "not covered".

A question is read for its kind and focus (``question.py``). "What is X?" is answered by the
sentence that defines X (the first, simplest definition wins); "why" and "how" by the sentence
that explains, found by BM25 over the sources' sentences and boosted by causal or procedural
wording. The best sentence is given with the sentences it leans on or that go on with it, so
the answer reads as a passage rather than three lines from three pages.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from ..model import Answer, Source, Statement
from .definitions import sentence_definitions, term_key
from .question import Question, focus_phrases, read_question
from .sentences import Sentence, split_sources
from .text import content_stems, stands_alone, stem, tokens

K1, B = 1.2, 0.5
# Share of the question's weight (idf) the answer must mention, when it names no focus.
COVERAGE = 0.5
MAX_SENTENCES = 3
# A sentence from another place joins the answer when it scores at least this share of the best.
SECOND_PLACE = 0.6
# A sentence this close in meaning answers even in other words (the semantic tier's cosine).
MEANING_CONFIDENT = 0.5
# An earlier definition as strong as the best one wins when it scores this share of it.
EARLIER_DEFINITION = 0.5
DEFINES_BOOST = {3: 2.6, 2: 2.0, 1: 1.4}
SUBJECT_BOOST, HEADING_BOOST, CUE_BOOST, ACTION_BOOST = 1.3, 1.2, 1.35, 1.4
NOTES_BOOST = 1.5
# Sentences a learner should not be answered with: the notes' own questions and exercises.
QUESTION_PENALTY, EXERCISE_PENALTY = 0.4, 0.5
SYMBOL_PENALTY = 0.85
_SYMBOLS = re.compile(r"[=+×÷→←↔⇒⇔∀∃∈∉⊂⊆⊇∪∩∑∏∫√≤≥≠≈∞±⊕⊗∧∨¬⊢⊨]")
# A sentence that leans on the one before needs it to be read: an answer of its own is better.
LEANING_PENALTY = 0.75
_EXERCISE_HEADING = re.compile(
    r"\b(?:exercises?|practice|problems?|quiz|questions|homework|review|answers?)\b", re.I
)
_CUES = {
    "why": re.compile(
        r"\b(?:because|since|so that|in order to|reason|due to|therefore|thus|hence|as a result|"
        r"this means|which means|otherwise|cannot|can't|unless|leads? to|causes?)\b",
        re.I,
    ),
    "how": re.compile(
        r"\b(?:by|using|through|via|first|then|step|steps|method|procedure|works?|consists?|"
        r"divides?|computes?|constructs?)\b",
        re.I,
    ),
}
_ARTICLES = frozenset(("the", "a", "an"))
_NOT_ACTIONS = frozenset("is was has does".split())


@dataclass(frozen=True, eq=False)
class SentenceIndex:
    """BM25 statistics over sentences."""

    sentences: tuple[Sentence, ...]
    frequencies: tuple[dict[str, int], ...]
    postings: dict[str, list[int]]
    average_length: float
    # The sources' whole text, lower-cased (headings and lists too, which hold no sentence).
    text: str = ""

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        count = len(self.sentences)
        return math.log(1.0 + (count - df + 0.5) / (df + 0.5))


def build_index(
    sentences: Sequence[Sentence], stems: Sequence[Sequence[str]], text: str = ""
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
    text = text or " ".join(s.text for s in sentences).lower()
    return SentenceIndex(tuple(sentences), tuple(frequencies), postings, max(average, 1.0), text)


def _bm25(index: SentenceIndex, position: int, weights: dict[str, float]) -> float:
    counts = index.frequencies[position]
    length = sum(counts.values())
    norm = K1 * (1 - B + B * length / index.average_length)
    return sum(
        weight * counts[term] * (K1 + 1) / (counts[term] + norm)
        for term, weight in weights.items()
        if term in counts
    )


def _mentions(sentence_stems: Sequence[str], phrase: Sequence[str]) -> bool:
    """The phrase's stems appear in order, at most two other content words apart."""
    if not phrase:
        return False
    for start, item in enumerate(sentence_stems):
        if item != phrase[0]:
            continue
        position, matched = start, 1
        for wanted in phrase[1:]:
            window = sentence_stems[position + 1 : position + 4]
            if wanted not in window:
                break
            position += 1 + window.index(wanted)
            matched += 1
        if matched == len(phrase):
            return True
    return False


def _defines(sentence: Sentence, focus: str, focus_stems: Sequence[str]) -> int:
    """How strongly ``sentence`` defines the focus: 3, 2, 1, or 0 when it does not. An acronym
    is defined where its expansion is ("A content delivery network (CDN) is ...")."""
    best = 0
    focus_key = term_key(focus)
    acronym = focus.isupper() and f"({focus})" in sentence.text
    for definition in sentence_definitions(sentence):
        key = definition.key
        if (
            key == focus_key
            or key.endswith(" " + focus_key)
            or focus_key.endswith(" " + key)
            or (acronym and f"{definition.term} ({focus})" in sentence.text)
        ):
            best = max(best, definition.strength)
    if not best and _names_defined(focus).search(sentence.text):
        best = 2  # "A is said to be X if ...", "... is called X", "X if and only if ..."
    words = [t for t in tokens(sentence.text)[: len(focus_stems) + 1] if t not in _ARTICLES]
    if not best and [stem(t) for t in words[: len(focus_stems)]] == list(focus_stems):
        best = 1  # "Sharding distributes data across ...": what it is by what it does
    return best


@lru_cache(maxsize=256)
def _names_defined(focus: str) -> re.Pattern[str]:
    name = r"\s+".join(re.escape(word) for word in focus.split()) + r"s?"
    return re.compile(
        rf"\b{name}\s+(?:is|are)\s+(?:said\s+to\s+be|defined\s+as|known\s+as)\b|"
        rf"\b(?:is|are)\s+(?:said\s+to\s+be|called|known\s+as|termed)\s+(?:an?\s+|the\s+)?"
        rf"{name}\b|\b{name}\b[^.;]*\bif\s+and\s+only\s+if\b",
        re.IGNORECASE,
    )


def _acts(sentence: Sentence, terms: dict[str, str]) -> bool:
    """A question word is followed (perhaps after an adverb) by a verb: "RuBisCO then binds"."""
    words = tokens(sentence.text)
    for position, word in enumerate(words):
        if stem(word) in terms:
            after = words[position + 1 : position + 3]
            if after and (after[0] == "then" or after[0].endswith("ly")):
                after = after[1:]
            if after and after[0].endswith("s") and after[0] not in _NOT_ACTIONS:
                return True
    return False


@dataclass(frozen=True)
class _Scored:
    position: int
    score: float
    defines: int
    meaning: float = 0.0  # cosine with the question, where the semantic tier ranked it
    boost: float = 1.0  # what the score holds beyond the words: definition, notes, penalties


def _rank(index: SentenceIndex, question: Question) -> list[_Scored]:
    """Every sentence sharing a content word with the question, best first."""
    weights = {term: index.idf(term) for term in question.terms}
    candidates = sorted({p for term in weights for p in index.postings.get(term, ())})
    phrases = focus_phrases(question.focus) if question.focus else []
    phrase_stems = [content_stems(phrase) for phrase in phrases]
    cue = _CUES.get(question.kind)
    scored = []
    for position in candidates:
        sentence = index.sentences[position]
        score = _bm25(index, position, weights)
        defines = max(
            (_defines(sentence, p, stems) for p, stems in zip(phrases, phrase_stems, strict=True)),
            default=0,
        )
        if defines and not question.asks_action:
            score *= DEFINES_BOOST[defines]
        first = [stem(t) for t in tokens(sentence.text)[:3] if t not in ("the", "a", "an")]
        if first and first[0] in question.terms and not question.asks_action:
            score *= SUBJECT_BOOST
        if not stands_alone(sentence.text):
            score *= LEANING_PENALTY
        if any(_mentions(content_stems(h), stems) for stems in phrase_stems for h in sentence.path):
            score *= HEADING_BOOST
        if cue is not None and cue.search(sentence.text):
            score *= CUE_BOOST
        if question.asks_action and _acts(sentence, question.terms):
            score *= ACTION_BOOST
        if sentence.citation.doc_id is not None:
            score *= NOTES_BOOST  # the learner's own notes before the topic library
        if sentence.text.rstrip().endswith("?"):
            score *= QUESTION_PENALTY
        symbols = len(_SYMBOLS.findall(sentence.text))
        if symbols:
            score *= SYMBOL_PENALTY**symbols  # prose answers a learner; formulas need the page
        if any(_EXERCISE_HEADING.search(h) for h in sentence.path[-2:]):
            score *= EXERCISE_PENALTY
        words = _bm25(index, position, weights)
        scored.append(_Scored(position, score, defines, boost=score / words if words else 1.0))
    # Ties go to the earlier sentence: a term is defined where the notes introduce it.
    scored.sort(key=lambda s: (-s.score, s.position))
    return scored


def _first_definition(index: SentenceIndex, naming: list[_Scored]) -> int:
    """The best sentence naming the focus, unless an earlier one defines it as strongly and
    scores nearly as well: a term is defined where the notes introduce it."""
    top = naming[0]
    rivals = [
        s
        for s in naming
        if s.defines >= max(2, top.defines)
        and s.score >= EARLIER_DEFINITION * top.score
        and stands_alone(index.sentences[s.position].text)
    ]
    return min(rivals, key=lambda s: s.position).position if rivals else top.position


def _same_passage(index: SentenceIndex, a: int, b: int) -> bool:
    first, second = index.sentences[a].citation, index.sentences[b].citation
    return first.passage_id == second.passage_id and first.page == second.page


def _window(index: SentenceIndex, best: int) -> list[int]:
    """The best sentence with what it leans on and what goes on with it (same passage)."""
    chosen = [best]
    previous = best - 1
    if (
        previous >= 0
        and not stands_alone(index.sentences[best].text)
        and _same_passage(index, previous, best)
    ):
        chosen.insert(0, previous)
    following = best + 1
    # A list point goes on with the points after it; a sentence with one that leans on it;
    # the notes' own question ("Why, then, does this happen?") with the answer after it.
    while (
        following < len(index.sentences)
        and len(chosen) < MAX_SENTENCES
        and _same_passage(index, best, following)
        and (
            index.sentences[best].kind == index.sentences[following].kind == "item"
            or (following == chosen[-1] + 1 and not stands_alone(index.sentences[following].text))
            or _is_question(index.sentences[chosen[-1]].text)
        )
    ):
        chosen.append(following)
        following += 1
    return chosen[:MAX_SENTENCES]


def _is_question(text: str) -> bool:
    return text.rstrip("\"'”’)").endswith("?")


def _coverage(index: SentenceIndex, positions: Sequence[int], question: Question) -> float:
    """Share of the question's weight the sentences mention; words that no sentence of the
    sources uses do not count (they are the learner's wording, or the service would have
    said "not covered")."""
    weights = {term: index.idf(term) for term in question.terms if term in index.postings}
    total = sum(weights.values())
    if total <= 0:
        return 0.0
    said = set().union(*(index.frequencies[p] for p in positions))
    return sum(weight for term, weight in weights.items() if term in said) / total


def _by_meaning(index: SentenceIndex, question: Question, ranked: list[_Scored]) -> list[_Scored]:
    """``ranked`` reordered with the semantic tier's cosines blended in (unchanged without)."""
    from .meaning import rerank

    texts = [s.text for s in index.sentences]
    # Meaning is blended with the words; what the score holds beyond them (a definition of
    # what is asked, the learner's notes before the topic library) applies to the blend.
    scores, cosines = rerank(
        question.text, [(s.score / s.boost, s.position) for s in ranked], texts
    )
    rescored = [
        _Scored(s.position, score * s.boost, s.defines, cosine, s.boost)
        for s, score, cosine in zip(ranked, scores, cosines, strict=True)
    ]
    return sorted(rescored, key=lambda s: (-s.score, s.position))


def search(
    index: SentenceIndex, question_text: str, *, semantic: bool = False
) -> tuple[list[int], Question]:
    """The answer's sentences in reading order (empty when the sources do not answer), and
    the question as read. ``semantic`` blends in meaning where the tier is installed."""
    question = read_question(question_text)
    ranked = _rank(index, question)
    if semantic and ranked:
        ranked = _by_meaning(index, question, ranked)
    if not ranked or ranked[0].score <= 0:
        return [], question
    focus_stems: list[str] = []
    best = ranked[0].position
    if question.focus:
        # "What is X?" is answered only by a sentence that names X.
        for phrase in focus_phrases(question.focus):
            focus_stems = content_stems(phrase)
            naming = [
                s
                for s in ranked
                if _mentions(content_stems(index.sentences[s.position].text), focus_stems)
            ]
            if naming:
                first = naming[0].position
                best = first if question.asks_action else _first_definition(index, naming)
                break
        else:
            return [], question
    chosen = _window(index, best)
    best_score = ranked[0].score
    for other in ranked[1:10]:
        # Another place may say more about it: what a thing does besides what it is, or what
        # the first place leaves out.
        if len(chosen) >= MAX_SENTENCES or other.score < SECOND_PLACE * best_score:
            break
        position = other.position
        if position in chosen or not stands_alone(index.sentences[position].text):
            continue
        sentence_stems = content_stems(index.sentences[position].text)
        if focus_stems:
            if not _mentions(sentence_stems, focus_stems):
                continue
        else:
            covered = set().union(*(index.frequencies[p] for p in chosen))
            if not (set(index.frequencies[position]) & set(question.terms)) - covered:
                continue
        chosen.append(position)
    confident = ranked[0].meaning >= MEANING_CONFIDENT and best == ranked[0].position
    if not focus_stems and not confident and _coverage(index, chosen, question) < COVERAGE:
        return [], question
    return sorted(chosen), question


def not_covered_text(index: SentenceIndex, question: Question) -> str:
    """Says what is missing without naming a word the sources do contain (the sentence
    index sees sentences only, so the sources' whole text is checked)."""
    if question.focus and question.focus.lower() not in index.text:
        return f"Your notes don't cover this: nothing in them mentions “{question.focus}”."
    if question.focus:
        return f"Your notes don't cover this: they never say what “{question.focus}” is."
    return "Your notes don't cover this: none of their passages answers it."


def answer_from_index(
    index: SentenceIndex, question_text: str, *, semantic: bool = False
) -> Answer:
    chosen, question = search(index, question_text, semantic=semantic)
    if not chosen:
        return Answer(question_text, not_covered_text(index, question), (), found=False)
    statements = tuple(
        Statement(index.sentences[p].text, (index.sentences[p].citation,)) for p in chosen
    )
    return Answer(question_text, " ".join(s.text for s in statements), statements, found=True)


@lru_cache(maxsize=8)
def _index_of(sources: tuple[Source, ...]) -> SentenceIndex:
    sentences, _outline = split_sources(sources, items=True)
    text = " ".join(source.text for source in sources).lower()
    return build_index(sentences, [content_stems(s.text) for s in sentences], text)


def answer(question: str, sources: Sequence[Source], *, semantic: bool = False) -> Answer:
    """The passage of ``sources`` that answers ``question`` (1-3 sentences, each cited);
    ``found`` False (and a plain "not covered" text) when none does. ``semantic`` ranks by
    meaning too where learnplat[semantic] is installed."""
    return answer_from_index(_index_of(tuple(sources)), question, semantic=semantic)
