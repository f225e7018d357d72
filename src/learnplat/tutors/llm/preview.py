"""Show a lesson or answer as Markdown while its JSON streams in, prose first-hand as it is written.

A JsonListener over the reply: headings, titles and follow-up questions are written character by
character; a statement's text is written live when its "sources" came first (the prompts ask for
that order) and cite passages that exist, suppressed when they do not, and held back until the
statement is complete when the text came first. The citation rules are the readers' own
(``SourceIndex.cite_text``), so a claim the lesson will drop is not shown. The result mirrors
``render.lesson_markdown``; it is a preview, and the returned Lesson is the truth.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from ...domain.model import Citation
from ..render import cite_marks, timestamp
from .jsonscan import Container, Path
from .lesson_reader import WORDS_PER_MINUTE
from .passages import SourceIndex

Shape = tuple[str, ...]
Mode = Literal["live", "statement", "ids", "item", "ignore"]

_PARAGRAPH_STATEMENTS: set[Shape] = {
    ("sections", "#", "paragraphs", "#", "#"),
    ("chapters", "#", "sections", "#", "paragraphs", "#", "#"),
}
_NARRATION: Shape = ("narration", "#")
_STATEMENTS = {*_PARAGRAPH_STATEMENTS, _NARRATION, ("sentences", "#")}
_BLOCKS = {*(shape[:-1] for shape in _PARAGRAPH_STATEMENTS), ("sentences",)}
_KEY_TERMS: dict[Shape, str] = {
    ("key_terms",): "## Key terms\n\n",
    ("chapters", "#", "key_terms"): "### Key terms\n\n",
}
_EXERCISES: Shape = ("chapters", "#", "exercises")
_LISTS: dict[Shape, str] = {
    **_KEY_TERMS,
    _EXERCISES: "### Exercises\n\n",
    ("follow_ups",): "## You could ask next\n\n",
}
_LIVE: dict[Shape, tuple[str, str]] = {
    ("title",): ("# ", "\n\n"),
    ("sections", "#", "heading"): ("## ", "\n\n"),
    ("chapters", "#", "sections", "#", "heading"): ("### ", "\n\n"),
    ("chapters", "#", "worked_example"): ("### Worked example\n\n", "\n\n"),
    ("follow_ups", "#"): ("- ", "\n"),
}


def shape(path: Path) -> Shape:
    """A path with its array indexes replaced by "#": the kind of place, not the place."""
    return tuple("#" if isinstance(part, int) else part for part in path)


@dataclass
class _Statement:
    ids: list[object] = field(default_factory=list)
    ids_done: bool = False
    live: tuple[Citation, ...] | None = None  # its citations, when its text is written live
    text: list[str] = field(default_factory=list)


class MarkdownPreview:
    """Writes the prose of a streaming lesson or answer reply to ``sink`` as Markdown."""

    def __init__(self, sink: Callable[[str], None], index: SourceIndex) -> None:
        self._sink = sink
        self._index = index
        self.emitted = False
        self._statement: _Statement | None = None
        self._item: dict[str, str] | None = None  # the fields of a key term or an exercise
        self._mode: Mode = "ignore"  # what the string being read is for
        self._collected: list[str] = []
        self._live_prefix = ""  # written with the live string's first text: none if it is empty
        self._live_suffix = ""
        self._block_started = False  # the paragraph (or answer) already has a statement
        self._spoken_words = 0
        self._list_header: str | None = None  # written before the list's first kept item
        self._list_items = 0
        self._answers: list[str] = []
        self._quiet = False  # an answer that says it found nothing shows nothing

    def write(self, text: str) -> None:
        if text and not self._quiet:
            self.emitted = True
            self._sink(text)

    # --- JsonListener -------------------------------------------------------------------

    def opened(self, path: Path, kind: Container) -> None:
        where = shape(path)
        if kind == "object" and where in _STATEMENTS:
            self._statement = _Statement()
        elif kind == "object" and where[:-1] in (*_KEY_TERMS, _EXERCISES):
            self._item = {}
        elif where in _BLOCKS:
            self._block_started = False
        elif where in _LISTS:
            self._list_header, self._list_items, self._answers = _LISTS[where], 0, []
        elif where == ("concept_map",):
            self.write("## Concept map\n\n")

    def closed(self, path: Path, kind: Container) -> None:
        where = shape(path)
        if kind == "object" and where in _STATEMENTS:
            self._finish_statement(where)
        elif self._statement is not None and where[-1:] == ("sources",):
            self._statement.ids_done = True
        elif kind == "object" and self._item is not None and where[:-1] in _LISTS:
            self._finish_item(where[:-1])
        elif where in _BLOCKS and self._block_started:
            self.write("\n\n")
        elif where in _LISTS and self._list_items:
            if where == _EXERCISES:
                self.write("\n#### Answers\n\n" + "\n".join(self._answers) + "\n")
            self.write("\n")
        elif where == ("concept_map",):
            self.write("\n")

    def string_started(self, path: Path) -> None:
        where = shape(path)
        statement = self._statement
        self._collected = []
        if statement is not None and where[:-1] in _STATEMENTS and where[-1] == "text":
            self._mode = "statement"
            if statement.ids_done and statement.ids:
                statement.live = self._index.cite_text(statement.ids, "")[1]
                self._mode = "live" if statement.live is not None else "ignore"
                if statement.live is not None:
                    self._live_prefix = self._prefix(where[:-1])
                self._live_suffix = ""
        elif statement is not None and "sources" in where:
            self._mode = "ids"
        elif self._item is not None and where[:-2] in _LISTS:
            self._mode = "item"
        elif where in _LIVE or where == ("chapters", "#", "title") or _is_map_label(where):
            self._start_live(path, where)
        else:
            self._mode = "ignore"

    def string_text(self, path: Path, text: str) -> None:
        if self._mode == "live":
            self.write(self._live_prefix + text)
            self._live_prefix = ""
            if self._statement is not None:
                self._statement.text.append(text)
        elif self._mode != "ignore":
            self._collected.append(text)

    def string_ended(self, path: Path) -> None:
        value = "".join(self._collected)
        if self._mode == "live":
            if not self._live_prefix:  # the string had text
                self.write(self._live_suffix)
            self._live_prefix = ""
        elif self._mode == "statement" and self._statement is not None:
            self._statement.text = [value]
        elif self._mode == "ids" and self._statement is not None:
            self._statement.ids.append(value)
            self._statement.ids_done = path[-1] == "sources"  # a lone id, not in a list
        elif self._mode == "item" and self._item is not None:
            self._item[str(path[-1])] = value
        self._mode = "ignore"

    def scalar(self, path: Path, raw: str) -> None:
        if path == ("found",):
            self._quiet = raw == "false"
        elif self._statement is not None and "sources" in path:
            self._statement.ids.append(raw)
        elif self._item is not None and path[-1] == "source":
            self._item["source"] = raw

    # --- helpers --------------------------------------------------------------------------

    def _start_live(self, path: Path, where: Shape) -> None:
        self._mode = "live"
        if where == ("chapters", "#", "title"):
            prefix, self._live_suffix = f"## Chapter {int(path[1]) + 1}: ", "\n\n"
        elif _is_map_label(where):
            prefix, self._live_suffix = "  " * where.count("children") + "- ", "\n"
        else:
            prefix, self._live_suffix = _LIVE[where]
        if where == ("follow_ups", "#"):
            self._start_list_item()
        self._live_prefix = prefix

    def _start_list_item(self) -> None:
        if self._list_header:
            self.write(self._list_header)
            self._list_header = None
        self._list_items += 1

    def _prefix(self, where: Shape) -> str:
        if where == _NARRATION:
            return timestamp(self._spoken_words * 60 / WORDS_PER_MINUTE) + " "
        return " " if self._block_started else ""

    def _finish_statement(self, where: Shape) -> None:
        statement, self._statement = self._statement, None
        if statement is None:
            return
        text = "".join(statement.text)
        citations = statement.live
        if citations is not None and not text.strip():
            return  # an empty statement: the lesson will not have it either
        if citations is None:
            text, citations = self._index.cite_text(statement.ids, text)
            if citations is None or not text:
                return
            self.write(self._prefix(where) + text)
        if where == _NARRATION:
            self.write("\n\n")
            self._spoken_words += len(text.split())
        else:
            self.write(cite_marks(citations))
            self._block_started = True

    def _finish_item(self, list_shape: Shape) -> None:
        item, self._item = self._item or {}, None
        is_term = list_shape in _KEY_TERMS
        head_field, body_field = ("term", "definition") if is_term else ("question", "answer")
        head, body = item.get(head_field), item.get(body_field)
        if not head or not body:
            return
        body, citations = self._index.cite_text(item.get("source"), body)
        if citations is None or not body:
            return
        self._start_list_item()
        if is_term:
            # Like render.py: chapters mark their terms' sources, the lesson glossary does not.
            marks = cite_marks(citations) if list_shape != ("key_terms",) else ""
            self.write(f"- **{' '.join(head.split())}**: {body}{marks}\n")
        else:
            self.write(f"{self._list_items}. {' '.join(head.split())}\n")
            self._answers.append(f"{self._list_items}. {body}{cite_marks(citations)}")


def _is_map_label(where: Shape) -> bool:
    return where[:1] == ("concept_map",) and where[-1:] == ("label",)
