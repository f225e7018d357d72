"""The audio format's script: plain spoken sentences in timed segments, no Markdown or citations."""

from __future__ import annotations

import re

from ...domain.model import NarrationSegment
from .plan import Plan

WORDS_PER_MINUTE = 150
SEGMENT_SENTENCES = 3
SHORT_SEGMENT_WORDS = 40

_SPOKEN = (
    (re.compile(r"\be\.g\.,?", re.IGNORECASE), "for example"),
    (re.compile(r"\bi\.e\.,?", re.IGNORECASE), "that is"),
    (re.compile(r"\betc\."), "and so on"),
    (re.compile(r"\bvs\.?(?=\s)"), "versus"),
    (re.compile(r"\bcf\."), "compare"),
    (re.compile(r"\s*(?:→|->|⟶)\s*"), " gives "),
    (re.compile(r"\s*≈\s*"), " about "),
    (re.compile(r"(?<=\d)\s*%"), " percent"),
    (re.compile(r"\s*&\s*"), " and "),
    (re.compile(r"\s+\+\s+"), " plus "),
    (re.compile(r"\s+=\s+"), " equals "),
    (re.compile(r"°C\b"), " degrees Celsius"),
)
_MARKUP = re.compile(r"(\*\*|__|`+|^#+\s*|^\s*[-*]\s+)", re.MULTILINE)
_REFERENCE = re.compile(r"\s*\[\d+(?:[,–-]\s*\d+)*\]")
_BRACKETS = re.compile(r"\s*\(([^()]*)\)")
# What is left of square brackets after references are gone is notation: "log[H⁺]" is "log H⁺".
_SQUARE = re.compile(r"\s*[\[\]]\s*")
_SPACES = re.compile(r"\s+")
_DANGLING = re.compile(r"\s+([,.;:!?])")


def spoken(text: str) -> str:
    """Text as it would be read aloud: no Markdown, references or brackets; "e.g." said in full."""
    text = _SQUARE.sub(" ", _REFERENCE.sub("", _MARKUP.sub("", text)))
    for pattern, replacement in _SPOKEN:
        text = pattern.sub(replacement, text)
    text = _BRACKETS.sub(lambda m: f", {m.group(1)},", text)
    text = _DANGLING.sub(r"\1", _SPACES.sub(" ", text)).strip()
    text = re.sub(r",([.;:!?])", r"\1", text)
    return re.sub(r",\s*,", ",", text)


def _script(plan: Plan) -> list[list[str]]:
    """Sentences to speak, in runs that a segment may not cross (one run per part)."""
    article = "an" if plan.level[0] in "aeiou" else "a"
    runs = [[f"This is {article} {plan.level} lesson on {plan.topic}."]]
    several = len([part for part in plan.parts if part.items]) > 1
    for part in plan.parts:
        if not part.items:
            continue
        run = [f"{spoken(part.heading).rstrip('.')}."] if several and part.heading else []
        run += [spoken(item.text) for item in part.items]
        runs.append([sentence for sentence in run if sentence])
    runs.append(["That is the end of this lesson."])
    return runs


def narration(plan: Plan) -> list[NarrationSegment]:
    """Segments of one to three sentences; each starts when the words before it have been
    spoken at 150 words a minute, so the marks rise strictly."""
    segments: list[NarrationSegment] = []
    spoken_words = 0
    for run in _script(plan):
        current: list[str] = []
        for sentence in run:
            current.append(sentence)
            words = sum(len(s.split()) for s in current)
            if len(current) == SEGMENT_SENTENCES or words >= SHORT_SEGMENT_WORDS:
                spoken_words = _add(segments, current, spoken_words)
                current = []
        if current:
            spoken_words = _add(segments, current, spoken_words)
    return segments


def _add(segments: list[NarrationSegment], sentences: list[str], spoken_words: int) -> int:
    start = round(spoken_words * 60 / WORDS_PER_MINUTE, 1)
    segments.append(NarrationSegment(start, " ".join(sentences)))
    return spoken_words + sum(len(s.split()) for s in sentences)
