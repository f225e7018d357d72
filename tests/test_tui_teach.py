"""The Teach Back tab driven with Pilot over a real Session (offline grader) in a temporary data
dir; a second profile on the same data dir shares and votes as another learner."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Button, SelectionList, Static, TabbedContent, TextArea
from textual.worker import Worker, WorkerCancelled

from learnplat.app import LearnplatApp
from learnplat.clients.errors import ProviderError
from learnplat.clients.openai import OpenAIChat
from learnplat.core import Session
from learnplat.domain.model import Grade, Level, Reference
from learnplat.screens.learn_views import TopicInput
from learnplat.screens.teach import TeachPane
from learnplat.screens.teach_views import (
    FeedTable,
    GradeView,
    Leaderboard,
    ScoreGauge,
    ago,
    bar,
)
from learnplat.screens.widgets.learn_sources import SourcesModal
from learnplat.screens.widgets.teach_pending import EMPTY, PendingTable
from learnplat.settings import load_settings
from learnplat.tutors.base import Grader
from learnplat.tutors.grader import OfflineGrader
from learnplat.tutors.llm.grading import LLMGrader
from tests.stubs.openai import OpenAIStub
from tests.test_teach_cli import GOOD, OFF_TOPIC
from tests.test_tui import SIZE, RecordingApp, quiet, run, still_app, write_notes

PARTLY = (
    "Photosynthesis is how plants make their own food. A plant takes in water through its roots "
    "and carbon dioxide through tiny holes in its leaves called stomata."
)

NOON = datetime(2025, 3, 5, 12, 0, tzinfo=UTC)  # a Wednesday
SAMPLE = Path(__file__).resolve().parents[1] / "data" / "samples" / "photosynthesis.md"
LEAF_NOTES = """# Leaves

Photosynthesis in a leaf happens in the palisade cells, packed with chloroplasts. The stomata
let carbon dioxide in and oxygen out, and guard cells close them when the plant is short of water.
"""


class FailingGrader:
    """A grader whose provider cannot be reached: every explanation stays pending."""

    name = "stub"

    def grade(self, reference: Reference, explanation: str, level: Level) -> Grade:
        raise ProviderError(
            "the grading provider could not be reached",
            hint="check the network, then grade it again",
            kind="unavailable",
            provider="openai",
        )


class SourceSpy:
    """The real grader, remembering which documents each reference it graded against came from."""

    def __init__(self, inner: Grader) -> None:
        self.inner = inner
        self.name = inner.name
        self.doc_ids: list[set[int]] = []

    def grade(self, reference: Reference, explanation: str, level: Level) -> Grade:
        self.doc_ids.append({s.doc_id for s in reference.sources if s.doc_id is not None})
        return self.inner.grade(reference, explanation, level)


def _teach_workers(app: LearnplatApp) -> list[Worker]:
    return [worker for worker in app.workers if worker.group.startswith("teach-")]


async def settle(pilot: Pilot) -> None:
    """Wait until no Teach worker runs and every message their results posted was handled."""
    for _ in range(20):
        # A newer load cancels an exclusive worker: that one never completes, and need not.
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(_teach_workers(pilot.app))
        await pilot.pause()
        if not any(worker.is_running for worker in _teach_workers(pilot.app)):
            await pilot.pause()
            return


@pytest.fixture
def ben(platform: Session) -> Iterator[Session]:
    """Another learner on the same data dir."""
    with Session.open(load_settings({"user": "ben"})) as built:
        yield built


async def open_teach(pilot: Pilot) -> TeachPane:
    await pilot.press("f2")
    await settle(pilot)
    pane = pilot.app.query_one(TeachPane)
    assert pilot.app.query_one(TabbedContent).active == "teach"
    return pane


async def write(pilot: Pilot, topic: str, text: str) -> None:
    """Type the topic, then put the explanation in the editor (typing it all would be slow)."""
    pane = pilot.app.query_one(TeachPane)
    topic_input = pane.query_one("#teach-topic", TopicInput)
    topic_input.focus()
    topic_input.value = topic
    await pilot.press("enter")
    editor = pane.query_one("#teach-editor", TextArea)
    assert pilot.app.focused is editor
    editor.text = text
    await pilot.pause()


async def submit(pilot: Pilot) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)


def grade_text(app: LearnplatApp) -> str:
    view = app.query_one(GradeView)
    return "\n".join(str(static.render()) for static in view.query(Static))


def feed_rows(app: LearnplatApp) -> list[list[str]]:
    table = app.query_one(FeedTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def stats_text(app: LearnplatApp) -> str:
    return str(app.query_one("#teach-stats", Static).render())


def footer_keys(app: LearnplatApp) -> dict[str, str]:
    return {
        key: active.binding.description
        for key, active in app.screen.active_bindings.items()
        if active.binding.show
    }


# writing and grading -------------------------------------------------------
def test_the_word_count_follows_typing_and_names_the_limit(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        editor = pane.query_one("#teach-editor", TextArea)
        assert editor.border_subtitle == "0 / 5,000 words"
        editor.focus()
        await pilot.press(*"Sun feeds", "enter", *"us")
        assert editor.text == "Sun feeds\nus"
        assert editor.border_subtitle == "3 / 5,000 words"
        editor.text = "word\n" * 5001
        await pilot.pause()
        assert editor.border_subtitle == "5,001 / 5,000 words · too long"
        assert editor.has_class("-too-long")

    run(platform, scenario)


def test_submitting_shows_the_grade_the_feed_entry_and_the_points(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        score = platform.community.get(1).score
        assert score is not None and score >= 5
        assert app.query_one(ScoreGauge).score == score
        assert f"{score}/10 █" in str(app.query_one(ScoreGauge).render())
        shown = grade_text(app)
        for component in ("coverage", "accuracy", "structure", "readability", "jargon"):
            assert f"{component} " in shown and "█" in shown
        assert "of 10 key ideas" in shown  # a component's detail
        assert f"+{score} knowledge points" in shown
        assert "Feedback" in shown and "You covered" in shown
        assert "Missed ideas" in shown and "explained in Topic library: Photosynthesis" in shown
        assert app.query_one(GradeView).border_title == "Photosynthesis · beginner · #1"
        assert app.notices[-1].message == f"{score}/10 · +{score} knowledge points"
        # Nothing is lost: the text is still in the editor.
        assert app.query_one("#teach-editor", TextArea).text == GOOD
        # The community view has the explanation, the stats and the board.
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.focused, FeedTable)
        rows = feed_rows(app)
        assert len(rows) == 1
        votes, shown_score, topic, level, author, _when, excerpt = rows[0]
        assert (votes, shown_score, topic, level, author) == (
            "▲ 0",
            f"{score}/10",
            "Photosynthesis",
            "beg",
            "ana (you)",
        )
        assert excerpt.startswith("Photosynthesis is how plants make their own food.")
        assert f"{score} points · 1 explanation · average {score}.0/10 · rank #1" in (
            stats_text(app)
        )
        board = app.query_one(Leaderboard)
        assert [str(cell) for cell in board.get_row_at(0)][:3] == ["1.", "ana (you)", str(score)]

    run(platform, scenario)


def test_the_same_explanation_again_earns_no_points_and_says_why(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        await submit(pilot)
        assert "No points: 100% the same as your explanation #1" in grade_text(app)
        assert app.notices[-1].severity == "warning"
        assert "same as your explanation #1" in app.notices[-1].message

    run(platform, scenario)


def test_an_off_topic_explanation_scores_low(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await write(pilot, "photosynthesis", OFF_TOPIC)
        await submit(pilot)
        assert app.query_one(ScoreGauge).score <= 2

    run(platform, scenario)


def test_an_empty_explanation_is_an_error_and_the_tab_stays_usable(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await write(pilot, "photosynthesis", "   \n  ")
        await submit(pilot)
        error = app.notices[-1]
        assert error.severity == "error" and error.title == "Not graded"
        assert "the explanation is empty" in error.message
        assert not pane.grading and not pane.query_one("#teach-submit", Button).disabled
        assert platform.community.feed() == []
        # Still usable: write something and it is graded.
        editor = pane.query_one("#teach-editor", TextArea)
        editor.text = GOOD
        await submit(pilot)
        assert app.query_one(ScoreGauge).score >= 5
        assert len(platform.community.feed()) == 1

    run(platform, scenario)


def test_an_unknown_topic_names_the_nearest_and_keeps_the_text(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await write(pilot, "zorblax theory", GOOD)
        await submit(pilot)
        error = app.notices[-1]
        assert error.severity == "error"
        assert "nothing to grade an explanation of 'zorblax theory'" in error.message
        assert "nearest library topics:" in error.message
        assert pane.query_one("#teach-editor", TextArea).text == GOOD
        # The grade view keeps what it showed before: the failure is a notification.
        assert pane.query_one(GradeView).border_title == "Your grade"

    run(platform, scenario)


def test_submitting_without_a_topic_asks_for_one(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        pane.query_one("#teach-editor", TextArea).text = GOOD
        pane.query_one("#teach-editor", TextArea).focus()
        await submit(pilot)
        assert app.notices[-1].severity == "warning"
        assert "Type the topic" in app.notices[-1].message
        assert app.focused is pane.query_one("#teach-topic", TopicInput)
        assert pane.query_one("#teach-editor", TextArea).text == GOOD

    run(platform, scenario)


def test_the_topic_completes_library_topics_and_the_level_is_used(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        assert app.focused is pane.query_one("#teach-topic", TopicInput)
        await pilot.press(*"photos", "tab")
        assert pane.topic == "Photosynthesis"
        pane.start("Photosynthesis", "advanced")
        await pilot.pause()
        editor = pane.query_one("#teach-editor", TextArea)
        assert app.focused is editor
        editor.text = GOOD
        await submit(pilot)
        assert platform.community.get(1).level == "advanced"
        assert "advanced" in str(pane.query_one(GradeView).border_title)

    run(platform, scenario)


# the community -------------------------------------------------------------
def test_upvoting_someone_elses_explanation_and_taking_it_back(
    platform: Session, ben: Session
) -> None:
    bens = ben.teachback.teach("photosynthesis", GOOD).submission

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert feed_rows(app)[0][:5] == ["▲ 0", f"{bens.score}/10", "Photosynthesis", "beg", "ben"]
        assert footer_keys(app)["ctrl+u"] == "Upvote"
        await pilot.press("u")  # a letter is no vote: a vote is stored, and gives ben a point
        await settle(pilot)
        assert feed_rows(app)[0][0] == "▲ 0"
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert feed_rows(app)[0][0] == "▲ 1 ✓"
        assert footer_keys(app)["ctrl+u"] == "Unvote"
        assert "upvoted by you" in str(pane.query_one("#teach-excerpt", Static).render())
        # The board counts ben's upvote as a point.
        board = app.query_one(Leaderboard)
        assert [str(cell) for cell in board.get_row_at(0)][:3] == [
            "1.",
            "ben",
            str(bens.score + 1),
        ]
        await pilot.press("ctrl+u")  # again: takes the vote back
        await settle(pilot)
        assert feed_rows(app)[0][0] == "▲ 0"
        assert ben.community.get(bens.id).upvotes == 0
        assert "error" not in app.severities() and "warning" not in app.severities()

    run(platform, scenario)


def test_upvoting_your_own_explanation_is_refused_with_the_reason(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+u")
        await settle(pilot)
        refused = app.notices[-1]
        assert refused.severity == "warning" and refused.title == "Vote not counted"
        assert "#1 is your own explanation" in refused.message
        assert "only other learners can upvote it" in refused.message
        assert feed_rows(app)[0][0] == "▲ 0"

    run(platform, scenario)


def test_the_feed_sorts_and_filters_by_the_typed_topic(platform: Session, ben: Session) -> None:
    ben.community.clock = lambda: NOON
    older = ben.teachback.teach("photosynthesis", GOOD).submission
    ben.community.clock = lambda: NOON.replace(hour=13)
    ben.teachback.teach("mitosis and meiosis", "Mitosis makes two identical cells. " * 4)
    platform.community.upvote(older.id)  # the older one is the most upvoted

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        feed = app.query_one(FeedTable)
        assert feed.border_title == "Community · most upvoted · all topics"
        assert [row[2] for row in feed_rows(app)] == ["Photosynthesis", "Mitosis and Meiosis"]
        await pilot.press("s")
        await settle(pilot)
        assert feed.border_title == "Community · newest · all topics"
        assert [row[2] for row in feed_rows(app)] == ["Mitosis and Meiosis", "Photosynthesis"]
        pane.query_one("#teach-topic", TopicInput).value = "photosynthesis"
        await pilot.press("f")
        await settle(pilot)
        assert feed.border_title == "Community · newest · photosynthesis"
        assert [row[2] for row in feed_rows(app)] == ["Photosynthesis"]
        await pilot.press("f")
        await settle(pilot)
        assert len(feed_rows(app)) == 2

    run(platform, scenario)


def test_filtering_without_a_topic_says_to_type_one(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        assert app.notices[-1].severity == "warning" and "Type a topic" in app.notices[-1].message
        assert pane.community_view.feed_topic is None

    run(platform, scenario)


def test_the_leaderboard_ranks_learners_all_time_and_this_week(
    platform: Session, ben: Session
) -> None:
    last_month = NOON.replace(month=2)
    ben.community.clock = lambda: last_month
    ben.teachback.teach("photosynthesis", GOOD)
    platform.community.clock = lambda: NOON
    # Passing (an explanation below 5/10 stays private, off the boards), but below ben's.
    platform.teachback.teach("photosynthesis", PARTLY)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        board = app.query_one(Leaderboard)
        ranks = [[str(cell) for cell in board.get_row_at(i)][:2] for i in range(board.row_count)]
        assert ranks == [["1.", "ben"], ["2.", "ana (you)"]]
        assert "rank #2" in stats_text(app)
        await pilot.press("w")
        await settle(pilot)
        assert board.border_title == "Leaderboard · week"
        ranks = [[str(cell) for cell in board.get_row_at(i)][:2] for i in range(board.row_count)]
        assert ranks == [["1.", "ana (you)"]]
        await pilot.press("w")
        await settle(pilot)
        assert board.row_count == 2

    run(platform, scenario)


def test_an_empty_community_says_so(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert "none yet" in str(app.query_one(FeedTable).border_title)
        assert "0 points · 0 explanations" in stats_text(app)
        assert "rank none yet" in stats_text(app)
        await pilot.press("ctrl+u")
        await settle(pilot)
        assert app.notices[-1].severity == "warning" and "feed is empty" in app.notices[-1].message

    run(platform, scenario)


# sources -------------------------------------------------------------------
def sources_label(app: LearnplatApp) -> str:
    return str(app.query_one("#teach-sources", Button).label)


def test_explanations_are_graded_against_the_picked_documents(
    platform: Session, docs_dir: Path
) -> None:
    textbook = platform.library.ingest(SAMPLE).document
    leaf = platform.library.ingest(write_notes(docs_dir, "leaves.md", LEAF_NOTES)).document
    assert textbook is not None and leaf is not None
    spy = SourceSpy(platform.teachback.grader)
    platform.teachback.grader = spy

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        assert sources_label(app) == "all your documents"
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        assert spy.doc_ids[-1] == {textbook.id, leaf.id}  # none picked: the whole library
        await pilot.press("ctrl+g")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, SourcesModal) and modal.heading == "Grade against"
        assert modal.query_one(SelectionList).option_count == 2
        await pilot.press("down", "space", "ctrl+s")
        await pilot.pause()
        assert pane.doc_ids == (leaf.id,)
        assert sources_label(app) == "Leaves"
        assert pane.pending_view.table.border_subtitle == "graded against Leaves"
        await submit(pilot)
        assert spy.doc_ids[-1] == {leaf.id}
        assert app.query_one(ScoreGauge).score >= 1
        # "All sources" goes back to the whole library.
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.click("#sources-all")
        await pilot.pause()
        assert pane.doc_ids == () and sources_label(app) == "all your documents"

    run(platform, scenario)


def test_a_picked_document_removed_from_the_library_is_no_longer_a_source(
    platform: Session, docs_dir: Path
) -> None:
    leaf = platform.library.ingest(write_notes(docs_dir, "leaves.md", LEAF_NOTES)).document
    assert leaf is not None

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert pane.doc_ids == (leaf.id,)
        platform.library.remove(leaf.id)
        await pilot.press("f4")
        await open_teach(pilot)  # the tab reads the library again when it is shown
        assert pane.doc_ids == () and sources_label(app) == "all your documents"

    run(platform, scenario)


def test_sources_with_an_empty_library_say_where_to_add_notes(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert not isinstance(app.screen, SourcesModal)
        assert "add notes in the Library (f4)" in app.notices[-1].message
        assert "graded against the topic library meanwhile" in app.notices[-1].message

    run(platform, scenario)


# the pending list ----------------------------------------------------------
def pending_rows(app: LearnplatApp) -> list[list[str]]:
    table = app.query_one(PendingTable)
    return [[str(cell) for cell in table.get_row_at(index)] for index in range(table.row_count)]


def pending_count(app: LearnplatApp) -> str | None:
    """The count beside the sources, or None while it is hidden (nothing pending)."""
    button = app.query_one("#teach-pending-count", Button)
    return str(button.label) if button.display else None


def test_a_failed_grading_waits_in_the_pending_list_and_is_graded_from_it(
    platform: Session,
) -> None:
    _freeze(platform)
    grader = platform.teachback.grader
    platform.teachback.grader = FailingGrader()

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        assert pending_count(app) is None
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        failed = app.notices[-1]
        assert failed.severity == "error" and failed.title == "Photosynthesis #1"
        assert failed.message.startswith("Saved but not graded: the grading provider")
        assert "check the network" in failed.message and "pending list (ctrl+l)" in failed.message
        assert "Saved as #1 but not graded" in grade_text(app)
        assert pending_count(app) == "1 pending"
        # The list: topic, level, when and the start of the text.
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert pane.view == "pending" and isinstance(app.focused, PendingTable)
        (row,) = pending_rows(app)
        assert row[:4] == ["1", "Photosynthesis", "beg", "now"]
        assert row[4].startswith("Photosynthesis is how plants make")
        assert pane.pending_view.table.border_title == "Waiting for a grade · 1"
        preview = str(pane.query_one("#teach-pending-preview", Static).render())
        assert preview.startswith("#1 · Photosynthesis · beginner · now · ")
        # Failing again: it stays pending, and the learner is told.
        await pilot.press("enter")
        await settle(pilot)
        again = app.notices[-1]
        assert again.severity == "error" and again.title == "Photosynthesis #1"
        assert again.message.startswith("Still not graded: the grading provider")
        assert "stays in the pending list" in again.message
        assert pane.view == "pending" and len(pending_rows(app)) == 1
        assert pending_count(app) == "1 pending"
        assert platform.community.get(1).status == "pending"
        # The provider is back: graded, shown as any grade is, and gone from the list.
        platform.teachback.grader = grader
        await pilot.press("enter")
        await settle(pilot)
        assert platform.community.get(1).status == "graded"
        assert pane.view == "write"
        assert app.query_one(ScoreGauge).score == platform.community.get(1).score
        assert app.query_one(GradeView).border_title == "Photosynthesis · beginner · #1"
        assert app.notices[-1].severity == "information"
        assert pending_count(app) is None
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert pending_rows(app) == []
        assert str(pane.query_one("#teach-pending-preview", Static).render()) == EMPTY

    run(platform, scenario)


def test_grade_all_again_grades_what_it_can_and_keeps_the_rest_pending(
    platform: Session,
) -> None:
    platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)
    platform.community.submit("Zorblax theory", None, "advanced", "Zorblaxes spin twice. " * 5)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        assert pending_count(app) == "2 pending"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert [row[1] for row in pending_rows(app)] == ["Photosynthesis", "Zorblax theory"]
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert platform.community.get(1).status == "graded"
        assert platform.community.get(2).status == "pending"
        # The grade is shown; the one nothing covers says why it is still pending.
        assert pane.view == "write"
        assert app.query_one(GradeView).border_title == "Photosynthesis · beginner · #1"
        kept = app.notices[-1]
        assert kept.severity == "error" and kept.title == "Zorblax theory #2"
        assert "Still not graded: nothing to grade an explanation of 'Zorblax theory'" in (
            kept.message
        )
        assert pending_count(app) == "1 pending"
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert [row[1] for row in pending_rows(app)] == ["Zorblax theory"]

    run(platform, scenario)


def test_the_pending_count_follows_explanations_left_pending_elsewhere(
    platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        assert pending_count(app) is None
        # Left pending by the CLI, say, while the app is open.
        platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)
        await pilot.press("f4")
        await open_teach(pilot)
        assert pending_count(app) == "1 pending"
        await pilot.click("#teach-pending-count")
        await settle(pilot)
        assert app.query_one(TeachPane).view == "pending"
        assert len(pending_rows(app)) == 1

    run(platform, scenario)


# keys, palette, layout -----------------------------------------------------
def test_the_footer_shows_the_keys_of_the_current_view(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        keys = footer_keys(app)
        assert keys["ctrl+s"] == "Submit" and keys["ctrl+o"] == "Community"
        assert keys["ctrl+g"] == "Sources"
        assert "ctrl+u" not in keys and "s" not in keys and "ctrl+r" not in keys
        assert "ctrl+l" not in keys  # until something is pending
        platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)
        await pilot.press("f4")
        await open_teach(pilot)
        assert footer_keys(app)["ctrl+l"] == "Pending"
        await pilot.press("ctrl+o")
        await settle(pilot)
        keys = footer_keys(app)
        assert keys["ctrl+o"] == "Write" and keys["ctrl+u"] == "Upvote"
        assert keys["s"] == "Newest first" and keys["w"] == "This week's leaderboard"
        assert keys["ctrl+l"] == "Pending"
        assert "ctrl+s" not in keys and "ctrl+g" not in keys  # room for the feed's keys
        await pilot.press("ctrl+l")
        await settle(pilot)
        keys = footer_keys(app)
        assert keys["enter"] == "Grade again" and keys["ctrl+r"] == "Grade all"
        assert keys["ctrl+l"] == "Write" and keys["ctrl+g"] == "Sources"
        assert "ctrl+s" not in keys and "ctrl+o" not in keys
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert app.query_one(TeachPane).view == "write"

    run(platform, scenario)


def test_the_keys_work_in_every_view_even_out_of_the_footer(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        await pilot.press("ctrl+l")  # nothing pending: the empty list, which says what it is for
        await settle(pilot)
        assert pane.view == "pending"
        assert str(pane.query_one("#teach-pending-preview", Static).render()) == EMPTY
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert pane.view == "community"
        await write(pilot, "photosynthesis", GOOD)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await submit(pilot)  # from the community view: graded, and the grade shown
        assert pane.view == "write" and app.query_one(ScoreGauge).score >= 5
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        assert "add notes in the Library (f4)" in app.notices[-1].message

    run(platform, scenario)


def test_teach_commands_are_in_the_palette_and_work_from_other_tabs(
    platform: Session, ben: Session
) -> None:
    ben.teachback.teach("photosynthesis", GOOD)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        for title in [
            "Teach: submit the explanation",
            "Teach: switch editor / community",
            "Teach: upvote the selected explanation",
            "Teach: sort the feed",
            "Teach: filter the feed by topic",
            "Teach: leaderboard of this week / all time",
            "Teach: pick sources",
            "Teach: pending explanations",
            "Teach: grade the selected pending explanation again",
            "Teach: grade all pending explanations again",
        ]:
            assert title in commands
        # From the Library, before the tab was ever shown: the vote waits for the feed.
        commands["Teach: upvote the selected explanation"].callback()
        await settle(pilot)
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "teach"
        assert isinstance(app.focused, FeedTable)
        assert feed_rows(app)[0][0] == "▲ 1 ✓"
        commands["Teach: grade all pending explanations again"].callback()
        await settle(pilot)
        await settle(pilot)
        assert app.notices[-1].message == "No explanation is waiting for a grade."
        commands["Teach: pending explanations"].callback()
        await settle(pilot)
        assert app.query_one(TeachPane).view == "pending"
        assert isinstance(app.focused, PendingTable)

    run(platform, scenario)


def test_the_palette_grades_the_selected_pending_explanation_from_another_tab(
    platform: Session,
) -> None:
    platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)
    platform.community.submit("Photosynthesis", "photosynthesis", "advanced", GOOD)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        # From the Library, before the tab was ever shown: it waits for the list.
        commands["Teach: grade the selected pending explanation again"].callback()
        await settle(pilot)
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "teach"
        assert platform.community.get(1).status == "graded"
        assert platform.community.get(2).status == "pending"
        assert app.query_one(GradeView).border_title == "Photosynthesis · beginner · #1"

    run(platform, scenario)


def test_a_saved_but_ungraded_explanation_is_graded_again(platform: Session) -> None:
    platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = await open_teach(pilot)
        pane.query_one("#teach-editor", TextArea).focus()
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert platform.community.get(1).status == "graded"
        assert app.query_one(ScoreGauge).score >= 5

    run(platform, scenario)


def test_the_teach_tab_fits_an_80_by_24_terminal(platform: Session, docs_dir: Path) -> None:
    # A long topic and document title: the options row still fits, with a pending count.
    platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD * 3)
    notes = LEAF_NOTES.replace("# Leaves", "# Photosynthesis in the leaves of flowering plants")
    platform.library.ingest(write_notes(docs_dir, "leaves.md", notes))

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await pilot.press("ctrl+g")
        await settle(pilot)
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert sources_label(app) == "Photosynthesis in the…"
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        for selector in [
            "#teach-topic",
            "#teach-level",
            "#teach-sources",
            "#teach-pending-count",
            "#teach-submit",
            "#teach-editor",
        ]:
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector
        assert app.query_one("#teach-editor").region.height >= 10
        assert app.query_one(GradeView).region.right <= 80
        await pilot.press("ctrl+o")
        await settle(pilot)
        for selector in ["#teach-stats", "#teach-feed", "#teach-board", "#teach-excerpt"]:
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector
        assert app.query_one("#teach-feed").region.height >= 6
        await pilot.press("ctrl+l")
        await settle(pilot)
        for selector in ["#teach-pending-table", "#teach-pending-preview"]:
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector
        table = app.query_one(PendingTable)
        assert table.region.height >= 6
        assert table.virtual_size.width <= table.scrollable_content_region.width  # no h-scroll

    run(platform, scenario, size=(80, 24))


def test_helpers_draw_bars_and_relative_times() -> None:
    assert bar(0, 4) == "░░░░" and bar(1, 4) == "████" and bar(0.5, 4) == "██░░"
    assert bar(0.95, 10) == "█████████▌"
    assert ago("2025-03-05T11:59:30+00:00", NOON) == "now"
    assert ago("2025-03-05T11:15:00+00:00", NOON) == "45m ago"
    assert ago("2025-03-05T02:00:00+00:00", NOON) == "10h ago"
    assert ago("2025-03-02T12:00:00+00:00", NOON) == "3d ago"
    assert ago("2025-01-02T12:00:00+00:00", NOON) == "2025-01-02"


# snapshots ---------------------------------------------------------------
def _freeze(*platforms: Session) -> None:
    for each in platforms:
        each.community.clock = lambda: NOON


async def _quiet(pilot: Pilot) -> None:
    await quiet(pilot, settle)
    for editor in pilot.app.query(TextArea):
        editor.cursor_blink = False
        # Lines cached in another blink phase would show the cursor or not by chance.
        editor.notify_style_update()
    await pilot.pause()


def test_snapshot_a_graded_explanation(platform: Session, snap_compare) -> None:
    _freeze(platform)

    async def run_before(pilot: Pilot) -> None:
        await open_teach(pilot)
        await write(pilot, "photosynthesis", GOOD)
        await submit(pilot)
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=SIZE, run_before=run_before)


def test_snapshot_the_community_feed(platform: Session, ben: Session, snap_compare) -> None:
    _freeze(platform, ben)
    platform.teachback.teach("photosynthesis", OFF_TOPIC, level="intermediate")
    ben.teachback.teach("photosynthesis", GOOD)  # same time, later id: listed first

    async def run_before(pilot: Pilot) -> None:
        await open_teach(pilot)
        await pilot.press("ctrl+o")
        await settle(pilot)
        await pilot.press("ctrl+u")  # upvotes ben's
        await settle(pilot)
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=SIZE, run_before=run_before)


def test_snapshot_the_pending_list_at_80x24(platform: Session, snap_compare) -> None:
    _freeze(platform)
    platform.community.submit("Photosynthesis", "photosynthesis", "beginner", GOOD)
    platform.community.submit("Cellular respiration", None, "intermediate", OFF_TOPIC)

    async def run_before(pilot: Pilot) -> None:
        await open_teach(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await _quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(80, 24), run_before=run_before)


def test_a_model_grading_shows_what_it_is_doing_then_the_grade(
    platform: Session, openai_stub: OpenAIStub
) -> None:
    """A real model client over the stub server on 127.0.0.1, writing its rubric slowly: the
    grade's border says what the model is doing until the grade is shown."""
    rubric = {
        "components": {"coverage": 0.6, "accuracy": 0.9, "structure": 0.7, "readability": 0.8,
                       "jargon": 1.0},
        "covered": [1], "missed": [], "errors": [], "jargon": [], "has_example": False,
        "feedback": ["Clear and correct."], "suggestion": "Add an example.",
    }  # fmt: skip
    text = json.dumps(rubric)
    openai_stub.chunks = [text[start : start + 8] for start in range(0, len(text), 8)]
    openai_stub.chunk_delay_s = 0.03
    chat = OpenAIChat(base_url=openai_stub.base_url, model="llama3.1", timeout=30)
    platform.teachback.grader = LLMGrader(chat, OfflineGrader(semantic=False))
    seen: list[str] = []

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_teach(pilot)
        await write(pilot, "photosynthesis", GOOD)
        await pilot.press("ctrl+s")
        view = app.query_one(GradeView)
        for _ in range(400):
            seen.append(str(view.border_title))
            if platform.community.get(1) is not None and platform.community.get(1).score:
                break
            await pilot.pause(0.02)
        await settle(pilot)
        assert any("llama3.1 is writing the grade" in title for title in seen)
        assert app.query_one(GradeView).border_title == "Photosynthesis · beginner · #1"
        assert "Clear and correct." in grade_text(app)

    run(platform, scenario)
