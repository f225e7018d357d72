"""PollyVoice: Amazon Polly's SynthesizeSpeech, one request per chunk of at most 3,000 characters.

Output: ``.wav`` asks Polly for PCM (16-bit mono little-endian, 16 kHz) and wraps it in a WAV;
``.mp3`` asks for MP3 and joins the frames. Segment timings come from the audio either way: PCM
byte counts (32,000 bytes a second), or MP3 frame headers (no second request for timing).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any, ClassVar
from xml.sax.saxutils import escape

from ...aws import LazyClient, boto3_client
from ...errors import ConfigError, LearnplatError
from .chunking import Weight
from .engine import ChunkedVoice
from .errors import SpeechError, UnknownVoice
from .model import AudioFormat, Clip
from .mp3 import NotMp3, mp3_clip
from .polly_errors import PollyTarget, from_exception
from .wav import POLLY_PCM, pcm_clip

ENGINES = ("standard", "neural", "generative", "long-form")
MAX_BILLED_CHARS = 3000
"""Polly bills and accepts at most 3,000 characters of text per request (6,000 with SSML tags)."""
BASE_WPM = 160
"""Polly's usual pace; ``rate_wpm`` becomes an SSML prosody rate relative to it."""


def _escaped_length(text: str) -> int:
    return len(escape(text))


class PollyVoice(ChunkedVoice):
    """Speech from Amazon Polly; credentials come only from the standard AWS chain.

    The boto3 client is made on first use (building a PollyVoice connects to nothing).
    Throttling and 5xx answers are retried by botocore's standard retry mode up to
    ``max_attempts``; what still fails becomes a SpeechError (or UnknownVoice). A ``rate_wpm``
    is sent as SSML ``<prosody rate="N%">`` with N relative to BASE_WPM.
    """

    engine_name = "polly"
    label = "Polly"
    formats: ClassVar[tuple[AudioFormat, ...]] = ("wav", "mp3")
    chunk_limit = MAX_BILLED_CHARS
    max_rate_wpm = BASE_WPM * 2  # SSML prosody goes up to 200%

    def __init__(
        self,
        region: str = "us-east-1",
        engine: str = "neural",
        voice: str = "Joanna",
        endpoint_url: str | None = None,
        client: Any = None,
        *,
        max_attempts: int = 5,
        read_timeout: float = 60,
        session: Any = None,
    ) -> None:
        if engine not in ENGINES:
            raise ConfigError(
                f"Unknown Polly engine {engine!r}", hint=f"Use one of: {', '.join(ENGINES)}."
            )
        self.region = region
        self.engine = engine
        self.default_voice = voice
        self.endpoint_url = endpoint_url
        self.max_attempts = max_attempts
        self._session = session
        self._given_client = client
        self._client = LazyClient(
            lambda: (
                client
                if client is not None
                else boto3_client(
                    "polly",
                    region=region,
                    endpoint_url=endpoint_url,
                    read_timeout=read_timeout,
                    max_attempts=max_attempts,
                    session=session,
                )
            )
        )
        self._descriptions: list[dict[str, Any]] | None = None
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return (
            f"PollyVoice(region={self.region!r}, engine={self.engine!r}, "
            f"voice={self.default_voice!r})"
        )

    def available(self) -> bool:
        """Whether AWS credentials can be found (a client given to the constructor counts)."""
        if self._given_client is not None:
            return True
        try:
            import boto3

            session = self._session or boto3.session.Session()
            return session.get_credentials() is not None
        except Exception:
            return False

    def voices(self) -> list[str]:
        """Voice ids Polly offers for this engine (DescribeVoices, asked once); raises
        SpeechError when Polly cannot be asked."""
        return sorted({str(d["Id"]) for d in self.voice_descriptions()})

    def voice_descriptions(self) -> list[dict[str, Any]]:
        """DescribeVoices' entries for this engine: Id, LanguageCode, SupportedEngines, ..."""
        with self._lock:
            if self._descriptions is None:
                self._descriptions = self._describe()
            return self._descriptions

    def _describe(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        request: dict[str, Any] = {"Engine": self.engine}
        try:
            while True:
                page = self._client.get().describe_voices(**request)
                found += page.get("Voices", [])
                if not page.get("NextToken"):
                    return found
                request["NextToken"] = page["NextToken"]
        except Exception as exc:
            raise self._mapped(exc, self.default_voice) from exc

    def _check_voice(self, voice: str) -> None:
        """Polly judges the voice itself when asked to speak: no extra request up front."""

    def _target(self, voice: str) -> PollyTarget:
        return PollyTarget(self.region, self.engine, voice, self.max_attempts)

    def _mapped(self, exc: Exception, voice: str) -> Exception:
        mapped = from_exception(exc, self._target(voice))
        return exc if mapped is None else mapped

    def _weight(self, rate_wpm: int | None) -> Weight:
        # With SSML the escaped text counts: at most 3,000 characters billed, and the
        # escaped text plus a few tags stays far under the 6,000 total.
        return len if rate_wpm is None else _escaped_length

    def _request(self, text: str, voice: str, rate_wpm: int | None, fmt: AudioFormat) -> dict:
        request: dict[str, Any] = {
            "Engine": self.engine,
            "VoiceId": voice,
            "OutputFormat": "pcm" if fmt == "wav" else "mp3",
            "Text": text,
            "TextType": "text",
        }
        if fmt == "wav":
            request["SampleRate"] = str(POLLY_PCM.frame_rate)
        if rate_wpm is not None:
            percent = max(20, min(200, round(rate_wpm / BASE_WPM * 100)))
            request["Text"] = f'<speak><prosody rate="{percent}%">{escape(text)}</prosody></speak>'
            request["TextType"] = "ssml"
        return request

    def _render(
        self, text: str, *, voice: str, rate_wpm: int | None, fmt: AudioFormat, workdir: Path
    ) -> Clip:
        try:
            response = self._client.get().synthesize_speech(
                **self._request(text, voice, rate_wpm, fmt)
            )
            stream = response["AudioStream"]
            try:
                audio = stream.read()
            finally:
                stream.close()
        except Exception as exc:
            raise self._explained(exc, voice) from exc
        if fmt == "wav":
            return pcm_clip(audio, POLLY_PCM)
        try:
            return mp3_clip(audio)
        except NotMp3:
            raise SpeechError(
                f"Polly answered with {len(audio)} bytes that are not MP3 "
                f"({response.get('ContentType', 'no content type')})",
                engine=self.engine_name,
                kind="bad-audio",
            ) from None

    def _engines_of(self, voice: str) -> list[str]:
        """The engines Polly lists for ``voice`` (any engine's voices); [] if it cannot say."""
        try:
            listed = self._client.get().describe_voices().get("Voices", [])
        except Exception:
            return []
        return next((list(v.get("SupportedEngines", [])) for v in listed if v["Id"] == voice), [])

    def _explained(self, exc: Exception, voice: str) -> Exception:
        """The failure as the learner should see it: a rejected voice lists the valid ones, an
        unsupported engine names those the voice has."""
        mapped = self._mapped(exc, voice)
        if not isinstance(mapped, SpeechError):
            return mapped
        if mapped.kind == "engine":
            engines = self._engines_of(voice)
            if engines:
                mapped.hint = f"{voice} supports: {', '.join(engines)}. Set polly_engine to one."
            return mapped
        if mapped.kind != "validation":
            return mapped
        try:
            known = sorted({str(d["Id"]) for d in self.voice_descriptions()})
        except LearnplatError:
            known = []
        if (known and voice not in known) or (not known and "voice" in mapped.message.lower()):
            return UnknownVoice(
                "Polly", voice, known, hint="Polly voice ids are case-sensitive (e.g. Joanna)."
            )
        return mapped
