"""The thread side of narrated playback: what one Play shares between the worker that makes the
audio, the worker that plays it piece by piece, and the panel that steers both."""

from __future__ import annotations

import queue
import shutil
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ...domain.model import Lesson
from ...services.speech import AudioPiece, Playback, Player, PlayResult, Speech, SpeechResult

POLL_S = 0.1
"""How often a waiting worker looks whether it was stopped, paused or cancelled."""

Wanted = Callable[[], bool]


def whole_file(result: SpeechResult) -> AudioPiece:
    """A saved narration as one piece, to play it again without making it again."""
    assert result.path is not None and result.format is not None
    return AudioPiece(
        index=0,
        segment_index=0,
        start_s=0.0,
        duration_s=result.duration_s,
        format=result.format,
        text="",
        audio=b"",
        engine_name=result.engine_name or "",
        path=result.path,
    )


@dataclass(eq=False)
class NarrationRun:
    """One Play: the pieces to play in order (None ends them), and the learner's wishes.

    ``stopped`` ends playback (synthesis goes on, so the file is still saved); ``cancelled``
    abandons everything (a new lesson, the app closing). ``paused`` holds the next piece back.
    ``playback`` is the sound playing now, set by the playing worker. The temporary folder of
    pieces is removed by whichever of the workers using it finishes last.
    """

    serial: int
    lesson: Lesson
    users: int = 2
    pieces: queue.Queue[AudioPiece | None] = field(default_factory=queue.Queue)
    stopped: threading.Event = field(default_factory=threading.Event)
    cancelled: threading.Event = field(default_factory=threading.Event)
    paused: threading.Event = field(default_factory=threading.Event)
    playback: Playback | None = None
    parts_dir: Path | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _last_segment: int = -1
    _resume_segment: int = -1

    @classmethod
    def replaying(cls, serial: int, lesson: Lesson, result: SpeechResult) -> NarrationRun:
        """A run that plays a narration saved earlier: no synthesis, one piece."""
        run = cls(serial, lesson, users=1)
        run.pieces.put(whole_file(result))
        run.pieces.put(None)
        return run

    def stop(self) -> None:
        self.stopped.set()
        self.paused.clear()

    def cancel(self) -> None:
        self.cancelled.set()
        self.stop()

    def offer(self, piece: AudioPiece) -> None:
        """Queue a piece to play. When a voice fails part-way the next voice starts again at
        piece 0: its pieces before the segment that was playing are skipped, not said twice."""
        if piece.index == 0 and self._last_segment >= 0:
            self._resume_segment = self._last_segment
        if piece.segment_index < self._resume_segment:
            return
        self._last_segment = piece.segment_index
        self.pieces.put(piece)

    def end_of_pieces(self) -> None:
        self.pieces.put(None)

    def next_piece(self, wanted: Wanted) -> AudioPiece | None:
        """The next piece to play, waiting for synthesis; None at the end or when not wanted."""
        while wanted():
            try:
                return self.pieces.get(timeout=POLL_S)
            except queue.Empty:
                continue
        return None

    def hold_while_paused(self, wanted: Wanted) -> None:
        while self.paused.is_set() and wanted():
            self.stopped.wait(POLL_S)

    def release(self) -> None:
        """One worker is done with the run; the last one removes the folder of pieces."""
        with self._lock:
            self.users -= 1
            last = self.users <= 0
        if last and self.parts_dir is not None:
            shutil.rmtree(self.parts_dir, ignore_errors=True)


def make_pieces(
    run: NarrationRun,
    speech: Speech,
    on_ready: Callable[[AudioPiece], None],
    on_progress: Callable[[int, int], None],
) -> SpeechResult:
    """Narrate the run's lesson into the speech service's default file, queueing each piece for
    the player as soon as it is made (after ``on_ready``, which may raise to stop). Returns what
    ``Speech.narrate_progressively`` does; raises what it raises."""
    try:
        out = speech.default_path(run.lesson)
        run.parts_dir = Path(tempfile.mkdtemp(prefix="learnplat-narration-"))

        def ready(piece: AudioPiece) -> None:
            on_ready(piece)
            run.offer(piece)

        return speech.narrate_progressively(
            run.lesson, run.parts_dir, ready, out=out, on_progress=on_progress
        )
    finally:
        run.end_of_pieces()
        run.release()


def play_pieces(
    run: NarrationRun,
    player: Player,
    cancelled: Callable[[], bool],
    on_started: Callable[[AudioPiece, PlayResult, Playback, float], None],
    on_failed: Callable[[str, Path], None],
) -> bool:
    """Play the run's pieces in order, each when the one before has ended, until they run out,
    the run is stopped or ``cancelled()``. Returns False when a piece could not be played
    (``on_failed`` got the player's message and the piece's path), else True."""

    def wanted() -> bool:
        return not (cancelled() or run.stopped.is_set())

    try:
        while (piece := run.next_piece(wanted)) is not None:
            run.hold_while_paused(wanted)
            if not wanted():
                break
            assert piece.path is not None
            asked_at = time.monotonic()
            started = player.start(piece.path)
            # start() returns once the player has survived its startup check: it has been
            # playing for about that long already.
            lag_s = time.monotonic() - asked_at
            playback = started.playback
            if not started.played or playback is None:
                on_failed(started.message, piece.path)
                return False
            run.playback = playback
            on_started(piece, started, playback, lag_s)
            while not playback.wait(POLL_S):
                if not wanted():
                    playback.stop()
                    break
            run.playback = None
            code = getattr(playback, "returncode", 0)
            if wanted() and code not in (0, None):
                on_failed(
                    f"{playback.player} stopped (exit code {code}): "
                    f"the audio is saved at {piece.path}",
                    piece.path,
                )
                return False
        return True
    finally:
        run.release()
