"""A stub Amazon Polly for botocore: SynthesizeSpeech answering real audio, DescribeVoices,
and scripted failures.

PCM answers are a 500 Hz tone (16-bit mono little-endian, 16 kHz) lasting ``ms_per_char``
milliseconds per billed character; MP3 answers are silent MPEG-2 Layer III frames (24 kHz,
32 kbit/s, 96 bytes and 24 ms each) covering the same time. Like Polly, it refuses unknown
voices, engines a voice lacks, and text over 3,000 billed characters.
"""

from __future__ import annotations

import html
import math
import re
import struct
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.stubs.bedrock import HTTPFailure
from tests.stubs.server import StubHandler, StubServer

PCM_RATE = 16_000
TONE_HZ = 500  # 32 samples a period at 16 kHz, so whole periods tile without a click
_PERIOD = b"".join(
    struct.pack("<h", round(8000 * math.sin(2 * math.pi * i * TONE_HZ / PCM_RATE)))
    for i in range(PCM_RATE // TONE_HZ)
)
MP3_FRAME_HEADER = bytes([0xFF, 0xF3, 0x44, 0xC0])  # MPEG-2 Layer III, 32 kbit/s, 24 kHz, mono
MP3_FRAME_BYTES = 96
MP3_FRAME_S = 576 / 24_000
_TAG = re.compile(r"<[^>]+>")

VOICES: list[dict[str, Any]] = [
    {
        "Id": "Joanna",
        "Name": "Joanna",
        "Gender": "Female",
        "LanguageCode": "en-US",
        "LanguageName": "US English",
        "SupportedEngines": ["generative", "long-form", "neural", "standard"],
    },
    {
        "Id": "Matthew",
        "Name": "Matthew",
        "Gender": "Male",
        "LanguageCode": "en-US",
        "LanguageName": "US English",
        "SupportedEngines": ["generative", "neural", "standard"],
    },
    {
        "Id": "Maxim",
        "Name": "Maxim",
        "Gender": "Male",
        "LanguageCode": "ru-RU",
        "LanguageName": "Russian",
        "SupportedEngines": ["standard"],
    },
]


def tone_pcm(seconds: float) -> bytes:
    samples = round(seconds * PCM_RATE)
    periods = -(-samples * 2 // len(_PERIOD))
    return (_PERIOD * periods)[: samples * 2]


def silent_mp3(seconds: float) -> bytes:
    frames = max(1, math.ceil(seconds / MP3_FRAME_S))
    return (MP3_FRAME_HEADER + bytes(MP3_FRAME_BYTES - 4)) * frames


def billed_characters(text: str, text_type: str) -> int:
    """Characters Polly bills: SSML tags do not count, an entity counts as one."""
    return len(html.unescape(_TAG.sub("", text))) if text_type == "ssml" else len(text)


class PollyStub(StubServer):
    """Scriptable: set the attributes before the client calls, read ``requests`` after."""

    def __init__(self) -> None:
        super().__init__()
        self.ms_per_char = 10.0
        self.failures: list[HTTPFailure] = []  # answered in order, one per speech request
        self.fail_after = 0  # speech requests answered normally before ``failures`` apply
        self.voices = [dict(voice) for voice in VOICES]
        self.audio_sizes: list[int] = []  # bytes of audio in each successful speech answer
        self.speech_calls = 0

    def speech_requests(self) -> list[dict[str, Any]]:
        """Bodies of the SynthesizeSpeech requests, in order (failed attempts included)."""
        return [r.json() for r in self.requests if urlsplit(r.path).path == "/v1/speech"]


class _Handler(StubHandler):
    stub: PollyStub

    def _error(self, status: int, error_type: str, message: str) -> None:
        self.send_json(status, {"message": message}, {"x-amzn-ErrorType": error_type})

    def do_GET(self) -> None:
        self.record()
        url = urlsplit(self.path)
        if url.path != "/v1/voices":
            self._error(404, "UnknownOperationException", f"no route {url.path}")
            return
        engine = parse_qs(url.query).get("Engine", [None])[0]
        voices = [v for v in self.stub.voices if engine is None or engine in v["SupportedEngines"]]
        self.send_json(200, {"Voices": voices})

    def do_POST(self) -> None:
        request = self.record()
        stub = self.stub
        if urlsplit(self.path).path != "/v1/speech":
            self._error(404, "UnknownOperationException", f"no route {self.path}")
            return
        with stub.lock:
            stub.speech_calls += 1
            due = stub.speech_calls > stub.fail_after
            failure = stub.failures.pop(0) if stub.failures and due else None
        if failure is not None:
            self._error(failure.status, failure.error_type, failure.message)
            return
        body = request.json()
        voice = next((v for v in stub.voices if v["Id"] == body.get("VoiceId")), None)
        if voice is None:
            self._error(
                400,
                "ValidationException",
                f"1 validation error detected: Value '{body.get('VoiceId')}' at 'voiceId' "
                "failed to satisfy constraint",
            )
            return
        if body.get("Engine", "standard") not in voice["SupportedEngines"]:
            self._error(
                400,
                "EngineNotSupportedException",
                "This voice does not support the selected engine.",
            )
            return
        billed = billed_characters(body["Text"], body.get("TextType", "text"))
        if billed > 3000 or len(body["Text"]) > 6000:
            self._error(400, "TextLengthExceededException", "Maximum text length exceeded.")
            return
        seconds = billed * stub.ms_per_char / 1000
        if body["OutputFormat"] == "pcm":
            audio, content_type = tone_pcm(seconds), "audio/pcm"
        elif body["OutputFormat"] == "mp3":
            audio, content_type = silent_mp3(seconds), "audio/mpeg"
        else:
            self._error(400, "ValidationException", "stub speaks pcm and mp3 only")
            return
        with stub.lock:
            stub.audio_sizes.append(len(audio))
        self.send_body(200, audio, content_type, {"x-amzn-RequestCharacters": str(billed)})


PollyStub.handler = _Handler

__all__ = ["HTTPFailure", "PollyStub", "billed_characters", "silent_mp3", "tone_pcm"]
