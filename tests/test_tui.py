"""The Textual TUI driven with Pilot over a real Session and real files in a temporary data dir."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, ProgressBar, Static, TabbedContent
from textual.worker import Worker, WorkerCancelled

from learnplat.app import LearnplatApp
from learnplat.core import Session
from learnplat.screens.library import LibraryPane
from learnplat.screens.library_views import PagePreview, PageText, SearchResults
from learnplat.screens.widgets.confirm import ConfirmModal
from learnplat.screens.widgets.file_picker import FilePickerModal, SupportedFileTree
from learnplat.screens.widgets.password import PasswordModal
from learnplat.screens.widgets.path_input import PathInput, complete_path, parse_pasted_paths
from tests.corpus import (
    KNOWN_WORD,
    KNOWN_WORD_PAGE,
    PDF_TITLE,
    make_binary_junk,
    make_encrypted_pdf,
    make_pdf,
)

SIZE = (100, 32)
TAB_KEYS = {"learn": "f1", "teach": "f2", "challenges": "f3", "library": "f4", "progress": "f5"}
NOTES_MD = """# Cells

Cells are the units of life. Every cell has a membrane.

# Energy

Mitochondria release the energy stored in sugar.
"""


@dataclass(frozen=True)
class Notice:
    severity: str
    title: str
    message: str


class RecordingApp(LearnplatApp):
    """The real app, remembering every notification it shows."""

    def __init__(self, platform: Session) -> None:
        super().__init__(platform)
        self.notices: list[Notice] = []
        self.animation_level = "none"  # the tab underline's slide only slows the tests down

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: str = "information",  # type: ignore[override]
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        self.notices.append(Notice(severity, title, message))
        super().notify(
            message,
            title=title,
            severity=severity,  # type: ignore[arg-type]
            timeout=timeout,
            markup=markup,
        )

    def severities(self) -> list[str]:
        return [notice.severity for notice in self.notices]


Scenario = Callable[[Pilot, RecordingApp], Awaitable[None]]


def run(platform: Session, scenario: Scenario, size: tuple[int, int] = SIZE) -> RecordingApp:
    app = RecordingApp(platform)

    async def main() -> None:
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scenario(pilot, app)

    asyncio.run(main())
    return app


def _library_workers(app: App) -> list[Worker]:
    # Only the Library's own workers: a DirectoryTree keeps a loader worker alive while open.
    return [worker for worker in app.workers if worker.group.startswith("library-")]


async def settle(pilot: Pilot) -> None:
    """Wait until no Library worker runs and every message their results posted was handled."""
    for _ in range(20):
        # A newer load cancels an exclusive worker: that one never completes, and need not.
        with suppress(WorkerCancelled):
            await pilot.app.workers.wait_for_complete(_library_workers(pilot.app))
        await pilot.pause()
        if not any(worker.is_running for worker in _library_workers(pilot.app)):
            return


def write_notes(folder: Path, name: str = "notes.md", text: str = NOTES_MD) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def rows(app: LearnplatApp) -> int:
    return app.query_one("#library-table", DataTable).row_count


def preview_title(app: LearnplatApp) -> str:
    return str(app.query_one("#preview-title", Static).content)


def preview_body(app: LearnplatApp) -> str:
    return str(app.query_one("#preview-body", Static).content)


async def add_by_path(pilot: Pilot, path: Path) -> None:
    path_input = pilot.app.query_one(PathInput)
    path_input.focus()
    path_input.value = str(path)
    await pilot.press("enter")
    await settle(pilot)


# tabs -------------------------------------------------------------------
def test_five_tabs_in_order_and_the_header_names_profile_and_provider(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        tabbed = app.query_one(TabbedContent)
        assert [pane.id for pane in tabbed.query("TabPane")] == list(TAB_KEYS)
        assert tabbed.active == "library"
        assert app.title == "learnplat"
        assert app.sub_title == "ana · offline"

    run(platform, scenario)


def test_function_keys_switch_tabs_even_while_typing_in_an_input(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        tabbed = app.query_one(TabbedContent)
        assert isinstance(app.focused, PathInput)  # an empty library starts in the path input
        await pilot.press("x")
        for tab_id, key in TAB_KEYS.items():
            await pilot.press(key)
            await pilot.pause()
            assert tabbed.active == tab_id, key
        await pilot.press("f4")
        await pilot.pause()
        assert tabbed.active == "library"
        assert isinstance(app.focused, PathInput)
        assert app.query_one(PathInput).value == "x"

    run(platform, scenario)


def test_command_palette_lists_tab_and_library_commands(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        commands = {command.title: command for command in app.get_system_commands(app.screen)}
        for title in [
            "Go to Learn",
            "Go to Teach Back",
            "Go to Challenges",
            "Go to Library",
            "Go to Progress",
            "Library: add a file by path",
            "Library: browse for a file",
            "Library: search",
            "Library: remove the selected document",
        ]:
            assert title in commands
        commands["Go to Progress"].callback()
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "progress"
        commands["Library: search"].callback()
        await pilot.pause()
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "library"
        assert app.focused is app.query_one("#library-query", Input)

    run(platform, scenario)


# adding files -----------------------------------------------------------
def test_typing_a_path_with_tab_completion_and_enter_adds_the_file(
    platform: Session, docs_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write_notes(docs_dir)
    monkeypatch.chdir(docs_dir)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        assert rows(app) == 0
        assert app.query_one(LibraryPane).has_class("-empty")
        await pilot.press("n", "o")
        await app.workers.wait_for_complete()  # the suggester lists the folder in a worker
        await pilot.pause()
        await pilot.press("tab")
        assert app.query_one(PathInput).value == "notes.md"
        await pilot.press("enter")
        await settle(pilot)
        assert rows(app) == 1
        assert not app.query_one(LibraryPane).has_class("-empty")
        assert app.query_one(PathInput).value == ""
        assert app.notices[-1] == Notice(
            "information", "notes.md", "Added “Cells”: 2 sections, 20 words."
        )

    run(platform, scenario)


def test_adding_the_same_file_twice_says_it_is_already_there(
    platform: Session, docs_dir: Path
) -> None:
    notes = write_notes(docs_dir)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await add_by_path(pilot, notes)
        await add_by_path(pilot, notes)
        assert rows(app) == 1
        assert "Already in the library" in app.notices[-1].message

    run(platform, scenario)


def test_a_typed_path_with_spaces_that_does_not_exist_is_one_error(
    platform: Session, docs_dir: Path
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await add_by_path(pilot, docs_dir / "ATP synthase")
        errors = [notice for notice in app.notices if notice.severity == "error"]
        assert len(errors) == 1 and "ATP synthase" in errors[0].message
        assert rows(app) == 0

    run(platform, scenario)


def test_pasting_paths_outside_the_input_adds_them(platform: Session, docs_dir: Path) -> None:
    spaced = write_notes(docs_dir, "my notes.md")
    other = write_notes(docs_dir, "other.txt", "Photosynthesis makes sugar from light.\n")

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        app.query_one("#library-table", DataTable).focus()
        await pilot.pause()
        # What a terminal sends when two files are dropped on it: quoted, and as a file:// URL.
        app.post_message(events.Paste(f"'{spaced}'\nfile://{str(other).replace(' ', '%20')}"))
        await settle(pilot)
        assert rows(app) == 2
        assert app.severities() == ["information", "information"]
        bar = app.query_one(ProgressBar)
        assert (bar.progress, bar.total) == (2, 2)  # files done / total, hidden once finished
        assert not app.query_one("#library-progress").display

    run(platform, scenario)


def test_pasting_an_existing_file_into_the_path_input_adds_it(
    platform: Session, docs_dir: Path
) -> None:
    notes = write_notes(docs_dir, "drop me.md")

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        assert isinstance(app.focused, PathInput)
        app.post_message(events.Paste(str(notes).replace(" ", "\\ ")))
        await settle(pilot)
        assert rows(app) == 1
        assert app.query_one(PathInput).value == ""  # ingested, not typed in

    run(platform, scenario)


def test_pasting_text_that_is_not_a_file_into_the_input_just_inserts_it(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        app.post_message(events.Paste("~/not/there.pdf"))
        await settle(pilot)
        assert app.query_one(PathInput).value == "~/not/there.pdf"
        assert rows(app) == 0
        assert app.notices == []

    run(platform, scenario)


def test_pasting_prose_outside_the_input_gives_one_warning(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        app.query_one("#library-table", DataTable).focus()
        await pilot.pause()
        app.post_message(events.Paste("remember to read chapter two"))
        await settle(pilot)
        assert rows(app) == 0
        assert app.severities() == ["warning"]

    run(platform, scenario)


def test_files_dropped_on_another_tab_go_to_the_library(platform: Session, docs_dir: Path) -> None:
    notes = write_notes(docs_dir)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await pilot.press("f1")
        await pilot.pause()
        app.post_message(events.Paste(str(notes)))
        await settle(pilot)
        assert app.query_one(TabbedContent).active == "library"
        assert rows(app) == 1

    run(platform, scenario)


def test_bad_files_give_error_notifications_and_the_app_stays_usable(
    platform: Session, docs_dir: Path
) -> None:
    empty = docs_dir / "empty.txt"
    empty.write_text("")
    junk = make_binary_junk(docs_dir / "junk.pdf")
    good = write_notes(docs_dir)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await add_by_path(pilot, empty)
        await add_by_path(pilot, junk)
        await add_by_path(pilot, docs_dir / "missing.md")
        errors = [notice for notice in app.notices if notice.severity == "error"]
        assert [notice.title for notice in errors] == [
            "Could not add empty.txt",
            "Could not add junk.pdf",
            "Could not add missing.md",
        ]
        assert all(notice.message for notice in errors)
        assert rows(app) == 0
        assert app.query_one(PathInput).value == str(docs_dir / "missing.md")  # kept to fix
        await add_by_path(pilot, good)
        assert rows(app) == 1

    run(platform, scenario)


def test_an_encrypted_pdf_asks_for_the_password_and_retries(
    platform: Session, docs_dir: Path
) -> None:
    locked = make_encrypted_pdf(docs_dir / "locked.pdf", "sesame")

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await add_by_path(pilot, locked)
        assert isinstance(app.screen, PasswordModal)
        await pilot.press(*"wrong", "enter")
        await settle(pilot)
        assert isinstance(app.screen, PasswordModal)  # asked again
        await pilot.press(*"sesame", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, PasswordModal)
        assert rows(app) == 1
        assert app.notices[-1].message.startswith(f"Added “{PDF_TITLE}”")

    run(platform, scenario)


def test_browse_shows_folders_and_supported_files_and_adds_the_pick(
    platform: Session, docs_dir: Path
) -> None:
    write_notes(docs_dir)
    (docs_dir / "photo.png").write_bytes(b"\x89PNG")
    (docs_dir / ".hidden.md").write_text("secret")
    (docs_dir / "sub").mkdir()

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        app.query_one(LibraryPane).action_browse(docs_dir)
        await pilot.pause()
        assert isinstance(app.screen, FilePickerModal)
        tree = app.screen.query_one(SupportedFileTree)
        for _ in range(100):  # the tree lists the folder in its own worker
            if tree.root.children:
                break
            await pilot.pause()
        assert [str(child.label) for child in tree.root.children] == ["sub", "notes.md"]
        await pilot.press("down", "down", "enter")
        await settle(pilot)
        assert not isinstance(app.screen, FilePickerModal)
        assert rows(app) == 1

    run(platform, scenario)


# reading, searching, removing --------------------------------------------
@pytest.fixture
def textbook_platform(platform: Session, docs_dir: Path) -> Session:
    platform.library.ingest(make_pdf(docs_dir / "textbook.pdf"))
    platform.library.ingest(write_notes(docs_dir))
    return platform


def test_selecting_a_document_shows_its_first_page_and_keys_turn_pages(
    textbook_platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        table = app.query_one("#library-table", DataTable)
        assert isinstance(app.focused, PathInput)
        await pilot.press("tab", "tab")  # the path, Browse, then the documents
        assert app.focused is table
        await pilot.press("enter")
        await settle(pilot)
        assert preview_title(app) == f"{PDF_TITLE} — p. 1 · 1 Introduction"
        assert "Plants turn light into chemical energy" in preview_body(app)
        await pilot.press("]")
        await settle(pilot)
        assert preview_title(app).startswith(f"{PDF_TITLE} — p. 2")
        await pilot.press("[")
        await settle(pilot)
        assert preview_title(app).startswith(f"{PDF_TITLE} — p. 1")
        await pilot.press("[")  # already on the first page: nothing happens
        await settle(pilot)
        assert preview_title(app).startswith(f"{PDF_TITLE} — p. 1")
        app.query_one(PageText).focus()
        await pilot.press("right", "right")
        await settle(pilot)
        assert preview_title(app).startswith(f"{PDF_TITLE} — p. 3")
        app.query_one("#library-table", DataTable).focus()
        await pilot.press("down", "enter")  # the Markdown notes cite sections
        await settle(pilot)
        assert preview_title(app) == "Cells — §1 · Cells"

    run(textbook_platform, scenario)


def test_search_lists_hits_and_choosing_one_opens_its_page(textbook_platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await pilot.press("ctrl+f")
        assert app.focused is app.query_one("#library-query", Input)
        await pilot.press(*KNOWN_WORD, "enter")
        await settle(pilot)
        results = app.query_one(SearchResults)
        assert app.focused is results
        assert len(results.hits) == 1
        prompt = results.get_option_at_index(0).prompt
        assert str(prompt).startswith(f"{PDF_TITLE} — p. {KNOWN_WORD_PAGE}")
        assert KNOWN_WORD in str(prompt)
        await pilot.press("enter")
        await settle(pilot)
        assert preview_title(app).startswith(f"{PDF_TITLE} — p. {KNOWN_WORD_PAGE}")
        assert KNOWN_WORD in preview_body(app)

    run(textbook_platform, scenario)


def test_empty_or_wordless_searches_notify_instead_of_failing(textbook_platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await pilot.press("ctrl+f", "space", "enter")
        await settle(pilot)
        assert app.notices[-1].severity == "warning"
        await pilot.press(*"?!", "enter")
        await settle(pilot)
        assert app.notices[-1].severity == "error"
        assert "nothing to search for" in app.notices[-1].message
        await pilot.press("ctrl+u", *"zzzzqqq", "enter")
        await settle(pilot)
        results = app.query_one(SearchResults)
        assert results.hits == []
        assert "No passage matches" in str(results.get_option_at_index(0).prompt)

    run(textbook_platform, scenario)


def test_remove_asks_first_cancel_keeps_and_confirm_removes(textbook_platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        pane = app.query_one(LibraryPane)
        now = [0.0]
        pane.clock = lambda: now[0]
        app.query_one("#library-table", DataTable).focus()
        await pilot.press("enter")
        await settle(pilot)
        assert app.query_one(PagePreview).view is not None
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-no")
        await settle(pilot)
        assert rows(app) == 2
        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmModal)
        await pilot.click("#confirm-yes")
        await settle(pilot)
        assert rows(app) == 1
        assert app.query_one(PagePreview).view is None
        assert app.notices[-1].message.startswith(f"Removed “{PDF_TITLE}”. ctrl+z (undo)")
        now[0] += pane.UNDO_S
        pane.tick_removals()
        await settle(pilot)
        assert [doc.title for doc in textbook_platform.library.documents()] == ["Cells"]
        assert rows(app) == 1

    run(textbook_platform, scenario)


def test_tab_keys_wait_while_a_modal_is_open_and_escape_still_closes_it(
    textbook_platform: Session,
) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        app.query_one("#library-table", DataTable).focus()
        await pilot.press("delete")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, ConfirmModal)
        await pilot.press("f3")
        await pilot.pause()
        assert app.screen is modal and app.focused is modal.query_one("#confirm-no")
        assert app.query_one(TabbedContent).active == "library"
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, ConfirmModal) and rows(app) == 2

    run(textbook_platform, scenario)


def test_an_unexpected_service_failure_becomes_a_notification(
    textbook_platform: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_search(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(textbook_platform.library, "search", broken_search)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await pilot.press("ctrl+f", *"light", "enter")
        await settle(pilot)
        assert app.notices[-1].severity == "error"
        assert "disk on fire" in app.notices[-1].message
        await pilot.press("f1")  # still running and responsive
        await pilot.pause()
        assert app.query_one(TabbedContent).active == "learn"

    run(textbook_platform, scenario)


def test_the_library_fits_an_80_by_24_terminal(textbook_platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        for selector in ["#library-path", "#library-table", "#library-query", "#library-preview"]:
            region = app.query_one(selector).region
            assert region.height > 0 and region.bottom <= 23 and region.right <= 80, selector

    run(textbook_platform, scenario, size=(80, 24))


# path helpers -------------------------------------------------------------
SUPPORTED = {".pdf", ".md", ".txt"}


def test_path_completion_offers_folders_and_supported_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "lectures").mkdir()
    (tmp_path / "lecture.pdf").write_bytes(b"%PDF")
    (tmp_path / "photo.png").write_bytes(b"")
    (tmp_path / ".private.md").write_text("x")
    base = f"{tmp_path}{os.sep}"
    assert complete_path(base + "lecture.", SUPPORTED) == base + "lecture.pdf"
    assert complete_path(base + "lectures", SUPPORTED) == base + "lectures/"
    assert complete_path(base + "pho", SUPPORTED) is None
    assert complete_path(base + ".pri", SUPPORTED) == base + ".private.md"
    assert complete_path(base, SUPPORTED) == base + "lecture.pdf"  # hidden entries left out
    monkeypatch.setenv("HOME", str(tmp_path))
    assert complete_path("~/lectu", SUPPORTED) == "~/lecture.pdf"
    assert complete_path("~", SUPPORTED) == "~/lecture.pdf"


def test_pasted_text_becomes_paths(tmp_path: Path) -> None:
    spaced = tmp_path / "my notes.md"
    spaced.write_text("x")
    assert parse_pasted_paths(f"'{spaced}'") == [spaced]
    assert parse_pasted_paths(str(spaced).replace(" ", "\\ ")) == [spaced]
    assert parse_pasted_paths(str(spaced)) == [spaced]  # unquoted, but a file as a whole
    assert parse_pasted_paths(f"file://{str(spaced).replace(' ', '%20')}") == [spaced]
    assert parse_pasted_paths("/a/b.pdf /c/d.md\n\n/e/f.txt\n") == [
        Path("/a/b.pdf"),
        Path("/c/d.md"),
        Path("/e/f.txt"),
    ]
    assert parse_pasted_paths("   \n") == []


# snapshots ---------------------------------------------------------------
def _fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("learnplat.services.library.now_iso", lambda: "2024-01-01T00:00:00+00:00")


def still_app(platform: Session) -> LearnplatApp:
    app = LearnplatApp(platform)
    app.animation_level = "none"  # a half-slid tab underline would make snapshots flaky
    return app


async def quiet(pilot: Pilot, settled: Callable[[Pilot], Awaitable[None]] | None = None) -> None:
    """Settle, then drop what depends on timing: toasts and the input cursor's blink phase."""
    await (settled or settle)(pilot)
    pilot.app.clear_notifications()
    for text_input in pilot.app.query(Input):
        text_input.cursor_blink = False
    await pilot.pause()


def test_snapshot_empty_library_at_80x24(platform: Session, snap_compare) -> None:
    assert snap_compare(still_app(platform), terminal_size=(80, 24), run_before=quiet)


def test_snapshot_library_with_preview_and_search(
    platform: Session, docs_dir: Path, monkeypatch: pytest.MonkeyPatch, snap_compare
) -> None:
    _fixed_clock(monkeypatch)
    platform.library.ingest(make_pdf(docs_dir / "textbook.pdf"))
    platform.library.ingest(write_notes(docs_dir))

    async def run_before(pilot: Pilot) -> None:
        await settle(pilot)
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        await pilot.press("ctrl+f", *"light", "enter")
        await quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=SIZE, run_before=run_before)


def test_snapshot_teach_back_tab(platform: Session, snap_compare) -> None:
    async def run_before(pilot: Pilot) -> None:
        await pilot.press("f2")
        await quiet(pilot)

    assert snap_compare(still_app(platform), terminal_size=(80, 24), run_before=run_before)


def test_a_theme_picked_in_the_palette_is_kept_for_the_next_run(isolated_home: Path) -> None:
    from learnplat.settings import load_settings

    def open_app() -> Session:
        return Session.open(load_settings({"user": "ana"}))

    async def pick(pilot: Pilot, app: RecordingApp) -> None:
        assert app.theme != "nord"
        app.theme = "nord"  # what "Change theme" in the command palette sets
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()

    with open_app() as first:
        run(first, pick)
    assert 'theme = "nord"' in (isolated_home / "config.toml").read_text(encoding="utf-8")

    async def check(pilot: Pilot, app: RecordingApp) -> None:
        assert app.theme == "nord"

    with open_app() as second:
        run(second, check)


def test_a_saved_theme_that_no_longer_exists_is_said_and_the_default_used(
    isolated_home: Path,
) -> None:
    from learnplat.settings import load_settings

    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text('theme = "gone-theme"\n', encoding="utf-8")

    async def check(pilot: Pilot, app: RecordingApp) -> None:
        assert app.theme == "textual-dark"
        assert any("gone-theme" in notice.message for notice in app.notices)

    with Session.open(load_settings({"user": "ana"})) as session:
        run(session, check)
