"""Multiple-choice questions from the learner's notes: "what is ...?" from definition sentences
and fill-in-the-blank on key terms, with distractors drawn from the same notes' key terms."""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from functools import partial

from ...domain.model import Flashcard, Level, QuestionKind, Quiz, QuizQuestion, Source
from .analysis import Analysis, analyse
from .definitions import glossary_entry, term_key
from .sentences import Sentence
from .terms import Term, used_as_noun
from .text import content_stems, self_contained, stem, tokens

BLANK = "_____"
DISTRACTORS = 3
MIN_WORDS, MAX_WORDS = 8, 35
# Plain single words ("rate", "air") make weak answers: asked about only to reach this many.
PLAIN_TERMS_UNTIL = 15
# Questions from sentences alone that make a round; below this, list points are asked too.
ENOUGH = 12
_VAGUE = re.compile(
    r"\b(?:one|ones|it|its|they|them|their|unless|either|but)\b|,\s*(?:there|we|you|this)\b",
    re.IGNORECASE,
)
# "SQL tuning is a broad topic and many books have been written ...": a second clause with its own
# subject makes no definition to ask back.
_SECOND_CLAUSE = re.compile(
    r"\b(?:and|or|while|whereas)\s+(?:[\w-]+\s+){1,3}?"
    r"(?:is|are|was|were|has|have|had|can|could|will|would|should|must|do|does|did)\b",
    re.IGNORECASE,
)
# A blank needs something to go on: this many words of content beside it.
MIN_CLUE_WORDS = 3
# A term of which the notes say this share of what the question says of its answer is no wrong
# option: it would be right too.
SAME_SAYING = 0.8
# Flesch-Kincaid grade of the question's sentence: below 9 beginner, below 13 intermediate.
BEGINNER_GRADE, INTERMEDIATE_GRADE = 9.0, 13.0
# "The Calvin cycle, also called the light-independent reactions": two names for one thing,
# so neither may be a distractor for the other.
_SAME_AS = re.compile(
    r",?\s*\(?(?:also called|also known as|known as|or simply|i\.e\.)\s+(?:the |a |an )?",
    re.IGNORECASE,
)
_DEFINED = re.compile(
    r"^(?:the |a |an )?(?P<term>.+?)\s+(?P<verb>is|are)\s+(?P<rest>.+?)[.!]?$", re.IGNORECASE
)


def whole_word(phrase: str) -> re.Pattern[str]:
    """Matches ``phrase`` as whole words, any case ("light" is not found in "light-dependent")."""
    return re.compile(rf"(?<![\w-]){re.escape(phrase)}(?![\w-])", re.IGNORECASE)


def make_quiz(sources: Sequence[Source], limit: int) -> Quiz:
    """Up to ``limit`` candidate questions from ``sources``: one per key term at most, those
    with a definition first. Deterministic. Candidates still need the service's checks."""
    analysis = analyse(tuple(sources))
    passages = {source.passage_id: source.text for source in sources}
    synonyms = find_synonyms(analysis)
    made: list[QuizQuestion] = []
    used_sentences: set[int] = set()
    asked: set[str] = set()
    # Defined terms first, then names and phrases, then plain words; each in rank order.
    ranked = sorted(analysis.terms, key=lambda t: (not t.definitions, not t.specific))
    # Sentences first; list points ("Recomputes the challenge using the hash function.") only
    # when the notes have too few sentences to ask enough questions (slides, handouts).
    for points in (False, True):
        if points and len(made) >= ENOUGH:
            break
        for term in ranked:
            if len(made) >= limit or (not term.specific and len(made) >= PLAIN_TERMS_UNTIL):
                break
            if term.key in asked:
                continue
            question = _question_for(term, analysis, passages, used_sentences, synonyms, points)
            if question is not None:
                made.append(question)
                asked.add(term.key)
    return Quiz(tuple(made), generator="offline")


def _question_for(
    term: Term,
    analysis: Analysis,
    passages: dict[int | None, str],
    used: set[int],
    synonyms: dict[str, set[str]],
    points: bool = False,
) -> QuizQuestion | None:
    """A question whose answer is ``term``: its definition asked back, else a blank where it
    stands in one of its sentences (or, with ``points``, in a list point of the notes)."""
    choices: list[tuple[Sentence, QuestionKind]] = [
        (d.sentence, "definition") for d in term.definitions
    ]
    choices += [(analysis.sentences[i], "cloze") for i in term.sentence_ids]
    for sentence, kind in choices:
        if sentence.index in used or not MIN_WORDS <= sentence.words <= MAX_WORDS:
            continue
        if sentence.kind == "point" and not points:
            continue
        entry = glossary_entry(sentence.text) if kind == "definition" else None
        if not self_contained(entry[1] if entry else sentence.text) or sentence.text.endswith("?"):
            continue  # "Definitions like this are called _____": like what?
        # "some _____ the cycle" must not blank the verb "leaves" for the noun "leaves".
        if not term.specific and not used_as_noun(term.text, [sentence.text]):
            continue
        passage = passages.get(sentence.citation.passage_id, "")
        found = whole_word(term.text).search(sentence.text)
        if found is None or not whole_word(term.text).search(passage):
            continue
        answer = found.group(0)
        glossed = _glossary_stem(entry, answer) if entry else None
        if glossed is None and re.match(r"\.\w|\(s\)|['’]|\s*[:–-]", sentence.text[found.end() :]):
            continue  # "_____.html", "_____(s)", "_____' load", "_____ - cell lists": half a word
        stem = glossed
        if stem is None and kind == "definition":
            stem = _definition_stem(sentence.text, answer)
        if stem is None:
            kind = "cloze"
            rest = sentence.text[: found.start()] + " " + sentence.text[found.end() :]
            if len(content_stems(rest)) < MIN_CLUE_WORDS:
                continue  # "The operation is sometimes called the _____": too little to go on
            stem = (
                "Fill in the blank: "
                + sentence.text[: found.start()]
                + BLANK
                + sentence.text[found.end() :]
            )
        if found.start() == 0 and term.text[:1].islower():
            # "Logic is the business of ...": a common noun capitalised by the sentence alone,
            # so its options are common nouns too (and the answer is offered as "logic").
            answer = answer[:1].lower() + answer[1:]
        said = _said_of(sentence.text, found.start(), found.end())
        distractors = pick_distractors(
            answer,
            analysis.terms,
            # A glossary's other entries are terms it defines apart: only this entry must not
            # name a wrong option.
            sentence.text if glossed else passage,
            stem,
            same_as=synonyms.get(term.key, set()),
            also_true=partial(_says_the_same, analysis=analysis, said=said),
        )
        if len(distractors) < DISTRACTORS:
            continue
        used.add(sentence.index)
        return QuizQuestion(
            question=stem,
            options=_shuffled(answer, distractors, stem),
            answer=answer,
            explanation=sentence.text,
            citation=sentence.citation,
            kind=kind,
            difficulty=_difficulty(sentence),
        )
    return None


def _said_of(text: str, start: int, end: int) -> set[str]:
    """What a sentence says of the term at ``start:end``: the content stems of the rest."""
    return set(content_stems(text[:start] + " " + text[end:]))


def _says_the_same(term: Term, analysis: Analysis, said: set[str]) -> bool:
    """The notes say of ``term`` nearly all that the question says of its answer ("Okamoto's
    Protocol is a Σ-protocol ... which is HVZK", "Chaum-Pedersen Protocol is a Σ-protocol ...
    which is HVZK"): offered as a wrong option, it would be right too."""
    if len(said) < MIN_CLUE_WORDS:
        return False
    pattern = whole_word(term.text)
    for index in term.sentence_ids:
        text = analysis.sentences[index].text
        for found in pattern.finditer(text):
            if len(said & _said_of(text, found.start(), found.end())) >= SAME_SAYING * len(said):
                return True
    return False


def _glossary_stem(entry: tuple[str, str], term: str) -> str | None:
    """A glossary's ``entry`` (term, gloss) asked back: "CITGM: Canary In The Gold Mine - A smoke
    test ..." -> "Which term means “Canary In The Gold Mine - A smoke test ...”?" when the entry is
    ``term``'s and its gloss does not name it; None otherwise."""
    if term_key(entry[0]) != term_key(term):
        return None
    gloss = entry[1].rstrip(".;:")
    if whole_word(term).search(gloss) or len(gloss.split()) > MAX_WORDS:
        return None
    return f"Which term means “{gloss}”?"


def _definition_stem(text: str, term: str) -> str | None:
    """ "RuBisCO is the enzyme that fixes carbon." -> "What is the enzyme that fixes carbon?"
    when the sentence opens with the term; None otherwise."""
    match = _DEFINED.match(text.strip())
    if match is None or term_key(match.group("term")) != term_key(term):
        return None
    rest = match.group("rest").strip().rstrip(".;:")
    # "What is certainly a valid one?", "What is a firefighter, unless she ...": too vague.
    if len(rest.split()) < 4 or _VAGUE.search(rest) or rest.split()[0].endswith("ly"):
        return None
    if _SECOND_CLAUSE.search(rest):
        return None
    return f"What {match.group('verb').lower()} {rest}?"


def _shape(text: str) -> tuple[int, str, bool]:
    """How a term looks: its word count, its case pattern, and whether it reads as a plural."""
    if text.isupper() and len(text) > 1:
        case = "acronym"
    elif text[:1].isupper():
        case = "capital"
    else:
        case = "lower"
    last = text.split()[-1].lower() if text.split() else ""
    return len(text.split()), case, last.endswith("s") and not last.endswith("ss")


def find_synonyms(analysis: Analysis) -> dict[str, set[str]]:
    """Key terms the notes give as other names of each other ("X, also called Y"), by key."""
    found: dict[str, set[str]] = {}
    for sentence in analysis.sentences:
        for marker in _SAME_AS.finditer(sentence.text):
            before = sentence.text[: marker.start()].lower()
            after = sentence.text[marker.end() :].lower()
            left = [t for t in analysis.terms if before.endswith(t.text.lower())]
            right = [t for t in analysis.terms if after.startswith(t.text.lower())]
            for a in left:
                for b in right:
                    found.setdefault(a.key, set()).add(b.key)
                    found.setdefault(b.key, set()).add(a.key)
    return found


def pick_distractors(
    answer: str,
    terms: Sequence[Term],
    passage: str,
    stem: str,
    k: int = DISTRACTORS,
    same_as: set[str] | None = None,
    also_true: Callable[[Term], bool] | None = None,
) -> list[str]:
    """``k`` other key terms that look like ``answer`` (same number of words, case pattern,
    plural or not, similar length) and that neither occur in the cited ``passage`` nor overlap
    the answer or the question's stem, nor are other names of the answer (``same_as``), nor
    would be right too (``also_true``, asked of the best-looking ones only)."""
    answer_key = term_key(answer)
    words, case, plural = _shape(answer)
    lowered_stem, lowered_answer = stem.lower(), answer.lower()
    lowered_passage = passage.lower()
    scored: list[tuple[float, int, Term]] = []
    seen: set[str] = {answer_key, *(same_as or ())}
    for position, term in enumerate(terms):
        text = term.text
        lowered = text.lower()
        if term.key in seen or not term.key:
            continue
        if lowered in lowered_answer or lowered_answer in lowered or lowered in lowered_stem:
            continue
        # The substring test first: the whole-word regex only when it could match.
        if lowered in lowered_passage and whole_word(text).search(passage):
            continue
        seen.add(term.key)
        other_words, other_case, other_plural = _shape(text)
        similarity = (
            1.5 * term.specific
            + 2.0 * (other_words == words)
            + 1.0 * (other_case == case)
            + 1.0 * (other_plural == plural)
            - abs(len(text) - len(answer)) / 8
        )
        scored.append((-similarity, position, term))
    scored.sort(key=lambda item: item[:2])
    chosen: list[str] = []
    for _score, _position, term in scored:
        if len(chosen) == k:
            break
        text = term.text
        if not _one_kind(answer, text) or any(_clash(text, other) for other in [answer, *chosen]):
            continue
        if also_true is None or not also_true(term):
            chosen.append(text)
    return chosen


def _one_kind(answer: str, option: str) -> bool:
    """Names go with names, common nouns with common nouns: "Euler" is no distractor for
    "tautology"."""
    return (_shape(answer)[1] == "lower") == (_shape(option)[1] == "lower")


def _roots(text: str) -> tuple[str, ...]:
    return tuple(stem(word)[:5] for word in tokens(text))


def _clash(first: str, second: str) -> bool:
    """Two forms of one word ("CPU scheduler", "CPU scheduling"), or one inside the other."""
    a, b = first.lower(), second.lower()
    return _roots(a) == _roots(b) or a in b or b in a


def _shuffled(answer: str, distractors: Sequence[str], stem: str) -> tuple[str, ...]:
    """The options in an order fixed by the question, so the answer's place varies but a
    question always looks the same."""
    options = [answer, *distractors]
    seed = int.from_bytes(hashlib.sha256(stem.encode("utf-8")).digest()[:8], "big")
    random.Random(seed).shuffle(options)
    return tuple(options)


def _difficulty(sentence: Sentence) -> Level:
    grade = sentence.grade
    if grade < BEGINNER_GRADE:
        return "beginner"
    if grade < INTERMEDIATE_GRADE:
        return "intermediate"
    return "advanced"


def make_flashcards(sources: Sequence[Source], limit: int) -> list[Flashcard]:
    """A card per term the notes define: the term on the front, its defining sentence on the
    back (strongest definition first), cited."""
    analysis = analyse(tuple(sources))
    cards = []
    for term in analysis.terms:
        definition = term.definition
        if definition is None or not MIN_WORDS <= definition.sentence.words <= MAX_WORDS:
            continue
        sentence = definition.sentence
        cards.append(Flashcard(term.text, sentence.text, sentence.citation))
        if len(cards) == limit:
            break
    return cards
