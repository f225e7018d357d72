"""The shape every lesson is built in before it becomes a format: titled parts of cited items."""

from __future__ import annotations

from dataclasses import dataclass

from ...domain.model import Citation, KeyTerm, Level, Statement, TopicRecord
from .analysis import Analysis
from .sentences import Sentence


@dataclass(frozen=True)
class Item:
    """One statement to teach, the chapter it belongs to, and its document sentence if any."""

    statement: Statement
    chapter: str
    sentence: Sentence | None = None

    @property
    def text(self) -> str:
        return self.statement.text


@dataclass(frozen=True)
class Part:
    """A run of items under one heading."""

    heading: str
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Plan:
    """A lesson's content at one level, before the format shapes it."""

    topic: str
    level: Level
    parts: tuple[Part, ...]
    key_terms: tuple[KeyTerm, ...]
    analysis: Analysis | None = None
    record: TopicRecord | None = None

    @property
    def items(self) -> list[Item]:
        return [item for part in self.parts for item in part.items]

    @property
    def selected(self) -> frozenset[int]:
        """Indexes of the document sentences this plan teaches."""
        return frozenset(item.sentence.index for item in self.items if item.sentence is not None)


def sentence_item(sentence: Sentence, chapter: str) -> Item:
    return Item(Statement(sentence.text, (sentence.citation,)), chapter, sentence)


def cited_item(text: str, citation: Citation, chapter: str) -> Item:
    return Item(Statement(text, (citation,)), chapter)


def glue_item(text: str) -> Item:
    """Tutor text that joins the lesson together; it cites nothing because it claims nothing."""
    return Item(Statement(text), "")
