"""The Learn tab's narration panel: an audio lesson's script with its [mm:ss] marks, made into
speech and played piece by piece in workers, the segment being spoken highlighted as it plays."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.timer import Timer
from textual.widgets import ProgressBar, Static
from textual.worker import Worker, WorkerState, get_current_worker

from ..domain.model import Lesson
from ..services.speech import AudioPiece, Playback, Player, PlayResult, Speech, SpeechResult
from ..services.speech.script import ESTIMATE_WPM
from .learn_views import ERROR_TIMEOUT_S, Superseded, report_error
from .widgets.learn_audio_run import NarrationRun, make_pieces, play_pieces
from .widgets.learn_audio_script import PlaybackClock, ScriptLine, ScriptView, clock_time

TICK_S = 0.1
"""How often the highlighted segment and the playback position are brought up to date."""


class AudioPanel(Vertical, can_focus=True):
    """Play, pause and stop an audio lesson's narration. Synthesis and playback run in thread
    workers that post messages; only the handlers here touch widgets. ``clock`` times the
    highlight (tests replace it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("p,space", "play", "Play", tooltip="Speak the narration (p or space)"),
        Binding("p,space", "pause", "Pause", tooltip="Pause the narration (p or space)"),
        Binding("s,escape", "stop", "Stop", tooltip="Stop the narration (s or escape)"),
    ]

    # posted by the workers ---------------------------------------------------
    class Progress(Message, bubble=False):
        def __init__(self, serial: int, done: int, total: int) -> None:
            super().__init__()
            self.serial, self.done, self.total = serial, done, total

    class PieceReady(Message, bubble=False):
        def __init__(self, serial: int, piece: AudioPiece) -> None:
            super().__init__()
            self.serial, self.piece = serial, piece

    class Made(Message, bubble=False):
        def __init__(self, serial: int, result: SpeechResult) -> None:
            super().__init__()
            self.serial, self.result = serial, result

    class PieceStarted(Message, bubble=False):
        def __init__(self, serial: int, piece: AudioPiece, player: str, lag_s: float) -> None:
            super().__init__()
            self.serial, self.piece, self.player, self.lag_s = serial, piece, player, lag_s

    class PlayFailed(Message, bubble=False):
        def __init__(self, serial: int, message: str, path: Path) -> None:
            super().__init__()
            self.serial, self.message, self.path = serial, message, path

    class PlayEnded(Message, bubble=False):
        def __init__(self, serial: int, stopped: bool) -> None:
            super().__init__()
            self.serial, self.stopped = serial, stopped

    # for the Learn tab ----------------------------------------------------------
    class ScriptShown(Message):
        """The panel shows the script now (or no longer): the lesson need not repeat it."""

        def __init__(self, shown: bool) -> None:
            super().__init__()
            self.shown = shown

    def __init__(self, speech: Speech | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self._speech = speech
        self.clock: Callable[[], float] = time.monotonic
        self.position = PlaybackClock(lambda: self.clock())
        self.lesson: Lesson | None = None
        self.result: SpeechResult | None = None
        self.ticks = 0  # how often the highlight was brought up to date
        self._serial = 0
        self._run: NarrationRun | None = None
        self._making = False
        self._playing = False  # asked to play and not yet ended (paused included)
        self._paused = False
        self._ended = ""  # why playback is over: "stopped", "ended", "unplayable", "no voice"
        self._engine = ""
        self._player = ""
        self._problem: tuple[str, Path] | None = None
        self._ticker: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Static("", markup=False, id="learn-audio-title")
        yield Static("", markup=False, id="learn-audio-status")
        yield ProgressBar(show_eta=False, id="learn-audio-progress")
        yield ScriptView(id="learn-audio-script")

    def on_mount(self) -> None:
        self._ticker = self.set_interval(TICK_S, self._tick, pause=True)

    def on_unmount(self) -> None:
        # The app is closing: no player may outlive it.
        if self._run is not None:
            run, self._run = self._run, None
            run.cancel()
            if run.playback is not None:
                run.playback.stop()

    @property
    def speech(self) -> Speech:
        if self._speech is None:
            # Not handed one: the app's composition root has it.
            session = getattr(self.app, "session", None)
            assert session is not None, "AudioPanel needs a Speech or an app with a session"
            self._speech = session.speech
        assert self._speech is not None
        return self._speech

    @property
    def script(self) -> ScriptView:
        return self.query_one(ScriptView)

    @property
    def lines(self) -> list[ScriptLine]:
        return self.script.lines

    @property
    def highlighted(self) -> int | None:
        return self.script.highlighted

    @property
    def playing(self) -> bool:
        return self._playing

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def position_s(self) -> float | None:
        """Where playback is in the audio (None before a piece has started)."""
        return self.position.position_s

    # the lesson -----------------------------------------------------------------
    async def show_lesson(self, lesson: Lesson) -> None:
        """Get ready to narrate ``lesson``: its script with the tutor's marks, nothing playing."""
        await self.clear()
        self.lesson = lesson
        self.query_one("#learn-audio-title", Static).update(lesson.title)
        await self.script.show(lesson.narration)
        self._show_status()

    async def clear(self) -> None:
        """Stop and forget everything: a new lesson is coming."""
        self._cancel_run()
        self._serial += 1
        self.lesson = self.result = None
        self._making = self._playing = self._paused = False
        self._ended = self._engine = self._player = ""
        self._problem = None
        self.position.reset()
        self.position.ready_end_s = 0.0
        self.set_class(False, "-narrating")
        self.post_message(self.ScriptShown(False))
        self.query_one(ProgressBar).update(total=None, progress=0)
        await self.script.clear()
        self._show_status()
        self.refresh_bindings()

    def _cancel_run(self) -> None:
        if self._run is not None:
            self._run.cancel()
            self._run = None
        self.workers.cancel_group(self, "learn-audio-make")
        self.workers.cancel_group(self, "learn-audio-play")
        if self._ticker is not None:
            self._ticker.pause()

    # keyboard ---------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "play":
            return self.lesson is not None and (not self._playing or self._paused)
        if action == "pause":
            return self._playing and not self._paused
        if action == "stop":
            return self._playing or self._making
        return True

    def action_play(self) -> None:
        """Play (or resume) the narration; while it plays, pause it."""
        if self.lesson is None or not self.lesson.narration:
            self.notify(
                "Learn an audio lesson first: there is nothing to narrate.", severity="warning"
            )
        elif self._playing and self._paused:
            self._resume()
        elif self._playing:
            self.action_pause()
        else:
            self._start()

    def action_pause(self) -> None:
        if not self._playing or self._paused or self._run is None:
            return
        playback = self._run.playback
        if playback is not None and not playback.can_pause:
            self.notify(
                f"{playback.player} cannot pause: press s to stop instead.",
                title="Narration",
                severity="warning",
                markup=False,
            )
            return
        self._run.paused.set()
        if playback is not None:
            playback.pause()  # a signal to the player: it does not block
        self._paused = True
        self.position.pause()
        self._after_change()

    def _resume(self) -> None:
        if self._run is None:
            return
        self._run.paused.clear()
        playback = self._run.playback
        if playback is not None:
            playback.resume()
        self.position.resume()
        self._paused = False
        self._after_change()

    def action_stop(self) -> None:
        """Stop playing. A narration still being made is finished and saved all the same."""
        if self._run is not None:
            self._run.stop()  # the playing worker stops the player
        if self._playing:
            self._end_playback("stopped")

    def _start(self) -> None:
        assert self.lesson is not None
        self._cancel_run()
        self._serial += 1
        self._playing, self._paused = True, False
        self._ended, self._problem, self._player = "", None, ""
        self.position.reset()
        self.script.highlight(None)
        player = self.speech.player
        if self.result is not None and self.result.path is not None and not self._making:
            run = NarrationRun.replaying(self._serial, self.lesson, self.result)
        else:
            run = NarrationRun(self._serial, self.lesson)
            self._making = True
            self.script.forget_marks()
            self.position.ready_end_s = 0.0
            self.query_one(ProgressBar).update(total=None, progress=0)
            self._make(run, self.speech)
        self._run = run
        self._play(run, player)
        self.set_class(True, "-narrating")
        self.post_message(self.ScriptShown(True))
        self._after_change()

    def _end_playback(self, why: str) -> None:
        self._playing = self._paused = False
        self.position.reset()
        self._ended = why
        if self._ticker is not None:
            self._ticker.pause()
        self.script.highlight(None)
        if self.result is not None and self.result.has_audio and not self._making:
            done = why == "ended"
            self.query_one(ProgressBar).update(
                total=self.result.duration_s, progress=self.result.duration_s if done else 0
            )
        self._after_change()

    def _after_change(self) -> None:
        self._show_status()
        self.refresh_bindings()

    # messages from the workers ----------------------------------------------------
    @on(Progress)
    def _progress(self, event: Progress) -> None:
        if event.serial == self._serial:
            self.query_one(ProgressBar).update(total=event.total, progress=event.done)

    @on(PieceReady)
    def _piece_ready(self, event: PieceReady) -> None:
        if event.serial != self._serial:
            return
        piece = event.piece
        if piece.index == 0 and self.script.known:
            # Another voice starts over (the last one failed part-way).
            self.script.forget_marks()
            self.position.ready_end_s = 0.0
        self._engine = piece.engine_name
        end_s = piece.start_s + piece.duration_s
        self.position.ready_end_s = max(self.position.ready_end_s, end_s)
        self.script.mark_from_audio(piece.segment_index, piece.start_s)
        self._show_status()

    @on(Made)
    def _made(self, event: Made) -> None:
        if event.serial != self._serial:
            return
        result = self.result = event.result
        self._making = False
        if result.has_audio:
            self.script.all_marks_from_audio(result.segments)
            self.position.ready_end_s = result.duration_s
        if not self.position.sounding:
            self.query_one(ProgressBar).update(total=1, progress=1)
        for notice in result.notices:
            self.notify(
                notice,
                title="Narration",
                severity="warning",
                timeout=ERROR_TIMEOUT_S,
                markup=False,
            )
        if not result.has_audio and self._playing:
            self._end_playback("no voice")
        if self._problem is not None:
            self._warn_unplayable()
        self._after_change()

    @on(PieceStarted)
    def _piece_started(self, event: PieceStarted) -> None:
        if event.serial != self._serial or not self._playing:
            return
        self._player = event.player
        # The position starts where the piece starts, plus what played before it was reported.
        self.position.piece_started(event.piece.start_s + event.lag_s, paused=self._paused)
        if self._paused and self._run is not None and self._run.playback is not None:
            self._run.playback.pause()  # paused as this piece was starting: it must not play
        if self._ticker is not None:
            self._ticker.resume()
        self._tick()
        self._after_change()

    @on(PlayFailed)
    def _play_failed(self, event: PlayFailed) -> None:
        if event.serial != self._serial:
            return
        self._problem = (event.message, event.path)
        self._end_playback("unplayable")
        if not self._making:
            self._warn_unplayable()

    @on(PlayEnded)
    def _play_ended(self, event: PlayEnded) -> None:
        if event.serial == self._serial and self._playing:
            self._end_playback("stopped" if event.stopped else "ended")

    def _warn_unplayable(self) -> None:
        """Say once why nothing plays, naming where the audio is saved (not the piece)."""
        assert self._problem is not None
        message, piece_path = self._problem
        self._problem = None
        saved = self.result.path if self.result is not None else None
        if saved is not None:
            message = message.replace(str(piece_path), str(saved))
        self.notify(
            message, title="Narration", severity="warning", timeout=ERROR_TIMEOUT_S, markup=False
        )

    async def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if not event.worker.group.startswith("learn-audio-"):
            return
        event.stop()  # said here, not again by the Learn tab
        if event.state != WorkerState.ERROR or isinstance(event.worker.error, Superseded):
            return
        if event.worker.group == "learn-audio-make":
            self._making = False
        else:
            self.result = None  # e.g. the saved file is gone: make it again next time
        if self._playing:
            self._end_playback("stopped")
        report_error(self, event.worker, "Narration")
        self._after_change()

    # the highlight -------------------------------------------------------------------
    def _tick(self) -> None:
        self.ticks += 1
        position = self.position_s
        if position is None:
            return
        if not self._making and self.result is not None and self.result.duration_s:
            self.query_one(ProgressBar).update(total=self.result.duration_s, progress=position)
        self.script.highlight(self.script.segment_at(position))
        self._show_status()

    # the status line -----------------------------------------------------------------
    def _show_status(self) -> None:
        self.query_one("#learn-audio-status", Static).update(self.status_text())

    def status_text(self) -> str:
        """What is happening, then what was made: engine, voice, duration, where it is saved."""
        if self.lesson is None:
            return ""
        result = self.result
        total = result.duration_s if result is not None and result.has_audio else None
        length = clock_time(total) if total else f"about {clock_time(self._estimate())}"
        if self._playing and self._paused:
            state = f"⏸ Paused at {clock_time(self.position_s or 0)} / {length} · p resumes"
        elif self._playing and self.position.sounding:
            where = clock_time(self.position_s or 0)
            player = f" with {self._player}" if self._player else ""
            state = f"▶ Playing {where} / {length}{player}"
        elif self._playing or self._making:
            engine = f" with {self._engine}" if self._engine else ""
            state = f"Making the narration{engine}…"
        elif self._ended == "unplayable":
            state = "No audio output here: the narration is saved; follow the script"
        elif self._ended == "no voice":
            state = "No voice could speak here: the script only"
        elif self._ended == "stopped":
            state = "■ Stopped · p plays it again"
        elif self._ended == "ended":
            state = "Played to the end · p plays it again"
        else:
            state = f"Narration, {length} · p plays it"
        if result is None or not result.has_audio:
            return state
        details = [
            result.engine_name or "",
            f"voice {result.voice_name}" if result.voice_name else "",
            clock_time(result.duration_s),
            f"saved at {result.path}",
        ]
        return state + "\n" + " · ".join(detail for detail in details if detail)

    def _estimate(self) -> float:
        """The tutor's idea of the length: the last mark plus a guess for the last segment."""
        if self.lesson is None or not self.lesson.narration:
            return 0.0
        last = self.lesson.narration[-1]
        return last.start_s + len(last.text.split()) * 60 / ESTIMATE_WPM

    # workers: the service calls, their results posted back --------------------------
    @work(thread=True, exclusive=True, exit_on_error=False, group="learn-audio-make")
    def _make(self, run: NarrationRun, speech: Speech) -> None:
        worker = get_current_worker()

        def wanted() -> None:
            if worker.is_cancelled or run.cancelled.is_set():
                raise Superseded  # a new lesson, or the app is closing: stop making this one

        def on_ready(piece: AudioPiece) -> None:
            wanted()
            self.post_message(self.PieceReady(run.serial, replace(piece, audio=b"")))

        def on_progress(done: int, total: int) -> None:
            wanted()
            self.post_message(self.Progress(run.serial, done, total))

        result = make_pieces(run, speech, on_ready, on_progress)
        if not worker.is_cancelled:
            self.post_message(self.Made(run.serial, result))

    @work(thread=True, exclusive=True, exit_on_error=False, group="learn-audio-play")
    def _play(self, run: NarrationRun, player: Player) -> None:
        worker = get_current_worker()

        def on_started(
            piece: AudioPiece, started: PlayResult, playback: Playback, lag_s: float
        ) -> None:
            name = started.player or ""
            self.post_message(self.PieceStarted(run.serial, piece, name, lag_s))

        def on_failed(message: str, piece_path: Path) -> None:
            self.post_message(self.PlayFailed(run.serial, message, piece_path))

        ended = play_pieces(run, player, lambda: worker.is_cancelled, on_started, on_failed)
        if ended and not worker.is_cancelled:
            self.post_message(self.PlayEnded(run.serial, run.stopped.is_set()))
