"""Player: play an audio file with simpleaudio, else a system player, else say where it is saved.

No sound device is a normal condition here (servers, containers, SSH sessions): it is reported
as a message with the saved file's path, never raised.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ...errors import BadInput
from .playback import Playback, ProcessPlayback, SimpleaudioPlayback

# name -> (arguments before the file, formats it plays); unknown names get no arguments
SYSTEM_PLAYERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "paplay": ((), ("wav",)),
    "aplay": (("-q",), ("wav",)),
    "afplay": ((), ("wav", "mp3")),
    "ffplay": (("-nodisp", "-autoexit", "-loglevel", "error"), ("wav", "mp3")),
}
DEFAULT_PLAYERS = tuple(SYSTEM_PLAYERS)
NO_PLAYER_HINT = "pip install 'learnplat[audio]', or install paplay, aplay or ffplay"


@dataclass(frozen=True)
class PlayResult:
    """What happened: ``played`` (or, from ``start``, is playing), by which player, a message
    for the learner; ``playback`` is the handle while a sound plays (from ``start``)."""

    played: bool
    player: str | None
    message: str
    playback: Playback | None = field(default=None, compare=False, repr=False)


def simpleaudio_installed() -> bool:
    """Whether the optional simpleaudio package can be imported (without importing it)."""
    try:
        return importlib.util.find_spec("simpleaudio") is not None
    except (ImportError, ValueError):
        return False


class Player:
    """Plays WAV (and MP3 with afplay/ffplay).

    ``candidates`` are system players tried in order (names, or paths); ``search_path`` is the
    PATH to find them on (default: the environment's). A player that exits non-zero within
    ``startup_s`` is taken to have found no sound device, and the next one is tried.
    """

    def __init__(
        self,
        candidates: Sequence[str] | None = None,
        *,
        search_path: str | None = None,
        use_simpleaudio: bool = True,
        startup_s: float = 0.5,
    ) -> None:
        self.candidates = tuple(DEFAULT_PLAYERS if candidates is None else candidates)
        self.search_path = search_path
        self.use_simpleaudio = use_simpleaudio
        self.startup_s = startup_s

    def _which(self, name: str) -> str | None:
        return shutil.which(name, path=self.search_path)

    def available_players(self) -> list[str]:
        """The players that could be used here, in the order they are tried."""
        found = ["simpleaudio"] if self.use_simpleaudio and simpleaudio_installed() else []
        return found + [Path(name).name for name in self.candidates if self._which(name)]

    def play(self, path: Path) -> PlayResult:
        """Play ``path`` to the end. Returns what happened; raises BadInput for a missing file."""
        result = self.start(path)
        if result.playback is None:
            return result
        result.playback.wait()
        code = getattr(result.playback, "returncode", 0)
        if code not in (0, None):
            return PlayResult(
                False,
                result.player,
                f"playback stopped ({result.player} exited with {code}): "
                f"the audio is saved at {path}",
            )
        return PlayResult(True, result.player, f"played {path.name} with {result.player}")

    def start(self, path: Path) -> PlayResult:
        """Start playing ``path`` and return at once; ``playback`` is the handle (None when
        nothing plays). Raises BadInput for a missing file."""
        if not path.is_file():
            raise BadInput(f"No audio file at {path}")
        fmt = path.suffix.lower().lstrip(".")
        failures: list[tuple[str, str]] = []
        if self.use_simpleaudio and fmt == "wav" and simpleaudio_installed():
            try:
                import simpleaudio

                play_object = simpleaudio.WaveObject.from_wave_file(str(path)).play()
            except Exception as exc:  # its SimpleaudioError lives in a private module
                failures.append(("simpleaudio", " ".join(str(exc).split())))
            else:
                playback = SimpleaudioPlayback(play_object)
                return PlayResult(True, "simpleaudio", "playing with simpleaudio", playback)
        for candidate in self.candidates:
            name = Path(candidate).name
            executable = self._which(candidate)
            formats = SYSTEM_PLAYERS.get(name, ((), (fmt,)))[1]
            if executable is None or fmt not in formats:
                continue
            started = self._start_process(executable, name, path)
            if isinstance(started, PlayResult):
                return started
            failures.append((name, started))
        if not failures:
            return PlayResult(
                False, None, f"saved to {path}; no audio player found ({NO_PLAYER_HINT})"
            )
        name, detail = failures[-1]
        return PlayResult(
            False, name, f"no sound device: the audio is saved at {path} ({name}: {detail})"
        )

    def _start_process(self, executable: str, name: str, path: Path) -> PlayResult | str:
        """A started (or already finished) playback, or why the player failed."""
        arguments = SYSTEM_PLAYERS.get(name, ((), ()))[0]
        with tempfile.TemporaryFile() as errors:
            try:
                process = subprocess.Popen(
                    [executable, *arguments, str(path)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=errors,
                )
            except OSError as exc:
                return str(exc)
            playback = ProcessPlayback(process, name)
            if not playback.wait(self.startup_s):
                return PlayResult(True, name, f"playing with {name}", playback)
            if process.returncode == 0:
                return PlayResult(True, name, f"played {path.name} with {name}", playback)
            errors.seek(0)
            said = " ".join(errors.read().decode("utf-8", "replace").split())[:200]
        return f"exited with {process.returncode}" + (f": {said}" if said else "")


def available_players() -> list[str]:
    """Players usable on this machine with the default settings (for ``learnplat doctor``)."""
    return Player().available_players()
