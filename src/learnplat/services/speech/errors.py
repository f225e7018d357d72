"""Speech failures: a voice that cannot speak (SpeechError) and a voice name that does not exist."""

from __future__ import annotations

from typing import Literal

from ...errors import BadInput, LearnplatError

SpeechKind = Literal[
    "missing",  # the engine's program or library is not installed
    "credentials",  # no AWS credentials in the standard chain
    "auth",  # credentials refused or access denied
    "throttled",  # still throttled after retries
    "engine",  # the engine is not supported for this voice
    "too-long",  # a request's text was over the service's limit
    "validation",  # the service rejected the request as invalid
    "unavailable",  # connection refused, timeout, 5xx
    "bad-audio",  # the engine answered with audio we cannot read
]


class SpeechError(LearnplatError):
    """A voice could not turn text into audio.

    ``engine`` is the voice's engine name ("espeak-ng" | "polly"); ``kind`` says what went wrong;
    ``code`` is the short form shown in fallback notices ("AccessDenied", "not installed").
    """

    def __init__(
        self,
        message: str,
        hint: str | None = None,
        *,
        engine: str,
        kind: SpeechKind,
        code: str | None = None,
    ) -> None:
        super().__init__(message, hint)
        self.engine = engine
        self.kind: SpeechKind = kind
        self.code = code or kind

    def __repr__(self) -> str:
        return f"SpeechError(engine={self.engine!r}, kind={self.kind!r}, {self.message!r})"


class UnknownVoice(BadInput):
    """The voice name is not one the engine knows; ``valid`` lists those it does (may be empty
    when the engine could not be asked)."""

    def __init__(self, engine: str, voice: str, valid: list[str], hint: str | None = None) -> None:
        listed = f" Valid voices: {', '.join(valid)}." if valid else ""
        super().__init__(f"{engine} has no voice {voice!r}.{listed}", hint)
        self.engine = engine
        self.voice = voice
        self.valid = valid
        self.code = f"unknown voice {voice!r}"
