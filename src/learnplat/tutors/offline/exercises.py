"""Exercises with answers taken from the text: "what is" and fill-in-the-blank questions."""

from __future__ import annotations

import re

from ...domain.model import Citation, Exercise, KeyTerm
from .analysis import Analysis
from .definitions import term_key
from .followups import what_question
from .sentences import Sentence
from .text import content_stems, labelled, stands_alone

MIN_EXERCISES, MAX_EXERCISES = 2, 5
MIN_SENTENCE_WORDS = 6
BLANK = "_____"
_NUMBER = re.compile(r"\b\d+(?:[.,]\d+)?\b")
_WORD = re.compile(r"[A-Za-z][A-Za-z-]{3,}")


def cloze(text: str, answer: str, citation: Citation) -> list[Exercise]:
    """Blank the first whole-word ``answer`` in ``text`` ("light" never blanks half of
    "light-dependent"); the answer is the text as written there."""
    match = re.search(rf"(?<![\w-]){re.escape(answer)}(?![\w-])", text, re.IGNORECASE)
    if match is None:
        return []
    question = text[: match.start()] + BLANK + text[match.end() :]
    return [Exercise(f"Fill in the blank: {question}", match.group(0), citation)]


def word_cloze(text: str, citation: Citation) -> list[Exercise]:
    """Blank a number, else the longest meaningful word but the first (its capital tells)."""
    number = _NUMBER.search(text)
    if number is not None:
        return cloze(text, number.group(0), citation)
    words = [word for word in _WORD.findall(text)[1:] if content_stems(word)]
    return cloze(text, max(words, key=len), citation) if words else []


def term_exercise(term: KeyTerm, citation: Citation) -> Exercise:
    """Fill in the term in its own definition, or "which term is this?" when it is not there."""
    found = cloze(term.definition, term.term, citation)
    if found:
        return Exercise(found[0].question, term.term, citation)
    return Exercise(f"Which term is this? {term.definition}", term.term, citation)


def document_exercises(
    members: list[Sentence], analysis: Analysis, subject: str = ""
) -> list[Exercise]:
    """From a chapter's sentences: its definitions first ("What is RuBisCO?" or a blank where
    the defined word was), then blanks on key terms. A sentence that leans on the one before
    ("It then ...") is asked with that one in front of it. Never a blank whose answer is the
    lesson's own subject, and never a blank on a number or a long word picked for its length:
    fewer exercises rather than ones a learner cannot sensibly answer."""
    contexts = {
        s.index: context
        for s in members
        if s.words >= MIN_SENTENCE_WORDS
        and not s.text.endswith("?")
        and not labelled(s.text)
        and (context := _context(s, analysis)) is not None
    }
    subject_words = set(term_key(subject).split())
    terms = [t for t in analysis.terms if not set(t.key.split()) <= subject_words]
    made: list[Exercise] = []
    used: set[int] = set()
    for term in terms:
        definition = next((d for d in term.definitions if d.sentence.index in contexts), None)
        if definition is None or definition.sentence.index in used:
            continue
        sentence = definition.sentence
        used.add(sentence.index)
        if definition.strength >= 3 and not contexts[sentence.index]:
            made.append(Exercise(what_question(term.text), sentence.text, sentence.citation))
        else:
            made += _cloze_in(sentence, definition.term, contexts[sentence.index])
    for term in terms:
        if len(made) > MIN_EXERCISES:
            break
        if term.text.lower() in {e.answer.lower() for e in made}:
            continue
        index = next((i for i in term.sentence_ids if i in contexts and i not in used), None)
        if index is not None:
            used.add(index)
            made += _cloze_in(analysis.sentences[index], term.text, contexts[index])
    return made[:MAX_EXERCISES]


def _context(sentence: Sentence, analysis: Analysis) -> str | None:
    """What must be read before ``sentence``: nothing when it stands alone, else the sentence
    before it in the same passage (which must stand alone); None when there is no such one."""
    if stands_alone(sentence.text):
        return ""
    if sentence.index == 0:
        return None
    previous = analysis.sentences[sentence.index - 1]
    same = previous.citation.passage_id == sentence.citation.passage_id
    return previous.text if same and stands_alone(previous.text) else None


def _cloze_in(sentence: Sentence, answer: str, context: str) -> list[Exercise]:
    made = cloze(sentence.text, answer, sentence.citation)
    if context and made and re.search(rf"(?<![\w-]){re.escape(answer)}(?![\w-])", context, re.I):
        return []  # the sentence before would give the answer away
    if context and made:
        question = made[0].question.replace("Fill in the blank: ", f"Fill in the blank: {context} ")
        return [Exercise(question, made[0].answer, made[0].citation)]
    return made
