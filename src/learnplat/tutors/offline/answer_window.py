"""What goes with the sentence an answer rests on: what it leans on, what goes on from it."""

from __future__ import annotations

import re

from .answer_index import SentenceIndex, same_passage
from .question import Question
from .text import stands_alone

MAX_SENTENCES = 3
# A sentence whose words are this much the question's says again what was asked.
RESTATING_SHARE = 0.6
# A sentence pointing back to what came before ("can address this issue", "of this sort"; not
# "such as" or "such that").
_POINTS_BACK = re.compile(r"\b(?:this|these|those|such)\b(?!\s+(?:as|that)\b)", re.I)
CUES = {
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


def leans(text: str) -> bool:
    """Needs the sentence before it to be read: "It ...", "can address this issue"."""
    return not stands_alone(text) or _POINTS_BACK.search(text) is not None


def is_question(text: str) -> bool:
    return text.rstrip("\"'”’)").endswith("?")


def answered(index: SentenceIndex, position: int) -> bool:
    """The notes' own question, answered by the sentence after it."""
    following = position + 1
    return same_passage(index, position, following) and not is_question(
        index.sentences[following].text
    )


def _restates(index: SentenceIndex, position: int, question: Question) -> bool:
    """The sentence says little but what the question asks about (its words are mostly the
    question's)."""
    said = set(index.stems[position])
    return len(said) >= 2 and len(said & set(question.terms)) >= RESTATING_SHARE * len(said)


def surrounding(index: SentenceIndex, best: int, question: Question) -> list[int]:
    """The best sentence with what it leans on and what goes on with it (same passage)."""
    sentences = index.sentences
    chosen = [best]
    previous = best - 1
    if same_passage(index, previous, best) and (
        leans(sentences[best].text) or sentences[previous].text.rstrip().endswith(":")
    ):
        chosen.insert(0, previous)
    following = best + 1
    # A list point goes on with the points after it; a sentence with one that leans on it; a
    # lead-in ("... as follows:") with what it leads to; the notes' own question ("Why, then,
    # does this happen?") with the answer after it; a sentence that only says again what was
    # asked ("It is easy to turn the protocol into a signature scheme!") with what it says next.
    while (
        len(chosen) < MAX_SENTENCES
        and same_passage(index, best, following)
        and (
            sentences[best].kind == sentences[following].kind == "item"
            or (following == chosen[-1] + 1 and not stands_alone(sentences[following].text))
            or is_question(sentences[chosen[-1]].text)
            or (
                sentences[chosen[-1]].text.rstrip().endswith(":")
                and chosen[-1] not in index.points  # its points are quoted with it
            )
            or (following == best + 1 and _restates(index, best, question))
        )
    ):
        chosen.append(following)
        following += 1
    if is_question(sentences[chosen[-1]].text) and same_passage(index, best, chosen[-1] + 1):
        # The notes' own question at the end is answered next: that answer before what led up.
        chosen.append(chosen[-1] + 1)
        while len(chosen) > MAX_SENTENCES:
            chosen.remove(next(p for p in chosen if p != best))
    # What it leans on may lean in turn ("It is impossible for the premises to be true and the
    # conclusion false. If its premises were true, ... We call such an argument 'valid'.").
    while (
        len(chosen) < MAX_SENTENCES
        and chosen[0] < best
        and same_passage(index, chosen[0] - 1, best)
        and not stands_alone(sentences[chosen[0]].text)
    ):
        chosen.insert(0, chosen[0] - 1)
    cue = CUES.get(question.kind)
    if cue is not None and not any(cue.search(sentences[p].text) for p in chosen):
        # "Why ...?" is answered by the reason, which may be the sentence next to the one
        # that names what is asked about ("Networks aren't reliable, so ...").
        for neighbour in (chosen[-1] + 1, chosen[0] - 1):
            if (
                len(chosen) < MAX_SENTENCES
                and same_passage(index, best, neighbour)
                and cue.search(sentences[neighbour].text)
            ):
                chosen.append(neighbour)
                break
    following = max(chosen) + 1
    if (
        question.kind == "why"
        and len(chosen) < MAX_SENTENCES
        and same_passage(index, best, following)
    ):
        # A reason is rarely one sentence: the notes go on to say why the claim holds ("Plain
        # text ensures long-term preservation. Word may go the way of Word Perfect, but plain
        # text will always remain easy to read.").
        chosen.append(following)
    return sorted(chosen)[:MAX_SENTENCES]
