"""The Learn tab's widgets and helpers: topic and follow-up inputs with completion, the concept
map tree, the suggested follow-ups, how a lesson is shown, and worker errors as notifications."""

from __future__ import annotations

import logging
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.suggester import Suggester
from textual.widget import Widget
from textual.widgets import Button, OptionList, Tree
from textual.widgets.option_list import Option
from textual.widgets.tree import TreeNode
from textual.worker import Worker

from ..domain.model import ConceptNode, Lesson
from ..errors import LearnplatError
from ..services.library import DocumentInfo
from ..tutors.render import lesson_markdown
from .widgets.completing_input import CompletingInput
from .widgets.path_input import parse_pasted_paths

log = logging.getLogger("learnplat.tui")

# How many levels of the concept map start open: the topic and its sections.
OPEN_LEVELS = 2
ERROR_TIMEOUT_S = 12


class Superseded(Exception):
    """Raised inside a tutor's text callback to stop work nobody is waiting for any more."""


def report_error(widget: Widget, worker: Worker[None], title: str) -> None:
    """Notify a failed worker's error: a LearnplatError with its hint, anything else as
    unexpected (and logged). A Superseded worker was stopped on purpose: nothing to say."""
    error = worker.error
    if isinstance(error, Superseded):
        return
    if isinstance(error, LearnplatError):
        message = error.message if not error.hint else f"{error.message}\n{error.hint}"
        widget.notify(message, title=title, severity="error", timeout=ERROR_TIMEOUT_S, markup=False)
        return
    log.error("learn worker %s failed", worker.name, exc_info=error)
    widget.notify(
        f"Unexpected error: {error.__class__.__name__}: {error}",
        title="Something went wrong",
        severity="error",
        timeout=ERROR_TIMEOUT_S,
        markup=False,
    )


class NameSuggester(Suggester):
    """Suggest the first of ``names`` that starts with what was typed (any case)."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        # No cache: the names change as documents are added to the library.
        super().__init__(use_cache=False, case_sensitive=False)
        self.names: list[str] = []
        self.set_names(names)

    def set_names(self, names: Iterable[str]) -> None:
        self.names = list(dict.fromkeys(name for name in names if name.strip()))

    async def get_suggestion(self, value: str) -> str | None:
        # ``value`` arrives casefolded (case_sensitive=False).
        for name in self.names:
            if name.casefold().startswith(value) and len(name) > len(value):
                return name
        return None


class TopicInput(CompletingInput):
    """The topic to learn: completes library topics and document titles (right or tab)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(suggester=NameSuggester(), **kwargs)  # type: ignore[arg-type]

    @property
    def names(self) -> NameSuggester:
        assert isinstance(self.suggester, NameSuggester)
        return self.suggester

    def _on_paste(self, event: events.Paste) -> None:
        # Files dropped on the terminal are pasted as their paths: not a topic. Left to bubble
        # up to the app, which adds them to the Library (Input._on_paste would insert them).
        paths = parse_pasted_paths(event.text)
        if paths and all(path.is_file() for path in paths):
            event.prevent_default()


class SourcesButton(Button):
    """The documents lessons come from: "Sources: all", one title, or "Sources: 3 documents"."""

    def show(self, documents: Sequence[DocumentInfo], doc_ids: Collection[int]) -> None:
        titles = [document.title for document in documents if document.id in doc_ids]
        if not titles:
            self.label = "Sources: all"
        elif len(titles) == 1:
            self.label = f"Sources: {titles[0][:30]}"
        else:
            self.label = f"Sources: {len(titles)} documents"
        self.refresh(layout=True)  # its width follows the label


ASK_PLACEHOLDER = "Ask a follow-up… (↑↓ suggested questions, Enter asks)"
# Answers come from the learner's documents only (Learning.ask): say so while there are none.
ASK_WITHOUT_DOCUMENTS = "Ask a follow-up… (answers come from your documents: add some with f4)"


class FollowUpInput(TopicInput):
    """A follow-up question; up and down cycle through the suggested questions."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "cycle(-1)", "Previous suggested question", show=False),
        Binding("down", "cycle(1)", "Next suggested question", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(placeholder=ASK_PLACEHOLDER, **kwargs)

    def say_answers_need(self, documents: bool) -> None:
        """Say in the placeholder that answers need documents (``documents``: there are none)."""
        self.placeholder = ASK_WITHOUT_DOCUMENTS if documents else ASK_PLACEHOLDER

    def action_cycle(self, step: int) -> None:
        questions = self.names.names
        if not questions:
            return
        index = questions.index(self.value) + step if self.value in questions else 0
        if step < 0 and self.value not in questions:
            index = len(questions) - 1
        self.value = questions[index % len(questions)]
        self.cursor_position = len(self.value)


def concept_label(node: ConceptNode, cite: bool = True) -> Text:
    """The node's label, its citation (if any, and ``cite``) dim in front: long facts run off
    to the right, and the source should stay in view."""
    label = Text(node.label)
    if cite and node.citation is not None:
        label = Text.assemble((f"[{node.citation.label}] ", "dim"), label)
    return label


def _citation_labels(node: ConceptNode) -> set[str]:
    labels = {node.citation.label} if node.citation is not None else set()
    for child in node.children:
        labels |= _citation_labels(child)
    return labels


class ConceptTree(Tree[ConceptNode]):
    """A lesson's concept map: topic, sections, key terms, supporting facts."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__("Concept map", **kwargs)  # type: ignore[arg-type]
        self.guide_depth = 3

    def show_map(self, root: ConceptNode) -> None:
        """Draw ``root``'s tree, the first OPEN_LEVELS levels expanded. When every point has
        the same source, the root names it once instead of every leaf repeating it."""
        sources = _citation_labels(root)
        shared = len(sources) == 1
        label = concept_label(root)
        if shared:
            label.append(f"  all from {sources.pop()}", style="dim")
        self.reset(label, root)
        self._add_concepts(self.root, root, depth=1, cite=not shared)
        self.root.expand()
        self.move_cursor(self.root)
        self.scroll_home(animate=False)

    def _add_concepts(
        self, parent: TreeNode[ConceptNode], node: ConceptNode, depth: int, cite: bool
    ) -> None:
        for child in node.children:
            label = concept_label(child, cite)
            if child.children:
                branch = parent.add(label, child, expand=depth < OPEN_LEVELS)
                self._add_concepts(branch, child, depth + 1, cite)
            else:
                parent.add_leaf(label, child)


class FollowUpList(OptionList):
    """The questions the tutor suggests asking next; choosing one asks it."""

    def show_questions(self, questions: Sequence[str]) -> None:
        self.clear_options()
        # Questions come from the notes: shown as text, never read as markup.
        self.add_options(
            [Option(Content(question), id=str(index)) for index, question in enumerate(questions)]
        )
        self.display = bool(questions)


def display_markdown(lesson: Lesson) -> str:
    """The lesson's Markdown as the tab shows it: notices sit in a line above it, a visual
    lesson's map is a tree beside it, a chat lesson's follow-ups are a list under it."""
    shown = replace(
        lesson,
        notices=[],
        concept_map=None if lesson.format == "visual" else lesson.concept_map,
        follow_ups=[] if lesson.format == "chat" else lesson.follow_ups,
    )
    return lesson_markdown(shown)


_NOT_IN_NAME = re.compile(r"[^a-z0-9]+")


def export_name(lesson: Lesson) -> str:
    """``~/<topic>-<level>.md``, the topic made safe for a file name."""
    topic = _NOT_IN_NAME.sub("-", lesson.topic.lower()).strip("-")[:60] or "lesson"
    return f"~/{topic}-{lesson.level}.md"
