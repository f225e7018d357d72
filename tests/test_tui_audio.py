"""The Learn tab's narration panel driven with Pilot: real espeak-ng, fake players, a fake clock."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown, ProgressBar

from learnplat.core import Session
from learnplat.screens.learn import LearnPane
from learnplat.screens.learn_audio import AudioPanel, clock_time
from learnplat.services.speech import Player, PlayResult, Speech
from tests.conftest import require_program
from tests.test_tui import RecordingApp, run
from tests.test_tui_learn import learn, open_learn, rendered_text, settle
from tests.test_tui_learn import lesson_source as lesson_markdown


class FakeClock:
    """Stands in for time.monotonic: moves only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def no_audio_output(platform: Session) -> None:
    """This machine, as any without a sound device or player: nothing can play."""
    platform.speech.player = Player(candidates=[], use_simpleaudio=False)


def fake_player(platform: Session, folder: Path) -> Path:
    """A player that 'plays' every file until it is killed, noting its process id in a file."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    pids = folder / "player-pids"
    script = bin_dir / "fakeplay"
    script.write_text(f'#!/bin/sh\necho $$ >> "{pids}"\nexec sleep 30\n')
    script.chmod(0o755)
    platform.speech.player = Player(
        candidates=["fakeplay"], search_path=str(bin_dir), use_simpleaudio=False, startup_s=0.05
    )
    return pids


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def process_state(pid: int) -> str:
    """The kernel's state letter for ``pid``: S sleeping, T stopped (paused)."""
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]


async def until(pilot: Pilot, condition: Callable[[], bool], what: str) -> None:
    """Let the app run, a frame at a time, until ``condition`` holds (a worker to report)."""
    for _ in range(500):
        if condition():
            return
        await pilot.pause()
    raise AssertionError(f"timed out waiting for {what}")


async def made(pilot: Pilot) -> None:
    """Wait until the narration is made and what its worker posted is handled."""
    making = [worker for worker in pilot.app.workers if worker.group == "learn-audio-make"]
    if making:  # (an empty list would mean every worker, the player's too)
        await pilot.app.workers.wait_for_complete(making)
    await pilot.pause()
    await pilot.pause()


async def audio_lesson(pilot: Pilot) -> AudioPanel:
    await open_learn(pilot)
    await learn(pilot, "photosynthesis", format="audio")
    return pilot.app.query_one(AudioPanel)


async def start_playing(pilot: Pilot, pids: Path) -> tuple[AudioPanel, FakeClock, int]:
    panel = await audio_lesson(pilot)
    clock = FakeClock()
    panel.clock = clock
    await pilot.press("p")
    await made(pilot)
    await until(pilot, lambda: panel.position_s is not None, "the first piece to play")
    pid = int(pids.read_text().split()[0])
    return panel, clock, pid


# the panel ---------------------------------------------------------------------------------
def test_an_audio_lesson_shows_its_narration_ready_to_play(platform: Session) -> None:
    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel = await audio_lesson(pilot)
        assert panel.display and panel.region.height > 0
        assert app.focused is panel  # p plays at once (in the topic input it is a letter)
        assert "p plays it" in str(panel.query_one("#learn-audio-status").render())
        lines = panel.lines
        assert len(lines) == len(app.query_one(LearnPane).lesson.narration)
        assert str(lines[0].render()).startswith("[00:00] This is a beginner lesson")
        # Until it plays, the lesson shows the script itself.
        assert "[00:00]" in rendered_text(app.query_one("#learn-lesson", Markdown))
        shown = {binding.action for (_, binding, _, _) in app.screen.active_bindings.values()}
        assert "play" in shown and "pause" not in shown and "stop" not in shown

        await learn(pilot, "photosynthesis", format="chat")
        assert not panel.display and panel.lines == []

    run(platform, scenario)


def test_play_without_audio_output_makes_the_file_and_says_where_it_is_saved(
    platform: Session,
) -> None:
    require_program("espeak-ng")
    no_audio_output(platform)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel = await audio_lesson(pilot)
        bar = panel.query_one(ProgressBar)
        seen: list[float] = []
        app.watch(bar, "progress", lambda progress: seen.append(progress), init=False)
        await pilot.press("p")
        await made(pilot)
        await settle(pilot)

        result = panel.result
        assert result is not None and result.path is not None
        saved = platform.speech.audio_dir / "photosynthesis-beginner.wav"
        assert result.path == saved and saved.stat().st_size > 44
        assert len(set(seen)) > 3 and bar.percentage == 1  # advanced chunk by chunk, then done
        status = str(panel.query_one("#learn-audio-status").render())
        assert "No audio output here" in status
        assert clock_time(result.duration_s) in status
        assert "espeak-ng" in status and f"saved at {saved}" in status
        warning = app.notices[-1]
        assert warning.severity == "warning" and warning.title == "Narration"
        assert warning.message.startswith(f"saved to {saved}; no audio player found")
        # The true marks from the audio replace the tutor's estimates.
        assert [line.start_s for line in panel.lines] == [s.start_s for s in result.segments]
        second = str(panel.lines[1].render())
        assert second.startswith(f"[{clock_time(result.segments[1].start_s)}] Photosynthesis.")
        assert panel.highlighted is None and not panel.playing
        # The panel's script shows in place of the lesson's copy.
        assert panel.lines[0].region.height > 0
        assert rendered_text(app.query_one("#learn-lesson", Markdown)).count("[00:") == 0
        assert "## Key terms" in lesson_markdown(app)

        await learn(pilot, "recursion")  # the app stays usable
        assert lesson_markdown(app).startswith("# Recursion (beginner)")
        assert app.severities().count("error") == 0

    run(platform, scenario)


def test_no_voice_at_all_leaves_the_script_and_says_so(platform: Session) -> None:
    platform.speech = Speech([], platform.speech.player, platform.speech.audio_dir)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel = await audio_lesson(pilot)
        await pilot.press("p")
        await made(pilot)
        await settle(pilot)
        assert "no voice is configured" in app.notices[-1].message
        assert app.notices[-1].severity == "warning"
        assert "the script only" in str(panel.query_one("#learn-audio-status").render())
        assert panel.lines and not panel.playing
        assert not list(platform.speech.audio_dir.glob("*.wav"))

    run(platform, scenario)


# playing -----------------------------------------------------------------------------------
def test_the_segment_spoken_is_highlighted_as_the_clock_moves_and_pause_freezes_it(
    platform: Session, tmp_path: Path
) -> None:
    require_program("espeak-ng")
    pids = fake_player(platform, tmp_path)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel, clock, pid = await start_playing(pilot, pids)
        assert panel.playing and panel.highlighted == 0
        assert panel.lines[0].has_class("-current")
        marks = [line.start_s for line in panel.lines]
        assert "with fakeplay" in str(panel.query_one("#learn-audio-status").render())

        clock.now += marks[1] + 0.05  # press nothing: the interval tick follows the clock
        await until(pilot, lambda: panel.highlighted == 1, "the second segment")
        assert panel.lines[1].has_class("-current") and not panel.lines[0].has_class("-current")

        await pilot.press("p")  # pause
        assert panel.paused
        await until(pilot, lambda: process_state(pid) == "T", "the player to be paused")
        ticks = panel.ticks
        clock.now += marks[3]
        await until(pilot, lambda: panel.ticks >= ticks + 2, "two ticks while paused")
        assert panel.highlighted == 1  # paused time does not count

        await pilot.press("space")  # resume
        assert not panel.paused
        await until(pilot, lambda: process_state(pid) != "T", "the player to go on")
        clock.now += marks[2] - marks[1]
        await until(pilot, lambda: panel.highlighted == 2, "the third segment")

        await pilot.press("s")
        await settle(pilot)
        assert not alive(pid)
        assert not panel.playing and panel.highlighted is None
        assert "Stopped" in str(panel.query_one("#learn-audio-status").render())
        assert pids.read_text().split() == [str(pid)]  # one piece played, no other started

    run(platform, scenario)


def test_a_new_lesson_stops_the_narration(platform: Session, tmp_path: Path) -> None:
    require_program("espeak-ng")
    pids = fake_player(platform, tmp_path)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel, _clock, pid = await start_playing(pilot, pids)
        assert alive(pid)
        await learn(pilot, "recursion", format="audio")
        assert not alive(pid)
        assert not panel.playing and panel.lines[0].said.startswith("This is a beginner lesson")
        assert not app.query_one(LearnPane).has_class("-narrating")

    run(platform, scenario)


def test_closing_the_app_stops_the_player(platform: Session, tmp_path: Path) -> None:
    require_program("espeak-ng")
    pids = fake_player(platform, tmp_path)
    started: list[int] = []

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        _panel, _clock, pid = await start_playing(pilot, pids)
        started.append(pid)

    run(platform, scenario)
    assert started and not alive(started[0])


class NoPausePlayback:
    """A playback that can stop but not pause (as simpleaudio's)."""

    can_pause = False
    player = "simpleaudio"

    def __init__(self, inner: object) -> None:
        self.inner = inner

    def __getattr__(self, name: str) -> object:
        return getattr(self.inner, name)


class NoPausePlayer(Player):
    def start(self, path: Path) -> PlayResult:
        result = super().start(path)
        return PlayResult(
            result.played, "simpleaudio", result.message, NoPausePlayback(result.playback)
        )


def test_a_player_that_cannot_pause_says_so_and_keeps_playing(
    platform: Session, tmp_path: Path
) -> None:
    require_program("espeak-ng")
    pids = fake_player(platform, tmp_path)
    fake = platform.speech.player
    platform.speech.player = NoPausePlayer(
        fake.candidates, search_path=fake.search_path, use_simpleaudio=False, startup_s=0.05
    )

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel, _clock, pid = await start_playing(pilot, pids)
        await pilot.press("space")
        assert not panel.paused and panel.playing
        assert "simpleaudio cannot pause" in app.notices[-1].message
        assert process_state(pid) != "T"
        await pilot.press("escape")
        await settle(pilot)
        assert not alive(pid)

    run(platform, scenario)


@pytest.mark.parametrize("size", [(80, 24)])
def test_the_playing_narration_fits_an_80_by_24_terminal(
    platform: Session, tmp_path: Path, size: tuple[int, int]
) -> None:
    require_program("espeak-ng")
    pids = fake_player(platform, tmp_path)

    async def scenario(pilot: Pilot, app: RecordingApp) -> None:
        panel, clock, _pid = await start_playing(pilot, pids)
        body = app.query_one("#learn-body").region

        def in_view(selector: str) -> bool:
            region = app.query_one(selector).region
            return region.height > 0 and body.contains_region(region)

        assert in_view("#learn-audio-status") and in_view("#learn-audio-progress")
        clock.now += panel.lines[-1].start_s + 0.1
        await until(pilot, lambda: panel.highlighted == len(panel.lines) - 1, "the last segment")
        await pilot.pause()
        last = panel.lines[-1].region  # the highlighted line is scrolled into view…
        assert last.height > 0 and body.contains_region(last)
        assert in_view("#learn-audio-status") and in_view("#learn-audio-progress")  # …alone
        shown = {binding.action for (_, binding, _, _) in app.screen.active_bindings.values()}
        assert {"pause", "stop"} <= shown and "play" not in shown
        await pilot.press("s")
        await settle(pilot)

    run(platform, scenario, size=size)
