"""What makes a sentence of the notes a poor answer for a learner; what its context adds."""

from __future__ import annotations

import re

from .answer_index import SentenceIndex, same_passage
from .answer_window import answered, is_question
from .defining import stems_of
from .question import Question
from .text import EXERCISE_HEADING, MATH, REFERENCE_HEADING, SIGNPOST, points_elsewhere, tokens

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
# Raw TeX: "$$\sigma$$" once, a command outside dollars once each.
_TEX = re.compile(r"\$\$?[^$]{0,80}\$\$?|\\[A-Za-z]+")
# A reference rather than a statement: an address, a DOI, "Lewis, David W. 2017."
_CITATION = re.compile(
    r"https?://|\bdoi\b|\bwww\.|\b[A-Z][a-z]+,\s+(?:[A-Z][a-z]*\.?\s+){1,3}\(?\d{4}\b"
)
_CAPTION = re.compile(
    r"(?:definition|theorem|lemma|corollary|proposition|example|remark|figure|fig\.|table|"
    r"algorithm|listing|exercise|problem)\s+\d+(?:\.\d+)*\b",
    re.I,
)


def _title_case(text: str) -> bool:
    """A heading taken for a sentence: "Problems with Truncation of Lennard-Jones Interactions
    and How to Avoid Them?" (most of its longer words capitalised)."""
    words = [word for word in text.split() if len(word) > 3]
    return 2 < len(words) <= TITLE_MAX_WORDS and sum(
        word.lstrip("\"'“‘(")[:1].isupper() for word in words
    ) >= TITLE_SHARE * len(words)


def context(index: SentenceIndex, position: int, weights: dict[str, float]) -> float:
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
        if same_passage(index, position, neighbour):
            beside |= set(index.frequencies[neighbour])
    return sum(
        weights[term] * (HEADING_CONTEXT if term in headings else NEIGHBOUR_CONTEXT)
        for term in missing
        if term in headings or term in beside
    )


def penalty_of(index: SentenceIndex, position: int, question: Question) -> float:
    """What makes a sentence a poor answer to a learner, as a factor of its score: a question of
    the notes' own (unless it is the learner's and the notes answer it next), a formula, an
    exercise, a caption or title, a signpost, a reference."""
    sentence = index.sentences[position]
    text = sentence.text
    factor = 1.0
    if is_question(text) and not answered(index, position):
        factor *= QUESTION_PENALTY
    elif is_question(text):
        # The notes ask the learner's question ("Why cannot we simply send α?") and answer it
        # next; another question of theirs is answered next too, but less to the point.
        asks_the_same = tokens(text)[:1] == [question.kind]
        factor *= ASKED_TOO_BOOST if asks_the_same else ANSWERED_QUESTION_PENALTY
    # Prose answers a learner; formulas and raw TeX need the page.
    factor *= SYMBOL_PENALTY ** (len(MATH.findall(text)) + len(_TEX.findall(text)))
    if any(EXERCISE_HEADING.search(h) for h in sentence.path[-2:]):
        factor *= EXERCISE_PENALTY
    if _CAPTION.match(text) or _title_case(text):
        factor *= REFERENCE_PENALTY  # a caption or a title names, not says
    if SIGNPOST.search(text) or points_elsewhere(text):
        factor *= SIGNPOST_PENALTY  # it says what comes, or where to look, not what is
    if _CITATION.search(text) or any(REFERENCE_HEADING.search(h) for h in sentence.path[-1:]):
        factor *= REFERENCE_PENALTY
    return factor
