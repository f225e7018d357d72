"""The Learn tab driven with Pilot over a real Session (offline tutor) in a temporary data dir."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from contextlib import suppress
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Markdown, Select, SelectionList, Static, TabbedContent
from textual.widgets.markdown import MarkdownBlock
from textual.worker import Worker, WorkerCancelled

from learnplat.app import LearnplatApp
from learnplat.clients.openai import OpenAIChat
from learnplat.core import Session
from learnplat.domain.model import Answer, Lesson, LessonRequest, Source
from learnplat.screens.learn import LearnPane
from learnplat.screens.learn_answers import AnswerBlock
from learnplat.screens.learn_views import ConceptTree, FollowUpList
from learnplat.screens.widgets.learn_export import ExportModal
from learnplat.screens.widgets.learn_sources import SourcesModal
from learnplat.tutors.base import TextSink
from learnplat.tutors.llm import LLMTutor
from learnplat.tutors.offline import OfflineTutor
from tests.stubs.openai import OpenAIStub
from tests.test_tui import SIZE, RecordingApp, quiet, run, still_app
from tests.test_tui import settle as settle_library
from tests.test_tui_challenges import settle as settle_challenges

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"


def _learn_workers(app: LearnplatApp) -> list[Worker]:
    return [worker for worker in app.workers if worker.group.startswith("learn-")]


async def settle(pilot: Pilot) -> None:
    """Wait until no Learn worker runs and every message their results posted was handled."""
    for _ in range(20):
        # A newer load cancels an exclusive worker: that one never completes, and need not.
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(_learn_workers(pilot.app))
        await pilot.pause()
        if not any(worker.is_running for worker in _learn_workers(pilot.app)):
            await pilot.pause()
            return


async def open_learn(pilot: Pilot) -> LearnPane:
    await pilot.press("f1")
    await settle(pilot)
    pane = pilot.app.query_one(LearnPane)
    assert pilot.app.focused is pane.query_one("#learn-topic", Input)
    return pane


async def learn(pilot: Pilot, topic: str, level: str = "beginner", format: str = "chat") -> None:
    pane = pilot.app.query_one(LearnPane)
    pane.query_one("#learn-level", Select).value = level
    pane.query_one("#learn-format", Select).value = format
    topic_input = pane.query_one("#learn-topic", Input)
    topic_input.focus()
    topic_input.value = topic
    await pilot.press("enter")
    await settle(pilot)


def lesson_source(app: LearnplatApp) -> str:
    return app.query_one("#learn-lesson", Markdown).source


def rendered_text(markdown: Markdown) -> str:
    """What the Markdown widget shows on screen: the text of its blocks that are laid out."""
    return "\n".join(
        str(block.content) for block in markdown.query(MarkdownBlock) if block.region.area
    )


# learning ----------------------------------------------------------------
@pytest.mark.parametrize("level", ["beginner", "intermediate", "advanced"])
def test_a_library_topic_is_taught_at_each_level(platform: Session, level: str) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await learn(pilot, "photosynthesis", level)
        assert lesson_source(app).startswith(f"# Photosynthesis ({level})")
        assert f"Photosynthesis ({level})" in rendered_text(
            app.query_one("#learn-lesson", Markdown)
        )
        assert pane.lesson is not None and pane.lesson.level == level
        status = str(pane.query_one("#learn-body").border_title)
        assert "by offline" in status
        assert not pane.query_one("#learn-loading").display
        assert app.severities() == []

    run(platform, scenario)


def test_each_format_shows_its_own_shape(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        tree = pane.query_one(ConceptTree)

        await learn(pilot, "photosynthesis", format="chat")
        assert "## Photosynthesis" in lesson_source(app)
        assert "You could ask next" not in lesson_source(app)  # listed as options instead
        follow_ups = pane.query_one(FollowUpList)
        assert follow_ups.display and follow_ups.option_count == len(pane.lesson.follow_ups)
        assert pane.query_one("#learn-question").display
        assert not tree.display

        await learn(pilot, "photosynthesis", format="visual")
        assert tree.display and tree.region.height > 0
        assert str(tree.root.label).startswith("Photosynthesis  ")  # the topic is the root
        assert tree.root.data is pane.lesson.concept_map
        sections = tree.root.children
        assert sections and all(node.is_expanded for node in sections if node.children)
        assert not pane.query_one("#learn-question").display
        assert not pane.query_one(FollowUpList).display
        assert "## Concept map" not in lesson_source(app)  # drawn as the tree instead
        terms = [term for section in sections for term in section.children]
        facts = [fact for term in terms for fact in term.children]
        assert terms and facts and not any(term.is_expanded for term in terms)
        # One source for every point: the root names it once, dim.
        root_label = tree.root.label
        assert str(root_label).endswith("all from Topic library: Photosynthesis")
        assert root_label.spans[-1].style == "dim"
        assert "Topic library" not in str(facts[0].label)

        await learn(pilot, "photosynthesis", format="audio")
        assert "[00:00]" in lesson_source(app)
        assert "[00:00]" in rendered_text(app.query_one("#learn-lesson", Markdown))
        assert not tree.display

        await learn(pilot, "photosynthesis", format="ebook")
        assert "## Chapter 1" in lesson_source(app)
        assert "Chapter 1" in rendered_text(app.query_one("#learn-lesson", Markdown))
        assert app.severities() == []

    run(platform, scenario)


def test_an_unknown_topic_notifies_the_nearest_topics_and_the_tab_stays_usable(
    platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await learn(pilot, "photosynthetic bananas on mars")
        error = app.notices[-1]
        assert error.severity == "error"
        assert "no lesson on 'photosynthetic bananas on mars'" in error.message
        assert "nearest library topics: Photosynthesis" in error.message
        assert pane.lesson is None
        assert pane.query_one("#learn-intro").display  # the intro again, not an empty page
        assert not pane.query_one("#learn-loading").display
        await learn(pilot, "recursion")
        assert lesson_source(app).startswith("# Recursion (beginner)")

    run(platform, scenario)


def test_learn_without_a_topic_asks_for_one(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_learn(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.notices[-1].severity == "warning"
        assert "Type a topic" in app.notices[-1].message

    run(platform, scenario)


def test_the_topic_input_completes_library_topics_and_document_titles(
    platform: Session,
) -> None:
    platform.library.ingest(SAMPLE)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await pilot.press(*"recu")
        await pilot.pause()
        await pilot.pause()
        await pilot.press("tab")
        topic = pane.query_one("#learn-topic", Input)
        assert topic.value == "Recursion"
        assert "Photosynthesis" in pane.query_one("#learn-topic", Input).names.names
        await pilot.press("enter")
        await settle(pilot)
        assert lesson_source(app).startswith("# Recursion")

    run(platform, scenario)


# streaming ---------------------------------------------------------------
class SlowTutor:
    """Stands in for a slow LLM: sends the lesson in pieces, waiting for ``release`` after the
    first, as a model streaming tokens would, so the test can look at the screen meanwhile."""

    name = "offline"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.offline = OfflineTutor()

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        lesson = self.offline.lesson(request)
        assert on_text is not None
        on_text("# A slowly written lesson\n\nThe first words arrive")
        self.release.wait(timeout=20)
        for piece in (" and then", " the rest.\n\n", "## Later\n\nMore text.\n"):
            on_text(piece)
        return lesson

    def answer(
        self, question: str, sources: Sequence[Source], on_text: TextSink | None = None
    ) -> Answer:
        return self.offline.answer(question, sources, on_text)


def test_a_streaming_lesson_shows_its_first_words_while_the_ui_stays_responsive(
    platform: Session,
) -> None:
    slow = SlowTutor()
    platform.learning.tutor = slow

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        topic = pane.query_one("#learn-topic", Input)
        topic.value = "photosynthesis"
        await pilot.press("enter")
        markdown = app.query_one("#learn-lesson", Markdown)
        for _ in range(200):  # until the first delta is rendered (no sleep: one frame a try)
            if "first words arrive" in rendered_text(markdown):
                break
            await pilot.pause()
        assert "A slowly written lesson" in rendered_text(markdown)
        assert any(worker.is_running for worker in _learn_workers(app))
        assert pane.query_one("#learn-loading").display
        await pilot.press("f4")  # the app answers keys while the worker waits
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "library"
        await pilot.press("f1")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "learn"
        assert pane.lesson is None
        slow.release.set()
        await settle(pilot)
        assert pane.lesson is not None
        assert not pane.query_one("#learn-loading").display
        # The finished lesson replaces the preview the stream showed.
        assert lesson_source(app).startswith("# Photosynthesis (beginner)")

    try:
        run(platform, scenario)
    finally:
        slow.release.set()


def test_a_new_lesson_replaces_one_still_being_written(platform: Session) -> None:
    slow = SlowTutor()
    platform.learning.tutor = slow

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        pane.query_one("#learn-topic", Input).value = "photosynthesis"
        await pilot.press("enter")
        for _ in range(200):
            if "first words" in lesson_source(app):
                break
            await pilot.pause()
        platform.learning.tutor = OfflineTutor()
        await learn(pilot, "recursion")
        slow.release.set()  # the old lesson's late text must not land on the new one
        await settle(pilot)
        for _ in range(5):
            await pilot.pause()
        assert lesson_source(app).startswith("# Recursion (beginner)")
        assert "Later" not in lesson_source(app)

    try:
        run(platform, scenario)
    finally:
        slow.release.set()


def test_a_visual_lesson_over_notes_cites_each_point_of_the_map(platform: Session) -> None:
    document = platform.library.ingest(SAMPLE).document
    assert document is not None

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await learn(pilot, "photosynthesis", format="visual")
        tree = pane.query_one(ConceptTree)
        leaves = []
        stack = list(tree.root.children)
        while stack:
            node = stack.pop()
            stack.extend(node.children)
            if not node.children:
                leaves.append(node.label)
        cited = [label for label in leaves if str(label).startswith(f"[{document.title}, §")]
        assert cited, [str(label) for label in leaves]
        assert all(label.spans[0].style == "dim" for label in cited)

    run(platform, scenario)


class FallbackTutor(OfflineTutor):
    """Stands in for an LLM tutor whose provider failed: the offline lesson, with its notice."""

    NOTICE = "bedrock did not answer (throttled); this lesson is the offline engine's"

    def lesson(self, request: LessonRequest, on_text: TextSink | None = None) -> Lesson:
        lesson = super().lesson(request, on_text)
        lesson.notices.insert(0, self.NOTICE)
        return lesson


def test_a_fallback_notice_is_a_warning_and_a_line_above_the_lesson(platform: Session) -> None:
    platform.learning.tutor = FallbackTutor()

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await learn(pilot, "photosynthesis")
        warning = app.notices[-1]
        assert warning.severity == "warning" and warning.message == FallbackTutor.NOTICE
        line = pane.query_one("#learn-notices")
        assert line.display and FallbackTutor.NOTICE in str(line.render())
        assert line.region.y < app.query_one("#learn-lesson").region.y
        assert FallbackTutor.NOTICE not in lesson_source(app)  # said once, above the lesson

    run(platform, scenario)


# follow-ups, sources -----------------------------------------------------
def test_a_chat_follow_up_is_answered_with_a_citation(platform: Session) -> None:
    document = platform.library.ingest(SAMPLE).document
    assert document is not None

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await learn(pilot, "photosynthesis")
        await pilot.press("ctrl+f")
        question = pane.query_one("#learn-question", Input)
        assert app.focused is question
        await pilot.press("down")  # the suggested questions are offered
        assert question.value == pane.lesson.follow_ups[0]
        question.value = "What does chlorophyll absorb?"
        await pilot.press("enter")
        await settle(pilot)
        block = pane.query_one(AnswerBlock)
        answer = block.markdown.source
        assert "red and blue light" in answer
        assert f"[{document.title}, §" in answer  # cited to the section it came from
        assert f"{document.title}, §" in rendered_text(block.markdown)
        assert question.value == ""

    run(platform, scenario)


def test_choosing_a_suggested_follow_up_asks_it(platform: Session) -> None:
    platform.library.ingest(SAMPLE)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await learn(pilot, "photosynthesis")
        follow_ups = pane.query_one(FollowUpList)
        follow_ups.focus()
        follow_ups.highlighted = 0
        await pilot.press("enter")
        await settle(pilot)
        block = pane.query_one(AnswerBlock)
        assert block.question == pane.lesson.follow_ups[0]
        assert block.markdown.source.strip()

    run(platform, scenario)


def test_sources_narrow_the_lesson_to_the_picked_documents(platform: Session) -> None:
    document = platform.library.ingest(SAMPLE).document
    assert document is not None

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.screen, SourcesModal)
        assert app.screen.query_one(SelectionList).option_count == 1
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert pane.doc_ids == (document.id,)
        assert str(pane.query_one("#learn-sources").label) == f"Sources: {document.title}"
        await learn(pilot, "", format="chat")  # no topic: the picked document as a whole
        assert pane.lesson is not None
        assert {citation.doc_id for citation in pane.lesson.citations} == {document.id}

    run(platform, scenario)


def test_sources_with_an_empty_library_says_where_to_add_notes(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_learn(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert not isinstance(app.screen, SourcesModal)
        assert "add notes in the Library (f4)" in app.notices[-1].message

    run(platform, scenario)


def test_files_dropped_on_the_topic_input_go_to_the_library(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        topic = pane.query_one("#learn-topic", Input)
        await pilot.press(*"cells")
        app.post_message(events.Paste(" membranes"))  # pasted text is typed as usual
        await pilot.pause()
        assert topic.value == "cells membranes"
        app.post_message(events.Paste(str(SAMPLE)))  # a dropped file is not a topic
        for _ in range(3):
            await settle(pilot)
            await settle_library(pilot)
        assert app.query_one(TabbedContent).active == "library"
        assert [document.title for document in platform.library.documents()] == ["Photosynthesis"]
        assert topic.value == "cells membranes"

    run(platform, scenario)


# export, quiz, teach back ------------------------------------------------
def test_export_writes_the_lesson_where_the_learner_says(
    platform: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_learn(pilot)
        await learn(pilot, "photosynthesis", level="intermediate")
        await pilot.press("ctrl+e")  # while the topic input has focus (it binds ctrl+e too)
        await pilot.pause()
        assert isinstance(app.screen, ExportModal)
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == "~/photosynthesis-intermediate.md"
        await pilot.press("enter")
        await settle(pilot)
        written = tmp_path / "photosynthesis-intermediate.md"
        assert written.read_text().startswith("# Photosynthesis (intermediate)")
        assert app.notices[-1].message == f"Wrote {written}"

        await pilot.press("ctrl+e")
        await pilot.pause()
        app.screen.query_one("#export-path", Input).value = str(tmp_path / "nowhere" / "x.md")
        await pilot.press("enter")
        await settle(pilot)
        assert app.notices[-1].severity == "error"
        assert "does not exist" in app.notices[-1].message

    run(platform, scenario)


def test_export_before_any_lesson_is_hidden_and_says_there_is_nothing_yet(
    platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_learn(pilot)
        shown = {binding.action for (_, binding, enabled, _) in app.screen.active_bindings.values()}
        assert "learn" in shown and "export" not in shown and "quiz" not in shown
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        commands["Learn: export the lesson"].callback()
        await settle(pilot)
        assert not isinstance(app.screen, ExportModal)
        assert "no lesson to export" in app.notices[-1].message

    run(platform, scenario)


def test_quiz_gets_the_topics_category_ready_and_teach_back_opens_the_topic(
    platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_learn(pilot)
        await learn(pilot, "photosynthesis", level="intermediate")
        await pilot.press("ctrl+g")
        await settle_challenges(pilot)
        assert app.query_one(TabbedContent).active == "challenges"
        assert app.query_one("#challenges-mode", Select).value == "bank"
        assert app.query_one("#challenges-category", Select).value == "biology"
        assert app.query_one("#challenges-difficulty", Select).value == "intermediate"
        assert "10 biology questions at intermediate" in str(
            app.query_one("#challenges-report-text", Static).render()
        )
        await pilot.press("f1")
        await settle(pilot)
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "teach"
        assert app.query_one("#teach-topic", Input).value.lower() == "photosynthesis"
        assert app.query_one("#teach-level", Select).value == "intermediate"

    run(platform, scenario)


def test_learn_commands_are_in_the_palette_and_work_from_other_tabs(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        for title in [
            "Learn: make the lesson",
            "Learn: pick sources",
            "Learn: export the lesson",
            "Learn: ask a follow-up",
            "Learn: quiz me on this",
            "Learn: teach it back",
        ]:
            assert title in commands
        assert app.query_one(TabbedContent).active == "library"
        commands["Learn: teach it back"].callback()
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "learn"
        assert app.notices[-1].title == "Teach it back"

    run(platform, scenario)


# layout and snapshots ----------------------------------------------------
def test_the_learn_tab_fits_an_80_by_24_terminal(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_learn(pilot)
        await learn(pilot, "photosynthesis")
        for selector in [
            "#learn-topic",
            "#learn-go",
            "#learn-level",
            "#learn-format",
            "#learn-sources",
            "#learn-body",
            "#learn-question",
        ]:
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector
        assert app.query_one("#learn-body").region.height >= 8

    run(platform, scenario, size=(80, 24))


async def _quiet(pilot: Pilot) -> None:
    await quiet(pilot, settle)


def test_snapshot_chat_lesson(platform: Session, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f1")
        await settle(pilot)
        await learn(pilot, "photosynthesis")
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=SIZE, run_before=run_before)


def test_snapshot_visual_lesson(platform: Session, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f1")
        await settle(pilot)
        await learn(pilot, "photosynthesis", level="intermediate", format="visual")
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=SIZE, run_before=run_before)


def test_a_model_lesson_shows_what_the_model_does_and_esc_stops_it(
    platform: Session, openai_stub: OpenAIStub
) -> None:
    """A real model client over the stub server on 127.0.0.1, writing slowly: the lesson's
    border says what the model is doing, and Esc gives up, closing the model's connection."""
    openai_stub.chunks = [f'{{"title": "Photosynthesis", "sections": [{{"heading": "{n}"'
                          for n in range(3)] + ["x"] * 200
    openai_stub.chunk_delay_s = 0.05
    chat = OpenAIChat(base_url=openai_stub.base_url, model="llama3.1", timeout=30)
    platform.learning.tutor = LLMTutor(chat, OfflineTutor(semantic=False), timeout=30)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_learn(pilot)
        pane.query_one("#learn-topic", Input).value = "photosynthesis"
        await pilot.press("enter")
        body = pane.query_one("#learn-body")
        for _ in range(400):
            if "llama3.1 is writing the lesson" in str(body.border_title):
                break
            await pilot.pause(0.02)
        assert "llama3.1 is writing the lesson" in str(body.border_title)
        assert "esc stops" in str(body.border_title)
        await pilot.press("escape")
        await pilot.pause()
        assert not pane.query_one("#learn-loading").display
        assert any("Stopped making the lesson" in notice.message for notice in app.notices)
        assert app.focused is pane.query_one("#learn-topic", Input)
        assert openai_stub.disconnected.wait(timeout=5)  # the server stopped writing it
        await settle(pilot)
        assert pane.lesson is None  # nothing of the stopped lesson arrives later

    run(platform, scenario)
