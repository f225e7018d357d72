"""Jargon: the reference's technical terms an explanation uses without saying what they mean."""

from __future__ import annotations

import re
from collections.abc import Sequence

from ...domain.model import Level
from .prepared import Prepared, TermForms
from .submission import Submission, Token

# How far around a term a definition may sit: "... tiny holes called stomata", "ATP (energy)".
_BEFORE = re.compile(
    r"(?:called|known as|named|termed|the word|the term)\s+(?:the\s+|a\s+|an\s+)?[\"'“]?$",
    re.IGNORECASE,
)
_AFTER = re.compile(
    r"^[\"'”]?(?:s|es)?\s*(?:\(|:|\s[-–—]\s|,\s*(?:the|a|an|which|that|or|i\.e\.|meaning|"
    r"basically|like|where|when|in which|so)\b|\s+(?:is|are|was|were|means|mean|refers to|"
    r"stands for|describes|where|when|in which|which is|that is|like|such as|e\.g\.|=)\b)",
    re.IGNORECASE,
)
GAP = 3
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{2,6}\b")
_ROMAN = re.compile(r"^[IVXLCDM]+$")
_EVERYDAY_ACRONYMS = frozenset("USA OK TV BBC ATM".split())


def find_jargon(prepared: Prepared, submission: Submission, level: Level) -> tuple[str, ...]:
    """The technical terms used but never explained, as the learner wrote them, in order:
    the reference's key terms, acronyms and long technical words, and acronyms of the
    learner's own. None at the advanced level, where the terms are assumed knowledge."""
    if level == "advanced":
        return ()
    found: dict[str, tuple[int, str]] = {}
    explained: set[str] = set()
    own = {
        (frozenset({word.lower()}),)
        for word in _ACRONYM.findall(submission.text)
        if not _ROMAN.match(word) and word not in _EVERYDAY_ACRONYMS
    }
    for forms in [*prepared.technical, *sorted(own - set(prepared.technical), key=str)]:
        for span in _occurrences(forms, submission.tokens):
            first, last = span[0], span[-1]
            shown = submission.text[first.start : last.end]
            key = " ".join(sorted(min(f) for f in forms))
            if _is_explained(submission, first, last):
                explained.add(key)
            else:
                found.setdefault(key, (first.start, shown))
    unexplained = [(place, key) for key, place in found.items() if key not in explained]
    return tuple(shown for (_, shown), _key in sorted(unexplained))


def _occurrences(forms: TermForms, tokens: Sequence[Token]) -> list[list[Token]]:
    """Each place the term's words appear in order, at most GAP words apart."""
    spans: list[list[Token]] = []
    for position, token in enumerate(tokens):
        if token.root not in forms[0] and token.text.lower() not in forms[0]:
            continue
        span = [token]
        cursor = position
        for word_forms in forms[1:]:
            nxt = next(
                (
                    i
                    for i in range(cursor + 1, min(len(tokens), cursor + 1 + GAP))
                    if tokens[i].root in word_forms and tokens[i].sentence == token.sentence
                ),
                None,
            )
            if nxt is None:
                break
            span.append(tokens[nxt])
            cursor = nxt
        else:
            spans.append(span)
    return spans


def _is_explained(submission: Submission, first: Token, last: Token) -> bool:
    text = submission.text
    before = text[max(0, first.start - 30) : first.start]
    after = text[last.end : last.end + 40]
    return bool(_BEFORE.search(before) or _AFTER.search(after))
