"""Number a request's sources for the prompt ([S1], [S2], ...) and map cited ids to Citations."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from ...domain.model import Citation, Level, Source, TopicRecord

# Retrieved passages are short; this only bounds a pathological one.
PASSAGE_CHARS = 2000
QUOTE_CHARS = 200
_ID = re.compile(r"^\[?\s*S?\s*0*(\d+)\s*\]?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
_INLINE_MARKS = re.compile(r"\s*\[\s*(S\d+(?:\s*[,;]\s*S\d+)*)\s*\]", re.IGNORECASE)
_WORD = re.compile(r"[^\W_]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from has have in is it its of on or that the their this to "
    "was were which with".split()
)


@dataclass(frozen=True)
class Passage:
    """One numbered passage shown to the model."""

    id: str
    text: str
    citation: Citation


def normalize_id(raw: object) -> str | None:
    """The id a model meant: "S3" for "S3", "s3", "[S3]", "S03", "3" or 3; else None."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return f"S{raw}"
    if not isinstance(raw, str):
        return None
    match = _ID.match(raw.strip())
    return f"S{int(match.group(1))}" if match else None


def source_ids(value: object) -> list[object]:
    """The ids in a "sources" / "source" field: a list, one id, "S1, S2", or nothing."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [part for part in re.split(r"[,;\s]+", value) if part]
    return [value]


def strip_marks(text: str) -> tuple[str, list[str]]:
    """``text`` without inline marks like "[S1, S2]" (models add them despite the rules), and
    the ids those marks named."""
    ids = [raw for group in _INLINE_MARKS.findall(text) for raw in re.split(r"[,;]", group)]
    return " ".join(_INLINE_MARKS.sub("", text).split()), [raw.strip() for raw in ids]


def _words(text: str) -> set[str]:
    return {word for word in _WORD.findall(text.lower()) if word not in _STOPWORDS}


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def best_quote(passage_text: str, statement: str) -> str:
    """The passage sentence sharing most words with ``statement``, else the passage's opening."""
    wanted = _words(statement)
    best, best_overlap = "", 0
    for sentence in _SENTENCE_END.split(passage_text):
        overlap = len(wanted & _words(sentence))
        if overlap > best_overlap:
            best, best_overlap = sentence, overlap
    return _clip(best if best_overlap >= 2 else passage_text, QUOTE_CHARS)


class SourceIndex:
    """The passages of one request under stable ids, and the citation rules for what cites them.

    When learner passages were given, every claim must cite one of them. When only a curated
    topic was given, it is passage S1 and an uncited statement is credited to it. With neither,
    statements stay uncited (the caller adds a notice saying so).
    """

    def __init__(
        self,
        sources: Sequence[Source],
        topic_record: TopicRecord | None = None,
        level: Level = "intermediate",
        *,
        passage_chars: int = PASSAGE_CHARS,
    ) -> None:
        self.passage_chars = passage_chars
        self.passages: list[Passage] = []
        self._prompt_lines: list[str] = []
        for source in sources:
            citation = Citation(
                title=source.title,
                doc_id=source.doc_id,
                page=source.page,
                unit_name=source.unit_name,
                passage_id=source.passage_id,
                page_label=source.page_label,
            )
            self._add(source.text, citation, source.heading_path)
        if topic_record is not None:
            for text in _topic_texts(topic_record, level):
                self._add(text, topic_record.citation, ())
        self._by_id = {passage.id: passage for passage in self.passages}
        self.citations_required = bool(sources)
        self._default = topic_record.citation if topic_record and not sources else None

    @property
    def grounded(self) -> bool:
        """Whether there is anything to cite at all."""
        return bool(self.passages)

    def _add(self, text: str, citation: Citation, heading_path: tuple[str, ...]) -> None:
        passage_id = f"S{len(self.passages) + 1}"
        where = citation.label + (f" — {' › '.join(heading_path)}" if heading_path else "")
        self.passages.append(Passage(passage_id, text, citation))
        self._prompt_lines.append(f"[{passage_id}] ({where}) {_clip(text, self.passage_chars)}")

    def prompt_block(self) -> str:
        """The passages as the model sees them: "[S1] (Title, p. 3) text", blank-line separated."""
        return "\n\n".join(self._prompt_lines)

    def cite(self, raw_ids: Sequence[object], text: str) -> tuple[Citation, ...] | None:
        """The citations for a statement citing ``raw_ids``, or None when it must be dropped:
        it cites an id that does not exist, or cites nothing although citations are required."""
        citations: list[Citation] = []
        for raw in raw_ids:
            passage = self._by_id.get(normalize_id(raw) or "")
            if passage is None:
                return None
            citation = replace(passage.citation, quote=best_quote(passage.text, text))
            if citation not in citations:
                citations.append(citation)
        if citations:
            return tuple(citations)
        if self._default is not None:
            return (self._default,)
        return None if self.citations_required else ()

    def cite_text(self, raw_ids: object, raw_text: str) -> tuple[str, tuple[Citation, ...] | None]:
        """A generated sentence made ready to keep: its text without inline marks, and its
        citations (from ``raw_ids``, else from inline marks), or None to drop it."""
        text, marked = strip_marks(raw_text)
        return text, self.cite(source_ids(raw_ids) or marked, text)


def _topic_texts(record: TopicRecord, level: Level) -> list[str]:
    """A curated topic as passages: each paragraph of its explanation at ``level``, its key
    terms, its example."""
    topic_level = record.levels.get(level) or next(iter(record.levels.values()), None)
    if topic_level is None:
        return [record.summary]
    texts = [part.strip() for part in topic_level.explanation.split("\n\n") if part.strip()]
    terms = [f"{term.term}: {term.definition}" for term in topic_level.key_terms]
    if terms:
        texts.append("Key terms. " + "; ".join(terms))
    if topic_level.example:
        texts.append(f"Example. {topic_level.example}")
    return texts
