"""A key meant as text never acts. From each tab's opening focus a realistic line holding every
letter and punctuation mark is typed, then each sequence of Tab and Enter a hasty learner presses,
from that focus again; nothing is removed, started, recorded or lost. Removing a document is undone
rather than only confirmed (and survives a crash meanwhile), no printable key stores anything,
and ? lists every tab's keys, read from the bindings."""

from __future__ import annotations

import sqlite3
import string
from collections.abc import Callable, Iterator
from contextlib import suppress
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.keys import _character_to_key
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Select, TabbedContent, TextArea
from textual.worker import Worker, WorkerCancelled

from learnplat import paths
from learnplat.app import TABS, LearnplatApp
from learnplat.core import Session
from learnplat.screens.challenges import ChallengesPane
from learnplat.screens.learn import LearnPane
from learnplat.screens.learn_answers import AnswerBlock
from learnplat.screens.library import LibraryPane
from learnplat.screens.library_views import DocumentTable
from learnplat.screens.progress import ProgressPane
from learnplat.screens.teach import TeachPane
from learnplat.screens.teach_views import FeedTable
from learnplat.screens.widgets.confirm import ConfirmModal
from learnplat.screens.widgets.keys import KeysScreen
from learnplat.screens.widgets.path_input import PathInput
from learnplat.settings import load_settings
from tests.clock import Clock
from tests.test_teach_cli import GOOD
from tests.test_tui import RecordingApp, rows, run, textbook_platform  # noqa: F401
from tests.test_tui_challenges import START
from tests.test_tui_learn import learn, lesson_source
from tests.test_tui_teach import ben  # noqa: F401

# Every letter (a-z, A-Z) and every punctuation mark a hasty learner could type, in a line that
# could be a path, a topic, a question or an explanation.
TEXT = (
    "~/notes/graph-notes.pdf: the quick brown fox jumps over the lazy dog; PACK MY BOX WITH "
    "FIVE DOZEN LIQUOR JUGS! [draft] {v2} #1 @home $5 ^_^ 50% & (*more*) + a=b | c's "
    "\"quote\" <x>, y. z?"
)
PUNCTUATION = "~!@#$%^&*()_+-=[]{}|;':\",./<>? "
# What a learner presses after typing, expecting it to "go" somewhere.
HASTY: tuple[tuple[str, ...], ...] = (
    ("enter",),
    ("tab", "enter"),
    ("tab", "tab", "enter"),
    ("shift+tab", "enter"),
    ("tab", "enter", "enter"),
)
GROUPS = ("library-", "learn-", "teach-", "challenges-", "progress-")


def test_the_typed_line_holds_every_letter_and_punctuation_mark() -> None:
    assert set(string.ascii_letters + PUNCTUATION) <= set(TEXT)


def _workers(app: LearnplatApp) -> list[Worker]:
    return [worker for worker in app.workers if worker.group.startswith(GROUPS)]


async def settle(pilot: Pilot) -> None:
    """Wait until no worker of any tab runs and every message their results posted was handled
    (a worker replaced by a newer one of its group is cancelled: nothing to wait for)."""
    for _ in range(30):
        waiting = [worker for worker in _workers(pilot.app) if not worker.is_finished]
        if not waiting:
            await pilot.pause()
            return
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(waiting)
        await pilot.pause()


async def open_tab(pilot: Pilot, tab: str) -> None:
    """Show ``tab`` as a learner does (its key, from another tab): focus where the tab puts it."""
    keys = {tab_id: key for tab_id, _label, key in TABS}
    await pilot.press("f5" if tab != "progress" else "f1", keys[tab])
    await settle(pilot)
    assert pilot.app.query_one(TabbedContent).active == tab


async def calm(pilot: Pilot) -> None:
    """Close whatever the keys opened (a modal, a picker's menu), as a learner would: escape."""
    for _ in range(3):
        if len(pilot.app.screen_stack) == 1 and not pilot.app.query("SelectOverlay:focus"):
            return
        await pilot.press("escape")
        await settle(pilot)


async def type_then_hurry(
    pilot: Pilot,
    tab: str,
    text: str,
    intact: Callable[[], None],
    opening: Callable[[], Widget] | None = None,
) -> None:
    """From ``tab``'s opening focus (``opening``, when given) type ``text``, then each hasty
    sequence from there again; ``intact`` checks after each that nothing was removed, started,
    recorded or lost."""
    for keys in (tuple(text), *HASTY):
        await open_tab(pilot, tab)
        assert opening is None or pilot.app.focused is opening()
        await pilot.press(*keys)
        await settle(pilot)
        intact()
        await calm(pilot)


def attempts(platform: Session) -> int:
    """Every question served or answered, read from the database file itself."""
    database = sqlite3.connect(paths.database_file(platform.settings.data_dir))
    try:
        return int(database.execute("SELECT COUNT(*) FROM challenge_attempts").fetchone()[0])
    finally:
        database.close()


def document_ids(platform: Session) -> list[int]:
    return [document.id for document in platform.library.documents()]


@pytest.fixture
def empty_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Browse opens here: an empty folder, so that no key can pick a file in it."""
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


# Library --------------------------------------------------------------------------
def test_library_opens_in_the_path_input_and_typing_there_removes_nothing(
    textbook_platform: Session, empty_cwd: Path  # noqa: F811
) -> None:
    before = document_ids(textbook_platform)
    assert len(before) == 2

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        path_input = app.query_one(PathInput)

        def intact() -> None:
            assert not isinstance(app.screen, ConfirmModal)
            assert document_ids(textbook_platform) == before
            assert rows(app) == 2
            assert path_input.value == TEXT

        assert app.focused is path_input  # documents or not: the placeholder invites a path
        await type_then_hurry(pilot, "library", TEXT, intact, lambda: path_input)

    run(textbook_platform, scenario)


def test_a_file_name_typed_on_the_documents_table_removes_nothing(
    textbook_platform: Session, empty_cwd: Path  # noqa: F811
) -> None:
    before = document_ids(textbook_platform)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        app.query_one(DocumentTable).focus()
        # r was Remove, Tab reached the modal's Remove button and y confirmed.
        await pilot.press(*"graph-notes.pdf", "tab", "enter", "y", "enter")
        await settle(pilot)
        assert document_ids(textbook_platform) == before
        assert rows(app) == 2
        assert not app.query_one(LibraryPane).removals

    run(textbook_platform, scenario)


def test_remove_focuses_cancel_has_no_letter_key_and_is_undone_with_ctrl_z(
    textbook_platform: Session,  # noqa: F811
) -> None:
    before = document_ids(textbook_platform)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = app.query_one(LibraryPane)
        app.query_one(DocumentTable).focus()
        await pilot.press("delete")
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        assert app.focused is modal.query_one("#confirm-no")
        await pilot.press("y", "r")  # no letter confirms
        assert app.screen is modal
        await pilot.press("enter")  # on Cancel
        await settle(pilot)
        assert rows(app) == 2 and not pane.removals

        await pilot.press("delete")
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert rows(app) == 1
        said = app.notices[-1].message
        assert "ctrl+z" in said and "undo" in said
        # Nothing is deleted yet: a crash now would lose nothing, and another process sees it.
        with Session.open(load_settings({"user": "ana"})) as other:
            assert document_ids(other) == before
        await pilot.press("f1", "ctrl+z")  # from another tab too
        await settle(pilot)
        assert rows(app) == 2 and not pane.removals
        assert document_ids(textbook_platform) == before
        assert "back" in app.notices[-1].message

    run(textbook_platform, scenario)


def test_a_removal_not_undone_is_done_when_its_time_is_up_or_the_app_closes(
    textbook_platform: Session,  # noqa: F811
) -> None:
    first, second = document_ids(textbook_platform)
    now = [1000.0]

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = app.query_one(LibraryPane)
        pane.clock = lambda: now[0]
        table = app.query_one(DocumentTable)
        table.focus()
        await pilot.press("delete")
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert rows(app) == 1
        now[0] += pane.UNDO_S - 1
        pane.tick_removals()
        await settle(pilot)
        assert document_ids(textbook_platform) == [first, second]  # still undoable
        now[0] += 2
        pane.tick_removals()
        await settle(pilot)
        assert document_ids(textbook_platform) == [second]
        assert not pane.removals
        await pilot.press("ctrl+z")  # too late: nothing to undo, and nothing breaks
        await settle(pilot)
        assert document_ids(textbook_platform) == [second]

        # The next one is still held when the app closes: closing does it.
        table.focus()
        await pilot.press("delete")
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert rows(app) == 0 and document_ids(textbook_platform) == [second]

    run(textbook_platform, scenario)
    assert document_ids(textbook_platform) == []


# Learn ----------------------------------------------------------------------------
def test_learn_keeps_typed_text_and_a_lesson_is_replaced_only_by_another(
    platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = app.query_one(LearnPane)
        topic = pane.query_one("#learn-topic")

        def topic_intact() -> None:
            assert topic.value == TEXT  # type: ignore[attr-defined]

        await type_then_hurry(pilot, "learn", TEXT, topic_intact, lambda: topic)

        await learn(pilot, "photosynthesis")
        lesson = lesson_source(app)
        assert pane.lesson is not None and "Photosynthesis" in lesson
        question = pane.query_one("#learn-question")
        # After a chat lesson, what is typed next is a follow-up, not more of the topic.
        assert app.focused is question
        await pilot.press(*TEXT)
        assert question.value == TEXT  # type: ignore[attr-defined]
        assert topic.value == "photosynthesis"  # type: ignore[attr-defined]
        await open_tab(pilot, "learn")
        assert app.focused is question

        # A topic nothing covers is one notice; the lesson on screen stays.
        topic.focus()
        await pilot.press(*" and how can I tell?", "enter")
        await settle(pilot)
        assert app.notices[-1].severity == "error"
        assert lesson_source(app) == lesson and pane.lesson is not None
        assert "No lesson" not in str(pane.query_one("#learn-body").border_title)
        assert question.value == TEXT  # type: ignore[attr-defined]
        await pilot.press("ctrl+f")
        assert app.focused is question
        await pilot.press("enter")  # asks it: the question is kept in the thread
        await settle(pilot)
        assert [block.question for block in app.query(AnswerBlock)] == [TEXT]

    run(platform, scenario)


# Teach Back -----------------------------------------------------------------------
def test_teach_back_tab_goes_topic_to_editor_and_nothing_is_submitted_or_voted(
    platform: Session, ben: Session  # noqa: F811
) -> None:
    shared = ben.teachback.teach("photosynthesis", GOOD)
    assert shared.grade is not None

    def votes() -> list[tuple[int, bool]]:
        return [(item.upvotes, item.voted_by_me) for item in platform.community.feed()]

    before = votes()

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = app.query_one(TeachPane)
        editor = pane.query_one("#teach-editor", TextArea)

        def intact() -> None:
            assert platform.community.stats().explanations == 0
            assert platform.community.pending() == []
            assert votes() == before
            assert pane.topic == "photosynthesis"
            assert editor.text.startswith(TEXT)

        await open_tab(pilot, "teach")
        assert app.focused is pane.query_one("#teach-topic")
        await pilot.press(*"photosynthesis", "tab")
        assert app.focused is editor  # the editor comes right after the topic
        await pilot.press(*TEXT)
        assert editor.text == TEXT
        await type_then_hurry(pilot, "teach", "", intact, lambda: editor)

        # The community's feed has focus only when asked for; typing there votes for nothing.
        await pilot.press("ctrl+o")
        await settle(pilot)
        assert isinstance(app.focused, FeedTable)
        await pilot.press(*TEXT)
        await settle(pilot)
        await calm(pilot)
        intact()
        await open_tab(pilot, "teach")
        assert app.focused is pane.query_one("#teach-topic")  # the feed shows, the topic invites

    run(platform, scenario)


# Challenges -----------------------------------------------------------------------
@pytest.fixture
def clock(platform: Session) -> Clock:
    moved = Clock(START)
    platform.game.clock = moved
    return moved


def test_challenges_start_no_round_from_typing_or_hasty_enter(
    platform: Session, clock: Clock
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = app.query_one(ChallengesPane)

        def intact() -> None:
            assert pane.phase == "lobby" and not pane.answered
            assert attempts(platform) == 0
            assert platform.game.stats().answered == 0

        await open_tab(pilot, "challenges")
        # The first picker: the keyboard reaches every picker from here, then Play.
        assert app.focused is pane.query_one("#challenges-mode", Select)
        mode = pane.query_one("#challenges-mode", Select)
        await type_then_hurry(pilot, "challenges", TEXT, intact, lambda: mode)
        await open_tab(pilot, "challenges")
        for selector in ("#challenges-category", "#challenges-difficulty", "#challenges-size",
                         "#challenges-play"):
            await pilot.press("tab")
            assert app.focused is pane.query_one(selector), selector
        await pilot.press("enter")  # Play, pressed on purpose
        await settle(pilot)
        assert pane.phase == "question" and attempts(platform) == 1

    run(platform, scenario)


# Progress -------------------------------------------------------------------------
def test_progress_typing_changes_nothing(platform: Session, clock: Clock) -> None:
    served = platform.game.next(category="biology")
    platform.game.answer(served.token, served.options[0])

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        def intact() -> None:
            assert attempts(platform) == 1
            assert platform.game.stats().answered == 1

        await type_then_hurry(pilot, "progress", TEXT, intact, lambda: app.query_one(ProgressPane))

    run(platform, scenario)


# keys -------------------------------------------------------------------------------
TEXT_KEYS = {_character_to_key(character) for character in string.printable.strip() + " "}
# The only actions a printable key may start (on a widget the learner focused): they change
# what is shown, never what is stored.
HARMLESS = {
    "LearnplatApp.show_keys",
    "KeysScreen.close",
    "LibraryPane.turn_page",
    "LibraryPane.focus_search",
    "PageText.turn",
    "AudioPanel.play",  # the narration: sound, nothing stored
    "AudioPanel.pause",
    "AudioPanel.stop",
    "CommunityView.sort",
    "CommunityView.filter_topic",
    "CommunityView.board",
    "ChallengesPane.board",
    "ChallengesPane.board_category",
    # Only during a round started with ctrl+n or Play, on its question card.
    "ChallengesPane.answer",
}


def own_bindings(app: LearnplatApp) -> Iterator[tuple[Widget | LearnplatApp, type, Binding]]:
    """Every binding learnplat's own classes declare, with the node that has it."""
    seen: set[type] = set()
    for node in [app, *app.screen_stack[0].walk_children(with_self=False)]:
        for cls in type(node).__mro__:
            if not cls.__module__.startswith("learnplat") or cls in seen:
                continue
            seen.add(cls)
            for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", [])):
                yield node, cls, binding


def test_no_printable_key_stores_or_removes_anything(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        found = []
        for _node, cls, binding in own_bindings(app):
            if binding.key in TEXT_KEYS or len(binding.key) == 1:
                found.append(f"{cls.__name__}.{binding.action.split('(')[0]}")
        assert found, "no printable key is bound at all: the test looks in the wrong place"
        assert set(found) <= HARMLESS, sorted(set(found) - HARMLESS)

    run(platform, scenario)


def test_question_mark_shows_every_tabs_keys_from_their_bindings(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await open_tab(pilot, "progress")  # no text box here: ? is not a character to type
        await pilot.press("question_mark")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, KeysScreen)
        shown = screen.text()
        for _tab_id, label, key in TABS:
            assert f"\n{label}\n" in shown and key in shown
        for node, _cls, binding in own_bindings(app):
            if binding.description and not isinstance(node, LearnplatApp):
                assert (binding.tooltip or binding.description) in shown, binding
        for where, key, what in (
            ("Everywhere", "^z", "document just removed"),
            ("Library", "del", "Remove"),
            ("Teach Back", "^s", "Grade"),
            ("Teach Back", "^u", "Upvote"),
            ("Challenges", "^n", "Play"),
            ("Learn", "^f", "follow-up"),
        ):
            section = shown.split(f"\n{where}\n", 1)[1].split("\n\n", 1)[0]
            assert any(key in line and what in line for line in section.splitlines()), (
                where, key, what, section,
            )
        await pilot.press("question_mark")
        await pilot.pause()
        assert not isinstance(app.screen, KeysScreen)
        # In a text box ? is a character; the palette has the keys there.
        await open_tab(pilot, "library")
        await pilot.press("question_mark")
        assert app.query_one(PathInput).value == "?"
        assert not isinstance(app.screen, KeysScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Keys: what each key does" in titles

    run(platform, scenario)
