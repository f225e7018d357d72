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
from .defining import aliases, defines, mentions, names_all, stems_of
from .question import Question, focus_phrases, read_question
from .sentences import Sentence, source_citation, split_sources
from .text import stands_alone, stem, tokens

K1, B = 1.2, 0.5
# Share of the question's weight (idf) the answer must mention, when it names no focus.
COVERAGE = 0.5
MAX_SENTENCES = 3
# A sentence from another place joins the answer when it scores at least this share of the best.
SECOND_PLACE = 0.6
# An answer this close in meaning answers even in other words (the semantic tier's cosine).
MEANING_CONFIDENT = 0.5
# How many of the best-scored sentences' answers meaning chooses among.
CANDIDATE_ANSWERS = 12
# An earlier definition as strong as the best one wins when it scores this share of it.
EARLIER_DEFINITION = 0.5
DEFINES_BOOST = {3: 2.6, 2: 2.0, 1: 1.4}
SUBJECT_BOOST, HEADING_BOOST, CUE_BOOST, ACTION_BOOST = 1.3, 1.2, 1.35, 1.4
NOTES_BOOST = 1.5
# What a question's word counts for when the sentence's heading says it, or a sentence beside
# it (against about 1 when the sentence says it once).
HEADING_CONTEXT, NEIGHBOUR_CONTEXT = 0.5, 0.3
# Sentences a learner should not be answered with: the notes' own questions (unless the notes
# answer them next), exercises, and the references a section lists.
QUESTION_PENALTY, ANSWERED_QUESTION_PENALTY, EXERCISE_PENALTY = 0.4, 0.8, 0.5
ASKED_TOO_BOOST = 1.3
REFERENCE_PENALTY = 0.3
SIGNPOST_PENALTY = 0.6
# A title: at most this many longer words, this share of them capitalised.
TITLE_MAX_WORDS, TITLE_SHARE = 12, 0.75
SYMBOL_PENALTY = 0.85
_TEX = re.compile(r"\\[A-Za-z]+|\$")
_SYMBOLS = re.compile(r"[=+×÷→←↔⇒⇔∀∃∈∉⊂⊆⊇∪∩∑∏∫√≤≥≠≈∞±⊕⊗∧∨¬⊢⊨]")
# A sentence that leans on the one before needs it to be read: an answer of its own is better.
LEANING_PENALTY = 0.75
# A heading over the notes' exercises ("3.4 Exercises", "Review questions", "Problems for
# chapter 2"), not one that only holds such a word ("Problem statement").
_EXERCISE_HEADING = re.compile(
    r"^\W*(?:[\d.]+\s+)?(?:(?:practice|review|further|self-check|end-of-chapter)\s+)?"
    r"(?:exercises?|problems?|problem\s+sets?|quiz(?:zes)?|questions|homework|answers?|practice|"
    r"review)\b(?:\s+(?:for|to|on|\d)\b.*)?\W*$",
    re.I,
)
# A heading over a list of references ("Source(s) and further reading", "7 References").
_REFERENCE_HEADING = re.compile(
    r"^\W*(?:[\d.]+\s+)?(?:references|bibliography|further\s+reading|sources?|source\(s\)|"
    r"see\s+also|links|resources|works\s+cited|citations|notes)"
    r"(?:\s+(?:and|&)\s+(?:further\s+reading|links|resources))?(?:\W*$|:)",
    re.I,
)
# A reference rather than a statement: an address, a DOI, "Lewis, David W. 2017."
_CITATION = re.compile(
    r"https?://|\bdoi\b|\bwww\.|\b[A-Z][a-z]+,\s+(?:[A-Z][a-z]*\.?\s+){1,3}\(?\d{4}\b"
)
# A sentence announcing what comes or sending the reader elsewhere ("All in all, let us give the
# definition of ...", "we recommend you to revisit the ??").
_SIGNPOST = re.compile(
    r"\b(?:let\s+us|let's|we\s+will|we\s+shall|we\s+now|we\s+recommend|see\s+(?:section|"
    r"chapter|the\s+next)|in\s+(?:this|the\s+(?:next|previous|following))\s+(?:section|chapter|"
    r"lecture))\b|\?\?",
    re.I,
)
_CAPTION = re.compile(
    r"(?:definition|theorem|lemma|corollary|proposition|example|remark|figure|fig\.|table|"
    r"algorithm|listing|exercise|problem)\s+\d+(?:\.\d+)*\b",
    re.I,
)
# A sentence pointing back to what came before ("can address this issue", "of this sort").
_POINTS_BACK = re.compile(r"\b(?:this|these|those|such)\b(?!\s+as\b)", re.I)
_CUES = {
    "why": re.compile(
        r"\b(?:because|since|so that|in order to|reason|due to|therefore|thus|hence|as a result|"
        r"this means|which means|otherwise|cannot|can't|unless|leads? to|causes?)\b|,\s+so\b",
        re.I,
    ),
    "how": re.compile(
        r"\b(?:by|using|through|via|first|then|step|steps|method|procedure|works?|consists?|"
        r"divides?|computes?|constructs?)\b",
        re.I,
    ),
}
_ARTICLES = frozenset(("the", "a", "an"))
_WORDS = re.compile(r"\w")
_ABOUT_WORD = re.compile(r"\b(?:word|term|name)\b", re.I)
_GLOSSED_LABEL = re.compile(r"(?m)(?:^|(?<=\s))(?P<label>[A-Z][\w.’'-]{1,30}\s\([^()\n]{8,120}\)):")
_NOT_ACTIONS = frozenset("is was has does".split())


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

    def idf(self, term: str) -> float:
        df = len(self.postings.get(term, ()))
        count = len(self.sentences)
        return math.log(1.0 + (count - df + 0.5) / (df + 0.5))


def build_index(
    sentences: Sequence[Sentence],
    stems: Sequence[Sequence[str]],
    text: str = "",
    openings: frozenset[int] | None = None,
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
    )


def _bm25(
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
    penalty: float = 1.0  # what makes it a poor answer (``_penalty``), already in the score
    # The fullest phrase of the focus it names (its place in the phrases), or -1 for none.
    names: int = -1


def _focus_phrases(index: SentenceIndex, question: Question) -> list[tuple[str, int]]:
    """The phrases an answer to "what is X?" may name, each with its rank (0 the fullest): X's
    (``focus_phrases``), each followed by the short names the sources give it ("universe of
    discourse (UD)"), which rank as it does."""
    if not question.focus:
        return []
    phrases: list[tuple[str, int]] = []
    for rank, phrase in enumerate(focus_phrases(question.focus)):
        phrases.append((phrase, rank))
        phrases += [(alias, rank) for alias in aliases(phrase, index.original)]
    return phrases


def _first_in_section(index: SentenceIndex, position: int) -> bool:
    """The first sentence under its heading in its passage."""
    if index.openings is not None:
        return position in index.openings
    if position == 0:
        return True
    before, here = index.sentences[position - 1], index.sentences[position]
    return before.path != here.path or before.citation.passage_id != here.citation.passage_id


def _rank(
    index: SentenceIndex, question: Question, phrases: list[tuple[str, int]]
) -> list[_Scored]:
    """Every sentence sharing a content word with the question, best first."""
    weights = {term: index.idf(term) for term in question.terms}
    phrase_stems = [stems_of(phrase) for phrase, _rank in phrases]
    # What a section headed "Eventual consistency" says first defines it, in whatever words;
    # a sentence naming the focus by the short name the notes give it says the focus too.
    opening = {
        p
        for p, s in enumerate(index.sentences)
        if phrases
        and s.path
        and stems_of(s.path[-1]) in phrase_stems
        and _first_in_section(index, p)
    }
    also = {p: phrase_stems[0] for p in opening}
    for stems in phrase_stems:
        for p in index.postings.get(stems[0], ()) if stems else ():
            if mentions(index.stems[p], stems):
                also.setdefault(p, phrase_stems[0])
    said = {p for term in weights for p in index.postings.get(term, ())}
    candidates = sorted(said | set(also))
    cue = _CUES.get(question.kind)
    scored = []
    for position in candidates:
        sentence = index.sentences[position]
        score = _bm25(index, position, weights, also.get(position, ()))
        score += _context(index, position, weights)
        defining = max(
            (
                defines(sentence, phrase, stems)
                for (phrase, _rank), stems in zip(phrases, phrase_stems, strict=True)
            ),
            default=0,
        )
        if position in opening or (question.about_word and _ABOUT_WORD.search(sentence.text)):
            # ... or, asked about a word, the sentence that speaks of the word ("the origin of
            # the word 'tragedy'", "The word sonata was derived from ...").
            defining = max(defining, 2)
        sentence_stems = index.stems[position]
        names = next(
            (
                rank
                for (_phrase, rank), stems in zip(phrases, phrase_stems, strict=True)
                if mentions(sentence_stems, stems)
                or (position in opening and stems_of(sentence.path[-1]) == stems)
                or (defining >= 2 and names_all(sentence_stems, stems))
            ),
            -1,
        )
        headed = any(mentions(stems_of(h), stems) for stems in phrase_stems for h in sentence.path)
        if defining and not question.asks_action:
            score *= DEFINES_BOOST[defining]
        first = [stem(t) for t in tokens(sentence.text)[:3] if t not in ("the", "a", "an")]
        if first and first[0] in question.terms and not question.asks_action:
            score *= SUBJECT_BOOST
        if not stands_alone(sentence.text):
            score *= LEANING_PENALTY
        if headed:
            score *= HEADING_BOOST
        if cue is not None and cue.search(sentence.text):
            score *= CUE_BOOST
        if question.asks_action and _acts(sentence, question.terms):
            score *= ACTION_BOOST
        if sentence.citation.doc_id is not None:
            score *= NOTES_BOOST  # the learner's own notes before the topic library
        penalty = _penalty(index, position, question)
        scored.append(_Scored(position, score * penalty, defining, penalty, names))
    # Ties go to the earlier sentence: a term is defined where the notes introduce it.
    scored.sort(key=lambda s: (-s.score, s.position))
    return scored


def _title_case(text: str) -> bool:
    """A heading taken for a sentence: "Problems with Truncation of Lennard-Jones Interactions
    and How to Avoid Them?" (most of its longer words capitalised)."""
    words = [word for word in text.split() if len(word) > 3]
    return 2 < len(words) <= TITLE_MAX_WORDS and sum(
        word.lstrip("\"'“‘(")[:1].isupper() for word in words
    ) >= TITLE_SHARE * len(words)


def _context(index: SentenceIndex, position: int, weights: dict[str, float]) -> float:
    """What the sentence's headings and neighbours add: the question's words it does not say
    but its section's heading or the sentences beside it do ("In turn, 'transparent' means no
    trusted setup" under "STARK")."""
    said = index.frequencies[position]
    missing = [term for term in weights if term not in said]
    if not missing:
        return 0.0
    headings = {item for heading in index.sentences[position].path for item in stems_of(heading)}
    beside = set()
    for neighbour in (position - 1, position + 1):
        if _same_passage(index, position, neighbour):
            beside |= set(index.frequencies[neighbour])
    return sum(
        weights[term] * (HEADING_CONTEXT if term in headings else NEIGHBOUR_CONTEXT)
        for term in missing
        if term in headings or term in beside
    )


def _penalty(index: SentenceIndex, position: int, question: Question) -> float:
    """What makes a sentence a poor answer to a learner, as a factor of its score: a question of
    the notes' own (unless it is the learner's and the notes answer it next), a formula, an
    exercise, a caption or title, a signpost, a reference."""
    sentence = index.sentences[position]
    text = sentence.text
    factor = 1.0
    if _is_question(text) and not _answered(index, position):
        factor *= QUESTION_PENALTY
    elif _is_question(text):
        # The notes ask the learner's question ("Why cannot we simply send α?") and answer it
        # next; another question of theirs is answered next too, but less to the point.
        asks_the_same = tokens(text)[:1] == [question.kind]
        factor *= ASKED_TOO_BOOST if asks_the_same else ANSWERED_QUESTION_PENALTY
    # Prose answers a learner; formulas and raw TeX need the page.
    factor *= SYMBOL_PENALTY ** (len(_SYMBOLS.findall(text)) + len(_TEX.findall(text)))
    if any(_EXERCISE_HEADING.search(h) for h in sentence.path[-2:]):
        factor *= EXERCISE_PENALTY
    if _CAPTION.match(text) or _title_case(text):
        factor *= REFERENCE_PENALTY  # a caption or a title names, not says
    if _SIGNPOST.search(text):
        factor *= SIGNPOST_PENALTY  # it says what comes, or where to look, not what is
    if _CITATION.search(text) or any(_REFERENCE_HEADING.search(h) for h in sentence.path[-1:]):
        factor *= REFERENCE_PENALTY
    return factor


def _reading_order(index: SentenceIndex, position: int) -> tuple[int, int, int, int]:
    citation = index.sentences[position].citation
    return (citation.doc_id or 0, citation.page or 0, citation.passage_id or 0, position)


def _first_definition(index: SentenceIndex, naming: list[_Scored]) -> int:
    """The best sentence naming the focus, unless an earlier one defines it too and scores
    nearly as well: a term is defined where the notes introduce it."""
    top = naming[0]
    rivals = [s for s in naming if s.defines >= 2 and s.score >= EARLIER_DEFINITION * top.score]
    if not rivals:
        return top.position
    return min((s.position for s in rivals), key=lambda p: _reading_order(index, p))


def _same_passage(index: SentenceIndex, a: int, b: int) -> bool:
    if not 0 <= a < len(index.sentences) or not 0 <= b < len(index.sentences):
        return False
    first, second = index.sentences[a].citation, index.sentences[b].citation
    return first.passage_id == second.passage_id and first.page == second.page


def _leans(text: str) -> bool:
    """Needs the sentence before it to be read: "It ...", "can address this issue"."""
    return not stands_alone(text) or _POINTS_BACK.search(text) is not None


def _answered(index: SentenceIndex, position: int) -> bool:
    """The notes' own question, answered by the sentence after it."""
    following = position + 1
    return _same_passage(index, position, following) and not _is_question(
        index.sentences[following].text
    )


def _window(index: SentenceIndex, best: int, question: Question) -> list[int]:
    """The best sentence with what it leans on and what goes on with it (same passage)."""
    sentences = index.sentences
    chosen = [best]
    previous = best - 1
    if _same_passage(index, previous, best) and (
        _leans(sentences[best].text) or sentences[previous].text.rstrip().endswith(":")
    ):
        chosen.insert(0, previous)
    following = best + 1
    # A list point goes on with the points after it; a sentence with one that leans on it; a
    # lead-in ("... as follows:") with what it leads to; the notes' own question ("Why, then,
    # does this happen?") with the answer after it.
    while (
        len(chosen) < MAX_SENTENCES
        and _same_passage(index, best, following)
        and (
            sentences[best].kind == sentences[following].kind == "item"
            or (following == chosen[-1] + 1 and not stands_alone(sentences[following].text))
            or _is_question(sentences[chosen[-1]].text)
            or sentences[chosen[-1]].text.rstrip().endswith(":")
        )
    ):
        chosen.append(following)
        following += 1
    # What it leans on may lean in turn ("It is impossible for the premises to be true and the
    # conclusion false. If its premises were true, ... We call such an argument 'valid'.").
    while (
        len(chosen) < MAX_SENTENCES
        and chosen[0] < best
        and _same_passage(index, chosen[0] - 1, best)
        and not stands_alone(sentences[chosen[0]].text)
    ):
        chosen.insert(0, chosen[0] - 1)
    cue = _CUES.get(question.kind)
    if cue is not None and not any(cue.search(sentences[p].text) for p in chosen):
        # "Why ...?" is answered by the reason, which may be the sentence next to the one
        # that names what is asked about ("Networks aren't reliable, so ...").
        for neighbour in (chosen[-1] + 1, chosen[0] - 1):
            if (
                len(chosen) < MAX_SENTENCES
                and _same_passage(index, best, neighbour)
                and cue.search(sentences[neighbour].text)
            ):
                chosen.append(neighbour)
                break
    return sorted(chosen)[:MAX_SENTENCES]


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
    # What the answer's headings say, it says in context ("A cutoff introduces a discontinuity"
    # under "Truncation of Lennard-Jones interactions").
    said |= {item for p in positions for h in index.sentences[p].path for item in stems_of(h)}
    return sum(weight for term, weight in weights.items() if term in said) / total


def _by_meaning(
    index: SentenceIndex, question: Question, ranked: list[_Scored]
) -> tuple[int, float]:
    """The sentence whose answer (it and the sentences that go with it), among those of the
    best-scored sentences, is closest to the question in meaning and words blended, with its
    cosine; the best-scored sentence and 0 without the semantic tier."""
    from .meaning import blend

    candidates: list[tuple[_Scored, tuple[int, ...]]] = []
    for scored in ranked[:CANDIDATE_ANSWERS]:
        window = tuple(_window(index, scored.position, question))
        if window not in [w for _s, w in candidates]:
            candidates.append((scored, window))
    texts = [" ".join(index.sentences[p].text for p in window) for _s, window in candidates]
    blended = blend(question.text, [s.score for s, _window in candidates], texts)
    if blended is None:
        return ranked[0].position, 0.0
    scores, cosines = blended
    # A reference or a caption close in meaning is still no answer.
    scores = [score * s.penalty for score, (s, _window) in zip(scores, candidates, strict=True)]
    best = max(range(len(candidates)), key=lambda i: (scores[i], -i))
    return candidates[best][0].position, cosines[best]


def _naming(ranked: list[_Scored]) -> list[_Scored]:
    """The ranked sentences that name what "what is X?" asks about, under the fullest of its
    phrases that any sentence names."""
    named = [s.names for s in ranked if s.names >= 0]
    return [s for s in ranked if s.names == min(named)] if named else []


def search(
    index: SentenceIndex, question_text: str, *, semantic: bool = False
) -> tuple[list[int], Question]:
    """The answer's sentences in reading order (empty when the sources do not answer), and
    the question as read. ``semantic`` blends in meaning where the tier is installed."""
    question = read_question(question_text)
    phrases = _focus_phrases(index, question)
    ranked = _rank(index, question, phrases)
    if not ranked or ranked[0].score <= 0:
        return [], question
    best, cosine = ranked[0].position, 0.0
    # "What is X?" is answered by a sentence that names X; where none does, by the best
    # sentence (by meaning too, where the tier is installed), if it says enough of what is
    # asked.
    naming = _naming(ranked)
    defined = any(s.defines for s in naming)
    if naming and not question.asks_action and (defined or not semantic):
        best = _first_definition(index, naming)
    elif semantic:
        # What a thing does, what no sentence defines, or anything but what a thing is, may
        # be said in other words.
        best, cosine = _by_meaning(index, question, naming or ranked)
    elif naming:
        best = naming[0].position
    chosen = _window(index, best, question)
    best_score = ranked[0].score
    named = {s.position for s in naming}
    others = ranked[:10]
    if naming and not question.asks_action:
        others = sorted(others, key=lambda s: -s.defines)  # the fullest definition first
    for other in others:
        # Another place may say more about it: what a thing does besides what it is, or what
        # the first place leaves out.
        if len(chosen) >= MAX_SENTENCES:
            break
        if other.score < SECOND_PLACE * best_score:
            continue
        position = other.position
        if position in chosen or not stands_alone(index.sentences[position].text):
            continue
        if naming:
            if position not in named:
                continue
        else:
            covered = set().union(*(index.frequencies[p] for p in chosen))
            if not (set(index.frequencies[position]) & set(question.terms)) - covered:
                continue
        chosen.append(position)
    confident = cosine >= MEANING_CONFIDENT
    if not naming and not confident and _coverage(index, chosen, question) < COVERAGE:
        return [], question
    return sorted(chosen, key=lambda p: _reading_order(index, p)), question


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
    sentences += _labels(sources, {s.citation.quote for s in sentences}, len(sentences))
    text = " ".join(source.text for source in sources)
    stems = [stems_of(s.text) for s in sentences]
    return build_index(sentences, stems, text, _openings(sources, sentences))


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
    """The sentences with nothing but their heading before them in their passage."""
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
        if at >= 0 and not _WORDS.search(source.text, start, at):
            found.add(position)
    return frozenset(found)


def answer(question: str, sources: Sequence[Source], *, semantic: bool = False) -> Answer:
    """The passage of ``sources`` that answers ``question`` (1-3 sentences, each cited);
    ``found`` False (and a plain "not covered" text) when none does. ``semantic`` ranks by
    meaning too where learnplat[semantic] is installed."""
    return answer_from_index(_index_of(tuple(sources)), question, semantic=semantic)
