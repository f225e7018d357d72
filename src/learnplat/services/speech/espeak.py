"""EspeakVoice: offline speech with the espeak-ng program, one WAV per chunk joined into one."""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from .engine import ChunkedVoice
from .errors import SpeechError, UnknownVoice
from .model import AudioFormat, Clip
from .wav import NotWav, read_wav

INSTALL_HINT = (
    "Install it: sudo apt-get install espeak-ng (macOS: brew install espeak-ng), "
    'or set speech = "polly".'
)
_OTHER_LANGUAGE = re.compile(r"\(([^\s()]+) \d+\)")


@dataclass(frozen=True)
class VoiceCatalog:
    """What ``espeak-ng --voices`` lists: the language codes to offer, every name ``-v`` takes."""

    names: tuple[str, ...]
    accepted: frozenset[str]

    def accepts(self, voice: str) -> bool:
        """Whether ``-v voice`` names a listed voice; a ``+variant`` suffix is not checked."""
        return voice.split("+", 1)[0].strip().lower() in self.accepted


def parse_voice_list(listing: str) -> VoiceCatalog:
    """Parse the table ``espeak-ng --voices`` prints (a header line, then one voice a line)."""
    names: set[str] = set()
    accepted: set[str] = set()
    for line in listing.splitlines()[1:]:
        fields = line.split()
        if len(fields) < 5:
            continue
        language, voice_name, file = fields[1], fields[3], fields[4]
        others = _OTHER_LANGUAGE.findall(" ".join(fields[5:]))
        names.update([language, *others])
        accepted.update(
            name.lower()
            for name in (language, *others, voice_name, voice_name.replace("_", " "), file)
        )
        accepted.add(file.rsplit("/", 1)[-1].lower())
    return VoiceCatalog(tuple(sorted(names)), frozenset(accepted))


@functools.lru_cache(maxsize=8)
def _voice_catalog(executable: str) -> VoiceCatalog:
    try:
        listed = subprocess.run(
            [executable, "--voices"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SpeechError(
            f"espeak-ng could not list its voices: {exc}", engine="espeak-ng", kind="unavailable"
        ) from exc
    return parse_voice_list(listed.stdout)


class EspeakVoice(ChunkedVoice):
    """Speech from the espeak-ng program: WAV only, any language espeak-ng has.

    Text goes to the program on stdin (never on its command line). espeak-ng's exit code is not
    trusted (it can fail for want of a sound device even when writing a file): the WAV it
    wrote is what counts.
    """

    engine_name = "espeak-ng"
    label = "espeak-ng"
    formats: ClassVar[tuple[AudioFormat, ...]] = ("wav",)
    chunk_limit = 2000

    def __init__(
        self, voice: str = "en", *, program: str = "espeak-ng", timeout_s: float = 120
    ) -> None:
        self.default_voice = voice
        self.program = program
        self.timeout_s = timeout_s

    def __repr__(self) -> str:
        return f"EspeakVoice(voice={self.default_voice!r}, program={self.program!r})"

    def executable(self) -> str | None:
        """The program's path, or None when it is not installed."""
        return shutil.which(self.program)

    def available(self) -> bool:
        return self.executable() is not None

    def voices(self) -> list[str]:
        """Language codes ``-v`` accepts (also voice names, files and ``+variant`` forms);
        raises SpeechError when espeak-ng is not installed."""
        return list(self._catalog().names)

    def _catalog(self) -> VoiceCatalog:
        executable = self.executable()
        if executable is None:
            raise self._missing()
        return _voice_catalog(executable)

    def _check_voice(self, voice: str) -> None:
        if not self.available():
            return  # synthesis reports the missing program, with how to install it
        catalog = self._catalog()
        if not catalog.accepts(voice):
            raise UnknownVoice(
                "espeak-ng", voice, list(catalog.names), hint="e.g. en, en-us, en-gb, fr, de."
            )

    def _missing(self) -> SpeechError:
        return SpeechError(
            f"{self.program} is not installed, so narration cannot be spoken offline",
            INSTALL_HINT,
            engine=self.engine_name,
            kind="missing",
            code="not installed",
        )

    def _render(
        self, text: str, *, voice: str, rate_wpm: int | None, fmt: AudioFormat, workdir: Path
    ) -> Clip:
        executable = self.executable()
        if executable is None:
            raise self._missing()
        wav = workdir / "chunk.wav"
        wav.unlink(missing_ok=True)
        command = [executable, "-b", "1", "-v", voice, "-w", str(wav), "--stdin"]
        if rate_wpm is not None:
            command += ["-s", str(rate_wpm)]
        try:
            done = subprocess.run(
                command, input=text.encode("utf-8"), capture_output=True, timeout=self.timeout_s
            )
        except FileNotFoundError:
            raise self._missing() from None
        except subprocess.TimeoutExpired:
            raise SpeechError(
                f"espeak-ng took longer than {self.timeout_s:g} s on {len(text)} characters",
                engine=self.engine_name,
                kind="unavailable",
                code="timeout",
            ) from None
        errors = " ".join(done.stderr.decode("utf-8", "replace").split())
        try:
            clip = read_wav(wav)
        except NotWav as exc:
            if "voice does not exist" in errors:
                raise UnknownVoice("espeak-ng", voice, self.voices()) from None
            raise SpeechError(
                f"espeak-ng made no audio: {exc} (exit code {done.returncode}"
                f"{': ' + errors if errors else ''})",
                engine=self.engine_name,
                kind="bad-audio",
            ) from None
        if not clip.data and done.returncode != 0:
            raise SpeechError(
                f"espeak-ng failed (exit code {done.returncode}{': ' + errors if errors else ''})",
                engine=self.engine_name,
                kind="bad-audio",
            )
        return clip
