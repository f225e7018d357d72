"""Exercises with answers taken from the text: "what is" and fill-in-the-blank questions."""

from __future__ import annotations

import re

from ..model import Citation, Exercise, KeyTerm
from .analysis import Analysis
from .sentences import Sentence
from .text import content_stems

MIN_EXERCISES, MAX_EXERCISES = 2, 5
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


def document_exercises(members: list[Sentence], analysis: Analysis) -> list[Exercise]:
    """From a chapter's sentences: its definitions first ("What is RuBisCO?" or a blank where
    the defined word was), then blanks on key terms, then on numbers or long words."""
    inside = {s.index for s in members}
    made: list[Exercise] = []
    used: set[int] = set()
    for term in analysis.terms:
        definition = next((d for d in term.definitions if d.sentence.index in inside), None)
        if definition is None or definition.sentence.index in used:
            continue
        sentence = definition.sentence
        used.add(sentence.index)
        if definition.strength >= 3:
            made.append(Exercise(f"What is {term.text}?", sentence.text, sentence.citation))
        else:
            made += cloze(sentence.text, definition.term, sentence.citation)
    for term in analysis.terms:
        if len(made) > MIN_EXERCISES:
            break
        if term.text.lower() in {exercise.answer.lower() for exercise in made}:
            continue
        index = next((i for i in term.sentence_ids if i in inside and i not in used), None)
        if index is not None:
            used.add(index)
            sentence = analysis.sentences[index]
            made += cloze(sentence.text, term.text, sentence.citation)
    for sentence in members:
        if len(made) >= MIN_EXERCISES:
            break
        if sentence.index not in used:
            made += word_cloze(sentence.text, sentence.citation)
    return made[:MAX_EXERCISES]
