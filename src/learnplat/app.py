"""The Textual app: header, the five tabs, app-wide bindings (the keys screen, undoing a
removal) and command-palette entries."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import ClassVar

from textual import events
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme
from textual.widget import Widget
from textual.widgets import Footer, Header, Input, TabbedContent, TabPane, Tabs, TextArea

from .core import Session
from .screens.challenges import ChallengesPane
from .screens.learn import LearnPane, QuizMe, TeachItBack
from .screens.library import LibraryPane
from .screens.progress import ProgressPane
from .screens.teach import TeachPane
from .screens.widgets.keys import KeySection, KeysScreen, key_rows, own_bindings
from .screens.widgets.path_input import parse_pasted_paths

# (tab id, label, key); the order is the order of the tab bar.
TABS: tuple[tuple[str, str, str], ...] = (
    ("learn", "Learn", "f1"),
    ("teach", "Teach Back", "f2"),
    ("challenges", "Challenges", "f3"),
    ("library", "Library", "f4"),
    ("progress", "Progress", "f5"),
)
# Seconds after start-up before the lesson builder loads in the background (its imports hold
# the interpreter for a fifth of a second: not while the first screen is drawn).
WARM_UP_DELAY = 1.0
_TAB_GROUP = Binding.Group("Tabs")


class LearnplatApp(App[None]):
    """learnplat in the terminal; every area is a tab, the services come from ``session``."""

    # Absolute, so that subclasses defined elsewhere (tests) find the stylesheet too.
    CSS_PATH = Path(__file__).with_name("learnplat.tcss")
    TITLE = "learnplat"
    # The tab the app opens on invites a path: the focus is there from the start, so that
    # keys typed while the app starts are text in it (on_mount makes sure of it).
    AUTO_FOCUS = "#library-path"
    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            # Priority, so the keys switch tabs even while an Input has focus.
            Binding(key, f"show_tab('{tab_id}')", label, priority=True, group=_TAB_GROUP,
                    tooltip=f"Go to the {label} tab")
            for tab_id, label, key in TABS
        ),
        Binding("ctrl+q", "quit", "Quit", priority=True),
        # Not priority: in a text box ? and ctrl+z are the box's (a character, its own undo).
        Binding("question_mark", "show_keys", "Keys", tooltip="What every key does, tab by tab"),
        Binding("ctrl+z", "undo_remove", "Undo",
                tooltip="Bring back the document just removed (for a few seconds)"),
    ]

    def __init__(self, session: Session) -> None:
        super().__init__()
        self.session = session
        settings = session.settings
        self.sub_title = f"{settings.user} · {settings.provider}"
        # The theme picked last time (the command palette's "Change theme"), when it still exists.
        self._saved_theme = settings.theme
        self._theme_lock = threading.Lock()
        if settings.theme in self.available_themes:
            self.theme = settings.theme

    def compose(self) -> ComposeResult:
        panes: dict[str, Callable[[], Widget]] = {
            "learn": lambda: LearnPane(
                self.session.learning,
                self.session.library,
                speech=self.session.speech,
                id="learn-pane",
            ),
            "teach": lambda: TeachPane(
                self.session.teachback,
                self.session.community,
                self.session.learning.topics,
                id="teach-pane",
            ),
            "challenges": lambda: ChallengesPane(
                self.session.game,
                self.session.library,
                self.session.learning.topics,
                id="challenges-pane",
            ),
            "library": lambda: LibraryPane(self.session.library, id="library-pane"),
            "progress": lambda: ProgressPane(
                self.session.game, self.session.community, id="progress-pane"
            ),
        }
        yield Header()
        with TabbedContent(initial="library", id="tabs"):
            for tab_id, label, _key in TABS:
                with TabPane(label, id=tab_id):
                    yield panes[tab_id]()
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        if self._saved_theme and self._saved_theme not in self.available_themes:
            self.notify(
                f"The saved theme {self._saved_theme!r} is not available; using {self.theme!r}.",
                severity="warning",
            )
        self.call_after_refresh(self._initial_focus)
        # Once the first screen is up, the lesson builder loads in the background.
        self.set_timer(WARM_UP_DELAY, self.session.learning.warm_up)

    def _remember_theme(self, theme: Theme) -> None:
        """Keep a theme picked in the command palette for the next run (config.toml)."""
        if theme.name == self._saved_theme:
            return
        self._saved_theme = theme.name
        self.run_worker(self._save_theme, thread=True, group="theme", exit_on_error=False)

    def _save_theme(self) -> None:
        """Write the theme chosen last (themes tried one after another may queue several
        workers: each writes the latest, one at a time)."""
        from .errors import LearnplatError
        from .settings import set_config

        try:
            with self._theme_lock:
                set_config(self.session.settings.config_path, "theme", self._saved_theme)
        except LearnplatError as exc:
            self.call_from_thread(
                self.notify, f"The theme is not kept: {exc.message}", severity="warning"
            )

    def _initial_focus(self) -> None:
        if self.focused is None and self.query_one(TabbedContent).active in ("", "library"):
            self.library_pane.focus_default()

    @property
    def library_pane(self) -> LibraryPane:
        return self.query_one(LibraryPane)

    @property
    def learn_pane(self) -> LearnPane:
        return self.query_one(LearnPane)

    @property
    def teach_pane(self) -> TeachPane:
        return self.query_one(TeachPane)

    @property
    def challenges_pane(self) -> ChallengesPane:
        return self.query_one(ChallengesPane)

    @property
    def progress_pane(self) -> ProgressPane:
        return self.query_one(ProgressPane)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_keys":
            # Where ? is typed as a character the footer does not offer it (the palette does).
            return not isinstance(self.focused, (Input, TextArea))
        if action == "undo_remove":
            panes = self.query(LibraryPane)
            return bool(panes) and bool(panes.first().removals)
        return True

    def action_undo_remove(self) -> None:
        """Bring back the document removed last, from whichever tab."""
        self.library_pane.action_undo_remove()

    def action_show_keys(self) -> None:
        """The keys screen: every tab's keys, read from the bindings of what is on it."""
        if isinstance(self.screen, KeysScreen):
            self.screen.dismiss(None)
            return
        everywhere = [
            *own_bindings([self]),
            *Binding.make_bindings(Screen.BINDINGS[:2]),  # tab and shift+tab
            Binding(self.COMMAND_PALETTE_BINDING, "command_palette", "Command palette",
                    tooltip="Find any action by name, and its key"),
        ]
        sections = [KeySection("Everywhere", key_rows(self, everywhere))]
        tabbed = self.query_one(TabbedContent)
        current = ""
        for tab_id, label, _key in TABS:
            pane = tabbed.query_one(f"#{tab_id}", TabPane).children[0]
            bindings = own_bindings(pane.walk_children(with_self=True))
            sections.append(KeySection(label, key_rows(self, bindings)))
            if tab_id == tabbed.active:
                current = label
        self.push_screen(KeysScreen(sections, current))

    def on_teach_it_back(self, event: TeachItBack) -> None:
        self.action_show_tab("teach")
        self.teach_pane.start(event.topic, event.level)

    def on_quiz_me(self, event: QuizMe) -> None:
        self.action_show_tab("challenges")
        self.challenges_pane.quiz_on(event.topic, event.level, event.doc_id)

    def action_show_tab(self, tab_id: str) -> None:
        """Switch to a tab and put the focus where its keys work."""
        if len(self.screen_stack) > 1:
            return  # a modal is open: it keeps the keys and the focus until it is closed
        tabbed = self.query_one(TabbedContent)
        # Move focus off the old pane first: a focused widget that gets hidden hands focus to a
        # sibling in its pane, and that pane's TabPane.Focused would switch the tab right back.
        self.screen.set_focus(tabbed.query_one(Tabs))
        tabbed.active = tab_id
        self.call_after_refresh(self._focus_tab, tab_id)

    def _focus_tab(self, tab_id: str) -> None:
        if tab_id == "library":
            self.library_pane.focus_default()
        elif tab_id == "learn":
            self.learn_pane.focus_default()
        elif tab_id == "teach":
            self.teach_pane.focus_default()
        elif tab_id == "challenges":
            self.challenges_pane.focus_default()
        elif tab_id == "progress":
            self.progress_pane.focus_default()
        else:
            self.query_one(TabbedContent).query_one(Tabs).focus()

    def _in_library(self, action: str) -> None:
        self.action_show_tab("library")
        self.call_after_refresh(getattr(self.library_pane, f"action_{action}"))

    def _in_learn(self, action: str) -> None:
        self.action_show_tab("learn")
        self.call_after_refresh(getattr(self.learn_pane, f"action_{action}"))

    def _in_teach(self, action: str) -> None:
        self.action_show_tab("teach")
        self.call_after_refresh(getattr(self.teach_pane, f"action_{action}"))

    def _in_challenges(self, action: str, *arguments: object) -> None:
        self.action_show_tab("challenges")
        self.call_after_refresh(getattr(self.challenges_pane, f"action_{action}"), *arguments)

    def _in_progress(self, action: str) -> None:
        self.action_show_tab("progress")
        self.call_after_refresh(getattr(self.progress_pane, f"action_{action}"))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Keys: what each key does", "Every tab's keys, read from the app (?)",
            self.action_show_keys,
        )
        for tab_id, label, key in TABS:
            yield SystemCommand(
                f"Go to {label}", f"Switch to the {label} tab ({key})",
                partial(self.action_show_tab, tab_id),
            )
        library_commands = (
            ("Library: add a file by path", "Type or paste a file's path (escape)", "focus_path"),
            ("Library: browse for a file", "Pick a PDF, DOCX, TXT or Markdown file (ctrl+o)",
             "browse"),
            ("Library: search", "Search the text of your documents (ctrl+f)", "focus_search"),
            ("Library: remove the selected document",
             "Asks first; ctrl+z brings it back for a few seconds (delete on the table)",
             "remove"),
        )
        for title, help_text, action in library_commands:
            yield SystemCommand(title, help_text, partial(self._in_library, action))
        removed = self.library_pane.removals.last
        if removed is not None:
            yield SystemCommand(
                "Library: undo the last removal", f"Bring back “{removed.title}” (ctrl+z)",
                self.action_undo_remove,
            )
        learn_commands = (
            ("Learn: make the lesson", "Learn the typed topic at the chosen level (ctrl+l)",
             "learn"),
            ("Learn: pick sources", "Choose documents to ground lessons in (ctrl+o)", "sources"),
            ("Learn: export the lesson", "Write it as Markdown, Mermaid or EPUB (ctrl+e)",
             "export"),
            ("Learn: ask a follow-up", "Ask about a chat lesson (ctrl+f)", "focus_follow_up"),
            ("Learn: type a new topic", "Back to the topic box (escape)", "focus_topic"),
            ("Learn: quiz me on this", "A round on what the lesson covered (ctrl+g)", "quiz"),
            ("Learn: teach it back", "Explain this topic in your own words (ctrl+t)",
             "teach_back"),
        )
        learn_commands += (
            ("Learn: play or pause the narration", "Speak an audio lesson's narration (p)",
             "play_narration"),
            ("Learn: stop the narration", "Stop playing it (s)", "stop_narration"),
        )
        for title, help_text, action in learn_commands:
            yield SystemCommand(title, help_text, partial(self._in_learn, action))
        teach_commands = (
            ("Teach: submit the explanation", "Grade what is in the editor (ctrl+s)", "submit"),
            ("Teach: switch editor / community",
             "The editor and your grade, or the feed and leaderboard (ctrl+o)", "toggle_view"),
            ("Teach: upvote the selected explanation", "Or take your upvote back (ctrl+u)",
             "toggle_vote"),
            ("Teach: sort the feed", "Most upvoted or newest first (s)", "toggle_sort"),
            ("Teach: filter the feed by topic", "Only the typed topic, or all (f)",
             "toggle_filter"),
            ("Teach: leaderboard of this week / all time", "Switch the board's period (w)",
             "toggle_board"),
            ("Teach: pick sources",
             "Choose the documents explanations are graded against (ctrl+g)", "sources"),
            ("Teach: pending explanations",
             "The explanations whose grading failed, to grade again (ctrl+l)", "pending"),
            ("Teach: grade the selected pending explanation again",
             "The one selected in the pending list (enter there)", "regrade_selected"),
            ("Teach: grade all pending explanations again",
             "Every explanation whose grading failed (ctrl+r)", "regrade"),
        )
        for title, help_text, action in teach_commands:
            yield SystemCommand(title, help_text, partial(self._in_teach, action))
        yield from self._challenges_commands()
        yield SystemCommand(
            "Progress: refresh", "Read your stats and plots again (ctrl+r)",
            partial(self._in_progress, "refresh"),
        )

    def _challenges_commands(self) -> Iterable[SystemCommand]:
        commands: tuple[tuple[str, str, str, tuple[object, ...]], ...] = (
            ("Challenges: play a round", "Of the questions the pickers choose (ctrl+n)",
             "play", ()),
            ("Challenges: play questions from my notes", "Pick one of your documents",
             "pick_mode", ("document",)),
            ("Challenges: review what is due", "Questions due for review come first",
             "pick_mode", ("review",)),
            ("Challenges: next question", "After the feedback (enter)", "next", ()),
            ("Challenges: end the round", "An open question counts as unanswered (escape)",
             "end_round", ()),
            ("Challenges: leaderboard of this week / all time", "Switch the board's period (w)",
             "toggle_board", ()),
            ("Challenges: leaderboard of the category / all",
             "The picked category's board, or everyone's (c)", "toggle_board_category", ()),
        )
        for title, help_text, action, arguments in commands:
            yield SystemCommand(title, help_text, partial(self._in_challenges, action, *arguments))
        for index, letter in enumerate("ABCD"):
            yield SystemCommand(
                f"Challenges: answer {letter}", f"The open question's option {index + 1}",
                partial(self._in_challenges, "answer", index),
            )

    def on_paste(self, event: events.Paste) -> None:
        """A paste nobody else took (e.g. files dropped on the tab bar) goes to the Library."""
        if len(self.screen_stack) > 1:
            return
        if self.query_one(TabbedContent).active != "library":
            if not any(path.exists() for path in parse_pasted_paths(event.text)):
                return
            self.action_show_tab("library")
        self.library_pane.ingest_pasted(event.text)
