"""The narration script as the Learn tab shows it (a line per segment with its [mm:ss] mark, the
one being spoken highlighted), and the clock that says how far playback has got."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...domain.model import NarrationSegment
from ...tutors.render import timestamp


def clock_time(seconds: float) -> str:
    """``mm:ss``, as in the script's marks."""
    return timestamp(seconds)[1:-1]


def script_line(start_s: float, said: str) -> Text:
    return Text.assemble((timestamp(start_s), "bold"), " ", said)


class ScriptLine(Static):
    """One narration segment: its mark, then what is said."""

    def __init__(self, index: int, start_s: float, said: str) -> None:
        super().__init__(script_line(start_s, said), classes="learn-audio-line")
        self.index = index
        self.start_s = start_s
        self.said = said

    def set_mark(self, start_s: float) -> None:
        if start_s != self.start_s:
            self.start_s = start_s
            self.update(script_line(start_s, self.said))


class ScriptView(VerticalScroll, can_focus=False):
    """The script, scrolled on its own so that what sits above it stays in sight.

    Marks start as the tutor's estimates; ``known`` counts the segments, from the first, whose
    marks come from the audio made so far. Only those can be highlighted: an estimate could
    point past audio that does not exist yet.
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.known = 0
        self.highlighted: int | None = None

    @property
    def lines(self) -> list[ScriptLine]:
        return list(self.query(ScriptLine))

    async def show(self, segments: Sequence[NarrationSegment]) -> None:
        await self.clear()
        await self.mount_all(
            ScriptLine(index, segment.start_s, segment.text)
            for index, segment in enumerate(segments)
        )

    async def clear(self) -> None:
        self.known = 0
        self.highlighted = None
        await self.remove_children()

    def forget_marks(self) -> None:
        """The audio is being made again (another voice): no mark is known from it yet."""
        self.known = 0

    def mark_from_audio(self, index: int, start_s: float) -> None:
        """Segment ``index`` starts at ``start_s`` in the audio; marks arrive in order."""
        lines = self.lines
        if index == self.known and index < len(lines):
            lines[index].set_mark(start_s)
            self.known += 1

    def all_marks_from_audio(self, segments: Sequence[NarrationSegment]) -> None:
        lines = self.lines
        for line, segment in zip(lines, segments, strict=False):
            line.set_mark(segment.start_s)
        self.known = min(len(lines), len(segments))

    def segment_at(self, position_s: float) -> int | None:
        """The segment being spoken at ``position_s``: the last known to start by then."""
        current = None
        for line in self.lines[: self.known]:
            if line.start_s > position_s:
                break
            current = line.index
        return current

    def highlight(self, index: int | None) -> None:
        if index == self.highlighted:
            return
        self.highlighted = index
        for line in self.lines:
            line.set_class(line.index == index, "-current")
            if line.index == index:
                line.scroll_visible(animate=False)


class PlaybackClock:
    """Where playback is in the audio: the start of the piece playing, plus the time since it
    started by ``clock`` less the time spent paused; never past the audio made so far."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self.clock = clock
        self.ready_end_s = 0.0
        self.reset()

    def reset(self) -> None:
        self.sounding = False  # a piece has started: the position means something
        self._anchor_s = 0.0
        self._anchor_clock = 0.0
        self._paused_total = 0.0
        self._paused_at: float | None = None

    def piece_started(self, start_s: float, paused: bool = False) -> None:
        self.reset()
        self.sounding = True
        self._anchor_s, self._anchor_clock = start_s, self.clock()
        if paused:
            self._paused_at = self._anchor_clock

    def pause(self) -> None:
        if self._paused_at is None:
            self._paused_at = self.clock()

    def resume(self) -> None:
        if self._paused_at is not None:
            self._paused_total += self.clock() - self._paused_at
            self._paused_at = None

    @property
    def position_s(self) -> float | None:
        if not self.sounding:
            return None
        now = self.clock()
        paused = self._paused_total + (now - self._paused_at if self._paused_at is not None else 0)
        position = self._anchor_s + max(0.0, now - self._anchor_clock - paused)
        return min(position, self.ready_end_s)
