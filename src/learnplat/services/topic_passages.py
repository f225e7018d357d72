"""The passages of the library on a topic: those naming all of it, each thing it names, its
head phrase, and only then most of its words (a lesson and a Teach Back reference both start
here)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from .library import Library, Passage
from .search import STOPWORDS

TOPIC_PASSAGES = 16
# A topic that names several things ("master-slave and master-master replication", "static vs
# dynamic websites") is explained where each is, seldom in one passage naming all of them.
_TOPIC_PARTS = re.compile(r"\s*(?:,|;|&|/|\band\b|\bor\b|\bvs\b\.?|\bversus\b)\s*", re.IGNORECASE)
# A noun phrase's head comes before its modifiers ("the abstract nature of mathematics").
_MODIFIER = re.compile(r"\s+(?:of|in|on|for|with|from|by|to|at|about|between)\s+.*$", re.IGNORECASE)
# Below this many passages a reference says too little to grade against: look wider.
MIN_REFERENCE_PASSAGES = 4


def topic_passages(
    library: Library,
    topic: str,
    doc_ids: Sequence[int] = (),
    limit: int = TOPIC_PASSAGES,
    *,
    widen: bool = True,
) -> list[Passage]:
    """The passages that teach ``topic`` (a lesson is made of them, an explanation graded
    against them), best first: those with all its words, taken in turn with those naming each
    thing it names ("X and Y": X's, Y's); with fewer than MIN_REFERENCE_PASSAGES, those naming
    its head phrase ("special soundness of Sigma protocols": "special soundness"; "the basic
    visualization steps in d3": "basic visualization steps", then "visualization steps"), then,
    with ``widen`` and when any passage names it, those with any of its words, ranked (a grade
    needs enough to compare with; a lesson keeps to what names its topic).
    Raises NotFound for an unknown document id."""

    def search(query: str, require_all: bool = True) -> list[Passage]:
        if not _words(query):
            return []
        return library.relevant_passages(
            query, doc_ids=doc_ids, limit=limit, require_all=require_all
        )

    parts = [part for part in _TOPIC_PARTS.split(topic) if _words(part)]
    queues = [search(topic)]
    if len(parts) > 1:
        # "master-slave and master-master replication": the last part's head word is shared.
        shared = _words(parts[-1])[-1:] if len(_words(parts[-1])) > 1 else []
        for part in parts:
            words = _words(part)
            query = " ".join([*words, *(w for w in shared if w not in words)])
            queues.append(search(query) or search(part))
    found = _interleave(queues, limit)
    if len(found) < MIN_REFERENCE_PASSAGES:
        # Never one word alone: "theory" is no head phrase of "zorblax theory".
        head = _words(_MODIFIER.sub("", parts[0] if parts else topic))
        for start in range(max(1, len(head) - 1)):
            found = _interleave([found, search(" ".join(head[start:]))], limit)
            if len(found) >= MIN_REFERENCE_PASSAGES:
                break
    if widen and found and len(found) < MIN_REFERENCE_PASSAGES:
        # Widen around a topic the notes name, never onto one they do not: the passages with
        # most of its words first.
        hits = [search(word) for word in dict.fromkeys(w.lower() for w in _words(topic))]
        count: dict[int, int] = {}
        for queue in hits:
            for passage in queue:
                count[passage.id] = count.get(passage.id, 0) + 1
        ranked = sorted(_interleave(hits, 4 * limit), key=lambda p: -count[p.id])
        found = _interleave([found, ranked], limit)
    return found


def _words(text: str) -> list[str]:
    return [w for w in re.findall(r"\w[\w'’-]*", text) if w.lower() not in STOPWORDS]


def _interleave(queues: list[list[Passage]], limit: int) -> list[Passage]:
    """One from each queue in turn, each passage once, up to ``limit``."""
    found: dict[int, Passage] = {}
    for rank in range(max((len(q) for q in queues), default=0)):
        for queue in queues:
            if rank < len(queue) and len(found) < limit:
                found.setdefault(queue[rank].id, queue[rank])
    return list(found.values())
